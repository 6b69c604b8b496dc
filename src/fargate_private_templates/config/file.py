"""Config files (TOML): a deployment's name, one network, its services, optionally a shared front door and a
registry, mapped one to one onto the configs.

Each group of ``ServiceConfig`` is a sub-table of its ``[[services]]`` entry:

```toml
[network]
nat_mode = "none"
endpoints = "ecr"

[[services]]
name = "web"

[services.container]
port = 8080
```
"""

from __future__ import annotations

import dataclasses
import sys
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigError, shown
from ..regions.partitions import REGION_CODE, check_regions
from ..render.files import describe
from .front_door import FrontDoorConfig
from .load_balancer import SHARED
from .network import NetworkConfig
from .patterns import ACCOUNT_ID, DEPLOYMENT_NAME, DEPLOYMENT_NAME_LENGTH
from .registry import RegistryConfig
from .service import ServiceConfig
from .settings import Custom, Matches, check_settings, setting

DEFAULT_NAME = "fargate"
SECTIONS = ("name", "regions", "network", "ingress", "services", "registry")
# A [[services]] key beside the ServiceConfig fields: the account the service's stack is deployed to.
ACCOUNT_KEY = "account"
ACCOUNT_MEANING = (
    "the 12-digit account the service's stack is deployed to, when it is not the network's (a shared VPC): its "
    "stack goes into a deploy script of its own, deploy-<account>.sh; no template changes"
)
# Keys of the flat service table before the groups: a config written for it is told where each one went.
MOVED_SERVICE_KEYS = {
    "container_name": "container.name",
    "container_port": "container.port",
    "environment": "container.environment",
    "secrets": "container.secrets",
    "readonly_root_filesystem": "container.readonly_root_filesystem",
    "image_source": "image.source",
    "repository_name": "image.repository",
    "image_tag": "image.tag",
    "registry_account_id": "image.registry_account_id",
    "cache_prefix": "image.cache_prefix",
    "cache_prewarmed": "image.cache_prewarmed",
    "image_uri": "image.uri",
    "registry_credentials_secret_arn": "image.credentials_secret_arn",
    "health_check_path": "health_check.path",
    "health_check_protocol": "health_check.protocol",
    "health_check_interval": "health_check.interval",
    "health_check_grace_period": "health_check.grace_period",
    "listener_protocol": "load_balancer.listener_protocol",
    "listener_port": "load_balancer.listener_port",
    "certificate_arn": "load_balancer.certificate_arn",
    "deletion_protection": "load_balancer.deletion_protection",
    "min_capacity": "scaling.min_capacity",
    "max_capacity": "scaling.max_capacity",
    "desired_count": "scaling.desired_count",
    "target_cpu_utilization": "scaling.target_cpu_utilization",
    "target_requests_per_target": "scaling.target_requests_per_target",
}
# Flat keys whose name is now a group's: a value that is not a table is the old flat setting.
FLAT_KEYS_NOW_GROUPS = {"load_balancer": "kind"}


@dataclass(frozen=True)
class Deployment:
    """What one config file describes.

    Attributes:
        network: the network stack's config.
        services: one config per service stack.
        registry: the registry stack's config (default none: no registry stack).
        front_door: a shared front door that services with ``load_balancer.kind = "shared"`` attach to (default none).
        regions: where the stacks will be deployed (default none: Region-agnostic templates, nothing refused by
            Region).
        name: the top-level ``name``, prefix of every stack name (``stacks.stack_names``): a letter, then letters,
            digits and hyphens, at most 95 characters so that ``<name>-<service name>`` stays a valid stack name
            (default ``fargate``: stacks ``fargate-network``, ``fargate-ingress``, ``fargate-<service name>``).
    """

    network: NetworkConfig
    services: tuple[ServiceConfig, ...]
    registry: RegistryConfig | None = None
    front_door: FrontDoorConfig | None = None
    regions: tuple[str, ...] = setting(
        (),
        allowed=Custom(
            check_regions,
            "a list of Region codes of the aws, aws-cn and aws-us-gov partitions, like `us-east-1`",
            (("type", "array"), ("items", {"type": "string", "pattern": REGION_CODE.pattern})),
        ),
    )
    # (service name, account) for each service whose stack goes to another account than the network's: the
    # ``account`` key of its [[services]] table. It changes no template; render writes a deploy script per account.
    accounts: tuple[tuple[str, str], ...] = ()
    name: str = setting(
        DEFAULT_NAME,
        allowed=Matches(
            DEPLOYMENT_NAME,
            f"a stack-name prefix: a letter, then letters, digits and hyphens, {DEPLOYMENT_NAME_LENGTH} characters at "
            "most (<name>-<service name> must stay a stack name of 128 characters at most)",
        ),
    )

    def __post_init__(self) -> None:
        check_settings(self)
        if self.front_door is None:
            self._check_front_doors_named()

    def _check_front_doors_named(self) -> None:
        """Without an [ingress] table, a shared service must say which deployed front door it attaches to: a default
        name would point it at a stack that may not exist, and only the deploy would tell."""
        for index, service in enumerate(self.services):
            if service.load_balancer.kind == SHARED and service.routing.front_door is None:
                raise ConfigError(
                    f"services[{index}].routing.front_door: service {service.name!r} attaches to a shared front door "
                    "(load_balancer.kind 'shared') but names none, and the config has no [ingress] table; add an "
                    "[ingress] table to render the front door with it, or set routing.front_door to the stack name "
                    "of a deployed front door"
                )


