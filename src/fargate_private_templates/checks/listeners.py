"""E9020: listener rules on one listener, across the given templates, have distinct priorities.

CloudFormation fails the second stack that puts a rule on a listener at a priority another rule holds. Services on a
shared front door each bring their rule in their own stack, often with the priority as a parameter, so the rule
reads priorities through parameter defaults (what ``aws cloudformation deploy`` uses when none is given) and tells
listeners apart by what they resolve to: a listener in the given templates, or the import that names it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterator
from typing import Any

from .exports import ExportName
from .intrinsics import intrinsic
from .report import Finding
from .resolve import Resolver
from .values import Literal, ResourceRef, Unknown, Value
from .workloads import LISTENER_RULE, finding, unresolved


def check_listener_rule_priorities(resolver: Resolver) -> Iterator[Finding]:
    holders: dict[tuple[Hashable, int], list[ResourceRef]] = defaultdict(list)
    for rule in resolver.of_type(LISTENER_RULE):
        properties = resolver.properties(rule)
        priority = _with_default(resolver, rule.template, properties.get("Priority"))
        if not isinstance(priority, Literal) or not _is_priority(priority.value):
            yield from unresolved(rule, "the priority of this listener rule", _as_unknown(priority), "Priority")
            continue
        for listener in _listeners(resolver, rule.template, properties.get("ListenerArn")):
            holders[(listener, int(priority.value))].append(rule)
    for (_, priority), rules in holders.items():
        for rule in rules:
            others = ", ".join(other.name_from(rule.template) for other in rules if other != rule)
            if others:
                message = (
                    f"has priority {priority} on a listener where {others} has it too: "
                    "CloudFormation refuses the rule deployed second"
                )
                yield finding("E9020", rule, message, "Priority")


def _is_priority(value: Any) -> bool:
    return not isinstance(value, bool) and str(value).isdigit()


def _as_unknown(value: Value) -> Value:
    return value if isinstance(value, Unknown) else Unknown(f"{value.value!r}, not a whole number")


def _with_default(resolver: Resolver, template: str, expression: Any) -> Value:
    """The one value an expression has, a parameter standing for its default; Unknown when it has no one value."""
    function = intrinsic(expression)
    if function and function[0] == "Ref" and isinstance(function[1], str):
        parameter = _parameters(resolver, template).get(function[1])
        if isinstance(parameter, dict) and "Default" in parameter:
            return Literal(parameter["Default"])
    values = resolver.scalar(template, expression)
    return values[0] if len(values) == 1 else Unknown("a value that differs between Fn::If branches")


def _parameters(resolver: Resolver, template: str) -> dict:
    parameters = resolver.templates[template].get("Parameters")
    return parameters if isinstance(parameters, dict) else {}


def _listeners(resolver: Resolver, template: str, expression: Any) -> list[Hashable]:
    """What tells a rule's listener apart: the listener resource, or the import name with its stack parameter's
    default spelled out (two services importing ``${IngressStackName}-HttpsListenerArn`` with the same default
    name the same listener)."""
    found: list[Hashable] = [v for v in resolver.scalar(template, expression) if isinstance(v, ResourceRef)]
    function = intrinsic(expression)
    if not found and function and function[0] == "Fn::ImportValue":
        for name in resolver.names(template, function[1]):
            if isinstance(name, ExportName) and name.stack_variable:
                stack = _parameters(resolver, template).get(name.stack_variable, {}).get("Default")
                found.append(("import", name.before, stack or f"${{{name.stack_variable}}}", name.after))
            elif isinstance(name, ExportName):
                found.append(("import", name.before))
    return found
