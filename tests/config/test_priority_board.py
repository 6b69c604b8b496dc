"""One front door's priorities: a rule goes to a free priority in order, nearest to the one it prefers."""

from __future__ import annotations

import pytest

from fargate_private_templates.config import ConfigError
from fargate_private_templates.config.priority_board import Board, Rule, must_precede
from fargate_private_templates.config.routing import RULE_PRIORITIES, RoutingOptions

SHOP = RoutingOptions(hosts=("shop.example.com",))
BLOG = RoutingOptions(hosts=("blog.example.com",))


def rule(service: str, routing: RoutingOptions, specificity: int) -> Rule:
    return Rule(service, False, routing, (specificity, 0), None)


def test_the_last_priority_of_the_listener_can_be_taken() -> None:
    board = Board("main")
    board.place(rule("last", SHOP, 0), [RULE_PRIORITIES[1]])
    assert board.priority_of("last", False) == RULE_PRIORITIES[1] == 50_000


def test_a_rule_preferring_a_priority_below_its_bounds_takes_the_nearest_free_one_in_order() -> None:
    board = Board("main")
    first, placed, last = rule("first", SHOP, 0), rule("placed", SHOP, 1), rule("last", SHOP, 2)
    board.fix(first, 10, held=False)
    board.fix(last, 13, held=False)
    board.fix(rule("blog", BLOG, 0), 11, held=False)  # matches other requests: takes a place, sets no order
    board.place(placed, [1])
    # Between 10 and 13, with 11 taken, only 12 is left: the search from the lowest allowed priority reaches it.
    assert board.priority_of("placed", False) == 12


def test_no_priority_past_the_listeners_last_is_ever_given() -> None:
    board = Board("main")
    board.fix(rule("first", SHOP, 0), 49_999, held=False)
    board.fix(rule("blog", BLOG, 0), 50_000, held=False)
    with pytest.raises(ConfigError, match=r"no free listener rule priority for .* after .* \(49999\)"):
        board.place(rule("placed", SHOP, 1), [50_000])


def test_equally_specific_rules_of_two_services_set_no_order_between_them() -> None:
    # Both can match https://shop.example.com/ab; neither is more specific, so either may come first.
    a_prefix = rule("prefix", RoutingOptions(hosts=("shop.example.com",), paths=("/a*",)), 0)
    b_suffix = rule("suffix", RoutingOptions(hosts=("shop.example.com",), paths=("/*b",)), 0)
    assert (must_precede(a_prefix, b_suffix), must_precede(b_suffix, a_prefix)) == (False, False)
    board = Board("main")
    board.fix(a_prefix, 20, held=False)
    board.place(b_suffix, [10])
    assert board.priority_of("suffix", False) == 10