class _KeyError(ConfigError):
    """A key or type error whose message already holds the full key path."""


def _expected_types(annotation: Any) -> tuple[type, ...]:
    """Python types a field accepts, from its annotation (``int | None`` -> (int, NoneType))."""
    origin = typing.get_origin(annotation)
    if origin in (types.UnionType, typing.Union):
        return tuple(t for arg in typing.get_args(annotation) for t in _expected_types(arg))
    if origin is tuple:
        # TOML has arrays and tables; configs take both as sequences or mappings of pairs.
        return (list, dict)
    if dataclasses.is_dataclass(annotation):
        return (dict,)
    return (origin or annotation,)


_TYPE_NAMES = {str: "a string", int: "an integer", bool: "true or false", list: "an array", dict: "a table"}


def _unknown_key(cls: type, key: str, where: str) -> _KeyError:
    fields = [f.name for f in dataclasses.fields(cls)] + ([ACCOUNT_KEY] if cls is ServiceConfig else [])
    moved = MOVED_SERVICE_KEYS.get(key) if cls is ServiceConfig else None
    hint = ""
    if moved:
        group, name = moved.split(".")
        hint = f"; it belongs in the [{where.split('[')[0]}.{group}] table as {name}"
    return _KeyError(f"{where}.{key}: unknown key{hint}; allowed here: {', '.join(fields)}")


def _moved(cls: type, key: str, where: str) -> str:
    """Where an old flat setting of that name went, for a value that is not the group's table."""
    setting = FLAT_KEYS_NOW_GROUPS.get(key) if cls is ServiceConfig else None
    if setting is None:
        return ""
    return f"; the flat setting {key} moved: write it in the [{where.split('[')[0]}.{key}] table as {setting}"


def _arguments(cls: type, table: Any, where: str) -> dict[str, Any]:
    """The table as keyword arguments for ``cls``, groups built; unknown keys and wrong types refused by path."""
    if not isinstance(table, dict):
        raise _KeyError(f"{where}: must be a table of settings, not {type(table).__name__}")
    hints = typing.get_type_hints(cls)
    fields = {f.name for f in dataclasses.fields(cls)}
    arguments: dict[str, Any] = {}
    for key, value in table.items():
        if key not in fields:
            raise _unknown_key(cls, key, where)
        expected = tuple(t for t in _expected_types(hints[key]) if t is not type(None))
        # bool is an int in Python, but `cpu = true` is a mistake worth naming.
        if not isinstance(value, expected) or (isinstance(value, bool) and bool not in expected):
            wanted = " or ".join(_TYPE_NAMES.get(t, t.__name__) for t in expected)
            raise _KeyError(
                f"{where}.{key}: {shown(value)} has the wrong type; expected {wanted}{_moved(cls, key, where)}"
            )
        arguments[key] = _value(hints[key], key, value, where)
    return arguments


def _value(annotation: Any, key: str, value: Any, where: str) -> Any:
    """A group built from its table, a tuple of groups from an array of tables (``[[services.sidecars]]``), or the
    value itself."""
    if dataclasses.is_dataclass(annotation):
        try:
            return annotation(**_arguments(annotation, value, f"{where}.{key}"))
        except _KeyError:
            raise
        except ConfigError as error:
            raise ConfigError(_within(key, str(error))) from None
    item = _item_group(annotation)
    if item is None:
        return value
    if not isinstance(value, list):
        raise _KeyError(f"{where}.{key}: must be an array of tables ([[{where.split('[')[0]}.{key}]]), not a table")
    built = []
    for index, table in enumerate(value):
        try:
            built.append(item(**_arguments(item, table, f"{where}.{key}[{index}]")))
        except _KeyError:
            raise
        except ConfigError as error:
            raise ConfigError(f"{key}[{index}].{error}") from None
    return tuple(built)


