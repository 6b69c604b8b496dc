"""Typed configuration of one Fargate service stack."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from . import validators as v
from .errors import ConfigError

ALB: Final = "alb"
NLB: Final = "nlb"
LOAD_BALANCERS: Final = (ALB, NLB)

HTTPS: Final = "https"
TCP: Final = "tcp"
TLS: Final = "tls"
LISTENERS: Final = {ALB: (HTTPS,), NLB: (TCP, TLS)}
HEALTH_CHECKS: Final = {ALB: ("http",), NLB: ("tcp", "http")}

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

# Patterns shared by the config checks and the template parameters, so a value one accepts the other accepts.
SECRETS_MANAGER_ARN = re.compile(r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+(:.*)?$")
# A whole secret, no JSON-key suffix: what RepositoryCredentials takes.
SECRET_ARN = re.compile(r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$")
SSM_PARAMETER_ARN = re.compile(r"^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter/[A-Za-z0-9/_.-]+$")
CERTIFICATE_ARN = re.compile(r"^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]{36}$")
ACCOUNT_ID = re.compile(r"^\d{12}$")
REPOSITORY = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$")
IMAGE_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
IMAGE_URI = re.compile(
    r"^[a-z0-9.-]+(:[0-9]+)?/[A-Za-z0-9._/-]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$"
)
CACHE_PREFIX = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$")
CACHE_PREFIX_LENGTH: Final = (2, 30)
_NAME = re.compile(r"^[a-z][a-z0-9-]{0,31}$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,254}$")
_HEALTH_PATH = re.compile(r"^/[A-Za-z0-9/_.~%&=?+-]{0,1023}$")


def _pattern(field_name: str, value: object, pattern: re.Pattern[str], allowed: str) -> str:
    if not isinstance(value, str) or not pattern.match(value):
        raise ConfigError(f"{field_name}: {value!r} is not allowed; {allowed}")
    return value


def cache_prefix(field_name: str, value: object) -> str:
    """A pull-through cache rule's repository prefix: what ECR and the template parameter accept."""
    low, high = CACHE_PREFIX_LENGTH
    if not isinstance(value, str) or not CACHE_PREFIX.match(value) or not low <= len(value) <= high:
        raise ConfigError(
            f"{field_name}: {value!r} is not allowed; {low}-{high} lowercase letters, digits and . _ - separators"
        )
    return value


def _pairs(field_name: str, value: object) -> tuple[tuple[str, str], ...]:
    """A mapping or (name, value) pairs, kept in the given order (it is the container's order)."""
    items = value.items() if isinstance(value, dict) else value
    if not isinstance(items, (tuple, list, type({}.items()))):
        raise ConfigError(f"{field_name}: {value!r} is not a mapping of names to values")
    pairs = []
    for item in items:
        if not (isinstance(item, (tuple, list)) and len(item) == 2 and all(isinstance(x, str) for x in item)):
            raise ConfigError(f"{field_name}: {item!r} is not a (name, string value) pair")
        name = _pattern(field_name, item[0], _ENV_NAME, "names are letters, digits and _, not starting with a digit")
        if name in (p[0] for p in pairs):
            raise ConfigError(f"{field_name}: {name!r} is given twice")
        pairs.append((name, item[1]))
    return tuple(pairs)


def _allowed_with_load_balancer(
    field_name: str, value: str | None, kind: str, allowed_by_kind: dict[str, tuple[str, ...]]
) -> str:
    """``value`` (default: the first allowed) if the load balancer kind takes it; the message names both fields."""
    chosen = value or allowed_by_kind[kind][0]
    if chosen not in allowed_by_kind[kind]:
        allowed = ", ".join(allowed_by_kind[kind])
        raise ConfigError(f"{field_name}: {chosen!r} is not allowed with load_balancer {kind!r}; allowed: {allowed}")
    return chosen


def fargate_memory(cpu: object, memory: object) -> None:
    """Raises ConfigError unless (cpu, memory) is a Fargate task size; the message lists the valid memory."""
    if cpu not in FARGATE_MEMORY or isinstance(cpu, bool):
        raise ConfigError(f"cpu: {cpu!r} is not a Fargate CPU value; allowed {', '.join(map(str, FARGATE_MEMORY))}")
    if memory not in FARGATE_MEMORY[cpu] or isinstance(memory, bool):
        valid = ", ".join(map(str, FARGATE_MEMORY[cpu]))
        raise ConfigError(f"memory: {memory!r} is not valid with cpu {cpu}; allowed memory (MiB): {valid}")


