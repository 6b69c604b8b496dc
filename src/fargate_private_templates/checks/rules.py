"""The rules: each function takes the resolved templates and yields findings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from .exports import Name, UnreadableName
from .intrinsics import intrinsic, walk
from .queries import load_balancer_subnets
from .report import Finding
from .resolve import Resolver
from .route_tables import ANYWHERE_V4, ANYWHERE_V6, BLOCKED, UNFOLLOWED, UNRESOLVED, Egress, describe
from .rulebook import severity_of
from .values import NO_VALUE, Literal, ResourceRef, Unknown, literals
from .workloads import (
    OPEN_CIDRS,
    SECURITY_GROUP,
    SECURITY_GROUP_INGRESS,
    SUBNET,
    TASK_DEFINITION,
    Workload,
    World,
    awsvpc,
    awsvpc_unread,
    finding,
    nested_value,
    unresolved,
)

# --- E9001 / W9001: AssignPublicIp ---------------------------------------------------------------------------


def check_assign_public_ip(world: World, workload: Workload) -> Iterator[Finding]:
    """AssignPublicIp DISABLED in every branch; absent is DISABLED (the ECS, EventBridge and Scheduler default)."""
    resolver = world.resolver
    configuration = awsvpc(workload)
    if configuration is None:
        unread = awsvpc_unread(workload)
        if unread is not None:
            message = f"cannot read NetworkConfiguration: {unread.reason}; AssignPublicIp is not proven DISABLED"
            yield workload.finding("W9009", message, "NetworkConfiguration")
        elif needs_own_awsvpc(resolver, workload):
            message = "has no NetworkConfiguration.AwsvpcConfiguration: AssignPublicIp cannot be proven DISABLED"
            yield workload.finding("E9001", message, "NetworkConfiguration")
        return
    if "AssignPublicIp" not in configuration.configuration:
        message = "AssignPublicIp is absent (DISABLED by default); set DISABLED explicitly"
        yield workload.finding("W9001", message, *configuration.path)
        return
    values = resolver.scalar(workload.template, configuration.configuration["AssignPublicIp"])
    where = " in a Fn::If branch" if len(values) > 1 else ""
    location = (*configuration.path, "AssignPublicIp")
    for value in values:
        if value == NO_VALUE:
            yield workload.finding("W9001", f"AssignPublicIp is AWS::NoValue{where} (DISABLED by default)", *location)
        elif isinstance(value, Literal) and value.value != "DISABLED":
            message = f"AssignPublicIp is {value.value}{where}: its tasks get public IPs"
            yield workload.finding("E9001", message, *location)
        elif isinstance(value, Unknown) and value.unread:
            yield workload.finding("W9009", f"cannot read AssignPublicIp: {value.reason}", *location)
        elif not isinstance(value, Literal):
            reason = describe(value, workload.template)
            yield workload.finding("E9001", f"AssignPublicIp comes from {reason}: cannot be proven DISABLED", *location)


def needs_own_awsvpc(resolver: Resolver, workload: Workload) -> bool:
    """Whether the workload must carry its tasks' awsvpc configuration to run them on Fargate.

    Not an EXTERNAL-controller service (its task sets carry it), nor one that says it runs on EC2 or
    external instances, or whose task definition uses another network mode (Fargate takes only awsvpc).
    """
    properties = workload.parameters
    controller = nested_value(properties, ("DeploymentController", "Type"))
    if {"external"} == literals(resolver.scalar(workload.template, controller)):
        return False
    if "LaunchType" in properties:
        launch_types = literals(resolver.scalar(workload.template, properties["LaunchType"]))
        if launch_types and launch_types <= {"ec2", "external"}:
            return False
    for task_definition in resolver.scalar(workload.template, workload.task_definition):
        if resolver.is_type(task_definition, TASK_DEFINITION):
            network_mode = resolver.properties(task_definition).get("NetworkMode")
            if isinstance(network_mode, str) and network_mode != "awsvpc":
                return False
    return True


# --- E9002 / E9003 / E9008: task subnets ---------------------------------------------------------------------


def check_task_subnet(
    world: World, workload: Workload, subnet: ResourceRef, pulls: str, unproven: str = ""
) -> Iterator[Finding]:
    """E9002 public subnet, E9003 no registry path, E9008 no NAT for a registry outside ECR (``pulls``);
    W9009 when the registry is unknown (``unproven``) and only the ECR endpoints lead out."""
    configuration = awsvpc(workload)
    location = (*(configuration.path if configuration else ()), "Subnets")
    name = subnet.name_from(workload.template)
    publicity = world.route_tables.publicity(subnet, (ANYWHERE_V4, ANYWHERE_V6))
    if publicity.public is None:
        message = f"cannot tell whether subnet {name} is private: {publicity.detail}"
        yield workload.finding("W9009", message, *location)
        return
    if publicity.public:
        yield workload.finding("E9002", f"runs tasks in public subnet {name}: {publicity.detail}", *location)
        return
    for egress in world.route_tables.egress(subnet):
        unresolved_hops = [hop.problem for hop in egress.hops if hop.kind in (UNRESOLVED, UNFOLLOWED)]
        # Egress through a transit gateway, peering, firewall or proxy: a warning saying what to verify.
        warning = "W9015" if any(hop.kind == UNFOLLOWED for hop in egress.hops) else "W9009"
        if not egress.reaches_registry:
            rule_id = warning if unresolved_hops else "E9003"
            message = f"subnet {name} has no proven path to a registry: {_why(egress)}"
            yield workload.finding(rule_id, message, *location)
        if pulls and not egress.has_nat:
            if unresolved_hops:
                message = f"cannot prove subnet {name} has a NAT path ({'; '.join(unresolved_hops)}); {pulls}"
                yield workload.finding(warning, message, *location)
            else:
                yield workload.finding("E9008", f"{pulls}, but subnet {name} {_no_nat(egress)}", *location)
        elif unproven and egress.reaches_registry and not egress.has_nat:
            message = f"cannot prove the registry is ECR: {unproven}, and subnet {name} {_no_nat(egress)}"
            yield workload.finding("W9009", message, *location)


def _why(egress: Egress) -> str:
    table = describe(egress.route_table, egress.subnet.template) if egress.route_table else "its route table"
    reasons = [hop.problem for hop in egress.hops if hop.kind in (BLOCKED, UNRESOLVED, UNFOLLOWED)]
    if not egress.hops:
        reasons.append(f"{table} has no {ANYWHERE_V4} route")
    missing = egress.missing_ecr_endpoints
    if egress.endpoints:
        reasons.append(f"VPC endpoints lack {', '.join(missing)}")
    else:
        reasons.append(f"no VPC endpoints for {', '.join(missing)}")
    return "; ".join(reasons + list(egress.endpoint_notes))


def _no_nat(egress: Egress) -> str:
    if egress.endpoints:
        return f"has no NAT path: its VPC endpoints ({', '.join(egress.endpoints)}) reach only AWS services"
    return "has no NAT path"


# --- E9004: internet-facing load balancers -------------------------------------------------------------------


def check_load_balancer(world: World, load_balancer: ResourceRef) -> Iterator[Finding]:
    """Internet-facing load balancers only in public subnets; internal ones only in private subnets."""
    resolver = world.resolver
    properties = resolver.properties(load_balancer)
    schemes = resolver.scalar(load_balancer.template, properties.get("Scheme", "internet-facing"))
    for value in schemes:
        if isinstance(value, Unknown):
            yield from unresolved(load_balancer, "whether it is internet-facing", value, "Scheme")
    words = literals(schemes)
    for scheme, wants_public in (("internet-facing", True), ("internal", False)):
        if scheme in words:
            yield from _load_balancer_subnets(world, load_balancer, scheme, wants_public)


def _load_balancer_subnets(
    world: World, load_balancer: ResourceRef, scheme: str, wants_public: bool
) -> Iterator[Finding]:
    resolver = world.resolver
    location = "Subnets" if "Subnets" in resolver.properties(load_balancer) else "SubnetMappings"
    for subnet in load_balancer_subnets(resolver, load_balancer):
        if not resolver.is_type(subnet, SUBNET):
            yield from unresolved(load_balancer, f"a subnet of this {scheme} load balancer", subnet, location)
            continue
        name = subnet.name_from(load_balancer.template)
        publicity = world.route_tables.publicity(subnet)
        if publicity.public is None:
            message = f"cannot tell whether subnet {name} is public: {publicity.detail}"
            yield finding("W9009", load_balancer, message, location)
        elif publicity.public != wants_public:
            tier = "public" if wants_public else "private"
            message = f"is {scheme} but sits in subnet {name}, which is not {tier}: {publicity.detail}"
            yield finding("E9004", load_balancer, message, location)


# --- E9005: MapPublicIpOnLaunch ------------------------------------------------------------------------------


def check_map_public_ip(world: World, subnet: ResourceRef) -> Iterator[Finding]:
    """MapPublicIpOnLaunch is about instances launched in the subnet (AWS Config subnet-auto-assign-public-ip-disabled,
    Security Hub EC2.15); a task's ENI gets a public IP only from AssignPublicIp, default DISABLED:
    https://docs.aws.amazon.com/config/latest/developerguide/subnet-auto-assign-public-ip-disabled.html
    https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_AwsEcsServiceNetworkConfigurationAwsVpcConfigurationDetails.html
    """
    properties = world.resolver.properties(subnet)
    if "MapPublicIpOnLaunch" not in properties:
        return
    values = world.resolver.scalar(subnet.template, properties["MapPublicIpOnLaunch"])
    if {True, "true"} & literals(values):
        message = (
            "sets MapPublicIpOnLaunch true: EC2 instances launched here get a public IPv4 address (Security Hub "
            "EC2.15); Fargate tasks do not, their AssignPublicIp decides"
        )
        yield finding("E9005", subnet, message, "MapPublicIpOnLaunch")
        return
    for value in values:
        if isinstance(value, Unknown):
            yield from unresolved(subnet, "MapPublicIpOnLaunch", value, "MapPublicIpOnLaunch")


# --- E9006: task security groups -----------------------------------------------------------------------------


def check_task_security_groups(world: World, workload: Workload) -> Iterator[Finding]:
    resolver = world.resolver
    configuration = awsvpc(workload)
    if configuration is None:
        return
    for value in resolver.items(workload.template, configuration.configuration.get("SecurityGroups")):
        if resolver.is_type(value, SECURITY_GROUP):
            yield from _open_ingress(world, value)
        else:
            location = (*configuration.path, "SecurityGroups")
            yield from workload.unresolved("a task security group", value, *location)


def _open_ingress(world: World, group: ResourceRef) -> Iterator[Finding]:
    """Inline rules of the group, and standalone ingress resources (any template) that add to it."""
    resolver = world.resolver
    inline = resolver.properties(group).get("SecurityGroupIngress")
    for position, rule in resolver.mappings(group.template, inline):
        yield from _check_ingress_rule(resolver, group, rule, "admits", ("SecurityGroupIngress", position))
    for ingress in resolver.pointing_to(SECURITY_GROUP_INGRESS, "GroupId", group):
        verb = f"adds to task security group {group.name_from(ingress.template)}: admits"
        yield from _check_ingress_rule(resolver, ingress, resolver.properties(ingress), verb, ())


def _check_ingress_rule(
    resolver: Resolver, subject: ResourceRef, rule: dict, verb: str, location: tuple[str | int, ...]
) -> Iterator[Finding]:
    for key in ("CidrIp", "CidrIpv6"):
        if key not in rule:
            continue
        for value in resolver.scalar(subject.template, rule[key]):
            if isinstance(value, Literal) and value.value in OPEN_CIDRS:
                message = f"{verb} {value.value} on {_ports(rule)}: tasks must be reachable only from inside"
                yield finding("E9006", subject, message, *location)
            elif isinstance(value, Unknown):
                yield from unresolved(subject, f"the {key} of an ingress rule", value, *location)


def _ports(rule: dict) -> str:
    protocol = str(rule.get("IpProtocol", "?"))
    if protocol == "-1":
        return "all ports"
    low, high = rule.get("FromPort"), rule.get("ToPort")
    ports = f"{low}" if low == high else f"{low}-{high}"
    return f"{protocol} {ports}"


# --- E9007: imports ------------------------------------------------------------------------------------------


def _import_sites(resolver: Resolver, template: str) -> Iterator[tuple[str, tuple[str | int, ...], Name]]:
    """(logical ID or section, path, name) of every Fn::ImportValue in a template, one per name it can spell."""
    for path, node in walk(resolver.templates[template]):
        function = intrinsic(node)
        if function and function[0] == "Fn::ImportValue":
            owner = str(path[1]) if len(path) > 1 and path[0] in ("Resources", "Outputs") else str(path[0])
            for name in resolver.names(template, function[1]):
                yield owner, path, name


def check_imports(resolver: Resolver, template: str) -> Iterator[Finding]:
    """E9007 when the stack an import names is given but lacks the export; W9009 when it is not given at all."""
    sites = list(_import_sites(resolver, template))
    # A stack variable is bound when some import through it matches: that template stands for the stack.
    bound: dict[str, set[str]] = defaultdict(set)
    for _, _, name in sites:
        if not isinstance(name, UnreadableName) and name.stack_variable:
            bound[name.stack_variable].update(e.template for e in resolver.exports_for(name))
    for owner, path, name in sites:
        rule_id, message = _import_verdict(resolver, name, bound)
        if rule_id:
            yield Finding(template, owner, rule_id, severity_of(rule_id), message, path)


def _import_verdict(resolver: Resolver, name: Name, bound: dict[str, set[str]]) -> tuple[str, str]:
    if isinstance(name, UnreadableName):
        return "W9009", f"cannot read the export name {name.text} of a Fn::ImportValue: {name.reason}"
    if resolver.exports_for(name):
        return "", ""
    if not resolver.exports:
        return "W9009", f"cannot resolve import {name}: none of the given templates exports anything"
    exporters = bound.get(name.stack_variable or "")
    if exporters:
        return "E9007", f"imports {name}, but {', '.join(sorted(exporters))} exports no {name.key}"
    if name.stack_variable is None:
        return "E9007", f"imports {name}, but no given template exports it"
    return "W9009", (
        f"cannot resolve import {name}: no given template exports {name.key} "
        f"or anything else imported through ${{{name.stack_variable}}}"
    )


def check_unreadable_exports(resolver: Resolver) -> Iterator[Finding]:
    for export in resolver.unreadable_exports:
        name = export.name
        message = f"cannot read the export name {name.text} ({name.reason}): imports of it cannot be matched"
        location = ("Outputs", export.output, "Export", "Name")
        yield Finding(export.template, export.output, "W9009", severity_of("W9009"), message, location)
