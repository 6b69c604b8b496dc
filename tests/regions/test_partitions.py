"""Every partition: endpoint names per Region, Region codes, and the Regions the templates are linted for."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, TEMPLATES, resources_of_type

from fargate_private_templates.cli.main import main
from fargate_private_templates.errors import ConfigError
from fargate_private_templates.regions.features import deployable_regions
from fargate_private_templates.regions.partitions import LINT_REGIONS, check_regions, endpoint_prefix, partition_of
from fargate_private_templates.render.loader import load_template

# The names as documented for each Region, written out here rather than derived from the code's table. China: CDK's
# exception list (aws/aws-cdk PR 16139) and `describe-vpc-endpoint-services` from cn-north-1; the S3 *gateway*
# endpoint keeps com.amazonaws in China (only the S3 interface endpoint is cn.com.amazonaws).
DOCUMENTED = {
    "us-east-1": {
        "S3GatewayEndpoint": "com.amazonaws.us-east-1.s3",
        "EcrApiEndpoint": "com.amazonaws.us-east-1.ecr.api",
        "EcrDkrEndpoint": "com.amazonaws.us-east-1.ecr.dkr",
        "LogsEndpoint": "com.amazonaws.us-east-1.logs",
    },
    "cn-north-1": {
        "S3GatewayEndpoint": "com.amazonaws.cn-north-1.s3",
        "EcrApiEndpoint": "cn.com.amazonaws.cn-north-1.ecr.api",
        "EcrDkrEndpoint": "cn.com.amazonaws.cn-north-1.ecr.dkr",
        "LogsEndpoint": "com.amazonaws.cn-north-1.logs",
        "SecretsmanagerEndpoint": "com.amazonaws.cn-north-1.secretsmanager",
    },
    "us-gov-west-1": {
        "S3GatewayEndpoint": "com.amazonaws.us-gov-west-1.s3",
        "EcrApiEndpoint": "com.amazonaws.us-gov-west-1.ecr.api",
        "EcrDkrEndpoint": "com.amazonaws.us-gov-west-1.ecr.dkr",
        "LogsEndpoint": "com.amazonaws.us-gov-west-1.logs",
    },
}


def _evaluate(value: Any, template: dict, region: str) -> Any:
    """The value CloudFormation computes in ``region`` for the functions the endpoint names use."""
    if isinstance(value, dict) and len(value) == 1:
        ((name, argument),) = value.items()
        if name == "Ref" and argument == "AWS::Region":
            return region
        if name == "Fn::Equals":
            return _evaluate(argument[0], template, region) == _evaluate(argument[1], template, region)
        if name == "Fn::Or":
            return any(_evaluate(item, template, region) for item in argument)
        if name == "Fn::If":
            condition = _evaluate(template["Conditions"][argument[0]], template, region)
            return _evaluate(argument[1] if condition else argument[2], template, region)
        if name == "Fn::FindInMap":
            keys = [_evaluate(key, template, region) for key in argument]
            return template["Mappings"][keys[0]][keys[1]][keys[2]]
        if name == "Fn::Sub":
            return re.sub(r"\$\{([^}]*)\}", lambda m: _evaluate({"Ref": m.group(1)}, template, region), argument)
        raise AssertionError(f"not evaluated here: {name}")
    return value


@pytest.mark.parametrize("filename", ["network-endpoints.yaml", "network-nat-endpoints.yaml"])
@pytest.mark.parametrize("region", sorted(DOCUMENTED))
def test_rendered_endpoint_names_are_the_documented_ones_in_each_region(filename: str, region: str) -> None:
    template = load_template(TEMPLATES / filename)
    endpoints = resources_of_type(template, "AWS::EC2::VPCEndpoint")
    names = {title: _evaluate(e["Properties"]["ServiceName"], template, region) for title, e in endpoints.items()}
    expected = {title: name for title, name in DOCUMENTED[region].items() if title in endpoints}
    assert {"S3GatewayEndpoint", "EcrApiEndpoint", "EcrDkrEndpoint"} <= set(expected)
    assert {title: names[title] for title in expected} == expected


def test_the_china_form_is_in_the_template_text() -> None:
    for filename in ("network-endpoints.yaml", "network-nat-endpoints.yaml"):
        text = (TEMPLATES / filename).read_text()
        assert "cn.com.amazonaws.${AWS::Region}.ecr.api" in text and "cn.com.amazonaws.${AWS::Region}.ecr.dkr" in text


def test_makefile_lints_the_same_regions() -> None:
    makefile = (ROOT / "Makefile").read_text()
    lint = re.search(r"^LINT_REGIONS := (.*)$", makefile, re.M)
    hook = re.search(r"^GUARD_HOOK_LINT_REGIONS := (.*)$", makefile, re.M)
    assert lint and tuple(lint.group(1).split()) == LINT_REGIONS
    guard_hook = load_template(TEMPLATES / "guard-hook.yaml")
    assert hook and tuple(hook.group(1).split()) == deployable_regions(guard_hook, LINT_REGIONS)


@pytest.mark.parametrize(
    ("regions", "wanted"),
    [('"us-east-1"', "must be a list"), ('["us-east-one"]', "is not a Region code"), ('["us-iso-east-1"]', "isolated")],
)
def test_a_bad_regions_setting_exits_2_naming_it(tmp_path: Path, capsys, regions: str, wanted: str) -> None:
    config = tmp_path / "c.toml"
    config.write_text(f'regions = {regions}\n[[services]]\nname = "web"\n')
    assert main(["render", "--config", str(config), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "regions" in err and wanted in err


def test_lint_regions_span_the_three_partitions() -> None:
    assert {partition_of(r) for r in LINT_REGIONS} == {"aws", "aws-cn", "aws-us-gov"}


def test_a_region_without_exceptions_names_every_endpoint_com_amazonaws() -> None:
    assert endpoint_prefix("ecr.api", "eu-west-1", interface=True) == "com.amazonaws"
    assert endpoint_prefix("s3", "eu-west-1", interface=False) == "com.amazonaws"


def test_an_isolated_partition_region_is_refused_listing_the_partitions() -> None:
    with pytest.raises(ConfigError) as caught:
        check_regions("x.regions", ["us-iso-east-1"])
    assert str(caught.value) == (
        "x.regions: 'us-iso-east-1' is in an isolated partition these templates do not support; allowed: Regions of "
        "the aws, aws-cn, aws-us-gov partitions"
    )
