"""Lookups the rules share: the load balancers in front of a workload, and where its containers pull from."""

from __future__ import annotations

import copy
import json

import pytest
from conftest import PAIR, TEMPLATES, case
from conftest import check_template as check
from conftest import first_container as container
from conftest import fixture as load
from conftest import report_findings as findings

from fargate_private_templates.checks import check_dicts
from fargate_private_templates.checks.queries import image_registry
from fargate_private_templates.render.loader import load_template


def front_door_set(load_balancer_subnets: str = "PublicSubnetIds") -> dict[str, dict]:
    front_door = case("front-door.yaml")
    subnets = front_door["Resources"]["LoadBalancer"]["Properties"]["Subnets"]
    subnets["Fn::Split"][1]["Fn::ImportValue"]["Fn::Sub"] = "${NetworkStackName}-" + load_balancer_subnets
    return {
        "network.yaml": load_template(PAIR / "network.yaml"),
        "front-door.yaml": front_door,
        "service.yaml": case("service-behind-listener-rule.yaml"),
    }


def test_target_group_behind_a_listener_rule_with_a_public_front_door_is_clean() -> None:
    templates = front_door_set()
    assert [r["Type"] for r in templates["service.yaml"]["Resources"].values()].count(
        "AWS::ElasticLoadBalancingV2::ListenerRule"
    ) == 1
    report = check_dicts(templates)
    assert report.findings == []
    assert report.services_checked == 1


def test_target_group_behind_a_listener_rule_still_has_its_load_balancer_checked() -> None:
    report = check_dicts(front_door_set("PrivateSubnetIds"))
    assert [
        (f.template, logical_id, rule_id)
        for f, (logical_id, rule_id, _) in zip(report.findings, findings(report), strict=True)
    ] == [("front-door.yaml", "LoadBalancer", "E9004")] * 2
    assert "sits in subnet network.yaml:PrivateSubnet1, which is not public" in report.findings[0].message


def test_listener_rule_on_a_listener_of_another_load_balancer_checks_that_one() -> None:
    # Without the listener rule the service template's own (absent) load balancers would be the fallback.
    templates = front_door_set("PrivateSubnetIds")
    rule = templates["service.yaml"]["Resources"]["ListenerRule"]["Properties"]
    rule["Actions"][0] = {
        "Type": "forward",
        "ForwardConfig": {"TargetGroups": [{"TargetGroupArn": {"Ref": "TargetGroup"}}]},
    }
    assert [f.rule_id for f in check_dicts(templates).findings] == ["E9004", "E9004"]


def test_an_image_from_a_variable_on_a_network_without_nat_cannot_be_proven_ecr() -> None:
    from fargate_private_templates import ServiceConfig, build_service
    from fargate_private_templates.render import ordered_dict

    service = ordered_dict(build_service(ServiceConfig()))
    container = service["Resources"]["TaskDefinition"]["Properties"]["ContainerDefinitions"][0]
    container["Image"] = {"Ref": "RepositoryName"}
    # A parameter with a default reads as its default (see below): without one, the image is a variable.
    del service["Parameters"]["RepositoryName"]["Default"]
    network = load_template(TEMPLATES / "network-endpoints.yaml")
    report = check_dicts({"network.yaml": network, "service.yaml": service})
    assert [(f.logical_id, f.rule_id) for f in report.findings] == [("Service", "W9009"), ("Service", "W9009")]
    assert "takes its whole image reference from a variable" in report.findings[0].message
    with_nat = check_dicts({"network.yaml": load_template(TEMPLATES / "network.yaml"), "service.yaml": service})
    assert with_nat.findings == []


def test_an_image_host_from_a_variable_is_not_read_as_an_ecr_host_whatever_the_variable_is_called() -> None:
    # Only literal text names ECR: a variable (here a custom resource attribute) is a host the template hides.
    template = load("E9014-good.yaml")
    container(template)["Image"] = {"Fn::GetAtt": ["Mirror", "dkr.ecr.Host"]}
    report = check(template)
    assert [(f.logical_id, f.rule_id) for f in report.findings] == [("Service", "W9009")]
    assert report.findings[0].message.startswith("cannot prove the registry is ECR: container app takes its whole")
    assert "verify the stack is deployed" not in report.format_text()


