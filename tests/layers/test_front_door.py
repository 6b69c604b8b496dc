"""The shared front door's stack: one internet-facing ALB for many services."""

from __future__ import annotations

from conftest import catalogue_dict, lint_findings, one, resources_of_type

from fargate_private_templates import contract
from fargate_private_templates.config.front_door import FrontDoorConfig
from fargate_private_templates.layers import build_front_door
from fargate_private_templates.layers.blocks.security_groups import NO_EGRESS
from fargate_private_templates.render import ordered_dict, render_yaml


def ingress(config: FrontDoorConfig | None = None) -> dict:
    return ordered_dict(build_front_door(config))


def test_front_door_is_an_internet_facing_alb_in_the_public_subnets_with_a_404_default() -> None:
    template = ingress()
    balancer = one(template, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    assert balancer["Scheme"] == "internet-facing" and balancer["Type"] == "application"
    assert "NetworkStackName}-PublicSubnetIds" in str(balancer["Subnets"])
    attributes = {a["Key"]: a["Value"] for a in balancer["LoadBalancerAttributes"] if "Key" in a}
    assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"
    assert attributes["routing.http.desync_mitigation_mode"] == "defensive"
    listeners = {
        listener["Properties"]["Protocol"]: listener["Properties"]
        for listener in resources_of_type(template, "AWS::ElasticLoadBalancingV2::Listener").values()
    }
    assert listeners["HTTPS"]["DefaultActions"][0]["FixedResponseConfig"]["StatusCode"] == "404"
    assert listeners["HTTPS"]["SslPolicy"].startswith("ELBSecurityPolicy-TLS13")
    assert listeners["HTTP"]["DefaultActions"][0]["Type"] == "redirect"
    assert lint_findings(render_yaml(build_front_door())) == []


def test_internal_front_door_sits_in_the_private_subnets() -> None:
    balancer = one(ingress(FrontDoorConfig(internal=True)), "AWS::ElasticLoadBalancingV2::LoadBalancer")
    assert balancer["Scheme"] == "internal" and "PrivateSubnetIds" in str(balancer["Subnets"])


def test_front_door_group_admits_only_the_allow_list_on_the_listener_ports_and_has_no_egress() -> None:
    config = FrontDoorConfig(allowed_cidrs=("203.0.113.0/24",), allowed_prefix_lists=("pl-0123456789abcdef0",))
    group = one(ingress(config), "AWS::EC2::SecurityGroup")
    sources = {(r["FromPort"], r.get("CidrIp") or r.get("SourcePrefixListId")) for r in group["SecurityGroupIngress"]}
    # A prefix list on HTTPS only: it weighs its max entries against the group's rule quota (CloudFront's: 55 of 60).
    assert sources == {(443, "203.0.113.0/24"), (80, "203.0.113.0/24"), (443, "pl-0123456789abcdef0")}
    # One rule that matches nothing: CloudFormation then adds no allow-all egress; services add theirs.
    (egress,) = group["SecurityGroupEgress"]
    assert (egress["CidrIp"], egress["IpProtocol"]) == ("255.255.255.255/32", "icmp")


def test_a_front_door_behind_cloudfront_lints_clean_with_its_one_prefix_list_rule() -> None:
    config = FrontDoorConfig(allowed_cidrs=(), allowed_prefix_lists=("pl-3b927c52",))
    group = one(ingress(config), "AWS::EC2::SecurityGroup")
    assert [(r["FromPort"], r["SourcePrefixListId"]) for r in group["SecurityGroupIngress"]] == [(443, "pl-3b927c52")]
    assert lint_findings(render_yaml(build_front_door(config))) == []


def test_front_door_waf_is_optional_and_exports_what_services_need() -> None:
    template = ingress()
    (association,) = resources_of_type(template, "AWS::WAFv2::WebACLAssociation").values()
    assert association["Condition"] == "HasWebAcl" and template["Parameters"]["WebAclArn"]["Default"] == ""
    exported = [o["Export"]["Name"]["Fn::Sub"].split("-", 1)[1] for o in template["Outputs"].values()]
    assert exported == [
        "HttpsListenerArn",
        "LoadBalancerSecurityGroupId",
        "LoadBalancerFullName",
        "LoadBalancerDnsName",
        "LoadBalancerCanonicalHostedZoneId",
    ]


def test_the_front_door_uses_the_same_no_egress_rule() -> None:
    group = catalogue_dict("ingress-alb.yaml")["Resources"]["LoadBalancerSecurityGroup"]["Properties"]
    assert [{k: v for k, v in rule.items() if k != "Description"} for rule in group["SecurityGroupEgress"]] == [
        NO_EGRESS
    ]


def test_behind_cloudfront_the_front_door_is_internal_and_admits_cloudfront_alone() -> None:
    config = FrontDoorConfig(kind="cloudfront")
    template = ingress(config)
    balancer = one(template, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    assert balancer["Scheme"] == "internal" and "PrivateSubnetIds" in str(balancer["Subnets"])
    group = one(template, "AWS::EC2::SecurityGroup")
    assert [(r["FromPort"], r["SourcePrefixListId"]) for r in group["SecurityGroupIngress"]] == [
        (443, {"Ref": "OriginFacingPrefixListId"})
    ]
    (listener,) = resources_of_type(template, "AWS::ElasticLoadBalancingV2::Listener").values()
    assert listener["Properties"]["Protocol"] == "HTTPS"
    # The web ACL belongs to the distribution: no regional one on the load balancer.
    assert (
        not resources_of_type(template, "AWS::WAFv2::WebACLAssociation") and "WebAclArn" not in template["Parameters"]
    )
    (origin,) = resources_of_type(template, "AWS::CloudFront::VpcOrigin").values()
    assert origin["Properties"]["VpcOriginEndpointConfig"]["Arn"] == {"Ref": "LoadBalancer"}
    assert "behind CloudFront (a VPC origin)" in template["Description"]
    # No redirect-port finding to accept: nothing is open to the world.
    assert "checkov" not in template["Resources"]["LoadBalancerSecurityGroup"].get("Metadata", {})


def test_behind_cloudfront_the_front_door_also_exports_its_distribution() -> None:
    template = ingress(FrontDoorConfig(kind="cloudfront"))
    assert contract.exported_keys(template) == [
        *(key.value for key in contract.FrontDoorExport),
    ]
    assert template["Outputs"]["DistributionDomainName"]["Value"] == {"Fn::GetAtt": ["Distribution", "DomainName"]}
    assert contract.exported_keys(ingress()) == [
        key.value for key in contract.FrontDoorExport if not key.value.startswith("Distribution")
    ]


def test_a_dual_stack_front_door_admits_ipv6_ranges_as_ipv6_rules() -> None:
    config = FrontDoorConfig(ip_address_type="dualstack", allowed_cidrs=("0.0.0.0/0", "2001:db8::/32"))
    template = ingress(config)
    balancer = one(template, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    assert (balancer["Scheme"], balancer["IpAddressType"]) == ("internet-facing", "dualstack")
    group = one(template, "AWS::EC2::SecurityGroup")
    assert [(r["FromPort"], r.get("CidrIp"), r.get("CidrIpv6")) for r in group["SecurityGroupIngress"]] == [
        (443, "0.0.0.0/0", None),
        (80, "0.0.0.0/0", None),
        (443, None, "2001:db8::/32"),
        (80, None, "2001:db8::/32"),
    ]
    assert lint_findings(render_yaml(build_front_door(config))) == []


def test_an_ipv6_only_allow_list_open_to_the_world_is_accepted_for_the_redirect_port_too() -> None:
    template = ingress(FrontDoorConfig(ip_address_type="dualstack-without-public-ipv4", allowed_cidrs=("::/0",)))
    skipped = template["Resources"]["LoadBalancerSecurityGroup"]["Metadata"]["checkov"]["skip"]
    assert "CKV_AWS_260" in [item["id"] for item in skipped]
