"""Typed configuration of the network stack."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Final

from ..errors import ConfigError
from . import validators as v
from .settings import Between, Custom, Flag, OneOf, Retention, Tags, check_settings, setting

NAT_PER_AZ: Final = "per_az"
NAT_SINGLE: Final = "single"
NAT_REGIONAL: Final = "regional"
NAT_NONE: Final = "none"
NAT_MODES: Final = (NAT_PER_AZ, NAT_SINGLE, NAT_REGIONAL, NAT_NONE)

# VPC endpoints by their service-name suffix: S3 is a gateway endpoint (free, on the route tables), the rest are
# interface endpoints (an ENI per private subnet, billed per hour and GB).
S3_GATEWAY: Final = "s3"
INTERFACE_ENDPOINTS: Final = ("ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm", "ssmmessages", "sts")
ENDPOINTS: Final = (S3_GATEWAY, *INTERFACE_ENDPOINTS)
# What a task needs to pull from ECR (the manifest API, the Docker endpoint, and S3 for the layers) and ship logs.
ECR_PULL_ENDPOINTS: Final = (S3_GATEWAY, "ecr.api", "ecr.dkr")
ENDPOINT_PRESETS: Final = {"none": (), "ecr": (*ECR_PULL_ENDPOINTS, "logs")}

MIN_AZS: Final = 2
MAX_AZS: Final = 6
# The subnet plan, fixed for MAX_AZS so that adding an AZ only adds subnets. Private subnets take eighths of the
# VPC (AZ k: eighth k-1, six of eight), public subnets 64ths inside the seventh eighth (AZ k: 64th 48+k-1); the
# last eighth and two public slots stay free for later tiers.
PRIVATE_SLOT_BITS: Final = 3
PUBLIC_SLOT_BITS: Final = 6
FIRST_PUBLIC_SLOT: Final = 6 * 2 ** (PUBLIC_SLOT_BITS - PRIVATE_SLOT_BITS)
# A load balancer subnet needs at least a /27 with 8 free addresses:
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#subnets-load-balancer
MIN_SUBNET_PREFIX: Final = 27
# /16 is the largest VPC AWS allows; /21 is the smallest range whose public subnets are still /27.
MIN_VPC_PREFIX: Final = 16
MAX_VPC_PREFIX: Final = MIN_SUBNET_PREFIX - PUBLIC_SLOT_BITS
# The largest prefix (smallest VPC) EC2 accepts.
EC2_MAX_VPC_PREFIX: Final = 28

# RAM principals a network can share its subnets with: account IDs, an organization or an OU.
_ACCOUNT_ID = re.compile(r"^[0-9]{12}$")
_ORGANIZATION_ARN = re.compile(r"^arn:aws[a-z-]*:organizations::[0-9]{12}:organization/(o-[a-z0-9]{10,32})$")
_OU_ARN = re.compile(
    r"^arn:aws[a-z-]*:organizations::[0-9]{12}:ou/(o-[a-z0-9]{10,32})/(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32})$"
)


@dataclass(frozen=True)
class SubnetSlot:
    """One AZ's place in the plan: the same whatever the AZ count."""

    zone_number: int
    public: ipaddress.IPv4Network
    private: ipaddress.IPv4Network


def subnet_plan(vpc_cidr: str, az_count: int = MAX_AZS) -> list[SubnetSlot]:
    """The subnets of AZ 1 to ``az_count`` in a VPC: what the template's ``Fn::Cidr`` expressions compute."""
    vpc = ipaddress.IPv4Network(vpc_cidr)
    private = list(vpc.subnets(prefixlen_diff=PRIVATE_SLOT_BITS))
    public = list(vpc.subnets(prefixlen_diff=PUBLIC_SLOT_BITS))
    return [SubnetSlot(k + 1, public[FIRST_PUBLIC_SLOT + k], private[k]) for k in range(az_count)]


