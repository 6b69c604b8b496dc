"""Config files (TOML): one network and its services, mapped one to one onto NetworkConfig / ServiceConfig.

```toml
[network]
nat_mode = "none"
endpoints = "ecr"

[[services]]
name = "web"
container_port = 8080
```
"""

from __future__ import annotations

import dataclasses
import tomllib
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from troposphere import Template

from .errors import ConfigError
from .network_config import NetworkConfig
from .registry import RegistryConfig, build_registry
from .service_config import ServiceConfig
from .stacks import build_stacks

REGISTRY_FILE = "registry.yaml"
_SECTIONS = ("network", "services", "registry")


def _expected_types(annotation: Any) -> tuple[type, ...]:
    """Python types a field accepts, from its annotation (``int | None`` -> (int, NoneType))."""
    origin = typing.get_origin(annotation)
    if origin in (types.UnionType, typing.Union):
        return tuple(t for arg in typing.get_args(annotation) for t in _expected_types(arg))
    if origin is tuple:
        # TOML has arrays and tables; configs take both as sequences or mappings of pairs.
        return (list, dict)
    return (origin or annotation,)


_TYPE_NAMES = {str: "a string", int: "an integer", bool: "true or false", list: "an array", dict: "a table"}


def _make(cls: type, table: Any, where: str) -> Any:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table of settings, not {type(table).__name__}")
    hints = typing.get_type_hints(cls)
    fields = {f.name for f in dataclasses.fields(cls)}
    for key, value in table.items():
        if key not in fields:
            raise ConfigError(f"{where}.{key}: unknown key; allowed: {', '.join(sorted(fields))}")
        expected = tuple(t for t in _expected_types(hints[key]) if t is not type(None))
        # bool is an int in Python, but `cpu = true` is a mistake worth naming.
        if not isinstance(value, expected) or (isinstance(value, bool) and bool not in expected):
            wanted = " or ".join(_TYPE_NAMES.get(t, t.__name__) for t in expected)
            raise ConfigError(f"{where}.{key}: {value!r} has the wrong type; expected {wanted}")
    try:
        return cls(**table)
    except ConfigError as error:
        raise ConfigError(f"{where}.{error}") from None


def parse_config(document: Mapping[str, Any], source: str) -> dict[str, Template]:
    """File name -> template for what the document describes; ConfigError names the file and the key."""
    try:
        unknown = sorted(set(document) - set(_SECTIONS))
        if unknown:
            raise ConfigError(f"{unknown[0]}: unknown section; allowed: {', '.join(_SECTIONS)}")
        network = _make(NetworkConfig, document.get("network", {}), "network")
        tables = document.get("services", [])
        if not isinstance(tables, list) or not tables:
            raise ConfigError("services: describe at least one service as [[services]]")
        services = [_make(ServiceConfig, table, f"services[{i}]") for i, table in enumerate(tables)]
        stacks = build_stacks(network, services)
        if "registry" in document:
            stacks[REGISTRY_FILE] = build_registry(_make(RegistryConfig, document["registry"], "registry"))
        return stacks
    except ConfigError as error:
        raise ConfigError(f"{source}: {error}") from None


def load_config(path: str | Path) -> dict[str, Template]:
    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read ({error.strerror})") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None
    return parse_config(document, str(path))
