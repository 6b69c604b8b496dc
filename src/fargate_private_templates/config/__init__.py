"""Typed configuration: frozen dataclasses validated once at construction, and the TOML files that describe them.

Every bad value or combination raises ``ConfigError`` naming the field by its full path, the value and what is
allowed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import ConfigError
from .ingress import IngressConfig
from .network import ENDPOINT_PRESETS, ENDPOINTS, NAT_MODES, NetworkConfig
from .registry import PullThroughCacheConfig, RegistryConfig
from .service import (
    ContainerOptions,
    HealthCheckOptions,
    ImageOptions,
    LoadBalancerOptions,
    RoutingOptions,
    ScalingOptions,
    ServiceConfig,
)

if TYPE_CHECKING:
    from .file import Deployment, parse_config, read_config
    from .reachability import check_reachability


def __getattr__(name: str) -> Any:
    # The TOML reader (and tomllib) when a config file is read, reachability when stacks are built together:
    # rendering the catalogue needs neither, and every module loaded counts at startup (make bench).
    if name in ("Deployment", "parse_config", "read_config"):
        from . import file

        return getattr(file, name)
    if name == "check_reachability":
        from .reachability import check_reachability

        return check_reachability
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ENDPOINTS",
    "ENDPOINT_PRESETS",
    "NAT_MODES",
    "ConfigError",
    "ContainerOptions",
    "Deployment",
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
    "parse_config",
    "read_config",
]
