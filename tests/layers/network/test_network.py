"""The network layer's stack: flow logs, the cluster and the console form."""

from __future__ import annotations

from conftest import lint_findings, ref, resources_of_type
from conftest import network_dict as _network

from fargate_private_templates.config.network import NetworkConfig
from fargate_private_templates.layers.network import build_network
from fargate_private_templates.render import render_yaml


def test_flow_logs_go_to_a_retained_log_group_with_a_scoped_role() -> None:
    template = _network("per_az", 2)
    ((log_group_name, log_group),) = resources_of_type(template, "AWS::Logs::LogGroup").items()
    assert log_group["DeletionPolicy"] == log_group["UpdateReplacePolicy"] == "Retain"
    assert ref(log_group["Properties"]["RetentionInDays"]) == "FlowLogRetentionInDays"
    (flow_log,) = resources_of_type(template, "AWS::EC2::FlowLog").values()
    assert ref(flow_log["Properties"]["ResourceId"]) == "VPC"
    (role,) = resources_of_type(template, "AWS::IAM::Role").values()
    trust = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust[0]["Principal"] == {"Service": ["vpc-flow-logs.amazonaws.com"]}
    statements = [s for p in role["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]]
    assert [s["Resource"] for s in statements] == [[{"Fn::GetAtt": [log_group_name, "Arn"]}]]
    assert all(not a.endswith("*") for s in statements for a in s["Action"])


def test_flow_logs_can_be_turned_off() -> None:
    template = _network("per_az", 2, flow_logs=False)
    for resource_type in ("AWS::EC2::FlowLog", "AWS::Logs::LogGroup", "AWS::IAM::Role"):
        assert resources_of_type(template, resource_type) == {}
    assert "FlowLogRetentionInDays" not in template["Parameters"]
    assert lint_findings(render_yaml(build_network(NetworkConfig(flow_logs=False)))) == []


def test_cluster_has_container_insights_and_no_custom_name() -> None:
    (cluster,) = resources_of_type(_network("per_az", 2), "AWS::ECS::Cluster").values()
    assert cluster["Properties"]["ClusterSettings"] == [{"Name": "containerInsights", "Value": "enabled"}]
    assert "ClusterName" not in cluster["Properties"]


def test_console_form_groups_every_parameter() -> None:
    template = _network("per_az", 2)
    interface = template["Metadata"]["AWS::CloudFormation::Interface"]
    grouped = [p for g in interface["ParameterGroups"] for p in g["Parameters"]]
    assert sorted(grouped) == sorted(template["Parameters"]) == sorted(interface["ParameterLabels"])
