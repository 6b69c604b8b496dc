"""Rendering: deterministic YAML that reads like hand-written CloudFormation and reads back as written."""

from __future__ import annotations

import random

import yaml
from conftest import catalogue_dict, catalogue_yaml

from fargate_private_templates.config.network import NetworkConfig
from fargate_private_templates.layers.network import build_network
from fargate_private_templates.render import renderer
from fargate_private_templates.render.loader import parse_template
from fargate_private_templates.render.renderer import HEADER, render_yaml


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


def test_every_catalogue_render_reads_back_as_its_template() -> None:
    from fargate_private_templates.catalogue import CATALOGUE

    assert len(CATALOGUE) >= 10
    for entry in CATALOGUE:
        assert parse_template(renderer.render_yaml(entry.build())) == catalogue_dict(entry.filename), entry.filename


WORDS = [
    "plain", "two words", "", " lead", "trail ", "10", "1.5", "1.4.0", "true", "no", "null", "~", "2010-09-09", "a: b",
    "a:b", "a:", "#x", "a #b", "-x", "- x", "*x", "&x", "!x", "%x", "@x", "`x", "'q'", '"q"', "${AWS::StackName}-x",
    "arn:aws:s3:::b/*", "[x]", "{x}", "x,y", "é", "a\tb", "0x1F", "0o7", "+1", ".5", "=", "?", "? x", "x?", "|", ">",
    "line\nnext", "line\n", "\nlead", "a\n\nb", "a\n\n", "x" * 200, "a\u2028b",
]  # fmt: skip


def _random_tree(rng: random.Random, depth: int = 0) -> object:
    choice = rng.random()
    if depth > 4 or choice < 0.4:
        return rng.choice([*WORDS, 0, 7, -3, True, False, None, 1.5])
    if choice < 0.7:
        return [_random_tree(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {rng.choice(WORDS[:40]): _random_tree(rng, depth + 1) for _ in range(rng.randint(0, 3))}


def test_awkward_values_read_back_unchanged() -> None:
    """Random trees of words YAML could misread (numbers, booleans, dates, indicators, line breaks): the writer quotes
    or blocks each one so that it reads back as written."""
    rng = random.Random(13)
    for _ in range(500):
        tree = {"Root": _random_tree(rng), "Other": rng.choice(WORDS)}
        assert yaml.safe_load(renderer.dump_yaml(tree)) == tree, tree
