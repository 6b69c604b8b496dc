"""Run every rule over a set of templates joined through their exports and stack outputs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from ..render.loader import load_template
from .listeners import check_listener_rule_priorities
from .outputs import check_output_reads
from .queries import fronting_load_balancers, registry_outside_ecr, registry_unproven, task_subnets
from .report import CheckReport, EgressPath, Finding
from .resolve import Resolver
from .route_tables import RouteTables
from .rules import (
    check_assign_public_ip,
    check_imports,
    check_load_balancer,
    check_map_public_ip,
    check_task_security_groups,
    check_task_subnet,
    check_unreadable_exports,
)
from .task_paths import check_task_paths
from .values import ResourceRef, Value
from .workloads import SCHEDULED_TASK, SERVICE, SUBNET, World, workloads


def check_templates(paths: Sequence[str | Path]) -> CheckReport:
    """Load and check template files; a file that is not a template raises TemplateLoadError naming it."""
    return check_dicts({str(path): load_template(path) for path in paths})


def check_dicts(templates: Mapping[str, dict]) -> CheckReport:
    """Check templates given as name -> long-form dict; names appear in findings and paths."""
    resolver = Resolver(templates)
    world = World(resolver, RouteTables(resolver))
    tasks = workloads(resolver)
    findings: list[Finding] = []
    checked_subnets: list[ResourceRef] = []
    unresolved_subnets: set[tuple[str, Value]] = set()
    through: dict[ResourceRef, list[str]] = {}
    for workload in tasks:
        findings.extend(check_assign_public_ip(world, workload))
        subnets, unresolved_findings, unresolved = task_subnets(world, workload)
        findings.extend(unresolved_findings)
        unresolved_subnets.update((workload.template, value) for value in unresolved)
        pulls = registry_outside_ecr(resolver, workload)
        unproven = registry_unproven(resolver, workload)
        for subnet in subnets:
            findings.extend(check_task_subnet(world, workload, subnet, pulls, unproven))
        checked_subnets.extend(s for s in subnets if s not in checked_subnets)
        findings.extend(check_task_security_groups(world, workload))
        path_findings, groups = check_task_paths(world, workload, subnets)
        findings.extend(path_findings)
        for subnet, text in groups.items():
            through.setdefault(subnet, []).extend(t for t in [text] if t not in through.get(subnet, []))
    for load_balancer in fronting_load_balancers(world, tasks):
        findings.extend(check_load_balancer(world, load_balancer))
    for subnet in resolver.of_type(SUBNET):
        findings.extend(check_map_public_ip(world, subnet))
    for template in templates:
        findings.extend(check_imports(resolver, template))
        findings.extend(check_output_reads(resolver, template))
    findings.extend(check_unreadable_exports(resolver))
    findings.extend(check_listener_rule_priorities(resolver))
    paths = [
        EgressPath(subnet.template, subnet.logical_id, egress.text, "; ".join(through.get(subnet, [])))
        for subnet in checked_subnets
        for egress in world.route_tables.egress(subnet)
    ]
    # A Fn::If around a target gives two workloads at one path: still one scheduled task.
    counted = {kind: len({(w.ref, w.path) for w in tasks if w.kind == kind}) for kind in (SERVICE, SCHEDULED_TASK)}
    return CheckReport(
        _in_order(findings, list(templates)),
        paths,
        counted[SERVICE],
        len(checked_subnets),
        counted[SCHEDULED_TASK],
        subnets_unresolved=len(unresolved_subnets),
    )


def _in_order(findings: Iterable[Finding], templates: list[str]) -> list[Finding]:
    """Duplicates dropped (two workloads can share a subnet), then grouped by template and rule."""
    unique = list(dict.fromkeys(findings))
    return sorted(unique, key=lambda f: (templates.index(f.template), f.rule_id))
