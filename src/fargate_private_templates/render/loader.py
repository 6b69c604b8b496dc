"""Read any CloudFormation template, YAML (short-form tags included) or JSON, into long-form dicts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml


class TemplateLoadError(ValueError):
    """A file that is not a readable CloudFormation template; the message names the file."""


class _CfnYamlLoader(yaml.SafeLoader):
    pass


def _construct_short_form(loader: _CfnYamlLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = suffix if suffix in ("Ref", "Condition") else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            # `!GetAtt Resource.Attribute`: the attribute itself may contain dots.
            resource, _, attribute = value.partition(".")
            value = [resource, attribute]
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_CfnYamlLoader.add_multi_constructor("!", _construct_short_form)
# CloudFormation keeps dates and times as strings (AWSTemplateFormatVersion: 2010-09-09 unquoted).
_CfnYamlLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in _CfnYamlLoader.yaml_implicit_resolvers.items()
}


def parse_template(text: str, source: str = "<string>") -> dict[str, Any]:
    try:
        document = json.loads(text) if text.lstrip().startswith("{") else yaml.load(text, Loader=_CfnYamlLoader)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        first_line = str(exc).strip().splitlines()[0]
        raise TemplateLoadError(f"{source}: not valid YAML or JSON ({first_line})") from None
    if not isinstance(document, dict) or not isinstance(document.get("Resources"), dict):
        raise TemplateLoadError(f"{source}: not a CloudFormation template (no Resources mapping)")
    return document


def load_template(path: str | Path) -> dict[str, Any]:
    """The template at ``path`` as a dict, every intrinsic in its long form (``{"Ref": ...}``)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateLoadError(f"{path}: cannot read ({exc.__class__.__name__}: {exc})") from None
    return parse_template(text, str(path))
