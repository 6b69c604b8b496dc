"""CloudFormation for ECS Fargate tasks with only private IPs, a private registry and a public load balancer.

Build templates with the configs and builders, render them with ``render_yaml``, and import a deployed network
stack's exports into templates of your own with ``NetworkImports``.
"""

from .catalogue import CATALOGUE, render_catalogue
from .checks import CheckReport, check_dicts, check_templates
from .config import (
    ENDPOINT_PRESETS,
    ENDPOINTS,
    NAT_MODES,
    ConfigError,
    ContainerOptions,
    FrontDoorConfig,
    HealthCheckOptions,
    ImageOptions,
    IngressConfig,
    LoadBalancerOptions,
    NetworkConfig,
    PullThroughCacheConfig,
    RegistryConfig,
    RoutingOptions,
    ScalingOptions,
    ServiceConfig,
    check_reachability,
)
from .contract import (
    NETWORK_STACK_PARAMETER,
    FrontDoorExport,
    FrontDoorImports,
    IngressExport,
    IngressImports,
    NetworkExport,
    NetworkImports,
    RegistryExport,
)
from .layers import (
    build_front_door,
    build_ingress,
    build_network,
    build_pull_through_cache,
    build_registry,
    build_service,
)
from .layers.blocks import iam as policies
from .render import render_json, render_yaml
from .render.loader import TemplateLoadError, load_template
from .stacks import StackNames, build_stacks, load_config, stack_names

__all__ = [
    "CATALOGUE",
    "ENDPOINTS",
    "ENDPOINT_PRESETS",
    "NAT_MODES",
    "NETWORK_STACK_PARAMETER",
    "CheckReport",
    "ConfigError",
    "ContainerOptions",
    "HealthCheckOptions",
    "ImageOptions",
    "FrontDoorConfig",
    "FrontDoorExport",
    "FrontDoorImports",
    "IngressConfig",
    "IngressExport",
    "IngressImports",
    "LoadBalancerOptions",
    "NetworkConfig",
    "NetworkExport",
    "NetworkImports",
    "PullThroughCacheConfig",
    "RegistryConfig",
    "RegistryExport",
    "RoutingOptions",
    "ScalingOptions",
    "ServiceConfig",
    "StackNames",
    "TemplateLoadError",
    "build_front_door",
    "build_ingress",
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
    "stack_names",
]