@dataclass(frozen=True)
class NetworkConfig:
    """The shape of one network stack. Everything that does not change the shape is a template parameter.

    Attributes:
        vpc_cidr: default of the ``VpcCidr`` parameter (default ``10.0.0.0/16``). Its prefix is fixed in the
            template (the parameter only accepts that prefix) so the subnet plan always fits.
        az_count: availability zones, one public and one private subnet in each (default 2, allowed 2-6).
        nat_mode: ``per_az`` (default: one NAT gateway per AZ), ``single`` (one NAT gateway for all AZs),
            ``regional`` (one regional NAT gateway spanning the AZs) or ``none`` (no internet egress: private
            subnets are isolated and reach AWS only through VPC endpoints).
        flow_logs: VPC flow logs to CloudWatch Logs (default True).
        flow_log_retention_days: default of the ``FlowLogRetentionInDays`` parameter (default 90).
        endpoints: VPC endpoints to create: a preset name (``none``, the default; ``ecr``: s3, ecr.api, ecr.dkr
            and logs) or names from s3, ecr.api, ecr.dkr, logs, secretsmanager, ssm, ssmmessages, sts.
        tags: extra tags for every taggable resource, as a mapping or (key, value) pairs (default none).
        share_with: AWS RAM principals to share the public and private subnets with: 12-digit account IDs, an
            organization ARN or OU ARNs (default none: no sharing). They must be in this account's organization.
        fargate_spot: no longer has an effect (default False, still accepted: config keys are a contract). Every
            network's cluster now offers FARGATE and, in the partitions where Fargate Spot is documented, FARGATE_SPOT
            (``layers/blocks/capacity.py``), so a Spot service runs in any network, however it was rendered.
        output_reader_role: a role those principals may assume to read this stack's outputs (only
            ``cloudformation:DescribeStacks`` on this stack), for their ``Fn::GetStackOutput`` (default False;
            needs ``share_with``).
        ipv6: an Amazon-provided IPv6 block for the VPC, an IPv6 /64 in each public subnet and a ``::/0`` route to
            the internet gateway, for dual-stack load balancers (default False). The tasks stay IPv4-only in the
            private subnets.
        ipv6_egress: IPv6 /64s in the private subnets too, assigned to the tasks' network interfaces, and ``::/0``
            from the private route tables to an egress-only internet gateway: the tasks open IPv6 connections out,
            and nothing on the internet can open one to them (default False; needs ``ipv6``, and the ECS account
            setting ``dualStackIPv6`` for tasks to get an IPv6 address, which ``preflight`` checks).
    """

    vpc_cidr: str = setting(
        "10.0.0.0/16",
        allowed=Custom(
            lambda _, value: _check_vpc_cidr(value),
            f"an IPv4 network with a prefix from /{MIN_VPC_PREFIX} to /{MAX_VPC_PREFIX}, host bits zero",
            (("type", "string"), ("pattern", r"^[0-9]{1,3}(\.[0-9]{1,3}){3}/[0-9]{1,2}$")),
        ),
    )
    az_count: int = setting(2, allowed=Between(MIN_AZS, MAX_AZS))
    nat_mode: str = setting(NAT_PER_AZ, allowed=OneOf(NAT_MODES))
    flow_logs: bool = setting(True, allowed=Flag())
    flow_log_retention_days: int = setting(90, allowed=Retention())
    endpoints: tuple[str, ...] | str = setting(
        (),
        allowed=Custom(
            lambda _, value: _endpoint_set(value),
            "a preset ("
            + ", ".join(f"`{p}`" for p in ENDPOINT_PRESETS)
            + ") or a list of endpoints from "
            + ", ".join(f"`{e}`" for e in ENDPOINTS),
            (("oneOf", [{"enum": list(ENDPOINT_PRESETS)}, {"type": "array", "items": {"enum": list(ENDPOINTS)}}]),),
        ),
    )
    tags: tuple[tuple[str, str], ...] = setting((), allowed=Tags())
    share_with: tuple[str, ...] = setting(
        (),
        allowed=Custom(
            lambda _, value: _principals(value),
            "a list of 12-digit account IDs, organization ARNs or OU ARNs, each once",
            (("type", "array"), ("items", {"type": "string"}), ("uniqueItems", True)),
        ),
    )
    output_reader_role: bool = setting(False, allowed=Flag())
    fargate_spot: bool = setting(False, allowed=Flag())
    ipv6: bool = setting(False, allowed=Flag())
    ipv6_egress: bool = setting(False, allowed=Flag())

    def __post_init__(self) -> None:
        check_settings(self)
        if self.output_reader_role and not self.share_with:
            raise ConfigError(
                "output_reader_role: true needs share_with: the role trusts the accounts the subnets are shared with"
            )
        if self.ipv6_egress and not self.ipv6:
            raise ConfigError(
                "ipv6_egress: true needs ipv6 = true: the private subnets take their IPv6 ranges from the VPC's "
                "IPv6 block"
            )

    @property
    def vpc_prefix(self) -> int:
        return int(self.vpc_cidr.split("/")[1])

    @property
    def private_prefix(self) -> int:
        return self.vpc_prefix + PRIVATE_SLOT_BITS

    @property
    def public_prefix(self) -> int:
        return self.vpc_prefix + PUBLIC_SLOT_BITS

    @property
    def account_principals(self) -> tuple[str, ...]:
        return tuple(p for p in self.share_with if _ACCOUNT_ID.match(p))

    @property
    def organization_ids(self) -> tuple[str, ...]:
        """``o-...`` of a shared organization ARN."""
        return tuple(m.group(1) for p in self.share_with if (m := _ORGANIZATION_ARN.match(p)))

    @property
    def organization_unit_paths(self) -> tuple[str, ...]:
        """``o-.../*/ou-.../*`` for each shared OU: the ``aws:PrincipalOrgPaths`` of accounts under it."""
        return tuple(f"{m.group(1)}/*/{m.group(2)}/*" for p in self.share_with if (m := _OU_ARN.match(p)))

    @property
    def has_nat(self) -> bool:
        return self.nat_mode != NAT_NONE

    @property
    def interface_endpoints(self) -> tuple[str, ...]:
        return tuple(e for e in self.endpoints if e != S3_GATEWAY)


