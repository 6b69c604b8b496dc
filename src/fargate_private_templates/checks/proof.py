"""Which launchers are proven private, and the findings that keep a check proving nothing from looking like a pass.

A launcher is proven private when its tasks provably get only private IPs in private subnets: an awsvpc network
configuration, AssignPublicIp DISABLED (or absent) in every branch, at least one subnet, every subnet reference
resolved to a subnet of the given templates whose route tables show it private; and no rule found an error in what it
launches. What the tasks reach (registry, endpoints, security groups) is checked by the other rules: their warnings
(a transit gateway the checker does not follow, say) leave the launcher proven private. W9016 says why a launcher with
no error is not proven; E9017 fails a check that found no error but proved no launcher private, since it would
prove nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .report import Finding, LauncherProof
from .route_tables import ANYWHERE_V4, ANYWHERE_V6, describe
from .rulebook import ERROR, severity_of
from .values import ResourceRef, Unknown, Value
from .workloads import KINDS, Workload, World, awsvpc, awsvpc_unread, finding

# Unresolved references named in a reason, at most: the W9009 findings name every one.
SHOWN = 3
_STACK_VARIABLE = re.compile(r"\$\{([A-Za-z0-9]+)\}")


@dataclass
class Evidence:
    """What the checks of one workload found: its own findings and what leaves its privacy unproven."""

    workload: Workload
    findings: list[Finding] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    # Stack variables of the imports its subnets come from, for the hint of E9017.
    stacks: list[str] = field(default_factory=list)


def privacy_gaps(world: World, workload: Workload, subnets: list[ResourceRef], unresolved: list[Value]) -> list[str]:
    """Why the workload's tasks are not proven to get only private IPs in private subnets; empty if they are."""
    configuration = awsvpc(workload)
    if configuration is None:
        unread = awsvpc_unread(workload)
        return [f"its NetworkConfiguration cannot be read ({unread.reason})" if unread else "it has no awsvpc config"]
    gaps = []
    if "AssignPublicIp" in configuration.configuration:
        for value in world.resolver.scalar(workload.template, configuration.configuration["AssignPublicIp"]):
            if isinstance(value, Unknown):
                gaps.append(f"AssignPublicIp comes from {value.reason}")
    if unresolved:
        shown = "; ".join(describe(value, workload.template) for value in unresolved[:SHOWN])
        more = ", ..." if len(unresolved) > SHOWN else ""
        noun = "subnet reference is" if len(unresolved) == 1 else "subnet references are"
        gaps.append(f"{len(unresolved)} {noun} not resolved ({shown}{more})")
    elif not subnets:
        gaps.append("it names no subnets")
    for subnet in subnets:
        publicity = world.route_tables.publicity(subnet, (ANYWHERE_V4, ANYWHERE_V6))
        if publicity.public is None:
            gaps.append(f"whether subnet {subnet.name_from(workload.template)} is private is not known")
    return [workload.label + gap for gap in gaps]


def stack_variables(unresolved: Iterable[Value]) -> list[str]:
    """The stack variables (``${NetworkStackName}``) of the imports among unresolved values."""
    return [
        name
        for value in unresolved
        if isinstance(value, Unknown) and value.missing_import
        for name in _STACK_VARIABLE.findall(value.reason)
    ]


def prove(evidence: list[Evidence]) -> tuple[list[LauncherProof], list[Finding]]:
    """One proof per launcher, and W9016 for each unproven one with no error."""
    grouped: dict[tuple[ResourceRef, tuple[str | int, ...]], list[Evidence]] = {}
    for item in evidence:
        grouped.setdefault(item.workload.launcher, []).append(item)
    proofs: list[LauncherProof] = []
    findings: list[Finding] = []
    for (ref, path), items in grouped.items():
        errors = sorted({f.rule_id for item in items for f in item.findings if f.severity == ERROR})
        gaps = list(dict.fromkeys(gap for item in items for gap in item.gaps))
        reasons = [f"{rule_id} found" for rule_id in errors] + gaps
        proof = LauncherProof(ref.template, ref.logical_id, items[0].workload.kind, not reasons, tuple(reasons))
        proofs.append(proof)
        if gaps and not errors:
            message = f"{proof.kind} not proven private: {'; '.join(gaps)}"
            findings.append(finding("W9016", ref, message, *path))
    return proofs, findings


def nothing_proven(proofs: list[LauncherProof], unproven: list[Finding], evidence: list[Evidence]) -> list[Finding]:
    """E9017 on the first launcher W9016 names, when launchers exist and none is proven: a check that found no
    error would otherwise pass having proven nothing."""
    if not unproven or any(proof.proven for proof in proofs):
        return []
    stacks = list(dict.fromkeys(name for item in evidence for name in item.stacks))
    first = unproven[0]
    message = _nothing_proven(proofs, stacks)
    return [Finding(first.template, first.logical_id, "E9017", severity_of("E9017"), message, first.location)]


def _nothing_proven(proofs: list[LauncherProof], stacks: list[str]) -> str:
    kinds = [proof.kind for proof in proofs]
    counted = ", ".join(
        f"{kinds.count(kind)} {kind if kinds.count(kind) == 1 else plural}"
        for kind, plural in KINDS.items()
        if kind in kinds
    )
    stacks_named = ", ".join(f"${{{name}}}" for name in stacks)
    source = f"the template of each stack {stacks_named} names" if stacks else "the network template"
    return (
        f"no launcher is proven private ({counted}), so this check proves nothing (each W9016 says why): check the "
        f"templates together with those their subnets and imports come from ({source}, for example "
        "`check network.yaml service.yaml`), or give the subnets literally"
    )
