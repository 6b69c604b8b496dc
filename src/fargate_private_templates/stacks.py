"""A network and the services meant for it, built together: refused when a service's tasks could not start."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from troposphere import Template

from .config import ConfigError, FrontDoorConfig, NetworkConfig, ServiceConfig, check_reachability, read_config
from .config.priorities import assign_priorities
from .layers import build_front_door, build_network, build_registry, build_service
from .regions.features import check_regions_support
from .regions.partitions import check_regions

NETWORK_FILE = "network.yaml"
FRONT_DOOR_FILE = "ingress.yaml"
REGISTRY_FILE = "registry.yaml"


def service_file(service: ServiceConfig) -> str:
    return f"service-{service.name}.yaml"


def build_stacks(
    network: NetworkConfig,
    services: Sequence[ServiceConfig],
    front_door: FrontDoorConfig | None = None,
    regions: Sequence[str] = (),
) -> dict[str, Template]:
    """File name -> template: ``network.yaml``, ``ingress.yaml`` with a shared front door, and one
    ``service-<name>.yaml`` per service. Services on a shared front door get listener rule priorities here.
    ``regions``, where given, are the Regions the stacks will be deployed to: a feature documented as missing in one
    of them is refused (README, "Partitions and Regions")."""
    regions = check_regions("regions", regions)
    seen: set[str] = set()
    for service in services:
        if service.name in seen:
            raise ConfigError(f"name: {service.name!r} is used by two services; each service needs its own name")
        seen.add(service.name)
    check_reachability(network, services)
    services = assign_priorities(services)
    stacks = {NETWORK_FILE: build_network(network)}
    if front_door is not None:
        stacks[FRONT_DOOR_FILE] = build_front_door(front_door)
    stacks |= {service_file(s): build_service(s) for s in services}
    check_regions_support(stacks, regions)
    return stacks


def load_config(path: str | Path) -> dict[str, Template]:
    """File name -> template for what a TOML config file describes; ConfigError names the file and the key."""
    deployment = read_config(path)
    try:
        stacks = build_stacks(deployment.network, deployment.services, deployment.front_door, deployment.regions)
        if deployment.registry is not None:
            stacks[REGISTRY_FILE] = build_registry(deployment.registry)
            check_regions_support({REGISTRY_FILE: stacks[REGISTRY_FILE]}, deployment.regions)
    except ConfigError as error:
        raise ConfigError(f"{path}: {error}") from None
    return stacks
