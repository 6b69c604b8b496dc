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


def test_allow_lists_take_ipv6_ranges_in_their_shortest_form() -> None:
    config = FrontDoorConfig(allowed_cidrs=("0.0.0.0/0", "2001:0db8::/32", "::/0"), ip_address_type="dualstack")
    assert config.allowed_cidrs == ("0.0.0.0/0", "2001:db8::/32", "::/0")
    assert FrontDoorConfig(allowed_cidrs=("::/0",)).open_to_anywhere
    assert not FrontDoorConfig(allowed_cidrs=("10.0.0.0/8", "2001:db8::/32")).open_to_anywhere


def test_an_allow_list_keeps_each_range_and_prefix_list_once_in_order() -> None:
    config = FrontDoorConfig(
        allowed_cidrs=("10.0.0.0/8", "2001:0db8::/32", "10.0.0.0/8", "2001:db8::/32"),
        allowed_prefix_lists=("pl-22222222", "pl-11111111", "pl-22222222"),
    )
    assert config.allowed_cidrs == ("10.0.0.0/8", "2001:db8::/32")
    assert config.allowed_prefix_lists == ("pl-22222222", "pl-11111111")


@pytest.mark.parametrize(
    ("cidr", "message"),
    [
        ("2001:db8::1/32", "allowed_cidrs: '2001:db8::1/32' is not an IPv6 network (2001:db8::1/32 has host bits set)"),
        ("2001:db8::", "allowed_cidrs: '2001:db8::' has no prefix; give an IPv6 network like 2001:db8::/32"),
        ("2001:zz8::/32", "allowed_cidrs: '2001:zz8::/32' is not an IPv6 network ("),
    ],
)
def test_bad_ipv6_ranges_are_refused(cidr: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        FrontDoorConfig(allowed_cidrs=(cidr,))
    assert str(caught.value).startswith(message), caught.value


def test_the_front_door_kind() -> None:
    assert (FrontDoorConfig().kind, FrontDoorConfig().is_internal) == ("alb", False)
    assert FrontDoorConfig(internal=True).is_internal
    behind = FrontDoorConfig(kind="cloudfront")
    assert behind.is_internal and not behind.internal and behind.ip_address_type == "ipv4"
    assert FrontDoorConfig(kind="cloudfront", internal=True).is_internal
    with pytest.raises(ConfigError, match="^kind: 'nlb' is not allowed; choose one of 'alb', 'cloudfront'"):
        FrontDoorConfig(kind="nlb")
    with pytest.raises(ConfigError, match=r"^cloudfront: \{\} is not a CloudFrontOptions"):
        FrontDoorConfig(kind="cloudfront", cloudfront={})


CLOUDFRONT_ALONE = (
    "allowed_cidrs, allowed_prefix_lists: not used with kind 'cloudfront'; the internal load balancer admits only "
    "CloudFront's origin-facing prefix list (OriginFacingPrefixListId), so that nothing reaches it around the "
    "distribution; restrict viewers with a web ACL (CloudFrontWebAclArn) instead"
)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"allowed_cidrs": ("10.0.0.0/8",)},
        {"allowed_cidrs": ("0.0.0.0/0", "::/0")},
        {"allowed_prefix_lists": ("pl-3b927c52",)},
    ],
)
def test_behind_cloudfront_no_other_source_is_admitted(kwargs: dict) -> None:
    with pytest.raises(ConfigError) as caught:
        FrontDoorConfig(kind="cloudfront", **kwargs)
    assert str(caught.value) == CLOUDFRONT_ALONE
    FrontDoorConfig(**kwargs)


INTERNAL_IPV4 = (
    "internal load balancers must use ipv4 (ELB API reference, SetIpAddressType: "
    "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_SetIpAddressType.html); allowed: ipv4"
)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"kind": "cloudfront", "ip_address_type": "dualstack"},
            f"ip_address_type: 'dualstack' is not allowed with kind 'cloudfront': {INTERNAL_IPV4}",
        ),
        (
            {"internal": True, "ip_address_type": "dualstack-without-public-ipv4", "allowed_cidrs": ("::/0",)},
            f"ip_address_type: 'dualstack-without-public-ipv4' is not allowed with internal = true: {INTERNAL_IPV4}",
        ),
        (
            {"ip_address_type": "ipv6"},
            "ip_address_type: 'ipv6' is not allowed; choose one of 'ipv4', 'dualstack', "
            "'dualstack-without-public-ipv4'",
        ),
        (
            {"ip_address_type": "dualstack"},
            "ip_address_type, allowed_cidrs: 'dualstack' serves IPv6 clients, but allowed_cidrs ['0.0.0.0/0'] admits "
            "no IPv6 range and no prefix list is given, so none could connect; add '::/0' (any IPv6 address) or the "
            "IPv6 ranges to admit",
        ),
    ],
)
def test_ip_address_types_refused_say_why(kwargs: dict, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        FrontDoorConfig(**kwargs)
    assert str(caught.value) == message


def test_dual_stack_front_doors() -> None:
    assert FrontDoorConfig(ip_address_type="dualstack", allowed_cidrs=("::/0",)).is_dual_stack
    # A prefix list may hold IPv6 ranges: the config cannot tell, so it is enough.
    with_list = FrontDoorConfig(ip_address_type="dualstack-without-public-ipv4", allowed_prefix_lists=("pl-1234abcd",))
    assert with_list.is_dual_stack
    assert not FrontDoorConfig(internal=True).is_dual_stack
