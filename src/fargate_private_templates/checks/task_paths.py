"""Each task subnet's path checked need by need: a route (E9014), then security groups, network ACLs and DNS."""

from __future__ import annotations

from collections import defaultdict

from .needs import check_needs, task_needs
from .network_acls import check_network_acl, check_private_dns
from .report import Finding
from .route_tables import ANYWHERE_V4, ANYWHERE_V6
from .security_groups import (
    Destination,
    check_egress,
    check_endpoint_ingress,
    destinations,
    task_groups,
)
from .values import ResourceRef
from .workloads import Workload, World


def check_task_paths(
    world: World, workload: Workload, subnets: list[ResourceRef]
) -> tuple[list[Finding], dict[ResourceRef, str]]:
    """Findings, and per subnet the security groups its traffic goes through (for the path lines)."""
    needs = task_needs(world.resolver, workload)
    groups, all_known = task_groups(world, workload)
    findings: list[Finding] = []
    through: dict[ResourceRef, str] = {}
    for subnet in subnets:
        # A public subnet is E9002, an unknown one W9009: its path is not the question.
        if world.route_tables.publicity(subnet, (ANYWHERE_V4, ANYWHERE_V6)).public is not False:
            continue
        targets: dict[str, list[str]] = defaultdict(list)
        for egress in world.route_tables.egress(subnet):
            findings.extend(check_needs(workload, subnet, egress, needs))
            places = destinations(world, subnet, egress, needs)
            if all_known:
                findings.extend(check_egress(world, groups, places))
                findings.extend(check_endpoint_ingress(world, groups, (subnet,), places))
            findings.extend(check_network_acl(world, subnet, places))
            findings.extend(check_private_dns(world, places))
            for place in places:
                targets[_target(subnet, place)].extend(place.services)
        if targets and groups:
            task_names = " + ".join(g.name_from(subnet.template) for g in groups)
            ways = [f"{target} ({', '.join(services)})" if services else target for target, services in targets.items()]
            through[subnet] = f"security groups {task_names} -> {', '.join(ways)}"
    return findings, through


def _target(subnet: ResourceRef, destination: Destination) -> str:
    names = [g.name_from(subnet.template) for g in destination.groups if isinstance(g, ResourceRef)]
    return " + ".join(names) if names else destination.name