def _within(key: str, message: str) -> str:
    """A group's message with the group's key in front, unless it already names it (``container.port: ...``): a
    group inside a group (``load_balancer.cloudfront``) knows only its own name."""
    return message if message.startswith((f"{key}.", f"{key}:", f"{key}[")) else f"{key}.{message}"


def _item_group(annotation: Any) -> type | None:
    """``X`` of ``tuple[X, ...]`` when ``X`` is a group."""
    arguments = typing.get_args(annotation)
    if typing.get_origin(annotation) is tuple and len(arguments) == 2 and arguments[1] is Ellipsis:
        return arguments[0] if dataclasses.is_dataclass(arguments[0]) else None
    return None


def _make(cls: type, table: Any, where: str) -> Any:
    """``cls`` built from a table; every ConfigError names ``where`` and the key path below it."""
    try:
        return cls(**_arguments(cls, table, where))
    except _KeyError:
        raise
    except ConfigError as error:
        raise ConfigError(f"{where}.{error}") from None


def _without_account(table: Any) -> Any:
    """A [[services]] table without its ``account`` key, which is about where the stack goes, not what it is."""
    return {k: v for k, v in table.items() if k != ACCOUNT_KEY} if isinstance(table, dict) else table


def _account(value: Any, where: str) -> str:
    if not isinstance(value, str) or not ACCOUNT_ID.fullmatch(value):
        raise _KeyError(f"{where}: {shown(value)} is not allowed; a 12-digit AWS account ID")
    return value


def parse_config(document: Mapping[str, Any], source: str) -> Deployment:
    """The configs a parsed TOML document describes; ConfigError names ``source`` and the key path."""
    try:
        unknown = sorted(set(document) - set(SECTIONS))
        if unknown:
            raise ConfigError(f"{unknown[0]}: unknown section or key; allowed: {', '.join(SECTIONS)}")
        network = _make(NetworkConfig, document.get("network", {}), "network")
        tables = document.get("services", [])
        if not isinstance(tables, list) or not tables:
            raise ConfigError("services: describe at least one service as [[services]]")
        services = tuple(
            _make(ServiceConfig, _without_account(table), f"services[{i}]") for i, table in enumerate(tables)
        )
        accounts = tuple(
            (service.name, _account(table["account"], f"services[{i}].account"))
            for i, (service, table) in enumerate(zip(services, tables, strict=True))
            if "account" in table
        )
        for index, table in enumerate(tables):
            # The library's default name suits one service built in code; in a file it would silently become "app".
            if "name" not in table:
                raise ConfigError(
                    f"services[{index}].name: required in a config file; give each [[services]] a name (lowercase "
                    "letters, digits and hyphens), used in its file name, descriptions and tags"
                )
        registry = _make(RegistryConfig, document["registry"], "registry") if "registry" in document else None
        # The front door's table keeps its first name, [ingress]: config files written for it stay valid.
        front_door = _make(FrontDoorConfig, document["ingress"], "ingress") if "ingress" in document else None
        return Deployment(
            network,
            services,
            registry,
            front_door,
            document.get("regions", ()),
            accounts=accounts,
            name=document.get("name", DEFAULT_NAME),
        )
    except ConfigError as error:
        raise ConfigError(f"{source}: {error}") from None


def read_config(path: str | Path) -> Deployment:
    """The configs of a TOML file; ConfigError names the file, and the key for a bad value."""
    if not str(path).strip():
        raise ConfigError("config file: the path is empty; give a TOML file")
    try:
        data = Path(path).read_bytes()
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, not a file") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read ({describe(error)})") from None
    if not data.strip():
        raise ConfigError(f"{path}: the file is empty; describe a network and at least one [[services]]")
    if b"\0" in data:
        raise ConfigError(f"{path}: a binary file, not a TOML config")
    try:
        document = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None
    except RecursionError:
        raise ConfigError(f"{path}: not a usable config (nested too deeply)") from None
    except ValueError as error:
        # Python refuses to read an integer longer than its string limit, inside tomllib, as a plain ValueError.
        raise ConfigError(f"{path}: not a usable config ({_unreadable_value(error)})") from None
    return parse_config(document, str(path))


def _unreadable_value(error: ValueError) -> str:
    limit = sys.get_int_max_str_digits()
    if "integer string conversion" in str(error):
        return f"an integer of more than {limit} digits; no setting takes one"
    return str(error).splitlines()[0] if str(error) else "a value Python cannot read"
