"""Which launchers are proven private, why the others are not (W9016), and E9017 for a check that proves nothing."""

from __future__ import annotations

import copy

import pytest
from conftest import FIXTURES, PAIR
from conftest import finding_ids as ids

from fargate_private_templates.checks import check_dicts
from fargate_private_templates.checks.proof import stack_variables
from fargate_private_templates.checks.report import LauncherProof
from fargate_private_templates.checks.values import Literal, Unknown
from fargate_private_templates.render.loader import load_template


def fixture(name: str) -> dict:
    return copy.deepcopy(load_template(FIXTURES / name))


def awsvpc(template: dict, logical_id: str = "Service") -> dict:
    return template["Resources"][logical_id]["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]


def unproven(template: dict) -> str:
    """The W9016 message of the template's one unproven launcher."""
    (message,) = [f.message for f in check_dicts({"app.yaml": template}).findings if f.rule_id == "W9016"]
    return message


def test_a_launcher_with_everything_proven_is_proven_private() -> None:
    report = check_dicts({"app.yaml": fixture("E9001-good.yaml")})
    assert report.launchers == [LauncherProof("app.yaml", "Service", "service", True)]
    assert report.launchers[0].as_dict() == {
        "template": "app.yaml",
        "logical_id": "Service",
        "kind": "service",
        "proven_private": True,
        "reasons": [],
    }


def test_a_launcher_with_an_error_is_not_proven_and_gets_no_w9016() -> None:
    report = check_dicts({"app.yaml": fixture("E9002-bad.yaml")})
    assert report.launchers == [LauncherProof("app.yaml", "Service", "service", False, ("E9002 found",))]
    assert "W9016" not in [f.rule_id for f in report.findings]


GAPS = {
    "a parameter": (
        lambda c: c.update(AssignPublicIp={"Ref": "PublicIp"}),
        "AssignPublicIp comes from parameter PublicIp",
    ),
    "no subnets": (lambda c: c.pop("Subnets"), "it names no subnets"),
    "unresolved": (
        lambda c: c.update(Subnets=[{"Ref": f"Subnet{n}"} for n in range(5)]),
        "5 subnet references are not resolved (Subnet0, which app.yaml does not define; Subnet1, which app.yaml does "
        "not define; Subnet2, which app.yaml does not define, ...)",
    ),
}


@pytest.mark.parametrize("case", sorted(GAPS))
def test_w9016_says_why_a_launcher_is_not_proven(case: str) -> None:
    change, reason = GAPS[case]
    template = fixture("E9001-good.yaml")
    template["Parameters"]["PublicIp"] = {"Type": "String"}
    change(awsvpc(template))
    template["Resources"]["Other"] = copy.deepcopy(template["Resources"]["Service"])
    awsvpc(template, "Other").update(AssignPublicIp="DISABLED", Subnets=[{"Ref": "PrivateSubnet1"}])
    if case == "a parameter":
        # A parameter is an error (E9001) too: the launcher is not proven, but W9016 is for launchers with none.
        report = check_dicts({"app.yaml": template})
        assert report.launchers[0].reasons == ("E9001 found", reason)
        return
    assert unproven(template) == f"service not proven private: {reason}"


def test_a_subnet_whose_route_table_is_not_given_leaves_the_launcher_unproven() -> None:
    template = fixture("W9009-bad-main-route-table.yaml")
    assert unproven(template) == "service not proven private: whether subnet PrivateSubnet1 is private is not known"


def test_a_network_configuration_that_cannot_be_read_is_the_reason() -> None:
    template = fixture("E9001-good-scheduled.yaml")
    target = template["Resources"]["Schedule"]["Properties"]["Target"]
    target["Arn"] = "arn:aws:scheduler:::aws-sdk:ecs:runTask"
    del target["EcsParameters"]
    assert unproven(template) == (
        "scheduled task not proven private: its NetworkConfiguration cannot be read (the Input JSON of a universal "
        "aws-sdk:ecs:runTask target, read only at run time)"
    )


def test_none_proven_fails_with_what_to_pass_only_when_nothing_else_failed() -> None:
    report = check_dicts({"service.yaml": load_template(PAIR / "service.yaml")})
    (e9017,) = [f for f in report.findings if f.rule_id == "E9017"]
    assert e9017.message == (
        "no launcher is proven private (1 service), so this check proves nothing (each W9016 says why): check the "
        "templates together with those their subnets and imports come from (the template of each stack "
        "${NetworkStackName} names, for example `check network.yaml service.yaml`), or give the subnets literally"
    )
    assert e9017.location == ("Resources", "Service")
    template = load_template(PAIR / "service.yaml")
    awsvpc(template)["AssignPublicIp"] = "ENABLED"
    assert [f.rule_id for f in check_dicts({"service.yaml": template}).findings if f.rule_id.startswith("E")] == [
        "E9001"
    ]


def test_e9017_names_every_stack_the_unread_imports_come_from() -> None:
    template = load_template(PAIR / "service.yaml")
    template["Parameters"]["SubnetStackName"] = {"Type": "String"}
    awsvpc(template)["Subnets"] = [
        {"Fn::ImportValue": {"Fn::Sub": "${NetworkStackName}-PrivateSubnet1Id"}},
        {"Fn::ImportValue": {"Fn::Sub": "${SubnetStackName}-PrivateSubnet2Id"}},
    ]
    (e9017,) = [f for f in check_dicts({"service.yaml": template}).findings if f.rule_id == "E9017"]
    assert "(the template of each stack ${NetworkStackName}, ${SubnetStackName} names, for" in e9017.message


def test_several_kinds_are_named_in_e9017() -> None:
    template = fixture("E9017-bad.yaml")
    scheduled = fixture("W9009-bad.yaml")
    report = check_dicts({"a.yaml": template, "b.yaml": scheduled, "c.yaml": fixture("E9017-bad.yaml")})
    (e9017,) = [f for f in report.findings if f.rule_id == "E9017"]
    assert e9017.message.startswith("no launcher is proven private (3 services), so")
    assert ids(report)[0] == ("a.yaml", "Service", "E9017")


def test_launchers_outside_fargate_are_not_counted() -> None:
    template = fixture("E9001-good.yaml")
    del template["Resources"]["Service"]["Properties"]["NetworkConfiguration"]
    template["Resources"]["Service"]["Properties"]["LaunchType"] = "EC2"
    report = check_dicts({"app.yaml": template})
    assert report.launchers == [] and report.findings == []
    assert report.summary().startswith("0 launchers: 0 proven private, 0 not proven;")


def test_stack_variables_come_from_unresolved_imports_only() -> None:
    values = [
        Unknown("import ${NetworkStackName}-PrivateSubnets", missing_import=True),
        Unknown("parameter ${Other}"),
        Literal("subnet-0123"),
    ]
    assert stack_variables(values) == ["NetworkStackName"]


def test_w9016_points_at_the_target_it_is_about() -> None:
    template = fixture("E9001-good-scheduled.yaml")
    targets = template["Resources"]["Rule"]["Properties"]["Targets"]
    second = copy.deepcopy(targets[0])
    second["Id"] = "cleanup"
    del second["EcsParameters"]["NetworkConfiguration"]["AwsVpcConfiguration"]["Subnets"]
    targets.append(second)
    (finding,) = check_dicts({"app.yaml": template}).findings
    assert (finding.rule_id, finding.message) == (
        "W9016",
        "scheduled task not proven private: target cleanup: it names no subnets",
    )
    assert finding.location == ("Resources", "Rule", "Properties", "Targets", 1, "EcsParameters")
