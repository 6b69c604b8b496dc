"""examples/shared-alb.toml deployed by its generated deploy.sh with the real AWS CLI (v1) against emulated AWS (a moto
server on 127.0.0.1, tests/emulated_server.py), audited, tampered with, and torn down by its teardown.sh.

One test, in steps, so the deployment is made once whatever worker runs it. What moto 5.2.5 does not emulate here and
the shims make it do is listed in tests/emulated_server.py; two more gaps are worked around in the steps: moto's
RunTask needs every container's memory and starts a task with no public IP, so the task with a public IP is one the
test runs from a task definition of its own and gives an Elastic IP, as AWS would with AssignPublicIp ENABLED.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from conftest import ROOT
from emulated_server import emulated_server, reader

from fargate_private_templates.account import preflight
from fargate_private_templates.account.audit import AuditReport, audit
from fargate_private_templates.cli import main

CONFIG = ROOT / "examples" / "shared-alb.toml"
STACKS = ["fargate-network", "fargate-ingress", "fargate-web", "fargate-docs", "fargate-api"]
MANIFEST = (
    '{"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json", '
    '"config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 1, "digest": "sha256:%s"}, '
    '"layers": []}' % ("0" * 64)
)
pytestmark = [
    pytest.mark.filterwarnings("ignore:Tried to parse AWS..ApplicationAutoScaling..:UserWarning"),
    pytest.mark.filterwarnings("ignore:Exception.DependencyViolationError.:UserWarning"),
]


@pytest.fixture(scope="module")
def account() -> Iterator[str]:
    with emulated_server() as url:
        yield url


def _sh(script: Path, environment: dict[str, str]) -> subprocess.CompletedProcess:
    # The real AWS CLI of this virtual environment (the dev extra installs it), pointed at the server by
    # AWS_ENDPOINT_URL like any SDK.
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    env = {**os.environ, **environment, "PATH": path}
    return subprocess.run(["sh", str(script)], env=env, capture_output=True, text=True, timeout=300)


def _audit(expected: int, *names: str) -> AuditReport:
    report = audit(CONFIG, aws=reader())
    text = report.format_text()
    assert report.exit_code == expected, text
    for name in names:
        assert name in text, (name, text)
    return report


def _physical(cloudformation: Any, stack: str, logical_id: str) -> str:
    summaries = cloudformation.list_stack_resources(StackName=stack)["StackResourceSummaries"]
    return next(s["PhysicalResourceId"] for s in summaries if s["LogicalResourceId"] == logical_id)


def test_deploy_audit_tamper_and_teardown(account: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = boto3.Session()
    ec2, ecs, cloudformation = session.client("ec2"), session.client("ecs"), session.client("cloudformation")
    certificate = session.client("acm").request_certificate(DomainName="www.example.com")["CertificateArn"]
    ecr = session.client("ecr")
    for repository in ("web", "docs", "api"):
        ecr.create_repository(repositoryName=repository)
        ecr.put_image(repositoryName=repository, imageManifest=MANIFEST, imageTag="1.0")
    environment = {
        "FARGATE_INGRESS_CERTIFICATE_ARN": certificate,
        **{f"FARGATE_{name.upper()}_IMAGE_TAG": "1.0" for name in ("web", "docs", "api")},
    }

    # Everything in place: preflight passes.
    report = preflight(CONFIG, aws=reader(), environ=environment)
    assert report.exit_code == 0 and {r.status for r in report.results} <= {"PASS", "SKIP"}, report.format_text()

    assert main(["render", "--config", str(CONFIG), "--out", str(tmp_path)]) == 0
    capsys.readouterr()
    first = _sh(tmp_path / "deploy.sh", environment)
    assert first.returncode == 0, first.stderr
    statuses = {s["StackName"]: s["StackStatus"] for s in cloudformation.describe_stacks()["Stacks"]}
    assert statuses == dict.fromkeys(STACKS, "CREATE_COMPLETE")
    created = [line.split(":")[0] for line in first.stdout.splitlines() if line.startswith("fargate-")]
    assert created == STACKS

    # A second run changes nothing.
    second = _sh(tmp_path / "deploy.sh", environment)
    assert second.returncode == 0, second.stderr
    assert second.stdout.count("No changes to deploy") == len(STACKS)
    assert {s["StackStatus"] for s in cloudformation.describe_stacks()["Stacks"]} == {"CREATE_COMPLETE"}

    clean = _audit(0)
    assert clean.drift == [] and clean.check.services_checked == 3 and clean.check.subnets_checked == 2

    # What ECS and autoscaling change on purpose is not drift.
    web_service = _physical(cloudformation, "fargate-web", "Service")
    cluster = web_service.split("/")[1]
    ecs.update_service(cluster=cluster, service=web_service, desiredCount=3)
    assert _audit(0).drift == []

    # 1. The task security group opened to 0.0.0.0/0.
    task_group = _physical(cloudformation, "fargate-web", "TaskSecurityGroup")
    opened = {"GroupId": task_group, "IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "CidrIp": "0.0.0.0/0"}
    ec2.authorize_security_group_ingress(**opened)
    report = _audit(1, f"live:{task_group}: E9006", f"drift: fargate-web:{task_group}: ingress rule tcp 8080-8080")
    assert [d.resource for d in report.drift] == [task_group]
    ec2.revoke_security_group_ingress(**opened)

    # 2. A private route table's default route pointed at the internet gateway.
    table = _physical(cloudformation, "fargate-network", "PrivateRouteTable1")
    subnet = _physical(cloudformation, "fargate-network", "PrivateSubnet1")
    gateway = _physical(cloudformation, "fargate-network", "InternetGateway")
    nat = _physical(cloudformation, "fargate-network", "NatGateway1")
    ec2.replace_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=gateway)
    _audit(1, f"E9002 runs tasks in public subnet {subnet}: {table} routes 0.0.0.0/0 to {gateway}", table)
    ec2.replace_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)

    # 3. A private subnet set to map public IPs.
    ec2.modify_subnet_attribute(SubnetId=subnet, MapPublicIpOnLaunch={"Value": True})
    _audit(1, f"live:{subnet}: E9005")
    ec2.modify_subnet_attribute(SubnetId=subnet, MapPublicIpOnLaunch={"Value": False})

    # 4. The service updated to AssignPublicIp ENABLED.
    (described,) = ecs.describe_services(cluster=cluster, services=[web_service])["services"]
    network = described["networkConfiguration"]
    enabled = {"awsvpcConfiguration": {**network["awsvpcConfiguration"], "assignPublicIp": "ENABLED"}}
    ecs.update_service(cluster=cluster, service=web_service, networkConfiguration=enabled)
    _audit(1, f"live:service/{web_service.rsplit('/', 1)[1]}: E9001 AssignPublicIp is ENABLED")
    ecs.update_service(cluster=cluster, service=web_service, networkConfiguration=network)

    # 5. A running task with a public IP on its network interface.
    definition = ecs.register_task_definition(
        family="probe",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "probe", "image": "probe", "cpu": 256, "memory": 512}],
    )["taskDefinition"]["taskDefinitionArn"]
    awsvpc = {"subnets": [subnet], "securityGroups": [task_group], "assignPublicIp": "ENABLED"}
    (task,) = ecs.run_task(
        cluster=cluster,
        taskDefinition=definition,
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": awsvpc},
    )["tasks"]
    interface = next(d["value"] for d in task["attachments"][0]["details"] if d["name"] == "networkInterfaceId")
    address = ec2.allocate_address(Domain="vpc")
    ec2.associate_address(AllocationId=address["AllocationId"], NetworkInterfaceId=interface)
    _audit(1, f"E9001 runs with public IP {address['PublicIp']} on network interface {interface}")
    ecs.stop_task(cluster=cluster, task=task["taskArn"])
    ec2.disassociate_address(PublicIp=address["PublicIp"])
    ec2.release_address(AllocationId=address["AllocationId"])

    teardown = _sh(tmp_path / "teardown.sh", {})
    assert teardown.returncode == 0, teardown.stderr
    assert cloudformation.describe_stacks()["Stacks"] == []


BLUE_GREEN = (
    'name = "bg"\n[network]\nnat_mode = "single"\n[[services]]\nname = "web"\n[services.deployment]\n'
    'strategy = "blue_green"\n'
)


def _weights(session: boto3.Session, stack: str) -> dict[str, int]:
    """Logical ID of each target group -> its weight on the live production listener rule."""
    cloudformation, elbv2 = session.client("cloudformation"), session.client("elbv2")
    groups = {_physical(cloudformation, stack, g): g for g in ("TargetGroup", "AlternateTargetGroup")}
    (rule,) = elbv2.describe_rules(RuleArns=[_physical(cloudformation, stack, "ProductionListenerRule")])["Rules"]
    forward = next(a for a in rule["Actions"] if a["Type"] == "forward")
    return {groups[t["TargetGroupArn"]]: t["Weight"] for t in forward["ForwardConfig"]["TargetGroups"]}


def test_deploy_restates_the_live_listener_weights_of_a_blue_green_service(account: str, tmp_path: Path) -> None:
    """After ECS moved traffic to AlternateTargetGroup, the next deploy (a new image tag) keeps it there: the script
    reads the live weights instead of sending the template's 100/0 back (issue 22, item 2)."""
    session = boto3.Session()
    config = tmp_path / "bg.toml"
    config.write_text(BLUE_GREEN)
    certificate = session.client("acm").request_certificate(DomainName="web.example.com")["CertificateArn"]
    environment = {"BG_WEB_CERTIFICATE_ARN": certificate, "BG_WEB_IMAGE_TAG": "1.0"}
    out = tmp_path / "out"
    assert main(["render", "--config", str(config), "--out", str(out)]) == 0
    assert "TargetGroupWeight" not in (out / "service-web.parameters.json").read_text()
    first = _sh(out / "deploy.sh", environment)
    assert first.returncode == 0, first.stderr
    assert _weights(session, "bg-web") == {"TargetGroup": 100, "AlternateTargetGroup": 0}

    # ECS's blue/green swap, as it leaves the rule: every request to AlternateTargetGroup.
    cloudformation, elbv2 = session.client("cloudformation"), session.client("elbv2")
    rule = _physical(cloudformation, "bg-web", "ProductionListenerRule")
    swapped = [
        {"TargetGroupArn": _physical(cloudformation, "bg-web", "TargetGroup"), "Weight": 0},
        {"TargetGroupArn": _physical(cloudformation, "bg-web", "AlternateTargetGroup"), "Weight": 100},
    ]
    elbv2.modify_rule(RuleArn=rule, Actions=[{"Type": "forward", "ForwardConfig": {"TargetGroups": swapped}}])

    second = _sh(out / "deploy.sh", {**environment, "BG_WEB_IMAGE_TAG": "2.0"})
    assert second.returncode == 0, second.stderr
    parameters = {
        p["ParameterKey"]: p["ParameterValue"]
        for p in cloudformation.describe_stacks(StackName="bg-web")["Stacks"][0]["Parameters"]
    }
    assert (parameters["ImageTag"], parameters["TargetGroupWeight"], parameters["AlternateTargetGroupWeight"]) == (
        "2.0",
        "0",
        "100",
    )
    assert _weights(session, "bg-web") == {"TargetGroup": 0, "AlternateTargetGroup": 100}
    teardown = _sh(out / "teardown.sh", {})
    assert teardown.returncode == 0, teardown.stderr
