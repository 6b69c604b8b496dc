"""Refuse templates that use a feature where the availability table does not document it: where the documentation
says it is missing (``no``), and where we found nothing that settles it (``unknown``).

Features are read from the rendered templates, not from the config, so a feature added to any layer is covered as
soon as its row and its detector below exist.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from troposphere import Template

from ..errors import ConfigError
from .availability import BY_KEY, NO, PQ_TLS_POLICY, YES


def _literals(value: Any) -> Iterator[Any]:
    """Every literal below ``value``, Fn::If branches included."""
    if isinstance(value, dict):
        for child in value.values():
            yield from _literals(child)
    elif isinstance(value, list):
        for child in value:
            yield from _literals(child)
    else:
        yield value


def _has(value: Any, wanted: str) -> bool:
    return any(isinstance(v, str) and v.lower() == wanted.lower() for v in _literals(value))


def features_used(template: Mapping[str, Any]) -> list[str]:
    """Keys of the availability rows a template dict uses, in table order."""
    found: set[str] = set()
    for resource in (template.get("Resources") or {}).values():
        kind, properties = resource.get("Type"), resource.get("Properties") or {}
        if kind == "AWS::EC2::NatGateway" and _has(properties.get("AvailabilityMode"), "regional"):
            found.add("regional_nat")
        if kind == "AWS::ElasticLoadBalancingV2::Listener" and _has(properties.get("SslPolicy"), PQ_TLS_POLICY):
            found.add("pq_tls_policy")
        # A service that places tasks on Spot uses it; a cluster merely offering it does not (every cluster the
        # project creates offers it under a partition condition, see layers/blocks/capacity.py).
        if kind == "AWS::ECS::Service" and _has(properties.get("CapacityProviderStrategy"), "FARGATE_SPOT"):
            found.add("fargate_spot")
        if kind == "AWS::ECS::TaskDefinition" and _has(properties.get("RuntimePlatform"), "ARM64"):
            found.add("arm64")
        if kind == "AWS::ECS::Service" and True in _literals(properties.get("EnableExecuteCommand")):
            found.add("ecs_exec")
        if kind == "AWS::ECS::Cluster" and any(
            _has(s.get("Name"), "containerInsights") and not _has(s.get("Value"), "disabled")
            for s in properties.get("ClusterSettings") or []
            if isinstance(s, dict)
        ):
            found.add("container_insights")
        if kind == "AWS::ECR::PullThroughCacheRule":
            ecr_public = _has(properties.get("UpstreamRegistry"), "ecr-public")
            found.add("pull_through_cache_ecr_public" if ecr_public else "pull_through_cache")
        if kind == "AWS::CloudFormation::GuardHook":
            found.add("guard_hook")
        if kind == "AWS::CloudFront::VpcOrigin":
            found.add("cloudfront_vpc_origin")
    return [key for key in BY_KEY if key in found]


def check_regions_support(stacks: Mapping[str, Template | Mapping[str, Any]], regions: Sequence[str]) -> None:
    """ConfigError naming the file, feature, Region and source for the first feature not documented as available in
    one of ``regions`` (documented as missing, or not settled by any documentation we found)."""
    for filename, stack in stacks.items():
        template = stack.to_dict() if isinstance(stack, Template) else stack
        for key in features_used(template):
            feature = BY_KEY[key]
            for region in regions:
                status = feature.status_in(region)
                if status != YES:
                    why = "not available" if status == NO else "not documented as available"
                    raise ConfigError(
                        f"regions: {filename} uses the {feature.name}, which is {why} in {region} "
                        f"(source: {feature.source}); drop {region} from regions or the feature from the config"
                    )


def deployable_regions(template: Mapping[str, Any], regions: Sequence[str]) -> tuple[str, ...]:
    """The Regions among ``regions`` where no feature of the template is documented as missing."""
    used = [BY_KEY[key] for key in features_used(template)]
    return tuple(r for r in regions if all(feature.status_in(r) != NO for feature in used))
