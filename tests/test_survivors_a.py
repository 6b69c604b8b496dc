"""Tests that kill mutation survivors in the config validation and regions.py (survivors list a)."""

from __future__ import annotations

import pytest

from fargate_private_templates.config.capacity import CapacityOptions
from fargate_private_templates.config.file import parse_config, read_config
from fargate_private_templates.config.front_door import FrontDoorConfig
from fargate_private_templates.config.load_balancer import LoadBalancerOptions
from fargate_private_templates.config.network import NetworkConfig
from fargate_private_templates.config.priorities import BAND_WIDTH, PATH_ONLY, SLOTS, computed_priority
from fargate_private_templates.config.reachability import check_reachability
from fargate_private_templates.config.registry import PullThroughCacheConfig, RegistryConfig
from fargate_private_templates.config.routing import RoutingOptions
from fargate_private_templates.config.service import ServiceConfig
from fargate_private_templates.config.sidecars import SidecarOptions
from fargate_private_templates.config.validators import pairs
from fargate_private_templates.errors import ConfigError
from fargate_private_templates.regions.availability import PQ_TLS_POLICY as TLS_POLICY
from fargate_private_templates.regions.features import features_used


def _template(kind: str, properties: dict) -> dict:
    return {"Resources": {"Thing": {"Type": kind, "Properties": properties}}}


# regions.py: features detected in rendered templates


def test_listener_with_the_pq_tls_policy_is_detected() -> None:
    template = _template("AWS::ElasticLoadBalancingV2::Listener", {"Port": 443, "SslPolicy": TLS_POLICY})
    assert features_used(template) == ["pq_tls_policy"]


def test_service_with_ecs_exec_is_detected() -> None:
    template = _template("AWS::ECS::Service", {"EnableExecuteCommand": True})
    assert features_used(template) == ["ecs_exec"]


def test_pull_through_cache_from_docker_hub_is_not_the_ecr_public_feature() -> None:
    rule = {"EcrRepositoryPrefix": "docker-hub", "UpstreamRegistry": "docker-hub"}
    assert features_used(_template("AWS::ECR::PullThroughCacheRule", rule)) == ["pull_through_cache"]
    public = {"EcrRepositoryPrefix": "ecr-public", "UpstreamRegistry": "ecr-public"}
    assert features_used(_template("AWS::ECR::PullThroughCacheRule", public)) == ["pull_through_cache_ecr_public"]


# config/file.py


def test_a_wrong_type_names_every_accepted_type() -> None:
    document = {"services": [{"name": "web", "deployment": {"canary_percent": "x"}}]}
    with pytest.raises(ConfigError) as caught:
        parse_config(document, "f.toml")
    assert str(caught.value) == (
        "f.toml: services[0].deployment.canary_percent: 'x' has the wrong type; expected float or an integer"
    )


def test_a_wrong_type_for_endpoints_lists_the_three_forms() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"network": {"endpoints": 5}, "services": [{"name": "web"}]}, "f.toml")
    assert str(caught.value) == (
        "f.toml: network.endpoints: 5 has the wrong type; expected an array or a table or a string"
    )


def test_an_empty_config_path_is_refused_with_a_message() -> None:
    with pytest.raises(ConfigError) as caught:
        read_config("  ")
    assert str(caught.value) == "config file: the path is empty; give a TOML file"


# config/registry.py, network.py, ingress.py: cleaned values stored


def test_registry_tags_are_stored_sorted() -> None:
    assert RegistryConfig(tags={"team": "a", "env": "b"}).tags == (("env", "b"), ("team", "a"))


def test_pull_through_cache_tags_are_stored_sorted() -> None:
    assert PullThroughCacheConfig(tags={"team": "a", "env": "b"}).tags == (("env", "b"), ("team", "a"))


def test_share_with_is_stored_as_a_tuple() -> None:
    config = NetworkConfig(share_with=["123456789012"])
    assert config.share_with == ("123456789012",)
    assert isinstance(config.share_with, tuple)
    hash(config)


def test_ingress_tag_error_names_the_tags_field() -> None:
    with pytest.raises(ConfigError) as caught:
        FrontDoorConfig(tags={"aws:owner": "x"})
    assert str(caught.value).startswith("tags: tag key 'aws:owner' is not allowed")


# config/rollout.py


def test_on_demand_base_above_100000_is_refused() -> None:
    assert CapacityOptions(spot_weight=1, on_demand_base=100_000).on_demand_base == 100_000
    with pytest.raises(ConfigError) as caught:
        CapacityOptions(spot_weight=1, on_demand_base=100_001)
    assert str(caught.value) == "capacity.on_demand_base: 100001 is out of range; allowed 0 to 100000"


def test_start_before_app_error_names_the_field() -> None:
    with pytest.raises(ConfigError) as caught:
        SidecarOptions(name="log-router", start_before_app="HEALTHY")
    assert str(caught.value) == (
        "start_before_app: 'HEALTHY' is not allowed; choose one of 'START', 'COMPLETE', 'SUCCESS'"
    )


# config/routing.py


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


# config/service.py


def test_a_bad_references_mode_names_the_key() -> None:
    with pytest.raises(ConfigError) as caught:
        ServiceConfig(name="web", references="bogus")
    assert str(caught.value) == "references: 'bogus' is not allowed; choose one of 'exports', 'stack_outputs'"


# config/priorities.py


def test_a_very_long_literal_path_takes_the_most_specific_step() -> None:
    path = "/" + "a" * 127
    service = ServiceConfig(
        name="web", load_balancer=LoadBalancerOptions(kind="shared"), routing=RoutingOptions(paths=(path,))
    )
    priority = computed_priority(service)
    base = 1 + PATH_ONLY * BAND_WIDTH
    # Step 0: the slot alone above the band's first priority.
    assert base <= priority < base + SLOTS


# config/validators.py


def test_a_bad_environment_name_says_what_names_look_like() -> None:
    with pytest.raises(ConfigError) as caught:
        pairs("environment", {"1X": "y"})
    assert str(caught.value) == (
        "environment: '1X' is not allowed; names are letters, digits and _, not starting with a digit"
    )


# config/reachability.py


def test_unreachable_image_lists_the_endpoints_in_place() -> None:
    network = NetworkConfig(nat_mode="none", endpoints=["logs", "s3"])
    with pytest.raises(ConfigError) as caught:
        check_reachability(network, [ServiceConfig(name="web")])
    assert "nat_mode is 'none' and endpoints are [s3, logs]; fix:" in str(caught.value)
