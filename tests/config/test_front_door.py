"""Typed configuration of the shared front door."""

from __future__ import annotations

import pytest

from fargate_private_templates.config.front_door import FrontDoorConfig, check_security_group_quota
from fargate_private_templates.errors import ConfigError


@pytest.mark.parametrize(
    ("kwargs", "starts"),
    [
        ({"allowed_cidrs": ("10.0.0.1/24",)}, "allowed_cidrs: '10.0.0.1/24'"),
        ({"allowed_cidrs": "0.0.0.0/0"}, "allowed_cidrs: '0.0.0.0/0' is not a list"),
        ({"allowed_prefix_lists": ("prefix",)}, "allowed_prefix_lists: 'prefix'"),
        ({"allowed_cidrs": (), "allowed_prefix_lists": ()}, "allowed_cidrs, allowed_prefix_lists: both empty"),
        ({"certificate_arn": "cert"}, "certificate_arn: 'cert'"),
        ({"internal": "yes"}, "internal: 'yes'"),
    ],
)
def test_bad_front_door_configs_name_the_field(kwargs: dict, starts: str) -> None:
    with pytest.raises(ConfigError) as caught:
        FrontDoorConfig(**kwargs)
    assert str(caught.value).startswith(starts), caught.value


def test_ingress_tag_error_names_the_tags_field() -> None:
    with pytest.raises(ConfigError) as caught:
        FrontDoorConfig(tags={"aws:owner": "x"})
    assert str(caught.value).startswith("tags: tag key 'aws:owner' is not allowed")


def _cidrs(count: int) -> tuple[str, ...]:
    return tuple(f"10.0.{i}.0/24" for i in range(count))


def test_an_allow_list_that_cannot_fit_the_security_group_quota_is_refused_saying_why() -> None:
    with pytest.raises(ConfigError) as caught:
        FrontDoorConfig(allowed_cidrs=_cidrs(31))
    assert str(caught.value) == (
        "allowed_cidrs, allowed_prefix_lists: 62 IPv4 and 0 IPv6 rules for 31 ranges (ports 443 and 80) and at least "
        "0 for 0 prefix lists (port 443) cannot fit the front door's security group: the default quota is 60 inbound "
        "rules per IP family, and a prefix list counts as its max entries (CloudFront's origin-facing list as 55; "
        "preflight reads them); narrow the lists or raise the quota (Amazon VPC quotas)"
    )
    assert FrontDoorConfig(allowed_cidrs=_cidrs(30)).allowed_cidrs == _cidrs(30)
    # Thirty ranges take every IPv4 rule; a prefix list may still be IPv6, where 60 rules are free.
    lists = tuple(f"pl-{i:08x}" for i in range(61))
    assert len(FrontDoorConfig(allowed_cidrs=_cidrs(30), allowed_prefix_lists=lists[:60]).allowed_prefix_lists) == 60
    with pytest.raises(ConfigError, match="62 IPv4 and 0 IPv6 rules for 31 ranges .* at least 61 for 61 prefix lists"):
        FrontDoorConfig(allowed_cidrs=_cidrs(31), allowed_prefix_lists=lists)
    with pytest.raises(
        ConfigError, match="^allowed_cidrs, allowed_prefix_lists: 60 IPv4 and 0 IPv6 rules for 30 ranges"
    ):
        FrontDoorConfig(allowed_cidrs=_cidrs(30), allowed_prefix_lists=lists)
    # Without ranges, 61 lists of one entry each could still split between IPv4 and IPv6.
    assert len(FrontDoorConfig(allowed_cidrs=(), allowed_prefix_lists=lists).allowed_prefix_lists) == 61


def test_the_quota_counts_ipv6_ranges_apart() -> None:
    ipv6 = tuple(f"2001:db8:{i:x}::/48" for i in range(31))
    with pytest.raises(ConfigError, match="^allowed_cidrs, allowed_prefix_lists: 0 IPv4 and 62 IPv6 rules for 31"):
        check_security_group_quota(ipv6, ())
    check_security_group_quota(ipv6[:30] + _cidrs(30), ())
    with pytest.raises(ConfigError, match="60 IPv4 and 60 IPv6 rules for 60 ranges .* at least 1 for 1 prefix"):
        check_security_group_quota(ipv6[:30] + _cidrs(30), ("pl-00000000",))
