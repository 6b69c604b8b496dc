"""Security groups, network ACLs, DNS and every container's needs on the committed templates and edited copies."""

from __future__ import annotations

import copy
import itertools
from pathlib import Path

import pytest

from fargate_private_templates.checks import check_dicts
from fargate_private_templates.checks.needs import PREWARMED_METADATA
from fargate_private_templates.layers.service import task
from fargate_private_templates.render.loader import load_template

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "checks"
NETWORKS = sorted(TEMPLATES.glob("network*.yaml"))
SERVICES = sorted(TEMPLATES.glob("service-*.yaml"))


def load(path: Path) -> dict:
    return copy.deepcopy(load_template(path))


def pair(network: str, service: str = "service-alb.yaml") -> dict[str, dict]:
    return {network: load(TEMPLATES / network), service: load(TEMPLATES / service)}


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


@pytest.mark.parametrize("network", ["network.yaml", "network-endpoints.yaml", "network-nat-endpoints.yaml"])
def test_a_database_only_task_group_fails_on_nat_and_endpoint_networks(network: str) -> None:
    templates = pair(network)
    _task_egress(templates, "service-alb.yaml", DATABASE_ONLY)
    report = check_dicts(templates)
    assert [(f.logical_id, f.rule_id) for f in report.findings] == [("TaskSecurityGroup", "E9010")]
    assert report.exit_code == 1
    assert "task security group service-alb.yaml:TaskSecurityGroup" not in report.findings[0].message
    assert "TaskSecurityGroup: no egress rule allows TCP 443" in report.findings[0].message


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
    assert warning.rule_id == "W9009" and "EcrApiEndpoint (ecr.api), EcrDkrEndpoint (ecr.dkr)" in warning.message


def test_egress_to_the_endpoint_group_and_a_prefix_list_passes() -> None:
    templates = pair("network-endpoints.yaml")
    endpoint_group = {"Fn::ImportValue": {"Fn::Sub": "${NetworkStackName}-EndpointSecurityGroupId"}}
    to_group = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "DestinationSecurityGroupId": endpoint_group}
    to_s3 = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "DestinationPrefixListId": "pl-63a5400a"}
    _task_egress(templates, "service-alb.yaml", [to_group, to_s3])
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


def test_a_second_container_from_ecr_public_needs_nat() -> None:
    templates = pair("network-endpoints.yaml")
    definitions = templates["service-alb.yaml"]["Resources"]["TaskDefinition"]["Properties"]["ContainerDefinitions"]
    definitions.append({"Name": "proxy", "Image": "public.ecr.aws/nginx/nginx:1.27", "Essential": False})
    report = check_dicts(templates)
    assert [(f.logical_id, f.rule_id) for f in report.findings] == [("Service", "E9008")] * 2
    assert "container proxy pulls its image from ECR Public" in report.findings[0].message
    assert check_dicts(pair("network.yaml")).findings == []


def test_an_ecr_image_in_a_named_region_without_nat_is_a_warning_saying_what_to_verify() -> None:
    templates = pair("network-endpoints.yaml")
    (container,) = templates["service-alb.yaml"]["Resources"]["TaskDefinition"]["Properties"]["ContainerDefinitions"]
    container["Image"] = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1"
    report = check_dicts(templates)
    assert {f.rule_id for f in report.findings} == {"W9009"} and report.exit_code == 0
    assert "verify the stack is deployed in eu-west-1" in report.findings[0].message


def test_ecs_exec_with_a_customer_managed_key_needs_kms() -> None:
    template = load(FIXTURES / "E9014-good.yaml")
    del template["Resources"]["KmsEndpoint"]
    findings = check_dicts({"t.yaml": template}).findings
    assert [f.rule_id for f in findings] == ["E9014"]
    assert "customer-managed KMS key" in findings[0].message and "kms" in findings[0].message


def test_unfollowed_egress_names_the_target_and_what_to_verify() -> None:
    (finding,) = check_dicts({"t.yaml": load(FIXTURES / "W9015-bad.yaml")}).findings
    assert "transit gateway parameter TransitGatewayId" in finding.message and "verify" in finding.message
    peering = load(FIXTURES / "W9015-bad.yaml")
    route = peering["Resources"]["PrivateDefaultRoute1"]["Properties"]
    route["VpcPeeringConnectionId"] = route.pop("TransitGatewayId")
    (finding,) = check_dicts({"t.yaml": peering}).findings
    assert finding.rule_id == "W9015" and "no edge-to-edge routing" in finding.message


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


def test_the_generator_and_the_checker_read_the_same_prewarmed_metadata() -> None:
    assert task.PREWARMED_METADATA == PREWARMED_METADATA
    cache_first_pull = load(FIXTURES / "E9014-good.yaml")
    role = {"Type": "AWS::IAM::Role", "Properties": {"Policies": [{"Action": ["ecr:BatchImportUpstreamImage"]}]}}
    cache_first_pull["Resources"]["ExecutionRole"] = role
    cache_first_pull["Resources"]["TaskDefinition"]["Properties"]["ExecutionRoleArn"] = {
        "Fn::GetAtt": ["ExecutionRole", "Arn"]
    }
    findings = check_dicts({"t.yaml": cache_first_pull}).findings
    assert [f.rule_id for f in findings] == ["E9014"] and "pull-through cache" in findings[0].message
    cache_first_pull["Resources"]["TaskDefinition"]["Metadata"] = {PREWARMED_METADATA[0]: {PREWARMED_METADATA[1]: True}}
    assert check_dicts({"t.yaml": cache_first_pull}).findings == []
