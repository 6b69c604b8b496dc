"""Listener rule priorities on a shared front door: unique, stable as services come and go, specific ones first.

CloudFormation fails a deployment when two rules on one listener share a priority, and the ALB evaluates rules from
the lowest priority up, so a broad rule placed first would swallow the requests of a specific one. A priority here
is a pure function of the service's own routing and name: adding or removing a service never moves another one's
rule (an update never passes through a clash), and a collision is refused at generation, naming both services.
"""

from __future__ import annotations

import dataclasses
import zlib
from collections import defaultdict
from collections.abc import Sequence
from typing import Final

from ..errors import ConfigError
from .load_balancer import SHARED
from .routing import RoutingOptions
from .service import ServiceConfig

# Default quotas of an Application Load Balancer, from "Quotas for your Application Load Balancers":
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
RULES_PER_LOAD_BALANCER: Final = 100
CERTIFICATES_PER_LOAD_BALANCER: Final = 25

# Bands from most to least specific; a band spans BAND_WIDTH priorities.
EXACT_HOST_AND_PATH, EXACT_HOST, WILDCARD_HOST_AND_PATH, PATH_ONLY, WILDCARD_HOST = range(5)
BAND_WIDTH: Final = 10_000
SLOTS: Final = 100  # per specificity step: how many services of equal specificity fit before a hash collision
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


def computed_priority(service: ServiceConfig) -> int:
    """1-49999 from the band, the literal length of the narrowing values, and a stable hash of the name."""
    routing = service.routing
    narrowing = routing.paths or routing.hosts
    step = SLOTS - 1 - min(_literal_length(narrowing), SLOTS - 1)
    slot = zlib.crc32(service.name.encode()) % SLOTS
    return 1 + band(routing) * BAND_WIDTH + step * SLOTS + slot


def assign_priorities(services: Sequence[ServiceConfig]) -> list[ServiceConfig]:
    """The services with every shared-front-door rule given a priority; ConfigError on a clash or a quota."""
    by_front_door: dict[str, list[ServiceConfig]] = defaultdict(list)
    for service in services:
        if service.load_balancer.kind == SHARED:
            by_front_door[service.routing.front_door_stack].append(service)
    assigned: dict[str, int] = {}
    for front_door, attached in by_front_door.items():
        _check_quotas(front_door, attached)
        owners: dict[int, ServiceConfig] = {}
        # Explicit priorities first, so a computed one that lands on them is the one reported.
        for service in sorted(attached, key=lambda s: s.routing.priority is None):
            explicit = service.routing.priority is not None
            priority = service.routing.priority if explicit else computed_priority(service)
            if priority in owners:
                other = owners[priority]
                fix = "give them different priorities" if explicit else "set routing.priority on one of them"
                raise ConfigError(
                    f"routing.priority: services {other.name!r} and {service.name!r} both take listener rule priority "
                    f"{priority} on front door {front_door!r}; {fix}"
                )
            owners[priority] = service
            assigned[service.name] = priority
    return [
        dataclasses.replace(s, routing=dataclasses.replace(s.routing, priority=assigned[s.name]))
        if s.name in assigned
        else s
        for s in services
    ]


def _check_quotas(front_door: str, attached: Sequence[ServiceConfig]) -> None:
    if len(attached) > RULES_PER_LOAD_BALANCER:
        raise ConfigError(
            f"load_balancer.kind: {len(attached)} services on front door {front_door!r}, one listener rule each; the "
            f"ALB quota 'rules per Application Load Balancer' is {RULES_PER_LOAD_BALANCER} by default"
        )
    certificates = {s.load_balancer.certificate_arn for s in attached if s.load_balancer.certificate_arn}
    if len(certificates) > CERTIFICATES_PER_LOAD_BALANCER:
        raise ConfigError(
            f"load_balancer.certificate_arn: {len(certificates)} extra certificates on front door {front_door!r}; the "
            f"ALB quota 'certificates per Application Load Balancer' is {CERTIFICATES_PER_LOAD_BALANCER} by default"
        )
