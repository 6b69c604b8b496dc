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
from emulated_server import MANIFEST_LIST
from moto import settings

from fargate_private_templates.account import PreflightReport, preflight
from fargate_private_templates.account.aws import READ_ACTIONS, UnlistedAction, iam_action, policy_actions
from fargate_private_templates.account.context import Context
from fargate_private_templates.cli import main
from fargate_private_templates.regions import fargate_zones

SHARED_ALB = ROOT / "examples" / "shared-alb.toml"
ACCOUNT = "123456789012"
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


KITCHEN = """
[network]
nat_mode = "single"
share_with = ["arn:aws:organizations::123456789012:organization/o-abcdefghij"]

[[services]]
name = "cache"
secrets_kms_key_arns = ["{key}"]

[services.image]
source = "pull_through_cache"
repository = "library/nginx"

[services.container]
secrets = {{ FLAGS = "arn:aws:ssm:us-east-1:123456789012:parameter/app/flags" }}
"""


def _statuses(report: PreflightReport, check: str) -> list[str]:
    return [f"{r.status} {r.subject}: {r.detail}" for r in report.results if r.check == check]


def test_cache_rules_parameters_keys_and_sharing_are_read(environ: dict[str, str], tmp_path: Path) -> None:
    kms = boto3.client("kms")
    metadata = kms.create_key()["KeyMetadata"]
    key = metadata["Arn"]
    kms.disable_key(KeyId=metadata["KeyId"])
    config = tmp_path / "kitchen.toml"
    config.write_text(KITCHEN.format(key=key))
    given = {
        "FARGATE_CACHE_IMAGE_TAG": "1.27",
        "FARGATE_CACHE_CERTIFICATE_ARN": environ["FARGATE_INGRESS_CERTIFICATE_ARN"],
    }
    report = _run(given, config)
    assert _statuses(report, "image") == ["FAIL cache: pull-through cache rule docker-hub: no such rule"]
    assert _statuses(report, "reference") == [
        "FAIL fargate-cache secret FLAGS arn:aws:ssm:us-east-1:123456789012:parameter/app/flags: "
        "parameter /app/flags does not exist",
        f"FAIL fargate-cache secrets_kms_key_arns {key}: the key is Disabled",
    ]
    assert _statuses(report, "sharing") == ["FAIL fargate-network: AWS RAM sharing with AWS Organizations: not enabled"]

    credential = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:ecr-pullthroughcache/hub-AbCdEf"
    emulated_server.CACHE_RULES["docker-hub"] = {
        "ecrRepositoryPrefix": "docker-hub",
        "upstreamRegistryUrl": "registry-1.docker.io",
        "credentialArn": credential,
    }
    assert _statuses(_run(given, config), "image")[0] == (
        f"FAIL cache: pull-through cache rule docker-hub: its credential secret {credential} does not exist"
    )
    secret = boto3.client("secretsmanager").create_secret(Name="ecr-pullthroughcache/hub", SecretString="x")["ARN"]
    emulated_server.CACHE_RULES["docker-hub"]["credentialArn"] = secret
    boto3.client("ssm").put_parameter(Name="/app/flags", Value="on", Type="String")
    kms.enable_key(KeyId=metadata["KeyId"])
    organizations = boto3.client("organizations")
    organizations.create_organization(FeatureSet="ALL")
    organizations.enable_aws_service_access(ServicePrincipal="ram.amazonaws.com")
    report = _run(given, config)
    assert report.exit_code == 0, report.format_text()
    assert _statuses(report, "image") == [
        f"PASS cache: pull-through cache rule docker-hub: exists, with credential secret {secret}",
        "SKIP cache: docker-hub/library/nginx is pulled through the cache on first use: its tag is not read",
    ]
    assert _statuses(report, "sharing") == ["PASS fargate-network: AWS RAM sharing with AWS Organizations: enabled"]
    quota = _statuses(report, "quota")[0]
    assert quota.startswith("PASS fargate-network: one Elastic IP per NAT gateway (1): ")


