"""The priorities taken on one front door's HTTPS listener, and the order rules that can share a request must keep.

The ALB evaluates a listener's rules from the lowest priority up and sends a request to the first that matches, so
of two rules that can match one request the more specific must come first, and a service's test rule (its own hosts
and paths plus a header) before its own rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ConfigError
from .routing import RULE_PRIORITIES, RoutingOptions
from .rule_overlap import can_match_same_request

Specificity = tuple[int, int]  # lower is more specific (priorities.specificity)


@dataclass(frozen=True)
class Rule:
    """One listener rule a service brings: its own, or (``test``) the one for requests with its test header.

    Attributes:
        service: the service's name.
        test: the test rule rather than the service's own.
        routing: the hosts and paths both rules match.
        key: the rule's specificity.
        explicit: the priority the config sets for it (none: one is assigned).
    """

    service: str
    test: bool
    routing: RoutingOptions
    key: Specificity
    explicit: int | None

    @property
    def field(self) -> str:
        return "deployment.test_priority" if self.test else "routing.priority"

    @property
    def label(self) -> str:
        return f"{self.service!r} (test rule)" if self.test else repr(self.service)


def must_precede(first: Rule, second: Rule) -> bool:
    """``first`` must have the lower priority: it is the test rule of ``second``'s service, or more specific than
    ``second`` and able to match a request of it."""
    if first.service == second.service:
        return first.test and not second.test
    return first.key < second.key and can_match_same_request(first.routing, second.routing)


class Board:
    """The rules placed on one front door so far, and where."""

    def __init__(self, front_door: str) -> None:
        self.front_door = front_door
        self._owners: dict[int, Rule] = {}
        self._priorities: dict[Rule, int] = {}
        self._held: set[Rule] = set()

    def fix(self, rule: Rule, priority: int, held: bool) -> None:
        """``rule`` at ``priority`` as given: explicit in the config, or ``held`` by the lock. A kept priority must
        not clash with another or come in the wrong order; explicit ones are honoured as given among themselves."""
        other = self._owners.get(priority)
        if other is not None:
            raise self._clash(other, rule, priority, held)
        if held:
            for placed, at in self._priorities.items():
                if must_precede(placed, rule) and at > priority:
                    raise self._out_of_order(placed, at, rule, priority, rule)
                if must_precede(rule, placed) and priority > at:
                    raise self._out_of_order(rule, priority, placed, at, rule)
            self._held.add(rule)
        self._take(rule, priority)

    def place(self, rule: Rule, preferred: list[int]) -> None:
        """``rule`` at the first of ``preferred`` that is free and in order, else at the free priority in order
        nearest to the last of them."""
        low, low_owner, high, high_owner = self._bounds(rule)

        def free(candidate: int) -> bool:
            return low < candidate < high and candidate not in self._owners

        for candidate in preferred:
            if free(candidate):
                self._take(rule, candidate)
                return
        target = min(max(preferred[-1], low + 1), high - 1)
        for distance in range(high - low):
            for candidate in (target - distance, target + distance):
                if free(candidate):
                    self._take(rule, candidate)
                    return
        bounds = [f"after {low_owner.label} ({low})"] if low_owner else []
        bounds += [f"before {high_owner.label} ({high})"] if high_owner else []
        raise ConfigError(
            f"{rule.field}: no free listener rule priority for {rule.label} on front door {self.front_door!r}: it "
            f"must come {' and '.join(bounds)}, rules that can match the same requests; set {rule.field} on it or "
            "them to make room"
        )

    def priority_of(self, service: str, test: bool) -> int:
        return next(at for rule, at in self._priorities.items() if (rule.service, rule.test) == (service, test))

    def by_service(self) -> dict[str, dict[bool, int]]:
        """service name -> {False: its rule's priority, True: its test rule's}."""
        placed: dict[str, dict[bool, int]] = {}
        for rule, at in self._priorities.items():
            placed.setdefault(rule.service, {})[rule.test] = at
        return placed

    def _take(self, rule: Rule, priority: int) -> None:
        self._owners[priority] = rule
        self._priorities[rule] = priority

    def _bounds(self, rule: Rule) -> tuple[int, Rule | None, int, Rule | None]:
        """The priorities ``rule`` must come after and before (exclusive), and the rules that set them."""
        low, low_owner, high, high_owner = RULE_PRIORITIES[0] - 1, None, RULE_PRIORITIES[1] + 1, None
        for placed, at in self._priorities.items():
            if must_precede(placed, rule) and at > low:
                low, low_owner = at, placed
            if must_precede(rule, placed) and at < high:
                high, high_owner = at, placed
        return low, low_owner, high, high_owner

    def _clash(self, other: Rule, rule: Rule, priority: int, held: bool) -> ConfigError:
        where = f"listener rule priority {priority} on front door {self.front_door!r}"
        if not held:
            return ConfigError(
                f"{rule.field}: services {other.label} and {rule.label} both take {where}; give them different "
                "priorities"
            )
        if other in self._held:
            return ConfigError(
                f"lock file: services {other.label} and {rule.label} both hold {where}; correct the file or delete "
                "their entries"
            )
        return ConfigError(
            f"{other.field}: {other.label} takes {where}, which the lock file keeps for {rule.label}; give "
            f"{other.label} another {other.field}, or none to have one assigned"
        )

    def _out_of_order(self, earlier: Rule, at_earlier: int, later: Rule, at_later: int, held: Rule) -> ConfigError:
        both = (
            f"{earlier.label} ({at_earlier}) and {later.label} ({at_later}) can match the same request on front door "
            f"{self.front_door!r}, and {earlier.label}, the more specific, must come first"
        )
        given = later if held is earlier else earlier
        if given in self._held:
            return ConfigError(f"lock file: {both}; correct the file or delete their entries")
        side = "above" if given is later else "below"
        at_held = at_earlier if held is earlier else at_later
        return ConfigError(
            f"{given.field}: {both}; the lock file keeps {held.label} at {at_held}: give {given.label} a "
            f"{given.field} {side} {at_held}, or none to have one assigned"
        )
