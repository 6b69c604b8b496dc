"""A service on the shared front door: its listener rule and the security group rules to and from the front door."""

from __future__ import annotations

import dataclasses
import re

from conftest import CERTIFICATE, lint_findings, one, resources_of_type, shared

from fargate_private_templates.config.load_balancer import LoadBalancerOptions
from fargate_private_templates.config.service import ScalingOptions
from fargate_private_templates.layers import build_service
from fargate_private_templates.render import ordered_dict, render_yaml


def test_attached_service_adds_a_rule_its_own_certificate_and_one_egress_rule_and_no_load_balancer() -> None:
    config = dataclasses.replace(
        shared("api", hosts=("api.example.com",), paths=("/v1/*",), priority=7),
        load_balancer=LoadBalancerOptions(kind="shared", certificate_arn=CERTIFICATE),
        scaling=ScalingOptions(target_requests_per_target=100),
    )
    template = ordered_dict(build_service(config))
    assert not resources_of_type(template, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    rule = one(template, "AWS::ElasticLoadBalancingV2::ListenerRule")
    assert (
        rule["Priority"] == {"Ref": "ListenerRulePriority"}
        and template["Parameters"]["ListenerRulePriority"]["Default"] == 7
    )
    assert "IngressStackName}-HttpsListenerArn" in str(rule["ListenerArn"])
    assert template["Parameters"]["HostHeaders"]["Default"] == "api.example.com"
    assert template["Parameters"]["PathPatterns"]["Default"] == "/v1/*"
    certificate = next(iter(resources_of_type(template, "AWS::ElasticLoadBalancingV2::ListenerCertificate").values()))
    assert certificate["Condition"] == "HasExtraCertificate"
    egress = one(template, "AWS::EC2::SecurityGroupEgress")
    assert "LoadBalancerSecurityGroupId" in str(egress["GroupId"])
    assert (egress["FromPort"], egress["ToPort"]) == (8080, 8080)
    assert egress["DestinationSecurityGroupId"] == {"Fn::GetAtt": ["TaskSecurityGroup", "GroupId"]}
    ingress_rule = one(template, "AWS::EC2::SecurityGroupIngress")
    assert "LoadBalancerSecurityGroupId" in str(ingress_rule["SourceSecurityGroupId"])
    service = one(template, "AWS::ECS::Service")
    assert service["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"] == "DISABLED"
    # ECS registers tasks only in a target group that a listener rule already forwards to.
    assert resources_of_type(template, "AWS::ECS::Service")["Service"]["DependsOn"] == ["ListenerRule"]
    scaling = resources_of_type(template, "AWS::ApplicationAutoScaling::ScalingPolicy")["RequestCountScalingPolicy"]
    label = scaling["Properties"]["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"]
    assert "LoadBalancerFullName" in str(label["ResourceLabel"])
    assert "LoadBalancerDnsName" not in template["Outputs"]
    assert lint_findings(render_yaml(build_service(config))) == []


def test_a_rule_that_could_match_everything_is_refused_in_the_template_too() -> None:
    template = ordered_dict(build_service(shared("web", hosts=("www.example.com",))))
    (assertion,) = template["Rules"]["HostOrPathGiven"]["Assertions"]
    assert "Fn::Or" in assertion["Assert"]


def test_the_path_patterns_parameter_refuses_a_path_that_never_matches() -> None:
    template = ordered_dict(build_service(shared("web", paths=("/web/*",))))
    allowed = re.compile(template["Parameters"]["PathPatterns"]["AllowedPattern"])
    for accepted in ("", "/web/*", "*.jpg,/a/*", "?x"):
        assert allowed.fullmatch(accepted), accepted
    for refused in ("api/*", "/a/*,api/*", "/a b"):
        assert not allowed.fullmatch(refused), refused
