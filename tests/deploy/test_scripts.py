"""The deploy and teardown scripts and the parameter files that ``render --config`` writes beside the templates.

The shell runs here with a stand-in ``aws`` on PATH that records its arguments and the parameter file it was given;
tests/integration/test_deploy_script.py runs the real AWS CLI against emulated AWS."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

from fargate_private_templates.cli import main
from fargate_private_templates.deploy.plan import (
    CAPABILITY_IAM,
    CAPABILITY_NAMED_IAM,
    capabilities,
    environment_variable,
    plan_for_config,
)
from fargate_private_templates.deploy.scripts import deployment_files, parameter_file, script_names

SHARED_ALB = ROOT / "examples" / "shared-alb.toml"
MULTI_ACCOUNT = ROOT / "examples" / "multi-account.toml"
ENVIRONMENT = {
    "FARGATE_INGRESS_CERTIFICATE_ARN": "arn:aws:acm:us-east-1:123456789012:certificate/1",
    "FARGATE_WEB_IMAGE_TAG": "1.0",
    "FARGATE_DOCS_IMAGE_TAG": "1.0",
    "FARGATE_API_IMAGE_TAG": "1.0",
}
# Records each call, one line of arguments, and copies the parameter file it was given (file://...).
FAKE_AWS = """#!/bin/sh
echo "$*" >> "$CALLS"
stack=$(echo "$*" | sed 's/.*--stack-name \\([^ ]*\\).*/\\1/')
for argument in "$@"; do
  case $argument in file://*) cp "${argument#file://}" "$CALLS.$stack";; esac
