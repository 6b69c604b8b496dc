"""The account commands at the command line: preflight and audit parse, call the library and print; bad usage and
missing credentials are one line and exit 2."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from conftest import ROOT
from emulated_server import emulated_server

from fargate_private_templates.cli import main

SHARED_ALB = str(ROOT / "examples" / "shared-alb.toml")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_without_credentials_preflight_says_how_to_give_them(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_PROFILE",
        "AWS_ENDPOINT_URL",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    code, out, err = _run(capsys, "preflight", "--config", SHARED_ALB)
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert err.startswith("fargate-private-templates: error: no AWS credentials: give them the usual way (AWS_PROFILE")
    code, _, err = _run(capsys, "audit", "--config", SHARED_ALB)
    assert code == 2 and "no AWS credentials" in err and len(err.splitlines()) == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("preflight",), "preflight: give --config FILE, or --print-policy for the IAM policy it needs"),
        (("audit",), "audit: give --config FILE or at least one --stack NAME"),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(
    aws: boto3.Session, argv: tuple[str, ...], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, *argv)
    assert code == 2 and out == "" and err == f"fargate-private-templates: error: {message}\n"


def test_a_stack_not_in_the_config_is_refused(aws: boto3.Session, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "preflight", "--config", SHARED_ALB, "--stack", "fargate-nope")
    assert code == 2 and "--stack: 'fargate-nope' is not a stack of this config; its stacks: fargate-network" in err


def test_auditing_a_stack_that_is_not_deployed_is_exit_2(
    aws: boto3.Session, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, "audit", "--stack", "fargate-gone")
    assert code == 2
    assert err == (
        "fargate-private-templates: error: audit: stack fargate-gone does not exist in 123456789012 us-east-1; "
        "deploy it first\n"
    )


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    # Service Quotas needs the server's shims (in-process moto lacks GetAWSDefaultServiceQuota).
    with emulated_server() as url:
        yield url


def test_preflight_prints_json_and_fails_on_a_missing_value(
    server: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("FARGATE_WEB_IMAGE_TAG", "FARGATE_DOCS_IMAGE_TAG", "FARGATE_API_IMAGE_TAG"):
        monkeypatch.setenv(name, "1.0")
    monkeypatch.delenv("FARGATE_INGRESS_CERTIFICATE_ARN", raising=False)
    code, out, _ = _run(capsys, "preflight", "--config", SHARED_ALB, "--format", "json", "--stack", "fargate-ingress")
    document = json.loads(out)
    assert code == 1 == document["exit_code"]
    failed = [r for r in document["results"] if r["status"] == "FAIL" and r["check"] == "parameter"]
    assert failed == [
        {
            "status": "FAIL",
            "check": "parameter",
            "subject": "fargate-ingress CertificateArn",
            "detail": "no value: FARGATE_INGRESS_CERTIFICATE_ARN is not set",
            "fix": "set FARGATE_INGRESS_CERTIFICATE_ARN, or set the value in the config",
        }
    ]


SERVICE_ALB = str(ROOT / "templates" / "service-alb.yaml")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ("--config", SHARED_ALB, "--template", SERVICE_ALB, "--stack-name", "web"),
            "preflight: give --config FILE (and --stack) or --template FILE, not both",
        ),
        (
            ("--stack", "web", "--template", SERVICE_ALB, "--stack-name", "web"),
            "preflight: give --config FILE (and --stack) or --template FILE, not both",
        ),
        (
            ("--config", SHARED_ALB, "--parameters", "ImageTag=v1"),
            "preflight: --stack-name, --parameters and --parameters-file go with --template FILE",
        ),
        (
            ("--template", SERVICE_ALB, "--stack-name", "web", "--parameters", "ImageTag"),
            "--parameters: 'ImageTag' is not Key=Value; allowed: a parameter name, '=' and its value",
        ),
        (
            ("--template", SERVICE_ALB, "--stack-name", "web", "--parameters", "=v1"),
            "--parameters: '=v1' is not Key=Value; allowed: a parameter name, '=' and its value",
        ),
        (
            ("--template", SERVICE_ALB, "--parameters", "ImageTag=v1"),
            "--stack-name: 0 given for 1 --template; allowed: one --stack-name per --template, in the same order",
        ),
        (
            ("--template", SERVICE_ALB, "--stack-name", "web", "--parameters", "ImageTag=v1", "Nope=1"),
            f"--parameters: 'Nope' is not a parameter of {SERVICE_ALB}; allowed: AccessLogsBucket, CertificateArn, ",
        ),
    ],
)
def test_bad_template_mode_usage_is_one_line_and_exit_2(
    aws: boto3.Session, argv: tuple[str, ...], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, "preflight", *argv)
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert err.startswith(f"fargate-private-templates: error: {message}")


def test_a_missing_template_or_parameters_file_is_one_line_and_exit_2(
    aws: boto3.Session, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = str(tmp_path / "nope.yaml")
    code, out, err = _run(capsys, "preflight", "--template", missing, "--stack-name", "web")
    assert code == 2 and out == "" and len(err.splitlines()) == 1 and missing in err
    code, out, err = _run(
        capsys, "preflight", "--template", SERVICE_ALB, "--stack-name", "web", "--parameters-file", missing
    )
    assert code == 2 and out == "" and len(err.splitlines()) == 1 and missing in err
    for text, found in (
        ("{", "not JSON"),
        ('{"ImageTag": "v1"}', "dict found; allowed: a JSON list"),
        ("[1]", 'params.json: 1 is not "Key=Value" nor a ParameterKey/ParameterValue object'),
        ('["ImageTag"]', "params.json: 'ImageTag' is not Key=Value"),
    ):
        (tmp_path / "params.json").write_text(text)
        argv = ("--template", SERVICE_ALB, "--stack-name", "web", "--parameters-file", str(tmp_path / "params.json"))
        code, out, err = _run(capsys, "preflight", *argv)
        assert code == 2 and out == "" and len(err.splitlines()) == 1 and found in err


def test_preflight_of_a_template_prints_json_and_fails_on_a_missing_parameter(
    server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, "preflight", "--template", SERVICE_ALB, "--stack-name", "web", "--format", "json")
    document = json.loads(out)
    assert code == 1 == document["exit_code"]
    failed = [r["subject"] for r in document["results"] if r["status"] == "FAIL" and r["check"] == "parameter"]
    assert failed == ["web ImageTag", "web CertificateArn"]
