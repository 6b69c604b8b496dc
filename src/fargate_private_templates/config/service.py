"""Typed configuration of one Fargate service stack, in groups like CDK's props: image, container, health check,
load balancer, scaling. Each group validates its own fields; ``ServiceConfig`` checks the combinations."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Final

from . import validators as v
from .errors import ConfigError
from .patterns import (
    ACCOUNT_ID,
    CERTIFICATE_ARN,
    HEALTH_CHECK_PATH,
    HOST_HEADER,
    IMAGE_TAG,
    IMAGE_URI,
    NAME,
    PATH_PATTERN,
    REPOSITORY,
    SECRET_ARN,
    SECRETS_MANAGER_ARN,
    SSM_PARAMETER_ARN,
    STACK_NAME,
)

ALB: Final = "alb"
NLB: Final = "nlb"
# An ALB of the shared front-door stack (``build_ingress``): the service adds a listener rule to it.
SHARED: Final = "shared"
LOAD_BALANCERS: Final = (ALB, NLB, SHARED)

HTTPS: Final = "https"
TCP: Final = "tcp"
TLS: Final = "tls"
LISTENERS: Final = {ALB: (HTTPS,), NLB: (TCP, TLS), SHARED: (HTTPS,)}
HEALTH_CHECKS: Final = {ALB: ("http",), NLB: ("tcp", "http"), SHARED: ("http",)}
# The ALB's HTTP listener on this port only redirects to HTTPS.
HTTP_REDIRECT_PORT: Final = 80

IMAGE_ECR: Final = "ecr"
IMAGE_ECR_CROSS_ACCOUNT: Final = "ecr_cross_account"
IMAGE_THIRD_PARTY: Final = "third_party"
IMAGE_PULL_THROUGH_CACHE: Final = "pull_through_cache"
IMAGE_SOURCES: Final = (IMAGE_ECR, IMAGE_ECR_CROSS_ACCOUNT, IMAGE_THIRD_PARTY, IMAGE_PULL_THROUGH_CACHE)
# Sources served by this Region's ECR: reachable through the ECR VPC endpoints, no NAT needed.
ECR_IMAGE_SOURCES: Final = (IMAGE_ECR, IMAGE_ECR_CROSS_ACCOUNT, IMAGE_PULL_THROUGH_CACHE)
DEFAULT_CACHE_PREFIX: Final = "docker-hub"

PLATFORM_VERSIONS: Final = ("1.4.0", "LATEST")
CPU_ARCHITECTURES: Final = ("X86_64", "ARM64")

HTTPS_PORT: Final = 443
_GIB = 1024
# Fargate's valid task sizes: CPU units -> memory (MiB) choices.
FARGATE_MEMORY: Final[dict[int, tuple[int, ...]]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1 * _GIB, 4 * _GIB + 1, _GIB)),
    1024: tuple(range(2 * _GIB, 8 * _GIB + 1, _GIB)),
    2048: tuple(range(4 * _GIB, 16 * _GIB + 1, _GIB)),
    4096: tuple(range(8 * _GIB, 30 * _GIB + 1, _GIB)),
    8192: tuple(range(16 * _GIB, 60 * _GIB + 1, 4 * _GIB)),
    16384: tuple(range(32 * _GIB, 120 * _GIB + 1, 8 * _GIB)),
}

# Values ECS would hand to the container in clear text; Security Hub ECS.8 wants them as secrets.
CREDENTIAL_ENVIRONMENT_NAMES: Final = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "ECS_ENGINE_AUTH_DATA")


def fargate_memory(cpu: object, memory: object) -> None:
    """Raises ConfigError unless (cpu, memory) is a Fargate task size; the message lists the valid memory."""
    if cpu not in FARGATE_MEMORY or isinstance(cpu, bool):
        raise ConfigError(f"cpu: {cpu!r} is not a Fargate CPU value; allowed {', '.join(map(str, FARGATE_MEMORY))}")
    if memory not in FARGATE_MEMORY[cpu] or isinstance(memory, bool):
        valid = ", ".join(map(str, FARGATE_MEMORY[cpu]))
        raise ConfigError(f"memory: {memory!r} is not valid with cpu {cpu}; allowed memory (MiB): {valid}")


@dataclass(frozen=True)
class ImageOptions:
    """Where the task's image comes from (``[services.image]``).

    Attributes:
        source: ``ecr`` (default: this account's ECR), ``ecr_cross_account``, ``third_party`` (a private registry
            outside AWS, needs NAT) or ``pull_through_cache`` (a third-party image cached in this account's ECR by a
            pull-through cache rule, reachable through the ECR endpoints).
        repository: ECR repository, default of ``RepositoryName`` (default ``app``); with ``pull_through_cache`` the
            upstream repository, for example ``library/nginx``.
        tag: default of the ``ImageTag`` parameter (default ``latest``).
        registry_account_id: account that owns the ECR repository, required for ``ecr_cross_account`` (default none).
        cache_prefix: ``pull_through_cache`` only: the cache rule's ECR repository prefix, default of
            ``PullThroughCachePrefix`` (default ``docker-hub``).
        cache_prewarmed: ``pull_through_cache`` only: each image tag is pulled once through the cache from outside
            the VPC (for example by CI) before tasks start (default False). ECR's first pull of an image through
            interface endpoints needs NAT; with this set, a network without NAT is accepted.
        uri: default of the ``ImageUri`` parameter for ``third_party`` (default none: asked at deploy time).
        credentials_secret_arn: default of ``RegistryCredentialsSecretArn`` for ``third_party`` (a Secrets Manager
            ARN; default none: the parameter is empty and no credentials are used).
    """

    source: str = IMAGE_ECR
    repository: str = "app"
    tag: str = "latest"
    registry_account_id: str | None = None
    cache_prefix: str | None = None
    cache_prewarmed: bool = False
    uri: str | None = None
    credentials_secret_arn: str | None = None

    def __post_init__(self) -> None:
        source = v.one_of("image.source", self.source, IMAGE_SOURCES)
        if source in ECR_IMAGE_SOURCES:
            v.pattern("image.repository", self.repository, REPOSITORY, "an ECR repository name (lowercase)")
        if source == IMAGE_PULL_THROUGH_CACHE:
            prefix = DEFAULT_CACHE_PREFIX if self.cache_prefix is None else self.cache_prefix
            object.__setattr__(self, "cache_prefix", v.cache_prefix("image.cache_prefix", prefix))
            v.boolean("image.cache_prewarmed", self.cache_prewarmed)
        elif self.cache_prefix is not None or self.cache_prewarmed is not False:
            name = "cache_prefix" if self.cache_prefix is not None else "cache_prewarmed"
            raise ConfigError(f"image.{name}: only used with image.source 'pull_through_cache', not {source!r}")
        v.pattern("image.tag", self.tag, IMAGE_TAG, "letters, digits, _ . -, at most 128 characters")
        if source == IMAGE_ECR_CROSS_ACCOUNT:
            if self.registry_account_id is None:
                raise ConfigError("image.registry_account_id: required when image.source is 'ecr_cross_account'")
            v.pattern("image.registry_account_id", self.registry_account_id, ACCOUNT_ID, "a 12-digit AWS account ID")
        elif self.registry_account_id is not None:
            raise ConfigError(
                f"image.registry_account_id: only used with image.source 'ecr_cross_account', not {source!r}"
            )
        if source != IMAGE_THIRD_PARTY:
            for name in ("uri", "credentials_secret_arn"):
                if getattr(self, name) is not None:
                    raise ConfigError(f"image.{name}: only used with image.source 'third_party', not {source!r}")
            return
        if self.uri is not None:
            v.pattern(
                "image.uri", self.uri, IMAGE_URI, "a full image reference like ghcr.io/org/app:1.0 (host/path:tag)"
            )
        if self.credentials_secret_arn is not None:
            v.pattern(
                "image.credentials_secret_arn",
                self.credentials_secret_arn,
                SECRET_ARN,
                "a whole Secrets Manager secret ARN (arn:<partition>:secretsmanager:<region>:<account>:secret:<name>)",
            )


@dataclass(frozen=True)
class ContainerOptions:
    """The application container (``[services.container]``).

    Attributes:
        name: the container's name in the task definition (default ``app``).
        port: port the container listens on (default 8080).
        environment: plain environment variables (default none); never credentials.
        secrets: container secrets as name -> Secrets Manager or SSM Parameter Store ARN (default none).
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
        object.__setattr__(self, "environment", v.pairs("container.environment", self.environment))
        object.__setattr__(self, "secrets", v.pairs("container.secrets", self.secrets))
        for name, _ in self.environment:
            if name in CREDENTIAL_ENVIRONMENT_NAMES:
                raise ConfigError(f"container.environment: {name!r} carries credentials; pass it in secrets instead")
        for name, arn in self.secrets:
            if not (SECRETS_MANAGER_ARN.fullmatch(arn) or SSM_PARAMETER_ARN.fullmatch(arn)):
                raise ConfigError(
                    f"container.secrets: {name!r} = {arn!r} is not a Secrets Manager or SSM Parameter Store ARN "
                    "(arn:aws:secretsmanager:...:secret:... or arn:aws:ssm:...:parameter/...)"
                )
        both = {n for n, _ in self.environment} & {n for n, _ in self.secrets}
        if both:
            raise ConfigError(
                f"container.environment, container.secrets: {sorted(both)} given in both; a name may be only one"
            )
        v.boolean("container.readonly_root_filesystem", self.readonly_root_filesystem)

    @property
    def secrets_manager_arns(self) -> list[str]:
        return [arn for _, arn in self.secrets if SECRETS_MANAGER_ARN.fullmatch(arn)]

    @property
    def ssm_parameter_arns(self) -> list[str]:
        return [arn for _, arn in self.secrets if SSM_PARAMETER_ARN.fullmatch(arn)]


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
class LoadBalancerOptions:
    """The load balancer in front of the service (``[services.load_balancer]``).

    Attributes:
        kind: ``alb`` (default: an ALB of the service's own), ``nlb`` (an NLB of its own) or ``shared`` (a listener
            rule on the HTTPS listener of a shared front-door stack, see ``build_ingress``; routed by
            ``RoutingOptions``).
        listener_protocol: ``https`` for an ALB (with an HTTP listener that only redirects); ``tcp`` or ``tls`` for
            an NLB (default ``https`` for an ALB and a shared front door, ``tcp`` for an NLB).
        listener_port: public port (default 443 for https and tls, 80 for tcp); a shared front door's is 443.
        certificate_arn: default of the ``CertificateArn`` parameter for https/tls (default none: asked at deploy
            time); with ``shared``, the default of ``ExtraCertificateArn``, a certificate added to the shared
            listener for this service's host names (SNI).
        deletion_protection: default of the ``DeletionProtection`` parameter (default False); not with ``shared``
            (the front door has its own).
    """

    kind: str = ALB
    listener_protocol: str | None = None
    listener_port: int | None = None
    certificate_arn: str | None = None
    deletion_protection: bool = False

    def __post_init__(self) -> None:
        kind = v.one_of("load_balancer.kind", self.kind, LOAD_BALANCERS)
        protocol = self.listener_protocol or LISTENERS[kind][0]
        if protocol not in LISTENERS[kind]:
            raise ConfigError(
                f"load_balancer.listener_protocol: {protocol!r} is not allowed with load_balancer.kind {kind!r}; "
                f"allowed: {', '.join(LISTENERS[kind])}"
            )
        object.__setattr__(self, "listener_protocol", protocol)
        if kind == SHARED and self.listener_port not in (None, HTTPS_PORT):
            raise ConfigError(
                f"load_balancer.listener_port: {self.listener_port!r} is not allowed with load_balancer.kind "
                f"'shared'; the shared front door listens on {HTTPS_PORT}"
            )
        if kind == SHARED and self.deletion_protection is not False:
            raise ConfigError(
                "load_balancer.deletion_protection: not used with load_balancer.kind 'shared'; the front-door stack "
                "has its own DeletionProtection parameter"
            )
        port = self.listener_port if self.listener_port is not None else (80 if protocol == TCP else 443)
        object.__setattr__(self, "listener_port", v.int_between("load_balancer.listener_port", port, 1, 65535))
        if kind in (ALB, SHARED) and self.listener_port == HTTP_REDIRECT_PORT:
            raise ConfigError(
                "load_balancer.listener_port: 80 is taken by the ALB's HTTP-to-HTTPS redirect; choose another port"
            )
        if self.certificate_arn is not None:
            if not self.uses_certificate:
                raise ConfigError(
                    f"load_balancer.certificate_arn: given, but load_balancer.listener_protocol {protocol!r} takes no "
                    f"certificate; use 'tls' or leave certificate_arn unset"
                )
            v.pattern(
                "load_balancer.certificate_arn",
                self.certificate_arn,
                CERTIFICATE_ARN,
                f"the {protocol.upper()} listener needs an ACM certificate ARN "
                "(arn:aws:acm:<region>:<account>:certificate/<id>), or leave it unset to ask at deploy time",
            )
        v.boolean("load_balancer.deletion_protection", self.deletion_protection)

    @property
    def uses_certificate(self) -> bool:
        return self.listener_protocol in (HTTPS, TLS)

    @property
    def public_ports(self) -> list[int]:
        """The ports open to the internet: the listener's, and the ALB's redirect."""
        return [self.listener_port, HTTP_REDIRECT_PORT] if self.kind in (ALB, SHARED) else [self.listener_port]

    @property
    def is_application(self) -> bool:
        """An ALB, the service's own or the shared front door: HTTP health checks, request-count scaling."""
        return self.kind in (ALB, SHARED)


