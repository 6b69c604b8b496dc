"""Every committed template: generated, lint clean, small enough for `aws cloudformation deploy`."""

from __future__ import annotations

import yaml
from conftest import TEMPLATES, catalogue_yaml, lint_findings

from fargate_private_templates.catalogue import CATALOGUE
from fargate_private_templates.config.network import NetworkConfig
from fargate_private_templates.layers.network import build_network
from fargate_private_templates.render.renderer import HEADER, render_yaml

DEPLOY_WITHOUT_S3_LIMIT = 51_200


def test_committed_templates_match_the_generator(catalogue_file: str) -> None:
    committed = (TEMPLATES / catalogue_file).read_text(encoding="utf-8")
    assert committed == catalogue_yaml()[catalogue_file], f"{catalogue_file} drifted: run `make templates`"


def test_no_stray_templates_in_the_folder() -> None:
    shipped = {entry.filename for entry in CATALOGUE}
    assert {p.name for p in TEMPLATES.glob("*.yaml")} == shipped


def test_lint_clean_with_informational_checks(catalogue_file: str) -> None:
    assert lint_findings(catalogue_yaml()[catalogue_file]) == []


def test_under_the_deploy_size_limit(catalogue_file: str) -> None:
    size = len(catalogue_yaml()[catalogue_file].encode("utf-8"))
    assert size < DEPLOY_WITHOUT_S3_LIMIT, f"{catalogue_file} is {size} bytes"


def test_rendering_is_deterministic() -> None:
    config = NetworkConfig(tags={"team": "platform", "cost-center": "42"})
    assert render_yaml(build_network(config)) == render_yaml(build_network(config))


def test_yaml_reads_like_hand_written_cloudformation() -> None:
    text = catalogue_yaml()["network.yaml"]
    assert text.startswith(HEADER)
    top = list(yaml.load(text, Loader=_CfnLoader))
    assert top == [
        "AWSTemplateFormatVersion",
        "Description",
        "Metadata",
        "Parameters",
        "Conditions",
        "Resources",
        "Outputs",
    ]
    assert "!Ref VPC\n" in text and "Fn::GetAtt" not in text and '{"Ref"' not in text
    for resource in yaml.load(text, Loader=_CfnLoader)["Resources"].values():
        keys = list(resource)
        assert keys[0] == "Type" and keys[-1] == "Properties"


class _CfnLoader(yaml.SafeLoader):
    """Reads short-form tags as plain values: enough to inspect document structure."""


_CfnLoader.add_multi_constructor(
    "!",
    lambda loader, suffix, node: (
        loader.construct_sequence(node)
        if isinstance(node, yaml.SequenceNode)
        else loader.construct_mapping(node)
        if isinstance(node, yaml.MappingNode)
        else loader.construct_scalar(node)
    ),
)


def test_loader_reads_the_rendered_yaml_back_to_the_same_template(catalogue_file: str) -> None:
    from conftest import catalogue_dict

    from fargate_private_templates.render.loader import parse_template

    assert parse_template(catalogue_yaml()[catalogue_file]) == catalogue_dict(catalogue_file)


def test_loader_refuses_what_is_not_a_template(tmp_path) -> None:
    import pytest

    from fargate_private_templates.render.loader import TemplateLoadError, load_template

    for name, text in {"a.yaml": "Resources: [1", "b.json": "{}", "c.yaml": "just text"}.items():
        (tmp_path / name).write_text(text)
        with pytest.raises(TemplateLoadError, match=name):
            load_template(tmp_path / name)
    with pytest.raises(TemplateLoadError, match="missing.yaml"):
        load_template(tmp_path / "missing.yaml")
