"""Rollout settings (strategy, bake times, percentages, alarms) and the combinations refused with one line naming
the field."""

from __future__ import annotations

import dataclasses

import pytest

from fargate_private_templates.config import ConfigError
from fargate_private_templates.config.capacity import CapacityOptions
from fargate_private_templates.config.deployment import NLB_STRATEGY_PAGE, DeploymentOptions
from fargate_private_templates.config.load_balancer import LoadBalancerOptions
from fargate_private_templates.config.routing import RoutingOptions
from fargate_private_templates.config.service import ServiceConfig
from fargate_private_templates.config.settings import ALLOWED
from fargate_private_templates.config.sidecars import SidecarOptions


@pytest.mark.parametrize(
    ("build", "mentions"),
    [
        (lambda: DeploymentOptions(strategy="blue_green", bake_time=1441), "deployment.bake_time: 1441"),
        (lambda: DeploymentOptions(strategy="canary", canary_percent=0.05), "deployment.canary_percent"),
        (lambda: DeploymentOptions(strategy="linear", linear_step_percent=2.5), "deployment.linear_step_percent"),
        (lambda: DeploymentOptions(strategy="linear", linear_step_percent=10.05), "multiple of 0.1"),
        (lambda: DeploymentOptions(strategy="canary", bake_time=1000, canary_bake_time=1000), "33 hours"),
        (lambda: DeploymentOptions(canary_percent=5), "only used with deployment.strategy 'canary'"),
        (lambda: DeploymentOptions(bake_time=5), "deployment.bake_time: only used with"),
        (lambda: DeploymentOptions(strategy="blue-green"), "deployment.strategy"),
        (
            lambda: ServiceConfig(
                load_balancer=LoadBalancerOptions(kind="nlb"), deployment=DeploymentOptions(strategy="canary")
            ),
            "nlb-resources-for-blue-green",
        ),
        (
            lambda: ServiceConfig(
                deployment=DeploymentOptions(strategy="blue_green", test_header_name="X", test_priority=3)
            ),
            "deployment.test_priority: only used with load_balancer.kind 'shared'",
        ),
        (
            lambda: ServiceConfig(
                load_balancer=LoadBalancerOptions(kind="shared"),
                routing=RoutingOptions(hosts=("a.example.com",), priority=5),
                deployment=DeploymentOptions(strategy="blue_green", test_header_name="X", test_priority=6),
            ),
            "must be lower than routing.priority 5",
        ),
        (
            lambda: ServiceConfig(cpu_architecture="ARM64", capacity=CapacityOptions(spot_weight=1)),
            "fargate-capacity-providers.html",
        ),
        (lambda: CapacityOptions(on_demand_base=2), "only used with a capacity.spot_weight above 0"),
        (lambda: ServiceConfig(sidecars=(SidecarOptions(name="log", cpu=256),)), "reserve 256 CPU units"),
        (lambda: ServiceConfig(sidecars=(SidecarOptions(name="log", memory=512),)), "reserve 512 MiB of memory"),
        (lambda: ServiceConfig(sidecars=(SidecarOptions(name="app"),)), "sidecars[0].name: 'app' is already"),
        (
            lambda: ServiceConfig(sidecars=(SidecarOptions(name="log", depends_on=(("db", "START"),)),)),
            "sidecars[0].depends_on: 'db' is not another container",
        ),
        (
            lambda: ServiceConfig(
                sidecars=(SidecarOptions(name="log", depends_on={"app": "START"}, start_before_app="START"),)
            ),
            "cycle (log -> app -> log)",
        ),
        (
            lambda: ServiceConfig(sidecars=(SidecarOptions(name="log", depends_on={"app": "SUCCESS"}),)),
            "waits for an essential container to exit",
        ),
        (lambda: SidecarOptions(name="init", start_before_app="COMPLETE"), "set essential = false"),
        (lambda: SidecarOptions(), "name: required"),
        (lambda: SidecarOptions(name="x", environment={"AWS_SECRET_ACCESS_KEY": "k"}), "environment: 'AWS_SECRET"),
    ],
)
def test_bad_rollouts_are_refused_naming_the_field(build, mentions: str) -> None:
    with pytest.raises(ConfigError) as raised:
        build()
    assert mentions in str(raised.value)


