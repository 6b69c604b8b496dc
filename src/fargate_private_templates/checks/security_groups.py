"""Security groups on the path of each need: E9010 (task egress) and E9011 (endpoint ingress).

A route is not enough: the task security groups must let TCP 443 out to where the route leads (an interface
endpoint, the S3 gateway, the internet through NAT) and the endpoint's security group must admit it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .needs import TaskNeed
from .report import Finding
from .resolve import Resolver
from .route_tables import ANYWHERE_V4, S3_SERVICE, Egress, describe
from .values import Literal, ResourceRef, Unknown, Value
from .workloads import SECURITY_GROUP, SECURITY_GROUP_INGRESS, SUBNET, Workload, World, awsvpc, finding, unresolved

SECURITY_GROUP_EGRESS = "AWS::EC2::SecurityGroupEgress"
VPC = "AWS::EC2::VPC"
VPC_ENDPOINT = "AWS::EC2::VPCEndpoint"
HTTPS = 443
INTERNET, S3_GATEWAY = "the internet", "the S3 gateway endpoint"


@dataclass(frozen=True)
class Destination:
    """Where TCP 443 from the tasks goes for one need: an interface endpoint, the S3 gateway, or the internet."""

    kind: str  # "endpoint", S3_GATEWAY or INTERNET
    name: str
    endpoint: ResourceRef | None = None
    groups: tuple[Value, ...] = ()
    subnets: tuple[Value, ...] = ()
    services: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class Verdict:
    """Whether something is allowed: True, False, or None (cannot tell, ``why``)."""

    allowed: bool | None
    why: str = ""


def _combine(verdicts: list[Verdict]) -> Verdict:
    """Any allow wins (security group rules add up); else any unknown; else denied."""
    if any(v.allowed for v in verdicts):
        return Verdict(True)
    unknown = [v for v in verdicts if v.allowed is None]
    return unknown[0] if unknown else Verdict(False)


# --- where each need goes ------------------------------------------------------------------------------------


def destinations(world: World, subnet: ResourceRef, egress: Egress, needs: list[TaskNeed]) -> list[Destination]:
    """The places TCP 443 goes from the subnet for the needs it reaches; endpoints first, then NAT."""
    resolver = world.resolver
    interface = _interface_endpoints(world, subnet)
    found: dict[Destination, None] = {}
    for need in needs:
        if need.services and all(s in egress.endpoints for s in need.services):
            for service in need.services:
                if service == S3_SERVICE and service not in interface:
                    found[Destination(S3_GATEWAY, S3_GATEWAY)] = None
                elif service in interface:
                    endpoint = interface[service]
                    properties = resolver.properties(endpoint)
                    groups = tuple(resolver.items(endpoint.template, properties.get("SecurityGroupIds")))
                    subnets = tuple(resolver.items(endpoint.template, properties.get("SubnetIds")))
                    name = f"{endpoint.name_from(subnet.template)} ({service})"
                    found[Destination("endpoint", name, endpoint, groups, subnets, (service,))] = None
        elif egress.has_nat:
            found[Destination(INTERNET, INTERNET)] = None
    return list(found)


def _interface_endpoints(world: World, subnet: ResourceRef) -> dict[str, ResourceRef]:
    """Service -> interface endpoint in the subnet's VPC with private DNS on (the one the tasks' DNS resolves to)."""
    resolver = world.resolver
    vpcs = world.route_tables.vpcs(subnet)
    found: dict[str, ResourceRef] = {}
    for endpoint in resolver.of_type(VPC_ENDPOINT):
        properties = resolver.properties(endpoint)
        kinds = _lower(resolver.scalar(endpoint.template, properties.get("VpcEndpointType", "Gateway")))
        private_dns = _lower(resolver.scalar(endpoint.template, properties.get("PrivateDnsEnabled")))
        if "interface" in kinds and "true" in private_dns and vpcs & world.route_tables.vpcs(endpoint):
            service = resolver.endpoint_service(endpoint)
            if service is not None:
                found.setdefault(service, endpoint)
    return found


def _lower(values: list[Value]) -> set[str]:
    return {str(v.value).lower() for v in values if isinstance(v, Literal)}


# --- CIDRs: does an address range cover a destination? -------------------------------------------------------


def _network(text: Any) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(str(text), strict=False)
    except ValueError:
        return None


def _cidr_tokens(resolver: Resolver, template: str, expression: Any) -> list[Value]:
    """The values a CIDR expression can be. The expression a VPC of the same template takes its CidrBlock from (a Ref
    to its parameter, an import) names that VPC, whatever value a parent stack passes or a deploy gives."""
    if isinstance(expression, dict):
        for vpc in resolver.of_type(VPC):
            if vpc.template == template and resolver.properties(vpc).get("CidrBlock") == expression:
                return [vpc]
    return list(resolver.scalar(template, expression))


def covers_subnets(world: World, template: str, expression: Any, subnets: tuple[Value, ...]) -> Verdict:
    """Whether a CIDR covers every one of the subnets: 0.0.0.0/0, their VPC's CIDR, or a literal containing them."""
    if not subnets:
        return Verdict(None, "the endpoint's subnets are not given")
    verdicts = []
    for token in _cidr_tokens(world.resolver, template, expression):
        verdicts.append(_all([_token_covers(world, template, token, subnet) for subnet in subnets]))
    return _all(verdicts)


