"""The service's own load balancer (in the public subnets, or internal behind CloudFront), its listeners, and the
security groups of the load balancer and the tasks."""

from __future__ import annotations

import json

import pytest
from conftest import CERTIFICATE, catalogue_dict, lint_findings, resources_of_type
from conftest import SERVICE_VARIANTS as VARIANTS
from conftest import import_key as _import_key
from conftest import one as _one
from conftest import service_dict as service
from conftest import service_variant as _build

from fargate_private_templates.config.load_balancer import LoadBalancerOptions
from fargate_private_templates.config.service import ServiceConfig
from fargate_private_templates.layers import build_service
from fargate_private_templates.regions.availability import PQ_TLS_POLICY as TLS_POLICY
from fargate_private_templates.render import ordered_dict, render_yaml


@pytest.mark.parametrize("variant", VARIANTS)
def test_load_balancer_is_internet_facing_in_the_public_subnets(variant: str) -> None:
    template = _build(variant)
    load_balancer = _one(template, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    assert load_balancer["Scheme"] == "internet-facing"
    assert _import_key(load_balancer["Subnets"]) == "PublicSubnetIds"
    assert load_balancer["SecurityGroups"] == [{"Fn::GetAtt": ["LoadBalancerSecurityGroup", "GroupId"]}]
    target_group = _one(template, "AWS::ElasticLoadBalancingV2::TargetGroup")
    assert target_group["TargetType"] == "ip" and _import_key(target_group["VpcId"]) == "VpcId"


@pytest.mark.parametrize("variant", VARIANTS)
def test_task_security_group_admits_only_the_load_balancer(variant: str) -> None:
    template = _build(variant)
    config = VARIANTS[variant]
    task_group = template["Resources"]["TaskSecurityGroup"]["Properties"]
    assert "SecurityGroupIngress" not in task_group
    rules = [r["Properties"] for r in resources_of_type(template, "AWS::EC2::SecurityGroupIngress").values()]
    assert rules == [
        {
            "GroupId": {"Fn::GetAtt": ["TaskSecurityGroup", "GroupId"]},
            "IpProtocol": "tcp",
            "FromPort": config.container.port,
            "ToPort": config.container.port,
            "SourceSecurityGroupId": {"Fn::GetAtt": ["LoadBalancerSecurityGroup", "GroupId"]},
            "Description": "Container port from the load balancer only",
        }
    ]
    assert [(r["FromPort"], r["CidrIp"]) for r in task_group["SecurityGroupEgress"]] == [(443, "0.0.0.0/0")]
    lb_group = template["Resources"]["LoadBalancerSecurityGroup"]["Properties"]
    expected_ports = [443, 80] if config.load_balancer.kind == "alb" else [config.load_balancer.listener_port]
    assert [(r["FromPort"], r["ToPort"], r["CidrIp"]) for r in lb_group["SecurityGroupIngress"]] == [
        (p, p, "0.0.0.0/0") for p in expected_ports
    ]
    # Inline, only the rule that matches no traffic (it keeps EC2's allow-all egress away); the real egress is a
    # separate resource, to the task group's container port only.
    assert lb_group["SecurityGroupEgress"] == [
        {
            "IpProtocol": "icmp",
            "FromPort": 252,
            "ToPort": 86,
            "CidrIp": "255.255.255.255/32",
            "Description": "Disallow all traffic",
        }
    ]
    egress = [r["Properties"] for r in resources_of_type(template, "AWS::EC2::SecurityGroupEgress").values()]
    assert egress == [
        {
            "GroupId": {"Fn::GetAtt": ["LoadBalancerSecurityGroup", "GroupId"]},
            "IpProtocol": "tcp",
            "FromPort": config.container.port,
            "ToPort": config.container.port,
            "DestinationSecurityGroupId": {"Fn::GetAtt": ["TaskSecurityGroup", "GroupId"]},
            "Description": "Traffic and health checks to the tasks' container port",
        }
    ]
    every_rule = lb_group["SecurityGroupIngress"] + lb_group["SecurityGroupEgress"] + task_group["SecurityGroupEgress"]
    assert all(r.get("Description") for r in every_rule + rules + egress)


@pytest.mark.parametrize("variant", VARIANTS)
def test_load_balancer_group_does_not_wait_for_the_task_group(variant: str) -> None:
    """The load balancer's group refers to no other resource, so the load balancer starts without the tasks' group."""
    lb_group = _build(variant)["Resources"]["LoadBalancerSecurityGroup"]
    assert "TaskSecurityGroup" not in json.dumps(lb_group) and "DependsOn" not in lb_group


def test_alb_listens_https_with_the_tls_policy_and_redirects_http() -> None:
    template = _build("alb")
    listeners = resources_of_type(template, "AWS::ElasticLoadBalancingV2::Listener")
    https = listeners["HttpsListener"]["Properties"]
    assert (https["Port"], https["Protocol"], https["SslPolicy"]) == (443, "HTTPS", TLS_POLICY)
    assert https["Certificates"] == [{"CertificateArn": {"Ref": "CertificateArn"}}]
    redirect = listeners["HttpRedirectListener"]["Properties"]
    assert (redirect["Port"], redirect["Protocol"]) == (80, "HTTP")
    assert redirect["DefaultActions"] == [
        {"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}
    ]
    attributes = {
        a["Key"]: a["Value"]
        for a in _one(template, "AWS::ElasticLoadBalancingV2::LoadBalancer")["LoadBalancerAttributes"]
        if "Key" in a
    }
    assert attributes == {
        "deletion_protection.enabled": {"Ref": "DeletionProtection"},
        "routing.http.drop_invalid_header_fields.enabled": "true",
        "routing.http.desync_mitigation_mode": "defensive",
        "access_logs.s3.enabled": {"Fn::If": ["HasAccessLogs", "true", "false"]},
    }
    assert "Default" not in template["Parameters"]["CertificateArn"], "asked at deploy time"


def test_nlb_variants() -> None:
    tcp = _build("nlb-tcp")
    (listener,) = resources_of_type(tcp, "AWS::ElasticLoadBalancingV2::Listener").values()
    assert (listener["Properties"]["Protocol"], listener["Properties"]["Port"]) == ("TCP", 80)
    assert "CertificateArn" not in tcp["Parameters"]
    assert _one(tcp, "AWS::ElasticLoadBalancingV2::LoadBalancer")["Type"] == "network"
    assert _one(tcp, "AWS::ElasticLoadBalancingV2::TargetGroup")["HealthCheckProtocol"] == "TCP"
    tls = _build("nlb-tls-http-health")
    (listener,) = resources_of_type(tls, "AWS::ElasticLoadBalancingV2::Listener").values()
    assert (listener["Properties"]["Protocol"], listener["Properties"]["SslPolicy"]) == ("TLS", TLS_POLICY)
    assert tls["Parameters"]["CertificateArn"]["Default"] == CERTIFICATE
    target_group = _one(tls, "AWS::ElasticLoadBalancingV2::TargetGroup")
    assert (target_group["HealthCheckProtocol"], target_group["HealthCheckPath"]) == ("HTTP", "/")


def test_extra_egress_ports_become_parameters_and_the_output_names_them() -> None:
    template = service(ServiceConfig(egress_ports=(443, 5432)))
    parameter = template["Parameters"]["EgressPort1"]
    assert parameter["Type"] == "Number" and parameter["Default"] == 5432
    assert (parameter["MinValue"], parameter["MaxValue"]) == (1, 65535)
    egress = template["Resources"]["TaskSecurityGroup"]["Properties"]["SecurityGroupEgress"]
    assert [(r["FromPort"], r["ToPort"], r["CidrIp"]) for r in egress] == [
        (443, 443, "0.0.0.0/0"),
        ({"Ref": "EgressPort1"}, {"Ref": "EgressPort1"}, "0.0.0.0/0"),
    ]
    text = template["Outputs"]["TaskSecurityGroupId"]["Description"]
    assert "TCP 443" in text and "EgressPort1 (default 5432)" in text and "must also admit" in text


def test_the_port_values_are_parameters_not_shape() -> None:
    postgres, mysql = service(ServiceConfig(egress_ports=(443, 5432))), service(ServiceConfig(egress_ports=(3306, 443)))
    mysql["Parameters"]["EgressPort1"]["Default"] = 5432
    mysql["Outputs"]["TaskSecurityGroupId"] = postgres["Outputs"]["TaskSecurityGroupId"]
    assert mysql == postgres


def test_with_only_443_the_output_does_not_invite_a_database_rule_egress_cannot_use() -> None:
    template = catalogue_dict("service-alb.yaml")
    assert not [name for name in template["Parameters"] if name.startswith("EgressPort")]
    text = template["Outputs"]["TaskSecurityGroupId"]["Description"]
    assert "only TCP 443" in text and "egress_ports" in text and "admit this group" in text
    egress = template["Resources"]["TaskSecurityGroup"]["Properties"]["SecurityGroupEgress"]
    assert [r["FromPort"] for r in egress] == [443]


def _cloudfront_service(**options: object) -> dict:
    return service(ServiceConfig(load_balancer=LoadBalancerOptions(kind="cloudfront", **options)))


def test_behind_cloudfront_the_alb_is_internal_in_the_private_subnets_with_https_alone() -> None:
    template = _cloudfront_service()
    load_balancer = _one(template, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    assert (load_balancer["Scheme"], load_balancer["Type"], load_balancer["IpAddressType"]) == (
        "internal",
        "application",
        "ipv4",
    )
    assert _import_key(load_balancer["Subnets"]) == "PrivateSubnetIds"
    attributes = {a["Key"] for a in load_balancer["LoadBalancerAttributes"] if "Key" in a}
    assert "routing.http.drop_invalid_header_fields.enabled" in attributes
    # CloudFront redirects viewers to HTTPS and reaches the origin over HTTPS only: no HTTP listener.
    (listener,) = resources_of_type(template, "AWS::ElasticLoadBalancingV2::Listener")
    assert listener == "HttpsListener"
    assert template["Description"].endswith(
        "behind CloudFront and, through a VPC origin, an internal ALB in the private subnets"
    )


@pytest.mark.parametrize(("kind", "ports"), [("alb", [443, 80]), ("nlb", [80])])
def test_a_dual_stack_load_balancer_admits_its_listener_ports_from_ipv6_too(kind: str, ports: list[int]) -> None:
    balancer = LoadBalancerOptions(kind=kind, ip_address_type="dualstack")
    template = service(ServiceConfig(load_balancer=balancer))
    assert _one(template, "AWS::ElasticLoadBalancingV2::LoadBalancer")["IpAddressType"] == "dualstack"
    ingress = template["Resources"]["LoadBalancerSecurityGroup"]["Properties"]["SecurityGroupIngress"]
    sources = [(rule["FromPort"], rule.get("CidrIp") or rule.get("CidrIpv6")) for rule in ingress]
    assert sources == [(port, "0.0.0.0/0") for port in ports] + [(port, "::/0") for port in ports]
    if kind == "nlb":  # a dual-stack ALB is linted with examples/dual-stack.toml
        assert lint_findings(render_yaml(build_service(ServiceConfig(load_balancer=balancer)))) == []
    single = service(ServiceConfig(load_balancer=LoadBalancerOptions(kind=kind)))
    assert not any(
        "CidrIpv6" in r for r in single["Resources"]["LoadBalancerSecurityGroup"]["Properties"]["SecurityGroupIngress"]
    )


def test_without_public_ipv4_the_alb_says_so() -> None:
    balancer = LoadBalancerOptions(ip_address_type="dualstack-without-public-ipv4")
    load_balancer = _one(service(ServiceConfig(load_balancer=balancer)), "AWS::ElasticLoadBalancingV2::LoadBalancer")
    assert (load_balancer["Scheme"], load_balancer["IpAddressType"]) == (
        "internet-facing",
        "dualstack-without-public-ipv4",
    )


def test_ipv6_egress_opens_every_egress_port_to_ipv6_addresses_too() -> None:
    config = ServiceConfig(egress_ports=(443, 5432))
    egress = ordered_dict(build_service(config, ipv6_egress=True))["Resources"]["TaskSecurityGroup"]["Properties"]
    rules = [(r["FromPort"], r.get("CidrIp") or r.get("CidrIpv6")) for r in egress["SecurityGroupEgress"]]
    port = {"Ref": "EgressPort1"}
    assert rules == [(443, "0.0.0.0/0"), (port, "0.0.0.0/0"), (443, "::/0"), (port, "::/0")]
    plain = ordered_dict(build_service(config))["Resources"]["TaskSecurityGroup"]["Properties"]["SecurityGroupEgress"]
    assert [r.get("CidrIp") for r in plain] == ["0.0.0.0/0", "0.0.0.0/0"]