@pytest.mark.parametrize(
    ("value", "what"),
    [
        (float("nan"), "nan is not a finite number"),
        (float("inf"), "inf is not a finite number"),
        (float("-inf"), "-inf is not a finite number"),
        # TOML's true is a bool, which Python counts as the int 1: refused like text, not read as 1%.
        (True, "True is not a number"),
        ("10", "'10' is not a number"),
    ],
)
@pytest.mark.parametrize(("strategy", "field"), [("canary", "canary_percent"), ("linear", "linear_step_percent")])
def test_a_percentage_that_is_not_a_finite_number_is_refused_in_words(
    value: object, what: str, strategy: str, field: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        DeploymentOptions(strategy=strategy, **{field: value})
    low, high = (0.1, 100.0) if strategy == "canary" else (3.0, 100.0)
    assert str(caught.value) == f"deployment.{field}: {what}; give a percentage from {low} to {high}"


def test_a_canary_bake_time_out_of_range_is_refused_naming_the_field() -> None:
    with pytest.raises(ConfigError) as caught:
        DeploymentOptions(strategy="canary", canary_bake_time=5000)
    assert str(caught.value) == "deployment.canary_bake_time: 5000 is out of range; allowed 0 to 1440"


def test_the_percentages_say_their_bounds_in_json_schema() -> None:
    fields = {field.name: field for field in dataclasses.fields(DeploymentOptions)}
    assert [fields[name].metadata[ALLOWED].schema() for name in ("canary_percent", "linear_step_percent")] == [
        {"type": "number", "minimum": 0.1, "maximum": 100.0},
        {"type": "number", "minimum": 3.0, "maximum": 100.0},
    ]


def test_a_canary_may_bake_33_hours_in_all_and_not_a_minute_more() -> None:
    assert DeploymentOptions(strategy="canary", bake_time=1440, canary_bake_time=540).canary_bake_time == 540
    with pytest.raises(ConfigError) as caught:
        DeploymentOptions(strategy="canary", bake_time=1440, canary_bake_time=541)
    assert str(caught.value) == (
        "deployment.bake_time, deployment.canary_bake_time: 1440 + 541 minutes is over 1980 (33 hours), which "
        "CloudFormation rejects for a canary deployment"
    )


def test_a_linear_step_bake_time_out_of_range_is_refused_naming_the_field() -> None:
    with pytest.raises(ConfigError) as caught:
        DeploymentOptions(strategy="linear", linear_step_bake_time=1441)
    assert str(caught.value) == "deployment.linear_step_bake_time: 1441 is out of range; allowed 0 to 1440"


def test_a_bake_time_with_a_rolling_deployment_is_refused_saying_why() -> None:
    with pytest.raises(ConfigError) as caught:
        DeploymentOptions(bake_time=5)
    assert str(caught.value) == (
        "deployment.bake_time: only used with deployment.strategy blue_green, canary or linear; a rolling deployment "
        "runs one revision behind one target group"
    )


def test_traffic_shifting_on_an_nlb_is_refused_with_the_two_ways_out() -> None:
    with pytest.raises(ConfigError) as caught:
        ServiceConfig(load_balancer=LoadBalancerOptions(kind="nlb"), deployment=DeploymentOptions(strategy="canary"))
    assert str(caught.value) == (
        "deployment.strategy: 'canary' is not supported with load_balancer.kind 'nlb': this library shifts traffic "
        "through ALB listener rules only (on an NLB ECS shifts a whole listener and adds a 10-minute wait to each "
        f"traffic shift, {NLB_STRATEGY_PAGE}); use 'rolling' or an ALB"
    )


@pytest.mark.parametrize(
    ("strategy", "field", "low", "high"),
    [("canary", "canary_percent", 0.1, 100), ("linear", "linear_step_percent", 3, 100)],
)
def test_a_percentage_may_be_either_end_of_its_range(strategy: str, field: str, low: float, high: float) -> None:
    for value in (low, high):
        assert getattr(DeploymentOptions(strategy=strategy, **{field: value}), field) == value


def test_a_test_header_on_a_rule_already_full_of_hosts_and_paths_is_refused_counting_them() -> None:
    with pytest.raises(ConfigError) as raised:
        ServiceConfig(
            load_balancer=LoadBalancerOptions(kind="shared"),
            routing=RoutingOptions(hosts=("a.example.com", "b.example.com"), paths=("/a", "/b", "/c")),
            deployment=DeploymentOptions(strategy="blue_green", test_header_name="X-Test"),
        )
    assert str(raised.value) == (
        "deployment.test_header_name: the test rule takes routing's 5 hosts and paths and the header, 6 condition "
        "values; an ALB listener rule takes at most 5"
    )
