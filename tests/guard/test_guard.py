"""The shipped cfn-guard rules, run by a real engine (cfn-guard-rs, cfn-guard 3.0.1 in-process): the committed
templates pass, each bad fixture fails the rules it breaks, and every rule fails at least once, in both input
shapes (a template, and a Guard Hook's per-resource input)."""

from __future__ import annotations

import copy
import json
import tomllib
from pathlib import Path

import pytest
from cfn_guard_rs.cfn_guard_rs import run_checks_rs
from conftest import FIXTURES, ROOT, TEMPLATES
from conftest import GUARD_RULES as RULES

from fargate_private_templates.guard import guard_rules_path
from fargate_private_templates.render.loader import load_template

RULE_NAMES = {
    "FPT_ECS_SERVICE_NO_PUBLIC_IP",
    "FPT_ECS_TASK_SET_NO_PUBLIC_IP",
    "FPT_EVENTS_TARGET_NO_PUBLIC_IP",
    "FPT_SCHEDULER_TARGET_NO_PUBLIC_IP",
    "FPT_SUBNET_NO_MAP_PUBLIC_IP",
    "FPT_TASK_SECURITY_GROUP_CLOSED",
}

# Bad fixture -> the rules it breaks.
BAD = {
    "E9001-bad.yaml": {"FPT_ECS_SERVICE_NO_PUBLIC_IP", "FPT_ECS_TASK_SET_NO_PUBLIC_IP"},
    "E9001-bad-scheduled.yaml": {"FPT_EVENTS_TARGET_NO_PUBLIC_IP", "FPT_SCHEDULER_TARGET_NO_PUBLIC_IP"},
    "E9005-bad.yaml": {"FPT_SUBNET_NO_MAP_PUBLIC_IP"},
    "E9006-bad.yaml": {"FPT_TASK_SECURITY_GROUP_CLOSED"},
    "E9006-bad-scheduled.yaml": {"FPT_TASK_SECURITY_GROUP_CLOSED"},
}


def statuses(document: dict) -> dict[str, str]:
    """Rule name -> PASS, FAIL or SKIP, from the verbose report (the plain one is cut on long outputs)."""
    report = json.loads(run_checks_rs(json.dumps(document), RULES, True))
    checks = [child["container"].get("RuleCheck") for child in report["children"]]
    return {check["name"]: check["status"] for check in checks if check}


def failing(document: dict) -> set[str]:
    return {name for name, status in statuses(document).items() if status == "FAIL"}


def resource_inputs(template: dict) -> list[dict]:
    """What a Guard Hook gives the rules on a resource operation, one document per resource."""
    return [
        {
            "HookContext": {"TargetType": "RESOURCE", "TargetName": resource["Type"], "TargetLogicalId": name},
            "Resources": {
                name: {"ResourceType": resource["Type"], "ResourceProperties": resource.get("Properties", {})}
            },
        }
        for name, resource in template["Resources"].items()
    ]


def test_the_engine_reads_every_rule() -> None:
    assert set(statuses({"Resources": {}})) == RULE_NAMES


@pytest.mark.parametrize("path", sorted(TEMPLATES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_committed_template_passes(path: Path) -> None:
    template = load_template(path)
    assert failing(template) == set()
    assert all(failing(document) == set() for document in resource_inputs(template))


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_fixtures_fail_the_rules_they_break(name: str) -> None:
    assert failing(load_template(FIXTURES / name)) == BAD[name]


def test_every_rule_fails_on_some_bad_fixture() -> None:
    assert set().union(*BAD.values()) == RULE_NAMES


@pytest.mark.parametrize("name", ["E9001-bad.yaml", "E9001-bad-scheduled.yaml", "E9005-bad.yaml"])
def test_a_hook_resource_input_fails_on_the_resource_that_breaks_a_rule(name: str) -> None:
    failed = set().union(*(failing(document) for document in resource_inputs(load_template(FIXTURES / name))))
    # Joining a workload to its security groups takes the whole template: the STACK operation's input.
    assert failed == BAD[name] - {"FPT_TASK_SECURITY_GROUP_CLOSED"}


def test_good_fixtures_of_the_same_rules_pass() -> None:
    # Literal DISABLED in every workload (E9001-good uses Fn::If, which Guard cannot read).
    for name in ("E9002-good-scheduled.yaml", "E9005-good.yaml", "E9006-good.yaml", "E9006-good-scheduled.yaml"):
        assert failing(load_template(FIXTURES / name)) == set(), name


def test_a_literal_enabled_fails_and_an_fn_if_cannot_be_proven() -> None:
    template = copy.deepcopy(load_template(TEMPLATES / "service-alb.yaml"))
    configuration = template["Resources"]["Service"]["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]
    configuration["AssignPublicIp"] = "ENABLED"
    assert failing(template) == {"FPT_ECS_SERVICE_NO_PUBLIC_IP"}
    configuration["AssignPublicIp"] = {"Fn::If": ["Production", "DISABLED", "DISABLED"]}
    assert failing(template) == {"FPT_ECS_SERVICE_NO_PUBLIC_IP"}
    del configuration["AssignPublicIp"]
    assert failing(template) == set()


def test_the_rules_ship_as_package_data() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "guard/*.guard" in pyproject["tool"]["setuptools"]["package-data"]["fargate_private_templates"]
    assert guard_rules_path().is_file()
