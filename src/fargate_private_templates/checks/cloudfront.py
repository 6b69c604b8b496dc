"""E9021: in a CloudFront design CloudFront is the only way in. Every load balancer in front of a service is internal
and reached by a VPC origin that a distribution's origin uses.

A distribution among the given templates makes it a CloudFront design. Without one, an internal load balancer stays
valid (reached over a VPN or peering); which subnets a load balancer sits in is E9004's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from .report import Finding
from .resolve import Resolver
from .route_tables import describe
from .values import ResourceRef, literals
from .workloads import finding, nested_value

DISTRIBUTION = "AWS::CloudFront::Distribution"
VPC_ORIGIN = "AWS::CloudFront::VpcOrigin"
INTERNET_FACING = "internet-facing"


class VpcOriginLinks:
    """Which VPC origins point at which load balancers, which of them distributions use (and which distributions use
    each), and what could not be read: the checker's reading, which the diagram draws too."""

    def __init__(self, resolver: Resolver, distributions: list[ResourceRef]) -> None:
        self.origins_of: dict[ResourceRef, list[ResourceRef]] = defaultdict(list)
        self.users: dict[ResourceRef, list[ResourceRef]] = defaultdict(list)
        self.unread: list[str] = []
        for vpc_origin in resolver.of_type(VPC_ORIGIN):
            arn = nested_value(resolver.properties(vpc_origin), ("VpcOriginEndpointConfig", "Arn"))
            for value in resolver.scalar(vpc_origin.template, arn):
                if isinstance(value, ResourceRef):
                    self.origins_of[value].append(vpc_origin)
                else:
                    self.unread.append(f"the Arn of VPC origin {vpc_origin.logical_id} is {describe(value, '')}")
        for distribution in distributions:
            origins = nested_value(resolver.properties(distribution), ("DistributionConfig", "Origins"))
            for _, origin in resolver.mappings(distribution.template, origins):
                expression = nested_value(origin, ("VpcOriginConfig", "VpcOriginId"))
                for value in resolver.scalar(distribution.template, expression) if expression is not None else ():
                    if resolver.is_type(value, VPC_ORIGIN):
                        self.users[value].append(distribution)
                    else:
                        where = f"a VpcOriginId of distribution {distribution.logical_id}"
                        self.unread.append(f"{where} is {describe(value, distribution.template)}")


def check_cloudfront_origins(resolver: Resolver, load_balancers: list[ResourceRef]) -> Iterator[Finding]:
    """E9021 for each load balancer in front of a service that is internet-facing, or that no VPC origin used by a
    distribution reaches, when the templates hold a distribution; W9009 instead when a link could not be read."""
    distributions = list(resolver.of_type(DISTRIBUTION))
    if not distributions:
        return
    links = VpcOriginLinks(resolver, distributions)
    for load_balancer in load_balancers:
        names = [d.name_from(load_balancer.template) for d in distributions]
        named = f"distribution{'s' if len(names) > 1 else ''} {', '.join(names)}"
        scheme = resolver.properties(load_balancer).get("Scheme", INTERNET_FACING)
        schemes = literals(resolver.scalar(load_balancer.template, scheme))
        if INTERNET_FACING in schemes:
            message = (
                f"is internet-facing beside CloudFront {named}: viewers can reach it around the "
                "distribution, its web ACL and its TLS policy; make it internal, in the private subnets, behind a "
                "VPC origin"
            )
            yield finding("E9021", load_balancer, message, "Scheme")
        elif schemes:
            yield from _unreached(load_balancer, links, named)


def _unreached(load_balancer: ResourceRef, links: VpcOriginLinks, named: str) -> Iterator[Finding]:
    origins = links.origins_of.get(load_balancer, [])
    if any(origin in links.users for origin in origins):
        return
    if links.unread:
        message = f"cannot tell whether a VPC origin of {named} reaches it: {'; '.join(links.unread)}"
        yield finding("W9009", load_balancer, message)
    elif origins:
        names = ", ".join(o.name_from(load_balancer.template) for o in origins)
        message = (
            f"is reached by VPC origin {names}, but no distribution uses it (VpcOriginConfig.VpcOriginId of an "
            f"origin of {named}): nothing reaches the service"
        )
        yield finding("E9021", load_balancer, message)
    else:
        message = (
            f"is internal, but no VPC origin (AWS::CloudFront::VpcOrigin) points at it, so {named} cannot reach it"
        )
        yield finding("E9021", load_balancer, message)