def _all(verdicts: list[Verdict]) -> Verdict:
    if verdicts and all(v.allowed for v in verdicts):
        return Verdict(True)
    denied = [v for v in verdicts if v.allowed is False]
    if denied:
        return denied[0]
    return next((v for v in verdicts if v.allowed is None), Verdict(False))


def _token_covers(world: World, template: str, token: Value, subnet: Value) -> Verdict:
    resolver = world.resolver
    if isinstance(token, Literal):
        network = _network(token.value)
        if network is None:
            return Verdict(False)
        if str(network) == ANYWHERE_V4:
            return Verdict(True)
        if not resolver.is_type(subnet, SUBNET):
            return Verdict(None, f"subnet {describe(subnet, template)} is not in the given templates")
        subnet_cidr = _network_of(resolver, subnet)
        if subnet_cidr is None:
            return Verdict(None, f"cannot tell whether {token.value} covers subnet {subnet.name_from(template)}")
        return Verdict(network.version == subnet_cidr.version and subnet_cidr.subnet_of(network))  # type: ignore[arg-type]
    if isinstance(token, ResourceRef):
        if resolver.is_type(token, VPC):
            return Verdict(resolver.is_type(subnet, SUBNET) and token in world.route_tables.vpcs(subnet))
        return Verdict(token == subnet)
    return Verdict(None, f"the CIDR comes from {token.reason}")


def _network_of(resolver: Resolver, subnet: ResourceRef) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    values = resolver.scalar(subnet.template, resolver.properties(subnet).get("CidrBlock"))
    if len(values) == 1 and isinstance(values[0], Literal):
        return _network(values[0].value)
    return None


def covers_internet(world: World, template: str, expression: Any) -> Verdict:
    verdicts = []
    for token in _cidr_tokens(world.resolver, template, expression):
        if isinstance(token, Unknown):
            verdicts.append(Verdict(None, f"the CIDR comes from {token.reason}"))
        else:
            network = _network(token.value) if isinstance(token, Literal) else None
            verdicts.append(Verdict(network is not None and str(network) == ANYWHERE_V4))
    return _all(verdicts)


# --- rules of a security group ---------------------------------------------------------------------------------


def port_verdict(rule: dict, port: int) -> Verdict:
    protocol = str(rule.get("IpProtocol", "")).lower()
    if protocol == "-1":
        return Verdict(True)
    if protocol not in ("tcp", "6"):
        return Verdict(False)
    low, high = rule.get("FromPort"), rule.get("ToPort")
    try:
        return Verdict(int(low) <= port <= int(high))
    except (TypeError, ValueError):
        return Verdict(None, f"the ports of a rule come from {low!r}-{high!r}")


