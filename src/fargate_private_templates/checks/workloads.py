"""What the rules look at: the workloads that start Fargate tasks, their network configuration and containers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .intrinsics import SUB_VARIABLE, intrinsic, render_parts
from .report import KIND_PLURALS, Finding
from .resolve import Resolver
from .route_tables import ANYWHERE_V4, ANYWHERE_V6, RouteTables, describe
from .rulebook import severity_of
from .values import Literal, Located, ResourceRef, Unknown, Value

SERVICE_TYPES = ("AWS::ECS::Service", "AWS::ECS::TaskSet")
EVENTS_RULE = "AWS::Events::Rule"
SCHEDULER_SCHEDULE = "AWS::Scheduler::Schedule"
SCHEDULED_TYPES = (EVENTS_RULE, SCHEDULER_SCHEDULE)
SUBNET = "AWS::EC2::Subnet"
SECURITY_GROUP = "AWS::EC2::SecurityGroup"
SECURITY_GROUP_INGRESS = "AWS::EC2::SecurityGroupIngress"
TASK_DEFINITION = "AWS::ECS::TaskDefinition"
LOAD_BALANCER = "AWS::ElasticLoadBalancingV2::LoadBalancer"
LISTENER = "AWS::ElasticLoadBalancingV2::Listener"
LISTENER_RULE = "AWS::ElasticLoadBalancingV2::ListenerRule"
OPEN_CIDRS = (ANYWHERE_V4, ANYWHERE_V6)
# Services and Scheduler schedules spell it AwsvpcConfiguration, task sets and EventBridge targets AwsVpcConfiguration.
AWSVPC_KEYS = ("AwsvpcConfiguration", "AwsVpcConfiguration")


@dataclass(frozen=True)
class World:
    """The given templates, resolved and routed once for all rules."""

    resolver: Resolver
    route_tables: RouteTables


def finding(rule_id: str, subject: ResourceRef, message: str, *location: str | int) -> Finding:
    """A finding on ``subject``; ``location`` is the property path below its Properties, for cfn-lint."""
    where = ("Resources", subject.logical_id, *(("Properties", *location) if location else ()))
    return Finding(subject.template, subject.logical_id, rule_id, severity_of(rule_id), message, where)


def unresolved(subject: ResourceRef, what: str, value: Value, *location: str | int) -> Iterator[Finding]:
    """W9009 for a value that is not resolvable, unless the import pass already reported it."""
    message = _unresolved_message(subject.template, what, value)
    if message:
        yield finding("W9009", subject, message, *location)


def _unresolved_message(template: str, what: str, value: Value) -> str:
    if isinstance(value, Unknown) and value.missing_import:
        return ""
    detail = describe(value, template)
    if isinstance(value, Literal):
        detail = f"{detail}, which is not in the given templates"
    return f"cannot resolve {what}: {detail}"


def nested_value(properties: dict, path: tuple[str, ...]) -> Any:
    value: Any = properties
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


# --- workloads: what starts Fargate tasks -------------------------------------------------------------------

SERVICE, TASK_SET, SCHEDULED_TASK = "service", "task set", "scheduled task"
STATE_MACHINE, PIPE, BATCH_JOB, BATCH_COMPUTE = "state machine", "pipe", "Batch job", "Batch compute environment"
KINDS = KIND_PLURALS
# Launchers counted once per resource however many places in it start tasks (states of a state machine, compute
# environments of a Batch job); the others once per place (each ECS target of an EventBridge rule).
PER_RESOURCE = (STATE_MACHINE, BATCH_JOB)
# The container copy's note that its image is a parameter's default (or what a parent stack passes): findings say so.
IMAGE_FROM = "FargatePrivateTemplates::ImageFrom"
# A Scheduler universal target: the run-task request is a JSON Input string the checker does not read.
_UNIVERSAL_RUN_TASK = ":scheduler:::aws-sdk:ecs:runTask"
# How far a parameter is followed up through parent stacks for an image (CloudFormation nests five levels deep).
MAX_NESTING = 8


@dataclass(frozen=True)
class Origin:
    """Where a piece of a workload's parameters sits when not below its own ``path``: parameters assembled from
    several resources (a Batch job definition and a compute environment) or read out of a string (a state machine's
    DefinitionString, where no deeper property path exists: ``inside_string``)."""

    prefix: tuple[str | int, ...]
    ref: ResourceRef
    path: tuple[str | int, ...]
    inside_string: bool = False


@dataclass(frozen=True)
class Workload:
    """What starts tasks: an ECS service or task set, the ECS target of an EventBridge rule, a Scheduler schedule or a
    pipe, a state of a state machine that runs a task, or a Batch job definition with a compute environment. Its
    findings name ``ref``, the resource; ``path`` (below Properties) is where the run-task parameters sit: the
    resource's own properties for a service, ``EcsParameters`` for a target; ``origins`` say otherwise."""

    ref: ResourceRef
    kind: str
    path: tuple[str | int, ...]
    parameters: dict
    task_definition_key: str
    # Which target or state, when one resource starts tasks in several places: findings would not say otherwise.
    label: str = ""
    # The expression naming the cluster the tasks run in (None: the default cluster, or none at all).
    cluster: Any = None
    origins: tuple[Origin, ...] = ()
    # Containers given inline (a Batch job definition's), as (template, container); None: read the task definition.
    inline_containers: tuple[tuple[str, dict], ...] | None = None

    @property
    def template(self) -> str:
        return self.ref.template

    @property
    def task_definition(self) -> Any:
        return self.parameters.get(self.task_definition_key)

    @property
    def launcher(self) -> tuple[ResourceRef, tuple[str | int, ...]]:
        """What the summary counts: the resource, and the place in it for launchers counted per place."""
        return self.ref, () if self.kind in PER_RESOURCE else self.path

    def finding(self, rule_id: str, message: str, *location: str | int) -> Finding:
        """A finding on the resource; ``location`` is below ``path``, or below an origin's path when it starts with
        that origin's prefix."""
        for origin in sorted(self.origins, key=lambda o: -len(o.prefix)):
            if tuple(location[: len(origin.prefix)]) == origin.prefix:
                rest = () if origin.inside_string else location[len(origin.prefix) :]
                return finding(rule_id, origin.ref, self.label + message, *origin.path, *rest)
        return finding(rule_id, self.ref, self.label + message, *self.path, *location)

    def unresolved(self, what: str, value: Value, *location: str | int) -> Iterator[Finding]:
        message = _unresolved_message(self.template, what, value)
        if message:
            yield self.finding("W9009", message, *location)


