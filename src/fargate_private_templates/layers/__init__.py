"""The layer builders, one per stack kind: each turns a config into a troposphere Template."""

from .front_door import build_front_door, build_ingress
from .guard_hook import build_guard_hook
from .network import build_network
from .registry import build_pull_through_cache, build_registry
from .service import build_service

__all__ = [
    "build_guard_hook",
    "build_front_door",
    "build_ingress",
    "build_network",
    "build_pull_through_cache",
    "build_registry",
    "build_service",
]
