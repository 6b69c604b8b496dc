"""Typed configuration of the shared front door: one ALB whose HTTPS listener many services attach rules to."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from ..errors import ConfigError
from . import validators as v
from .patterns import CERTIFICATE_ARN, PREFIX_LIST_ID
from .settings import Custom, Each, Flag, Matches, Tags, check_settings, setting

ANYWHERE_IPV4 = "0.0.0.0/0"
# A range is admitted on both listener ports (HTTPS, and HTTP that only redirects); a prefix list on HTTPS alone.
PORTS_PER_RANGE: Final = 2
# From "Amazon VPC quotas": 60 inbound rules per security group by default, "enforced separately for IPv4 rules and
# IPv6 rules", and a referenced prefix list counts as its maximum number of entries (CloudFront's origin-facing list
# weighs 55, "AWS-managed prefix lists"). A config knows only a prefix list's ID: it holds at least one entry, of
# either family. https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html
# https://docs.aws.amazon.com/vpc/latest/userguide/working-with-aws-managed-prefix-lists.html
RULES_PER_SECURITY_GROUP: Final = 60
MIN_PREFIX_LIST_WEIGHT: Final = 1


def check_security_group_quota(cidrs: Sequence[str], prefix_lists: Sequence[str]) -> None:
    """Refuses an allow-list that cannot fit the front door's security group by the default quota, counting each
    range's rules in its own IP family and each prefix list at its least weight, in whichever family has room."""
    rules = {4: 0, 6: 0}
    for cidr in cidrs:
        rules[ipaddress.ip_network(cidr).version] += PORTS_PER_RANGE
    least = len(prefix_lists) * MIN_PREFIX_LIST_WEIGHT
    over = max(rules.values()) > RULES_PER_SECURITY_GROUP
    if over or least > sum(RULES_PER_SECURITY_GROUP - count for count in rules.values()):
        raise ConfigError(
            f"allowed_cidrs, allowed_prefix_lists: {rules[4]} IPv4 and {rules[6]} IPv6 rules for {len(cidrs)} ranges "
            f"(ports 443 and 80) and at least {least} for {len(prefix_lists)} prefix lists (port 443) cannot fit the "
            f"front door's security group: the default quota is {RULES_PER_SECURITY_GROUP} inbound rules per IP "
            "family, and a prefix list counts as its max entries (CloudFront's origin-facing list as 55; preflight "
            "reads them); narrow the lists or raise the quota (Amazon VPC quotas)"
        )


@dataclass(frozen=True)
class FrontDoorConfig:
    """The front-door stack (``[ingress]``): an ALB in the network's public subnets (or private ones when internal),
    HTTPS with a fixed 404 for requests no service claims, HTTP that only redirects.

    Attributes:
        internal: an internal ALB in the private subnets, reachable only inside the VPC or through a VPN or peering
            (default False: internet-facing, in the public subnets).
        allowed_cidrs: IPv4 ranges admitted on the listener ports, 443 and 80 (default ``("0.0.0.0/0",)``:
            anywhere); two security group rules each.
        allowed_prefix_lists: managed prefix list IDs admitted on the HTTPS port only, such as a corporate range or
            CloudFront's origin-facing list (default none); each counts as its maximum number of entries against the
            security group's rule quota, which ranges and prefix lists together must fit.
        certificate_arn: default of the ``CertificateArn`` parameter, the listener's default certificate (default
            none: asked at deploy time). Services add certificates for their own host names.
        deletion_protection: default of the ``DeletionProtection`` parameter (default False).
        tags: extra tags for every taggable resource (default none).
    """

    internal: bool = setting(False, allowed=Flag())
    allowed_cidrs: tuple[str, ...] = setting(
        (ANYWHERE_IPV4,),
        allowed=Each(
            Custom(
                lambda field, value: str(v.ipv4_network(field, value, 0, 32)),
                "an IPv4 range in CIDR form, like 203.0.113.0/24",
                (("type", "string"),),
            )
        ),
    )
    allowed_prefix_lists: tuple[str, ...] = setting(
        (), allowed=Each(Matches(PREFIX_LIST_ID, "a prefix list ID like pl-0123456789abcdef0"))
    )
    certificate_arn: str | None = setting(
        None,
        allowed=Matches(
            CERTIFICATE_ARN,
            "an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>), or unset to ask at deploy",
        ),
    )
    deletion_protection: bool = setting(False, allowed=Flag())
    tags: tuple[tuple[str, str], ...] = setting((), allowed=Tags())

    def __post_init__(self) -> None:
        check_settings(self)
        object.__setattr__(self, "allowed_cidrs", tuple(dict.fromkeys(self.allowed_cidrs)))
        object.__setattr__(self, "allowed_prefix_lists", tuple(dict.fromkeys(self.allowed_prefix_lists)))
        if not self.allowed_cidrs and not self.allowed_prefix_lists:
            raise ConfigError("allowed_cidrs, allowed_prefix_lists: both empty; the front door would admit nobody")
        check_security_group_quota(self.allowed_cidrs, self.allowed_prefix_lists)

    @property
    def open_to_anywhere(self) -> bool:
        return ANYWHERE_IPV4 in self.allowed_cidrs


# The name before "front door" became the one word for the shared load balancer; kept for existing callers.
IngressConfig = FrontDoorConfig
