"""Safe rollouts and the task's other containers: the deployment strategy and its rollback alarms
(``[services.deployment]``), Fargate Spot (``[services.capacity]``) and sidecars (``[[services.sidecars]]``)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from ..errors import ConfigError
from . import validators as v
from .image import ImageOptions
from .patterns import HTTP_HEADER_NAME, HTTP_HEADER_VALUE, NAME, SecretSources
from .routing import MAX_VALUES_PER_RULE

if TYPE_CHECKING:
    from .service import ServiceConfig

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
# "Linux tasks with the ARM64 architecture don't support the Fargate Spot capacity provider":
SPOT_PAGE: Final = "https://docs.aws.amazon.com/AmazonECS/latest/userguide/fargate-capacity-providers.html"
# ECS task definitions hold at most 10 containers.
MAX_CONTAINERS: Final = 10
DEPENDENCY_CONDITIONS: Final = ("START", "COMPLETE", "SUCCESS")
# ContainerDependency: COMPLETE and SUCCESS "can't be set on an essential container".
EXIT_CONDITIONS: Final = ("COMPLETE", "SUCCESS")


def _percent(field_name: str, value: object, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{field_name}: {value!r} is not a number; give a percentage from {low} to {high}")
    tenths = round(value * 10)
    if not low <= value <= high or not math.isclose(tenths, value * 10):
        raise ConfigError(f"{field_name}: {value} is not allowed; a multiple of 0.1 from {low} to {high}")
    return float(value)


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
            rule (default none: asked at deploy time); a service's own ALB uses priority 1.
        alarm_rollback: create CloudWatch alarms (target 5xx rate, unhealthy targets) that fail and roll back a
            deployment of any strategy (default False).
        alarm_5xx_percent: default of the ``RollbackAlarm5xxPercent`` parameter (default 5, allowed 1-100).
        alarm_unhealthy_hosts: default of the ``RollbackAlarmUnhealthyHosts`` parameter (default 1, 1-1000).
    """

    strategy: str = ROLLING
    bake_time: int | None = None
    canary_percent: float | int | None = None
    canary_bake_time: int | None = None
    linear_step_percent: float | int | None = None
    linear_step_bake_time: int | None = None
    test_header_name: str | None = None
    test_header_value: str = "green"
    test_priority: int | None = None
    alarm_rollback: bool = False
    alarm_5xx_percent: int = 5
    alarm_unhealthy_hosts: int = 1

    def __post_init__(self) -> None:
        strategy = v.one_of("deployment.strategy", self.strategy, STRATEGIES)
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
        value_allowed = "1-128 of A-Z a-z 0-9 . _ -"
        v.pattern("deployment.test_header_value", self.test_header_value, HTTP_HEADER_VALUE, value_allowed)
        if self.test_header_name is not None:
            v.pattern("deployment.test_header_name", self.test_header_name, HTTP_HEADER_NAME, "1-40 of A-Z a-z 0-9 -")
        if self.test_priority is not None:
            v.int_between("deployment.test_priority", self.test_priority, 1, 50_000)
            if self.test_header_name is None:
                raise ConfigError("deployment.test_priority: only used with deployment.test_header_name")
        v.boolean("deployment.alarm_rollback", self.alarm_rollback)
        v.int_between("deployment.alarm_5xx_percent", self.alarm_5xx_percent, 1, 100)
        v.int_between("deployment.alarm_unhealthy_hosts", self.alarm_unhealthy_hosts, 1, 1000)

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


@dataclass(frozen=True)
class CapacityOptions:
    """Which Fargate capacity runs the tasks (``[services.capacity]``).

    Attributes:
        spot_weight: relative share of the tasks beyond ``on_demand_base`` placed on Fargate Spot (default 0: every
            task on on-demand Fargate, started with the FARGATE launch type as before; allowed 0-1000). Spot tasks
            can be stopped with a two-minute warning.
        on_demand_base: tasks always placed on on-demand Fargate before the weights apply (default 0, 0-100000).
        on_demand_weight: relative share beyond the base placed on on-demand Fargate (default 1, allowed 0-1000).
    """

    spot_weight: int = 0
    on_demand_base: int = 0
    on_demand_weight: int = 1

    def __post_init__(self) -> None:
        v.int_between("capacity.spot_weight", self.spot_weight, 0, 1000)
        v.int_between("capacity.on_demand_base", self.on_demand_base, 0, 100_000)
        v.int_between("capacity.on_demand_weight", self.on_demand_weight, 0, 1000)
        if not self.uses_spot and (self.on_demand_base, self.on_demand_weight) != (0, 1):
            raise ConfigError(
                "capacity.on_demand_base, capacity.on_demand_weight: only used with a capacity.spot_weight above 0; "
                "without Spot every task runs on on-demand Fargate"
            )

    @property
    def uses_spot(self) -> bool:
        return self.spot_weight > 0


