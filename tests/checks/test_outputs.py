"""Weak references: every Fn::GetStackOutput names an output the stack it reads has (E9007), or is a warning."""

from __future__ import annotations

from pathlib import Path

from conftest import check_files as _check
from conftest import fixture as load
from conftest import render_example as _render

from fargate_private_templates.checks import check_dicts


def test_reading_an_output_the_network_lacks_exits_1(tmp_path: Path, capsys) -> None:
    out = _render(tmp_path, "weak-references.toml", capsys)
    service = out / "service-web.yaml"
    service.write_text(service.read_text(encoding="utf-8").replace("OutputName: VpcId", "OutputName: VpcIdentifier"))
    code, printed = _check(capsys, out / "network.yaml", service)
    assert code == 1
    assert "E9007 reads output VpcIdentifier of ${NetworkStackName}" in printed
    assert f"{out / 'network.yaml'} has no output VpcIdentifier" in printed


def test_a_read_with_no_network_given_is_a_warning_not_an_error(tmp_path: Path, capsys) -> None:
    out = _render(tmp_path, "weak-references.toml", capsys)
    code, printed = _check(capsys, out / "service-web.yaml")
    assert "E9007" not in printed and "W9009" in printed
    # Alone, the service proves nothing: the check fails on that (E9017), not on the read.
    assert [line.split(": ")[2].split()[0] for line in printed.splitlines() if " E90" in line] == ["E9017"]
    assert code == 1


def test_a_stack_output_read_in_a_resource_is_reported_on_that_resource() -> None:
    template = load("E9012-good.yaml")
    read = {"Fn::GetStackOutput": {"StackName": {"Ref": "NetworkStack"}, "OutputName": "VpcId"}}
    template["Resources"]["TaskSecurityGroup"]["Properties"]["VpcId"] = read
    findings = [f for f in check_dicts({"t.yaml": template}).findings if "output VpcId" in f.message]
    assert [(f.logical_id, f.rule_id) for f in findings] == [("TaskSecurityGroup", "W9009")]
    assert findings[0].message.startswith("cannot resolve output VpcId of ${NetworkStack}")


def test_a_stack_output_read_whose_output_name_is_not_a_literal_is_a_warning_saying_so() -> None:
    template = load("E9012-good.yaml")
    read = {"Fn::GetStackOutput": {"StackName": {"Ref": "NetworkStack"}, "OutputName": {"Ref": "WhichOutput"}}}
    template["Resources"]["TaskSecurityGroup"]["Properties"]["VpcId"] = read
    findings = [f for f in check_dicts({"t.yaml": template}).findings if "OutputName" in f.message]
    assert [(f.logical_id, f.rule_id, f.location[:2]) for f in findings] == [
        ("TaskSecurityGroup", "W9009", ("Resources", "TaskSecurityGroup"))
    ]
    assert findings[0].message == "cannot read the OutputName of a Fn::GetStackOutput (it must be a literal)"


def test_a_subnet_read_from_a_missing_output_is_reported_once_by_the_read_not_again_by_the_subnet_rule() -> None:
    template = load("E9012-good.yaml")
    network = template["Resources"]["Service"]["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]
    network["Subnets"] = [
        {"Fn::GetStackOutput": {"StackName": {"Ref": "NetworkStack"}, "OutputName": "PrivateSubnet1Id"}}
    ]
    warnings = [f.message for f in check_dicts({"t.yaml": template}).findings if f.rule_id == "W9009"]
    assert warnings == [
        "cannot resolve output PrivateSubnet1Id of ${NetworkStack}: no given template has it or anything else read "
        "from that stack"
    ]


def test_a_stack_output_read_in_a_condition_is_reported_on_the_conditions() -> None:
    template = load("E9012-good.yaml")
    read = {"Fn::GetStackOutput": {"StackName": {"Ref": "NetworkStack"}, "OutputName": "Mode"}}
    template.setdefault("Conditions", {})["FromNetwork"] = {"Fn::Equals": [read, "x"]}
    (finding,) = [f for f in check_dicts({"t.yaml": template}).findings if "output Mode" in f.message]
    assert (finding.rule_id, finding.logical_id) == ("W9009", "Conditions")
    assert finding.location == ("Conditions", "FromNetwork", "Fn::Equals", 0)


def test_a_stack_output_read_in_an_output_is_reported_on_that_output() -> None:
    template = load("E9012-good.yaml")
    read = {"Fn::GetStackOutput": {"StackName": {"Ref": "NetworkStack"}, "OutputName": "Mode"}}
    template.setdefault("Outputs", {})["NetworkMode"] = {"Value": read}
    (finding,) = [f for f in check_dicts({"t.yaml": template}).findings if "output Mode" in f.message]
    assert (finding.rule_id, finding.logical_id) == ("W9009", "NetworkMode")


def test_a_whole_section_that_is_one_stack_output_read_is_reported_on_the_section_not_a_crash() -> None:
    # Not a template CloudFormation accepts (an output named Fn::GetStackOutput), but check_dicts takes any dict.
    template = load("E9012-good.yaml")
    template["Outputs"] = {"Fn::GetStackOutput": {"StackName": {"Ref": "NetworkStack"}, "OutputName": "Mode"}}
    (finding,) = [f for f in check_dicts({"t.yaml": template}).findings if "output Mode" in f.message]
    assert (finding.rule_id, finding.logical_id, finding.location) == ("W9009", "Outputs", ("Outputs",))
