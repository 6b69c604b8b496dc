"""Needs, security groups and task paths: behaviour the mutation run showed no test pinned."""

from __future__ import annotations

import copy
from pathlib import Path

from fargate_private_templates.checks import CheckReport, check_dicts
from fargate_private_templates.render.loader import load_template

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "checks"
SUBNETS = ("Resources", "Service", "Properties", "NetworkConfiguration", "AwsvpcConfiguration", "Subnets")
HTTPS_TO_VPC = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "10.0.0.0/16"}
HTTPS_TO_S3 = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "DestinationPrefixListId": "pl-63a5400a"}


def load(name: str) -> dict:
    return copy.deepcopy(load_template(FIXTURES / name))


def check(template: dict) -> CheckReport:
    return check_dicts({"t.yaml": template})


def container(template: dict) -> dict:
    (first,) = template["Resources"]["TaskDefinition"]["Properties"]["ContainerDefinitions"]
    return first


def findings(template: dict) -> list[tuple[str, str, str]]:
    return [(f.logical_id, f.rule_id, f.message) for f in check(template).findings]


# --- needs ------------------------------------------------------------------------------------------------------


def test_a_secrets_manager_secret_without_its_endpoint_names_the_container_and_the_service() -> None:
    (secrets_manager, *_) = check(load("E9014-bad.yaml")).findings
    assert secrets_manager.rule_id == "E9014" and secrets_manager.location == SUBNETS
    assert secrets_manager.message == (
        "subnet PrivateSubnet1 reaches neither NAT nor an endpoint for container app: secrets (Secrets Manager); "
        "fix: add interface endpoint com.amazonaws.<region>.secretsmanager (private DNS on), or give the subnet a "
        "NAT path"
    )


def test_a_secret_from_an_import_is_not_taken_for_a_parameter_store_name() -> None:
    # Only a name (no "arn:") or an ssm ARN is Parameter Store: an imported ARN could be either service.
    template = load("E9014-good.yaml")
    container(template)["Secrets"][0]["ValueFrom"] = {"Fn::ImportValue": "DbSecretArn"}
    expected = (
        "subnet PrivateSubnet1 has no NAT path for container app: secrets from a value (Secrets Manager or "
        "Parameter Store): the template does not say which service holds the secret; or give the subnet a NAT path"
    )
    assert ("Service", "W9009", expected) in findings(template)


def test_a_secret_arn_of_a_variable_service_is_not_taken_for_parameter_store() -> None:
    template = load("E9014-good.yaml")
    container(template)["Secrets"][0]["ValueFrom"] = {"Fn::Sub": "arn:aws:${Store}:us-east-1:123456789012:x:db"}
    assert findings(template) == [
        (
            "Service",
            "W9009",
            "subnet PrivateSubnet1 has no NAT path for container app: secrets from "
            "arn:aws:x:us-east-1:123456789012:x:db (Secrets Manager or Parameter Store): the template does not say "
            "which service holds the secret; or give the subnet a NAT path",
        )
    ]


def test_ecs_exec_turned_on_through_a_mapping_needs_ssm_messages() -> None:
    template = load("E9014-bad.yaml")
    template["Mappings"] = {"Settings": {"Exec": {"Enabled": "true"}}}
    template["Resources"]["Service"]["Properties"]["EnableExecuteCommand"] = {
        "Fn::FindInMap": ["Settings", "Exec", "Enabled"]
    }
    messages = [message for _, rule_id, message in findings(template) if rule_id == "E9014"]
    assert len(messages) == 3
    assert "reaches neither NAT nor an endpoint for ECS Exec (SSM messages);" in messages[2]


def test_an_image_host_from_a_variable_is_not_read_as_an_ecr_host_whatever_the_variable_is_called() -> None:
    # Only literal text names ECR: a variable (here a custom resource attribute) is a host the template hides.
    template = load("E9014-good.yaml")
    container(template)["Image"] = {"Fn::GetAtt": ["Mirror", "dkr.ecr.Host"]}
    report = check(template)
    assert [(f.logical_id, f.rule_id) for f in report.findings] == [("Service", "W9009")]
    assert report.findings[0].message.startswith("cannot prove the registry is ECR: container app takes its whole")
    assert "verify the stack is deployed" not in report.format_text()


# --- security groups --------------------------------------------------------------------------------------------


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


# --- task paths -------------------------------------------------------------------------------------------------


def test_a_path_names_no_security_groups_when_the_task_groups_are_not_in_the_templates() -> None:
    template = load("E9014-good.yaml")
    template["Parameters"] = {"TaskGroup": {"Type": "AWS::EC2::SecurityGroup::Id"}}
    configuration = template["Resources"]["Service"]["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]
    configuration["SecurityGroups"] = [{"Ref": "TaskGroup"}]
    report = check(template)
    assert [(f.logical_id, f.rule_id) for f in report.findings] == [("Service", "W9009")]
    (path,) = report.paths
    assert path.text.startswith("PrivateSubnet1 -> PrivateRouteTable1 -> VPC endpoints (")
    assert path.groups == "" and "groups" not in path.as_dict() and "[" not in path.format_text()
