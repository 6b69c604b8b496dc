"""Security groups on the path of each need: task egress (E9010) and endpoint ingress (E9011)."""

from __future__ import annotations

import copy
import itertools
from pathlib import Path

import pytest
from conftest import TEMPLATES, pair_dicts
from conftest import check_template as check
from conftest import fixture as load
from conftest import template_pair as pair

from fargate_private_templates.checks import check_dicts
from fargate_private_templates.render.loader import load_template

NETWORKS = sorted(TEMPLATES.glob("network*.yaml"))

SERVICES = sorted(TEMPLATES.glob("service-*.yaml"))


def rule_ids(templates: dict[str, dict]) -> list[tuple[str, str]]:
    return [(f.logical_id, f.rule_id) for f in check_dicts(templates).findings]


@pytest.mark.parametrize(("network", "service"), list(itertools.product(NETWORKS, SERVICES)), ids=lambda p: p.name)
def test_every_committed_pair_passes_and_names_its_groups(network: Path, service: Path) -> None:
    # A service on the shared front door is checked with the front door it attaches to.
    front_door = [service.parent / "ingress-alb.yaml"] if service.name == "service-shared-alb.yaml" else []
    report = check_dicts({p.name: load_template(p) for p in (network, *front_door, service)})
    assert report.findings == [] and report.exit_code == 0, report.format_text()
    assert report.paths and all(f"{service.name}:TaskSecurityGroup -> " in p.groups for p in report.paths)


def test_the_endpoint_group_admitting_the_vpc_cidr_by_getatt_covers_the_task_subnets() -> None:
    report = check_dicts(pair("network-endpoints.yaml"))
    assert report.findings == []
    assert report.paths[0].groups == (
        "security groups service-alb.yaml:TaskSecurityGroup -> EndpointSecurityGroup (ecr.api, ecr.dkr, logs), "
        "the S3 gateway endpoint"
    )


def _task_egress(templates: dict[str, dict], service: str, rules: list[dict]) -> None:
    templates[service]["Resources"]["TaskSecurityGroup"]["Properties"]["SecurityGroupEgress"] = rules


DATABASE_ONLY = [{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "CidrIp": "10.0.0.0/16"}]
HTTPS_TO_VPC = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "10.0.0.0/16"}
HTTPS_TO_S3 = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "DestinationPrefixListId": "pl-63a5400a"}


ENDPOINTS_FIX = "security group EndpointSecurityGroup (or the VPC CIDR) and to the S3 prefix list (pl-...) or 0.0.0.0/0"


@pytest.mark.parametrize(
    ("network", "fix"),
    [
        ("network.yaml", "0.0.0.0/0"),
        ("network-endpoints.yaml", ENDPOINTS_FIX),
        ("network-nat-endpoints.yaml", ENDPOINTS_FIX),
    ],
)
def test_a_database_only_task_group_fails_on_nat_and_endpoint_networks(network: str, fix: str) -> None:
    templates = pair(network)
    _task_egress(templates, "service-alb.yaml", DATABASE_ONLY)
    report = check_dicts(templates)
    assert [(f.logical_id, f.rule_id) for f in report.findings] == [("TaskSecurityGroup", "E9010")]
    assert report.exit_code == 1
    assert "task security group service-alb.yaml:TaskSecurityGroup" not in report.findings[0].message
    assert "TaskSecurityGroup: no egress rule allows TCP 443" in report.findings[0].message
    assert report.findings[0].message.endswith(f"; fix: add egress rules tcp 443 to {fix}")


def test_two_task_groups_that_both_block_are_named_together() -> None:
    templates = pair("network.yaml")
    resources = templates["service-alb.yaml"]["Resources"]
    _task_egress(templates, "service-alb.yaml", DATABASE_ONLY)
    resources["SecondTaskSecurityGroup"] = copy.deepcopy(resources["TaskSecurityGroup"])
    awsvpc = resources["Service"]["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]
    awsvpc["SecurityGroups"].append({"Fn::GetAtt": ["SecondTaskSecurityGroup", "GroupId"]})
    (finding,) = check_dicts(templates).findings
    assert finding.message.startswith(
        "task security groups TaskSecurityGroup, SecondTaskSecurityGroup: no egress rule allows TCP 443 to the internet"
    )


def test_no_inline_egress_means_the_implicit_allow_all() -> None:
    templates = pair("network-endpoints.yaml")
    del templates["service-alb.yaml"]["Resources"]["TaskSecurityGroup"]["Properties"]["SecurityGroupEgress"]
    assert rule_ids(templates) == []


def test_egress_to_a_cidr_the_templates_cannot_place_is_a_warning_and_s3_still_fails() -> None:
    templates = pair("network-endpoints.yaml")
    https = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "10.0.0.0/8"}
    _task_egress(templates, "service-alb.yaml", [https])
    error, warning = check_dicts(templates).findings
    assert error.rule_id == "E9010" and "to the S3 gateway endpoint," in error.message
    # The VPC CIDR is a parameter: whether 10.0.0.0/8 covers the endpoint subnets shows only at deploy time.
    assert warning.rule_id == "W9009"
    assert warning.message == (
        "cannot tell whether task security groups TaskSecurityGroup allow TCP 443 to EcrApiEndpoint (ecr.api), "
        "EcrDkrEndpoint (ecr.dkr), LogsEndpoint (logs): cannot tell whether 10.0.0.0/8 covers subnet "
        "network-endpoints.yaml:PrivateSubnet1"
    )


