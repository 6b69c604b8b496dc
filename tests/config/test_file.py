"""Config files: TOML documents mapped onto the configs, with errors that give the full path of the key."""

from __future__ import annotations

import pytest
from conftest import KMS_KEY as KEY

from fargate_private_templates.config import ConfigError
from fargate_private_templates.config.file import parse_config, read_config
from fargate_private_templates.config.sidecars import SidecarOptions


def test_a_wrong_type_names_every_accepted_type() -> None:
    document = {"services": [{"name": "web", "deployment": {"canary_percent": "x"}}]}
    with pytest.raises(ConfigError) as caught:
        parse_config(document, "f.toml")
    assert str(caught.value) == (
        "f.toml: services[0].deployment.canary_percent: 'x' has the wrong type; expected float or an integer"
    )


def test_a_wrong_type_for_endpoints_lists_the_three_forms() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"network": {"endpoints": 5}, "services": [{"name": "web"}]}, "f.toml")
    assert str(caught.value) == (
        "f.toml: network.endpoints: 5 has the wrong type; expected an array or a table or a string"
    )


def test_an_empty_config_path_is_refused_with_a_message() -> None:
    with pytest.raises(ConfigError) as caught:
        read_config("  ")
    assert str(caught.value) == "config file: the path is empty; give a TOML file"


def test_secrets_kms_key_arns_is_read_from_a_config_file() -> None:
    deployment = parse_config({"services": [{"name": "web", "secrets_kms_key_arns": [KEY]}]}, "x.toml")
    assert deployment.services[0].secrets_kms_key_arns == (KEY,)


def test_sidecar_tables_build_groups_with_full_path_errors() -> None:
    document = {
        "services": [
            {"name": "web", "cpu": 512, "memory": 1024},
            {"name": "api", "sidecars": [{"name": "a"}, {"name": "b", "image": {"source": "ecr", "tag": "no tag"}}]},
        ]
    }
    with pytest.raises(ConfigError, match=r"^x.toml: services\[1\].sidecars\[1\].image.tag: 'no tag'"):
        parse_config(document, "x.toml")
    document["services"][1]["sidecars"][1] = {"name": "b", "colour": "red"}
    with pytest.raises(ConfigError, match=r"services\[1\].sidecars\[1\].colour: unknown key"):
        parse_config(document, "x.toml")
    document["services"][1]["sidecars"] = {"name": "b"}
    with pytest.raises(ConfigError, match=r"services\[1\].sidecars: must be an array of tables"):
        parse_config(document, "x.toml")
    document["services"][1]["sidecars"] = [{"name": "b", "cpu": 32, "depends_on": {"app": "START"}}]
    (_, api) = parse_config(document, "x.toml").services
    assert api.sidecars == (SidecarOptions(name="b", cpu=32, depends_on=(("app", "START"),)),)
