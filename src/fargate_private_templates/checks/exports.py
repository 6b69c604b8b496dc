"""Export and import names, and which export an import means; likewise stack outputs and Fn::GetStackOutput."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .intrinsics import Variable, if_arguments, intrinsic, render_parts, string_parts


@dataclass(frozen=True)
class ExportName:
    """An export or import name: a literal, or ``<stack variable>-<key>`` where the variable is a wildcard.

    ``${AWS::StackName}-VpcId`` on the export side and ``${NetworkStackName}-VpcId`` on the import side
    both read as key ``VpcId``: which stack the parameter names is only known at deploy time.
    """

    key: str
    stack_variable: str | None = None

    def __str__(self) -> str:
        return f"${{{self.stack_variable}}}-{self.key}" if self.stack_variable else self.key

    def matches(self, other: ExportName) -> bool:
        if self.stack_variable and other.stack_variable:
            return self.key == other.key
        if self.stack_variable:
            return other.key.endswith(f"-{self.key}")
        if other.stack_variable:
            return self.key.endswith(f"-{other.key}")
        return self.key == other.key


def read_name(value: Any) -> ExportName | None:
    """The name an ``Export.Name`` or ``Fn::ImportValue`` argument spells; None if it cannot be read."""
    parts = string_parts(value)
    if parts is None:
        return None
    if all(isinstance(p, str) for p in parts):
        return ExportName(render_parts(parts))
    match parts:
        case [Variable(name=variable), str(rest)] if rest.startswith("-") and len(rest) > 1:
            return ExportName(rest[1:], variable)
    return None


def import_names(argument: Any) -> list[ExportName | None]:
    """The names a Fn::ImportValue argument can take: both branches of a Fn::If; None where unreadable."""
    function = intrinsic(argument)
    if function and function[0] == "Fn::If" and (branches := if_arguments(function[1])):
        return [name for branch in branches for name in import_names(branch)]
    return [read_name(argument)]


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


def read_exports(templates: Mapping[str, dict]) -> tuple[list[Export], list[tuple[str, str]]]:
    """Every readable export, and (template, output) of those whose name cannot be read."""
    exports: list[Export] = []
    unreadable: list[tuple[str, str]] = []
    for template_name, template in templates.items():
        for output_name, output in _outputs(template):
            export = output.get("Export")
            if not isinstance(export, dict) or "Name" not in export:
                continue
            name = read_name(export["Name"])
            if name is None:
                unreadable.append((template_name, output_name))
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
