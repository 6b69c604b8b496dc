"""Run every rule over a set of templates joined through their exports, stack outputs and nested stacks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from .capacity import check_capacity_providers
from .cloudfront import check_cloudfront_origins
from .launchers import find_launchers
from .listeners import check_listener_rule_priorities
from .outputs import check_output_reads
from .proof import Evidence, nothing_proven, privacy_gaps, prove, stack_variables
from .queries import fronting_load_balancers, registry_outside_ecr, registry_unproven, task_subnets
from .report import CheckReport, EgressPath, Finding
from .resolve import Resolver
from .route_tables import RouteTables
from .rulebook import ERROR
from .rules import (
    check_assign_public_ip,
    check_imports,
    check_load_balancer,
    check_map_public_ip,
    check_task_security_groups,
    check_task_subnet,
    check_unreadable_exports,
    needs_own_awsvpc,
)
from .sources import read_sources
from .task_paths import check_task_paths
from .values import ResourceRef, Value
from .workloads import SUBNET, Workload, World, awsvpc, awsvpc_unread


def check_templates(paths: Sequence[str | Path]) -> CheckReport:
    """Load and check template files, a folder's templates in name order, and the templates nested stacks name by a
    relative path; a file that is not a template raises TemplateLoadError naming it."""
    sources = read_sources(paths)
    report = check_dicts(sources.templates)
    report.sources = sources.texts
    report.skipped = sources.skipped
    return report


def check_dicts(templates: Mapping[str, dict]) -> CheckReport:
    """Check templates given as name -> long-form dict; names appear in findings and paths."""
    resolver = Resolver(templates)
    world = World(resolver, RouteTables(resolver))
    launchers = find_launchers(resolver)
    tasks = [workload for workload in launchers.workloads if _launches_tasks(resolver, workload)]
    findings: list[Finding] = list(launchers.findings)
    evidence: list[Evidence] = []
    checked_subnets: list[ResourceRef] = []
    unresolved_subnets: set[tuple[str, Value]] = set()
    through: dict[ResourceRef, list[str]] = {}
    for workload in tasks:
        own = list(check_assign_public_ip(world, workload))
        subnets, unresolved_findings, unresolved = task_subnets(world, workload)
        own.extend(unresolved_findings)
        unresolved_subnets.update((workload.template, value) for value in unresolved)
        pulls = registry_outside_ecr(resolver, workload)
        unproven = registry_unproven(resolver, workload)
        for subnet in subnets:
            own.extend(check_task_subnet(world, workload, subnet, pulls, unproven))
        checked_subnets.extend(s for s in subnets if s not in checked_subnets)
        own.extend(check_task_security_groups(world, workload))
        own.extend(check_capacity_providers(resolver, workload))
        path_findings, groups = check_task_paths(world, workload, subnets)
        own.extend(path_findings)
        for subnet, text in groups.items():
            through.setdefault(subnet, []).extend(t for t in [text] if t not in through.get(subnet, []))
        findings.extend(own)
        gaps = privacy_gaps(world, workload, subnets, unresolved)
        evidence.append(Evidence(workload, own, gaps, stack_variables(unresolved)))
    fronting = fronting_load_balancers(world, tasks)
    for load_balancer in fronting:
        findings.extend(check_load_balancer(world, load_balancer))
    findings.extend(check_cloudfront_origins(resolver, fronting))
    for subnet in resolver.of_type(SUBNET):
        findings.extend(check_map_public_ip(world, subnet))
    for template in templates:
        findings.extend(check_imports(resolver, template))
        findings.extend(check_output_reads(resolver, template))
    findings.extend(check_unreadable_exports(resolver))
    findings.extend(check_listener_rule_priorities(resolver))
    proofs, unproven = prove(evidence)
    findings.extend(unproven)
    if not any(f.severity == ERROR for f in findings):
        findings.extend(nothing_proven(proofs, unproven, evidence))
    paths = [
        EgressPath(subnet.template, subnet.logical_id, egress.text, "; ".join(through.get(subnet, [])))
        for subnet in checked_subnets
        for egress in world.route_tables.egress(subnet)
    ]
    return CheckReport(
        _in_order(findings, list(templates)),
        paths,
        proofs,
        len(checked_subnets),
        subnets_unresolved=len(unresolved_subnets),
    )


def _launches_tasks(resolver: Resolver, workload: Workload) -> bool:
    """Whether the workload starts tasks the checks apply to: not a service whose task sets carry the network
    configuration (EXTERNAL deployment controller), nor one on EC2 without awsvpc."""
    return awsvpc(workload) is not None or awsvpc_unread(workload) is not None or needs_own_awsvpc(resolver, workload)


def _in_order(findings: Iterable[Finding], templates: list[str]) -> list[Finding]:
    """Duplicates dropped (two workloads can share a subnet), then grouped by template and rule."""
    unique = list(dict.fromkeys(findings))
    return sorted(unique, key=lambda f: (templates.index(f.template), f.rule_id))
