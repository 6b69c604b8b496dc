"""A network and the services meant for it, built together: refused when a service's tasks could not start; and
the stack names of a deployment, defined here and nowhere else."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from troposphere import Template

from .config import ConfigError, FrontDoorConfig, NetworkConfig, ServiceConfig, check_reachability, read_config
from .config.file import DEFAULT_NAME, Deployment
from .config.load_balancer import IPV4, SHARED
from .config.priorities import assign_priorities, priority_lock
from .config.priority_lock import PriorityLock, lock_path, read_lock
from .layers import build_front_door, build_network, build_registry, build_service
from .regions.features import check_regions_support
from .regions.partitions import check_regions

NETWORK_FILE = "network.yaml"
FRONT_DOOR_FILE = "ingress.yaml"
REGISTRY_FILE = "registry.yaml"


@dataclass(frozen=True)
class StackNames:
    """The CloudFormation stack names of one deployment, which every template's defaults, and every script or check
    that deploys or reads the stacks, use.

    Attributes:
        network: ``<name>-network``.
        front_door: ``<name>-ingress``: the shared front door's stack, whether or not the config renders it.
        registry: ``<name>-registry``.
        services: service name -> ``<name>-<service name>``, in the config's order.
    """

    network: str
    front_door: str
    registry: str
    services: dict[str, str] = field(hash=False)


def stack_names(deployment: Deployment) -> StackNames:
    """The stack names of ``deployment``, prefixed by its ``name``; ConfigError when a service's stack name would be
    another stack's (a service named ``network``, ``ingress`` or ``registry``)."""
    prefix = deployment.name
    names = StackNames(
        network=f"{prefix}-network",
        front_door=f"{prefix}-ingress",
        registry=f"{prefix}-registry",
        services={service.name: f"{prefix}-{service.name}" for service in deployment.services},
    )
    taken = {names.network: "network", names.front_door: "front door", names.registry: "registry"}
    for index, service in enumerate(deployment.services):
        stack = names.services[service.name]
        if stack in taken:
            raise ConfigError(
                f"services[{index}].name: {service.name!r} would name its stack {stack!r}, the {taken[stack]} "
                "stack's name; choose another service name"
            )
    return names


def service_file(service: ServiceConfig) -> str:
    return f"service-{service.name}.yaml"


def build_stacks(
    network: NetworkConfig,
    services: Sequence[ServiceConfig],
    front_door: FrontDoorConfig | None = None,
    regions: Sequence[str] = (),
    *,
    name: str = DEFAULT_NAME,
    lock: PriorityLock | None = None,
) -> dict[str, Template]:
    """File name -> template: ``network.yaml``, ``ingress.yaml`` with a shared front door, and one
    ``service-<name>.yaml`` per service, each reading the others by the stack names of deployment ``name``
    (``stack_names``). Services on a shared front door get listener rule priorities here, keeping those ``lock``
    holds. ``regions``, where given, are the Regions the stacks will be deployed to: a feature documented as missing
    in one of them is refused (README, "Partitions and Regions")."""
    return _build(network, services, front_door, regions, name, lock)[0]


def _build(
    network: NetworkConfig,
    services: Sequence[ServiceConfig],
    front_door: FrontDoorConfig | None,
    regions: Sequence[str],
    name: str,
    lock: PriorityLock | None,
) -> tuple[dict[str, Template], list[ServiceConfig]]:
    """The templates, and the services as built: with their front doors and listener rule priorities."""
    regions = check_regions("regions", regions)
    seen: set[str] = set()
    for service in services:
        if service.name in seen:
            raise ConfigError(f"name: {service.name!r} is used by two services; each service needs its own name")
        seen.add(service.name)
    names = stack_names(Deployment(network, tuple(services), None, front_door, regions, name=name))
    check_reachability(network, services)
    _check_dual_stack(network, services, front_door)
    if front_door is not None:
        services = [_on_own_front_door(service, names.front_door) for service in services]
    services = assign_priorities(services, lock)
    stacks = {NETWORK_FILE: build_network(network)}
    if front_door is not None:
        stacks[FRONT_DOOR_FILE] = build_front_door(front_door, network_stack=names.network)
    stacks |= {
        service_file(s): build_service(s, network_stack=names.network, ipv6_egress=network.ipv6_egress)
        for s in services
    }
    check_regions_support(stacks, regions)
    return stacks, services


def _check_dual_stack(
    network: NetworkConfig, services: Sequence[ServiceConfig], front_door: FrontDoorConfig | None
) -> None:
    """A dual-stack load balancer needs IPv6 ranges in its subnets and an IPv6 route out of them
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-ip-address-type.html)."""
    if network.ipv6:
        return
    dual_stack = [(f"services[{i}].load_balancer", s.load_balancer.ip_address_type) for i, s in enumerate(services)]
    if front_door is not None:
        dual_stack.insert(0, ("ingress", front_door.ip_address_type))
    for where, ip_address_type in dual_stack:
        if ip_address_type != IPV4:
            raise ConfigError(
                f"{where}.ip_address_type: {ip_address_type!r} needs IPv6 in the load balancer's subnets, but the "
                "network has none; set network.ipv6 = true (an Amazon-provided IPv6 block, IPv6 in the public "
                "subnets and a ::/0 route to the internet gateway)"
            )


def _on_own_front_door(service: ServiceConfig, front_door_stack: str) -> ServiceConfig:
    """A shared service that names no front door attaches to the one rendered beside it."""
    if service.load_balancer.kind != SHARED or service.routing.front_door is not None:
        return service
    return dataclasses.replace(service, routing=dataclasses.replace(service.routing, front_door=front_door_stack))


@dataclass(frozen=True)
class ConfigStacks:
    """What a config file renders to.

    Attributes:
        deployment: what the config file describes.
        templates: file name -> template.
        lock_path: the config's priority lock, ``<config stem>.lock.json`` beside it.
        lock: what the lock must now hold: the listener rule priorities of the templates (none when no service is
            on a shared front door and there is no lock file to bring up to date).
    """

    deployment: Deployment
    templates: dict[str, Template] = field(hash=False)
    lock_path: Path
    lock: PriorityLock | None


def build_config(path: str | Path) -> ConfigStacks:
    """The templates a TOML config file describes, with the listener rule priorities its lock file keeps, and the
    lock that keeps theirs; ConfigError names the file (the config or its lock) and the key."""
    deployment = read_config(path)
    locked_at = lock_path(path)
    lock = read_lock(locked_at)
    try:
        stacks, services = _build(
            deployment.network, deployment.services, deployment.front_door, deployment.regions, deployment.name, lock
        )
        if deployment.registry is not None:
            stacks[REGISTRY_FILE] = build_registry(deployment.registry)
            check_regions_support({REGISTRY_FILE: stacks[REGISTRY_FILE]}, deployment.regions)
    except ConfigError as error:
        raise ConfigError(f"{path}: {error}") from None
    held = priority_lock(services)
    return ConfigStacks(deployment, stacks, locked_at, held if held.front_doors or lock is not None else None)


def load_config(path: str | Path) -> dict[str, Template]:
    """File name -> template for what a TOML config file describes (``build_config``'s templates)."""
    return build_config(path).templates
