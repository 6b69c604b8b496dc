"""CloudFormation for ECS Fargate tasks with only private IPs, a private registry and a public load balancer.

Build templates with the configs and builders, render them with ``render_yaml``, and import a deployed network
stack's exports into templates of your own with ``NetworkImports``.
"""

from . import iam as policies
from .catalogue import CATALOGUE, render_catalogue
from .checks import CheckReport, check_dicts, check_templates
from .configfile import load_config
from .contract import NETWORK_STACK_PARAMETER, NetworkExport, NetworkImports, RegistryExport
from .errors import ConfigError
from .loader import TemplateLoadError, load_template
from .network import build_network
from .network_config import ENDPOINT_PRESETS, ENDPOINTS, NAT_MODES, NetworkConfig
from .reachability import check_reachability
from .registry import PullThroughCacheConfig, RegistryConfig, build_pull_through_cache, build_registry
from .render import render_json, render_yaml
from .service import build_service
from .service_config import ServiceConfig
from .stacks import build_stacks

__all__ = [
    "CATALOGUE",
    "ENDPOINTS",
    "ENDPOINT_PRESETS",
    "NAT_MODES",
    "NETWORK_STACK_PARAMETER",
    "CheckReport",
    "ConfigError",
    "NetworkConfig",
    "NetworkExport",
    "NetworkImports",
    "PullThroughCacheConfig",
    "RegistryConfig",
    "RegistryExport",
    "ServiceConfig",
    "TemplateLoadError",
    "build_network",
    "build_pull_through_cache",
    "build_registry",
    "build_service",
    "build_stacks",
    "check_dicts",
    "check_reachability",
    "check_templates",
    "load_config",
    "load_template",
    "policies",
    "render_catalogue",
    "render_json",
    "render_yaml",
]
