"""Which requests a shared front door sends to a service: hosts, paths, priority and the ALB's limits."""

from __future__ import annotations

import pytest
from conftest import shared

from fargate_private_templates.config.load_balancer import LoadBalancerOptions
from fargate_private_templates.config.routing import RoutingOptions
from fargate_private_templates.config.service import ServiceConfig
from fargate_private_templates.errors import ConfigError


@pytest.mark.parametrize(
    ("config", "starts"),
    [
        (lambda: shared("web"), "routing.hosts, routing.paths: a service on a shared front door"),
        (lambda: ServiceConfig(routing=RoutingOptions(hosts=("a.example.com",))), "routing: only used with"),
        (lambda: RoutingOptions(hosts=("example",)), "routing.hosts: 'example'"),
        (lambda: RoutingOptions(hosts=("a.example.com\n",)), "routing.hosts:"),
        (lambda: RoutingOptions(paths=("/a b",)), "routing.paths: '/a b'"),
        (lambda: RoutingOptions(paths="/api/*"), "routing.paths: '/api/*' is not a list"),
        (lambda: RoutingOptions(hosts=5), "routing.hosts: 5 is not a list of strings"),
        (lambda: RoutingOptions(paths=("/a", "/a")), "routing.paths:"),
        (lambda: RoutingOptions(paths=("/a", "/b", "/c", "/d")), "routing.paths: 4 values given; an ALB condition"),
        (
            lambda: RoutingOptions(hosts=("a.example.com", "b.example.com", "c.example.com"), paths=("/a", "/b", "/c")),
            "routing.hosts, routing.paths: 6 values given",
        ),
        (lambda: RoutingOptions(priority=0), "routing.priority: 0"),
        (lambda: RoutingOptions(priority=50_001), "routing.priority: 50001"),
        (
            lambda: ServiceConfig(load_balancer=LoadBalancerOptions(kind="shared", listener_port=8443)),
            "load_balancer.listener_port: 8443",
        ),
        (
            lambda: ServiceConfig(load_balancer=LoadBalancerOptions(kind="shared", deletion_protection=True)),
            "load_balancer.deletion_protection: not used",
        ),
    ],
)
def test_bad_routing_names_the_fields(config, starts: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config()
    assert str(caught.value).startswith(starts), caught.value


def test_routing_bounds_are_accepted() -> None:
    routing = RoutingOptions(hosts=("*.example.com", "a.example.com"), paths=("/a", "/b", "/c"), priority=50_000)
    assert routing.priority == 50_000 and len(routing.hosts) + len(routing.paths) == 5
    assert RoutingOptions(priority=1).priority == 1


def test_a_bad_host_error_says_what_a_host_looks_like() -> None:
    with pytest.raises(ConfigError) as caught:
        RoutingOptions(hosts=("example",))
    assert str(caught.value) == (
        "routing.hosts: 'example' is not allowed; "
        "a host name of a-z A-Z 0-9 - _ . * ? with a dot, ending in a letter or digit"
    )


def test_a_bad_front_door_error_names_the_key() -> None:
    with pytest.raises(ConfigError) as caught:
        RoutingOptions(front_door="1 bad")
    assert str(caught.value) == "routing.front_door: '1 bad' is not allowed; a CloudFormation stack name"


def test_a_front_door_on_a_service_with_its_own_load_balancer_is_refused() -> None:
    with pytest.raises(ConfigError, match="^routing: only used with load_balancer.kind 'shared', not 'alb'"):
        ServiceConfig(routing=RoutingOptions(front_door="fargate-ingress"))


def test_a_service_built_alone_attaches_to_the_default_front_door() -> None:
    assert RoutingOptions().front_door_stack == "fargate-ingress"
    assert RoutingOptions(front_door="shop-ingress").front_door_stack == "shop-ingress"


@pytest.mark.parametrize("path", ["api/*", "Api", ".well-known/*", "~user"])
def test_a_path_that_does_not_start_with_a_slash_or_a_wildcard_is_refused(path: str) -> None:
    with pytest.raises(ConfigError) as caught:
        RoutingOptions(paths=("/ok/*", path))
    assert str(caught.value) == (
        f"routing.paths: {path!r} never matches: the ALB compares a path pattern with the request's path, which "
        "starts with /; start it with / or a wildcard (as in *.jpg)"
    )


def test_paths_starting_with_a_slash_or_a_wildcard_are_accepted() -> None:
    assert RoutingOptions(paths=("*.jpg", "?api/*", "/")).paths == ("*.jpg", "?api/*", "/")
