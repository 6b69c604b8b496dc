"""The config file described from the code: every table and key with its type, default, what it allows and what it
means, as the Markdown reference (docs/configuration-reference.md) and as the JSON Schema editors read
(schema/config.schema.json).

Types and defaults come from the dataclasses, what a key allows from its ``setting`` (config/settings.py, the same
object that checks it), and its meaning from the ``Attributes:`` section of its dataclass's docstring.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import re
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .cloudfront import CloudFrontOptions
from .file import ACCOUNT_KEY, ACCOUNT_MEANING, Deployment
from .front_door import FrontDoorConfig
from .network import ENDPOINT_PRESETS, NetworkConfig
from .registry import RegistryConfig
from .service import GROUPS, ServiceConfig
from .settings import ALLOWED, DEFAULT_TEXT, Allowed
from .sidecars import SidecarOptions

SCHEMA_ID = "https://fargate-private-templates/config.schema.json"
# Deployment's fields that are tables of their own, or built from several keys, not keys at the top level.
_NOT_TOP_LEVEL = ("network", "services", "registry", "front_door", "accounts")
_ATTRIBUTE = re.compile(r"^ {4}(\w+): (.*)$")
_CONTINUATION = re.compile(r"^ {8}(.*)$")


@dataclass(frozen=True)
class Key:
    """One key of a table."""

    name: str
    toml_type: str
    default: str
    allowed: str
    meaning: str
    schema: dict[str, Any]


@dataclass(frozen=True)
class Table:
    """One TOML table (``[network]``) or array of tables (``[[services]]``) and its keys."""

    header: str
    what: str
    keys: tuple[Key, ...]


def meanings(cls: type) -> dict[str, str]:
    """Field name -> its line(s) in the class docstring's ``Attributes:`` section, joined."""
    found: dict[str, str] = {}
    current = None
    in_attributes = False
    for line in inspect.cleandoc(cls.__doc__ or "").splitlines():
        if line.strip() == "Attributes:":
            in_attributes = True
            continue
        if not in_attributes:
            continue
        if match := _ATTRIBUTE.match(line):
            current = match.group(1)
            found[current] = match.group(2).strip().replace("``", "`")
        elif current and (more := _CONTINUATION.match(line)):
            found[current] += " " + more.group(1).strip().replace("``", "`")
        elif line.strip():
            current = None
    return found


def summary(cls: type) -> str:
    """The first paragraph of the class docstring, on one line."""
    return " ".join((cls.__doc__ or "").split("\n\n")[0].split()).replace("``", "`")


_SCALARS: dict[Any, tuple[str, str]] = {
    str: ("string", "string"),
    int: ("integer", "integer"),
    bool: ("boolean", "boolean"),
    float: ("float", "number"),
}


def _toml_type(annotation: Any) -> tuple[str, dict[str, Any]]:
    """A field's TOML type in words, and its JSON Schema."""
    origin = typing.get_origin(annotation)
    arguments = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin in (types.UnionType, typing.Union):
        kinds = [_toml_type(argument) for argument in arguments]
        words = [word for word, _ in kinds]
        if len(kinds) == 1:
            return kinds[0]
        if set(words) == {"float", "integer"}:
            return "number", {"type": "number"}
        return " or ".join(dict.fromkeys(words)), {"anyOf": [schema for _, schema in kinds]}
    if origin is tuple:
        if arguments == [tuple[str, str], Ellipsis]:
            return "table of strings", {"type": "object", "additionalProperties": {"type": "string"}}
        item = arguments[0]
        if dataclasses.is_dataclass(item):
            return "array of tables", {"type": "array", "items": table_schema(item)}
        word, schema = _toml_type(item)
        return f"array of {word}s", {"type": "array", "items": schema}
    if dataclasses.is_dataclass(annotation):
        return "table", table_schema(annotation)
    word, json_type = _SCALARS[annotation]
    return word, {"type": json_type}


def _default(field: dataclasses.Field[Any]) -> str:
    if field.metadata.get(DEFAULT_TEXT):
        return field.metadata[DEFAULT_TEXT]
    if field.default is not dataclasses.MISSING:
        value = field.default
    elif field.default_factory is not dataclasses.MISSING:
        value = field.default_factory()
    else:
        return "required"
    if dataclasses.is_dataclass(value):
        return "its table's defaults"
    if value is None or value == ():
        return "none"
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    if isinstance(value, str):
        return f'`"{value}"`'
    if isinstance(value, tuple):
        return "`[" + ", ".join(json.dumps(item) for item in value) + "]`"
    return f"`{value}`"