def group_rules(resolver: Resolver, group: ResourceRef, inline_key: str, resource_type: str) -> list[tuple[str, dict]]:
    """(template, rule) of a group's inline rules and of the standalone rule resources that add to it."""
    rules = [
        (group.template, rule)
        for _, rule in resolver.mappings(group.template, resolver.properties(group).get(inline_key))
    ]
    rules += [(r.template, resolver.properties(r)) for r in resolver.pointing_to(resource_type, "GroupId", group)]
    return rules


def has_implicit_egress(resolver: Resolver, group: ResourceRef) -> bool:
    """EC2 adds allow-all egress to a group created without egress rules, and standalone egress resources come
    after creation, so it stays: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-securitygroup.html"""
    return not resolver.mappings(group.template, resolver.properties(group).get("SecurityGroupEgress"))


def _egress_rule_allows(world: World, template: str, rule: dict, destination: Destination) -> Verdict:
    ports = port_verdict(rule, HTTPS)
    if not ports.allowed:
        return ports
    if "CidrIp" in rule:
        if destination.kind == "endpoint":
            return covers_subnets(world, template, rule["CidrIp"], destination.subnets)
        return covers_internet(world, template, rule["CidrIp"])
    if "DestinationSecurityGroupId" in rule:
        if destination.kind != "endpoint":
            return Verdict(False)
        groups = world.resolver.scalar(template, rule["DestinationSecurityGroupId"])
        return Verdict(any(g in destination.groups for g in groups))
    if "DestinationPrefixListId" in rule:
        # The S3 gateway's prefix list is what such a rule is for; which list it is shows only at deploy time.
        if destination.kind == S3_GATEWAY:
            return Verdict(True)
        return Verdict(None, "a prefix list's entries are not in the templates")
    return Verdict(False)


def _ingress_rule_admits(
    world: World, template: str, rule: dict, task_groups: list[ResourceRef], task_subnets: tuple[Value, ...]
) -> Verdict:
    ports = port_verdict(rule, HTTPS)
    if not ports.allowed:
        return ports
    if "SourceSecurityGroupId" in rule:
        return Verdict(any(g in task_groups for g in world.resolver.scalar(template, rule["SourceSecurityGroupId"])))
    if "CidrIp" in rule:
        return covers_subnets(world, template, rule["CidrIp"], task_subnets)
    if "SourcePrefixListId" in rule:
        return Verdict(None, "a prefix list's entries are not in the templates")
    return Verdict(False)


# --- E9010 / E9011: task egress and endpoint ingress ---------------------------------------------------------


def task_groups(world: World, workload: Workload) -> tuple[list[ResourceRef], bool]:
    """The workload's task security groups, and whether every one of them is in the given templates."""
    configuration = awsvpc(workload)
    if configuration is None:
        return [], False
    values = world.resolver.items(workload.template, configuration.configuration.get("SecurityGroups"))
    groups = [v for v in values if world.resolver.is_type(v, SECURITY_GROUP)]
    return list(dict.fromkeys(groups)), bool(values) and len(groups) == len(values)


def check_egress(world: World, groups: list[ResourceRef], places: list[Destination]) -> Iterator[Finding]:
    """E9010 when no task security group lets TCP 443 out to some of the places the tasks' needs go."""
    resolver = world.resolver
    if not groups or any(has_implicit_egress(resolver, group) for group in groups):
        return
    rules = [
        (template, rule)
        for group in groups
        for template, rule in group_rules(resolver, group, "SecurityGroupEgress", SECURITY_GROUP_EGRESS)
    ]
    names = ", ".join(g.name_from(groups[0].template) for g in groups)
    blocked: list[Destination] = []
    unknown: dict[str, list[str]] = {}
    for place in places:
        verdict = _combine([_egress_rule_allows(world, template, rule, place) for template, rule in rules])
        if verdict.allowed is None:
            unknown.setdefault(verdict.why, []).append(place.name)
        elif not verdict.allowed:
            blocked.append(place)
    for why, unsure in unknown.items():
        message = f"cannot tell whether task security groups {names} allow TCP 443 to {', '.join(unsure)}: {why}"
        yield finding("W9009", groups[0], message, "SecurityGroupEgress")
    if blocked:
        fixes = list(dict.fromkeys(_egress_fix(place) for place in blocked))
        message = (
            f"task security group{'s' if len(groups) > 1 else ''} {names}: no egress rule allows TCP 443 to "
            f"{', '.join(place.name for place in blocked)}, so the tasks cannot reach what they need there; "
            f"fix: add egress rules tcp 443 to {' and to '.join(fixes)}"
        )
        yield finding("E9010", groups[0], message, "SecurityGroupEgress")


