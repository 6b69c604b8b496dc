"""CloudFront in front of an internal ALB (``[services.load_balancer.cloudfront]``, ``[ingress.cloudfront]``): what the
distribution and its VPC origin need that is not the load balancer's own.

CloudFront reaches an internal ALB in the private subnets through a VPC origin, so nothing that serves requests in the
VPC has a public address ("Restrict access with VPC origins":
https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from ..errors import ConfigError, shown
from . import validators as v
from .patterns import PREFIX_LIST_ID
from .settings import Custom, Each, Matches, check_settings, setting

# The front-door kind (``[services.load_balancer] kind``, ``[ingress] kind``).
CLOUDFRONT: Final = "cloudfront"
# CloudFront takes only ACM certificates of US East (N. Virginia) for its viewers ("To use an ACM certificate with
# Amazon CloudFront, you must request or import the certificate in the US East (N. Virginia) region":
# https://docs.aws.amazon.com/acm/latest/userguide/acm-regions.html). VPC origins are commercial-only, so aws only.
VIEWER_CERTIFICATE_ARN: Final = re.compile(r"^arn:aws:acm:us-east-1:\d{12}:certificate/[0-9a-f-]{36}$")
# A web ACL for CloudFront has scope CLOUDFRONT and lives in us-east-1 ("you must use the Region US East (N.
# Virginia) to create your web ACL": https://docs.aws.amazon.com/waf/latest/developerguide/how-aws-waf-works-resources.html);
# the distribution names it by its WAFv2 ARN (WebACLId).
CLOUDFRONT_WEB_ACL_ARN: Final = re.compile(
    r"^arn:aws:wafv2:us-east-1:\d{12}:global/webacl/[A-Za-z0-9_-]{1,128}/[0-9a-f-]{36}$"
)
# A host name a viewer uses, optionally with a leading wildcard label (*.example.com).
DOMAIN_NAME: Final = re.compile(
    r"^(?=.{1,253}$)(?:\*\.)?(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
# The command that prints the ID of CloudFront's origin-facing prefix list (IPv4) in the Region it runs in.
PREFIX_LIST_LOOKUP: Final = (
    "aws ec2 describe-managed-prefix-lists --filters Name=prefix-list-name,"
    "Values=com.amazonaws.global.cloudfront.origin-facing --query 'PrefixLists[0].PrefixListId' --output text"
)


DOMAIN_NAME_TEXT: Final = (
    "a domain name such as www.example.com or *.example.com (letters, digits and hyphens in dot-separated labels)"
)


@dataclass(frozen=True)
class CloudFrontOptions:
    """The distribution in front of an internal ALB, with ``kind = "cloudfront"``: the
    ``[services.load_balancer.cloudfront]`` table, or ``[ingress.cloudfront]``.

    Attributes:
        domain_names: default of the ``DomainNames`` parameter, the alternate domain names (CNAMEs) viewers use
            (default none: asked at deploy time). The load balancer's certificate must cover them too: CloudFront
            forwards the viewer's Host header, and its HTTPS connection to the load balancer is checked against it.
        viewer_certificate_arn: default of the ``ViewerCertificateArn`` parameter, an ACM certificate in us-east-1
            covering ``domain_names`` (default none: asked at deploy time).
        origin_prefix_list: default of the ``OriginFacingPrefixListId`` parameter, the ID of the managed prefix list
            ``com.amazonaws.global.cloudfront.origin-facing`` in the stack's Region, which the load balancer admits
            on its HTTPS port; the ID differs between Regions (default none: asked at deploy time;
            ``PREFIX_LIST_LOOKUP`` prints it).
    """

    domain_names: tuple[str, ...] = setting(
        (),
        allowed=Each(
            Custom(
                lambda field, value: v.pattern(field, value, DOMAIN_NAME, DOMAIN_NAME_TEXT).lower(),
                DOMAIN_NAME_TEXT,
                (("type", "string"), ("pattern", DOMAIN_NAME.pattern)),
            )
        ),
    )
    viewer_certificate_arn: str | None = setting(
        None,
        allowed=Matches(
            VIEWER_CERTIFICATE_ARN,
            "an ACM certificate ARN in us-east-1 (arn:aws:acm:us-east-1:<account>:certificate/<id>): CloudFront "
            "takes viewer certificates only from US East (N. Virginia); or leave it unset to ask at deploy time",
        ),
    )
    origin_prefix_list: str | None = setting(
        None,
        allowed=Matches(
            PREFIX_LIST_ID,
            f"the ID (pl-...) of com.amazonaws.global.cloudfront.origin-facing in the stack's Region, which "
            f"`{PREFIX_LIST_LOOKUP}` prints; or leave it unset to ask at deploy time",
        ),
    )

    def __post_init__(self) -> None:
        if isinstance(self.domain_names, str) or not isinstance(self.domain_names, (tuple, list)):
            raise ConfigError(f"cloudfront.domain_names: {shown(self.domain_names)} is not a list of domain names")
        check_settings(self, "cloudfront")
        object.__setattr__(self, "domain_names", tuple(dict.fromkeys(self.domain_names)))

    @property
    def is_set(self) -> bool:
        """Whether any field differs from its default."""
        return self != CloudFrontOptions()


def refuse_unused(options: CloudFrontOptions, kind: str, kind_field: str, field: str = "cloudfront") -> None:
    """``[...cloudfront]`` settings (``field``) are only read with ``kind = "cloudfront"``: anything else would drop
    them."""
    if options.is_set and kind != CLOUDFRONT:
        raise ConfigError(
            f"{field}: set, but {kind_field} is {kind!r}; the settings apply only with {kind_field} "
            f"{CLOUDFRONT!r} (remove them, or set {kind_field} = {CLOUDFRONT!r})"
        )
