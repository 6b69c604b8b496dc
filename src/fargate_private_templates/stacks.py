"""A network and the services meant for it, built together: refused when a service's tasks could not start."""

from __future__ import annotations

from collections.abc import Sequence

from troposphere import Template

from .errors import ConfigError
from .network import build_network
from .network_config import NetworkConfig
from .reachability import check_reachability
from .service import build_service
from .service_config import ServiceConfig

NETWORK_FILE = "network.yaml"


def service_file(service: ServiceConfig) -> str:
    return f"service-{service.name}.yaml"


def build_stacks(network: NetworkConfig, services: Sequence[ServiceConfig]) -> dict[str, Template]:
    """File name -> template: ``network.yaml`` and one ``service-<name>.yaml`` per service."""
    seen: set[str] = set()
    for service in services:
        if service.name in seen:
            raise ConfigError(f"name: {service.name!r} is used by two services; each service needs its own name")
        seen.add(service.name)
    check_reachability(network, services)
    return {NETWORK_FILE: build_network(network), **{service_file(s): build_service(s) for s in services}}
