"""Shared helpers and fixtures: templates as dicts (long-form intrinsics), linting in-process, the checker's fixtures,
the command line run in-process, and the configs and templates that the tests of several modules build.

Test modules anywhere under tests/ import these with ``from conftest import ...`` (pyproject puts tests/ on the path).
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from cfnlint.config import ConfigMixIn
from cfnlint.decode.decode import decode_str
from cfnlint.rules import Rules
from cfnlint.runner import Runner, run_template_by_data

from fargate_private_templates.catalogue import CATALOGUE, render_catalogue
from fargate_private_templates.checks import CheckReport, check_dicts, check_templates
from fargate_private_templates.cli import main
from fargate_private_templates.config.image import ImageOptions
from fargate_private_templates.config.load_balancer import LoadBalancerOptions
from fargate_private_templates.config.network import NetworkConfig
from fargate_private_templates.config.routing import RoutingOptions
from fargate_private_templates.config.service import ContainerOptions, HealthCheckOptions, ScalingOptions, ServiceConfig
from fargate_private_templates.guard import guard_rules_path
from fargate_private_templates.layers.network import build_network
from fargate_private_templates.layers.service import build_service
from fargate_private_templates.regions.features import deployable_regions
from fargate_private_templates.regions.partitions import INTERFACE_PREFIX_EXCEPTIONS, LINT_REGIONS
from fargate_private_templates.render import ordered_dict
from fargate_private_templates.render.loader import load_template, parse_template

if TYPE_CHECKING:
    import boto3

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
TEMPLATES = ROOT / "templates"
EXAMPLES = ROOT / "examples"
EXAMPLE_CONFIGS = sorted(EXAMPLES.glob("*.toml"))


def doc(name: str) -> str:
    """A documentation page's text: ``doc("checker.md")``."""
    return (DOCS / name).read_text(encoding="utf-8")


@functools.cache
def catalogue_yaml() -> dict[str, str]:
    return render_catalogue()


@functools.cache
def catalogue_dict(filename: str) -> dict:
    entry = next(e for e in CATALOGUE if e.filename == filename)
    return ordered_dict(entry.build())


def lint_findings(text: str) -> list[str]:
    """cfn-lint findings for every Region of LINT_REGIONS where the availability table lets the template deploy:
    one call, all Regions (a Region per call would multiply the time)."""
    return list(_lint_findings(text))


@functools.cache
def _cfnlint_rules() -> Rules:
    # cfnlint.api.lint loads every rule again on each call (~0.3 s); the command line loads them once and runs them
    # over every template it is given, which is what this does.
    return Runner(ConfigMixIn(include_checks=["I"])).rules


@functools.cache
def _lint_findings(text: str) -> tuple[str, ...]:
    # Several tests lint the same rendered text (a catalogue template is also an example's part): lint it once.
    regions = list(deployable_regions(parse_template(text), LINT_REGIONS))
    template, matches = decode_str(text)
    if template is not None and not matches:
        config = ConfigMixIn(include_checks=["I"], regions=regions)
        matches = list(run_template_by_data(template, config, _cfnlint_rules()))
    return tuple(f"{m.rule.id} {m.message} (line {m.linenumber})" for m in matches)


def resources_of_type(template: dict, resource_type: str) -> dict[str, dict]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == resource_type}


def ref(value: object) -> str | None:
    return value.get("Ref") if isinstance(value, dict) else None


def one(template: dict, resource_type: str) -> dict:
    """The Properties of the template's only resource of that type."""
    (resource,) = resources_of_type(template, resource_type).values()
    return resource["Properties"]


