"""Typed configuration of the network stack."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Final

from . import validators as v

NAT_PER_AZ: Final = "per_az"
NAT_SINGLE: Final = "single"
NAT_REGIONAL: Final = "regional"
NAT_NONE: Final = "none"
NAT_MODES: Final = (NAT_PER_AZ, NAT_SINGLE, NAT_REGIONAL, NAT_NONE)

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
        tags: extra tags for every taggable resource, as a mapping or (key, value) pairs (default none).
    """

    vpc_cidr: str = "10.0.0.0/16"
    az_count: int = 2
    nat_mode: str = NAT_PER_AZ
    flow_logs: bool = True
    flow_log_retention_days: int = 90
    tags: tuple[tuple[str, str], ...] = field(default=())

    def __post_init__(self) -> None:
        v.ipv4_network("vpc_cidr", self.vpc_cidr, MIN_VPC_PREFIX, MAX_VPC_PREFIX)
        v.int_between("az_count", self.az_count, MIN_AZS, MAX_AZS)
        v.one_of("nat_mode", self.nat_mode, NAT_MODES)
        v.boolean("flow_logs", self.flow_logs)
        v.log_retention("flow_log_retention_days", self.flow_log_retention_days)
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
