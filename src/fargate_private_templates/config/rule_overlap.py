"""Whether two listener rules of a shared front door can match the same request, decided from their hosts and paths.

A rule matches a request when its host matches one of ``hosts`` (if any) and its path one of ``paths`` (if any); a
rule without hosts matches every host, one without paths every path. Host comparison is case insensitive, path
comparison case sensitive, and both take ``*`` (0 or more characters) and ``?`` (exactly one), from "Condition types
for listener rules": https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from .routing import RoutingOptions

ANY = None  # a rule without hosts (or paths) matches every host (or path)


def _characters_meet(first: str, second: str) -> bool:
    """Two single-character positions (no ``*``) that one character can match."""
    return "*" not in (first, second) and ("?" in (first, second) or first == second)


@functools.cache
def patterns_intersect(first: str, second: str) -> bool:
    """True when some string matches both wildcard patterns: a walk through both at once, where ``*`` may stand for
    nothing or absorb a character (or the other's ``*``), and ``?`` meets any character."""
    reached = {(0, 0)}
    pending = [(0, 0)]
    end = (len(first), len(second))
    while pending:
        i, j = pending.pop()
        if (i, j) == end:
            return True
        steps = []
        if i < end[0] and first[i] == "*":
            steps.append((i + 1, j))
            if j < end[1]:
                steps.append((i, j + 1))
        if j < end[1] and second[j] == "*":
            steps.append((i, j + 1))
            if i < end[0]:
                steps.append((i + 1, j))
        if i < end[0] and j < end[1] and _characters_meet(first[i], second[j]):
            steps.append((i + 1, j + 1))
        for step in steps:
            if step not in reached:
                reached.add(step)
                pending.append(step)
    return False


def _values_intersect(first: Sequence[str], second: Sequence[str], fold: bool) -> bool:
    if not first or not second:
        return True
    case = str.lower if fold else str
    return any(patterns_intersect(case(a), case(b)) for a in first for b in second)


def can_match_same_request(first: RoutingOptions, second: RoutingOptions) -> bool:
    """True unless no request can match both rules: conservative, so a pair it cannot tell apart counts as one that
    can."""
    return _values_intersect(first.hosts, second.hosts, fold=True) and _values_intersect(
        first.paths, second.paths, fold=False
    )


def shared_conditions(first: RoutingOptions, second: RoutingOptions) -> tuple[str | None, str | None] | None:
    """A (host, path) pair both rules name word for word (``None`` for "any"), so that whichever the ALB evaluates
    first takes every request the pair matches; None when there is none."""
    combinations = {
        (host.lower() if host else ANY, path) for host in first.hosts or (ANY,) for path in first.paths or (ANY,)
    }
    for host in second.hosts or (ANY,):
        for path in second.paths or (ANY,):
            if (host.lower() if host else ANY, path) in combinations:
                return host, path
    return None
