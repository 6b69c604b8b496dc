"""E9018 and W9019: a capacity provider strategy names only capacity providers its cluster has.

"A capacity provider must be associated with a cluster before it can be ... used in a capacity provider strategy
when calling the CreateService or RunTask actions" (ECS API reference, CreateCluster ``capacityProviders``:
https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/ecs/aws.sdk.kotlin.services.ecs.model/-create-cluster-request/capacity-providers.html
, quoted in the research notes of issue 22, Q1), so a strategy naming FARGATE_SPOT on a cluster without it fails. A
cluster in the given templates has what its ``CapacityProviders`` and its ``DefaultCapacityProviderStrategy`` name,
and what each ``AWS::ECS::ClusterCapacityProviderAssociations`` naming it adds:
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecs-clustercapacityproviderassociations.html

Fn::If branches are followed with the conditions they hold under. A provider the cluster has only under a condition
(FARGATE_SPOT where the partition has it) is fine for a strategy under the same condition, an error for a strategy
under the opposite one, and W9019 for a strategy under no such condition: it fails in the deployments where the
condition is false. Conditions of two templates are the same when their definitions are and read only pseudo
parameters (the partition, the Region): stacks that import from each other share them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .intrinsics import if_arguments, intrinsic, walk
from .report import Finding
from .resolve import Resolver
from .values import NO_VALUE, Literal, ResourceRef, Unknown
from .workloads import Workload

CLUSTER = "AWS::ECS::Cluster"
ASSOCIATIONS = "AWS::ECS::ClusterCapacityProviderAssociations"
# How deep a condition's Condition references are expanded when comparing definitions.
MAX_CONDITION_DEPTH = 16


@dataclass(frozen=True)
class Condition:
    """A template condition, told apart by ``identity``: its definition when that reads only pseudo parameters."""

    identity: Any
    name: str = field(compare=False)


Holds = frozenset[tuple[Condition, bool]]


def _expanded(conditions: dict, definition: Any, depth: int = 0) -> Any:
    """A condition's definition with each ``{"Condition": name}`` replaced by that condition's definition."""
    if depth > MAX_CONDITION_DEPTH:
        return None
    if isinstance(definition, dict) and set(definition) == {"Condition"} and isinstance(definition["Condition"], str):
        return _expanded(conditions, conditions.get(definition["Condition"]), depth + 1)
    if isinstance(definition, dict):
        return {key: _expanded(conditions, value, depth + 1) for key, value in definition.items()}
    if isinstance(definition, list):
        return [_expanded(conditions, value, depth + 1) for value in definition]
    return definition


def _pseudo_only(definition: Any) -> bool:
    references: list[Any] = []
    for _, node in walk(definition):
        function = intrinsic(node)
        if function and function[0] not in ("Ref", "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or"):
            return False
        if function and function[0] == "Ref":
            references.append(function[1])
    return all(isinstance(name, str) and name.startswith("AWS::") for name in references) and definition is not None


def condition(resolver: Resolver, template: str, name: str) -> Condition:
    conditions = resolver.templates[template].get("Conditions")
    conditions = conditions if isinstance(conditions, dict) else {}
    definition = _expanded(conditions, conditions.get(name))
    if _pseudo_only(definition):
        return Condition(("defined", json.dumps(definition, sort_keys=True, default=str)), name)
    return Condition(("named", template, name), name)


def _branches(resolver: Resolver, template: str, expression: Any, holds: Holds) -> Iterator[tuple[Any, Holds]]:
    """The expression's Fn::If branches, each with the conditions it holds under."""
    function = intrinsic(expression)
    branches = if_arguments(function[1]) if function and function[0] == "Fn::If" else None
    if function and branches and isinstance(function[1][0], str):
        named = condition(resolver, template, function[1][0])
        for branch, value in zip(branches, (True, False), strict=True):
            yield from _branches(resolver, template, branch, holds | {(named, value)})
    else:
        yield expression, holds


def _resource_holds(resolver: Resolver, ref: ResourceRef) -> Holds:
    """The conditions a resource exists under: its Condition attribute."""
    name = resolver.resources(ref.template)[ref.logical_id].get("Condition")
    return frozenset({(condition(resolver, ref.template, name), True)}) if isinstance(name, str) else frozenset()