def workloads(resolver: Resolver) -> list[Workload]:
    """Services, task sets and scheduled tasks, template by template in document order.

    A Fn::If around a target gives one workload per branch, at the same path: each branch is checked. A Scheduler
    universal target (``aws-sdk:ecs:runTask``) keeps its run-task request in a JSON Input string, which is not read:
    its network configuration stays unread, so the schedule is reported as not proven.
    """
    found: list[Workload] = []
    for ref in resolver.of_type(*SERVICE_TYPES, *SCHEDULED_TYPES):
        properties = resolver.properties(ref)
        resource_type = resolver.type_of(ref)
        if resource_type in SERVICE_TYPES:
            kind = SERVICE if resource_type == SERVICE_TYPES[0] else TASK_SET
            found.append(Workload(ref, kind, (), properties, "TaskDefinition", cluster=properties.get("Cluster")))
        elif resource_type == EVENTS_RULE:
            found.extend(_rule_targets(resolver, ref, properties.get("Targets")))
        else:
            found.extend(_schedule_targets(resolver, ref, properties.get("Target")))
    return found


def _schedule_targets(resolver: Resolver, schedule: ResourceRef, targets: Any) -> Iterator[Workload]:
    for target in resolver.objects(schedule.template, targets):
        arn = target.get("Arn")
        for parameters in resolver.objects(schedule.template, target.get("EcsParameters")):
            path = ("Target", "EcsParameters")
            yield Workload(schedule, SCHEDULED_TASK, path, parameters, "TaskDefinitionArn", cluster=arn)
        if any(_UNIVERSAL_RUN_TASK in text for text in render_texts(resolver, schedule.template, arn)):
            reason = "the Input JSON of a universal aws-sdk:ecs:runTask target, read only at run time"
            unread = {"NetworkConfiguration": Unknown(reason, unread=True)}
            yield Workload(schedule, SCHEDULED_TASK, ("Target",), unread, "TaskDefinitionArn")


def render_texts(resolver: Resolver, template: str, expression: Any) -> list[str]:
    """Every string an expression can be, each variable as ``${Name}``."""
    return [render_parts(parts) for parts in resolver.texts(template, expression)] if expression else []


def _rule_targets(resolver: Resolver, rule: ResourceRef, targets: Any) -> list[Workload]:
    ecs_targets = [
        (position, target, parameters)
        for position, target in resolver.mappings(rule.template, targets)
        for parameters in resolver.objects(rule.template, target.get("EcsParameters"))
    ]
    several = len({position for position, _, _ in ecs_targets}) > 1
    found = []
    for position, target, parameters in ecs_targets:
        target_id = target.get("Id")
        label = f"target {target_id if isinstance(target_id, str) else f'#{position}'}: " if several else ""
        path = ("Targets", position, "EcsParameters")
        arn = target.get("Arn")
        found.append(Workload(rule, SCHEDULED_TASK, path, parameters, "TaskDefinitionArn", label, cluster=arn))
    return found


