"""Features detected in rendered templates, and templates refused where a feature is not documented."""

from __future__ import annotations

import pytest

from fargate_private_templates.config import ConfigError, NetworkConfig, PullThroughCacheConfig
from fargate_private_templates.layers import build_pull_through_cache
from fargate_private_templates.regions.availability import PQ_TLS_POLICY as TLS_POLICY
from fargate_private_templates.regions.features import check_regions_support, deployable_regions, features_used
from fargate_private_templates.regions.partitions import LINT_REGIONS
from fargate_private_templates.render import ordered_dict
from fargate_private_templates.stacks import build_stacks


def _template(kind: str, properties: dict) -> dict:
    return {"Resources": {"Thing": {"Type": kind, "Properties": properties}}}


def test_listener_with_the_pq_tls_policy_is_detected() -> None:
    template = _template("AWS::ElasticLoadBalancingV2::Listener", {"Port": 443, "SslPolicy": TLS_POLICY})
    assert features_used(template) == ["pq_tls_policy"]


def test_a_regional_nat_gateway_and_an_arm64_task_definition_are_detected_and_nothing_else_is() -> None:
    assert features_used(_template("AWS::EC2::NatGateway", {"AvailabilityMode": "regional"})) == ["regional_nat"]
    assert features_used(_template("AWS::EC2::NatGateway", {"SubnetId": "subnet-1"})) == []
    arm64 = {"RuntimePlatform": {"CpuArchitecture": "ARM64", "OperatingSystemFamily": "LINUX"}}
    assert features_used(_template("AWS::ECS::TaskDefinition", arm64)) == ["arm64"]
    assert features_used(_template("AWS::ECS::Service", arm64)) == []


def test_container_insights_is_detected_unless_disabled() -> None:
    def cluster(value: str) -> dict:
        return _template("AWS::ECS::Cluster", {"ClusterSettings": [{"Name": "containerInsights", "Value": value}]})

    assert features_used(cluster("enhanced")) == features_used(cluster("enabled")) == ["container_insights"]
    assert features_used(cluster("disabled")) == []


def test_service_with_ecs_exec_is_detected() -> None:
    template = _template("AWS::ECS::Service", {"EnableExecuteCommand": True})
    assert features_used(template) == ["ecs_exec"]


def test_a_cloudfront_vpc_origin_is_detected_and_deploys_only_in_the_commercial_partition() -> None:
    template = _template("AWS::CloudFront::VpcOrigin", {"VpcOriginEndpointConfig": {}})
    assert features_used(template) == ["cloudfront_vpc_origin"]
    assert features_used(_template("AWS::CloudFront::Distribution", {})) == []
    assert deployable_regions(template, LINT_REGIONS) == ("us-east-1", "eu-west-1", "ap-northeast-1")


def test_pull_through_cache_from_docker_hub_is_not_the_ecr_public_feature() -> None:
    rule = {"EcrRepositoryPrefix": "docker-hub", "UpstreamRegistry": "docker-hub"}
    assert features_used(_template("AWS::ECR::PullThroughCacheRule", rule)) == ["pull_through_cache"]
    public = {"EcrRepositoryPrefix": "ecr-public", "UpstreamRegistry": "ecr-public"}
    assert features_used(_template("AWS::ECR::PullThroughCacheRule", public)) == ["pull_through_cache_ecr_public"]


def test_a_feature_missing_in_a_region_is_refused_naming_feature_region_and_source() -> None:
    stack = {"registry-pull-through-cache.yaml": build_pull_through_cache(PullThroughCacheConfig("ecr-public"))}
    check_regions_support(stack, ["us-east-1"])
    with pytest.raises(ConfigError) as error:
        check_regions_support(stack, ["us-east-1", "cn-north-1"])
    message = str(error.value)
    assert "ECR Public" in message and "which is not available in cn-north-1" in message
    assert "ecr-public.html" in message


def test_a_feature_not_documented_in_a_region_is_refused_and_no_regions_means_agnostic() -> None:
    regional = NetworkConfig(nat_mode="regional")
    assert build_stacks(regional, [], regions=["us-east-1", "cn-north-1"])
    with pytest.raises(ConfigError) as error:
        build_stacks(regional, [], regions=["us-east-1", "us-gov-west-1"])
    message = str(error.value)
    assert "regional NAT gateway" in message and "not documented as available in us-gov-west-1" in message
    assert "govcloud-vpc.html" in message
    assert build_stacks(regional, [])
    assert ordered_dict(build_stacks(regional, [])["network.yaml"]) == ordered_dict(
        build_stacks(regional, [], regions=["us-east-1"])["network.yaml"]
    )


def test_fargate_spot_is_used_by_a_service_strategy_and_not_by_a_cluster_offering_it() -> None:
    offered = ["FARGATE", {"Fn::If": ["PartitionHasFargateSpot", "FARGATE_SPOT", {"Ref": "AWS::NoValue"}]}]
    assert features_used(_template("AWS::ECS::Cluster", {"CapacityProviders": offered})) == []
    association = {"Cluster": {"Ref": "Cluster"}, "CapacityProviders": offered}
    assert features_used(_template("AWS::ECS::ClusterCapacityProviderAssociations", association)) == []
    strategy = [{"CapacityProvider": "FARGATE", "Weight": 1}, {"CapacityProvider": "FARGATE_SPOT", "Weight": 3}]
    assert features_used(_template("AWS::ECS::Service", {"CapacityProviderStrategy": strategy})) == ["fargate_spot"]
    on_demand = {"CapacityProviderStrategy": strategy[:1], "Tags": [{"Key": "capacity", "Value": "FARGATE_SPOT"}]}
    assert features_used(_template("AWS::ECS::Service", on_demand)) == []
