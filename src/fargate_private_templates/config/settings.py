"""A config field defined once: its default, what it means and what it allows.

The config dataclasses declare each field with ``setting()``; ``check_settings`` validates every field against what it
allows (the messages name the field by its full path, the value and what is allowed); the config reference
(docs/configuration-reference.md) and the JSON Schema editors read (schema/config.schema.json) are generated from the
same definitions, so the three never disagree. Rules across fields stay in each dataclass's ``__post_init__``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from ..errors import ConfigError
from . import validators as v


class Allowed(Protocol):
    """What one field accepts: a check that returns the cleaned value, a description and JSON Schema keywords."""

    def check(self, field: str, value: object) -> object: ...

    def text(self) -> str: ...

    def schema(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Between:
    low: int
    high: int

    def check(self, field: str, value: object) -> object:
        return v.int_between(field, value, self.low, self.high)

    def text(self) -> str:
        return f"{self.low} to {self.high}"

    def schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.low, "maximum": self.high}


@dataclass(frozen=True)
class OneOf:
    values: tuple[Any, ...]

    def check(self, field: str, value: object) -> object:
        return v.one_of(field, value, self.values)

    def text(self) -> str:
        return "one of " + ", ".join(f"`{value}`" for value in self.values)

    def schema(self) -> dict[str, Any]:
        return {"enum": list(self.values)}


@dataclass(frozen=True)
class Matches:
    """A string matching ``regex``; ``allowed`` says it in words (the error message's and the reference's)."""

    regex: re.Pattern[str]
    allowed: str

    def check(self, field: str, value: object) -> object:
        return v.pattern(field, value, self.regex, self.allowed)

    def text(self) -> str:
        return self.allowed

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": self.regex.pattern}


@dataclass(frozen=True)
class Flag:
    def check(self, field: str, value: object) -> object:
        return v.boolean(field, value)

    def text(self) -> str:
        return "true or false"

    def schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


@dataclass(frozen=True)
class Retention:
    """A CloudWatch Logs retention period in days."""

    def check(self, field: str, value: object) -> object:
        return v.log_retention(field, value)

    def text(self) -> str:
        return "a CloudWatch Logs retention period: " + ", ".join(map(str, v.LOG_RETENTION_DAYS)) + " days"

    def schema(self) -> dict[str, Any]:
        return {"enum": list(v.LOG_RETENTION_DAYS)}


@dataclass(frozen=True)
class Tags:
    def check(self, field: str, value: object) -> object:
        return v.tags(field, value)

    def text(self) -> str:
        return "a table of up to 40 tag keys and string values; no `Name` key, no key starting with `aws:`"

    def schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "maxProperties": 40,
            "propertyNames": {"pattern": r"^(?!aws:)(?!Name$)[\w .:/=+\-@]{1,128}$"},
            "additionalProperties": {"type": "string", "maxLength": 256},
        }


@dataclass(frozen=True)
class Custom:
    """A check written out as a function, for fields whose rule is more than a bound or a pattern; ``schema`` is what
    JSON Schema can say of it."""

    checker: Callable[[str, object], object]
    description: str
    keywords: tuple[tuple[str, Any], ...] = ()

    def check(self, field: str, value: object) -> object:
        return self.checker(field, value)

    def text(self) -> str:
        return self.description

    def schema(self) -> dict[str, Any]:
        return dict(self.keywords)


@dataclass(frozen=True)
class Checked:
    """What a field allows when the rule depends on other fields (a listener protocol on the load balancer's kind), so
    ``__post_init__`` checks it; here it is described for the reference and the schema, and passed through."""

    description: str
    keywords: tuple[tuple[str, Any], ...] = ()

    def check(self, field: str, value: object) -> object:
        return value

    def text(self) -> str:
        return self.description

    def schema(self) -> dict[str, Any]:
        return dict(self.keywords)


@dataclass(frozen=True)
class Each:
    """A list whose every item is ``item``; the list comes back as a tuple."""

    item: Allowed

    def check(self, field: str, value: object) -> object:
        if isinstance(value, str) or not isinstance(value, (tuple, list)):
            raise ConfigError(f"{field}: {v.shown(value)} is not a list")
        return tuple(self.item.check(field, element) for element in value)

    def text(self) -> str:
        return f"a list; each {self.item.text()}"

    def schema(self) -> dict[str, Any]:
        return {"type": "array", "items": self.item.schema()}


ALLOWED = "allowed"
DEFAULT_TEXT = "default_text"


def setting(
    default: Any = dataclasses.MISSING, allowed: Allowed | None = None, *, default_text: str | None = None
) -> Any:
    """A dataclass field with what the reference says of it: ``allowed`` (checked by ``check_settings``) and, where
    the default needs words (``none: asked at deploy time``), ``default_text``. Its meaning is the class docstring's
    line for it."""
    return dataclasses.field(default=default, metadata={ALLOWED: allowed, DEFAULT_TEXT: default_text})


def check_settings(instance: Any, prefix: str = "") -> None:
    """Checks every field of ``instance`` that says what it allows (None means unset and is left to the caller),
    storing the cleaned value; errors name the field as ``<prefix>.<field>``."""
    for field in dataclasses.fields(instance):
        allowed = field.metadata.get(ALLOWED)
        value = getattr(instance, field.name)
        if allowed is None or value is None:
            continue
        path = f"{prefix}.{field.name}" if prefix else field.name
        cleaned = allowed.check(path, value)
        if cleaned is not value:
            object.__setattr__(instance, field.name, cleaned)
