"""Pins behaviour that mutation testing showed no other test held (workloads, intrinsics, ACLs, outputs, exports)."""

from __future__ import annotations

import copy
from pathlib import Path

from fargate_private_templates.checks import check_dicts
from fargate_private_templates.checks.exports import ExportName, output_reference, read_outputs
from fargate_private_templates.checks.intrinsics import Opaque, Variable, endpoint_service, texts
from fargate_private_templates.render.loader import load_template

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "checks"


def load(name: str) -> dict:
    return copy.deepcopy(load_template(FIXTURES / name))


def messages(template: dict, rule_id: str) -> list[str]:
    return [f.message for f in check_dicts({"t.yaml": template}).findings if f.rule_id == rule_id]


def acl_entry(number: int, egress: bool, **properties: object) -> dict:
    entry = {"NetworkAclId": {"Ref": "TaskNetworkAcl"}, "RuleNumber": number, "Egress": egress}
    return {"Type": "AWS::EC2::NetworkAclEntry", "Properties": {**entry, "CidrBlock": "0.0.0.0/0", **properties}}


# --- workloads: a non-subnet resource in the same template is named by its logical ID alone ------------------


def test_a_task_subnet_naming_another_resource_is_named_without_its_template() -> None:
    template = load("E9012-good.yaml")
    network = template["Resources"]["Service"]["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]
    network["Subnets"] = [{"Ref": "TaskSecurityGroup"}]
    assert "cannot resolve a subnet of its tasks: TaskSecurityGroup" in messages(template, "W9009")


def test_a_load_balancer_subnet_naming_another_resource_is_named_without_its_template() -> None:
    template = load("E9004-good.yaml")
    template["Resources"]["LoadBalancer"]["Properties"]["Subnets"][0] = {"Ref": "VPC"}
    assert "cannot resolve a subnet of this internet-facing load balancer: VPC" in messages(template, "W9009")


# --- intrinsics -------------------------------------------------------------------------------------------------


def test_getatt_reads_as_a_variable_like_sub() -> None:
    assert texts({"Fn::GetAtt": ["Bucket", "Arn"]}) == [[Variable("Bucket.Arn")]]
    assert texts({"Fn::GetAtt": "Bucket.Arn"}) == [[Variable("Bucket.Arn")]]


def test_sub_list_form_needs_exactly_two_items_and_a_string_first() -> None:
    assert texts({"Fn::Sub": ["a-${X}", {}, "extra"]}) == [[Opaque("Fn::Sub")]]
    assert texts({"Fn::Sub": [1, {}]}) == [[Opaque("Fn::Sub")]]
    assert texts({"Fn::Sub": ["a-${X}"]}) == [[Opaque("Fn::Sub")]]


def test_endpoint_service_reads_past_a_dotted_variable_in_the_region() -> None:
    joined = {"Fn::Join": ["", ["com.amazonaws.", {"Fn::GetAtt": ["Region", "Name"]}, ".ecr.api"]]}
    assert endpoint_service(joined) == "ecr.api"
    assert endpoint_service({"Fn::Sub": "com.amazonaws.${Region.Name}.ecr.dkr"}) == "ecr.dkr"


# --- network ACLs -----------------------------------------------------------------------------------------------


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
    assert "(no entry allows it (the final * rule denies)); fix: add an outbound allow entry tcp 443 to" in message


def test_a_network_acl_entry_without_a_rule_action_does_not_allow_and_invents_no_action() -> None:
    template = load("E9012-good.yaml")
    del template["Resources"]["HttpsOutEntry"]["Properties"]["RuleAction"]
    (message,) = messages(template, "E9012")
    assert "blocks TCP 443 out to" in message and "(rule 100 s it)" in message


# --- outputs and exports ----------------------------------------------------------------------------------------


def test_a_stack_output_read_in_a_resource_is_reported_on_that_resource() -> None:
    template = load("E9012-good.yaml")
    read = {"Fn::GetStackOutput": {"StackName": {"Ref": "NetworkStack"}, "OutputName": "VpcId"}}
    template["Resources"]["TaskSecurityGroup"]["Properties"]["VpcId"] = read
    findings = [f for f in check_dicts({"t.yaml": template}).findings if "output VpcId" in f.message]
    assert [(f.logical_id, f.rule_id) for f in findings] == [("TaskSecurityGroup", "W9009")]
    assert findings[0].message.startswith("cannot resolve output VpcId of ${NetworkStack}")


def test_a_stack_output_read_names_the_output_for_a_literal_stack_name() -> None:
    assert output_reference({"StackName": "network", "OutputName": "VpcId"}) == ExportName("VpcId", "network")
    assert output_reference({"StackName": {"Fn::Sub": "x"}, "OutputName": "VpcId"}) == ExportName("VpcId", "?")


def test_outputs_are_read_by_their_logical_id() -> None:
    (output,) = read_outputs({"n.yaml": {"Outputs": {"VpcId": {"Value": {"Ref": "VPC"}}}}})
    assert (output.template, output.output, output.value) == ("n.yaml", "VpcId", {"Ref": "VPC"})
    assert output.name == ExportName("VpcId", "AWS::StackName")
