"""Read any CloudFormation template, YAML (short-form tags included) or JSON, into long-form dicts."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import yaml

from .files import describe


class TemplateLoadError(ValueError):
    """A file that is not a readable CloudFormation template; the message names the file."""


class NotATemplateError(TemplateLoadError):
    """Valid YAML or JSON without a Resources mapping: another kind of file (a folder's exports.json, say)."""


# Far deeper than any template (CloudFormation's own are a dozen levels); bounds the work a hostile file can ask for.
MAX_DEPTH = 64
# The short forms CloudFormation documents (intrinsic and condition functions, and the rule functions).
SHORT_FORMS = frozenset(
    (
        "Ref",
        "Condition",
        "Base64",
        "Cidr",
        "FindInMap",
        "GetAtt",
        "GetAZs",
        "ImportValue",
        "Join",
        "Select",
        "Split",
        "Sub",
        "Transform",
        "And",
        "Equals",
        "If",
        "Not",
        "Or",
        "Contains",
        "EachMemberEquals",
        "EachMemberIn",
        "RefAll",
        "ValueOf",
        "ValueOfAll",
        "Length",
        "ToJsonString",
    )
)


class _Refused(Exception):
    """Something valid YAML allows and a template must not have; the message says what and where."""


class _CfnYamlLoader(yaml.SafeLoader):
    """SafeLoader with CloudFormation's short forms, without aliases and with a bound on nesting.

    CloudFormation does not take YAML aliases (template-formats.html, "YAML"), and refusing them keeps a
    "billion laughs" file from expanding into more work than its size:
    https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused(
                f"line {event.start_mark.line + 1}: YAML aliases (*{event.anchor}) are not allowed in templates"
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise _Refused(f"line {mark.line + 1}: nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _construct_short_form(loader: _CfnYamlLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if suffix not in SHORT_FORMS:
        raise _Refused(f"line {node.start_mark.line + 1}: unknown tag !{suffix}; not a CloudFormation function")
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


def _too_deep(document: Any) -> bool:
    """True when ``document`` nests more than MAX_DEPTH levels (walked without recursion)."""
    stack = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            if depth > MAX_DEPTH:
                return True
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)
    return False


def _parse(text: str, source: str) -> Any:
    try:
        if text.lstrip().startswith("{"):
            document = json.loads(text)
            if _too_deep(document):
                raise _Refused(f"nested more than {MAX_DEPTH} levels deep")
            return document
        return yaml.load(text, Loader=_CfnYamlLoader)
    except _Refused as refused:
        raise TemplateLoadError(f"{source}: not a usable template ({refused})") from None
    except RecursionError:
        raise TemplateLoadError(f"{source}: not a usable template (nested too deeply)") from None
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        first_line = str(exc).strip().splitlines()[0]
        raise TemplateLoadError(f"{source}: not valid YAML or JSON ({first_line})") from None
    except ValueError as exc:
        # Python refuses an integer longer than its string limit (sys.get_int_max_str_digits) with a plain
        # ValueError from int(), inside both the YAML and the JSON reader.
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else "a value Python cannot read"
        if "integer string conversion" in first_line:
            first_line = f"an integer of more than {sys.get_int_max_str_digits()} digits"
        raise TemplateLoadError(f"{source}: not a usable template ({first_line})") from None


def _check_shape(document: Any, source: str) -> dict[str, Any]:
    """The sections every reader relies on: a Resources mapping of resources, each a mapping with a string Type."""
    if not isinstance(document, dict) or not isinstance(document.get("Resources"), dict):
        raise NotATemplateError(f"{source}: not a CloudFormation template (no Resources mapping)")
    for name, body in document["Resources"].items():
        if not isinstance(body, dict):
            raise TemplateLoadError(f"{source}: Resources.{name}: a resource must be a mapping with a Type")
        if not isinstance(body.get("Type"), str):
            raise TemplateLoadError(f"{source}: Resources.{name}.Type: missing or not a string")
        if not isinstance(body.get("Properties", {}), dict):
            raise TemplateLoadError(f"{source}: Resources.{name}.Properties: must be a mapping")
    for section in ("Parameters", "Conditions", "Mappings", "Outputs"):
        if not isinstance(document.get(section, {}), dict):
            raise TemplateLoadError(f"{source}: {section}: must be a mapping")
    return document


def parse_template(text: str, source: str = "<string>") -> dict[str, Any]:
    return _check_shape(_parse(text, source), source)


def decode(data: bytes, source: str, what: str) -> str:
    """``data`` as text; an empty, binary or non-UTF-8 file is refused in words naming ``source``."""
    if not data.strip():
        raise TemplateLoadError(f"{source}: the file is empty; expected {what}")
    if b"\0" in data:
        raise TemplateLoadError(f"{source}: a binary file, not {what}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TemplateLoadError(
            f"{source}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); expected {what}"
        ) from None


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The file's bytes; a missing file, a folder or an unreadable file is refused in words naming it."""
    if not str(path).strip():
        raise TemplateLoadError("the path is empty; give a file")
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except IsADirectoryError:
        raise TemplateLoadError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise TemplateLoadError(f"{path}: cannot read ({describe(exc)})") from None


def load_template(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The template at ``path`` as a dict, every intrinsic in its long form (``{"Ref": ...}``)."""
    text = decode(read_bytes(path), str(path), "a YAML or JSON template")
    return parse_template(text, str(path))
