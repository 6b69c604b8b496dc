"""Whether two listener rules can match the same request: wildcard patterns, hosts without case, any host or path."""

from __future__ import annotations

import pytest

from fargate_private_templates.config.routing import RoutingOptions
from fargate_private_templates.config.rule_overlap import can_match_same_request, patterns_intersect, shared_conditions


@pytest.mark.parametrize(
    ("first", "second", "meet"),
    [
        ("/api", "/api", True),
        ("/api", "/apj", False),
        ("/api", "/ap", False),
        ("/ap", "/api", False),
        ("/a?i", "/api", True),
        ("/api", "/a?i", True),
        ("/a?", "/a", False),
        ("/api/*", "/api/v1/*", True),
        ("/api/v1/*", "/api/*", True),
        ("/api/*", "/docs/*", False),
        ("*.jpg", "/api/*", True),
        ("/api/*", "*.jpg", True),
        ("*a", "b*", True),
        ("b*", "*a", True),
        ("a*", "b*", False),
        ("*a", "*b", False),
        ("*", "", True),
        ("", "*", True),
        ("", "", True),
        ("?", "", False),
        ("a*c", "a?x", False),
        ("a*c", "a??c", True),
        ("*x*", "*y*", True),
        ("**", "a", True),
    ],
)
def test_patterns_intersect_when_one_string_matches_both(first: str, second: str, meet: bool) -> None:
    assert patterns_intersect(first, second) is meet


def _routing(hosts: tuple[str, ...] = (), paths: tuple[str, ...] = ()) -> RoutingOptions:
    return RoutingOptions(hosts=hosts, paths=paths)


@pytest.mark.parametrize(
    ("first", "second", "meet"),
    [
        (_routing(("WWW.example.com",)), _routing(("www.Example.com",)), True),
        (_routing(("a.example.com",)), _routing(("b.example.com",)), False),
        (_routing(("a.example.com",)), _routing(("*.example.com",)), True),
        (_routing(("a.example.com", "b.example.com")), _routing(("c.example.com", "b.example.com")), True),
        (_routing(paths=("/API/*",)), _routing(paths=("/api/*",)), False),
        (_routing(paths=("/api/*",)), _routing(("a.example.com",)), True),
        (_routing(("a.example.com",)), _routing(paths=("/api/*",)), True),
        (_routing(("a.example.com",), ("/a/*",)), _routing(("a.example.com",), ("/b/*",)), False),
        (_routing(("a.example.com",), ("/a/*",)), _routing(("b.example.com",), ("/a/*",)), False),
    ],
)
def test_rules_can_match_the_same_request_when_host_and_path_both_can(
    first: RoutingOptions, second: RoutingOptions, meet: bool
) -> None:
    assert can_match_same_request(first, second) is meet
    assert can_match_same_request(second, first) is meet


@pytest.mark.parametrize(
    ("first", "second", "shared"),
    [
        (_routing(("WWW.example.com",), ("/a",)), _routing(("www.example.com",), ("/a",)), ("www.example.com", "/a")),
        (_routing(("a.example.com",)), _routing(("a.example.com",)), ("a.example.com", None)),
        (_routing(paths=("/a", "/b")), _routing(paths=("/c", "/b")), (None, "/b")),
        (_routing(("a.example.com",), ("/a",)), _routing(("a.example.com",), ("/A",)), None),
        (_routing(("a.example.com",)), _routing(("a.example.com",), ("/a",)), None),
        (_routing(paths=("/a",)), _routing(("a.example.com",), ("/a",)), None),
        (_routing(("a.example.com",)), _routing(("*.example.com",)), None),
    ],
)
def test_shared_conditions_are_a_host_and_path_both_rules_name(
    first: RoutingOptions, second: RoutingOptions, shared: tuple[str | None, str | None] | None
) -> None:
    assert shared_conditions(first, second) == shared