def test_egress_to_the_endpoint_group_and_a_prefix_list_passes() -> None:
    templates = pair("network-endpoints.yaml")
    endpoint_group = {"Fn::ImportValue": {"Fn::Sub": "${NetworkStackName}-EndpointSecurityGroupId"}}
    to_group = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "DestinationSecurityGroupId": endpoint_group}
    _task_egress(templates, "service-alb.yaml", [to_group, HTTPS_TO_S3])
    outputs = templates["network-endpoints.yaml"]["Outputs"]
    outputs["EndpointSecurityGroupId"] = {
        "Value": {"Fn::GetAtt": ["EndpointSecurityGroup", "GroupId"]},
        "Export": {"Name": {"Fn::Sub": "${AWS::StackName}-EndpointSecurityGroupId"}},
    }
    assert rule_ids(templates) == []


def test_an_endpoint_group_without_https_from_the_tasks_fails_naming_it() -> None:
    templates = pair("network-endpoints.yaml")
    group = templates["network-endpoints.yaml"]["Resources"]["EndpointSecurityGroup"]["Properties"]
    group["SecurityGroupIngress"] = [{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "CidrIp": "10.0.0.0/16"}]
    report = check_dicts(templates)
    assert [(f.logical_id, f.rule_id) for f in report.findings] == [("EndpointSecurityGroup", "E9011")]
    assert "EcrApiEndpoint (ecr.api)" in report.findings[0].message and report.exit_code == 1


def test_an_endpoint_without_security_groups_fails_at_its_security_group_ids() -> None:
    template = load("E9014-good.yaml")
    del template["Resources"]["LogsEndpoint"]["Properties"]["SecurityGroupIds"]
    (error,) = check(template).findings
    assert (error.logical_id, error.rule_id) == ("LogsEndpoint", "E9011")
    assert error.message == (
        "has no SecurityGroupIds, so the VPC's default security group applies, which admits only its own members, "
        "not the tasks in TaskSecurityGroup; fix: give it a security group admitting tcp 443 from TaskSecurityGroup "
        "or the VPC CIDR"
    )
    assert error.location == ("Resources", "LogsEndpoint", "Properties", "SecurityGroupIds")


def test_egress_to_an_endpoint_in_a_subnet_from_a_parameter_cannot_be_proven() -> None:
    template = load("E9014-good.yaml")
    template["Parameters"] = {"ExtraSubnet": {"Type": "AWS::EC2::Subnet::Id"}}
    template["Resources"]["LogsEndpoint"]["Properties"]["SubnetIds"].append({"Ref": "ExtraSubnet"})
    template["Resources"]["TaskSecurityGroup"]["Properties"]["SecurityGroupEgress"] = [HTTPS_TO_VPC, HTTPS_TO_S3]
    (warning,) = check(template).findings
    assert (warning.logical_id, warning.rule_id) == ("TaskSecurityGroup", "W9009")
    assert warning.message == (
        "cannot tell whether task security groups TaskSecurityGroup allow TCP 443 to LogsEndpoint (logs): "
        "subnet parameter ExtraSubnet is not in the given templates"
    )
    assert warning.location == ("Resources", "TaskSecurityGroup", "Properties", "SecurityGroupEgress")


def test_an_endpoint_security_group_from_a_parameter_is_named_in_the_warning() -> None:
    template = load("E9014-good.yaml")
    template["Parameters"] = {"EndpointGroup": {"Type": "AWS::EC2::SecurityGroup::Id"}}
    template["Resources"]["LogsEndpoint"]["Properties"]["SecurityGroupIds"] = [{"Ref": "EndpointGroup"}]
    (warning,) = check(template).findings
    assert (warning.logical_id, warning.rule_id) == ("LogsEndpoint", "W9009")
    assert warning.message == "cannot resolve a security group of this endpoint: parameter EndpointGroup"
    assert warning.location == ("Resources", "LogsEndpoint", "Properties", "SecurityGroupIds")


def test_endpoint_ingress_from_a_prefix_list_is_a_warning_at_the_ingress_rules() -> None:
    template = load("E9014-good.yaml")
    template["Resources"]["EndpointSecurityGroup"]["Properties"]["SecurityGroupIngress"] = [
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "SourcePrefixListId": "pl-12345678"}
    ]
    (warning,) = check(template).findings
    assert (warning.logical_id, warning.rule_id) == ("EndpointSecurityGroup", "W9009")
    assert warning.message == (
        "cannot tell whether endpoint security group EndpointSecurityGroup admits TCP 443 from TaskSecurityGroup: "
        "a prefix list's entries are not in the templates"
    )
    assert warning.location == ("Resources", "EndpointSecurityGroup", "Properties", "SecurityGroupIngress")


