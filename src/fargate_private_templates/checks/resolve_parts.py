"""Pure pieces of the resolver: resources of a template, list positions, values as string parts, mapping keys."""

from __future__ import annotations

from typing import Any

from .intrinsics import Opaque, Part, Variable, render_parts, scalar_text
from .values import Literal, ResourceRef, Value


def resources_of(template: dict) -> dict[str, dict]:
    """The template's resources; malformed entries left out, since cfn-lint runs rules on broken templates too."""
    resources = template.get("Resources")
    if not isinstance(resources, dict):
        return {}
    return {name: resource for name, resource in resources.items() if isinstance(resource, dict)}


def one_item(items: Any) -> bool:
    return isinstance(items, list) and len(items) == 1


def as_index(value: Value) -> int | None:
    if isinstance(value, Literal) and isinstance(value.value, (int, str)) and not isinstance(value.value, bool):
        text = str(value.value)
        return int(text) if text.isdigit() else None
    return None


def split_values(delimiter: str, values: list[Value]) -> list[Value]:
    split: list[Value] = []
    for value in values:
        if isinstance(value, Literal) and isinstance(value.value, str):
            split.extend(Literal(part) for part in value.value.split(delimiter))
        else:
            split.append(value)
    return split


def part(value: Value) -> Part:
    """A resolved value as a piece of a string."""
    if isinstance(value, Literal):
        return "" if value.value is None else scalar_text(value.value)
    if isinstance(value, ResourceRef):
        return Variable(value.logical_id)
    if value.variable:
        return Variable(value.variable)
    # An import of no given export could name anything: like a parameter, it is a variable.
    return Variable(value.reason) if value.missing_import else Opaque(value.reason)


def mapping_children(node: Any, key: list[Part]) -> list[Any]:
    """The entries of one mapping level a key selects: one for a literal key, all for a variable one."""
    if not isinstance(node, dict):
        return []
    if all(isinstance(part, str) for part in key):
        text = render_parts(key)
        return [child for name, child in node.items() if str(name) == text]
    return list(node.values())