@dataclass(frozen=True)
class ServiceConfig:
    """One Fargate service behind a public load balancer, its tasks only in private subnets.

    Attributes:
        name: short service name for descriptions, log stream prefixes and tags (default ``app``).
        container_name: the container's name in the task definition (default ``app``).
        container_port: port the container listens on (default 8080).
        cpu: task CPU units (default 256); one of Fargate's values.
        memory: task memory in MiB (default 512); valid for ``cpu`` (Fargate's pairs).
        cpu_architecture: ``X86_64`` (default) or ``ARM64`` (Graviton, about 20% cheaper).
        platform_version: Fargate platform version, written out (default ``1.4.0``).
        desired_count: default of the ``DesiredCount`` parameter, between min and max capacity (default none: the
            parameter is empty and autoscaling owns the count; a value is re-applied by every stack update).
        health_check_path: HTTP health check path (default ``/``).
        health_check_interval: seconds between health checks (default 30, allowed 5-300).
        health_check_grace_period: seconds ECS ignores failing health checks after a task starts (default 60).
        log_retention_days: default of the ``LogRetentionInDays`` parameter (default 30).
        load_balancer: ``alb`` (default) or ``nlb``.
        listener_protocol: ``https`` for an ALB (with an HTTP listener that only redirects); ``tcp`` or ``tls``
            for an NLB. Default: ``https`` for an ALB, ``tcp`` for an NLB.
        listener_port: public port (default 443 for https and tls, 80 for tcp).
        health_check_protocol: ``http`` (ALB, default) or ``tcp`` (NLB default) / ``http`` (NLB).
        certificate_arn: default of the ``CertificateArn`` parameter for https/tls (default none: asked at
            deploy time).
        image_source: ``ecr`` (default: this account's ECR), ``ecr_cross_account``, ``third_party`` (a private
            registry outside AWS, needs NAT) or ``pull_through_cache`` (a third-party image cached in this
            account's ECR by a pull-through cache rule, reachable through the ECR endpoints).
        repository_name: ECR repository, default of ``RepositoryName`` (default ``app``); with
            ``pull_through_cache`` the upstream repository, for example ``library/nginx``.
        cache_prefix: ``pull_through_cache`` only: the cache rule's ECR repository prefix, default of
            ``PullThroughCachePrefix`` (default ``docker-hub``).
        image_tag: default of the ``ImageTag`` parameter (default ``latest``).
        registry_account_id: account that owns the ECR repository, required for ``ecr_cross_account``.
        cache_prewarmed: ``pull_through_cache`` only: each image tag is pulled once through the cache from outside
            the VPC (for example by CI) before tasks start (default False). ECR's first pull of an image through
            interface endpoints needs NAT; with this set, a network without NAT is accepted.
        image_uri: default of the ``ImageUri`` parameter for ``third_party`` (default none: asked at deploy time).
        registry_credentials_secret_arn: default of ``RegistryCredentialsSecretArn`` for ``third_party``
            (a Secrets Manager ARN; default none: the parameter is empty and no credentials are used).
        environment: plain environment variables (default none); never credentials.
        secrets: container secrets as name -> Secrets Manager or SSM Parameter Store ARN (default none).
        min_capacity: autoscaling minimum task count (default 2).
        max_capacity: autoscaling maximum task count (default 4).
        target_cpu_utilization: autoscaling target average CPU percent (default 70, allowed 10-90).
        target_requests_per_target: ALB only: also scale on request count per target (default none).
        readonly_root_filesystem: read-only root filesystem with a writable ``/tmp`` volume (default True).
        enable_exec: ECS Exec (default False).
        egress_ports: TCP ports the tasks may open to any address (default ``(443,)``: registry, logs, AWS APIs).
        deletion_protection: default of the ``DeletionProtection`` parameter (default False).
        tags: extra tags for every taggable resource (default none).
    """

    name: str = "app"
    container_name: str = "app"
    container_port: int = 8080
    cpu: int = 256
    memory: int = 512
    cpu_architecture: str = "X86_64"
    platform_version: str = "1.4.0"
    desired_count: int | None = None
    health_check_path: str = "/"
    health_check_interval: int = 30
    health_check_grace_period: int = 60
    log_retention_days: int = 30
    load_balancer: str = ALB
    listener_protocol: str | None = None
    listener_port: int | None = None
    health_check_protocol: str | None = None
    certificate_arn: str | None = None
    image_source: str = IMAGE_ECR
    repository_name: str = "app"
    image_tag: str = "latest"
    registry_account_id: str | None = None
    cache_prefix: str | None = None
    cache_prewarmed: bool = False
    image_uri: str | None = None
    registry_credentials_secret_arn: str | None = None
    environment: tuple[tuple[str, str], ...] = field(default=())
    secrets: tuple[tuple[str, str], ...] = field(default=())
    min_capacity: int = 2
    max_capacity: int = 4
    target_cpu_utilization: int = 70
    target_requests_per_target: int | None = None
    readonly_root_filesystem: bool = True
    enable_exec: bool = False
    egress_ports: tuple[int, ...] = (443,)
    deletion_protection: bool = False
    tags: tuple[tuple[str, str], ...] = field(default=())

    def __post_init__(self) -> None:
        set_ = object.__setattr__  # frozen: normalised values are stored once, here
        _pattern("name", self.name, _NAME, "lowercase letters, digits and hyphens, starting with a letter, max 32")
        _pattern("container_name", self.container_name, _NAME, "lowercase letters, digits and hyphens, max 32")
        v.int_between("container_port", self.container_port, 1, 65535)
        fargate_memory(self.cpu, self.memory)
        v.one_of("cpu_architecture", self.cpu_architecture, CPU_ARCHITECTURES)
        v.one_of("platform_version", self.platform_version, PLATFORM_VERSIONS)
        v.int_between("health_check_interval", self.health_check_interval, 5, 300)
        v.int_between("health_check_grace_period", self.health_check_grace_period, 0, 7200)
        _pattern("health_check_path", self.health_check_path, _HEALTH_PATH, "a URL path starting with /")
        v.log_retention("log_retention_days", self.log_retention_days)
        self._validate_load_balancer()
        self._validate_image()
        set_(self, "environment", _pairs("environment", self.environment))
        set_(self, "secrets", _pairs("secrets", self.secrets))
        self._validate_environment_and_secrets()
        self._validate_scaling()
        v.boolean("readonly_root_filesystem", self.readonly_root_filesystem)
        v.boolean("enable_exec", self.enable_exec)
        v.boolean("deletion_protection", self.deletion_protection)
        if not isinstance(self.egress_ports, (tuple, list)) or not self.egress_ports:
            raise ConfigError(f"egress_ports: {self.egress_ports!r} must list at least one port (443 for the registry)")
        set_(self, "egress_ports", tuple(v.int_between("egress_ports", p, 1, 65535) for p in self.egress_ports))
        if HTTPS_PORT not in self.egress_ports:
            raise ConfigError(
                f"egress_ports: {self.egress_ports!r} lacks 443, which the tasks need for the image registry, "
                "CloudWatch Logs and AWS APIs; add 443"
            )
        set_(self, "tags", v.tags("tags", self.tags))

    def _validate_load_balancer(self) -> None:
        kind = v.one_of("load_balancer", self.load_balancer, LOAD_BALANCERS)
        protocol = _allowed_with_load_balancer("listener_protocol", self.listener_protocol, kind, LISTENERS)
        object.__setattr__(self, "listener_protocol", protocol)
        port = self.listener_port if self.listener_port is not None else (80 if protocol == TCP else 443)
        object.__setattr__(self, "listener_port", v.int_between("listener_port", port, 1, 65535))
        if kind == ALB and self.listener_port == 80:
            raise ConfigError("listener_port: 80 is taken by the ALB's HTTP-to-HTTPS redirect; choose another port")
        health = _allowed_with_load_balancer("health_check_protocol", self.health_check_protocol, kind, HEALTH_CHECKS)
        object.__setattr__(self, "health_check_protocol", health)
        if self.certificate_arn is not None:
            if not self.uses_certificate:
                raise ConfigError(
                    f"certificate_arn: given, but listener_protocol {protocol!r} takes no certificate; "
                    f"use 'tls' or leave certificate_arn unset"
                )
            _pattern(
                "certificate_arn",
                self.certificate_arn,
                CERTIFICATE_ARN,
                f"the {protocol.upper()} listener needs an ACM certificate ARN "
                "(arn:aws:acm:<region>:<account>:certificate/<id>), or leave it unset to ask at deploy time",
            )

    def _validate_image(self) -> None:
        source = v.one_of("image_source", self.image_source, IMAGE_SOURCES)
        if source in ECR_IMAGE_SOURCES:
            _pattern("repository_name", self.repository_name, REPOSITORY, "an ECR repository name (lowercase)")
        if source == IMAGE_PULL_THROUGH_CACHE:
            prefix = DEFAULT_CACHE_PREFIX if self.cache_prefix is None else self.cache_prefix
            object.__setattr__(self, "cache_prefix", cache_prefix("cache_prefix", prefix))
            v.boolean("cache_prewarmed", self.cache_prewarmed)
        elif self.cache_prefix is not None or self.cache_prewarmed is not False:
            name = "cache_prefix" if self.cache_prefix is not None else "cache_prewarmed"
            raise ConfigError(f"{name}: only used with image_source 'pull_through_cache', not {source!r}")
        _pattern("image_tag", self.image_tag, IMAGE_TAG, "letters, digits, _ . -, at most 128 characters")
        if source == IMAGE_ECR_CROSS_ACCOUNT:
            if self.registry_account_id is None:
                raise ConfigError("registry_account_id: required when image_source is 'ecr_cross_account'")
            _pattern("registry_account_id", self.registry_account_id, ACCOUNT_ID, "a 12-digit AWS account ID")
        elif self.registry_account_id is not None:
            raise ConfigError(f"registry_account_id: only used with image_source 'ecr_cross_account', not {source!r}")
        third_party_fields = {
            "image_uri": self.image_uri,
            "registry_credentials_secret_arn": self.registry_credentials_secret_arn,
        }
        if source != IMAGE_THIRD_PARTY:
            for name, value in third_party_fields.items():
                if value is not None:
                    raise ConfigError(f"{name}: only used with image_source 'third_party', not {source!r}")
            return
        if self.image_uri is not None:
            _pattern(
                "image_uri",
                self.image_uri,
                IMAGE_URI,
                "a full image reference like ghcr.io/org/app:1.0 (host/path:tag)",
            )
        if self.registry_credentials_secret_arn is not None:
            _pattern(
                "registry_credentials_secret_arn",
                self.registry_credentials_secret_arn,
                SECRET_ARN,
                "a whole Secrets Manager secret ARN (arn:<partition>:secretsmanager:<region>:<account>:secret:<name>)",
            )

    def _validate_environment_and_secrets(self) -> None:
        for name, _ in self.environment:
            if name in CREDENTIAL_ENVIRONMENT_NAMES:
                raise ConfigError(f"environment: {name!r} carries credentials; pass it in secrets instead")
        for name, arn in self.secrets:
            if not (SECRETS_MANAGER_ARN.match(arn) or SSM_PARAMETER_ARN.match(arn)):
                raise ConfigError(
                    f"secrets: {name!r} = {arn!r} is not a Secrets Manager or SSM Parameter Store ARN "
                    "(arn:aws:secretsmanager:...:secret:... or arn:aws:ssm:...:parameter/...)"
                )
        both = {n for n, _ in self.environment} & {n for n, _ in self.secrets}
        if both:
            raise ConfigError(f"environment, secrets: {sorted(both)} given in both; a name may be only one")

    def _validate_scaling(self) -> None:
        v.int_between("min_capacity", self.min_capacity, 0, 1000)
        v.int_between("max_capacity", self.max_capacity, 1, 1000)
        if self.min_capacity > self.max_capacity:
            raise ConfigError(
                f"min_capacity, max_capacity: min_capacity {self.min_capacity} is above max_capacity "
                f"{self.max_capacity}"
            )
        if self.desired_count is not None:
            v.int_between("desired_count", self.desired_count, 0, 1000)
            if not self.min_capacity <= self.desired_count <= self.max_capacity:
                raise ConfigError(
                    f"desired_count: {self.desired_count} is outside min_capacity {self.min_capacity} to "
                    f"max_capacity {self.max_capacity}"
                )
        v.int_between("target_cpu_utilization", self.target_cpu_utilization, 10, 90)
        if self.target_requests_per_target is not None:
            if self.load_balancer != ALB:
                raise ConfigError(
                    f"target_requests_per_target: request-count scaling needs an ALB, not load_balancer "
                    f"{self.load_balancer!r}"
                )
            v.int_between("target_requests_per_target", self.target_requests_per_target, 1, 100_000)

    @property
    def uses_certificate(self) -> bool:
        return self.listener_protocol in (HTTPS, TLS)

    @property
    def secrets_manager_arns(self) -> list[str]:
        return [arn for _, arn in self.secrets if SECRETS_MANAGER_ARN.match(arn)]

    @property
    def ssm_parameter_arns(self) -> list[str]:
        return [arn for _, arn in self.secrets if SSM_PARAMETER_ARN.match(arn)]
