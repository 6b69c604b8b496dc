"""CloudFormation for ECS Fargate tasks with only private IPs, a private registry and a public load balancer."""

from .catalogue import CATALOGUE, render_catalogue
from .contract import NETWORK_STACK_PARAMETER, NetworkExport, NetworkImports, RegistryExport
from .errors import ConfigError
from .network import build_network
from .network_config import NAT_MODES, NetworkConfig
from .render import render_json, render_yaml

__all__ = [
    "CATALOGUE",
    "NAT_MODES",
    "NETWORK_STACK_PARAMETER",
    "ConfigError",
    "NetworkConfig",
    "NetworkExport",
    "NetworkImports",
    "RegistryExport",
    "build_network",
    "render_catalogue",
    "render_json",
    "render_yaml",
]
