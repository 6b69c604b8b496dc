"""Can the tasks start? How each service reaches its registry, its logs and its secrets on a given network.

Decided when generating, so no stack is rendered whose tasks would stop at ``CannotPullContainerError`` or
``ResourceInitializationError``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import ConfigError
from .image import ECR_IMAGE_SOURCES, IMAGE_PULL_THROUGH_CACHE, IMAGE_THIRD_PARTY, ImageOptions
from .network import ECR_PULL_ENDPOINTS, ENDPOINT_PRESETS, ENDPOINTS, NetworkConfig
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
    if container.uses_secrets_manager:
        needs.append(ServiceNeed(f"{label}secrets (Secrets Manager)", ("secretsmanager",)))
    if container.uses_ssm:
        needs.append(ServiceNeed(f"{label}secrets (SSM Parameter Store)", ("ssm",)))
    return needs


def _route(need: ServiceNeed, network: NetworkConfig) -> Route | None:
    # Endpoints win over NAT when both exist: private DNS sends the traffic to them.
    if need.endpoints and all(e in network.endpoints for e in need.endpoints):
        return Route(need.what, f"VPC endpoints ({', '.join(need.endpoints)})")
    if network.has_nat:
        return Route(need.what, VIA_NAT)
    return None


def _endpoint_fix(network: NetworkConfig, needs: Sequence[ServiceNeed]) -> str | None:
    """Every endpoint the needs lack, named at once, and the smallest preset that holds them with those in place."""
    wanted = {endpoint for need in needs for endpoint in need.endpoints}
    missing = [e for e in ENDPOINTS if e in wanted and e not in network.endpoints]
    if not missing:
        return None
    after = {*network.endpoints, *missing}
    presets = sorted((len(c), name) for name, c in ENDPOINT_PRESETS.items() if c and after <= set(c))
    if presets:
        name = presets[0][1]
        held = ", ".join(ENDPOINT_PRESETS[name])
        return f'add endpoints {", ".join(missing)} (the preset endpoints = "{name}" holds {held})'
    listed = ", ".join(f'"{e}"' for e in ENDPOINTS if e in after)
    return f"add endpoints {', '.join(missing)} (endpoints = [{listed}])"


def _fixes(network: NetworkConfig, needs: Sequence[ServiceNeed]) -> str:
    """NAT, or everything that together serves the needs without it: the endpoints and the image changes."""
    without_nat = [fix for fix in (_endpoint_fix(network, needs),) if fix]
    if any(need.what.endswith(FIRST_CACHE_PULL) for need in needs):
        without_nat.append(
            "pull each image tag once through the cache from a machine with internet access (for example CI: docker "
            "pull <account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<repository>:<tag>) and set "
            "image.cache_prewarmed = true"
        )
    if any(need.third_party_image for need in needs):
        without_nat.append(
            "use image.source 'pull_through_cache' (an ECR pull-through cache) with endpoints s3, ecr.api, ecr.dkr"
        )
    return "; or ".join(["set nat_mode to per_az, single or regional", " and ".join(without_nat)])


def check_reachability(network: NetworkConfig, services: Sequence[ServiceConfig]) -> list[ServiceReachability]:
    """How each service reaches what it needs; ConfigError naming everything any service cannot reach, all at once,
    and the fixes that cover all of it."""
    results = []
    unreached: dict[str, list[ServiceNeed]] = {}
    for service in services:
        routes = []
        for need in needs_of(service):
            route = _route(need, network)
            if route is None:
                unreached.setdefault(service.name, []).append(need)
            else:
                routes.append(route)
        results.append(ServiceReachability(service.name, tuple(routes)))
    if unreached:
        endpoints = ", ".join(network.endpoints) or "none"
        what = "; ".join(
            f"service {name!r} cannot reach its {', '.join(need.what for need in needs)}"
            for name, needs in unreached.items()
        )
        every_need = [need for needs in unreached.values() for need in needs]
        raise ConfigError(
            f"nat_mode, endpoints: {what}: nat_mode is {network.nat_mode!r} and endpoints are [{endpoints}]; "
            f"fix: {_fixes(network, every_need)}"
        )
    return results
