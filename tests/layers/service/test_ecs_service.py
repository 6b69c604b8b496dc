"""The ECS service in the private subnets, its autoscaling and its desired count."""

from __future__ import annotations

import pytest
from conftest import SERVICE_VARIANTS as VARIANTS
from conftest import import_key as _import_key
from conftest import one as _one
from conftest import resources_of_type
from conftest import service_variant as _build

from fargate_private_templates.config.service import ScalingOptions, ServiceConfig
from fargate_private_templates.layers.service import build_service
from fargate_private_templates.render import ordered_dict


@pytest.mark.parametrize("variant", VARIANTS)
def test_tasks_run_in_the_private_subnets_without_public_ips(variant: str) -> None:
    template = _build(variant)
    service = _one(template, "AWS::ECS::Service")
    awsvpc = service["NetworkConfiguration"]["AwsvpcConfiguration"]
    assert awsvpc["AssignPublicIp"] == "DISABLED"
    assert _import_key(awsvpc["Subnets"]) == "PrivateSubnetIds"
    assert awsvpc["SecurityGroups"] == [{"Fn::GetAtt": ["TaskSecurityGroup", "GroupId"]}]
    assert service["LaunchType"] == "FARGATE" and service["PlatformVersion"] == "1.4.0"
    assert service["DeploymentConfiguration"]["DeploymentCircuitBreaker"] == {"Enable": True, "Rollback": True}
    assert _import_key(service["Cluster"]) == "ClusterArn"
    forwarding = [
        k
        for k, v in resources_of_type(template, "AWS::ElasticLoadBalancingV2::Listener").items()
        if v["Properties"]["DefaultActions"][0]["Type"] == "forward"
    ]
    assert template["Resources"]["Service"]["DependsOn"] == forwarding


def test_autoscaling_tracks_cpu_and_optionally_requests() -> None:
    template = _build("secrets-exec-requests")
    target = _one(template, "AWS::ApplicationAutoScaling::ScalableTarget")
    assert (target["MinCapacity"], target["MaxCapacity"]) == (2, 4)
    assert target["ResourceId"]["Fn::Join"][1][2] == {"Fn::GetAtt": ["Service", "Name"]}
    policies = resources_of_type(template, "AWS::ApplicationAutoScaling::ScalingPolicy")
    metrics = {
        p["Properties"]["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"][
            "PredefinedMetricType"
        ]
        for p in policies.values()
    }
    assert metrics == {"ECSServiceAverageCPUUtilization", "ALBRequestCountPerTarget"}
    assert len(resources_of_type(_build("alb"), "AWS::ApplicationAutoScaling::ScalingPolicy")) == 1


def test_desired_count_is_left_to_autoscaling_unless_pinned() -> None:
    template = _build("alb")
    parameter = template["Parameters"]["DesiredCount"]
    assert (parameter["Type"], parameter["Default"]) == ("String", "")
    assert template["Conditions"]["HasDesiredCount"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "DesiredCount"}, ""]}]}
    assert _one(template, "AWS::ECS::Service")["DesiredCount"] == {
        "Fn::If": ["HasDesiredCount", {"Ref": "DesiredCount"}, {"Ref": "AWS::NoValue"}]
    }
    pinned = ordered_dict(build_service(ServiceConfig(scaling=ScalingOptions(desired_count=3))))
    assert pinned["Parameters"]["DesiredCount"]["Default"] == "3"
