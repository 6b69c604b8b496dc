"""The resolver's pure pieces: resources of a template, list positions, values as string parts, mapping keys."""

from __future__ import annotations

from fargate_private_templates.checks.intrinsics import Opaque, Variable
from fargate_private_templates.checks.resolve_parts import (
    as_index,
    mapping_children,
    one_item,
    part,
    resources_of,
    split_values,
)
from fargate_private_templates.checks.values import Literal, ResourceRef, Unknown


def test_resources_of_leaves_out_what_is_not_a_resource() -> None:
    assert resources_of({"Resources": {"A": {"Type": "X"}, "B": 5}}) == {"A": {"Type": "X"}}
    assert resources_of({"Resources": [1]}) == {} and resources_of({}) == {}


def test_list_positions() -> None:
    assert one_item([1]) and not one_item([1, 2]) and not one_item("a")
    assert [as_index(v) for v in (Literal(2), Literal("3"), Literal(True), Literal("x"), Unknown("p"))] == [
        2,
        3,
        None,
        None,
        None,
    ]


def test_split_values_splits_literal_strings_only() -> None:
    other = Unknown("parameter P")
    assert split_values(",", [Literal("a,b"), other, Literal(3)]) == [Literal("a"), Literal("b"), other, Literal(3)]


def test_a_value_as_a_piece_of_a_string() -> None:
    assert part(Literal(None)) == "" and part(Literal(True)) == "true" and part(Literal(8)) == "8"
    assert part(ResourceRef("t", "Vpc")) == Variable("Vpc")
    assert part(Unknown("parameter P", variable="P")) == Variable("P")
    assert part(Unknown("import X", missing_import=True)) == Variable("import X")
    assert part(Unknown("Fn::GetAZs")) == Opaque("Fn::GetAZs")


def test_a_mapping_key_selects_one_entry_or_every_entry() -> None:
    node = {"a": 1, "b": 2}
    assert mapping_children(node, ["a"]) == [1]
    assert mapping_children(node, [Variable("K")]) == [1, 2]
    assert mapping_children(node, ["c"]) == [] and mapping_children("x", ["a"]) == []
