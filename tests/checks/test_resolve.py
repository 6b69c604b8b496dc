"""Following Ref, Fn::If, Fn::Select, Fn::Split, imports and mappings to what a property names."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from conftest import PAIR, fixture
from conftest import report_findings as findings

from fargate_private_templates.checks import check_dicts
from fargate_private_templates.checks.intrinsics import render_parts
from fargate_private_templates.checks.resolve import Resolver
from fargate_private_templates.checks.values import ResourceRef
from fargate_private_templates.render.loader import load_template


def service_subnets(template: dict, subnets: object) -> dict:
    template["Resources"]["Service"]["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]["Subnets"] = subnets
    return template


@pytest.mark.parametrize(
    ("subnets", "message"),
    [
        ({"Fn::Select": "PrivateSubnet1"}, "cannot resolve a subnet of its tasks: a malformed Fn::Select"),
        ({"Fn::Select": "ab"}, "cannot resolve a subnet of its tasks: a malformed Fn::Select"),
        ({"Fn::Split": [","]}, "cannot resolve a subnet of its tasks: a malformed Fn::Split"),
        ([{"Fn::GetAtt": ["PrivateSubnet1"]}], "cannot resolve a subnet of its tasks: a malformed Fn::GetAtt"),
        ([{"Ref": "AWS::Region"}], "cannot resolve a subnet of its tasks: pseudo parameter AWS::Region"),
        ([{"Ref": "Nowhere"}], "cannot resolve a subnet of its tasks: Nowhere, which app.yaml does not define"),
    ],
)
def test_unreadable_task_subnets_say_why(subnets: object, message: str) -> None:
    report = check_dicts({"app.yaml": service_subnets(fixture("E9002-good.yaml"), subnets)})
    # The only service is then not proven private (W9016), which fails the check (E9017).
    assert [(logical_id, rule_id) for logical_id, rule_id, _ in findings(report)] == UNPROVEN
    assert findings(report)[1] == ("Service", "W9009", message)


UNPROVEN = [("Service", "E9017"), ("Service", "W9009"), ("Service", "W9016")]


def test_split_of_a_two_key_mapping_is_unreadable_not_a_crash() -> None:
    subnets = {"Fn::Split": [",", {"Fn::Join": {"a": 1, "b": 2}}]}
    report = check_dicts({"app.yaml": service_subnets(fixture("E9002-good.yaml"), subnets)})
    assert [(logical_id, rule_id) for logical_id, rule_id, _ in findings(report)] == UNPROVEN


def test_select_with_an_index_from_fn_if_takes_every_candidate() -> None:
    candidates = [{"Ref": "PrivateSubnet1"}, {"Ref": "PublicSubnet1"}]
    subnets = [{"Fn::Select": [{"Fn::If": ["IsProduction", 0, 1]}, candidates]}]
    report = check_dicts({"app.yaml": service_subnets(fixture("E9002-good.yaml"), subnets)})
    assert [rule_id for _, rule_id, _ in findings(report)] == ["E9002"]
    subnets = [{"Fn::Select": [0, candidates]}]
    assert check_dicts({"app.yaml": service_subnets(fixture("E9002-good.yaml"), subnets)}).findings == []


def test_an_exported_single_subnet_split_as_a_list() -> None:
    templates = {name: copy.deepcopy(load_template(PAIR / name)) for name in ("network.yaml", "service.yaml")}
    templates["network.yaml"]["Outputs"]["PrivateSubnetIds"]["Value"] = {"Ref": "PrivateSubnet1"}
    report = check_dicts(templates)
    assert report.findings == []
    assert [(Path(p.template).name, p.subnet) for p in report.paths] == [("network.yaml", "PrivateSubnet1")]


def test_a_list_where_one_value_belongs() -> None:
    template = fixture("E9001-good.yaml")
    template["Resources"]["Service"]["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"] = [
        "DISABLED"
    ]
    assert findings(check_dicts({"app.yaml": template})) == [
        (
            "Service",
            "E9001",
            "AssignPublicIp comes from a list or mapping where one value belongs: cannot be proven DISABLED",
        )
    ]


def test_the_checker_reads_if_and_mapping_built_names() -> None:
    mapped = {
        "Mappings": {"Prefix": {"cn-north-1": {"Ecr": "cn.com.amazonaws"}, "us-east-1": {"Ecr": "com.amazonaws"}}},
        "Resources": {
            "ByMap": {
                "Type": "AWS::EC2::VPCEndpoint",
                "Properties": {
                    "ServiceName": {
                        "Fn::Sub": [
                            "${P}.${AWS::Region}.ecr.dkr",
                            {"P": {"Fn::FindInMap": ["Prefix", {"Ref": "AWS::Region"}, "Ecr"]}},
                        ]
                    }
                },
            },
            "ByIf": {
                "Type": "AWS::EC2::VPCEndpoint",
                "Properties": {
                    "ServiceName": {
                        "Fn::If": ["China", "cn.com.amazonaws.cn-north-1.ecr.api", {"Fn::Sub": "com.amazonaws.x.sts"}]
                    }
                },
            },
        },
    }
    resolver = Resolver({"t": mapped})
    assert resolver.endpoint_service(ResourceRef("t", "ByMap")) == "ecr.dkr"
    # Branches that name different services name no one service.
    assert resolver.endpoint_service(ResourceRef("t", "ByIf")) is None


def test_a_join_of_a_list_the_template_computes_is_spelled_out_item_by_item() -> None:
    resolver = Resolver({"t": {"Resources": {}}})

    def spelled(expression: object) -> list[str]:
        return [render_parts(parts) for parts in resolver.texts("t", expression)]

    # Items from a Fn::Split or a Fn::If of lists: not a literal list, so the resolver, not the pure reader, joins.
    assert spelled({"Fn::Join": ["-", {"Fn::Split": [",", "ecr,dkr"]}]}) == ["ecr-dkr"]
    assert spelled({"Fn::Join": [".", {"Fn::If": ["China", ["cn", "ecr"], ["ecr"]]}]}) == ["cn.ecr", "ecr"]


def test_select_with_an_index_from_the_templates_mappings_takes_that_item_only() -> None:
    template = fixture("E9001-good.yaml")
    template["Mappings"] = {"Pick": {"subnet": {"index": 1}}}
    subnets = [{"Ref": "PublicSubnet1"}, {"Ref": "PrivateSubnet1"}]
    chosen = {"Fn::Select": [{"Fn::FindInMap": ["Pick", "subnet", "index"]}, subnets]}
    report = check_dicts({"t.yaml": service_subnets(template, [chosen])})
    assert report.findings == [] and [p.subnet for p in report.paths] == ["PrivateSubnet1"]