done
if [ "$1" = sts ]; then echo "${FAKE_ACCOUNT:-123456789012}"; fi
"""


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("shared-alb")
    assert main(["render", "--config", str(SHARED_ALB), "--out", str(folder)]) == 0
    return folder


def _run(script: Path, tmp_path: Path, environment: dict[str, str]) -> tuple[subprocess.CompletedProcess, list[str]]:
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir(exist_ok=True)
    fake = bin_folder / "aws"
    fake.write_text(FAKE_AWS)
    fake.chmod(0o755)
    calls = tmp_path / "calls"
    env = {"PATH": f"{bin_folder}:/usr/bin:/bin", "CALLS": str(calls), **environment}
    result = subprocess.run(["sh", str(script)], env=env, capture_output=True, text=True, timeout=60)
    return result, calls.read_text().splitlines() if calls.exists() else []


def test_environment_variables_are_named_after_the_stack_and_the_parameter() -> None:
    assert environment_variable("fargate-web", "ImageTag") == "FARGATE_WEB_IMAGE_TAG"
    assert environment_variable("shop-ingress", "CertificateArn") == "SHOP_INGRESS_CERTIFICATE_ARN"
    assert environment_variable("a-b", "NetworkStackRoleArn") == "A_B_NETWORK_STACK_ROLE_ARN"
    assert environment_variable("x", "VPCId") == "X_VPC_ID"


def test_capabilities_follow_the_iam_resources() -> None:
    role = {"Type": "AWS::IAM::Role", "Properties": {}}
    assert capabilities({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}) == ()
    assert capabilities({"Resources": {"Role": role}}) == (CAPABILITY_IAM,)
    named = {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "x"}}
    assert capabilities({"Resources": {"Role": role, "Named": named}}) == (CAPABILITY_NAMED_IAM,)


def test_the_plan_deploys_in_dependency_order_with_every_parameter() -> None:
    _, _, plan = plan_for_config(SHARED_ALB)
    assert [s.stack_name for s in plan.stacks] == [
        "fargate-network",
        "fargate-ingress",
        "fargate-web",
        "fargate-docs",
        "fargate-api",
    ]
    web = plan.stack("fargate-web")
    assert web is not None
    assert dict(web.parameters)["NetworkStackName"] == "fargate-network"
    assert dict(web.parameters)["IngressStackName"] == "fargate-ingress"
    assert web.environment == (("ImageTag", "FARGATE_WEB_IMAGE_TAG"),)
    assert sorted(key for key, _ in web.parameters + web.environment) == sorted(web.template["Parameters"])
    assert web.capabilities == (CAPABILITY_IAM,)
    assert web.values({"FARGATE_WEB_IMAGE_TAG": "2.0"})["ImageTag"] == "2.0"
    assert "ImageTag" not in web.values({"FARGATE_WEB_IMAGE_TAG": ""})
    assert web.missing({}) == ["FARGATE_WEB_IMAGE_TAG"]


def test_render_writes_scripts_and_a_parameter_file_per_stack(rendered: Path) -> None:
    names = sorted(p.name for p in rendered.iterdir())
    assert [n for n in names if not n.endswith(".yaml")] == [
        "deploy.sh",
        "ingress.parameters.json",
        "network.parameters.json",
        "service-api.parameters.json",
        "service-docs.parameters.json",
        "service-web.parameters.json",
        "teardown.sh",
    ]
    assert all(os.stat(rendered / n).st_mode & stat.S_IXUSR for n in ("deploy.sh", "teardown.sh"))
    assert not os.stat(rendered / "network.parameters.json").st_mode & stat.S_IXUSR
    # The one file form AWS CLI v1 reads for --parameter-overrides file://: a JSON list of "Key=Value" strings.
    values = json.loads((rendered / "service-web.parameters.json").read_text())
    assert "NetworkStackName=fargate-network" in values and "HostHeaders=www.example.com" in values
    assert all(isinstance(v, str) and "=" in v for v in values)
    assert not any(v.startswith("ImageTag=") for v in values)


def test_render_check_sees_a_stale_script(rendered: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "--config", str(SHARED_ALB), "--out", str(rendered), "--check"]) == 0
    script = rendered / "deploy.sh"
    original = script.read_text()
    script.write_text(original + "# edited\n")
    try:
        assert main(["render", "--config", str(SHARED_ALB), "--out", str(rendered), "--check"]) == 1
        assert f"would change: {script}" in capsys.readouterr().out
    finally:
        script.write_text(original)


def test_deploy_runs_every_stack_in_order_with_its_options(rendered: Path, tmp_path: Path) -> None:
    result, calls = _run(rendered / "deploy.sh", tmp_path, ENVIRONMENT)
    assert result.returncode == 0, result.stderr
    deploys = [c for c in calls if c.startswith("cloudformation deploy")]
    assert [c.split("--stack-name ")[1].split()[0] for c in deploys] == [
        "fargate-network",
        "fargate-ingress",
        "fargate-web",
        "fargate-docs",
        "fargate-api",
    ]
    for call in deploys:
        assert "--no-fail-on-empty-changeset" in call
        assert "--tags fargate-private-templates:deployment=fargate" in call
    assert "--capabilities CAPABILITY_IAM" in deploys[0] and "--capabilities" not in deploys[1]
    web = json.loads((tmp_path / "calls.fargate-web").read_text())
    assert web[-1] == "ImageTag=1.0" and "HostHeaders=www.example.com" in web
    ingress = json.loads((tmp_path / "calls.fargate-ingress").read_text())
    assert f"CertificateArn={ENVIRONMENT['FARGATE_INGRESS_CERTIFICATE_ARN']}" in ingress


def test_deploy_stops_before_the_first_stack_listing_every_missing_value(rendered: Path, tmp_path: Path) -> None:
    given = {k: v for k, v in ENVIRONMENT.items() if k not in ("FARGATE_WEB_IMAGE_TAG", "FARGATE_API_IMAGE_TAG")}
    given["FARGATE_DOCS_IMAGE_TAG"] = ""
    result, calls = _run(rendered / "deploy.sh", tmp_path, given)
    assert result.returncode == 2 and calls == []
    assert result.stderr.strip() == (
        "deploy.sh: set these environment variables first (nothing was deployed): "
        "FARGATE_WEB_IMAGE_TAG FARGATE_DOCS_IMAGE_TAG FARGATE_API_IMAGE_TAG"
    )


def test_values_from_the_environment_are_json_escaped(rendered: Path, tmp_path: Path) -> None:
    tricky = 'a"b\\c $HOME `x` %s'
    result, _ = _run(rendered / "deploy.sh", tmp_path, {**ENVIRONMENT, "FARGATE_API_IMAGE_TAG": tricky})
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "calls.fargate-api").read_text())[-1] == f"ImageTag={tricky}"


def test_a_value_with_a_control_character_is_refused(rendered: Path, tmp_path: Path) -> None:
    result, calls = _run(rendered / "deploy.sh", tmp_path, {**ENVIRONMENT, "FARGATE_WEB_IMAGE_TAG": "1.0\nx"})
    assert result.returncode == 2 and calls == []
    assert "FARGATE_WEB_IMAGE_TAG holds a control character" in result.stderr


def test_teardown_deletes_in_reverse_order_and_waits(rendered: Path, tmp_path: Path) -> None:
    result, calls = _run(rendered / "teardown.sh", tmp_path, {})
    assert result.returncode == 0, result.stderr
    deleted = [c.split()[-1] for c in calls if c.startswith("cloudformation delete-stack")]
    assert deleted == ["fargate-api", "fargate-docs", "fargate-web", "fargate-ingress", "fargate-network"]
    assert calls[1] == "cloudformation wait stack-delete-complete --stack-name fargate-api"


def test_a_config_spanning_accounts_gets_one_script_per_account(tmp_path: Path) -> None:
    _, _, plan = plan_for_config(MULTI_ACCOUNT)
    files = deployment_files(plan)
    assert script_names("111122223333") == ("deploy-111122223333.sh", "teardown-111122223333.sh")
    assert {"deploy.sh", "teardown.sh", "deploy-111122223333.sh", "teardown-111122223333.sh"} <= set(files)
    assert "fargate-shop" not in files["deploy.sh"] and "fargate-network" not in files["deploy-111122223333.sh"]
    shop = plan.stack("fargate-shop")
    assert shop is not None and shop.account == "111122223333"
    # Read across accounts, the network's outputs need the role the network stack outputs.
    assert ("NetworkStackRoleArn", "FARGATE_SHOP_NETWORK_STACK_ROLE_ARN") in shop.environment
    (tmp_path / "out").mkdir()
    script = tmp_path / "out" / "deploy-111122223333.sh"
    script.write_text(files["deploy-111122223333.sh"])
    result, calls = _run(script, tmp_path, {"FAKE_ACCOUNT": "444455556666"})
    assert result.returncode == 2 and calls == ["sts get-caller-identity --query Account --output text"]
    assert "the credentials are for account 444455556666, not 111122223333" in result.stderr


def test_an_empty_parameter_list_is_still_a_list_the_script_can_extend() -> None:
    _, _, plan = plan_for_config(SHARED_ALB)
    stack = plan.stacks[0]
    empty = type(stack)(**{**stack.__dict__, "parameters": ()})
    assert parameter_file(empty) == "[\n]\n" and json.loads(parameter_file(empty)) == []


def test_the_weights_ecs_moves_are_read_live_not_written_in_the_parameter_file(tmp_path: Path) -> None:
    config = tmp_path / "bg.toml"
    config.write_text('[[services]]\nname = "web"\n[services.deployment]\nstrategy = "canary"\n')
    out = tmp_path / "out"
    assert main(["render", "--config", str(config), "--out", str(out)]) == 0
    plan_parameters = (out / "service-web.parameters.json").read_text()
    assert "Weight" not in plan_parameters and "NetworkStackName=fargate-network" in plan_parameters
    script = (out / "deploy.sh").read_text()
    assert "live_weights() {" in script and "live_weights fargate-web >" in script
    assert "TargetGroupWeight=100 AlternateTargetGroupWeight=0" in script
    for rule in ("ProductionListenerRule", "ListenerRule", "TestListenerRule"):
        assert f"{rule}) prefix=" in script
    rolling = tmp_path / "rolling.toml"
    rolling.write_text('[[services]]\nname = "web"\n')
    assert main(["render", "--config", str(rolling), "--out", str(tmp_path / "plain")]) == 0
    assert "live_weights" not in (tmp_path / "plain" / "deploy.sh").read_text()
