"""Weak references, shared networks and StackSet-ready templates, through the CLI and the rendered dicts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, resources_of_type

from fargate_private_templates.catalogue import render_catalogue
from fargate_private_templates.cli.main import main
from fargate_private_templates.regions.partitions import INTERFACE_PREFIX_EXCEPTIONS
from fargate_private_templates.render import render_yaml
from fargate_private_templates.render.loader import load_template
from fargate_private_templates.stacks import load_config

EXAMPLES = ROOT / "examples"
CONFIGS = sorted(EXAMPLES.glob("*.toml"))
ACCOUNT_ID = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")
REGION = re.compile(r"\b(?:us|eu|ap|sa|ca|me|af|il|mx|cn)(?:-gov|-iso[a-z]?)?-[a-z]+-[0-9]\b")
AZ_NAME = re.compile(r"\b(?:us|eu|ap|sa|ca|me|af|il|mx|cn)(?:-gov)?-[a-z]+-[0-9][a-z]\b")


def _render(tmp_path: Path, config: str, capsys: pytest.CaptureFixture[str]) -> Path:
    out = tmp_path / Path(config).stem
    assert main(["render", "--config", str(EXAMPLES / config), "--out", str(out)]) == 0
    capsys.readouterr()
    return out


def _check(capsys: pytest.CaptureFixture[str], *paths: Path) -> tuple[int, str]:
    code = main(["check", *map(str, paths)])
    return code, capsys.readouterr().out


def test_weak_references_render_get_stack_output_only_and_pass_the_checker(tmp_path: Path, capsys) -> None:
    out = _render(tmp_path, "weak-references.toml", capsys)
    services = sorted(out.glob("service-*.yaml"))
    assert len(services) == 2
    for service in services:
        text = service.read_text(encoding="utf-8")
        assert "Fn::GetStackOutput" in text and "ImportValue" not in text, service.name
    code, printed = _check(capsys, out / "network.yaml", *services)
    assert code == 0 and "0 errors" in printed


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
    assert "E9007" not in printed and "W9009" in printed and code == 0


def test_multi_account_network_shares_its_subnets_and_passes_the_checker(tmp_path: Path, capsys) -> None:
    out = _render(tmp_path, "multi-account.toml", capsys)
    network = load_template(out / "network.yaml")
    (share,) = resources_of_type(network, "AWS::RAM::ResourceShare").values()
    assert share["Properties"]["Principals"] == ["111122223333", "444455556666"]
    assert len(share["Properties"]["ResourceArns"]) == 6
    assert "OutputReaderRoleArn" in network["Outputs"]
    service = load_template(out / "service-shop.yaml")
    (cluster,) = resources_of_type(service, "AWS::ECS::Cluster").values()
    assert cluster["Condition"] == "NetworkStackIsRemote"
    (ecs_service,) = resources_of_type(service, "AWS::ECS::Service").values()
    condition, local, remote = ecs_service["Properties"]["Cluster"]["Fn::If"]
    assert condition == "NetworkStackIsRemote" and local == {"Fn::GetAtt": ["Cluster", "Arn"]}
    assert remote["Fn::GetStackOutput"]["OutputName"] == "ClusterArn"
    code, printed = _check(capsys, out / "network.yaml", out / "service-shop.yaml")
    assert code == 0 and "0 errors" in printed


def _literals(text: str) -> set[str]:
    """Account IDs, Regions and AZs in the text, less the Regions a condition only compares AWS::Region with (the
    endpoint-name table of config/partitions.py): those do not pin the template to a Region."""
    found = {*ACCOUNT_ID.findall(text), *REGION.findall(text), *AZ_NAME.findall(text)}
    return found - set(INTERFACE_PREFIX_EXCEPTIONS) if "- !Ref AWS::Region" in text else found


def test_literal_patterns_find_what_they_are_for() -> None:
    assert _literals("arn:aws:iam::111122223333:root in eu-west-1 at us-gov-west-1a") == {
        "111122223333",
        "eu-west-1",
        "us-gov-west-1a",
    }


@pytest.mark.parametrize("filename", sorted(render_catalogue()))
def test_no_catalogue_template_holds_an_account_region_or_az(filename: str) -> None:
    # StackSets deploy one template to many accounts and Regions: every such value must come from the stack.
    assert _literals(render_catalogue()[filename]) == set()


@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.stem)
def test_example_renders_hold_only_the_literals_their_config_names(config: Path) -> None:
    given = _literals(config.read_text(encoding="utf-8"))
    for name, template in load_config(config).items():
        assert _literals(render_yaml(template)) <= given, name


def test_stack_outputs_service_parameters_are_grouped_for_the_console(tmp_path: Path, capsys) -> None:
    out = _render(tmp_path, "weak-references.toml", capsys)
    interface = load_template(out / "service-web.yaml")["Metadata"]["AWS::CloudFormation::Interface"]
    (group,) = [g for g in interface["ParameterGroups"] if g["Label"]["default"] == "Network stack"]
    assert group["Parameters"] == ["NetworkStackName", "NetworkStackRegion", "NetworkStackRoleArn"]
