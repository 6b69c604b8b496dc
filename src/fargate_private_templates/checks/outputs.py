"""E9007 for weak references: every Fn::GetStackOutput names an output the stack it reads has.

The counterpart of the import check in ``rules``: a stack variable (the ``StackName`` parameter) is bound to the
templates that have some output read through it; a read of an output none of them has is an error.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from .exports import ExportName, output_reference
from .intrinsics import intrinsic, walk
from .report import Finding
from .resolve import Resolver
from .rulebook import severity_of


def _output_sites(template: dict) -> Iterator[tuple[str, tuple[str | int, ...], ExportName | None]]:
    """(logical ID or section, path, name) of every Fn::GetStackOutput in a template."""
    for path, node in walk(template):
        function = intrinsic(node)
        if function and function[0] == "Fn::GetStackOutput":
            owner = str(path[1]) if len(path) > 1 and path[0] in ("Resources", "Outputs") else str(path[0])
            yield owner, path, output_reference(function[1])


def check_output_reads(resolver: Resolver, template: str) -> Iterator[Finding]:
    """E9007 when the stack a read names is given but lacks the output; W9009 when it is not given at all."""
    sites = list(_output_sites(resolver.templates[template]))
    bound: dict[str, set[str]] = defaultdict(set)
    for _, _, name in sites:
        if name is not None:
            bound[name.stack_variable or ""].update(o.template for o in resolver.outputs_for(name))
    for owner, path, name in sites:
        rule_id, message = _verdict(resolver, name, bound)
        if rule_id:
            yield Finding(template, owner, rule_id, severity_of(rule_id), message, path)


def _verdict(resolver: Resolver, name: ExportName | None, bound: dict[str, set[str]]) -> tuple[str, str]:
    if name is None:
        return "W9009", "cannot read the OutputName of a Fn::GetStackOutput (it must be a literal)"
    if resolver.outputs_for(name):
        return "", ""
    readers = bound.get(name.stack_variable or "")
    if readers:
        return "E9007", f"reads output {name.key} of ${{{name.stack_variable}}}, but {', '.join(sorted(readers))} " + (
            f"has no output {name.key}"
        )
    return "W9009", (
        f"cannot resolve output {name.key} of ${{{name.stack_variable}}}: no given template has it "
        "or anything else read from that stack"
    )
