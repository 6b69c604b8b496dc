"""Which requests a shared front door sends to a service: the ``[services.routing]`` group and the ALB's limits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ..errors import ConfigError, shown
from . import validators as v
from .patterns import HOST_HEADER, PATH_PATTERN, PATH_STARTS, STACK_NAME
from .settings import Between, Checked, Matches, check_settings, setting

# Listener rule limits, from "Condition types for listener rules" and "Quotas for your Application Load Balancers"
# (a path pattern "is compared only to the path of the URL", and a URL's path starts with "/"):
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
MAX_VALUES_PER_CONDITION: Final = 3
MAX_VALUES_PER_RULE: Final = 5
RULE_PRIORITIES: Final = (1, 50_000)
# The front-door stack of the default deployment (stacks.stack_names), which a service built alone attaches to.
DEFAULT_FRONT_DOOR_STACK: Final = "fargate-ingress"


def _check_path_starts(paths: tuple[str, ...] | list[str]) -> None:
    for path in paths:
        if isinstance(path, str) and path and path[0] not in PATH_STARTS:
            raise ConfigError(
                f"routing.paths: {shown(path)} never matches: the ALB compares a path pattern with the request's path, "
                "which starts with /; start it with / or a wildcard (as in *.jpg)"
            )


HOSTS_TEXT: Final = "a host name of a-z A-Z 0-9 - _ . * ? with a dot, ending in a letter or digit"
PATHS_TEXT: Final = "a path of up to 128 of a-z A-Z 0-9 _ - . $ / ~ \" ' @ : + & * ?"


@dataclass(frozen=True)
class RoutingOptions:
    """Which requests a shared front door sends to the service (``[services.routing]``, only with
    ``load_balancer.kind = "shared"``). A request matches when its host matches one of ``hosts`` (if given) and its
    path one of ``paths`` (if given); give at least one of them.

    Attributes:
        hosts: host names, default of the ``HostHeaders`` parameter (default none), for example ``api.example.com``
            or ``*.example.com``: up to 128 of a-z A-Z 0-9 - _ . * ?, with a dot, ending in letters or digits.
        paths: path patterns, default of the ``PathPatterns`` parameter (default none), for example ``/api/*``.
        priority: the listener rule's priority, 1-50000, lower evaluated first (default none: assigned when a config
            file renders its services, unique on the front door, kept in the config's priority lock so that it never
            moves when services come and go, and after more specific rules that can match the same request; a
            service built alone asks at deploy time).
        front_door: default of the ``IngressStackName`` parameter: the name of the front-door stack to attach to
            (default none: in a config file with an ``[ingress]`` table, that front door's stack, ``<name>-ingress``;
            a service built alone, ``fargate-ingress``).
    """

    hosts: tuple[str, ...] = setting(
        (),
        allowed=Checked(
            f"up to {MAX_VALUES_PER_CONDITION} host names, each {HOSTS_TEXT}",
            (
                ("type", "array"),
                ("maxItems", MAX_VALUES_PER_CONDITION),
                ("items", {"type": "string", "pattern": HOST_HEADER.pattern}),
            ),
        ),
    )
    paths: tuple[str, ...] = setting(
        (),
        allowed=Checked(
            f"up to {MAX_VALUES_PER_CONDITION} path patterns, each {PATHS_TEXT}, starting with / or a wildcard",
            (
                ("type", "array"),
                ("maxItems", MAX_VALUES_PER_CONDITION),
                ("items", {"type": "string", "pattern": PATH_PATTERN.pattern}),
            ),
        ),
    )
    priority: int | None = setting(None, allowed=Between(*RULE_PRIORITIES), default_text="assigned by render --config")
    front_door: str | None = setting(
        None,
        allowed=Matches(STACK_NAME, "a CloudFormation stack name"),
        default_text="this config's front door (`<name>-ingress`)",
    )

    def __post_init__(self) -> None:
        check_settings(self, "routing")
        for name, pattern, allowed in (("hosts", HOST_HEADER, HOSTS_TEXT), ("paths", PATH_PATTERN, PATHS_TEXT)):
            values = getattr(self, name)
            if isinstance(values, str) or not isinstance(values, (tuple, list)):
                raise ConfigError(f"routing.{name}: {values!r} is not a list of strings")
            if name == "paths":
                _check_path_starts(values)
            values = tuple(v.pattern(f"routing.{name}", value, pattern, allowed) for value in values)
            if len(set(values)) != len(values):
                raise ConfigError(f"routing.{name}: {values!r} names a value twice")
            if len(values) > MAX_VALUES_PER_CONDITION:
                raise ConfigError(
                    f"routing.{name}: {len(values)} values given; an ALB condition takes at most "
                    f"{MAX_VALUES_PER_CONDITION}"
                )
            object.__setattr__(self, name, values)
        if len(self.hosts) + len(self.paths) > MAX_VALUES_PER_RULE:
            raise ConfigError(
                f"routing.hosts, routing.paths: {len(self.hosts) + len(self.paths)} values given; an ALB listener "
                f"rule takes at most {MAX_VALUES_PER_RULE} (the quota 'condition values per rule')"
            )

    @property
    def is_set(self) -> bool:
        return bool(self.hosts or self.paths or self.priority is not None or self.front_door is not None)

    @property
    def front_door_stack(self) -> str:
        """The front-door stack the rule goes on: ``front_door``, or the one a service built alone expects."""
        return self.front_door or DEFAULT_FRONT_DOOR_STACK
