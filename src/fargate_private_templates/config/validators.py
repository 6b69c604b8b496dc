"""Small pure validators: each returns the cleaned value or raises ConfigError listing what is allowed."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Collection, Iterable

from ..errors import ConfigError, shown
from .patterns import (
    CACHE_PREFIX,
    CACHE_PREFIX_LENGTH,
    ENVIRONMENT_NAME,
    SECRET_NAME,
    SECRETS_MANAGER_ARN,
    SECRETS_MANAGER_BY_NAME,
    SSM_BY_NAME,
    SSM_PARAMETER_ARN,
    SSM_PARAMETER_NAME,
)

# Values ECS would hand to the container in clear text; Security Hub ECS.8 wants them as secrets.
CREDENTIAL_ENVIRONMENT_NAMES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "ECS_ENGINE_AUTH_DATA")

# CloudWatch Logs accepts only these retention periods (days).
LOG_RETENTION_DAYS: tuple[int, ...] = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)


def one_of(field: str, value: object, allowed: Collection[object]) -> object:
    if value not in allowed:
        choices = ", ".join(repr(a) for a in allowed)
        raise ConfigError(f"{field}: {shown(value)} is not allowed; choose one of {choices}")
    return value


def int_between(field: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{field}: {shown(value)} is not an integer; give a whole number from {low} to {high}")
    if not low <= value <= high:
        raise ConfigError(f"{field}: {value} is out of range; allowed {low} to {high}")
    return value


def boolean(field: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{field}: {shown(value)} is not a boolean; give true or false")
    return value


def log_retention(field: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in LOG_RETENTION_DAYS:
        days = ", ".join(str(d) for d in LOG_RETENTION_DAYS)
        raise ConfigError(f"{field}: {shown(value)} is not a CloudWatch Logs retention period; allowed days: {days}")
    return value


# Dotted decimal and a decimal prefix, as CloudFormation and the VPC API write a CIDR: Python's parser would also take
# a netmask (10.0.0.0/255.255.0.0) or a zero-padded prefix (/016), which the template parameters refuse.
_CIDR_TEXT = re.compile(r"(?:0|[1-9][0-9]{0,2})(?:\.(?:0|[1-9][0-9]{0,2})){3}/(?:0|[1-9][0-9]?)")


def ipv4_network(field: str, value: object, min_prefix: int, max_prefix: int) -> ipaddress.IPv4Network:
    """A network address with its prefix, e.g. 10.0.0.0/16; host bits must be zero."""
    text = value if isinstance(value, str) else repr(value)
    wanted = f"give one like 10.0.0.0/16 with a prefix from /{min_prefix} to /{max_prefix}"
    if isinstance(value, str) and "/" not in text and len(text) < 16:
        raise ConfigError(f"{field}: {shown(text)} has no prefix; give one from /{min_prefix} to /{max_prefix}")
    if not _CIDR_TEXT.fullmatch(text):
        raise ConfigError(
            f"{field}: {shown(text)} is not an IPv4 network in CIDR form (four decimal numbers, a slash and a "
            f"prefix length, no leading zeros); {wanted}"
        )
    try:
        network = ipaddress.IPv4Network(text, strict=True)
    except ValueError as exc:
        raise ConfigError(f"{field}: {shown(text)} is not an IPv4 network ({exc}); {wanted}") from None
    if not min_prefix <= network.prefixlen <= max_prefix:
        raise ConfigError(
            f"{field}: {shown(text)} has prefix /{network.prefixlen}; allowed /{min_prefix} to /{max_prefix}"
        )
    return network


def ip_network(field: str, value: object) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """An IPv4 network (as ``ipv4_network`` takes it, any prefix) or an IPv6 one such as ``2001:db8::/32`` or
    ``::/0``; host bits must be zero."""
    if not (isinstance(value, str) and ":" in value):
        return ipv4_network(field, value, 0, 32)
    if "/" not in value:
        raise ConfigError(f"{field}: {shown(value)} has no prefix; give an IPv6 network like 2001:db8::/32")
    try:
        return ipaddress.IPv6Network(value, strict=True)
    except ValueError as exc:
        raise ConfigError(
            f"{field}: {shown(value)} is not an IPv6 network ({exc}); give one like 2001:db8::/32 or ::/0"
        ) from None


_TAG_KEY = re.compile(r"^[\w .:/=+\-@]{1,128}$")
_RESERVED_TAG_PREFIX = "aws:"


def tags(field: str, value: object) -> tuple[tuple[str, str], ...]:
    """Tags as sorted (key, value) pairs, so rendering does not depend on the caller's dict order."""
    items: Iterable[object]
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, (tuple, list)):
        items = value
    else:
        raise ConfigError(f"{field}: {shown(value)} is not a mapping of tag keys to values")
    pairs: dict[str, str] = {}
    for item in items:
        if not (isinstance(item, (tuple, list)) and len(item) == 2):
            raise ConfigError(f"{field}: {shown(item)} is not a (key, value) pair")
        key, val = item
        if not isinstance(key, str) or not _TAG_KEY.fullmatch(key) or key.lower().startswith(_RESERVED_TAG_PREFIX):
            raise ConfigError(
                f"{field}: tag key {shown(key)} is not allowed; 1-128 letters, digits, spaces or _.:/=+-@, "
                f"not starting with 'aws:'"
            )
        if key == "Name":
            raise ConfigError(f"{field}: tag key 'Name' is reserved; each resource gets its own Name tag")
        if not isinstance(val, str) or len(val) > 256:
            raise ConfigError(f"{field}: value of tag {shown(key)} must be a string of at most 256 characters")
        if key in pairs:
            raise ConfigError(f"{field}: tag key {shown(key)} is given twice")
        pairs[key] = val
    if len(pairs) > 40:
        raise ConfigError(f"{field}: {len(pairs)} tags given; at most 40 are allowed (AWS allows 50 with Name)")
    return tuple(sorted(pairs.items()))


