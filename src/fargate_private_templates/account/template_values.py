"""The stacks of ``preflight --template``: each template with its stack name and parameter values (given, else the
template's defaults, plus the pseudo parameters), and the text an expression becomes with them.

``--parameters-file`` takes the ``["Key=Value", ...]`` JSON list the deploy scripts write (the form of
``aws cloudformation deploy --parameter-overrides file://...``) or the ``[{"ParameterKey": ..., "ParameterValue":
...}]`` one ``params --format json`` prints; ``--parameters`` entries override it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..checks.intrinsics import Variable, texts
from ..errors import ConfigError
from ..render.loader import load_template

# AWS::URLSuffix by partition (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html).
_URL_SUFFIXES = {"aws-cn": "amazonaws.com.cn"}
DEFAULT_URL_SUFFIX = "amazonaws.com"


@dataclass(frozen=True)
class TemplateStack:
    """One template of the run: ``values`` holds every parameter with a value and the pseudo parameters;
    ``missing`` the parameters without a default that were not given."""

    path: str
    stack_name: str
    template: dict[str, Any]
    values: Mapping[str, str]
    missing: tuple[str, ...]

    def text(self, expression: Any) -> str | None:
        """The string ``expression`` is with these values; None when a part is unknown or Fn::If branches differ."""
        alternatives = texts(expression)
        known = self.known_texts(expression)
        return known[0] if len(known) == 1 and len(alternatives) == 1 else None

    def known_texts(self, expression: Any) -> list[str]:
        """The strings of the expression's Fn::If branches that these values resolve, each once."""
        found = []
        for parts in texts(expression):
            rendered = []
            for part in parts:
                if isinstance(part, str):
                    rendered.append(part)
                elif isinstance(part, Variable) and part.name in self.values:
                    rendered.append(self.values[part.name])
                else:
                    break
            else:
                found.append("".join(rendered))
        return list(dict.fromkeys(found))

    def items(self, expression: Any) -> list[str] | None:
        """The strings of a list expression (a list, or Fn::Split of a string); None when unknown."""
        if isinstance(expression, list):
            items = [self.text(item) for item in expression]
            return None if any(item is None for item in items) else [str(item) for item in items]
        split = expression.get("Fn::Split") if isinstance(expression, dict) and len(expression) == 1 else None
        if isinstance(split, list) and len(split) == 2 and isinstance(split[0], str):
            text = self.text(split[1])
            return None if text is None else text.split(split[0])
        return None

    def resources(self, *types: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """(logical ID, properties) of the template's resources of these types, in document order."""
        for logical_id, resource in (self.template.get("Resources") or {}).items():
            if isinstance(resource, dict) and resource.get("Type") in types:
                properties = resource.get("Properties")
                yield logical_id, properties if isinstance(properties, dict) else {}


def parse_parameters(entries: Sequence[str], parameters_file: str | Path | None = None) -> dict[str, str]:
    """``Key=Value`` entries over the file's; ConfigError names a bad entry."""
    pairs: list[tuple[str, str]] = []
    if parameters_file is not None:
        try:
            document = json.loads(Path(parameters_file).read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise ConfigError(
                f"--parameters-file {parameters_file}: not JSON ({error.msg}, line {error.lineno})"
            ) from None
        if not isinstance(document, list):
            raise ConfigError(
                f"--parameters-file {parameters_file}: {type(document).__name__} found; allowed: a JSON list of "
                '"Key=Value" strings (as the deploy scripts write) or of ParameterKey/ParameterValue objects'
            )
        pairs += [_file_pair(entry, f"--parameters-file {parameters_file}") for entry in document]
    pairs += [_pair(entry, "--parameters") for entry in entries]
    return dict(pairs)


def _file_pair(entry: Any, where: str) -> tuple[str, str]:
    """``"Key=Value"``, or ``{"ParameterKey": ..., "ParameterValue": ...}`` as ``params --format json`` prints."""
    if isinstance(entry, dict) and isinstance(entry.get("ParameterKey"), str):
        return entry["ParameterKey"], str(entry.get("ParameterValue", ""))
    if isinstance(entry, str):
        return _pair(entry, where)
    raise ConfigError(f'{where}: {json.dumps(entry)} is not "Key=Value" nor a ParameterKey/ParameterValue object')


def _pair(entry: str, where: str) -> tuple[str, str]:
    key, equals, value = entry.partition("=")
    if not equals or not key:
        raise ConfigError(f"{where}: {entry!r} is not Key=Value; allowed: a parameter name, '=' and its value")
    return key, value


Loaded = list[tuple[str, str, dict[str, Any]]]


def load_templates(templates: Sequence[str | Path], stack_names: Sequence[str], given: Mapping[str, str]) -> Loaded:
    """(path, stack name, template) of each template; ConfigError when the names do not pair up with the
    templates or a given parameter is declared by none of them."""
    if len(stack_names) != len(templates):
        raise ConfigError(
            f"--stack-name: {len(stack_names)} given for {len(templates)} --template; allowed: one --stack-name per "
            "--template, in the same order"
        )
    loaded = [(str(path), name, load_template(path)) for path, name in zip(templates, stack_names, strict=True)]
    declared = {key for _, _, template in loaded for key in template.get("Parameters") or {}}
    unknown = sorted(set(given) - declared)
    if unknown:
        raise ConfigError(
            f"--parameters: {unknown[0]!r} is not a parameter of {', '.join(path for path, _, _ in loaded)}; "
            f"allowed: {', '.join(sorted(declared)) or 'none'}"
        )
    return loaded


def template_stacks(
    loaded: Loaded, given: Mapping[str, str], region: str, account: str, partition: str
) -> tuple[TemplateStack, ...]:
    """The loaded templates with their values: given, else their defaults, and the pseudo parameters."""
    stacks = []
    for path, name, template in loaded:
        pseudo = {
            "AWS::StackName": name,
            "AWS::Region": region,
            "AWS::AccountId": account,
            "AWS::Partition": partition,
            "AWS::URLSuffix": _URL_SUFFIXES.get(partition, DEFAULT_URL_SUFFIX),
        }
        values = dict(pseudo)
        missing = []
        for key, declaration in (template.get("Parameters") or {}).items():
            if key in given:
                values[key] = given[key]
            elif isinstance(declaration, dict) and "Default" in declaration:
                values[key] = _text(declaration["Default"])
            else:
                missing.append(key)
        stacks.append(TemplateStack(path, name, template, values, tuple(missing)))
    return tuple(stacks)


def _text(default: Any) -> str:
    """A parameter default as CloudFormation passes it: a list joined by commas, a number or a boolean as text."""
    if isinstance(default, list):
        return ",".join(_text(item) for item in default)
    if isinstance(default, bool):
        return str(default).lower()
    return str(default)
