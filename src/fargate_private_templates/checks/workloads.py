"""What the rules look at: the workloads that start Fargate tasks, their network configuration and containers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .report import Finding
from .resolve import Resolver
from .route_tables import ANYWHERE_V4, ANYWHERE_V6, RouteTables, describe
from .rulebook import severity_of
from .values import Literal, ResourceRef, Unknown, Value

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

SERVICE, SCHEDULED_TASK = "service", "scheduled task"


@dataclass(frozen=True)
class Workload:
    """What starts tasks: an ECS service or task set, or the ECS target of an EventBridge rule or a Scheduler
    schedule. Its findings name ``ref``, the resource; ``path`` (below Properties) is where the run-task
    parameters sit: the resource's own properties for a service, ``EcsParameters`` for a target."""

    ref: ResourceRef
    kind: str
    path: tuple[str | int, ...]
    parameters: dict
    task_definition_key: str
    # Which target, when an EventBridge rule has more than one ECS target: findings would not say otherwise.
    label: str = ""

    @property
    def template(self) -> str:
        return self.ref.template

    @property
    def task_definition(self) -> Any:
        return self.parameters.get(self.task_definition_key)

    def finding(self, rule_id: str, message: str, *location: str | int) -> Finding:
        """A finding on the resource; ``location`` is below ``path``."""
        return finding(rule_id, self.ref, self.label + message, *self.path, *location)

    def unresolved(self, what: str, value: Value, *location: str | int) -> Iterator[Finding]:
        message = _unresolved_message(self.template, what, value)
        if message:
            yield self.finding("W9009", message, *location)


def workloads(resolver: Resolver) -> list[Workload]:
    """Everything that starts tasks, template by template in document order.

    A Fn::If around a target gives one workload per branch, at the same path: each branch is checked.
    Scheduler targets that run tasks through the universal ``aws-sdk:ecs:runTask`` target keep their
    parameters in a JSON Input string and are not read.
    """
    found: list[Workload] = []
    for ref in resolver.of_type(*SERVICE_TYPES, *SCHEDULED_TYPES):
        properties = resolver.properties(ref)
        resource_type = resolver.type_of(ref)
        if resource_type in SERVICE_TYPES:
            found.append(Workload(ref, SERVICE, (), properties, "TaskDefinition"))
        elif resource_type == EVENTS_RULE:
            found.extend(_rule_targets(resolver, ref, properties.get("Targets")))
        else:
            for target in resolver.objects(ref.template, properties.get("Target")):
                for parameters in resolver.objects(ref.template, target.get("EcsParameters")):
                    path = ("Target", "EcsParameters")
                    found.append(Workload(ref, SCHEDULED_TASK, path, parameters, "TaskDefinitionArn"))
    return found


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
        found.append(Workload(rule, SCHEDULED_TASK, path, parameters, "TaskDefinitionArn", label))
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


def containers(resolver: Resolver, workload: Workload) -> list[dict]:
    """The container definitions of the workload's task definitions, every Fn::If branch included."""
    found = []
    for definition in resolver.scalar(workload.template, workload.task_definition):
        if resolver.is_type(definition, TASK_DEFINITION):
            definitions = resolver.properties(definition).get("ContainerDefinitions")
            found.extend(container for _, container in resolver.mappings(definition.template, definitions))
    return found