@dataclass(frozen=True)
class SidecarOptions(SecretSources):
    """An additional container in the task (``[[services.sidecars]]``): a log router, a collector, a proxy. Never
    attached to the load balancer.

    Attributes:
        name: the container's name, unique in the task (default none: required).
        image: where its image comes from, an ``ImageOptions`` (default: repository ``app`` in this account's ECR;
            its template parameters are named after the sidecar, for example ``LogRouterImageTag``).
        essential: the task stops when this container stops (default True).
        cpu: CPU units reserved for it (default 64).
        memory: memory in MiB reserved for it, a soft limit (default 128).
        command: the command to run instead of the image's (default none).
        environment: plain environment variables (default none); never credentials.
        secrets: secrets as name -> Secrets Manager or SSM Parameter Store ARN (default none).
        depends_on: containers (the main one or other sidecars) this one waits for, as name -> ``START``,
            ``COMPLETE`` or ``SUCCESS`` (default none).
        start_before_app: the main container waits for this one to reach ``START``, ``COMPLETE`` or ``SUCCESS``
            (default none: no order).
        readonly_root_filesystem: read-only root filesystem with a writable ``/tmp`` volume of its own (default True).
    """

    name: str | None = None
    image: ImageOptions = field(default_factory=ImageOptions)
    essential: bool = True
    cpu: int = 64
    memory: int = 128
    command: tuple[str, ...] = ()
    environment: tuple[tuple[str, str], ...] = field(default=())
    secrets: tuple[tuple[str, str], ...] = field(default=())
    depends_on: tuple[tuple[str, str], ...] = field(default=())
    start_before_app: str | None = None
    readonly_root_filesystem: bool = True

    def __post_init__(self) -> None:
        if self.name is None:
            raise ConfigError("name: required; every sidecar needs a container name")
        v.pattern("name", self.name, NAME, "lowercase letters, digits and hyphens, starting with a letter, max 32")
        if not isinstance(self.image, ImageOptions):
            raise ConfigError(f"image: {self.image!r} is not an ImageOptions")
        v.boolean("essential", self.essential)
        v.int_between("cpu", self.cpu, 0, 16384)
        v.int_between("memory", self.memory, 6, 122880)
        if isinstance(self.command, str) or not all(isinstance(part, str) for part in self.command):
            raise ConfigError(f"command: {self.command!r} is not a list of strings")
        object.__setattr__(self, "command", tuple(self.command))
        environment, secrets = v.environment_and_secrets("", self.environment, self.secrets)
        object.__setattr__(self, "environment", environment)
        object.__setattr__(self, "secrets", secrets)
        depends = self.depends_on.items() if isinstance(self.depends_on, dict) else self.depends_on
        if not all(isinstance(item, (tuple, list)) and len(item) == 2 for item in depends):
            raise ConfigError(f"depends_on: {self.depends_on!r} is not a mapping of container names to conditions")
        pairs = tuple((name, condition) for name, condition in depends)
        for name, condition in pairs:
            v.pattern("depends_on", name, NAME, "container names: lowercase letters, digits and hyphens")
            v.one_of(f"depends_on.{name}", condition, DEPENDENCY_CONDITIONS)
        object.__setattr__(self, "depends_on", pairs)
        if self.start_before_app is not None:
            v.one_of("start_before_app", self.start_before_app, DEPENDENCY_CONDITIONS)
            if self.essential and self.start_before_app in EXIT_CONDITIONS:
                raise ConfigError(
                    f"start_before_app: {self.start_before_app!r} waits for the container to exit, which ECS refuses "
                    "on an essential container; set essential = false or use 'START'"
                )
        v.boolean("readonly_root_filesystem", self.readonly_root_filesystem)

    @property
    def title(self) -> str:
        """The name as a CloudFormation logical-ID prefix: ``log-router`` -> ``LogRouter``."""
        return "".join(part.capitalize() for part in self.name.split("-"))


def validate_rollout(config: ServiceConfig, shared: bool) -> None:
    """Rules across the deployment, capacity and sidecars and the rest of the service; ``shared``: on a shared
    front door."""
    _validate_strategy(config, shared)
    if config.capacity.uses_spot and config.cpu_architecture == "ARM64":
        raise ConfigError(
            f"capacity.spot_weight: Fargate Spot runs only X86_64 Linux tasks, not cpu_architecture 'ARM64' "
            f"({SPOT_PAGE}); set cpu_architecture = 'X86_64' or capacity.spot_weight = 0"
        )
    _validate_sidecars(config)