def keys_of(cls: type, skip: tuple[str, ...] = ()) -> tuple[Key, ...]:
    """Every field of ``cls`` as a key, in declaration order; a field the docstring does not describe is an error."""
    hints = typing.get_type_hints(cls)
    described = meanings(cls)
    found = []
    for field in dataclasses.fields(cls):
        if field.name in skip:
            continue
        if field.name not in described:
            raise ValueError(f"{cls.__name__}.{field.name} has no line in the docstring's Attributes section")
        word, schema = _toml_type(hints[field.name])
        allowed: Allowed | None = field.metadata.get(ALLOWED)
        if allowed is not None:
            # What the setting allows narrows the type; a list of values or of alternatives replaces it.
            narrower = allowed.schema()
            kept = {k: v for k, v in schema.items() if not ({"enum", "oneOf", "anyOf"} & narrower.keys())}
            schema = {**kept, **narrower}
        found.append(
            Key(field.name, word, _default(field), allowed.text() if allowed else "", described[field.name], schema)
        )
    return tuple(found)


def table_schema(cls: type, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    properties = {key.name: key.schema for key in keys_of(cls)} | (extra or {})
    return {"type": "object", "properties": properties, "additionalProperties": False}


def tables() -> Iterator[Table]:
    """The config file's tables, in the order a file usually writes them."""
    yield Table(
        "(top level)",
        "Keys outside any table.",
        keys_of(Deployment, skip=_NOT_TOP_LEVEL),
    )
    yield Table("[network]", summary(NetworkConfig), keys_of(NetworkConfig))
    yield Table("[ingress]", summary(FrontDoorConfig), keys_of(FrontDoorConfig))
    yield Table("[ingress.cloudfront]", summary(CloudFrontOptions), keys_of(CloudFrontOptions))
    account = Key(ACCOUNT_KEY, "string", "none", "a 12-digit account ID", ACCOUNT_MEANING, ACCOUNT_SCHEMA)
    yield Table("[[services]]", summary(ServiceConfig), (*keys_of(ServiceConfig), account))
    for name, group in GROUPS.items():
        yield Table(f"[services.{name}]", summary(group), keys_of(group))
        if name == "load_balancer":
            yield Table("[services.load_balancer.cloudfront]", summary(CloudFrontOptions), keys_of(CloudFrontOptions))
    yield Table("[[services.sidecars]]", summary(SidecarOptions), keys_of(SidecarOptions))
    yield Table("[registry]", summary(RegistryConfig), keys_of(RegistryConfig))


ACCOUNT_SCHEMA = {"type": "string", "pattern": r"^\d{12}$"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def reference_markdown() -> str:
    """docs/configuration-reference.md."""
    lines = [
        "# Configuration reference",
        "",
        "Generated from the config dataclasses (`src/fargate_private_templates/config/`) by `make templates`: edit the",
        "code, not this page. Every key, its type, its default, what it allows and what it means; a key not listed",
        "here is refused. Editors that read JSON Schema (Even Better TOML, taplo) complete and check these keys from",
        "[schema/config.schema.json](../schema/config.schema.json).",
        "",
        "Endpoint presets (`[network] endpoints`):",
        "",
        "| Preset | Endpoints |",
        "|---|---|",
        *(
            f"| `{name}` | {', '.join(f'`{e}`' for e in endpoints) or 'none'} |"
            for name, endpoints in ENDPOINT_PRESETS.items()
        ),
    ]
    for table in tables():
        lines += [
            "",
            f"## `{table.header}`",
            "",
            table.what,
            "",
            "| Key | Type | Default | Allowed | Meaning |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| `{key.name}` | {key.toml_type} | {_cell(key.default)} | {_cell(key.allowed)} | {_cell(key.meaning)} |"
            for key in table.keys
        ]
    return "\n".join(lines) + "\n"


def config_schema() -> dict[str, Any]:
    """schema/config.schema.json: a misspelled key anywhere fails validation."""
    top = {key.name: key.schema for key in keys_of(Deployment, skip=_NOT_TOP_LEVEL)}
    service = table_schema(ServiceConfig, {ACCOUNT_KEY: ACCOUNT_SCHEMA})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "fargate-private-templates config",
        "description": "A network, its services, and optionally a shared front door and a registry "
        "(docs/configuration-reference.md).",
        "type": "object",
        "properties": {
            **top,
            "network": table_schema(NetworkConfig),
            "ingress": table_schema(FrontDoorConfig),
            "services": {"type": "array", "minItems": 1, "items": service},
            "registry": table_schema(RegistryConfig),
        },
        "required": ["services"],
        "additionalProperties": False,
    }


def schema_json() -> str:
    return json.dumps(config_schema(), indent=2) + "\n"
