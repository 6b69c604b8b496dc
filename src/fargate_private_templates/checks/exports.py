"""Export and import names, and which export an import means; likewise stack outputs and Fn::GetStackOutput."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .intrinsics import Opaque, Part, Variable, intrinsic, merge_literals, render_parts

# Export names are unique per account and Region and an import sees only its own Region's exports, so these
# pseudo parameters are the same on both sides of a join: they read as text, not as the stack variable.
# https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-importvalue.html
SHARED_PSEUDO_PARAMETERS = frozenset({"AWS::AccountId", "AWS::Partition", "AWS::Region", "AWS::URLSuffix"})
_RESOURCE_ATTRIBUTE = re.compile(r"^[A-Za-z0-9]+\.[A-Za-z0-9.]+$")
_EDGE = re.compile(r"^[^A-Za-z0-9]+|[^A-Za-z0-9]+$")


@dataclass(frozen=True)
class ExportName:
    """An export or import name: literal text, or literal text around one stack variable, a wildcard.

    ``${AWS::StackName}:VpcId`` on the export side and ``${NetworkStackName}:VpcId`` on the import side
    both read as ``<stack>:VpcId``: which stack the parameter names is only known at deploy time.
    """

    before: str
    stack_variable: str | None = None
    after: str = ""

    def __str__(self) -> str:
        return f"{self.before}${{{self.stack_variable}}}{self.after}" if self.stack_variable else self.before

    @property
    def key(self) -> str:
        """What the name says apart from the stack: ``VpcId`` of ``${Stack}-VpcId``."""
        if not self.stack_variable:
            return self.before
        before, after = _EDGE.sub("", self.before), _EDGE.sub("", self.after)
        return f"{before}…{after}" if before and after else before or after

    def matches(self, other: ExportName) -> bool:
        if self.stack_variable and other.stack_variable:
            # Both variables stand for the one stack the import names: the text around them must agree.
            return (self.before, self.after) == (other.before, other.after)
        if self.stack_variable:
            return self._spells(other.before)
        if other.stack_variable:
            return other._spells(self.before)
        return self.before == other.before

    def _spells(self, literal: str) -> bool:
        """Whether some non-empty stack name in place of the variable gives ``literal``."""
        stack_length = len(literal) - len(self.before) - len(self.after)
        return stack_length > 0 and literal.startswith(self.before) and literal.endswith(self.after)


@dataclass(frozen=True)
class UnreadableName:
    """A name that cannot be matched: ``text`` is as far as it could be read, ``reason`` says why not further."""

    text: str
    reason: str

    def __str__(self) -> str:
        return self.text


Name = ExportName | UnreadableName


def name_of(parts: list[Part]) -> Name:
    """The name a string spells; several variables, or a piece not read, leave it unreadable."""
    text = render_parts(parts)
    opaque = [part.what for part in parts if isinstance(part, Opaque)]
    if opaque:
        return UnreadableName(text, f"cannot read {'; '.join(opaque)}")
    shared = [f"${{{p.name}}}" if isinstance(p, Variable) and p.name in SHARED_PSEUDO_PARAMETERS else p for p in parts]
    merged = merge_literals(shared)
    variables = [part for part in merged if isinstance(part, Variable)]
    if not variables:
        return ExportName(render_parts(merged))
    if len(variables) > 1:
        names = ", ".join(f"${{{v.name}}}" for v in variables)
        return UnreadableName(text, f"{names} are all variables: which one is the stack name is not known")
    variable = variables[0]
    if _RESOURCE_ATTRIBUTE.match(variable.name):
        return UnreadableName(text, f"${{{variable.name}}} is a resource attribute, not a stack name")
    index = merged.index(variable)
    return ExportName(render_parts(merged[:index]), variable.name, render_parts(merged[index + 1 :]))


# The stack side of a stack output: any template stands for the stack its output's reader names.
OUTPUT_STACK = "AWS::StackName"


def output_reference(argument: Any) -> ExportName | None:
    """A Fn::GetStackOutput argument as a name to match: key = OutputName, stack variable = what names the stack
    (a ``Ref``'d parameter, or the literal stack name); None if the output name is not a literal."""
    if not isinstance(argument, dict) or not isinstance(argument.get("OutputName"), str):
        return None
    stack = argument.get("StackName")
    function = intrinsic(stack)
    if function and function[0] == "Ref" and isinstance(function[1], str):
        return ExportName(argument["OutputName"], function[1])
    return ExportName(argument["OutputName"], stack if isinstance(stack, str) else "?")


@dataclass(frozen=True)
class Export:
    template: str
    output: str
    name: ExportName
    value: Any


@dataclass(frozen=True)
class UnreadableExport:
    template: str
    output: str
    name: UnreadableName


# (template, expression) -> every name the expression can spell.
NameReader = Callable[[str, Any], list[Name]]


def read_exports(templates: Mapping[str, dict], read_names: NameReader) -> tuple[list[Export], list[UnreadableExport]]:
    """Every readable export (one per Fn::If branch of its name), and those whose name cannot be read."""
    exports: list[Export] = []
    unreadable: list[UnreadableExport] = []
    for template_name, template in templates.items():
        for output_name, output in _outputs(template):
            export = output.get("Export")
            if not isinstance(export, dict) or "Name" not in export:
                continue
            for name in read_names(template_name, export["Name"]):
                if isinstance(name, UnreadableName):
                    unreadable.append(UnreadableExport(template_name, output_name, name))
                else:
                    exports.append(Export(template_name, output_name, name, output.get("Value")))
    return exports, unreadable


def _outputs(template: dict) -> Iterator[tuple[str, dict]]:
    outputs = template.get("Outputs")
    if isinstance(outputs, dict):
        for name, output in outputs.items():
            if isinstance(output, dict):
                yield name, output


def read_outputs(templates: Mapping[str, dict]) -> list[Export]:
    """Every output of every template, as what Fn::GetStackOutput can read (named by logical ID)."""
    return [
        Export(template_name, output_name, ExportName(output_name, OUTPUT_STACK), output.get("Value"))
        for template_name, template in templates.items()
        for output_name, output in _outputs(template)
    ]
