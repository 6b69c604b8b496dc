"""How a new revision replaces the running one (``[services.deployment]``): the strategy, its traffic shifting and its
rollback alarms."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from ..errors import ConfigError
from . import validators as v
from .load_balancer import SHARED, LoadBalancerOptions
from .patterns import HTTP_HEADER_NAME, HTTP_HEADER_VALUE
from .routing import MAX_VALUES_PER_RULE, RoutingOptions
from .settings import Between, Checked, Flag, Matches, OneOf, check_settings, setting

ROLLING: Final = "rolling"
BLUE_GREEN: Final = "blue_green"
CANARY: Final = "canary"
LINEAR: Final = "linear"
STRATEGIES: Final = (ROLLING, BLUE_GREEN, CANARY, LINEAR)
# Bounds from the ECS API reference (DeploymentConfiguration, CanaryConfiguration, LinearConfiguration):
# https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CanaryConfiguration.html
# https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LinearConfiguration.html
BAKE_MINUTES: Final = (0, 1440)
CANARY_PERCENT: Final = (0.1, 100.0)
LINEAR_STEP_PERCENT: Final = (3.0, 100.0)
# CloudFormation rejects a canary deployment whose BakeTimeInMinutes + CanaryBakeTimeInMinutes exceeds 33 hours:
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ecs-service-canaryconfiguration.html
CLOUDFORMATION_CANARY_MINUTES: Final = 33 * 60
# Defaults of the ECS API when a value is left out.
DEFAULTS: Final = {"bake_time": 10, "canary_percent": 5.0, "canary_bake_time": 10, "linear_step_percent": 10.0}
DEFAULTS_LINEAR_STEP_BAKE_TIME: Final = 6
_STRATEGY_FIELDS: Final = {
    "canary_percent": CANARY,
    "canary_bake_time": CANARY,
    "linear_step_percent": LINEAR,
    "linear_step_bake_time": LINEAR,
}
NLB_STRATEGY_PAGE: Final = (
    "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/nlb-resources-for-blue-green.html"
)


def _percent(field_name: str, value: object, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{field_name}: {value!r} is not a number; give a percentage from {low} to {high}")
    if not math.isfinite(value):
        # TOML reads nan, inf and 1e309 (past the largest float) as floats no percentage can be.
        raise ConfigError(f"{field_name}: {value} is not a finite number; give a percentage from {low} to {high}")
    tenths = round(value * 10)
    if not low <= value <= high or not math.isclose(tenths, value * 10):
        raise ConfigError(f"{field_name}: {value} is not allowed; a multiple of 0.1 from {low} to {high}")
    return float(value)


_MINUTES: Final = f"{BAKE_MINUTES[0]} to {BAKE_MINUTES[1]} minutes"
_MINUTES_SCHEMA: Final = (("type", "integer"), ("minimum", BAKE_MINUTES[0]), ("maximum", BAKE_MINUTES[1]))


def _percent_text(low: float, high: float) -> str:
    return f"a multiple of 0.1 from {low} to {high}"


def _percent_schema(low: float, high: float) -> tuple[tuple[str, object], ...]:
    return (("type", "number"), ("minimum", low), ("maximum", high))


@dataclass(frozen=True)
class DeploymentOptions:
    """How a new revision replaces the running one (``[services.deployment]``).

    Attributes:
        strategy: ``rolling`` (default: replace tasks in batches, the deployment circuit breaker rolls back),
            ``blue_green`` (start the whole new revision, move all traffic at once), ``canary`` (move
            ``canary_percent`` first, the rest after ``canary_bake_time``) or ``linear`` (move
            ``linear_step_percent`` every ``linear_step_bake_time``); the last three need an ALB (``alb`` or
            ``shared``) and add an alternate target group.
        bake_time: minutes both revisions keep running after all traffic moved, for a quick rollback (default 10
            with blue_green, canary and linear; allowed 0-1440).
        canary_percent: canary only: percent of traffic moved first, a multiple of 0.1 (default 5.0, 0.1-100).
        canary_bake_time: canary only: minutes before the rest moves (default 10, allowed 0-1440).
        linear_step_percent: linear only: percent moved per step, a multiple of 0.1 (default 10.0, 3-100).
        linear_step_bake_time: linear only: minutes between steps (default 6, allowed 0-1440).
        test_header_name: an HTTP header that sends a request to the new revision before it takes production
            traffic, through a test listener rule (default none: no test rule); blue_green, canary, linear only.
        test_header_value: the header's value that selects the new revision (default ``green``).
        test_priority: with ``load_balancer.kind = "shared"``: the test rule's priority, lower than the service's
            rule (default none: assigned with the service's rule when a config file renders it, just below it, and
            kept in the priority lock; a service built alone asks at deploy time); a service's own ALB uses priority
            1.
        alarm_rollback: create CloudWatch alarms (target 5xx rate, unhealthy targets) that fail and roll back a
            deployment of any strategy (default False).
        alarm_5xx_percent: default of the ``RollbackAlarm5xxPercent`` parameter (default 5, allowed 1-100).
        alarm_unhealthy_hosts: default of the ``RollbackAlarmUnhealthyHosts`` parameter (default 1, 1-1000).
    """

    strategy: str = setting(ROLLING, allowed=OneOf(STRATEGIES))
    bake_time: int | None = setting(
        None, allowed=Checked(_MINUTES, _MINUTES_SCHEMA), default_text=f"`{DEFAULTS['bake_time']}` when shifting"
    )
    canary_percent: float | int | None = setting(
        None,
        allowed=Checked(_percent_text(*CANARY_PERCENT), _percent_schema(*CANARY_PERCENT)),
        default_text=f"`{DEFAULTS['canary_percent']}` with `canary`",
    )
    canary_bake_time: int | None = setting(
        None, allowed=Checked(_MINUTES, _MINUTES_SCHEMA), default_text=f"`{DEFAULTS['canary_bake_time']}` with `canary`"
    )
    linear_step_percent: float | int | None = setting(
        None,
        allowed=Checked(_percent_text(*LINEAR_STEP_PERCENT), _percent_schema(*LINEAR_STEP_PERCENT)),
        default_text=f"`{DEFAULTS['linear_step_percent']}` with `linear`",
    )
    linear_step_bake_time: int | None = setting(
        None,
        allowed=Checked(_MINUTES, _MINUTES_SCHEMA),
        default_text=f"`{DEFAULTS_LINEAR_STEP_BAKE_TIME}` with `linear`",
    )
    test_header_name: str | None = setting(None, allowed=Matches(HTTP_HEADER_NAME, "1-40 of A-Z a-z 0-9 -"))
    test_header_value: str = setting("green", allowed=Matches(HTTP_HEADER_VALUE, "1-128 of A-Z a-z 0-9 . _ -"))
    test_priority: int | None = setting(None, allowed=Between(1, 50_000))
    alarm_rollback: bool = setting(False, allowed=Flag())
    alarm_5xx_percent: int = setting(5, allowed=Between(1, 100))
    alarm_unhealthy_hosts: int = setting(1, allowed=Between(1, 1000))

    def __post_init__(self) -> None:
        check_settings(self, "deployment")
        strategy = self.strategy
        for name, owner in _STRATEGY_FIELDS.items():
            if getattr(self, name) is not None and strategy != owner:
                raise ConfigError(f"deployment.{name}: only used with deployment.strategy {owner!r}, not {strategy!r}")
        if strategy == ROLLING:
            for name in ("bake_time", "test_header_name", "test_priority"):
                if getattr(self, name) is not None:
                    raise ConfigError(
                        f"deployment.{name}: only used with deployment.strategy blue_green, canary or linear; "
                        "a rolling deployment runs one revision behind one target group"
                    )
        else:
            self._resolve_shifting(strategy)
        if self.test_priority is not None and self.test_header_name is None:
            raise ConfigError("deployment.test_priority: only used with deployment.test_header_name")

    def _resolve_shifting(self, strategy: str) -> None:
        bake = DEFAULTS["bake_time"] if self.bake_time is None else self.bake_time
        object.__setattr__(self, "bake_time", v.int_between("deployment.bake_time", bake, *BAKE_MINUTES))
        if strategy == CANARY:
            percent = DEFAULTS["canary_percent"] if self.canary_percent is None else self.canary_percent
            wait = DEFAULTS["canary_bake_time"] if self.canary_bake_time is None else self.canary_bake_time
            object.__setattr__(self, "canary_percent", _percent("deployment.canary_percent", percent, *CANARY_PERCENT))
            object.__setattr__(
                self, "canary_bake_time", v.int_between("deployment.canary_bake_time", wait, *BAKE_MINUTES)
            )
            if self.bake_time + self.canary_bake_time > CLOUDFORMATION_CANARY_MINUTES:
                raise ConfigError(
                    f"deployment.bake_time, deployment.canary_bake_time: {self.bake_time} + {self.canary_bake_time} "
                    f"minutes is over {CLOUDFORMATION_CANARY_MINUTES} (33 hours), which CloudFormation rejects for a "
                    "canary deployment"
                )
        elif strategy == LINEAR:
            percent = DEFAULTS["linear_step_percent"] if self.linear_step_percent is None else self.linear_step_percent
            wait = DEFAULTS_LINEAR_STEP_BAKE_TIME if self.linear_step_bake_time is None else self.linear_step_bake_time
            object.__setattr__(
                self, "linear_step_percent", _percent("deployment.linear_step_percent", percent, *LINEAR_STEP_PERCENT)
            )
            object.__setattr__(
                self, "linear_step_bake_time", v.int_between("deployment.linear_step_bake_time", wait, *BAKE_MINUTES)
            )

    @property
    def shifts_traffic(self) -> bool:
        """ECS moves traffic between two target groups (blue/green, canary, linear)."""
        return self.strategy != ROLLING


def validate_strategy(
    deployment: DeploymentOptions, load_balancer: LoadBalancerOptions, routing: RoutingOptions
) -> None:
    """Rules across the deployment, the load balancer and, on the shared front door, the routing."""
    shared = load_balancer.kind == SHARED
    if deployment.shifts_traffic and not load_balancer.is_application:
        raise ConfigError(
            f"deployment.strategy: {deployment.strategy!r} is not supported with load_balancer.kind "
            f"{load_balancer.kind!r}: this library shifts traffic through ALB listener rules only (on an NLB "
            f"ECS shifts a whole listener and adds a 10-minute wait to each traffic shift, {NLB_STRATEGY_PAGE}); "
            "use 'rolling' or an ALB"
        )
    if deployment.test_priority is not None and not shared:
        raise ConfigError(
            "deployment.test_priority: only used with load_balancer.kind 'shared'; a service's own ALB puts its test "
            "rule at priority 1"
        )
    values = len(routing.hosts) + len(routing.paths) + 1
    if shared and deployment.test_header_name is not None and values > MAX_VALUES_PER_RULE:
        raise ConfigError(
            f"deployment.test_header_name: the test rule takes routing's {values - 1} hosts and paths and the header, "
            f"{values} condition values; an ALB listener rule takes at most {MAX_VALUES_PER_RULE}"
        )
    rule, test = routing.priority, deployment.test_priority
    if shared and rule is not None and test is not None and test >= rule:
        raise ConfigError(
            f"deployment.test_priority: {test} must be lower than routing.priority {rule}: the ALB evaluates the "
            "lowest priority first, and the test rule must see requests before the production rule"
        )
