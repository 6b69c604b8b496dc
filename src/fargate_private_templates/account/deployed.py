"""A deployed stack as audit reads it: its template (GetTemplate), its resources' physical IDs, its parameter values,
and the values its template's expressions had when deployed, as far as they can be told from here.

``value`` evaluates what a security-group rule or a route says: Ref (parameters, resources, pseudo parameters),
Fn::GetAtt (a resource's ID), Fn::ImportValue (the Region's exports), Fn::Sub, Fn::Join, Fn::Select, Fn::Split and
Fn::If with the template's conditions. Anything else is ``UNKNOWN``, which matches whatever is live.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from ..render.loader import parse_template
from .aws import Aws

UNKNOWN = object()
NO_VALUE = object()
_SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")


@dataclass
class DeployedStack:
    name: str
    template: dict[str, Any]
    physical_ids: dict[str, str]
    types: dict[str, str]
    parameters: dict[str, str]
    exports: dict[str, str]
    account: str
    region: str
    partition: str = "aws"
    _conditions: dict[str, Any] = field(default_factory=dict)

    def of_type(self, resource_type: str) -> list[str]:
        """Physical IDs of the stack's resources of a type."""
        return [self.physical_ids[k] for k, t in self.types.items() if t == resource_type and k in self.physical_ids]

    def resources(self, resource_type: str) -> list[tuple[str, dict[str, Any]]]:
        """(logical ID, properties) of the template's resources of a type."""
        resources = self.template.get("Resources", {})
        return [
            (name, body.get("Properties", {}))
            for name, body in resources.items()
            if isinstance(body, dict) and body.get("Type") == resource_type and self._included(body)
        ]

    def _included(self, body: dict[str, Any]) -> bool:
        condition = body.get("Condition")
        return condition is None or self.condition(condition) is not False

    def condition(self, name: str) -> Any:
        if name not in self._conditions:
            self._conditions[name] = UNKNOWN  # a cycle reads as unknown
            self._conditions[name] = self._truth(self.template.get("Conditions", {}).get(name, UNKNOWN))
        return self._conditions[name]

    def _truth(self, node: Any) -> Any:
        if not isinstance(node, dict) or len(node) != 1:
            return UNKNOWN
        ((function, argument),) = node.items()
        if function == "Condition":
            return self.condition(argument)
        if function == "Fn::Equals" and isinstance(argument, list) and len(argument) == 2:
            left, right = (self.value(item) for item in argument)
            return UNKNOWN if UNKNOWN in (left, right) else str(left) == str(right)
        parts = [self._truth(item) for item in argument] if isinstance(argument, list) else [UNKNOWN]
        if UNKNOWN in parts:
            return UNKNOWN
        if function == "Fn::Not":
            return not parts[0]
        if function == "Fn::And":
            return all(parts)
        if function == "Fn::Or":
            return any(parts)
        return UNKNOWN

    def value(self, node: Any) -> Any:
        """The value an expression had when deployed: a string, a list, ``NO_VALUE`` or ``UNKNOWN``."""
        if isinstance(node, bool):
            return str(node).lower()
        if isinstance(node, (str, int, float)):
            return str(node)
        if isinstance(node, list):
            return [v for v in (self.value(item) for item in node) if v is not NO_VALUE]
        if not isinstance(node, dict) or len(node) != 1:
            return UNKNOWN
        ((function, argument),) = node.items()
        if function == "Ref":
            return self._ref(argument)
        if function == "Fn::GetAtt":
            name = argument[0] if isinstance(argument, list) else str(argument).split(".")[0]
            return self.physical_ids.get(name, UNKNOWN)
        if function == "Fn::ImportValue":
            name = self.value(argument)
            return self.exports.get(name, UNKNOWN) if isinstance(name, str) else UNKNOWN
        if function == "Fn::If" and isinstance(argument, list) and len(argument) == 3:
            truth = self.condition(argument[0])
            return UNKNOWN if truth is UNKNOWN else self.value(argument[1] if truth else argument[2])
        return self._text_function(function, argument)

    def _text_function(self, function: str, argument: Any) -> Any:
        if function == "Fn::Sub":
            text, variables = (argument, {}) if isinstance(argument, str) else (argument[0], argument[1])
            return self._sub(text, variables)
        if function == "Fn::Join" and isinstance(argument, list) and len(argument) == 2:
            items = self.value(argument[1])
            if not isinstance(items, list) or any(not isinstance(i, str) for i in items):
                return UNKNOWN
            return str(argument[0]).join(items)
        if function == "Fn::Split" and isinstance(argument, list) and len(argument) == 2:
            text = self.value(argument[1])
            return text.split(str(argument[0])) if isinstance(text, str) else UNKNOWN
        if function == "Fn::Select" and isinstance(argument, list) and len(argument) == 2:
            index, items = self.value(argument[0]), self.value(argument[1])
            if isinstance(items, list) and isinstance(index, str) and index.isdigit() and int(index) < len(items):
                return items[int(index)]
        return UNKNOWN

    def _sub(self, text: str, variables: dict[str, Any]) -> Any:
        values: dict[str, Any] = {}
        for name in _SUB_VARIABLE.findall(text):
            if name in variables:
                values[name] = self.value(variables[name])
            elif "." in name and not name.startswith("AWS::"):
                values[name] = self.physical_ids.get(name.split(".")[0], UNKNOWN)
            else:
                values[name] = self._ref(name)
        if any(not isinstance(v, str) for v in values.values()):
            return UNKNOWN
        return _SUB_VARIABLE.sub(lambda match: values[match.group(1)], text)

    def _ref(self, name: Any) -> Any:
        pseudo = {
            "AWS::StackName": self.name,
            "AWS::Region": self.region,
            "AWS::AccountId": self.account,
            "AWS::Partition": self.partition,
            "AWS::URLSuffix": "amazonaws.com.cn" if self.partition == "aws-cn" else "amazonaws.com",
        }
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in pseudo:
            return pseudo[name]
        if name in self.parameters:
            value = self.parameters[name]
            kind = self.template.get("Parameters", {}).get(name, {}).get("Type", "")
            return value.split(",") if kind.startswith("List<") or kind == "CommaDelimitedList" else value
        return self.physical_ids.get(name, UNKNOWN)


def read_stack(aws: Aws, name: str, exports: dict[str, str]) -> DeployedStack | None:
    """The stack as deployed, None when it does not exist."""
    cloudformation = aws.client("cloudformation")
    try:
        (stack,) = cloudformation.describe_stacks(StackName=name)["Stacks"]
    except ClientError as error:
        if "does not exist" in str(error):
            return None
        raise
    body = cloudformation.get_template(StackName=name, TemplateStage="Original")["TemplateBody"]
    template = body if isinstance(body, dict) else parse_template(body)
    pages = cloudformation.get_paginator("list_stack_resources").paginate(StackName=name)
    summaries = [summary for page in pages for summary in page["StackResourceSummaries"]]
    return DeployedStack(
        name=name,
        template=template,
        physical_ids={
            s["LogicalResourceId"]: s["PhysicalResourceId"] for s in summaries if s.get("PhysicalResourceId")
        },
        types={s["LogicalResourceId"]: s["ResourceType"] for s in summaries},
        parameters={
            p["ParameterKey"]: p.get("ResolvedValue", p.get("ParameterValue", "")) for p in stack.get("Parameters", [])
        },
        exports=exports,
        account=aws.account,
        region=aws.region,
        partition=aws.partition,
    )
