"""What a property resolves to: a resource of the given templates, a literal, or a value they do not determine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ResourceRef:
    """A resource by template name and logical ID."""

    template: str
    logical_id: str

    def name_from(self, template: str) -> str:
        """The logical ID, with its template when seen from another template."""
        return self.logical_id if template == self.template else f"{self.template}:{self.logical_id}"


@dataclass(frozen=True)
class Literal:
    """A value the template spells out; ``None`` stands for ``AWS::NoValue``."""

    value: Any


@dataclass(frozen=True)
class Unknown:
    """A value the given templates do not determine; ``reason`` says why, as a noun phrase."""

    reason: str
    # The import pass already reports every import with no export: rules need not repeat it.
    missing_import: bool = False
    # The parameter or pseudo parameter it is, kept as a variable when it becomes part of a string.
    variable: str | None = None
    # Left to run time (a Step Functions path, a pipe's dynamic path) or to a resource not given: not read, so a rule
    # warns where a value it could read but not prove would be an error.
    unread: bool = False


@dataclass(frozen=True)
class Located:
    """An expression of another template, standing in a launcher's parameters assembled from several resources (a
    Batch job definition and the compute environment it runs in): resolved in ``template``."""

    template: str
    expression: Any


Value = ResourceRef | Literal | Unknown
NO_VALUE = Literal(None)


def literals(values: list[Value]) -> set[Any]:
    """The literal values among ``values``, strings lowercased: CloudFormation enums are case-insensitive."""
    return {v.value.lower() if isinstance(v.value, str) else v.value for v in values if isinstance(v, Literal)}
