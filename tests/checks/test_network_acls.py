"""Network ACLs of task subnets on the path of each need (E9012)."""

from __future__ import annotations

from conftest import FIXTURES
from conftest import fixture as load
from conftest import rule_messages as messages

from fargate_private_templates.checks import check_dicts


def acl_entry(number: int, egress: bool, **properties: object) -> dict:
    entry = {"NetworkAclId": {"Ref": "TaskNetworkAcl"}, "RuleNumber": number, "Egress": egress}
    return {"Type": "AWS::EC2::NetworkAclEntry", "Properties": {**entry, "CidrBlock": "0.0.0.0/0", **properties}}


def test_a_network_acl_entry_with_protocol_tcp_by_name_is_read() -> None:
    template = load("E9012-good.yaml")
    template["Resources"]["DenyHttpsOut"] = acl_entry(
        50, True, Protocol="tcp", RuleAction="deny", PortRange={"From": 443, "To": 443}
    )
    (message,) = messages(template, "E9012")
    assert "blocks TCP 443 out to" in message and "(rule 50 denys it)" in message


def test_a_network_acl_with_no_matching_entry_says_the_final_rule_denies() -> None:
    template = load("E9012-good.yaml")
    del template["Resources"]["HttpsOutEntry"]
    (message,) = messages(template, "E9012")
    assert "blocks TCP 443 out to" in message
    assert message.endswith(
        "(no entry allows it (the final * rule denies)); fix: add an outbound allow entry tcp 443 to 0.0.0.0/0 before "
        "any deny"
    )


def test_an_acl_blocking_only_the_interface_endpoints_asks_for_the_vpc_cidr() -> None:
    template = load("E9012-good.yaml")
    template["Resources"]["DenyVpcHttps"] = acl_entry(
        50, True, Protocol=6, RuleAction="deny", PortRange={"From": 443, "To": 443}, CidrBlock="10.0.0.0/16"
    )
    (message,) = messages(template, "E9012")
    assert message == (
        "network ACL of task subnet PrivateSubnet1 blocks TCP 443 out to EcrApiEndpoint (ecr.api), EcrDkrEndpoint "
        "(ecr.dkr), LogsEndpoint (logs) (rule 50 denys it); fix: add an outbound allow entry tcp 443 to the VPC CIDR "
        "before any deny"
    )


def test_an_acl_entry_to_a_cidr_from_a_parameter_cannot_be_judged() -> None:
    template = load("E9012-good.yaml")
    template["Parameters"] = {**template.get("Parameters", {}), "AllowedCidr": {"Type": "String"}}
    template["Resources"]["HttpsOutEntry"]["Properties"]["CidrBlock"] = {"Ref": "AllowedCidr"}
    findings = check_dicts({"t.yaml": template}).findings
    assert {f.rule_id for f in findings} == {"W9009"} and len(findings) == 4
    assert findings[0].message == (
        "cannot tell whether it passes TCP 443 out to EcrApiEndpoint (ecr.api) for task subnet PrivateSubnet1: the "
        "CIDR comes from parameter AllowedCidr"
    )


def test_a_network_acl_entry_without_a_rule_action_does_not_allow_and_invents_no_action() -> None:
    template = load("E9012-good.yaml")
    del template["Resources"]["HttpsOutEntry"]["Properties"]["RuleAction"]
    (message,) = messages(template, "E9012")
    assert "blocks TCP 443 out to" in message and "(rule 100 s it)" in message


def test_a_network_acl_deny_before_the_allow_blocks_https() -> None:
    template = load(FIXTURES / "E9012-good.yaml")
    template["Resources"]["DenyHttpsOut"] = {
        "Type": "AWS::EC2::NetworkAclEntry",
        "Properties": {
            "NetworkAclId": {"Ref": "TaskNetworkAcl"},
            "RuleNumber": 50,
            "Protocol": -1,
            "RuleAction": "deny",
            "Egress": True,
            "CidrBlock": "0.0.0.0/0",
        },
    }
    (finding,) = check_dicts({"t.yaml": template}).findings
    assert finding.rule_id == "E9012" and "blocks TCP 443 out" in finding.message and "rule 50 denys" in finding.message


def test_an_inbound_deny_inside_the_ephemeral_range_is_reported_for_exactly_its_ports() -> None:
    template = load("E9012-good.yaml")
    template["Resources"]["DenySomeReturnPorts"] = acl_entry(
        50, False, Protocol=6, RuleAction="deny", PortRange={"From": 2000, "To": 3000}
    )
    # An outbound entry over ephemeral ports says nothing about the way back: it cuts no stretch.
    template["Resources"]["AllowSomeOutboundPorts"] = acl_entry(
        60, True, Protocol=6, RuleAction="allow", PortRange={"From": 5000, "To": 6000}
    )
    (message,) = messages(template, "E9012")
    assert "blocks TCP 2000-3000 back from" in message and "(rule 50 denys it)" in message


def test_a_vpc_without_dns_support_fails_at_that_property() -> None:
    template = load("E9013-good.yaml")
    template["Resources"]["VPC"]["Properties"]["EnableDnsSupport"] = False
    (finding,) = check_dicts({"t.yaml": template}).findings
    assert (finding.rule_id, finding.logical_id) == ("E9013", "VPC")
    assert finding.location == ("Resources", "VPC", "Properties", "EnableDnsSupport")
    assert finding.message.startswith("has EnableDnsSupport off, but the tasks use interface endpoints")


def test_every_vpc_an_endpoint_may_be_in_is_checked_and_named() -> None:
    template = load("E9013-good.yaml")
    template["Resources"]["OtherVPC"] = {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.1.0.0/16"}}
    template.setdefault("Conditions", {})["UseOther"] = {"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1"]}
    endpoint = template["Resources"]["EcrApiEndpoint"]["Properties"]
    endpoint["VpcId"] = {"Fn::If": ["UseOther", {"Ref": "OtherVPC"}, {"Ref": "VPC"}]}
    (finding,) = check_dicts({"t.yaml": template}).findings
    assert finding.location == ("Resources", "OtherVPC", "Properties", "EnableDnsHostnames")
    assert "(EcrApiEndpoint (ecr.api))" in finding.message


def test_an_acl_allowing_only_the_vpc_blocks_the_s3_gateway_endpoint_alone() -> None:
    template = load("E9012-good.yaml")
    template["Resources"]["HttpsOutEntry"]["Properties"]["CidrBlock"] = "10.0.0.0/16"
    assert messages(template, "E9012") == [
        "network ACL of task subnet PrivateSubnet1 blocks TCP 443 out to the S3 gateway endpoint (no entry allows it "
        "(the final * rule denies)); fix: add an outbound allow entry tcp 443 to 0.0.0.0/0 before any deny"
    ]


def test_dns_support_from_a_parameter_is_a_warning_at_the_vpc() -> None:
    template = load("E9013-good.yaml")
    template.setdefault("Parameters", {})["DnsSupport"] = {"Type": "String"}
    template["Resources"]["VPC"]["Properties"]["EnableDnsSupport"] = {"Ref": "DnsSupport"}
    (finding,) = check_dicts({"t.yaml": template}).findings
    assert (finding.rule_id, finding.logical_id, finding.location) == (
        "W9009",
        "VPC",
        ("Resources", "VPC", "Properties", "EnableDnsSupport"),
    )