def _validate_strategy(config: ServiceConfig, shared: bool) -> None:
    deployment = config.deployment
    if deployment.shifts_traffic and not config.load_balancer.is_application:
        raise ConfigError(
            f"deployment.strategy: {deployment.strategy!r} is not supported with load_balancer.kind "
            f"{config.load_balancer.kind!r}: this library shifts traffic through ALB listener rules only (on an NLB "
            f"ECS shifts a whole listener and adds a 10-minute wait to each traffic shift, {NLB_STRATEGY_PAGE}); "
            "use 'rolling' or an ALB"
        )
    if deployment.test_priority is not None and not shared:
        raise ConfigError(
            "deployment.test_priority: only used with load_balancer.kind 'shared'; a service's own ALB puts its test "
            "rule at priority 1"
        )
    values = len(config.routing.hosts) + len(config.routing.paths) + 1
    if shared and deployment.test_header_name is not None and values > MAX_VALUES_PER_RULE:
        raise ConfigError(
            f"deployment.test_header_name: the test rule takes routing's {values - 1} hosts and paths and the header, "
            f"{values} condition values; an ALB listener rule takes at most {MAX_VALUES_PER_RULE}"
        )
    rule, test = config.routing.priority, deployment.test_priority
    if shared and rule is not None and test is not None and test >= rule:
        raise ConfigError(
            f"deployment.test_priority: {test} must be lower than routing.priority {rule}: the ALB evaluates the "
            "lowest priority first, and the test rule must see requests before the production rule"
        )


def _validate_sidecars(config: ServiceConfig) -> None:
    sidecars = config.sidecars
    if not isinstance(sidecars, tuple) or not all(isinstance(s, SidecarOptions) for s in sidecars):
        raise ConfigError(f"sidecars: {sidecars!r} is not a list of SidecarOptions")
    if len(sidecars) + 1 > MAX_CONTAINERS:
        raise ConfigError(
            f"sidecars: {len(sidecars)} given; a task definition holds at most {MAX_CONTAINERS} containers"
        )
    names = [config.container.name]
    titles = {"": config.container.name}
    for index, sidecar in enumerate(sidecars):
        if sidecar.name in names:
            raise ConfigError(f"sidecars[{index}].name: {sidecar.name!r} is already a container name in the task")
        if sidecar.title.lower() in titles:
            raise ConfigError(
                f"sidecars[{index}].name: {sidecar.name!r} and {titles[sidecar.title.lower()]!r} give the same "
                "template parameter names; rename one"
            )
        names.append(sidecar.name)
        titles[sidecar.title.lower()] = sidecar.name
    essential = {config.container.name: True, **{s.name: s.essential for s in sidecars}}
    for index, sidecar in enumerate(sidecars):
        for name, condition in sidecar.depends_on:
            if name not in names or name == sidecar.name:
                allowed = ", ".join(n for n in names if n != sidecar.name)
                raise ConfigError(
                    f"sidecars[{index}].depends_on: {name!r} is not another container; allowed: {allowed}"
                )
            if condition in EXIT_CONDITIONS and essential[name]:
                raise ConfigError(
                    f"sidecars[{index}].depends_on: {name!r} = {condition!r} waits for an essential container to "
                    "exit, which ECS refuses; use 'START'"
                )
    _refuse_cycles(config)
    _validate_reservations(config)


def _refuse_cycles(config: ServiceConfig) -> None:
    waits = {s.name: [n for n, _ in s.depends_on] for s in config.sidecars}
    waits[config.container.name] = [s.name for s in config.sidecars if s.start_before_app is not None]

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in path:
            cycle = " -> ".join((*path[path.index(name) :], name))
            raise ConfigError(f"sidecars: the start order has a cycle ({cycle}); no container could start")
        for other in waits.get(name, []):
            visit(other, (*path, name))

    for name in waits:
        visit(name, ())


def _validate_reservations(config: ServiceConfig) -> None:
    """The sidecars' reservations must leave CPU and memory for the main container, within the task size."""
    for unit, task, reserved in (
        ("CPU units", config.cpu, sum(s.cpu for s in config.sidecars)),
        ("MiB of memory", config.memory, sum(s.memory for s in config.sidecars)),
    ):
        if reserved >= task:
            field_name = "cpu" if unit == "CPU units" else "memory"
            raise ConfigError(
                f"sidecars: the sidecars reserve {reserved} {unit}, leaving nothing of the task's {field_name} {task} "
                f"for the main container {config.container.name!r}; raise {field_name} (a Fargate task size) or "
                f"lower the sidecars' {field_name}"
            )
