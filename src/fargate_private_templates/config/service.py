"""Typed configuration of one Fargate service stack, in groups like CDK's props: image, container, health check,
load balancer, scaling. Each group validates its own fields; ``ServiceConfig`` checks the combinations."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Final

from ..errors import ConfigError
from . import validators as v
from .capacity import CapacityOptions, check_spot_architecture
from .deployment import DeploymentOptions, validate_strategy
from .image import ImageOptions
from .load_balancer import HEALTH_CHECKS, HTTPS_PORT, SHARED, LoadBalancerOptions
from .patterns import HEALTH_CHECK_PATH, KMS_KEY_ARN, NAME, SecretSources, secret_parameter_title
from .references import EXPORTS, REFERENCE_MODES
from .routing import RoutingOptions
from .sidecars import SidecarOptions, validate_sidecars
from .task_size import fargate_memory

PLATFORM_VERSIONS: Final = ("1.4.0", "LATEST")
CPU_ARCHITECTURES: Final = ("X86_64", "ARM64")


@dataclass(frozen=True)
class ContainerOptions(SecretSources):
    """The application container (``[services.container]``).

    Attributes:
        name: the container's name in the task definition (default ``app``).
        port: port the container listens on (default 8080).
        environment: plain environment variables (default none); never credentials.
        secrets: container secrets as variable -> a Secrets Manager or SSM Parameter Store ARN, or a name that
            deploys in any account and Region: ``secretsmanager:<secret name>`` (the template asks for the secret's
            full ARN) or ``ssm:<parameter name>`` (the template builds its ARN) (default none).
        readonly_root_filesystem: read-only root filesystem with a writable ``/tmp`` volume (default True).
    """

    name: str = "app"
    port: int = 8080
    environment: tuple[tuple[str, str], ...] = field(default=())
    secrets: tuple[tuple[str, str], ...] = field(default=())
    readonly_root_filesystem: bool = True

    def __post_init__(self) -> None:
        v.pattern("container.name", self.name, NAME, "lowercase letters, digits and hyphens, max 32")
        v.int_between("container.port", self.port, 1, 65535)
        environment, secrets = v.environment_and_secrets("container", self.environment, self.secrets)
        object.__setattr__(self, "environment", environment)
        object.__setattr__(self, "secrets", secrets)
        v.boolean("container.readonly_root_filesystem", self.readonly_root_filesystem)


@dataclass(frozen=True)
class HealthCheckOptions:
    """The target group's health check of the tasks (``[services.health_check]``).

    Attributes:
        path: HTTP health check path (default ``/``).
        protocol: ``http`` (ALB, default) or, on an NLB, ``tcp`` (default) or ``http``.
        interval: seconds between health checks (default 30, allowed 5-300).
        grace_period: seconds ECS ignores failing health checks after a task starts (default 60, allowed 0-7200).
    """

    path: str = "/"
    protocol: str | None = None
    interval: int = 30
    grace_period: int = 60

    def __post_init__(self) -> None:
        v.pattern("health_check.path", self.path, HEALTH_CHECK_PATH, "a URL path starting with /")
        if self.protocol is not None:
            v.one_of("health_check.protocol", self.protocol, ("http", "tcp"))
        v.int_between("health_check.interval", self.interval, 5, 300)
        v.int_between("health_check.grace_period", self.grace_period, 0, 7200)


@dataclass(frozen=True)
class ScalingOptions:
    """Autoscaling of the task count (``[services.scaling]``).

    Attributes:
        min_capacity: autoscaling minimum task count (default 2).
        max_capacity: autoscaling maximum task count (default 4).
        desired_count: default of the ``DesiredCount`` parameter, between min and max capacity (default none: the
            parameter is empty and autoscaling owns the count). Avoid it: a value is re-applied by every stack
            update, undoing what autoscaling decided.
        target_cpu_utilization: target average CPU percent (default 70, allowed 10-90).
        target_requests_per_target: ALB only: also scale on request count per target (default none).
    """

    min_capacity: int = 2
    max_capacity: int = 4
    desired_count: int | None = None
    target_cpu_utilization: int = 70
    target_requests_per_target: int | None = None

    def __post_init__(self) -> None:
        v.int_between("scaling.min_capacity", self.min_capacity, 0, 1000)
        v.int_between("scaling.max_capacity", self.max_capacity, 1, 1000)
        if self.min_capacity > self.max_capacity:
            raise ConfigError(
                f"scaling.min_capacity, scaling.max_capacity: min_capacity {self.min_capacity} is above "
                f"max_capacity {self.max_capacity}"
            )
        if self.desired_count is not None:
            v.int_between("scaling.desired_count", self.desired_count, 0, 1000)
            if not self.min_capacity <= self.desired_count <= self.max_capacity:
                raise ConfigError(
                    f"scaling.desired_count: {self.desired_count} is outside min_capacity {self.min_capacity} to "
                    f"max_capacity {self.max_capacity}"
                )
        v.int_between("scaling.target_cpu_utilization", self.target_cpu_utilization, 10, 90)
        if self.target_requests_per_target is not None:
            v.int_between("scaling.target_requests_per_target", self.target_requests_per_target, 1, 100_000)


GROUPS: Final = {
    "image": ImageOptions,
    "container": ContainerOptions,
    "health_check": HealthCheckOptions,
    "load_balancer": LoadBalancerOptions,
    "routing": RoutingOptions,
    "scaling": ScalingOptions,
    "deployment": DeploymentOptions,
    "capacity": CapacityOptions,
}


@dataclass(frozen=True)
class ServiceConfig:
    """One Fargate service behind a public load balancer, its tasks only in private subnets.

    Attributes:
        name: short service name for file names, descriptions, log stream prefixes and tags (default ``app``).
        cpu: task CPU units (default 256); one of Fargate's values.
        memory: task memory in MiB (default 512); valid for ``cpu`` (Fargate's pairs).
        cpu_architecture: ``X86_64`` (default) or ``ARM64`` (Graviton, about 20% cheaper).
        platform_version: Fargate platform version, written out (default ``1.4.0``).
        enable_exec: ECS Exec (default False); needs ``container.readonly_root_filesystem = False``.
        egress_ports: TCP ports the tasks may open to any address (default ``(443,)``: registry, logs, AWS APIs);
            443 is always kept, each further port becomes a template parameter (``EgressPort1``, ... defaulting to
            the port) so a database's port can change at deploy time. The other resource (a database's security
            group) must also admit the ``TaskSecurityGroupId`` output's group.
        secrets_kms_key_arns: customer-managed KMS keys that encrypt the containers' (and sidecars') secrets,
            SecureString parameters or registry credentials (default none: AWS-managed keys, nothing to grant). The
            execution role may ``kms:Decrypt`` with them only through Secrets Manager and SSM in the stack's Region.
        log_retention_days: default of the ``LogRetentionInDays`` parameter (default 30).
        tags: extra tags for every taggable resource (default none).
        image: where the image comes from, an ``ImageOptions`` (default: repository ``app`` in this account's ECR).
        container: the application container, a ``ContainerOptions`` (default: ``app`` on port 8080).
        health_check: the target group's health check, a ``HealthCheckOptions`` (default: HTTP ``/`` every 30 s).
        load_balancer: the load balancer, a ``LoadBalancerOptions`` (default: an HTTPS ALB of the service's own).
        routing: with a shared front door, which hosts and paths reach the service, a ``RoutingOptions``
            (default: none; required with ``load_balancer.kind = "shared"``).
        scaling: autoscaling, a ``ScalingOptions`` (default: 2-4 tasks at 70% CPU).
        references: how the template reads the network stack: ``exports`` (default: ``Fn::ImportValue``, strict;
            the network's exported values are then pinned) or ``stack_outputs`` (``Fn::GetStackOutput``, weak;
            works across accounts, and lets the network grow while services run).
        deployment: how new revisions roll out, a ``DeploymentOptions`` (default: rolling, circuit breaker).
        capacity: on-demand Fargate or Fargate Spot, a ``CapacityOptions`` (default: on-demand only).
        sidecars: additional containers, each a ``SidecarOptions`` (default none).
    """

    name: str = "app"
    cpu: int = 256
    memory: int = 512
    cpu_architecture: str = "X86_64"
    platform_version: str = "1.4.0"
    enable_exec: bool = False
    egress_ports: tuple[int, ...] = (HTTPS_PORT,)
    secrets_kms_key_arns: tuple[str, ...] = ()
    log_retention_days: int = 30
    tags: tuple[tuple[str, str], ...] = field(default=())
    image: ImageOptions = field(default_factory=ImageOptions)
    container: ContainerOptions = field(default_factory=ContainerOptions)
    health_check: HealthCheckOptions = field(default_factory=HealthCheckOptions)
    load_balancer: LoadBalancerOptions = field(default_factory=LoadBalancerOptions)
    routing: RoutingOptions = field(default_factory=RoutingOptions)
    scaling: ScalingOptions = field(default_factory=ScalingOptions)
    references: str = EXPORTS
    deployment: DeploymentOptions = field(default_factory=DeploymentOptions)
    capacity: CapacityOptions = field(default_factory=CapacityOptions)
    sidecars: tuple[SidecarOptions, ...] = ()

    def __post_init__(self) -> None:
        v.pattern("name", self.name, NAME, "lowercase letters, digits and hyphens, starting with a letter, max 32")
        fargate_memory(self.cpu, self.memory)
        v.one_of("cpu_architecture", self.cpu_architecture, CPU_ARCHITECTURES)
        v.one_of("platform_version", self.platform_version, PLATFORM_VERSIONS)
        v.boolean("enable_exec", self.enable_exec)
        self._validate_egress_ports()
        self._validate_secrets_kms_key_arns()
        v.log_retention("log_retention_days", self.log_retention_days)
        object.__setattr__(self, "tags", v.tags("tags", self.tags))
        v.one_of("references", self.references, REFERENCE_MODES)
        for name, group in GROUPS.items():
            if not isinstance(getattr(self, name), group):
                raise ConfigError(f"{name}: {getattr(self, name)!r} is not a {group.__name__}")
        if isinstance(self.sidecars, list):
            object.__setattr__(self, "sidecars", tuple(self.sidecars))
        self._validate_combinations()
        validate_strategy(self.deployment, self.load_balancer, self.routing)
        check_spot_architecture(self.capacity, self.cpu_architecture)
        validate_sidecars(self.sidecars, self.container.name, self.cpu, self.memory)
        self._validate_secret_parameter_titles()

    def _validate_secret_parameter_titles(self) -> None:
        """Secrets named by ``secretsmanager:`` become parameters named after their variables: never two alike."""
        seen: dict[str, str] = {}
        owners = [("container", "", self.container)] + [
            (f"sidecars[{i}]", s.title, s) for i, s in enumerate(self.sidecars)
        ]
        for where, prefix, container in owners:
            for variable, _ in container.secrets_by_name:
                title = secret_parameter_title(prefix, variable)
                if title in seen:
                    raise ConfigError(
                        f"{where}.secrets: {variable!r} and {seen[title]} both become the template parameter "
                        f"{title}; rename one variable"
                    )
                seen[title] = f"{where}.secrets {variable!r}"

    def _validate_egress_ports(self) -> None:
        if not isinstance(self.egress_ports, (tuple, list)) or not self.egress_ports:
            raise ConfigError(f"egress_ports: {self.egress_ports!r} must list at least one port (443 for the registry)")
        ports = tuple(v.int_between("egress_ports", p, 1, 65535) for p in self.egress_ports)
        object.__setattr__(self, "egress_ports", ports)
        if HTTPS_PORT not in self.egress_ports:
            raise ConfigError(
                f"egress_ports: {self.egress_ports!r} lacks 443, which the tasks need for the image registry, "
                "CloudWatch Logs and AWS APIs; add 443"
            )

    def _validate_secrets_kms_key_arns(self) -> None:
        if not isinstance(self.secrets_kms_key_arns, (tuple, list)):
            raise ConfigError(f"secrets_kms_key_arns: {self.secrets_kms_key_arns!r} must be a list of KMS key ARNs")
        arns = tuple(
            v.pattern(
                "secrets_kms_key_arns",
                arn,
                KMS_KEY_ARN,
                "a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<key id>), not an alias",
            )
            for arn in self.secrets_kms_key_arns
        )
        object.__setattr__(self, "secrets_kms_key_arns", tuple(dict.fromkeys(arns)))

    def _validate_combinations(self) -> None:
        """Rules across groups: each message names both fields by their full path."""
        kind = self.load_balancer.kind
        protocol = self.health_check.protocol or HEALTH_CHECKS[kind][0]
        if protocol not in HEALTH_CHECKS[kind]:
            raise ConfigError(
                f"health_check.protocol: {protocol!r} is not allowed with load_balancer.kind {kind!r}; "
                f"allowed: {', '.join(HEALTH_CHECKS[kind])}"
            )
        object.__setattr__(self, "health_check", dataclasses.replace(self.health_check, protocol=protocol))
        if kind == SHARED and not (self.routing.hosts or self.routing.paths):
            raise ConfigError(
                "routing.hosts, routing.paths: a service on a shared front door (load_balancer.kind 'shared') needs "
                "at least one host or path to answer"
            )
        if kind != SHARED and self.routing.is_set:
            raise ConfigError(
                f"routing: only used with load_balancer.kind 'shared', not {kind!r}; a load balancer of the service's "
                "own forwards every request to it"
            )
        v.exec_needs_writable_root(self.enable_exec, self.container.readonly_root_filesystem)
        if self.scaling.target_requests_per_target is not None and not self.load_balancer.is_application:
            raise ConfigError(
                f"scaling.target_requests_per_target: request-count scaling needs an ALB, not load_balancer.kind "
                f"{kind!r}"
            )
        if self.scaling.target_requests_per_target is not None and self.deployment.shifts_traffic:
            # The policy's ResourceLabel names one target group, and ECS moves production traffic to the other one
            # at every deployment; the ECS guide lists ALBRequestCountPerTarget as unsupported with blue/green:
            # https://docs.aws.amazon.com/AmazonECS/latest/userguide/service-autoscaling-targettracking.html
            raise ConfigError(
                f"scaling.target_requests_per_target, deployment.strategy: request-count scaling tracks one target "
                f"group, and a {self.deployment.strategy!r} deployment moves the traffic to the other one, after "
                "which the service would silently stop scaling on requests; remove scaling.target_requests_per_target "
                "(CPU scaling stays) or use deployment.strategy 'rolling'"
            )
