"""The stack names of a deployment: the ones the deploy scripts, ``preflight`` and ``audit`` use.

Stand-in for ``stacks.stack_names`` (branch ``front-door-routing``), with its interface: once that lands, this module
only re-exports it. The names come from the config's optional top-level ``name`` (default ``fargate``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..config import Deployment

DEFAULT_NAME = "fargate"


@dataclass(frozen=True)
class StackNames:
    """The stacks of one deployment.

    Attributes:
        network: ``<name>-network``.
        front_door: ``<name>-ingress`` (the shared front door's stack, when the config has one).
        registry: ``<name>-registry``.
        services: service name -> ``<name>-<service name>``.
    """

    network: str
    front_door: str
    registry: str
    services: dict[str, str] = field(default_factory=dict)


def stack_names(deployment: Deployment) -> StackNames:
    name = getattr(deployment, "name", None) or DEFAULT_NAME
    return StackNames(
        network=f"{name}-network",
        front_door=f"{name}-ingress",
        registry=f"{name}-registry",
        services={service.name: f"{name}-{service.name}" for service in deployment.services},
    )


def deployment_name(deployment: Deployment) -> str:
    return getattr(deployment, "name", None) or DEFAULT_NAME