@dataclass(frozen=True)
class Awsvpc:
    """A workload's awsvpc configuration and its property path below the workload's ``path``."""

    path: tuple[str, str]
    configuration: dict


def awsvpc(workload: Workload) -> Awsvpc | None:
    network_configuration = workload.parameters.get("NetworkConfiguration")
    if not isinstance(network_configuration, dict):
        return None
    for key in AWSVPC_KEYS:
        if isinstance(network_configuration.get(key), dict):
            return Awsvpc(("NetworkConfiguration", key), network_configuration[key])
    return None


def awsvpc_unread(workload: Workload) -> Unknown | None:
    """Why the awsvpc configuration cannot be read (a run-time path, a JSONata expression); None if it can be."""
    network_configuration = workload.parameters.get("NetworkConfiguration")
    if isinstance(network_configuration, dict):
        network_configuration = next((network_configuration[k] for k in AWSVPC_KEYS if k in network_configuration), {})
    return network_configuration if isinstance(network_configuration, Unknown) else None


def containers(resolver: Resolver, workload: Workload) -> list[dict]:
    """The container definitions of the workload's task definitions, every Fn::If branch included; an image from a
    parameter reads as its default, or as what a parent stack passes (a container copy says so under IMAGE_FROM)."""
    found: list[tuple[str, dict]] = list(workload.inline_containers or ())
    if workload.inline_containers is None:
        for definition in resolver.scalar(workload.template, workload.task_definition):
            if resolver.is_type(definition, TASK_DEFINITION):
                definitions = resolver.properties(definition).get("ContainerDefinitions")
                found.extend((definition.template, c) for _, c in resolver.mappings(definition.template, definitions))
    return [_with_parameter_image(resolver, template, container) for template, container in found]


def _with_parameter_image(resolver: Resolver, template: str, container: dict) -> dict:
    used: list[str] = []
    image = _parameter_values(resolver, template, container.get("Image"), used)
    if not used:
        return container
    return {**container, "Image": image, IMAGE_FROM: " and ".join(used)}


def _parameter_values(resolver: Resolver, template: str, expression: Any, used: list[str]) -> Any:
    """``expression`` with each parameter that has one value (its default, or what a parent stack passes) spelled
    out: a Ref, a ``${Name}`` of a Fn::Sub, the items of a Fn::Join; ``used`` says which, for messages."""
    function = intrinsic(expression)
    if function is None:
        return expression
    name, argument = function
    if name == "Ref" and isinstance(argument, str):
        value = _parameter_value(resolver, template, argument, used)
        return expression if value is None else value
    if name == "Fn::Join" and isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], list):
        return {name: [argument[0], [_parameter_values(resolver, template, item, used) for item in argument[1]]]}
    text, variables = (argument, {}) if isinstance(argument, str) else (None, None)
    if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str):
        text, variables = argument[0], argument[1] if isinstance(argument[1], dict) else {}
    if name != "Fn::Sub" or text is None or variables is None:
        return expression
    given = {key: _parameter_values(resolver, template, value, used) for key, value in variables.items()}
    for variable in SUB_VARIABLE.findall(text):
        value = None if variable in given else _parameter_value(resolver, template, variable, used)
        if value is not None:
            given[variable] = value
    return {name: [text, given]}


def _parameter_value(resolver: Resolver, template: str, name: str, used: list[str], depth: int = 0) -> str | None:
    """The one string a parameter stands for: what every parent stack passes (followed through the parent's own
    parameters), else its default; None for anything else."""
    parameters = resolver.templates[template].get("Parameters")
    declared = parameters.get(name) if isinstance(parameters, dict) else None
    if not isinstance(declared, dict) or depth > MAX_NESTING:
        return None
    bound = resolver.nested.parameter(template, name)
    if not bound:
        default = declared.get("Default")
        used.extend([f"parameter {name}'s default"] if isinstance(default, str) else [])
        return default if isinstance(default, str) else None
    values = set()
    for value in bound:
        expression = value[1] if isinstance(value, tuple) else None
        if isinstance(expression, Located):
            template, expression = expression.template, expression.expression
        function = intrinsic(expression)
        if function and function[0] == "Ref" and isinstance(function[1], str):
            expression = _parameter_value(resolver, template, function[1], [], depth + 1)
        values.add(expression if isinstance(expression, str) else None)
    (value,) = values if len(values) == 1 else (None,)
    used.extend([f"parameter {name} as its parent stack passes it"] if value is not None else [])
    return value
