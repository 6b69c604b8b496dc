"""Every launcher of tasks in the given templates, and a warning for each place that may launch tasks but cannot be
read: a state machine definition kept in S3, a nested stack whose template is not given.

EventBridge Pipes with an ECS target carry the run-task request in ``TargetParameters.EcsTaskParameters``; a value
starting with ``$.`` is a path the pipe reads from each event at run time (the pattern its ``TaskDefinitionArn``
admits): https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/API_PipeTargetEcsTaskParameters.html
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from .batch import batch_launchers
from .report import Finding
from .resolve import Resolver
from .state_machines import state_machine_launchers
from .values import ResourceRef, Unknown
from .workloads import PIPE, Workload, finding, workloads

PIPE_TYPE = "AWS::Pipes::Pipe"
PIPE_PARAMETERS = ("TargetParameters", "EcsTaskParameters")


class Launchers(NamedTuple):
    workloads: list[Workload]
    # Warnings about what may launch tasks but cannot be read.
    findings: list[Finding]


def find_launchers(resolver: Resolver) -> Launchers:
    machines, unread = state_machine_launchers(resolver)
    found = [*workloads(resolver), *_pipes(resolver), *machines, *batch_launchers(resolver)]
    return Launchers(found, [*unread, *_unbound_stacks(resolver)])


def _pipes(resolver: Resolver) -> Iterator[Workload]:
    for pipe in resolver.of_type(PIPE_TYPE):
        properties = resolver.properties(pipe)
        for target_parameters in resolver.objects(pipe.template, properties.get("TargetParameters")):
            for parameters in resolver.objects(pipe.template, target_parameters.get(PIPE_PARAMETERS[1])):
                request = _dynamic(parameters)
                cluster = properties.get("Target")
                yield Workload(pipe, PIPE, PIPE_PARAMETERS, request, "TaskDefinitionArn", cluster=cluster)


def _dynamic(node: Any) -> Any:
    """The request with each ``$.`` path, read from the event at run time, as an unread value."""
    if isinstance(node, str) and node.startswith("$."):
        return Unknown(f"{node}, a path the pipe reads from each event at run time", unread=True)
    if isinstance(node, list):
        return [_dynamic(item) for item in node]
    # A path in a Fn::If branch is read at run time too; a Fn::Sub's text stays whole, so messages can quote it.
    if isinstance(node, dict) and "Fn::Sub" not in node:
        return {key: _dynamic(value) for key, value in node.items()}
    return node


def _unbound_stacks(resolver: Resolver) -> Iterator[Finding]:
    for stack, url in resolver.nested.unbound.items():
        message = (
            f"cannot read nested stack {stack.logical_id}: its template ({url}) is not among the given templates, so "
            "what it launches is not checked and what is read from its outputs is unresolved; give that template "
            "too (its file name ending the TemplateURL, or the relative path it names)"
        )
        yield finding("W9009", ResourceRef(stack.template, stack.logical_id), message, "TemplateURL")
