"""A blue/green service on the shared front door, updated after ECS swapped its traffic (emulated, moto in-process).

ECS moves the production listener rule's forward weights at every deployment; nothing emulates ECS here, so the swap
is made as ECS makes it, with elbv2 ModifyRule: all traffic to AlternateTargetGroup. The stack update then changes
the service's host, as an operator would, in two ways:

- the way docs/rollouts.md says, with its shell functions run by the AWS CLI against the emulated account
  (tests/emulated_aws.aws_cli: a moto server on 127.0.0.1 sharing the in-process state): the live weights are
  restated, and traffic stays on AlternateTargetGroup, where the tasks are;
- without restating them: the weights go back to their defaults, 100/0, and every request would go to the target
  group without tasks. This documents the danger the docs warn of.

Stacks: examples/blue-green.toml's golden ``service-api.yaml`` (blue/green with a test rule) on the catalogue network
and front door. Every parameter is given at creation because moto keeps no previous value for one left to its
default (AWS would); the shims are tests/emulated_aws.py's.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import boto3
import pytest
from conftest import DOCS, ROOT, TEMPLATES
from emulated_aws import KNOWN_GAP_WARNINGS, aws_cli
from emulated_aws import assert_status as _assert_status
from emulated_aws import create_stack as _create
from emulated_aws import physical_ids as _physical_ids

from fargate_private_templates.contract import PRODUCTION_WEIGHTS, TEST_WEIGHTS
from fargate_private_templates.render.loader import load_template

pytestmark = [
    *KNOWN_GAP_WARNINGS,
    pytest.mark.filterwarnings("ignore:Tried to parse AWS..EC2..SecurityGroupEgress:UserWarning"),
    # moto's CloudFormation skips the rollback alarms of the blue/green service; the static tests cover them.
    pytest.mark.filterwarnings("ignore:Tried to parse AWS..CloudWatch..Alarm:UserWarning"),
]
SERVICE = ROOT / "tests" / "golden" / "examples" / "blue-green" / "service-api.yaml"
STACK = "bg-api"


def _shell_functions() -> str:
    """The first sh block of docs/rollouts.md: the functions the docs tell operators to run."""
    page = (DOCS / "rollouts.md").read_text(encoding="utf-8")
    (block,) = [b for b in re.findall(r"```sh\n(.*?)```", page, re.S) if "live_weights() {" in b]
    return block


def _update_command() -> str:
    page = (DOCS / "rollouts.md").read_text(encoding="utf-8")
    (block,) = [b for b in re.findall(r"```sh\n(.*?)```", page, re.S) if "aws cloudformation update-stack" in b]
    return block


def _every_parameter(path: Path, given: dict[str, str]) -> dict[str, str]:
    defaults = {k: str(v.get("Default", "")) for k, v in load_template(path)["Parameters"].items()}
    return defaults | given


def _rule(elb: Any, arn: str) -> tuple[dict[str, int], list[str]]:
    """The rule's forward weights by target group ARN, and its host header values."""
    (rule,) = elb.describe_rules(RuleArns=[arn])["Rules"]
    (forward,) = [a for a in rule["Actions"] if a["Type"] == "forward"]
    weights = {t["TargetGroupArn"]: int(t["Weight"]) for t in forward["ForwardConfig"]["TargetGroups"]}
    hosts = [v for c in rule["Conditions"] if c["Field"] == "host-header" for v in c["HostHeaderConfig"]["Values"]]
    return weights, hosts


def _swap(elb: Any, arn: str, primary: str, alternate: str) -> None:
    """What ECS does at the end of a blue/green deployment: every request to the alternate target group."""
    groups = [{"TargetGroupArn": primary, "Weight": 0}, {"TargetGroupArn": alternate, "Weight": 100}]
    elb.modify_rule(RuleArn=arn, Actions=[{"Type": "forward", "ForwardConfig": {"TargetGroups": groups}}])


def test_an_update_that_restates_the_live_weights_keeps_traffic_on_the_target_group_with_the_tasks(
    aws: boto3.Session, certificate_arn: str, tmp_path: Path
) -> None:
    cfn, elb = aws.client("cloudformation"), aws.client("elbv2")
    _create(cfn, "bg-network", TEMPLATES / "network.yaml", {})
    ingress = {"NetworkStackName": "bg-network", "CertificateArn": certificate_arn}
    _create(cfn, "bg-ingress", TEMPLATES / "ingress-alb.yaml", ingress)
    given = {"NetworkStackName": "bg-network", "IngressStackName": "bg-ingress", "ImageTag": "1.0.0"}
    stack_id = _create(cfn, STACK, SERVICE, _every_parameter(SERVICE, given))
    rules = _physical_ids(cfn, stack_id, "AWS::ElasticLoadBalancingV2::ListenerRule")
    groups = _physical_ids(cfn, stack_id, "AWS::ElasticLoadBalancingV2::TargetGroup")
    primary, alternate = groups["TargetGroup"], groups["AlternateTargetGroup"]
    production, test = rules["ListenerRule"], rules["TestListenerRule"]
    assert _rule(elb, production) == ({primary: 100, alternate: 0}, ["api.example.com"])

    _swap(elb, production, primary, alternate)
    (tmp_path / "service-api.yaml").write_text(SERVICE.read_text(encoding="utf-8"), encoding="utf-8")
    command = _update_command().replace("shop-api", STACK).replace("api.example.org", "shop.example.com")
    with aws_cli() as run:
        printed = run(f"{_shell_functions()}\nlive_weights {STACK}\ncd {tmp_path}\n{command}").splitlines()
    assert " ".join(printed[:2]).split() == [
        f"ParameterKey={PRODUCTION_WEIGHTS.primary},ParameterValue=0",
        f"ParameterKey={PRODUCTION_WEIGHTS.alternate},ParameterValue=100",
        f"ParameterKey={TEST_WEIGHTS.primary},ParameterValue=100",
        f"ParameterKey={TEST_WEIGHTS.alternate},ParameterValue=0",
    ]
    _assert_status(cfn, stack_id, "UPDATE_COMPLETE")
    assert _rule(elb, production) == ({primary: 0, alternate: 100}, ["shop.example.com"])
    assert _rule(elb, test)[0] == {primary: 100, alternate: 0}

    # The danger: the same kind of update without the weights sends every request back to TargetGroup, which after
    # the swap has no tasks.
    kept = [{"ParameterKey": k, "UsePreviousValue": True} for k in given]
    cfn.update_stack(
        StackName=stack_id,
        UsePreviousTemplate=True,
        Parameters=[*kept, {"ParameterKey": "HostHeaders", "ParameterValue": "www.example.com"}],
        Capabilities=["CAPABILITY_IAM"],
    )
    _assert_status(cfn, stack_id, "UPDATE_COMPLETE")
    assert _rule(elb, production) == ({primary: 100, alternate: 0}, ["www.example.com"])
