"""Nested stacks: which given template an ``AWS::CloudFormation::Stack`` stands for, what its parent passes to each of
its parameters, and what ``Fn::GetAtt Stack.Outputs.X`` reads.

A stack's ``TemplateURL`` names its child when it ends with the file name of a given template (``https://bucket.s3
.amazonaws.com/prefix/network.yaml``, a ``Fn::Sub`` or ``Fn::Join`` of bucket and key included), or when it is a
path relative to the parent's file (what ``aws cloudformation package`` uploads). The parent passes every parameter
as a string, lists comma-joined ("you can't pass values that are of type CommaDelimitedList to nested stacks"):
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudformation-stack.html
"""

from __future__ import annotations

import os.path
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from .intrinsics import getatt_parts, render_parts, texts
from .values import Located, ResourceRef, Unknown

STACK = "AWS::CloudFormation::Stack"
OUTPUTS = "Outputs."
# The parameter types whose value is a list: passed by a parent as one comma-joined string.
_LIST_TYPES = ("List<", "CommaDelimitedList", "AWS::SSM::Parameter::Value<List<")
# Where a URL names an object in a bucket rather than a file beside the parent.
_REMOTE = ("://", "s3:")

Bound = tuple[str, Any] | Unknown


def _stacks(templates: Mapping[str, dict]) -> list[tuple[ResourceRef, dict]]:
    found = []
    for name, template in templates.items():
        resources = template.get("Resources")
        for logical_id, resource in resources.items() if isinstance(resources, dict) else ():
            if isinstance(resource, dict) and resource.get("Type") == STACK:
                properties = resource.get("Properties")
                found.append((ResourceRef(name, logical_id), properties if isinstance(properties, dict) else {}))
    return found


def template_urls(properties: dict) -> list[str]:
    """The URL as text, one per Fn::If branch, each variable as ``${Name}``; none when it is left out."""
    if "TemplateURL" not in properties:
        return []
    return [render_parts(parts) for parts in texts(properties["TemplateURL"])]


def local_path(parent: str, url: str) -> str | None:
    """The file a relative ``TemplateURL`` names, beside the parent's file; None for a URL or a variable."""
    if not url or "${" in url or "<" in url or any(marker in url for marker in _REMOTE):
        return None
    return os.path.normpath(os.path.join(os.path.dirname(parent), url))


def _ends_with_file_of(url: str, name: str) -> bool:
    """Whether the URL's last literal stretch is the template's file name, or ends with ``/`` and the file name."""
    tail = url.split("?", 1)[0].rsplit("}", 1)[-1]
    base = os.path.basename(name)
    return tail == base or tail.endswith(f"/{base}")


class NestedStacks:
    """The nested stacks of the given templates, each bound to the given templates it can stand for."""

    def __init__(self, templates: Mapping[str, dict]) -> None:
        self.templates = templates
        self.children: dict[ResourceRef, list[str]] = {}
        self.parents: dict[str, list[ResourceRef]] = defaultdict(list)
        self.unbound: dict[ResourceRef, str] = {}
        self._properties: dict[ResourceRef, dict] = {}
        normalized = {os.path.normpath(name): name for name in templates}
        for stack, properties in _stacks(templates):
            self._properties[stack] = properties
            urls = template_urls(properties)
            children: list[str] = []
            for url in urls:
                local = local_path(stack.template, url)
                if local in normalized:
                    children.append(normalized[local])
                    continue
                children.extend(name for name in templates if name != stack.template and _ends_with_file_of(url, name))
            children = list(dict.fromkeys(children))
            if children:
                self.children[stack] = children
                for child in children:
                    self.parents[child].append(stack)
            else:
                self.unbound[stack] = " or ".join(urls) or "no TemplateURL"

    def parameter(self, template: str, name: str) -> list[Bound] | None:
        """What the parent stacks pass to parameter ``name`` of child ``template``: (template, expression) to follow,
        its default where a parent passes nothing; None when ``template`` is not a child or ``name`` no parameter."""
        parameters = self.templates[template].get("Parameters")
        declared = parameters.get(name) if isinstance(parameters, dict) else None
        if template not in self.parents or not isinstance(declared, dict):
            return None
        listed = isinstance(declared.get("Type"), str) and declared["Type"].startswith(_LIST_TYPES)
        bound: list[Bound] = []
        for stack in self.parents[template]:
            passed = self._properties[stack].get("Parameters")
            if isinstance(passed, dict) and name in passed:
                value: Any = Located(stack.template, passed[name])
            elif "Default" in declared:
                value = declared["Default"]
            else:
                bound.append(Unknown(f"parameter {name}, which nested stack {stack.logical_id} does not pass"))
                continue
            bound.append((template, {"Fn::Split": [",", value]} if listed else value))
        return bound

    def output(self, template: str, argument: Any) -> list[Bound] | None:
        """What ``Fn::GetAtt [Stack, Outputs.X]`` reads in the child templates; None if it is not such a read."""
        parts = getatt_parts(argument)
        if parts is None or not parts[1].startswith(OUTPUTS):
            return None
        stack, output = ResourceRef(template, parts[0]), parts[1][len(OUTPUTS) :]
        if stack in self.unbound:
            url = self.unbound[stack]
            reason = f"output {output} of nested stack {stack.logical_id} ({url}, not given)"
            # Like an import of a stack not given: the warning on the stack says so once.
            return [Unknown(reason, missing_import=True)]
        bound: list[Bound] = []
        for child in self.children.get(stack, []):
            outputs = self.templates[child].get("Outputs")
            entry = outputs.get(output) if isinstance(outputs, dict) else None
            if isinstance(entry, dict) and "Value" in entry:
                bound.append((child, entry["Value"]))
            else:
                bound.append(Unknown(f"output {output} of nested stack {stack.logical_id}, which {child} lacks"))
        return bound or None
