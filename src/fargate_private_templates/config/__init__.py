"""Typed configuration: frozen dataclasses validated once at construction, and the TOML files that describe them.

Every bad value or combination raises ``ConfigError`` naming the field by its full path, the value and what is
allowed.
"""

from __future__ import annotations

from ..errors import ConfigError
from .file import Deployment, parse_config, read_config
from .front_door import FrontDoorConfig, IngressConfig
from .image import ImageOptions
from .load_balancer import LoadBalancerOptions
from .network import ENDPOINT_PRESETS, ENDPOINTS, NAT_MODES, NetworkConfig
from .reachability import check_reachability
from .registry import PullThroughCacheConfig, RegistryConfig
from .routing import RoutingOptions
from .service import ContainerOptions, HealthCheckOptions, ScalingOptions, ServiceConfig

__all__ = [
    "ENDPOINTS",
    "ENDPOINT_PRESETS",
    "NAT_MODES",
    "ConfigError",
    "ContainerOptions",
    "Deployment",
    "HealthCheckOptions",
    "ImageOptions",
    "FrontDoorConfig",
    "IngressConfig",
    "LoadBalancerOptions",
    "NetworkConfig",
    "PullThroughCacheConfig",
    "RegistryConfig",
    "RoutingOptions",
    "ScalingOptions",
    "ServiceConfig",
    "check_reachability",
    "parse_config",
    "read_config",
]
