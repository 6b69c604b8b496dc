"""Can the tasks start? How each service reaches its registry, its logs and its secrets on a given network.

Decided when generating, so no stack is rendered whose tasks would stop at ``CannotPullContainerError`` or
``ResourceInitializationError``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import ConfigError
from .image import ECR_IMAGE_SOURCES, IMAGE_PULL_THROUGH_CACHE, IMAGE_THIRD_PARTY, ImageOptions
from .network import ECR_PULL_ENDPOINTS, NetworkConfig
from .service import ContainerOptions, ServiceConfig
from .sidecars import SidecarOptions

VIA_NAT = "NAT gateway"
FIRST_CACHE_PULL = "first pull through the pull-through cache (ECR imports the image from upstream)"


@dataclass(frozen=True)
class ServiceNeed:
    """One thing a task must reach, and the endpoints that reach it without NAT."""

    what: str
    endpoints: tuple[str, ...]  # empty: only the internet (NAT) reaches it
    third_party_image: bool = False  # an image from a registry outside AWS


@dataclass(frozen=True)
class Route:
    what: str
    via: str  # "NAT gateway" or "VPC endpoints (ecr.api, ecr.dkr, s3)"


@dataclass(frozen=True)
class ServiceReachability:
    service: str
    routes: tuple[Route, ...]

    def describe(self) -> str:
        return f"{self.service}: " + "; ".join(f"{r.what} via {r.via}" for r in self.routes)


def needs_of(service: ServiceConfig) -> list[ServiceNeed]:
    """What the service's tasks reach at start-up (and for ECS Exec), in the order ECS reaches them."""
    needs = _container_needs(service.image, service.container, "")
    for sidecar in service.sidecars:
        needs += _container_needs(sidecar.image, sidecar, f"sidecar {sidecar.name}: ")
    needs.append(ServiceNeed("logs (CloudWatch Logs)", ("logs",)))
    if service.enable_exec:
        needs.append(ServiceNeed("ECS Exec (SSM messages)", ("ssmmessages",)))
    return needs


def _container_needs(
    image: ImageOptions, container: ContainerOptions | SidecarOptions, label: str
) -> list[ServiceNeed]:
    """What one container's start needs; ``label`` names a sidecar."""
    needs = []
    if image.source in ECR_IMAGE_SOURCES:
        needs.append(ServiceNeed(f"{label}image ({image.source})", ECR_PULL_ENDPOINTS))
    if image.source == IMAGE_PULL_THROUGH_CACHE and not image.cache_prewarmed:
        # ECR documents that the first pull of an image through a cache rule, over interface endpoints, needs NAT.
        needs.append(ServiceNeed(f"{label}{FIRST_CACHE_PULL}", ()))
    elif image.source == IMAGE_THIRD_PARTY:
        needs.append(ServiceNeed(f"{label}image (third-party registry)", (), third_party_image=True))
        if image.credentials_secret_arn:
            needs.append(ServiceNeed(f"{label}registry credentials (Secrets Manager)", ("secretsmanager",)))
    if container.secrets_manager_arns:
        needs.append(ServiceNeed(f"{label}secrets (Secrets Manager)", ("secretsmanager",)))
    if container.ssm_parameter_arns:
        needs.append(ServiceNeed(f"{label}secrets (SSM Parameter Store)", ("ssm",)))
    return needs


def _route(need: ServiceNeed, network: NetworkConfig) -> Route | None:
    # Endpoints win over NAT when both exist: private DNS sends the traffic to them.
    if need.endpoints and all(e in network.endpoints for e in need.endpoints):
        return Route(need.what, f"VPC endpoints ({', '.join(need.endpoints)})")
    if network.has_nat:
        return Route(need.what, VIA_NAT)
    return None


def _fixes(need: ServiceNeed, service: ServiceConfig) -> str:
    fixes = ["set nat_mode to per_az, single or regional"]
    if need.endpoints:
        fixes.append(f"add endpoints {', '.join(need.endpoints)}")
    if need.what.endswith(FIRST_CACHE_PULL):
        fixes.append(
            "pull each image tag once through the cache from a machine with internet access (for example CI: docker "
            "pull <account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<repository>:<tag>) and set "
            "image.cache_prewarmed = true"
        )
    if need.third_party_image:
        fixes.append(
            "use image.source 'pull_through_cache' (an ECR pull-through cache) with endpoints s3, ecr.api, ecr.dkr"
        )
    return "; or ".join(fixes)


def check_reachability(network: NetworkConfig, services: Sequence[ServiceConfig]) -> list[ServiceReachability]:
    """How each service reaches what it needs; ConfigError naming the first thing one cannot reach and the fixes."""
    results = []
    for service in services:
        routes = []
        for need in needs_of(service):
            route = _route(need, network)
            if route is None:
                endpoints = ", ".join(network.endpoints) or "none"
                raise ConfigError(
                    f"nat_mode, endpoints: service {service.name!r} cannot reach its {need.what}: nat_mode is "
                    f"{network.nat_mode!r} and endpoints are [{endpoints}]; fix: {_fixes(need, service)}"
                )
            routes.append(route)
        results.append(ServiceReachability(service.name, tuple(routes)))
    return results
