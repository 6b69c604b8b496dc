"""The load balancer in front of a service, and the defaults that follow from its kind."""

from __future__ import annotations

from fargate_private_templates.config.load_balancer import LoadBalancerOptions
from fargate_private_templates.config.service import ServiceConfig


def test_defaults_are_derived_per_load_balancer() -> None:
    alb = ServiceConfig()
    nlb = ServiceConfig(load_balancer=LoadBalancerOptions(kind="nlb"))
    assert (alb.load_balancer.listener_protocol, alb.load_balancer.listener_port) == ("https", 443)
    assert (nlb.load_balancer.listener_protocol, nlb.load_balancer.listener_port) == ("tcp", 80)
    assert (alb.health_check.protocol, nlb.health_check.protocol) == ("http", "tcp")
    assert alb.load_balancer.public_ports == [443, 80] and nlb.load_balancer.public_ports == [80]
    assert alb.container.readonly_root_filesystem is True and alb.enable_exec is False
