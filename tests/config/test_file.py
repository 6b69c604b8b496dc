"""Config files: TOML documents mapped onto the configs, with errors that give the full path of the key."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import KMS_KEY as KEY

from fargate_private_templates.config import ConfigError
from fargate_private_templates.config import file as file_module
from fargate_private_templates.config.file import parse_config, read_config
from fargate_private_templates.config.service import ServiceConfig
from fargate_private_templates.config.sidecars import SidecarOptions
from fargate_private_templates.errors import shown


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


def test_the_deployment_name_is_read_and_defaults_to_fargate() -> None:
    assert parse_config({"services": [{"name": "web"}]}, "x.toml").name == "fargate"
    longest = "S" + "a-9" * 31 + "b"
    assert len(longest) == 95
    assert parse_config({"name": longest, "services": [{"name": "web"}]}, "x.toml").name == longest


@pytest.mark.parametrize("name", ["9shop", "shop_1", "", "s" * 96, 7, "shop\n"])
def test_a_bad_deployment_name_says_what_a_name_is(name: object) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"name": name, "services": [{"name": "web"}]}, "x.toml")
    assert str(caught.value).startswith(
        f"x.toml: name: {shown(name)} is not allowed; a stack-name prefix: a letter, "
    ), caught.value
    assert str(caught.value).endswith(
        "letters, digits and hyphens, 95 characters at most (<name>-<service name> must stay a stack name of 128 "
        "characters at most)"
    )


def test_an_unknown_top_level_key_lists_the_allowed_ones() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"nmae": "shop", "services": [{"name": "web"}]}, "x.toml")
    assert str(caught.value) == (
        "x.toml: nmae: unknown section or key; allowed: name, regions, network, ingress, services, registry"
    )


SHARED_WEB = {"name": "web", "load_balancer": {"kind": "shared"}, "routing": {"hosts": ["www.example.com"]}}


def test_a_shared_service_without_a_front_door_to_attach_to_is_refused_naming_both_ways_out() -> None:
    document = {"services": [{"name": "own"}, SHARED_WEB]}
    with pytest.raises(ConfigError) as caught:
        parse_config(document, "x.toml")
    assert str(caught.value) == (
        "x.toml: services[1].routing.front_door: service 'web' attaches to a shared front door (load_balancer.kind "
        "'shared') but names none, and the config has no [ingress] table; add an [ingress] table to render the "
        "front door with it, or set routing.front_door to the stack name of a deployed front door"
    )


def test_a_shared_service_attaches_to_the_configs_front_door_or_the_one_it_names() -> None:
    with_front_door = parse_config({"ingress": {}, "services": [SHARED_WEB]}, "x.toml")
    assert with_front_door.services[0].routing.front_door is None
    named = {**SHARED_WEB, "routing": {"hosts": ["www.example.com"], "front_door": "shop-ingress"}}
    assert parse_config({"services": [named]}, "x.toml").services[0].routing.front_door == "shop-ingress"


def test_a_service_in_a_file_needs_a_name_while_the_library_keeps_its_default() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"services": [{"name": "web"}, {"cpu": 512, "memory": 1024}]}, "f.toml")
    assert str(caught.value) == (
        "f.toml: services[1].name: required in a config file; give each [[services]] a name (lowercase letters, "
        "digits and hyphens), used in its file name, descriptions and tags"
    )
    assert ServiceConfig().name == "app"


@pytest.mark.parametrize(
    ("config", "where"),
    [
        ({"services": [1]}, "services[0]"),
        ({"network": 3}, "network"),
        ({"services": [{"name": "w", "sidecars": [5]}]}, "services[0].sidecars[0]"),
    ],
)
def test_a_table_that_is_not_a_table_is_refused_naming_its_type(config: dict, where: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(config, "f.toml")
    assert str(caught.value) == f"f.toml: {where}: must be a table of settings, not int"


@pytest.mark.parametrize(
    ("value", "why"),
    [("nlb", "'nlb' has the wrong type; expected a table"), (7, "7 has the wrong type; expected a table")],
)
def test_the_old_flat_load_balancer_key_says_where_it_moved(value: object, why: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"services": [{"name": "web", "load_balancer": value}]}, "f.toml")
    assert str(caught.value) == (
        f"f.toml: services[0].load_balancer: {why}; the flat setting load_balancer moved: write it in the "
        "[services.load_balancer] table as kind"
    )


def test_a_group_of_the_wrong_type_that_never_was_a_flat_key_says_only_the_type() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"services": [{"name": "web", "scaling": 3}]}, "f.toml")
    assert str(caught.value) == "f.toml: services[0].scaling: 3 has the wrong type; expected a table"
    with pytest.raises(ConfigError) as caught:
        parse_config({"network": {"load_balancer": "nlb"}, "services": [{"name": "web"}]}, "f.toml")
    assert "network.load_balancer: unknown key; allowed here:" in str(caught.value)


def test_an_integer_past_pythons_limit_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[[services]]\nname = "web"\ncpu = ' + "9" * 5_000 + "\n")
    with pytest.raises(ConfigError) as caught:
        read_config(config)
    limit = sys.get_int_max_str_digits()
    assert (
        str(caught.value)
        == f"{config}: not a usable config (an integer of more than {limit} digits; no setting takes one)"
    )


def test_any_other_value_error_of_the_toml_reader_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[[services]]\nname = "web"\n')
    for message, expected in (("first\nsecond", "first"), ("", "a value Python cannot read")):

        def refuse(text: str, message: str = message) -> None:
            raise ValueError(message)

        monkeypatch.setattr(file_module.tomllib, "loads", refuse)
        with pytest.raises(ConfigError) as caught:
            read_config(config)
        assert str(caught.value) == f"{config}: not a usable config ({expected})"


def test_cloudfront_tables_build_their_groups_and_errors_give_the_full_path() -> None:
    cloudfront = {"domain_names": ["api.example.com"], "origin_prefix_list": "pl-3b927c52"}
    service = {"name": "api", "load_balancer": {"kind": "cloudfront", "cloudfront": cloudfront}}
    ingress = {"kind": "cloudfront", "cloudfront": {"domain_names": ["www.example.com"]}}
    deployment = parse_config({"ingress": ingress, "services": [service]}, "f.toml")
    assert deployment.services[0].load_balancer.cloudfront.domain_names == ("api.example.com",)
    assert deployment.front_door is not None and deployment.front_door.cloudfront.domain_names == ("www.example.com",)
    service["load_balancer"]["cloudfront"] = {"domain_names": ["api"]}
    with pytest.raises(ConfigError, match=r"^f.toml: services\[0\].load_balancer.cloudfront.domain_names: 'api' is "):
        parse_config({"services": [service]}, "f.toml")
    ingress["cloudfront"] = {"viewer_certificate_arn": "arn"}
    with pytest.raises(ConfigError, match=r"^f.toml: ingress.cloudfront.viewer_certificate_arn: 'arn' is not allowed"):
        parse_config({"ingress": ingress, "services": [{"name": "web"}]}, "f.toml")
    with pytest.raises(ConfigError, match=r"^f.toml: services\[0\].load_balancer.cloudfront.price_class: unknown key"):
        parse_config({"services": [{"name": "a", "load_balancer": {"cloudfront": {"price_class": 1}}}]}, "f.toml")
    # A group's own messages already name it: no second prefix.
    with pytest.raises(ConfigError, match=r"^f.toml: services\[0\].load_balancer.cloudfront: set, but load_balancer."):
        parse_config({"services": [{"name": "a", "load_balancer": {"cloudfront": cloudfront}}]}, "f.toml")
