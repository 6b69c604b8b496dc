"""Typed configuration of the network stack."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Final

from . import validators as v
from .errors import ConfigError

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
# /16 is the largest VPC AWS allows; /24 still leaves /28 subnets (the smallest AWS allows) for 6 AZs.
MIN_VPC_PREFIX: Final = 16
MAX_VPC_PREFIX: Final = 24


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
    """

    vpc_cidr: str = "10.0.0.0/16"
    az_count: int = 2
    nat_mode: str = NAT_PER_AZ
    flow_logs: bool = True
    flow_log_retention_days: int = 90
    endpoints: tuple[str, ...] | str = ()
    tags: tuple[tuple[str, str], ...] = field(default=())

    def __post_init__(self) -> None:
        v.ipv4_network("vpc_cidr", self.vpc_cidr, MIN_VPC_PREFIX, MAX_VPC_PREFIX)
        v.int_between("az_count", self.az_count, MIN_AZS, MAX_AZS)
        v.one_of("nat_mode", self.nat_mode, NAT_MODES)
        v.boolean("flow_logs", self.flow_logs)
        v.log_retention("flow_log_retention_days", self.flow_log_retention_days)
        object.__setattr__(self, "endpoints", _endpoint_set(self.endpoints))
        object.__setattr__(self, "tags", v.tags("tags", self.tags))

    @property
    def vpc_prefix(self) -> int:
        return int(self.vpc_cidr.split("/")[1])

    @property
    def subnet_count(self) -> int:
        return 2 * self.az_count

    @property
    def subnet_prefix(self) -> int:
        """Equal subnets carved from the VPC: enough bits for one public and one private subnet per AZ."""
        return self.vpc_prefix + math.ceil(math.log2(self.subnet_count))

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
