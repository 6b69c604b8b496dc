"""Listener rule priorities on a shared front door: unique, kept as services come and go, specific ones first.

CloudFormation fails a deployment when two rules on one listener share a priority, and the ALB evaluates rules from
the lowest priority up, so a broad rule placed first would swallow the requests of a specific one. Every rule gets a
priority here, in this order:

1. an explicit one (``routing.priority``, ``deployment.test_priority``), honoured as given;
2. the one the priority lock keeps for it (``priority_lock``), while the service's hosts and paths are those it was
   locked with: adding or removing a service never moves another one's rule;
3. otherwise the free priority nearest to ``computed_priority`` (a function of the rule's specificity and the
   service's name, what a config without a lock always had) that comes after every more specific rule it can share
   a request with and before every less specific one; a service's test rule goes just before its own rule.

A rule that cannot be placed, or a kept one that would now come in the wrong order, is refused naming both services.
"""

from __future__ import annotations

import dataclasses
import zlib
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from typing import Final

from ..errors import ConfigError
from .load_balancer import SHARED
from .priority_board import Board, Rule, Specificity
from .priority_lock import LockedRule, PriorityLock
from .routing import RoutingOptions
from .rule_overlap import shared_conditions
from .service import ServiceConfig

# Default quotas of an Application Load Balancer, from "Quotas for your Application Load Balancers":
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
RULES_PER_LOAD_BALANCER: Final = 100
CERTIFICATES_PER_LOAD_BALANCER: Final = 25

# Bands from most to least specific; a band spans BAND_WIDTH priorities.
EXACT_HOST_AND_PATH, EXACT_HOST, WILDCARD_HOST_AND_PATH, PATH_ONLY, WILDCARD_HOST = range(5)
BAND_WIDTH: Final = 10_000
SLOTS: Final = 100  # per specificity step: the hash's slots, where a config without a lock puts a rule first
_WILDCARDS = "*?"


def _literal_length(values: Sequence[str]) -> int:
    """How much of the least specific value is literal text: ``/api/v1/*`` (8) is narrower than ``/api/*`` (5)."""
    return min(len(value.translate(str.maketrans("", "", _WILDCARDS))) for value in values)


def _has_wildcard(values: Sequence[str]) -> bool:
    return any(c in value for value in values for c in _WILDCARDS)


def band(routing: RoutingOptions) -> int:
    """How specific the rule is, 0 (an exact host and a path) to 4 (a wildcard host alone)."""
    if routing.hosts and not _has_wildcard(routing.hosts):
        return EXACT_HOST_AND_PATH if routing.paths else EXACT_HOST
    if routing.hosts:
        return WILDCARD_HOST_AND_PATH if routing.paths else WILDCARD_HOST
    return PATH_ONLY


def specificity(routing: RoutingOptions) -> Specificity:
    """(band, step): lower is more specific; within a band, longer literal paths (or hosts) take lower steps."""
    narrowing = routing.paths or routing.hosts
    return band(routing), SLOTS - 1 - min(_literal_length(narrowing), SLOTS - 1)


def computed_priority(service: ServiceConfig) -> int:
    """1-49999 from the band, the literal length of the narrowing values, and a stable hash of the name."""
    rank, step = specificity(service.routing)
    slot = zlib.crc32(service.name.encode()) % SLOTS
    return 1 + rank * BAND_WIDTH + step * SLOTS + slot


def has_test_rule(service: ServiceConfig) -> bool:
    """The service brings a second rule, for requests with its test header (see layers.service.front_door_rule)."""
    return service.deployment.shifts_traffic and service.deployment.test_header_name is not None


def assign_priorities(services: Sequence[ServiceConfig], lock: PriorityLock | None = None) -> list[ServiceConfig]:
    """The services with every shared-front-door rule given a priority (``routing.priority``, and
    ``deployment.test_priority`` for a test rule), keeping those ``lock`` holds; ConfigError on a clash or a quota."""
    lock = lock or PriorityLock()
    by_front_door: dict[str, list[ServiceConfig]] = defaultdict(list)
    for service in services:
        if service.load_balancer.kind == SHARED:
            by_front_door[service.routing.front_door_stack].append(service)
    assigned: dict[str, dict[bool, int]] = {}
    for front_door, attached in by_front_door.items():
        _check_quotas(front_door, attached)
        _check_distinct_conditions(front_door, attached)
        assigned |= _assign(front_door, attached, lock.on(front_door))
    return [_with_priorities(s, assigned[s.name]) if s.name in assigned else s for s in services]


