"""Parameter overrides for `aws cloudformation deploy`: every parameter once, with its default, shell- and JSON-safe."""

from __future__ import annotations

import json
import shlex

import pytest
from conftest import TEMPLATES

from fargate_private_templates.errors import ConfigError
from fargate_private_templates.render.loader import load_template
from fargate_private_templates.render.parameters import REQUIRED, parameter_overrides, parameter_values

SERVICE_ALB_LINE = (
    "--parameter-overrides NetworkStackName=fargate-network RepositoryName=app ImageTag=REQUIRED "
    "CertificateArn=REQUIRED DesiredCount='' DeletionProtection=false LogRetentionInDays=30 LogsKmsKeyArn='' "
    "AccessLogsBucket=''"
)


def service_alb() -> dict:
    return load_template(TEMPLATES / "service-alb.yaml")


def template_with(**defaults: object) -> dict:
    """A template whose parameters, in keyword order, have these defaults (None: no default)."""
    parameters = {
        name: {"Type": "String"} | ({} if value is None else {"Default": value}) for name, value in defaults.items()
    }
    return {"Parameters": parameters, "Resources": {}}


def as_shell_words(line: str) -> dict[str, str]:
    """What the shell hands the AWS CLI, parsed as the CLI splits Key=Value."""
    words = shlex.split(line)
    assert words[0] == "--parameter-overrides"
    pairs = [word.split("=", 1) for word in words[1:]]
    assert len({key for key, _ in pairs}) == len(pairs), "a parameter appears twice"
    return dict(pairs)


def test_cli_line_for_service_alb() -> None:
    assert parameter_overrides(service_alb()) == SERVICE_ALB_LINE


def test_cli_line_has_every_parameter_once_in_template_order_with_its_default() -> None:
    template = service_alb()
    parsed = as_shell_words(parameter_overrides(template, "cli"))
    assert list(parsed) == list(template["Parameters"])
    for name, spec in template["Parameters"].items():
        assert parsed[name] == (str(spec["Default"]) if "Default" in spec else REQUIRED), name


def test_values_that_need_quoting_are_quoted() -> None:
    line = parameter_overrides(template_with(Greeting="hello world", Empty="", Dollar="$HOME;rm", Plain="a-b_c.d/16"))
    assert line == "--parameter-overrides Greeting='hello world' Empty='' Dollar='$HOME;rm' Plain=a-b_c.d/16"
    assert as_shell_words(line) == {"Greeting": "hello world", "Empty": "", "Dollar": "$HOME;rm", "Plain": "a-b_c.d/16"}


def test_defaults_are_written_as_cloudformation_reads_them() -> None:
    template = template_with(Flag=True, Off=False, Count=2, Ratio=0.5, Zones=["a", "b"], Needed=None)
    assert parameter_values(template) == [
        ("Flag", "true"),
        ("Off", "false"),
        ("Count", "2"),
        ("Ratio", "0.5"),
        ("Zones", "a,b"),
        ("Needed", REQUIRED),
    ]


def test_order_is_template_order_not_alphabetical() -> None:
    assert [k for k, _ in parameter_values(template_with(Zeta="1", Alpha="2", Mid="3"))] == ["Zeta", "Alpha", "Mid"]


def test_json_round_trips_in_the_cloudformation_file_format() -> None:
    template = service_alb()
    text = parameter_overrides(template, "json")
    entries = json.loads(text)
    assert all(set(entry) == {"ParameterKey", "ParameterValue"} for entry in entries)
    assert all(isinstance(entry["ParameterValue"], str) for entry in entries)  # the API takes strings only
    # How AWS CLI v2's deploy reads this format: key -> value.
    assert [(e["ParameterKey"], e["ParameterValue"]) for e in entries] == parameter_values(template)
    assert {e["ParameterKey"]: e["ParameterValue"] for e in entries} == as_shell_words(parameter_overrides(template))
    assert parameter_overrides(template, "json") == text


def test_json_keeps_awkward_values_exact() -> None:
    values = {"Quote": 'say "hi"', "Newline": "a\nb", "Unicode": "café"}
    entries = json.loads(parameter_overrides(template_with(**values), "json"))
    assert {e["ParameterKey"]: e["ParameterValue"] for e in entries} == values


def test_template_without_parameters() -> None:
    assert parameter_overrides({"Resources": {}}) == ""
    assert json.loads(parameter_overrides({"Resources": {}}, "json")) == []


@pytest.mark.parametrize("fmt", ["yaml", "CLI", ""])
def test_unknown_format_is_a_config_error_listing_the_formats(fmt: str) -> None:
    with pytest.raises(ConfigError, match=r"allowed: cli, json"):
        parameter_overrides(service_alb(), fmt)
