"""preflight --template against an emulated account (a moto server on 127.0.0.1, tests/emulated_server.py): the
catalogue templates with their parameters exit 0 with everything in place, and exit 1 with a line naming the cause
for each single thing missing."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import boto3
import emulated_server
import pytest
from conftest import ROOT
from emulated_server import MANIFEST_LIST
from moto import settings

from fargate_private_templates.account import PreflightReport
from fargate_private_templates.account.aws import policy_actions
from fargate_private_templates.account.template_preflight import preflight_templates
from fargate_private_templates.regions import fargate_zones
from fargate_private_templates.render.loader import load_template

TEMPLATES = ROOT / "templates"
SERVICE_ALB = TEMPLATES / "service-alb.yaml"
NETWORK_SINGLE_NAT = TEMPLATES / "network-single-nat.yaml"
ACCOUNT = "123456789012"
NETWORK_EXPORTS = ("VpcId", "PublicSubnetIds", "PrivateSubnetIds", "ClusterArn", "ClusterName")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with emulated_server.emulated_server() as url:
        yield url


def _create_stack(name: str, exports: dict[str, str]) -> None:
    body = {
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {key: {"Value": "x", "Export": {"Name": export}} for key, export in exports.items()},
    }
    boto3.client("cloudformation").create_stack(StackName=name, TemplateBody=json.dumps(body))


@pytest.fixture
def certificate(server: str) -> str:
    """A fresh account with a network stack exporting what the service templates import, the image app:v1, and
    an issued certificate for www.example.com (its ARN)."""
    urllib.request.urlopen(urllib.request.Request(f"{server}/moto-api/reset", method="POST"), timeout=10).close()
    emulated_server.QUOTAS.clear()
    ecr = boto3.client("ecr")
    ecr.create_repository(repositoryName="app")
    ecr.put_image(repositoryName="app", imageManifest=MANIFEST_LIST, imageTag="v1")
    _create_stack("fargate-network", {key: f"fargate-network-{key}" for key in NETWORK_EXPORTS})
    return boto3.client("acm").request_certificate(DomainName="www.example.com")["CertificateArn"]


def _service(certificate: str, *more: str, template: Path = SERVICE_ALB, **options: object) -> PreflightReport:
    parameters = ("ImageTag=v1", f"CertificateArn={certificate}", *more)
    return preflight_templates([template], ["web"], parameters, aws=emulated_server.reader(), **options)  # type: ignore[arg-type]


def _failed(report: PreflightReport) -> list[str]:
    assert report.exit_code == 1, report.format_text()
    return [r.format_text() for r in report.results if r.status == "FAIL"]


def test_a_service_template_with_everything_in_place_passes(certificate: str) -> None:
    aws = emulated_server.reader()
    report = preflight_templates([SERVICE_ALB], ["web"], ["ImageTag=v1", f"CertificateArn={certificate}"], aws=aws)
    assert report.exit_code == 0, report.format_text()
    assert {r.status for r in report.results} <= {"PASS", "SKIP"}
    checks = {r.check for r in report.results}
    assert {"parameter", "stack", "import", "image", "certificate", "quota"} <= checks
    imports = [r.subject for r in report.results if r.check == "import"]
    assert "web imports fargate-network-VpcId" in imports and "web imports fargate-network-ClusterArn" in imports
    (image,) = [r for r in report.results if r.check == "image"]
    assert (
        image.format_text()
        == f"PASS image: web TaskDefinition app: app:v1 in registry {ACCOUNT}: exists, for linux/amd64"
    )
    assert json.loads(report.format_json())["exit_code"] == 0
    # Every call is an action of the printed read-only policy.
    assert aws.calls and aws.calls <= set(policy_actions())


def test_a_parameter_without_default_not_given_fails(certificate: str) -> None:
    report = preflight_templates(
        [SERVICE_ALB], ["web"], [f"CertificateArn={certificate}"], aws=emulated_server.reader()
    )
    lines = _failed(report)
    assert lines[0] == (
        "FAIL parameter: web ImageTag: no value: it has no default. Fix: give it: --parameters ImageTag=VALUE "
        "(or in --parameters-file)"
    )
    assert len(lines) == 1


def test_the_parameters_file_is_read_and_key_value_pairs_override_it(certificate: str, tmp_path: Path) -> None:
    parameters = tmp_path / "params.json"
    parameters.write_text(json.dumps(["ImageTag=v2", f"CertificateArn={certificate}"]))
    aws = emulated_server.reader()
    assert preflight_templates([SERVICE_ALB], ["web"], [], parameters, aws=aws).exit_code == 1
    assert preflight_templates([SERVICE_ALB], ["web"], ["ImageTag=v1"], parameters, aws=aws).exit_code == 0
    # The form `params --format json` prints is read too.
    as_objects = [{"ParameterKey": "ImageTag", "ParameterValue": "v1"}, f"CertificateArn={certificate}"]
    parameters.write_text(json.dumps(as_objects))
    assert preflight_templates([SERVICE_ALB], ["web"], [], parameters, aws=aws).exit_code == 0


def test_an_image_tag_missing_fails(certificate: str) -> None:
    (line,) = _failed(_service(certificate, "ImageTag=v2"))
    assert line.startswith(
        f"FAIL image: web TaskDefinition app: app:v2 in registry {ACCOUNT}: the tag is not in the repository"
    )


def test_a_certificate_not_issued_fails(certificate: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "ACM_VALIDATION_WAIT", 3600)
    pending = boto3.client("acm").request_certificate(DomainName="www.example.com")["CertificateArn"]
    (line,) = _failed(_service(pending))
    assert line == (
        f"FAIL certificate: web HttpsListener {pending}: is PENDING_VALIDATION, not ISSUED. "
        "Fix: complete its DNS validation (or request a new one) before deploying"
    )


def test_a_host_the_front_doors_certificate_does_not_cover_fails(certificate: str) -> None:
    # The shared service routes app.example.com: the front door's certificate is for www.example.com only.
    templates = [TEMPLATES / "ingress-alb.yaml", TEMPLATES / "service-shared-alb.yaml"]
    aws = emulated_server.reader()
    run = preflight_templates(
        templates, ["fargate-ingress", "web"], ["ImageTag=v1", f"CertificateArn={certificate}"], aws=aws
    )
    (line,) = _failed(run)
    assert line.startswith(
        "FAIL certificate: web host app.example.com: no certificate on the front door's listener covers it "
        "(names: www.example.com)"
    )
    covered = ["ImageTag=v1", f"CertificateArn={certificate}", "HostHeaders=www.example.com"]
    assert preflight_templates(templates, ["fargate-ingress", "web"], covered, aws=aws).exit_code == 0
    # Alone, the service's hosts are not checked: the listener's certificates are in the front door's stack.
    alone = preflight_templates(templates[1:], ["web"], ["ImageTag=v1"], aws=aws)
    (skip,) = [r.format_text() for r in alone.results if r.check == "certificate"]
    assert skip.startswith("SKIP certificate: web hosts: its listener's certificates are in another stack")


def test_a_missing_secret_fails(certificate: str, tmp_path: Path) -> None:
    template = load_template(SERVICE_ALB)
    arn = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:db-password-AbCdEf"
    template["Parameters"]["DbPasswordArn"] = {"Type": "String"}
    container = template["Resources"]["TaskDefinition"]["Properties"]["ContainerDefinitions"][0]
    container["Secrets"] = [{"Name": "DB_PASSWORD", "ValueFrom": {"Ref": "DbPasswordArn"}}]
    path = tmp_path / "service.json"
    path.write_text(json.dumps(template))
    (line,) = _failed(_service(certificate, f"DbPasswordArn={arn}", template=path))
    assert line.startswith(f"FAIL reference: web secret DB_PASSWORD {arn}: the secret does not exist")
    boto3.client("secretsmanager").create_secret(Name="db-password", SecretString="x")
    secret = boto3.client("secretsmanager").describe_secret(SecretId="db-password")["ARN"]
    assert _service(certificate, f"DbPasswordArn={secret}", template=path).exit_code == 0


def test_a_kms_key_parameter_naming_no_key_fails(certificate: str) -> None:
    key = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"
    (line,) = _failed(_service(certificate, f"LogsKmsKeyArn={key}"))
    assert line.startswith(f"FAIL reference: web LogsKmsKeyArn {key}: the key does not exist")


def test_an_import_no_stack_exports_fails(certificate: str) -> None:
    lines = _failed(_service(certificate, "NetworkStackName=elsewhere"))
    assert lines[0] == (
        "FAIL import: web imports elsewhere-VpcId: no stack of the Region exports it. Fix: deploy the stack that "
        "exports it first, or give the stack-name parameter of the one that does"
    )
    assert len(lines) == len(NETWORK_EXPORTS)


def test_an_export_owned_by_another_stack_fails(certificate: str) -> None:
    _create_stack("squatter", {"Taken": "net-VpcId"})
    (line,) = _failed(preflight_templates([NETWORK_SINGLE_NAT], ["net"], aws=emulated_server.reader()))
    assert line == (
        "FAIL export: net export net-VpcId: already owned by stack squatter. "
        "Fix: choose another stack name, or delete stack squatter"
    )
    # The stack's own exports are fine: fargate-network owns fargate-network-VpcId.
    report = preflight_templates([NETWORK_SINGLE_NAT], ["fargate-network"], aws=emulated_server.reader())
    assert [r.status for r in report.results if r.check == "export"] == ["PASS"]


def test_a_network_template_passes_and_fails_on_too_few_elastic_ips(certificate: str) -> None:
    aws = emulated_server.reader()
    report = preflight_templates([NETWORK_SINGLE_NAT], ["net"], ["AvailabilityZones=us-east-1a,us-east-1b"], aws=aws)
    assert report.exit_code == 0, report.format_text()
    assert {"export", "quota", "zones"} <= {r.check for r in report.results}
    emulated_server.QUOTAS[("ec2", "L-0263D0A3")] = 0
    (line,) = _failed(preflight_templates([NETWORK_SINGLE_NAT], ["net"], aws=aws))
    assert line.startswith(
        "FAIL quota: net: 1 Elastic IPs: EC2-VPC Elastic IPs (ec2 L-0263D0A3) is 0 (applied value, Service Quotas); "
        "0 in use + 1 needed = 1"
    )


def test_azs_that_do_not_exist_or_lack_fargate_fail(certificate: str, monkeypatch: pytest.MonkeyPatch) -> None:
    aws = emulated_server.reader()
    (line,) = _failed(
        preflight_templates([NETWORK_SINGLE_NAT], ["net"], ["AvailabilityZones=us-east-1a,eu-west-1a"], aws=aws)
    )
    assert line.startswith(
        "FAIL zones: net AvailabilityZones: eu-west-1a: not an available AZ of us-east-1. Fix: name AZs of us-east-1: "
        "us-east-1a, us-east-1b"
    )
    monkeypatch.setitem(fargate_zones.FARGATE_ZONE_IDS, "us-east-1", frozenset({"use1-az1"}))
    (line,) = _failed(preflight_templates([NETWORK_SINGLE_NAT], ["net"], ["AvailabilityZones=us-east-1a"], aws=aws))
    assert line.startswith("FAIL zones: net AvailabilityZones: Fargate does not run in us-east-1a (use1-az6)")


def test_fargate_vcpus_at_most_and_at_least_are_held_against_the_quota(certificate: str) -> None:
    # service-alb: 256 CPU units, 2 to 4 tasks: 0.5 to 1 vCPU.
    emulated_server.QUOTAS[("fargate", "L-3032A538")] = 0.5
    report = _service(certificate)
    (line,) = [r.format_text() for r in report.results if r.subject.startswith("web: vCPUs")]
    assert line.startswith("WARN quota: web: vCPUs of its services at most (1; 0.5 at least): Fargate On-Demand vCPU")
    assert report.exit_code == 0
    emulated_server.QUOTAS[("fargate", "L-3032A538")] = 0.25
    (line,) = _failed(_service(certificate))
    assert line.startswith("FAIL quota: web: vCPUs of its services at most (1; 0.5 at least)")
    assert line.endswith("0 in use + 1 needed = 1. Fix: request a higher quota")


def test_images_outside_ecr_or_unknown_are_skipped(certificate: str, tmp_path: Path) -> None:
    template = load_template(SERVICE_ALB)
    container = template["Resources"]["TaskDefinition"]["Properties"]["ContainerDefinitions"][0]
    path = tmp_path / "service.json"
    for image, detail in (
        ("docker.io/library/nginx:1.27", "docker.io/library/nginx:1.27 is in a registry outside AWS: not read"),
        (f"{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/app:v1", "not a tag in this Region's ECR: not read"),
        ({"Fn::GetAtt": ["Somewhere", "Uri"]}, "its image is not known from these values"),
    ):
        container["Image"] = image
        path.write_text(json.dumps(template))
        report = _service(certificate, template=path)
        (result,) = [r for r in report.results if r.check == "image"]
        assert (result.status, detail in result.detail) == ("SKIP", True), result.format_text()


def test_an_image_under_a_pull_through_cache_prefix_is_pulled_on_first_use(certificate: str) -> None:
    repository = "RepositoryName=docker-hub/library/nginx"
    (line,) = _failed(_service(certificate, repository))
    assert line.startswith(
        f"FAIL image: web TaskDefinition app: docker-hub/library/nginx:v1 in registry {ACCOUNT}: the repository does "
        "not exist"
    )
    emulated_server.CACHE_RULES["docker-hub"] = {
        "ecrRepositoryPrefix": "docker-hub",
        "upstreamRegistryUrl": "registry-1.docker.io",
    }
    try:
        report = _service(certificate, repository)
    finally:
        emulated_server.CACHE_RULES.clear()
    assert report.exit_code == 0, report.format_text()
    assert [r.format_text() for r in report.results if r.check == "image"] == [
        "PASS image: web TaskDefinition app: pull-through cache rule docker-hub: exists, for registry-1.docker.io",
        "SKIP image: web TaskDefinition app: docker-hub/library/nginx:v1 is pulled through the cache on first use: "
        "its tag is not read",
    ]


def test_stack_outputs_a_template_reads_are_checked_unless_read_through_a_role(certificate: str) -> None:
    template = ROOT / "tests" / "golden" / "examples" / "weak-references" / "service-web.yaml"
    aws = emulated_server.reader()
    report = preflight_templates([template], ["web"], ["ImageTag=v1", f"CertificateArn={certificate}"], aws=aws)
    reads = [r.format_text() for r in report.results if r.subject.startswith("web reads")]
    assert "PASS stack: web reads fargate-network output VpcId: CREATE_COMPLETE" in reads
    given = ["ImageTag=v1", f"CertificateArn={certificate}", "NetworkStackName=elsewhere"]
    lines = _failed(preflight_templates([template], ["web"], given, aws=aws))
    assert lines[0] == (
        "FAIL stack: web reads elsewhere output VpcId: the stack does not exist. Fix: deploy elsewhere first"
    )
    role = f"arn:aws:iam::{ACCOUNT}:role/read-network"
    report = preflight_templates([template], ["web"], [*given, f"NetworkStackRoleArn={role}"], aws=aws)
    skipped = [r.format_text() for r in report.results if r.subject.startswith("web reads")]
    assert skipped[0] == (
        f"SKIP stack: web reads elsewhere output VpcId: read through {role} in another account: not read from here. "
        "Fix: run preflight in that account too"
    )


CLOUDFRONT_SERVICE = ROOT / "tests" / "golden" / "examples" / "cloudfront" / "service-api.yaml"


def test_a_distributions_viewer_certificate_is_read_in_us_east_1_and_covers_its_aliases(certificate: str) -> None:
    acm = boto3.client("acm", region_name="us-east-1")
    wide = acm.request_certificate(DomainName="*.example.com")["CertificateArn"]
    narrow = acm.request_certificate(DomainName="www.example.com")["CertificateArn"]

    def viewer_lines(viewer: str) -> list[str]:
        more = ("ImageTag=1.0", f"ViewerCertificateArn={viewer}", "OriginFacingPrefixListId=pl-3b927c52")
        report = _service(certificate, *more, template=CLOUDFRONT_SERVICE)
        return [
            r.format_text()
            for r in report.results
            if "viewer" in r.detail + r.subject.lower() and r.check == "certificate"
        ]

    assert viewer_lines(wide) == [
        f"PASS certificate: web ViewerCertificateArn {wide}: ISSUED for *.example.com",
        "PASS certificate: web domain name api.example.com: covered by the viewer certificate",
    ]
    assert viewer_lines(narrow)[1] == (
        "FAIL certificate: web domain name api.example.com: the viewer certificate does not cover it (names: "
        "www.example.com). Fix: give a viewer certificate (us-east-1) that covers it, or remove it from DomainNames"
    )
