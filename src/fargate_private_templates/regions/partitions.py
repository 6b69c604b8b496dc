"""Partitions, Region names and the VPC endpoint service names that differ between them: one table each."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from ..errors import ConfigError

COMMERCIAL: Final = "aws"
CHINA: Final = "aws-cn"
GOVCLOUD: Final = "aws-us-gov"
PARTITIONS: Final = (COMMERCIAL, CHINA, GOVCLOUD)
PARTITION_NAMES: Final = {COMMERCIAL: "commercial", CHINA: "China", GOVCLOUD: "AWS GovCloud (US)"}

# us-east-1, cn-north-1, us-gov-west-1, ap-southeast-7: the shape of every Region code in these three partitions.
REGION_CODE = re.compile(r"^(?:[a-z]{2}-(?:gov-)?[a-z]+-[0-9]{1,2})$")
# The isolated partitions (us-iso-east-1, eu-isoe-west-1, eusc-de-east-1) need accounts and documentation this
# project has never seen: refused rather than treated as commercial.
_UNSUPPORTED = re.compile(r"^(?:[a-z]{2}-iso[a-z]*-|eusc-)")

# Representative Regions across the partitions the templates are linted for (`make templates` and the tests).
LINT_REGIONS: Final = ("us-east-1", "eu-west-1", "ap-northeast-1", "cn-north-1", "us-gov-west-1")

COMMERCIAL_PREFIX: Final = "com.amazonaws"
CHINA_PREFIX: Final = "cn.com.amazonaws"
# Interface endpoints whose service name starts with ``cn.com.amazonaws`` instead of ``com.amazonaws``, per Region,
# limited to the services these templates can create. Every other Region, every other service and every gateway
# endpoint (the S3 gateway is ``com.amazonaws.cn-north-1.s3``) keeps ``com.amazonaws``. Sources:
# - AWS CDK's table of exceptions, InterfaceVpcEndpointAwsService.getDefaultEndpointPrefix in
#   packages/aws-cdk-lib/aws-ec2/lib/vpc-endpoint.ts, added by https://github.com/aws/aws-cdk/pull/16139 (for
#   https://github.com/aws/aws-cdk/issues/11140), built from `aws ec2 describe-vpc-endpoint-services` in each Region;
#   CDK's gateway endpoints (GatewayVpcEndpointAwsService) use com.amazonaws everywhere.
# - `aws ec2 describe-vpc-endpoint-services` output from cn-north-1 published by that PR's author
#   (https://gist.github.com/readybuilderone/d355f9f8f0f2b66379a10742b3c67cc7): cn.com.amazonaws.cn-north-1.ecr.api,
#   .ecr.dkr and .s3 (the interface one). We found no AWS documentation page listing the China names, so this
#   table is only as current as those two.
# A Region not listed here (a future China Region) gets com.amazonaws: add it here when it opens.
INTERFACE_PREFIX_EXCEPTIONS: Final[dict[str, tuple[str, frozenset[str]]]] = {
    "cn-north-1": (CHINA_PREFIX, frozenset({"ecr.api", "ecr.dkr", "s3", "sts"})),
    "cn-northwest-1": (CHINA_PREFIX, frozenset({"ecr.api", "ecr.dkr", "s3", "sts"})),
}


def partition_of(region: str) -> str:
    """``aws-cn`` for ``cn-north-1``, ``aws-us-gov`` for ``us-gov-west-1``, ``aws`` for the rest."""
    if region.startswith("cn-"):
        return CHINA
    if region.startswith("us-gov-"):
        return GOVCLOUD
    return COMMERCIAL


def endpoint_prefix(service: str, region: str, interface: bool) -> str:
    """The service-name prefix of a VPC endpoint to ``service`` in ``region``."""
    prefix, services = INTERFACE_PREFIX_EXCEPTIONS.get(region, (COMMERCIAL_PREFIX, frozenset()))
    return prefix if interface and service in services else COMMERCIAL_PREFIX


def prefix_regions(service: str, interface: bool) -> dict[str, tuple[str, ...]]:
    """Prefix -> Regions where an endpoint to ``service`` takes it, for every prefix other than com.amazonaws."""
    found: dict[str, list[str]] = {}
    for region in sorted(INTERFACE_PREFIX_EXCEPTIONS):
        prefix = endpoint_prefix(service, region, interface)
        if prefix != COMMERCIAL_PREFIX:
            found.setdefault(prefix, []).append(region)
    return {prefix: tuple(regions) for prefix, regions in found.items()}


def check_regions(field: str, regions: Iterable[object] | object) -> tuple[str, ...]:
    """The Region codes, checked and de-duplicated in order; ConfigError names the field and the bad value."""
    if not isinstance(regions, (list, tuple)):
        raise ConfigError(f'{field}: {regions!r} must be a list of Region codes, for example ["us-east-1"]')
    checked: list[str] = []
    for region in regions:
        if isinstance(region, str) and _UNSUPPORTED.match(region):
            raise ConfigError(
                f"{field}: {region!r} is in an isolated partition these templates do not support; "
                f"allowed: Regions of the {', '.join(PARTITIONS)} partitions"
            )
        if not isinstance(region, str) or not REGION_CODE.match(region):
            raise ConfigError(
                f"{field}: {region!r} is not a Region code; expected one like us-east-1, cn-north-1 or us-gov-west-1"
            )
        if region not in checked:
            checked.append(region)
    return tuple(checked)