def _endpoint_set(value: object) -> tuple[str, ...]:
    """A preset name or endpoint names -> the names in canonical order, each once."""
    if isinstance(value, str):
        v.one_of("endpoints", value, tuple(ENDPOINT_PRESETS))
        return ENDPOINT_PRESETS[value]
    if not isinstance(value, (tuple, list, set, frozenset)):
        presets = ", ".join(ENDPOINT_PRESETS)
        raise ConfigError(f"endpoints: {value!r} is neither a preset ({presets}) nor a list of endpoint names")
    for name in value:
        v.one_of("endpoints", name, ENDPOINTS)
    return tuple(name for name in ENDPOINTS if name in value)


def _check_vpc_cidr(value: object) -> object:
    try:
        network = v.ipv4_network("vpc_cidr", value, MIN_VPC_PREFIX, EC2_MAX_VPC_PREFIX)
    except ConfigError:
        v.ipv4_network("vpc_cidr", value, MIN_VPC_PREFIX, MAX_VPC_PREFIX)
        raise
    if network.prefixlen > MAX_VPC_PREFIX:
        # A VPC EC2 would accept, but one the plan cannot split: say how large a range it needs.
        raise ConfigError(
            f"vpc_cidr: {value!r} is too small for the subnet plan (its public subnets would be "
            f"/{network.prefixlen + PUBLIC_SLOT_BITS}, below the /{MIN_SUBNET_PREFIX} minimum); the smallest "
            f"range that fits is a /{MAX_VPC_PREFIX}, allowed /{MIN_VPC_PREFIX} to /{MAX_VPC_PREFIX}"
        )
    return value


def _principals(value: object) -> tuple[str, ...]:
    if not isinstance(value, (tuple, list)):
        raise ConfigError(f"share_with: {value!r} is not a list of account IDs or organization/OU ARNs")
    for principal in value:
        if not (
            isinstance(principal, str) and any(p.match(principal) for p in (_ACCOUNT_ID, _ORGANIZATION_ARN, _OU_ARN))
        ):
            raise ConfigError(
                f"share_with: {principal!r} is not a 12-digit account ID, an organization ARN "
                "(arn:aws:organizations::<account>:organization/o-...) or an OU ARN (...:ou/o-.../ou-...)"
            )
    if len(set(value)) != len(value):
        raise ConfigError(f"share_with: {list(value)!r} names a principal twice")
    return tuple(value)
