"""The load balancer in front of a service, and the defaults that follow from its kind."""

from __future__ import annotations

import pytest

from fargate_private_templates.config.load_balancer import LoadBalancerOptions
from fargate_private_templates.config.service import ServiceConfig
from fargate_private_templates.errors import ConfigError


def test_defaults_are_derived_per_load_balancer() -> None:
    alb = ServiceConfig()
    nlb = ServiceConfig(load_balancer=LoadBalancerOptions(kind="nlb"))
    assert (alb.load_balancer.listener_protocol, alb.load_balancer.listener_port) == ("https", 443)
    assert (nlb.load_balancer.listener_protocol, nlb.load_balancer.listener_port) == ("tcp", 80)
    assert (alb.health_check.protocol, nlb.health_check.protocol) == ("http", "tcp")
    assert alb.load_balancer.public_ports == [443, 80] and nlb.load_balancer.public_ports == [80]
    assert alb.container.readonly_root_filesystem is True and alb.enable_exec is False


def test_behind_cloudfront_the_own_alb_listens_on_https_alone() -> None:
    config = ServiceConfig(load_balancer=LoadBalancerOptions(kind="cloudfront"))
    balancer = config.load_balancer
    assert (balancer.listener_protocol, balancer.listener_port, balancer.public_ports) == ("https", 443, [443])
    assert balancer.is_application and balancer.uses_certificate and config.health_check.protocol == "http"
    # No HTTP redirect listener takes port 80 there.
    assert LoadBalancerOptions(kind="cloudfront", listener_port=80).listener_port == 80
    with pytest.raises(ConfigError, match="^load_balancer.listener_protocol: 'tcp' is not allowed with "):
        LoadBalancerOptions(kind="cloudfront", listener_protocol="tcp")


@pytest.mark.parametrize(
    ("kind", "allowed"),
    [
        ("alb", ("ipv4", "dualstack", "dualstack-without-public-ipv4")),
        ("nlb", ("ipv4", "dualstack")),
        ("shared", ("ipv4",)),
        ("cloudfront", ("ipv4",)),
    ],
)
def test_ip_address_types_each_kind_takes(kind: str, allowed: tuple[str, ...]) -> None:
    for value in allowed:
        balancer = LoadBalancerOptions(kind=kind, ip_address_type=value)
        assert balancer.ip_address_type == value and balancer.is_dual_stack == (value != "ipv4")
    assert LoadBalancerOptions(kind=kind).ip_address_type == "ipv4"


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        (
            "alb",
            "ipv6",
            "load_balancer.ip_address_type: 'ipv6' is not allowed; choose one of 'ipv4', 'dualstack', "
            "'dualstack-without-public-ipv4'",
        ),
        (
            "nlb",
            "dualstack-without-public-ipv4",
            "load_balancer.ip_address_type: 'dualstack-without-public-ipv4' is not allowed with load_balancer.kind "
            "'nlb'; allowed: ipv4, dualstack",
        ),
        (
            "shared",
            "dualstack",
            "load_balancer.ip_address_type: 'dualstack' is not allowed with load_balancer.kind 'shared': the shared "
            "front door sets its own ([ingress] ip_address_type); allowed: ipv4",
        ),
        (
            "cloudfront",
            "dualstack",
            "load_balancer.ip_address_type: 'dualstack' is not allowed with load_balancer.kind 'cloudfront': "
            "internal load balancers must use ipv4 (ELB API reference, SetIpAddressType: "
            "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_SetIpAddressType.html); "
            "allowed: ipv4",
        ),
    ],
)
def test_ip_address_types_a_kind_refuses_say_why(kind: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        LoadBalancerOptions(kind=kind, ip_address_type=value)
    assert str(caught.value) == message


def test_a_listener_port_out_of_range_and_deletion_protection_on_the_shared_front_door_are_refused_in_words() -> None:
    with pytest.raises(ConfigError) as caught:
        LoadBalancerOptions(listener_port=70000)
    assert str(caught.value) == "load_balancer.listener_port: 70000 is out of range; allowed 1 to 65535"
    with pytest.raises(ConfigError) as caught:
        LoadBalancerOptions(kind="shared", deletion_protection=True)
    assert str(caught.value) == (
        "load_balancer.deletion_protection: not used with load_balancer.kind 'shared'; the front-door stack has its "
        "own DeletionProtection parameter"
    )


def test_port_80_is_the_albs_redirect_and_is_refused_saying_so() -> None:
    with pytest.raises(ConfigError) as caught:
        LoadBalancerOptions(listener_port=80)
    assert str(caught.value) == (
        "load_balancer.listener_port: 80 is taken by the ALB's HTTP-to-HTTPS redirect; choose another port"
    )