def _names(resolver: Resolver, template: str, items: Any, holds: Holds) -> Iterator[tuple[str | Unknown, Holds]]:
    """The provider names a list (or one name) spells, with the conditions of each."""
    for listed, list_holds in _branches(resolver, template, items, holds):
        for item in listed if isinstance(listed, list) else [listed]:
            for value, item_holds in _branches(resolver, template, item, list_holds):
                for resolved in resolver.scalar(template, value):
                    if isinstance(resolved, Literal) and isinstance(resolved.value, str):
                        yield resolved.value, item_holds
                    elif resolved != NO_VALUE:
                        reason = resolved.reason if isinstance(resolved, Unknown) else str(resolved)
                        yield Unknown(reason), item_holds


def _strategy(resolver: Resolver, template: str, strategy: Any, holds: Holds) -> Iterator[tuple[int, Any, Holds]]:
    """(position, CapacityProvider expression, conditions) of each item of a capacity provider strategy."""
    for listed, list_holds in _branches(resolver, template, strategy, holds):
        for position, item in enumerate(listed if isinstance(listed, list) else []):
            for entry, entry_holds in _branches(resolver, template, item, list_holds):
                if isinstance(entry, dict) and not intrinsic(entry) and "CapacityProvider" in entry:
                    yield position, entry["CapacityProvider"], entry_holds


def associated(resolver: Resolver, cluster: ResourceRef) -> list[tuple[str | Unknown, Holds]]:
    """Every capacity provider the cluster has, with the conditions it has it under."""
    found: list[tuple[str | Unknown, Holds]] = []
    owners = [cluster, *resolver.pointing_to(ASSOCIATIONS, "Cluster", cluster)]
    for owner in owners:
        properties = resolver.properties(owner)
        holds = _resource_holds(resolver, owner) if owner != cluster else frozenset()
        found.extend(_names(resolver, owner.template, properties.get("CapacityProviders"), holds))
        default = properties.get("DefaultCapacityProviderStrategy")
        for _, provider, provider_holds in _strategy(resolver, owner.template, default, holds):
            found.extend(_names(resolver, owner.template, provider, provider_holds))
    return found


def _contradicts(needed: Holds, holds: Holds) -> bool:
    return any((named, not value) in holds for named, value in needed)


def _said(holds: Holds) -> str:
    return " and ".join(f"condition {named.name} is {str(value).lower()}" for named, value in sorted(holds, key=str))


def check_capacity_providers(resolver: Resolver, workload: Workload) -> Iterator[Finding]:
    strategy = workload.parameters.get("CapacityProviderStrategy")
    if strategy is None:
        return
    clusters = [c for c in resolver.scalar(workload.template, workload.cluster) if resolver.is_type(c, CLUSTER)]
    holds = _resource_holds(resolver, workload.ref)
    for cluster in dict.fromkeys(clusters):
        has = associated(resolver, cluster)
        name = cluster.name_from(workload.template)
        for position, provider, item_holds in _strategy(resolver, workload.template, strategy, holds):
            location = ("CapacityProviderStrategy", position, "CapacityProvider")
            for wanted, wanted_holds in _names(resolver, workload.template, provider, item_holds):
                verdict = _verdict(has, wanted, wanted_holds, name)
                if verdict is not None:
                    yield workload.finding(*verdict, *location)


def _verdict(
    has: list[tuple[str | Unknown, Holds]], wanted: str | Unknown, holds: Holds, cluster: str
) -> tuple[str, str] | None:
    if isinstance(wanted, Unknown):
        return "W9009", f"cannot tell which capacity provider the strategy names: {wanted.reason}"
    matching = [needed for provider, needed in has if provider == wanted]
    if any(needed <= holds for needed in matching):
        return None
    possible = [needed for needed in matching if not _contradicts(needed, holds)]
    if possible:
        return "W9019", (
            f"names capacity provider {wanted}, which cluster {cluster} has only when {_said(possible[0])}: where "
            "that does not hold, ECS refuses the strategy and the stack fails; put the strategy under the same "
            f"condition, or give the cluster {wanted} in every deployment"
        )
    unknown = [provider.reason for provider, _ in has if isinstance(provider, Unknown)]
    if unknown:
        return "W9009", f"cannot tell whether cluster {cluster} has capacity provider {wanted}: it names {unknown[0]}"
    return "E9018", (
        f"names capacity provider {wanted}, which cluster {cluster} does not have (in its CapacityProviders, its "
        "default strategy or a ClusterCapacityProviderAssociations): ECS refuses a strategy naming a capacity "
        f"provider not associated with the cluster, so the stack fails; add {wanted} to the cluster's "
        "CapacityProviders"
    )
