"""CloudFormation for ECS Fargate tasks with only private IPs, a private registry and a public load balancer.

Build templates with the configs and builders, render them with ``render_yaml``, and import a deployed network
stack's exports into templates of your own with ``NetworkImports``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .catalogue import CATALOGUE, render_catalogue
    from .checks import CheckReport, check_dicts, check_templates
    from .config import (
        ENDPOINT_PRESETS,
        ENDPOINTS,
        NAT_MODES,
        ConfigError,
        ContainerOptions,
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
        IngressExport,
        IngressImports,
        NetworkExport,
        NetworkImports,
        RegistryExport,
    )
    from .layers import build_ingress, build_network, build_pull_through_cache, build_registry, build_service
    from .layers.blocks import iam as policies
    from .render import render_json, render_yaml
    from .render.loader import TemplateLoadError, load_template
    from .stacks import build_stacks, load_config

# Public name -> the module that defines it. Imported on first use, so a render does not load the checker, the
# diagram or anything else it does not need (make bench measures it).
_HOMES = {
    "CATALOGUE": ".catalogue",
    "render_catalogue": ".catalogue",
    "CheckReport": ".checks",
    "check_dicts": ".checks",
    "check_templates": ".checks",
    **dict.fromkeys(
        (
            "ENDPOINT_PRESETS",
            "ENDPOINTS",
            "NAT_MODES",
            "ConfigError",
            "ContainerOptions",
            "HealthCheckOptions",
            "ImageOptions",
            "IngressConfig",
            "LoadBalancerOptions",
            "NetworkConfig",
            "PullThroughCacheConfig",
            "RegistryConfig",
            "RoutingOptions",
            "ScalingOptions",
            "ServiceConfig",
            "check_reachability",
        ),
        ".config",
    ),
    **dict.fromkeys(
        (
            "NETWORK_STACK_PARAMETER",
            "IngressExport",
            "IngressImports",
            "NetworkExport",
            "NetworkImports",
            "RegistryExport",
        ),
        ".contract",
    ),
    **dict.fromkeys(
        ("build_ingress", "build_network", "build_pull_through_cache", "build_registry", "build_service"), ".layers"
    ),
    "render_json": ".render",
    "render_yaml": ".render",
    "TemplateLoadError": ".render.loader",
    "load_template": ".render.loader",
    "build_stacks": ".stacks",
    "load_config": ".stacks",
}


def __getattr__(name: str) -> Any:
    if name == "policies":
        value: Any = import_module(".layers.blocks.iam", __name__)
    elif name in _HOMES:
        value = getattr(import_module(_HOMES[name], __name__), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


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
    "TemplateLoadError",
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
]