# Listener rule limits, from "Condition types for listener rules" and "Quotas for your Application Load Balancers":
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
MAX_VALUES_PER_CONDITION: Final = 3
MAX_VALUES_PER_RULE: Final = 5
RULE_PRIORITIES: Final = (1, 50_000)


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
            file renders the front door and its services together, so that priorities are unique, stable when
            services come and go, and more specific rules come first; a service built alone asks at deploy time).
        front_door: default of the ``IngressStackName`` parameter: the front-door stack's name (default
            ``fargate-ingress``).
    """

    hosts: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    priority: int | None = None
    front_door: str = "fargate-ingress"

    def __post_init__(self) -> None:
        for name, pattern, allowed in (
            ("hosts", HOST_HEADER, "a host name of a-z A-Z 0-9 - _ . * ? with a dot, ending in a letter or digit"),
            ("paths", PATH_PATTERN, "a path of up to 128 of a-z A-Z 0-9 _ - . $ / ~ \" ' @ : + & * ?"),
        ):
            values = getattr(self, name)
            if isinstance(values, str) or not isinstance(values, (tuple, list)):
                raise ConfigError(f"routing.{name}: {values!r} is not a list of strings")
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
        if self.priority is not None:
            v.int_between("routing.priority", self.priority, *RULE_PRIORITIES)
        v.pattern("routing.front_door", self.front_door, STACK_NAME, "a CloudFormation stack name")

    @property
    def is_set(self) -> bool:
        return bool(self.hosts or self.paths or self.priority is not None)


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
        egress_ports: TCP ports the tasks may open to any address (default ``(443,)``: registry, logs, AWS APIs).
        log_retention_days: default of the ``LogRetentionInDays`` parameter (default 30).
        tags: extra tags for every taggable resource (default none).
        image: where the image comes from, an ``ImageOptions`` (default: repository ``app`` in this account's ECR).
        container: the application container, a ``ContainerOptions`` (default: ``app`` on port 8080).
        health_check: the target group's health check, a ``HealthCheckOptions`` (default: HTTP ``/`` every 30 s).
        load_balancer: the load balancer, a ``LoadBalancerOptions`` (default: an HTTPS ALB of the service's own).
        routing: with a shared front door, which hosts and paths reach the service, a ``RoutingOptions``
            (default: none; required with ``load_balancer.kind = "shared"``).
        scaling: autoscaling, a ``ScalingOptions`` (default: 2-4 tasks at 70% CPU).
    """

    name: str = "app"
    cpu: int = 256
    memory: int = 512
    cpu_architecture: str = "X86_64"
    platform_version: str = "1.4.0"
    enable_exec: bool = False
    egress_ports: tuple[int, ...] = (HTTPS_PORT,)
    log_retention_days: int = 30
    tags: tuple[tuple[str, str], ...] = field(default=())
    image: ImageOptions = field(default_factory=ImageOptions)
    container: ContainerOptions = field(default_factory=ContainerOptions)
    health_check: HealthCheckOptions = field(default_factory=HealthCheckOptions)
    load_balancer: LoadBalancerOptions = field(default_factory=LoadBalancerOptions)
    routing: RoutingOptions = field(default_factory=RoutingOptions)
    scaling: ScalingOptions = field(default_factory=ScalingOptions)

    def __post_init__(self) -> None:
        v.pattern("name", self.name, NAME, "lowercase letters, digits and hyphens, starting with a letter, max 32")
        fargate_memory(self.cpu, self.memory)
        v.one_of("cpu_architecture", self.cpu_architecture, CPU_ARCHITECTURES)
        v.one_of("platform_version", self.platform_version, PLATFORM_VERSIONS)
        v.boolean("enable_exec", self.enable_exec)
        self._validate_egress_ports()
        v.log_retention("log_retention_days", self.log_retention_days)
        object.__setattr__(self, "tags", v.tags("tags", self.tags))
        for name, group in GROUPS.items():
            if not isinstance(getattr(self, name), group):
                raise ConfigError(f"{name}: {getattr(self, name)!r} is not a {group.__name__}")
        self._validate_combinations()

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
