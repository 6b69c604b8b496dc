"""Lookups in the resolved templates that rules, needs and the diagram share: where a workload runs its tasks, what its
containers pull from, and which load balancers forward to it. Queries find; the rules judge."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, NamedTuple

from .intrinsics import render_parts, string_parts
from .report import Finding
from .resolve import Resolver
from .values import ResourceRef, Value
from .workloads import (
    IMAGE_FROM,
    LISTENER,
    LISTENER_RULE,
    LOAD_BALANCER,
    SUBNET,
    Workload,
    World,
    awsvpc,
    containers,
    nested_value,
)

# --- where tasks run -------------------------------------------------------------------------------------------


class TaskSubnets(NamedTuple):
    """The subnets a workload runs tasks in, W9009 for the rest, and the rest themselves (to be counted)."""

    subnets: list[ResourceRef]
    findings: list[Finding]
    unresolved: list[Value]


def task_subnets(world: World, workload: Workload) -> TaskSubnets:
    """The subnets a workload runs tasks in, and W9009 for those the templates do not determine."""
    found = TaskSubnets([], [], [])
    configuration = awsvpc(workload)
    if configuration is None:
        return found
    location = (*configuration.path, "Subnets")
    for value in world.resolver.items(workload.template, configuration.configuration.get("Subnets")):
        if world.resolver.is_type(value, SUBNET):
            if value not in found.subnets:
                found.subnets.append(value)
        else:
            if value not in found.unresolved:
                found.unresolved.append(value)
            found.findings.extend(workload.unresolved("a subnet of its tasks", value, *location))
    return found


# --- what containers pull -------------------------------------------------------------------------------------


def registry_outside_ecr(resolver: Resolver, workload: Workload) -> str:
    """Why the workload's tasks pull from a registry VPC endpoints cannot reach; empty if none is known."""
    for container in containers(resolver, workload):
        reason = container_outside_ecr(container)
        if reason:
            return reason
    return ""


def registry_unproven(resolver: Resolver, workload: Workload) -> str:
    """Why the registry a workload pulls from cannot be told (a whole image reference from a variable)."""
    for container in containers(resolver, workload):
        parts = string_parts(container.get("Image"))
        text = render_parts(parts, placeholder="x") if parts else ""
        if "RepositoryCredentials" not in container and "/" not in text:
            return f"container {container.get('Name', '?')} takes its whole image reference from a variable"
    return ""


def container_outside_ecr(container: dict) -> str:
    """Why a container pulls from a registry outside ECR; empty if it does not or a variable decides it."""
    name = container.get("Name", "?")
    if "RepositoryCredentials" in container:
        return f"container {name} pulls with RepositoryCredentials (a registry outside ECR)"
    host = image_registry(container.get("Image"))
    # An image from a parameter reads as the value it has when none is given at deploy time: say which.
    source = f" (its image is {container[IMAGE_FROM]})" if IMAGE_FROM in container else ""
    if host == "public.ecr.aws":
        return (
            f"container {name} pulls its image from ECR Public (public.ecr.aws){source}, which has no VPC endpoint "
            "(fix: a NAT path, or an ECR pull-through cache rule for public.ecr.aws)"
        )
    if host and ".dkr.ecr." not in host:
        return f"container {name} pulls its image from {host}{source}"
    return ""


def image_registry(image: Any) -> str | None:
    """The registry host of an image reference, ``docker.io`` for Docker Hub; None if a variable decides it."""
    parts = string_parts(image)
    if not parts or not isinstance(parts[0], str):
        return None
    text = render_parts(parts, placeholder="x")
    first, slash, _ = text.partition("/")
    # Like Docker: the first path part is a host only if it looks like one.
    if slash and ("." in first or ":" in first or first == "localhost"):
        return first
    return "docker.io"


# --- which load balancers forward to a service ---------------------------------------------------------------


def load_balancers_by_target_group(resolver: Resolver) -> dict[ResourceRef, set[ResourceRef]]:
    """Target group -> load balancers forwarding to it, through listeners and listener rules."""
    by_target_group: dict[ResourceRef, set[ResourceRef]] = defaultdict(set)
    load_balancers_of_listener: dict[Value, list[ResourceRef]] = {}
    for listener in resolver.of_type(LISTENER):
        properties = resolver.properties(listener)
        values = resolver.scalar(listener.template, properties.get("LoadBalancerArn"))
        load_balancers = [v for v in values if resolver.is_type(v, LOAD_BALANCER)]
        load_balancers_of_listener[listener] = load_balancers
        for target_group in forwarded_target_groups(resolver, listener, properties.get("DefaultActions")):
            by_target_group[target_group].update(load_balancers)
    for rule in resolver.of_type(LISTENER_RULE):
        properties = resolver.properties(rule)
        listeners = resolver.scalar(rule.template, properties.get("ListenerArn"))
        load_balancers = [lb for listener in listeners for lb in load_balancers_of_listener.get(listener, [])]
        for target_group in forwarded_target_groups(resolver, rule, properties.get("Actions")):
            by_target_group[target_group].update(load_balancers)
    return by_target_group


def forwarded_target_groups(resolver: Resolver, owner: ResourceRef, actions: Any) -> list[Value]:
    expressions = []
    for _, action in resolver.mappings(owner.template, actions):
        expressions.append(action.get("TargetGroupArn"))
        for _, weighted in resolver.mappings(owner.template, nested_value(action, ("ForwardConfig", "TargetGroups"))):
            expressions.append(weighted.get("TargetGroupArn"))
    return [v for e in expressions if e is not None for v in resolver.scalar(owner.template, e)]


def service_target_groups(resolver: Resolver, workload: Workload) -> list[ResourceRef]:
    """The target groups of a service's LoadBalancers; none for a scheduled task, which has no such property."""
    load_balancers = workload.parameters.get("LoadBalancers")
    values = [
        value
        for _, entry in resolver.mappings(workload.template, load_balancers)
        for value in resolver.scalar(workload.template, entry.get("TargetGroupArn"))
    ]
    return [v for v in values if isinstance(v, ResourceRef)]


def fronting_load_balancers(world: World, workloads: list[Workload]) -> list[ResourceRef]:
    """Load balancers forwarding to the services' target groups; with no listener found, the target group's
    template's load balancers (a service template usually holds exactly one)."""
    resolver = world.resolver
    by_target_group = load_balancers_by_target_group(resolver)
    found: list[ResourceRef] = []
    for workload in workloads:
        for target_group in service_target_groups(resolver, workload):
            candidates = sorted(by_target_group.get(target_group, ()), key=str) or [
                lb for lb in resolver.of_type(LOAD_BALANCER) if lb.template == target_group.template
            ]
            found.extend(lb for lb in candidates if lb not in found)
    return found


def load_balancer_subnets(resolver: Resolver, load_balancer: ResourceRef) -> list[Value]:
    """What the load balancer's Subnets and SubnetMappings name."""
    properties = resolver.properties(load_balancer)
    return resolver.items(load_balancer.template, properties.get("Subnets")) + [
        value
        for _, mapping in resolver.mappings(load_balancer.template, properties.get("SubnetMappings"))
        for value in resolver.scalar(load_balancer.template, mapping.get("SubnetId"))
    ]