def priority_lock(services: Sequence[ServiceConfig]) -> PriorityLock:
    """What the lock keeps of services whose priorities are assigned: every shared service, by front door."""
    front_doors: dict[str, dict[str, LockedRule]] = defaultdict(dict)
    for service in services:
        if service.load_balancer.kind != SHARED or service.routing.priority is None:
            continue
        routing = service.routing
        front_doors[routing.front_door_stack][service.name] = LockedRule(
            priority=routing.priority,
            test_priority=service.deployment.test_priority if has_test_rule(service) else None,
            hosts=tuple(sorted(routing.hosts)),
            paths=tuple(sorted(routing.paths)),
        )
    return PriorityLock(dict(front_doors))


def _rules(service: ServiceConfig) -> Iterator[Rule]:
    key = specificity(service.routing)
    yield Rule(service.name, False, service.routing, key, service.routing.priority)
    if has_test_rule(service):
        yield Rule(service.name, True, service.routing, key, service.deployment.test_priority)


def _locked_unchanged(service: ServiceConfig, locked: LockedRule | None) -> bool:
    """The lock holds the service's priorities for the hosts and paths it has now, and no explicit priority
    overrides them: they stay where they are."""
    return (
        locked is not None
        and locked.hosts == tuple(sorted(service.routing.hosts))
        and locked.paths == tuple(sorted(service.routing.paths))
        and service.routing.priority in (None, locked.priority)
        and service.deployment.test_priority in (None, locked.test_priority)
    )


def _assign(
    front_door: str, services: Sequence[ServiceConfig], locked: Mapping[str, LockedRule]
) -> dict[str, dict[bool, int]]:
    board = Board(front_door)
    by_name = {service.name: service for service in services}
    rules = [rule for service in services for rule in _rules(service)]
    for rule in rules:
        if rule.explicit is not None:
            board.fix(rule, rule.explicit, held=False)
    later = []
    for rule in rules:
        if rule.explicit is not None:
            continue
        kept = locked.get(rule.service)
        value = None if kept is None else (kept.test_priority if rule.test else kept.priority)
        if value is not None and _locked_unchanged(by_name[rule.service], kept):
            board.fix(rule, value, held=True)
        else:
            later.append((rule, value))
    for rule, value in sorted(later, key=lambda pair: _natural_order(by_name[pair[0].service], pair[0])):
        if rule.test:
            preferred = [value, board.priority_of(rule.service, test=False) - 1]
        else:
            preferred = [value, computed_priority(by_name[rule.service])]
        board.place(rule, [p for p in preferred if p is not None])
    return board.by_service()


def _natural_order(service: ServiceConfig, rule: Rule) -> tuple[int, str, bool]:
    """Where a config without a lock puts the rule first; a service's own rule before its test rule."""
    return computed_priority(service), service.name, rule.test


def _with_priorities(service: ServiceConfig, priorities: dict[bool, int]) -> ServiceConfig:
    routing = dataclasses.replace(service.routing, priority=priorities[False])
    if True not in priorities:
        return dataclasses.replace(service, routing=routing)
    deployment = dataclasses.replace(service.deployment, test_priority=priorities[True])
    return dataclasses.replace(service, routing=routing, deployment=deployment)


def _check_distinct_conditions(front_door: str, services: Sequence[ServiceConfig]) -> None:
    """Two rules naming the same host and path: the ALB sends those requests to whichever it evaluates first."""
    for index, first in enumerate(services):
        for second in services[index + 1 :]:
            shared = shared_conditions(first.routing, second.routing)
            if shared is not None:
                host, path = shared
                raise ConfigError(
                    f"routing: services {first.name!r} and {second.name!r} both answer "
                    f"{f'host {host!r}' if host else 'any host'} and {f'path {path!r}' if path else 'any path'} on "
                    f"front door {front_door!r}; the ALB sends those requests to the rule it evaluates first, so the "
                    "other never receives them: give one of them another host or path"
                )


def _check_quotas(front_door: str, attached: Sequence[ServiceConfig]) -> None:
    tests = sum(has_test_rule(service) for service in attached)
    if len(attached) + tests > RULES_PER_LOAD_BALANCER:
        raise ConfigError(
            f"load_balancer.kind: {len(attached) + tests} listener rules ({len(attached)} services, {tests} test "
            f"rules) on front door {front_door!r}; the ALB quota 'rules per Application Load Balancer' is "
            f"{RULES_PER_LOAD_BALANCER} by default"
        )
    certificates = {s.load_balancer.certificate_arn for s in attached if s.load_balancer.certificate_arn}
    if len(certificates) > CERTIFICATES_PER_LOAD_BALANCER:
        raise ConfigError(
            f"load_balancer.certificate_arn: {len(certificates)} extra certificates on front door {front_door!r}; the "
            f"ALB quota 'certificates per Application Load Balancer' is {CERTIFICATES_PER_LOAD_BALANCER} by default"
        )