@pytest.mark.parametrize(
    "image",
    [
        {"Ref": "ImageUrl"},
        {"Fn::Sub": "${ImageUrl}"},
        {"Fn::Join": ["", [{"Ref": "ImageUrl"}]]},
        {"Fn::Sub": ["${Image}", {"Image": {"Ref": "ImageUrl"}}]},
    ],
)
def test_an_image_from_a_parameter_with_a_default_is_checked_as_that_default(image: dict) -> None:
    from fargate_private_templates import ServiceConfig, build_service
    from fargate_private_templates.render import ordered_dict

    service = ordered_dict(build_service(ServiceConfig()))
    service["Parameters"]["ImageUrl"] = {"Type": "String", "Default": "nginx"}
    container = service["Resources"]["TaskDefinition"]["Properties"]["ContainerDefinitions"][0]
    container["Image"] = image
    network = load_template(TEMPLATES / "network-endpoints.yaml")
    report = check_dicts({"network.yaml": network, "service.yaml": service})
    # The same error as the literal `nginx`: Docker Hub is reachable only through NAT.
    assert [(f.logical_id, f.rule_id) for f in report.findings] == [("Service", "E9008")] * 2
    assert report.findings[0].message.startswith(
        "container app pulls its image from docker.io (its image is parameter ImageUrl's default), but subnet "
    )
    with_nat = check_dicts({"network.yaml": load_template(TEMPLATES / "network.yaml"), "service.yaml": service})
    assert with_nat.findings == []


def test_a_weighted_target_group_under_a_condition_is_read_in_its_template() -> None:
    templates = front_door_set("PrivateSubnetIds")
    service = templates["service.yaml"]
    rule = service["Resources"]["ListenerRule"]["Properties"]
    weighted = {"TargetGroupArn": {"Ref": "TargetGroup"}}
    rule["Actions"][0] = {
        "Type": "forward",
        "ForwardConfig": {"TargetGroups": [{"Fn::If": ["Always", weighted, {"Ref": "AWS::NoValue"}]}]},
    }
    service.setdefault("Conditions", {})["Always"] = {"Fn::Equals": ["a", "a"]}
    assert [f.rule_id for f in check_dicts(templates).findings] == ["E9004", "E9004"]


def test_an_image_from_two_parameters_names_both() -> None:
    from fargate_private_templates import ServiceConfig, build_service
    from fargate_private_templates.render import ordered_dict

    service = ordered_dict(build_service(ServiceConfig()))
    service["Parameters"]["Mirror"] = {"Type": "String", "Default": "mirror.example.com"}
    service["Parameters"]["ImageName"] = {"Type": "String", "Default": "app"}
    container = service["Resources"]["TaskDefinition"]["Properties"]["ContainerDefinitions"][0]
    container["Image"] = {"Fn::Sub": "${Mirror}/${ImageName}:1"}
    network = load_template(TEMPLATES / "network-endpoints.yaml")
    report = check_dicts({"network.yaml": network, "service.yaml": service})
    assert report.findings[0].message.startswith(
        "container app pulls its image from mirror.example.com (its image is parameter Mirror's default and "
        "parameter ImageName's default), but subnet "
    )


def test_a_pseudo_parameter_in_the_first_path_part_does_not_make_it_a_host() -> None:
    # Deployed, team-${AWS::Region} is team-us-east-1, a Docker Hub namespace: the "::" of the name is no port.
    assert image_registry({"Fn::Sub": "team-${AWS::Region}/app:1"}) == "docker.io"


def test_a_target_group_behind_two_load_balancers_has_both_checked() -> None:
    templates = {
        "network.yaml": load_template(PAIR / "network.yaml"),
        "service.yaml": load_template(PAIR / "service.yaml"),
    }
    resources = templates["service.yaml"]["Resources"]
    second = json.loads(json.dumps(resources["LoadBalancer"]).replace("PublicSubnet", "PrivateSubnet"))
    resources["SecondLoadBalancer"] = second
    resources["SecondListener"] = copy.deepcopy(resources["HttpListener"])
    resources["SecondListener"]["Properties"]["LoadBalancerArn"] = {"Ref": "SecondLoadBalancer"}
    assert [(f.logical_id, f.rule_id) for f in check_dicts(templates).findings] == [("SecondLoadBalancer", "E9004")] * 2
