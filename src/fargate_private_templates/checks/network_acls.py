"""Network ACLs of task subnets (E9012) and VPC DNS for private DNS names (E9013) on the path of each need."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .report import Finding
from .resolve import Resolver
from .security_groups import HTTPS, VPC, Destination, Verdict, covers_internet, covers_subnets, port_verdict
from .values import Literal, ResourceRef, Unknown, Value
from .workloads import World, finding, unresolved

NETWORK_ACL_ASSOCIATION = "AWS::EC2::SubnetNetworkAclAssociation"
NETWORK_ACL_ENTRY = "AWS::EC2::NetworkAclEntry"
# Return traffic of a task's connection comes back to its ephemeral port; AWS recommends allowing 1024-65535 in
# network ACLs to cover every client: https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html
EPHEMERAL = (1024, 65535)


# --- E9012: network ACLs on task subnets ---------------------------------------------------------------------


def network_acls(resolver: Resolver, subnet: ResourceRef) -> list[Value]:
    """The network ACLs associated with the subnet in the given templates (none: the VPC default ACL, allow all)."""
    acls: list[Value] = []
    for association in resolver.pointing_to(NETWORK_ACL_ASSOCIATION, "SubnetId", subnet):
        acls.extend(resolver.scalar(association.template, resolver.properties(association).get("NetworkAclId")))
    return acls


def _acl_entries(resolver: Resolver, acl: ResourceRef, egress: bool) -> list[tuple[str, dict]]:
    entries = []
    for entry in resolver.pointing_to(NETWORK_ACL_ENTRY, "NetworkAclId", acl):
        properties = resolver.properties(entry)
        if (str(properties.get("Egress", False)).lower() == "true") == egress:
            entries.append((entry.template, properties))
    return sorted(entries, key=lambda item: _rule_number(item[1]))


def _rule_number(entry: dict) -> int:
    try:
        return int(entry.get("RuleNumber"))
    except (TypeError, ValueError):
        return 32767


def _entry_port(entry: dict, port: int) -> Verdict:
    protocol = str(entry.get("Protocol", "")).lower()
    if protocol == "-1":
        return Verdict(True)
    if protocol not in ("6", "tcp"):
        return Verdict(False)
    port_range = entry.get("PortRange") or {}
    rule = {"IpProtocol": "tcp", "FromPort": port_range.get("From"), "ToPort": port_range.get("To")}
    return port_verdict(rule, port)


def _acl_verdict(world: World, acl: ResourceRef, egress: bool, port: int, destination: Destination) -> Verdict:
    """The first entry (lowest rule number) matching port and destination decides; none matching denies."""
    for template, entry in _acl_entries(world.resolver, acl, egress):
        if not _entry_port(entry, port).allowed:
            continue
        if destination.kind == "endpoint":
            covered = covers_subnets(world, template, entry.get("CidrBlock"), destination.subnets)
        else:
            covered = covers_internet(world, template, entry.get("CidrBlock"))
        if covered.allowed is None:
            return covered
        if covered.allowed:
            action = str(entry.get("RuleAction", "")).lower()
            return Verdict(action == "allow", f"rule {entry.get('RuleNumber')} {action}s it")
    return Verdict(False, "no entry allows it (the final * rule denies)")


def check_network_acl(world: World, subnet: ResourceRef, places: list[Destination]) -> Iterator[Finding]:
    """E9012 when a task subnet's ACL blocks TCP 443 out to where the tasks' needs go, or the ephemeral ports back;
    one finding per ACL, direction and port stretch, naming every place it cuts off."""
    for acl in network_acls(world.resolver, subnet):
        if not isinstance(acl, ResourceRef):
            yield from unresolved(subnet, "the network ACL of this task subnet", acl)
            continue
        name = subnet.name_from(acl.template)
        stretches = _stretches(world, acl)
        checks = [(True, HTTPS, "443")] + [(False, low, f"{low}-{high}") for low, high in stretches]
        for egress, port, ports in checks:
            blocked: list[tuple[Destination, Verdict]] = []
            for place in places:
                verdict = _acl_verdict(world, acl, egress, port, place)
                what = f"TCP {ports} {'out to' if egress else 'back from'} {place.name}"
                if verdict.allowed is None:
                    message = f"cannot tell whether it passes {what} for task subnet {name}: {verdict.why}"
                    yield finding("W9009", acl, message)
                elif not verdict.allowed:
                    blocked.append((place, verdict))
            if blocked:
                targets = ", ".join(place.name for place, _ in blocked)
                cidr = "0.0.0.0/0" if any(place.kind != "endpoint" for place, _ in blocked) else "the VPC CIDR"
                entry = (
                    "an outbound allow entry tcp 443 to"
                    if egress
                    else (f"an inbound allow entry tcp {EPHEMERAL[0]}-{EPHEMERAL[1]} from")
                )
                message = (
                    f"network ACL of task subnet {name} blocks TCP {ports} {'out to' if egress else 'back from'} "
                    f"{targets} ({blocked[0][1].why}); fix: add {entry} {cidr} before any deny"
                )
                yield finding("E9012", acl, message)


def _stretches(world: World, acl: ResourceRef) -> list[tuple[int, int]]:
    """The ephemeral range cut where an inbound entry starts or ends: one verdict holds over each stretch."""
    points = _ports(world, acl)
    return [(low, high - 1) for low, high in zip(points, [*points[1:], EPHEMERAL[1] + 1], strict=True)]


def _ports(world: World, acl: ResourceRef) -> list[int]:
    """One port per stretch of the ephemeral range over which no inbound entry starts or ends."""
    points = {EPHEMERAL[0]}
    for _, entry in _acl_entries(world.resolver, acl, egress=False):
        port_range = entry.get("PortRange") or {}
        for edge in (port_range.get("From"), _plus_one(port_range.get("To"))):
            if isinstance(edge, int) and EPHEMERAL[0] < edge <= EPHEMERAL[1]:
                points.add(edge)
    return sorted(points)


def _plus_one(value: Any) -> int | None:
    try:
        return int(value) + 1
    except (TypeError, ValueError):
        return None


# --- E9013: DNS for private DNS names ------------------------------------------------------------------------


def check_private_dns(world: World, places: list[Destination]) -> Iterator[Finding]:
    """E9013 when the VPC of interface endpoints with private DNS lacks DNS support or DNS hostnames.

    https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html: private DNS needs both."""
    resolver = world.resolver
    by_vpc: dict[ResourceRef, list[str]] = {}
    for place in places:
        if place.endpoint is not None:
            for vpc in sorted(world.route_tables.vpcs(place.endpoint), key=str):
                if resolver.is_type(vpc, VPC):
                    by_vpc.setdefault(vpc, []).append(place.name)
    for vpc, endpoints in by_vpc.items():
        properties = resolver.properties(vpc)
        # EnableDnsSupport defaults to true, EnableDnsHostnames to false outside the default VPC.
        for key, default in (("EnableDnsSupport", True), ("EnableDnsHostnames", False)):
            values = resolver.scalar(vpc.template, properties.get(key, default))
            if any(isinstance(v, Unknown) for v in values):
                yield from unresolved(vpc, key, next(v for v in values if isinstance(v, Unknown)), key)
            elif any(str(v.value).lower() != "true" for v in values if isinstance(v, Literal)):
                message = (
                    f"has {key} off, but the tasks use interface endpoints with private DNS on "
                    f"({', '.join(endpoints)}): they resolve the services' public names and miss the endpoints; "
                    f"fix: set {key} true"
                )
                yield finding("E9013", vpc, message, key)