def test_an_image_without_the_tasks_architecture_fails(environ: dict[str, str], tmp_path: Path) -> None:
    config = tmp_path / "arm.toml"
    config.write_text(SHARED_ALB.read_text().replace('name = "web"\n', 'name = "web"\ncpu_architecture = "ARM64"\n'))
    (line,) = _failed(_run(environ, config))
    assert line.startswith(f"FAIL image: web: web:1.0 in registry {ACCOUNT}: its platforms (linux/amd64) lack ")
    assert "lack linux/arm64, the task's ARM64. Fix: build and push the image for linux/arm64" in line


def test_zones_fargate_does_not_run_in_fail(environ: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(fargate_zones.FARGATE_ZONE_IDS, "us-east-1", frozenset({"use1-az1"}))
    (line,) = _failed(_run(environ))
    assert line.startswith(
        "FAIL zones: fargate-network AvailabilityZones: Fargate does not run in us-east-1a (use1-az6)"
    )


def test_an_existing_stack_in_a_failed_state_fails(environ: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    _create_stack("fargate-docs", {})
    report = _run(environ)
    assert "PASS stack: fargate-docs: is CREATE_COMPLETE: it will be updated" in report.format_text()
    stacks = {"fargate-docs": {"StackName": "fargate-docs", "StackStatus": "ROLLBACK_COMPLETE"}}
    monkeypatch.setattr(Context, "stack", lambda self, name: stacks.get(name))
    (line,) = _failed(_run(environ))
    assert line == (
        "FAIL stack: fargate-docs: is ROLLBACK_COMPLETE. Fix: its creation failed and was rolled back: delete it, "
        "then deploy again"
    )


DUAL_STACK = ROOT / "examples" / "dual-stack.toml"
CLOUDFRONT = ROOT / "examples" / "cloudfront.toml"


def test_ipv6_egress_needs_the_ecs_dual_stack_account_setting(environ: dict[str, str]) -> None:
    web = {"FARGATE_WEB_IMAGE_TAG": "1.0", "FARGATE_WEB_CERTIFICATE_ARN": environ["FARGATE_INGRESS_CERTIFICATE_ARN"]}
    (line,) = _failed(_run(web, DUAL_STACK))
    assert line == (
        "FAIL account setting: ECS dualStackIPv6 in us-east-1: disabled: network.ipv6_egress is set, but tasks would "
        "get no IPv6 address and no IPv6 egress. Fix: turn it on for the account: aws ecs "
        "put-account-setting-default --name dualStackIPv6 --value enabled"
    )
    boto3.client("ecs").put_account_setting(name="dualStackIPv6", value="enabled")
    report = _run(web, DUAL_STACK)
    assert report.exit_code == 0, report.format_text()
    (result,) = [r for r in report.results if r.check == "account setting"]
    assert result.format_text() == (
        "PASS account setting: ECS dualStackIPv6 in us-east-1: enabled: tasks in the private subnets get an IPv6 "
        "address for egress"
    )
    # Without IPv6 egress the setting does not matter, and is not read.
    assert "account setting" not in {r.check for r in _run(environ).results}


def _viewer_certificate(*names: str) -> str:
    """An issued certificate in us-east-1, where CloudFront takes its viewer certificates from."""
    acm = boto3.client("acm", region_name="us-east-1")
    return acm.request_certificate(DomainName=names[0], SubjectAlternativeNames=list(names))["CertificateArn"]


def _cloudfront_environment(environ: dict[str, str]) -> dict[str, str]:
    ecr = boto3.client("ecr")
    for repository in ("shop",):
        ecr.create_repository(repositoryName=repository)
        ecr.put_image(repositoryName=repository, imageManifest=MANIFEST_LIST, imageTag="1.0")
    viewer = _viewer_certificate("*.example.com")
    values = {"CERTIFICATE_ARN": environ["FARGATE_INGRESS_CERTIFICATE_ARN"], "VIEWER_CERTIFICATE_ARN": viewer}
    values["ORIGIN_FACING_PREFIX_LIST_ID"] = "pl-3b927c52"
    return {
        **{f"FARGATE_{name}_IMAGE_TAG": "1.0" for name in ("WEB", "SHOP", "API")},
        **{f"FARGATE_{stack}_{key}": value for stack in ("INGRESS", "API") for key, value in values.items()},
    }


def test_vpc_origins_refuse_the_azs_they_do_not_work_in(environ: dict[str, str], tmp_path: Path) -> None:
    values = _cloudfront_environment(environ)
    assert "zones" in {r.check for r in _run(values, CLOUDFRONT).results if r.status == "PASS"}
    config = tmp_path / "cloudfront.toml"
    config.write_text(CLOUDFRONT.read_text().replace('nat_mode = "single"', 'nat_mode = "single"\naz_count = 6'))
    lines = [line for line in _failed(_run(values, config)) if " zones: " in line]
    assert lines == [
        "FAIL zones: fargate-network AvailabilityZones: CloudFront VPC origins do not work in us-east-1e (use1-az3) "
        "(https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html). "
        "Fix: set the AvailabilityZones parameter to other AZs"
    ]
    # The same six AZs without CloudFront are fine.
    plain = tmp_path / "shared-alb.toml"
    plain.write_text(SHARED_ALB.read_text().replace('nat_mode = "per_az"', 'nat_mode = "per_az"\naz_count = 6'))
    assert not [r for r in _run(environ, plain).results if r.check == "zones" and r.status == "FAIL"]


def test_a_service_behind_cloudfront_counts_its_internal_alb_against_the_quota(environ: dict[str, str]) -> None:
    # cloudfront.toml deploys two ALBs: the shared front door's and the internal one of "api", the VPC origin.
    emulated_server.QUOTAS[("elasticloadbalancing", "L-53DA6B97")] = 1
    lines = [line for line in _failed(_run(_cloudfront_environment(environ), CLOUDFRONT)) if " quota: " in line]
    assert lines == [
        "FAIL quota: 2 new ALB: Application Load Balancers per Region (elasticloadbalancing L-53DA6B97) is 1 (applied "
        "value, Service Quotas); 0 in use + 2 needed = 2. Fix: delete unused load balancers or request a higher quota"
    ]


def test_a_cloudfront_viewer_certificate_is_read_in_us_east_1_and_covers_every_domain_name(
    environ: dict[str, str],
) -> None:
    values = _cloudfront_environment(environ)
    viewer = values["FARGATE_INGRESS_VIEWER_CERTIFICATE_ARN"]
    results = _run(values, CLOUDFRONT).results
    lines = [r.format_text() for r in results if r.check == "certificate" and "viewer" in r.detail + r.subject.lower()]
    assert lines == [
        f"PASS certificate: fargate-{stack} ViewerCertificateArn {viewer}: ISSUED for *.example.com"
        if domain is None
        else f"PASS certificate: fargate-{stack} domain name {domain}: covered by the viewer certificate"
        for stack, domain in [
            ("ingress", None),
            ("ingress", "www.example.com"),
            ("ingress", "shop.example.com"),
            ("api", None),
            ("api", "api.example.com"),
        ]
    ]
    narrow = _viewer_certificate("www.example.com")
    lines = _failed(_run({**values, "FARGATE_INGRESS_VIEWER_CERTIFICATE_ARN": narrow}, CLOUDFRONT))
    assert [line for line in lines if "domain name" in line] == [
        "FAIL certificate: fargate-ingress domain name shop.example.com: the viewer certificate does not cover it "
        "(names: www.example.com). Fix: give a viewer certificate (us-east-1) that covers it, or remove it from "
        "DomainNames"
    ]


def test_a_viewer_certificate_outside_us_east_1_fails_before_it_is_read(environ: dict[str, str]) -> None:
    elsewhere = "arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"
    values = {**_cloudfront_environment(environ), "FARGATE_API_VIEWER_CERTIFICATE_ARN": elsewhere}
    lines = [line for line in _failed(_run(values, CLOUDFRONT)) if "ViewerCertificateArn" in line]
    assert lines == [
        f"FAIL certificate: fargate-api ViewerCertificateArn {elsewhere}: is in Region eu-west-1, not us-east-1, the "
        "only Region CloudFront takes certificates from. Fix: request or import the certificate in us-east-1"
    ]