@pytest.fixture(params=[e.filename for e in CATALOGUE])
def catalogue_file(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def aws() -> Iterator[boto3.Session]:
    """One in-process emulated account (moto, with the shims of tests/emulated_aws.py) for a test module."""
    from emulated_aws import emulated_account

    with emulated_account() as session:
        yield session


@pytest.fixture(scope="module")
def certificate_arn(aws: boto3.Session) -> str:
    # moto's HTTPS listener refuses an unknown certificate, as AWS does: request one in the emulated ACM.
    return aws.client("acm").request_certificate(DomainName="app.example.com")["CertificateArn"]


# --- the checker's fixtures (tests/fixtures/checks) and reading its reports ------------------------------------------

FIXTURES = ROOT / "tests" / "fixtures" / "checks"
PAIR = FIXTURES / "pair"
CASES = FIXTURES / "cases"
JOIN = FIXTURES / "join"

NAT_PATH_1 = "PrivateSubnet1 -> PrivateRouteTable1 -> NatGateway1 (in PublicSubnet1) -> InternetGateway"
NAT_PATH_2 = "PrivateSubnet2 -> PrivateRouteTable2 -> NatGateway2 (in PublicSubnet2) -> InternetGateway"
NO_REGISTRY = "no VPC endpoints for ecr.api, ecr.dkr, s3"
JOIN_PATHS = [
    (
        "network.yaml",
        "PrivateSubnetOne -> PrivateRouteTableOne -> NatGatewayOne (in PublicSubnetOne) -> InternetGateway",
    ),
    (
        "network.yaml",
        "PrivateSubnetTwo -> PrivateRouteTableTwo -> NatGatewayTwo (in PublicSubnetTwo) -> InternetGateway",
    ),
]


def fixture(name: str | Path) -> dict:
    """A copy of a checker fixture, by file name (``pair/...`` for the cross-template set) or by full path."""
    return copy.deepcopy(load_template(FIXTURES / name))


def case(name: str) -> dict:
    return copy.deepcopy(load_template(CASES / name))


def pair_dicts(*names: str) -> dict[str, dict]:
    return {name: copy.deepcopy(load_template(PAIR / name)) for name in names}


def template_pair(network: str, service: str = "service-alb.yaml") -> dict[str, dict]:
    """Copies of a committed network template and a committed service template, by file name."""
    return {network: fixture(TEMPLATES / network), service: fixture(TEMPLATES / service)}


def check_fixtures(*names: str) -> CheckReport:
    """Check fixtures by file name (``pair/...`` for the cross-template set)."""
    return check_templates([FIXTURES / name for name in names])


def check_template(template: dict) -> CheckReport:
    return check_dicts({"t.yaml": template})


def finding_ids(report: CheckReport) -> list[tuple[str, str, str]]:
    """(template file name, logical ID, rule ID) of every finding, in report order."""
    return [(Path(f.template).name, f.logical_id, f.rule_id) for f in report.findings]


def report_findings(report: CheckReport) -> list[tuple[str, str, str]]:
    """(logical ID, rule ID, message) of every finding, in report order."""
    return [(f.logical_id, f.rule_id, f.message) for f in report.findings]


def rule_messages(template: dict, rule_id: str) -> list[str]:
    return [f.message for f in check_dicts({"t.yaml": template}).findings if f.rule_id == rule_id]


def path_texts(report: CheckReport) -> list[str]:
    return [p.text for p in report.paths]


def first_container(template: dict) -> dict:
    (first,) = template["Resources"]["TaskDefinition"]["Properties"]["ContainerDefinitions"]
    return first


# --- the command line, in-process -------------------------------------------------------------------------------

DEFAULT_PAIR = [str(TEMPLATES / "network.yaml"), str(TEMPLATES / "service-alb.yaml")]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:  # argparse's own exits (--help, usage errors)
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) under ``folder``."""
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None) for p in sorted(folder.rglob("*"))}


def example_copy(tmp_path: Path, example: Path) -> Path:
    """A copy of an example config, with its priority lock if it has one, in a new folder of ``tmp_path``: a render
    writes the lock beside its config, and a test must never write into the examples."""
    folder = tmp_path / f"{example.stem}-config"
    folder.mkdir()
    for source in (example, example.with_name(f"{example.stem}.lock.json")):
        if source.exists():
            (folder / source.name).write_bytes(source.read_bytes())
    return folder / example.name


def render_example(tmp_path: Path, config: str, capsys: pytest.CaptureFixture[str]) -> Path:
    """``render --config examples/<config>`` (a copy) into a new folder of ``tmp_path``."""
    out = tmp_path / Path(config).stem
    assert main(["render", "--config", str(example_copy(tmp_path, EXAMPLES / config)), "--out", str(out)]) == 0
    capsys.readouterr()
    return out


def check_files(capsys: pytest.CaptureFixture[str], *paths: Path) -> tuple[int, str]:
    """``check`` of the files: its exit code and what it printed."""
    code = main(["check", *map(str, paths)])
    return code, capsys.readouterr().out


ACCOUNT_ID = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")
REGION_NAME = re.compile(r"\b(?:us|eu|ap|sa|ca|me|af|il|mx|cn)(?:-gov|-iso[a-z]?)?-[a-z]+-[0-9]\b")
AZ_NAME = re.compile(r"\b(?:us|eu|ap|sa|ca|me|af|il|mx|cn)(?:-gov)?-[a-z]+-[0-9][a-z]\b")


def literals(text: str) -> set[str]:
    """Account IDs, Regions and AZs in the text, less the Regions a condition only compares AWS::Region with (the
    endpoint-name table of config/partitions.py): those do not pin the template to a Region."""
    found = {*ACCOUNT_ID.findall(text), *REGION_NAME.findall(text), *AZ_NAME.findall(text)}
    return found - set(INTERFACE_PREFIX_EXCEPTIONS) if "- !Ref AWS::Region" in text else found


# --- configs and templates the tests of several modules build -----------------------------------------------------

CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"
KMS_KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
MULTI_REGION_KMS_KEY = "arn:aws-cn:kms:cn-north-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab"
OTEL_IMAGE = ImageOptions(source="pull_through_cache", repository="otel/collector", tag="1.0", cache_prewarmed=True)
ENDPOINTS_ONLY = NetworkConfig(nat_mode="none", endpoints=("s3", "ecr.api", "ecr.dkr", "logs", "secretsmanager"))
GUARD_RULES = guard_rules_path().read_text(encoding="utf-8")


def shared(name: str, **routing: object) -> ServiceConfig:
    """A service on the shared front door, routed by these RoutingOptions."""
    return ServiceConfig(name=name, load_balancer=LoadBalancerOptions(kind="shared"), routing=RoutingOptions(**routing))


def network_dict(nat_mode: str, az_count: int, **kwargs: object) -> dict:
    return ordered_dict(build_network(NetworkConfig(nat_mode=nat_mode, az_count=az_count, **kwargs)))


def tier_subnets(template: dict, tier: str) -> list[str]:
    """Logical IDs of the template's subnets of a tier (``Public`` or ``Private``)."""
    return [k for k in resources_of_type(template, "AWS::EC2::Subnet") if k.startswith(tier)]


