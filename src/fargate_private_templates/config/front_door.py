"""Typed configuration of the shared front door: one ALB whose HTTPS listener many services attach rules to."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import ConfigError
from . import validators as v
from .patterns import CERTIFICATE_ARN, PREFIX_LIST_ID

ANYWHERE_IPV4 = "0.0.0.0/0"


@dataclass(frozen=True)
class FrontDoorConfig:
    """The front-door stack (``[ingress]``): an ALB in the network's public subnets (or private ones when internal),
    HTTPS with a fixed 404 for requests no service claims, HTTP that only redirects.

    Attributes:
        internal: an internal ALB in the private subnets, reachable only inside the VPC or through a VPN or peering
            (default False: internet-facing, in the public subnets).
        allowed_cidrs: IPv4 ranges admitted on the listener ports (default ``("0.0.0.0/0",)``: anywhere).
        allowed_prefix_lists: managed prefix list IDs admitted on the listener ports, such as a corporate range or
            CloudFront's origin-facing list (default none).
        certificate_arn: default of the ``CertificateArn`` parameter, the listener's default certificate (default
            none: asked at deploy time). Services add certificates for their own host names.
        deletion_protection: default of the ``DeletionProtection`` parameter (default False).
        tags: extra tags for every taggable resource (default none).
    """

    internal: bool = False
    allowed_cidrs: tuple[str, ...] = (ANYWHERE_IPV4,)
    allowed_prefix_lists: tuple[str, ...] = ()
    certificate_arn: str | None = None
    deletion_protection: bool = False
    tags: tuple[tuple[str, str], ...] = field(default=())

    def __post_init__(self) -> None:
        v.boolean("internal", self.internal)
        for name in ("allowed_cidrs", "allowed_prefix_lists"):
            if isinstance(getattr(self, name), str) or not isinstance(getattr(self, name), (tuple, list)):
                raise ConfigError(f"{name}: {getattr(self, name)!r} is not a list")
        cidrs = tuple(str(v.ipv4_network("allowed_cidrs", cidr, 0, 32)) for cidr in self.allowed_cidrs)
        object.__setattr__(self, "allowed_cidrs", tuple(dict.fromkeys(cidrs)))
        prefix_lists = tuple(
            v.pattern("allowed_prefix_lists", item, PREFIX_LIST_ID, "a prefix list ID like pl-0123456789abcdef0")
            for item in self.allowed_prefix_lists
        )
        object.__setattr__(self, "allowed_prefix_lists", tuple(dict.fromkeys(prefix_lists)))
        if not self.allowed_cidrs and not self.allowed_prefix_lists:
            raise ConfigError("allowed_cidrs, allowed_prefix_lists: both empty; the front door would admit nobody")
        if self.certificate_arn is not None:
            v.pattern(
                "certificate_arn",
                self.certificate_arn,
                CERTIFICATE_ARN,
                "an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>), or unset to ask at deploy",
            )
        v.boolean("deletion_protection", self.deletion_protection)
        object.__setattr__(self, "tags", v.tags("tags", self.tags))

    @property
    def open_to_anywhere(self) -> bool:
        return ANYWHERE_IPV4 in self.allowed_cidrs


# The name before "front door" became the one word for the shared load balancer; kept for existing callers.
IngressConfig = FrontDoorConfig