def test_egress_over_ipv6_only_does_not_reach_what_the_tasks_need_over_ipv4() -> None:
    template = load("E9001-good.yaml")
    template["Resources"]["TaskSecurityGroup"]["Properties"]["SecurityGroupEgress"] = [
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIpv6": "::/0"}
    ]
    findings = check_dicts({"t.yaml": template}).findings
    assert [(f.rule_id, f.logical_id) for f in findings] == [("E9010", "TaskSecurityGroup")]


def test_egress_to_a_malformed_cidr_allows_nothing() -> None:
    # AWS refuses such a rule; read as written it covers no endpoint subnet: the group fails, not "cannot tell".
    templates = pair("network-endpoints.yaml")
    _task_egress(templates, "service-alb.yaml", [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "x"}])
    assert rule_ids(templates) == [("TaskSecurityGroup", "E9010")]


def test_every_blocked_place_is_named_in_one_finding() -> None:
    templates = pair("network-endpoints.yaml")
    _task_egress(templates, "service-alb.yaml", DATABASE_ONLY)
    (finding,) = check_dicts(templates).findings
    assert finding.message == (
        "task security group TaskSecurityGroup: no egress rule allows TCP 443 to EcrApiEndpoint (ecr.api), "
        "EcrDkrEndpoint (ecr.dkr), the S3 gateway endpoint, LogsEndpoint (logs), so the tasks cannot reach what they "
        f"need there; fix: add egress rules tcp 443 to {ENDPOINTS_FIX}"
    )
    assert finding.location == ("Resources", "TaskSecurityGroup", "Properties", "SecurityGroupEgress")


def test_egress_ports_from_a_parameter_are_a_warning_naming_them() -> None:
    templates = pair("network.yaml")
    rule = {"IpProtocol": "tcp", "FromPort": {"Ref": "Low"}, "ToPort": 443, "CidrIp": "0.0.0.0/0"}
    _task_egress(templates, "service-alb.yaml", [rule])
    (finding,) = check_dicts(templates).findings
    assert (finding.rule_id, finding.message) == (
        "W9009",
        "cannot tell whether task security groups TaskSecurityGroup allow TCP 443 to the internet: the ports of a rule "
        "come from {'Ref': 'Low'}-443",
    )


def test_a_cidr_from_the_vpcs_own_parameter_covers_the_vpc_whatever_a_parent_stack_passes() -> None:
    templates = pair("network-endpoints.yaml")
    endpoint_group = templates["network-endpoints.yaml"]["Resources"]["EndpointSecurityGroup"]["Properties"]
    endpoint_group["SecurityGroupIngress"][0]["CidrIp"] = {"Ref": "VpcCidr"}
    assert rule_ids(templates) == []
    # Passed a literal, the parameter is still the VPC's CIDR: the subnets (Fn::Cidr of it) are inside it.
    nested = {"TemplateURL": "network-endpoints.yaml", "Parameters": {"VpcCidr": "10.0.0.0/16"}}
    templates["parent.yaml"] = {"Resources": {"Network": {"Type": "AWS::CloudFormation::Stack", "Properties": nested}}}
    assert rule_ids(templates) == []


def test_egress_to_a_cidr_with_host_bits_set_reads_as_the_network_it_names() -> None:
    templates = pair_dicts("network-endpoints.yaml", "service.yaml")
    to_vpc = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "10.0.0.1/16"}
    _task_egress(templates, "service.yaml", [to_vpc, HTTPS_TO_S3])
    # 10.0.0.1/16 is 10.0.0.0/16, which holds the endpoint subnets 10.0.0.0/24 and 10.0.1.0/24.
    assert rule_ids(templates) == []


def test_endpoints_whose_security_group_is_not_in_the_templates_are_reached_through_the_vpc_cidr() -> None:
    templates = pair("network-endpoints.yaml")
    for resource in templates["network-endpoints.yaml"]["Resources"].values():
        if "SecurityGroupIds" in resource.get("Properties", {}):
            resource["Properties"]["SecurityGroupIds"] = ["sg-0123456789abcdef0"]
    _task_egress(templates, "service-alb.yaml", DATABASE_ONLY)
    e9010 = [f for f in check_dicts(templates).findings if f.rule_id == "E9010"]
    assert [f.message.rpartition("; fix: ")[2] for f in e9010] == [
        "add egress rules tcp 443 to the VPC CIDR and to the S3 prefix list (pl-...) or 0.0.0.0/0"
    ]


def test_egress_to_a_prefix_list_cannot_be_proven_to_reach_an_interface_endpoint() -> None:
    template = load("E9014-good.yaml")
    template["Resources"]["TaskSecurityGroup"]["Properties"]["SecurityGroupEgress"] = [HTTPS_TO_S3]
    (warning,) = check(template).findings
    assert (warning.logical_id, warning.rule_id) == ("TaskSecurityGroup", "W9009")
    assert warning.message.endswith(": a prefix list's entries are not in the templates")