def service_dict(config: ServiceConfig) -> dict:
    return ordered_dict(build_service(config))


def service_with(**kwargs: object) -> dict:
    """The service template of ``ServiceConfig(**kwargs)``."""
    return ordered_dict(build_service(ServiceConfig(**kwargs)))


VARIANT_SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-password-AbC123"
VARIANT_SECRET_BY_NAME = "arn:aws:secretsmanager:us-east-1:123456789012:secret:api-key"
VARIANT_PARAMETER = "arn:aws:ssm:us-east-1:123456789012:parameter/app/feature-flags"
VARIANT_CREDENTIALS = "arn:aws:secretsmanager:us-east-1:123456789012:secret:ghcr-credentials-XyZ987"

# Service variants whose templates the service layer's tests assert on.
SERVICE_VARIANTS = {
    "alb": ServiceConfig(),
    "nlb-tcp": ServiceConfig(load_balancer=LoadBalancerOptions(kind="nlb")),
    "nlb-tls-http-health": ServiceConfig(
        load_balancer=LoadBalancerOptions(kind="nlb", listener_protocol="tls", certificate_arn=CERTIFICATE),
        health_check=HealthCheckOptions(protocol="http"),
    ),
    "cross-account": ServiceConfig(image=ImageOptions(source="ecr_cross_account", registry_account_id="210987654321")),
    "third-party": ServiceConfig(image=ImageOptions(source="third_party", uri="ghcr.io/example/app:1.2.3")),
    "third-party-credentials": ServiceConfig(
        image=ImageOptions(
            source="third_party", uri="ghcr.io/example/app:1.2.3", credentials_secret_arn=VARIANT_CREDENTIALS
        )
    ),
    "secrets-exec-requests": ServiceConfig(
        container=ContainerOptions(
            secrets={"DB_PASSWORD": VARIANT_SECRET, "API_KEY": VARIANT_SECRET_BY_NAME, "FLAGS": VARIANT_PARAMETER},
            environment={"LOG_LEVEL": "info"},
            readonly_root_filesystem=False,
        ),
        enable_exec=True,
        scaling=ScalingOptions(target_requests_per_target=500),
    ),
    "writable-root-arm": ServiceConfig(
        container=ContainerOptions(readonly_root_filesystem=False), cpu_architecture="ARM64", cpu=1024, memory=3072
    ),
}


def service_variant(name: str) -> dict:
    return ordered_dict(build_service(SERVICE_VARIANTS[name]))


def import_key(value: dict) -> str:
    """`!Split [",", {Fn::ImportValue: !Sub ${NetworkStackName}-Key}]` or a bare import -> Key."""
    if "Fn::Split" in value:
        value = value["Fn::Split"][1]
    sub = value["Fn::ImportValue"]["Fn::Sub"]
    assert sub.startswith("${NetworkStackName}-")
    return sub.split("-", 1)[1]


def policy_statements(role: dict) -> list[dict]:
    """The statements of a role's inline policies, those behind a condition included."""
    statements = []
    for policy in role.get("Policies", []):
        if "Fn::If" in policy:
            policy = policy["Fn::If"][1]
        statements += policy["PolicyDocument"]["Statement"]
    return statements
