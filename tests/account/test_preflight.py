"""preflight against an emulated account (a moto server on 127.0.0.1, tests/emulated_server.py): exit 0 with
everything in place, and exit 1 with a line naming the cause for each single thing missing."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import boto3
import emulated_server
import pytest
from conftest import ROOT
from moto import settings

from fargate_private_templates.account import PreflightReport, preflight
from fargate_private_templates.account.aws import READ_ACTIONS, UnlistedAction, iam_action, policy_actions
from fargate_private_templates.cli import main

SHARED_ALB = ROOT / "examples" / "shared-alb.toml"
ACCOUNT = "123456789012"
MANIFEST_LIST = json.dumps(
    {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
        "manifests": [
            {
                "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                "digest": "sha256:" + "a" * 64,
                "size": 1,
                "platform": {"architecture": "amd64", "os": "linux"},
            }
        ],
    }
)
TINY_TEMPLATE = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with emulated_server.emulated_server() as url:
        yield url


@pytest.fixture
def environ(server: str) -> dict[str, str]:
    """A fresh account with everything shared-alb.toml needs; the values deploy.sh would read from the environment."""
    urllib.request.urlopen(urllib.request.Request(f"{server}/moto-api/reset", method="POST"), timeout=10).close()
    emulated_server.CACHE_RULES.clear()
    emulated_server.QUOTAS.clear()
    certificate = boto3.client("acm").request_certificate(DomainName="www.example.com")["CertificateArn"]
    ecr = boto3.client("ecr")
    for repository in ("web", "docs", "api"):
        ecr.create_repository(repositoryName=repository)
        ecr.put_image(repositoryName=repository, imageManifest=MANIFEST_LIST, imageTag="1.0")
    return {
        "FARGATE_INGRESS_CERTIFICATE_ARN": certificate,
        **{f"FARGATE_{name.upper()}_IMAGE_TAG": "1.0" for name in ("web", "docs", "api")},
    }


def _run(environ: dict[str, str], config: Path = SHARED_ALB, stacks: tuple[str, ...] = ()) -> PreflightReport:
    return preflight(config, aws=emulated_server.reader(), stacks=stacks, environ=environ)


def _failed(report: PreflightReport) -> list[str]:
    assert report.exit_code == 1, report.format_text()
    return [r.format_text() for r in report.results if r.status == "FAIL"]


def _create_stack(name: str, outputs: dict[str, str]) -> None:
    body = {
        **TINY_TEMPLATE,
        "Outputs": {key: {"Value": "x", "Export": {"Name": export}} for key, export in outputs.items()},
    }
    boto3.client("cloudformation").create_stack(StackName=name, TemplateBody=json.dumps(body))


def test_everything_in_place_passes(environ: dict[str, str]) -> None:
    report = _run(environ)
    assert report.exit_code == 0, report.format_text()
    assert {r.status for r in report.results} <= {"PASS", "SKIP"}
    checks = {r.check for r in report.results}
    assert {"parameter", "stack", "export", "image", "certificate", "zones", "quota"} <= checks
    document = json.loads(report.format_json())
    assert document["exit_code"] == 0 and document["summary"]["fail"] == 0 and document["account"] == ACCOUNT


def test_a_missing_image_tag_fails_naming_it(environ: dict[str, str]) -> None:
    (line,) = _failed(_run({**environ, "FARGATE_WEB_IMAGE_TAG": "2.0"}))
    assert line.startswith(f"FAIL image: web: web:2.0 in registry {ACCOUNT}: the tag is not in the repository")


def test_a_certificate_not_issued_fails(environ: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "ACM_VALIDATION_WAIT", 3600)
    pending = boto3.client("acm").request_certificate(DomainName="www.example.com")["CertificateArn"]
    lines = _failed(_run({**environ, "FARGATE_INGRESS_CERTIFICATE_ARN": pending}))
    assert lines == [
        f"FAIL certificate: fargate-ingress CertificateArn {pending}: is PENDING_VALIDATION, not ISSUED. "
        "Fix: complete its DNS validation (or request a new one) before deploying"
    ]


def test_a_certificate_not_covering_a_routed_host_fails(environ: dict[str, str]) -> None:
    other = boto3.client("acm").request_certificate(
        DomainName="example.com", SubjectAlternativeNames=["example.com", "*.docs.example.com"]
    )["CertificateArn"]
    lines = _failed(_run({**environ, "FARGATE_INGRESS_CERTIFICATE_ARN": other}))
    assert [line.split(":")[1] for line in lines] == [
        " fargate-web host www.example.com",
        " fargate-api host www.example.com",
    ]
    assert "no certificate on the front door's listener covers it (names: " in lines[0]
    assert "*.docs.example.com" in lines[0] and "example.com," in lines[0] + ","


def test_a_missing_secret_fails(environ: dict[str, str], tmp_path: Path) -> None:
    arn = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:db-password-AbCdEf"
    config = tmp_path / "secrets.toml"
    config.write_text(
        SHARED_ALB.read_text().replace(
            '[services.image]\nrepository = "web"\n',
            f'[services.image]\nrepository = "web"\n\n[services.container]\nsecrets = {{ DB_PASSWORD = "{arn}" }}\n',
        )
    )
    (line,) = _failed(_run(environ, config))
    assert line.startswith(f"FAIL reference: fargate-web secret DB_PASSWORD {arn}: the secret does not exist")
    boto3.client("secretsmanager").create_secret(Name="db-password", SecretString="x")
    secret_arn = boto3.client("secretsmanager").describe_secret(SecretId="db-password")["ARN"]
    config.write_text(config.read_text().replace(arn, secret_arn))
    assert _run(environ, config).exit_code == 0


def test_the_network_stack_missing_an_output_the_service_reads_fails(environ: dict[str, str]) -> None:
    # A network deployed elsewhere, older than the service: it exports the VPC but not the private subnets.
    _create_stack("fargate-network", {"VpcId": "fargate-network-VpcId"})
    lines = _failed(_run(environ, stacks=("fargate-web",)))
    assert lines[0].startswith("FAIL stack: fargate-web reads fargate-network: it lacks export fargate-network-")
    assert "export fargate-network-PrivateSubnetIds" in lines[0] and "fargate-network-VpcId" not in lines[0]
    assert lines[1] == (
        "FAIL stack: fargate-web reads fargate-ingress: the stack does not exist. Fix: deploy fargate-ingress first"
    )


def test_an_export_name_owned_by_another_stack_fails(environ: dict[str, str]) -> None:
    _create_stack("squatter", {"Taken": "fargate-network-VpcId"})
    (line,) = _failed(_run(environ))
    assert line.startswith("FAIL export: fargate-network export fargate-network-VpcId: already owned by stack squatter")


def test_an_elastic_ip_quota_too_small_for_the_nat_gateways_fails(environ: dict[str, str]) -> None:
    emulated_server.QUOTAS[("ec2", "L-0263D0A3")] = 1
    (line,) = _failed(_run(environ))
    assert line.startswith(
        "FAIL quota: fargate-network: one Elastic IP per NAT gateway (2): EC2-VPC Elastic IPs (ec2 L-0263D0A3) is 1 "
        "(applied value, Service Quotas); 0 in use + 2 needed = 3"[:-4]
    )


def test_missing_values_fail_before_anything_is_read(environ: dict[str, str]) -> None:
    given = {k: v for k, v in environ.items() if k != "FARGATE_DOCS_IMAGE_TAG"}
    lines = _failed(_run(given))
    assert lines == [
        "FAIL parameter: fargate-docs ImageTag: no value: FARGATE_DOCS_IMAGE_TAG is not set. "
        "Fix: set FARGATE_DOCS_IMAGE_TAG, or set the value in the config"
    ]


def test_every_call_is_a_read_only_action_of_the_policy(environ: dict[str, str]) -> None:
    aws = emulated_server.reader()
    preflight(SHARED_ALB, aws=aws, environ=environ)
    assert aws.calls and aws.calls <= set(policy_actions())
    # An action outside the table is refused before any request is made.
    with pytest.raises(UnlistedAction, match="ec2:RunInstances is not in the read-only policy"):
        aws.client("ec2").run_instances(ImageId="ami-1", MinCount=1, MaxCount=1)


def test_the_policy_lists_only_read_only_actions_each_of_them_called_in_the_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["preflight", "--print-policy"]) == 0
    (statement,) = json.loads(capsys.readouterr().out)["Statement"]
    assert statement["Effect"] == "Allow" and statement["Resource"] == ["*"]
    assert statement["Action"] == policy_actions()
    verbs = ("Describe", "Get", "List", "BatchGet")
    assert all(action.split(":")[1].startswith(verbs) for action in statement["Action"])
    # No action the code never calls: each operation appears as a call in the account package.
    source = "".join(p.read_text() for p in (ROOT / "src" / "fargate_private_templates" / "account").glob("*.py"))
    snake = {
        iam_action(client, op): "".join(f"_{c.lower()}" if c.isupper() else c for c in op).lstrip("_")
        for client, ops in READ_ACTIONS.items()
        for op in ops
    }
    snake["servicequotas:GetAWSDefaultServiceQuota"] = "get_aws_default_service_quota"
    snake["organizations:ListAWSServiceAccessForOrganization"] = "list_aws_service_access_for_organization"
    assert [action for action, name in snake.items() if not re.search(rf"[.\"]{name}\b", source)] == []