def pattern(field: str, value: object, regex: re.Pattern[str], allowed: str) -> str:
    # fullmatch: a pattern ending in $ would also accept the value with a trailing newline.
    if not isinstance(value, str) or not regex.fullmatch(value):
        raise ConfigError(f"{field}: {shown(value)} is not allowed; {allowed}")
    return value


def cache_prefix(field: str, value: object) -> str:
    """A pull-through cache rule's repository prefix: what ECR and the template parameter accept."""
    low, high = CACHE_PREFIX_LENGTH
    if not isinstance(value, str) or not CACHE_PREFIX.fullmatch(value) or not low <= len(value) <= high:
        raise ConfigError(
            f"{field}: {shown(value)} is not allowed; {low}-{high} lowercase letters, digits and . _ - separators"
        )
    return value


def pairs(field: str, value: object) -> tuple[tuple[str, str], ...]:
    """A mapping or (name, value) pairs, kept in the given order (it is the container's order)."""
    items = value.items() if isinstance(value, dict) else value
    if not isinstance(items, (tuple, list, type({}.items()))):
        raise ConfigError(f"{field}: {shown(value)} is not a mapping of names to values")
    found: list[tuple[str, str]] = []
    for item in items:
        if not (isinstance(item, (tuple, list)) and len(item) == 2 and all(isinstance(x, str) for x in item)):
            raise ConfigError(f"{field}: {shown(item)} is not a (name, string value) pair")
        name = pattern(field, item[0], ENVIRONMENT_NAME, "names are letters, digits and _, not starting with a digit")
        if name in (p[0] for p in found):
            raise ConfigError(f"{field}: {shown(name)} is given twice")
        found.append((name, item[1]))
    return tuple(found)


def environment_and_secrets(
    prefix: str, environment: object, secrets: object
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """A container's environment and secrets: no credentials in clear text, secrets as Secrets Manager or SSM
    Parameter Store ARNs or names, no name in both."""
    where = f"{prefix}." if prefix else ""
    environment = pairs(f"{where}environment", environment)
    secrets = pairs(f"{where}secrets", secrets)
    for name, _ in environment:
        if name in CREDENTIAL_ENVIRONMENT_NAMES:
            raise ConfigError(f"{where}environment: {name!r} carries credentials; pass it in secrets instead")
    for name, source in secrets:
        _secret_source(f"{where}secrets", name, source)
    both = {n for n, _ in environment} & {n for n, _ in secrets}
    if both:
        raise ConfigError(f"{where}environment, {where}secrets: {sorted(both)} given in both; a name may be only one")
    return environment, secrets


def _secret_source(field: str, name: str, source: str) -> None:
    """An ARN, or a secret or parameter named so the template builds or asks for its ARN in any account and Region."""
    if source.startswith(SECRETS_MANAGER_BY_NAME):
        pattern(
            f"{field}.{name}",
            source.removeprefix(SECRETS_MANAGER_BY_NAME),
            SECRET_NAME,
            "a Secrets Manager secret name after 'secretsmanager:': 1-512 of letters, digits and / _ + = . @ -",
        )
    elif source.startswith(SSM_BY_NAME):
        pattern(
            f"{field}.{name}",
            source.removeprefix(SSM_BY_NAME),
            SSM_PARAMETER_NAME,
            "a Parameter Store name after "
            "'ssm:': letters, digits and _ . - in up to 15 /-separated levels, not beginning with aws or ssm",
        )
    elif not (SECRETS_MANAGER_ARN.fullmatch(source) or SSM_PARAMETER_ARN.fullmatch(source)):
        raise ConfigError(
            f"{field}: {name!r} = {shown(source)} is neither a Secrets Manager or SSM Parameter Store ARN "
            "(arn:aws:secretsmanager:...:secret:... or arn:aws:ssm:...:parameter/...) nor a name that deploys in any "
            "account and Region ('secretsmanager:<secret name>' or 'ssm:<parameter name>')"
        )


def exec_needs_writable_root(enable_exec: bool, readonly_root_filesystem: bool) -> None:
    """ECS Exec starts the SSM agent inside the container, which writes to the container's file system (ECS
    Developer Guide, ECS Exec considerations: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html).
    """
    if enable_exec and readonly_root_filesystem:
        raise ConfigError(
            "enable_exec, container.readonly_root_filesystem: ECS Exec needs a writable root filesystem (ECS "
            "Developer Guide, ECS Exec considerations); set container.readonly_root_filesystem = false to use "
            "ECS Exec, or enable_exec = false to keep the root filesystem read-only"
        )