def _egress_fix(destination: Destination) -> str:
    if destination.kind == "endpoint":
        groups = [g.logical_id for g in destination.groups if isinstance(g, ResourceRef)]
        return f"security group {groups[0]} (or the VPC CIDR)" if groups else "the VPC CIDR"
    if destination.kind == S3_GATEWAY:
        return "the S3 prefix list (pl-...) or 0.0.0.0/0"
    return "0.0.0.0/0"


def check_endpoint_ingress(
    world: World, groups: list[ResourceRef], subnets: tuple[Value, ...], places: list[Destination]
) -> Iterator[Finding]:
    """E9011 when no security group of an interface endpoint admits TCP 443 from the tasks."""
    by_groups: dict[tuple[Value, ...], list[Destination]] = {}
    for place in places:
        if place.endpoint is not None:
            by_groups.setdefault(place.groups, []).append(place)
    for endpoint_groups, endpoints in by_groups.items():
        yield from _endpoint_groups_admit(world, groups, subnets, endpoint_groups, endpoints)


def _endpoint_groups_admit(
    world: World,
    groups: list[ResourceRef],
    subnets: tuple[Value, ...],
    endpoint_groups: tuple[Value, ...],
    endpoints: list[Destination],
) -> Iterator[Finding]:
    resolver = world.resolver
    first = endpoints[0].endpoint
    assert first is not None
    task_names = ", ".join(g.name_from(first.template) for g in groups)
    if not endpoint_groups:
        for place in endpoints:
            assert place.endpoint is not None
            message = (
                f"has no SecurityGroupIds, so the VPC's default security group applies, which admits only its own "
                f"members, not the tasks in {task_names}; fix: give it a security group admitting tcp 443 from "
                f"{task_names} or the VPC CIDR"
            )
            yield finding("E9011", place.endpoint, message, "SecurityGroupIds")
        return
    resolved = [g for g in endpoint_groups if resolver.is_type(g, SECURITY_GROUP)]
    for group in endpoint_groups:
        if group not in resolved:
            yield from unresolved(first, "a security group of this endpoint", group, "SecurityGroupIds")
    if len(resolved) < len(endpoint_groups):
        return
    verdict = _combine(
        [
            _ingress_rule_admits(world, template, rule, groups, subnets)
            for group in resolved
            for template, rule in group_rules(resolver, group, "SecurityGroupIngress", SECURITY_GROUP_INGRESS)
        ]
    )
    names = ", ".join(g.name_from(first.template) for g in resolved)
    served = ", ".join(place.name for place in endpoints)
    if verdict.allowed is None:
        message = f"cannot tell whether endpoint security group {names} admits TCP 443 from {task_names}: {verdict.why}"
        yield finding("W9009", resolved[0], message, "SecurityGroupIngress")
    elif not verdict.allowed:
        message = (
            f"endpoint security group {names} admits no TCP 443 from the tasks (security groups {task_names}), so "
            f"they cannot reach {served}; fix: add an ingress rule tcp 443 from {task_names} or from the VPC "
            f"CIDR (Fn::GetAtt VPC.CidrBlock)"
        )
        yield finding("E9011", resolved[0], message, "SecurityGroupIngress")
