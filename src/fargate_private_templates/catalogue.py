"""The committed catalogue: one file per shipped variant."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from troposphere import Template

from .config.front_door import FrontDoorConfig
from .config.load_balancer import NLB, SHARED, TLS, LoadBalancerOptions
from .config.network import ENDPOINT_PRESETS, NAT_NONE, NAT_REGIONAL, NAT_SINGLE, NetworkConfig
from .config.priorities import assign_priorities
from .config.routing import RoutingOptions
from .config.service import ServiceConfig
from .layers import (
    build_front_door,
    build_guard_hook,
    build_network,
    build_pull_through_cache,
    build_registry,
    build_service,
)
from .render import render_yaml


@dataclass(frozen=True)
class CatalogueEntry:
    filename: str
    purpose: str
    build: Callable[[], Template]


CATALOGUE: tuple[CatalogueEntry, ...] = (
    CatalogueEntry("network.yaml", "VPC with one NAT gateway per AZ (default)", lambda: build_network(NetworkConfig())),
    CatalogueEntry(
        "network-single-nat.yaml",
        "VPC with one NAT gateway shared by all AZs (cheaper, one AZ's NAT is a single point of failure)",
        lambda: build_network(NetworkConfig(nat_mode=NAT_SINGLE)),
    ),
    CatalogueEntry(
        "network-regional-nat.yaml",
        "VPC with one regional NAT gateway that spans the AZs",
        lambda: build_network(NetworkConfig(nat_mode=NAT_REGIONAL)),
    ),
    CatalogueEntry(
        "network-endpoints.yaml",
        "VPC with no NAT: private subnets reach ECR, S3, CloudWatch Logs and Secrets Manager through VPC endpoints",
        lambda: build_network(NetworkConfig(nat_mode=NAT_NONE, endpoints=(*ENDPOINT_PRESETS["ecr"], "secretsmanager"))),
    ),
    CatalogueEntry(
        "network-nat-endpoints.yaml",
        "VPC with one NAT gateway per AZ plus the S3 gateway and ECR endpoints, so image layers stay off NAT",
        lambda: build_network(NetworkConfig(endpoints=ENDPOINT_PRESETS["ecr"])),
    ),
    CatalogueEntry(
        "service-alb.yaml",
        "Fargate service behind an internet-facing ALB: HTTPS with an ACM certificate, HTTP redirects to HTTPS",
        lambda: build_service(ServiceConfig()),
    ),
    CatalogueEntry(
        "service-nlb.yaml",
        "Fargate service behind an internet-facing NLB with a TLS listener (TLS ends at the NLB)",
        lambda: build_service(ServiceConfig(load_balancer=LoadBalancerOptions(kind=NLB, listener_protocol=TLS))),
    ),
    CatalogueEntry(
        "ingress-alb.yaml",
        "Shared front door: one internet-facing ALB (HTTPS with a 404 default, HTTP redirects) for many services",
        lambda: build_front_door(FrontDoorConfig()),
    ),
    CatalogueEntry(
        "service-shared-alb.yaml",
        "Fargate service attached to the shared front door by a listener rule on host and/or path",
        # Its priority is computed as for a config file: a second copy deployed as is clashes, and `check` says so.
        lambda: build_service(
            *assign_priorities(
                [
                    ServiceConfig(
                        load_balancer=LoadBalancerOptions(kind=SHARED),
                        routing=RoutingOptions(hosts=("app.example.com",)),
                    )
                ]
            )
        ),
    ),
    CatalogueEntry(
        "registry.yaml",
        "Private ECR repository: scan on push, immutable tags, lifecycle policy",
        lambda: build_registry(),
    ),
    CatalogueEntry(
        "registry-pull-through-cache.yaml",
        "ECR pull-through cache for Docker Hub: third-party images reachable through the ECR endpoints",
        lambda: build_pull_through_cache(),
    ),
    CatalogueEntry(
        "guard-hook.yaml",
        "CloudFormation Guard Hook running the shipped guard rules (no public IPs, no open task security groups)",
        lambda: build_guard_hook(),
    ),
)


def render_catalogue() -> dict[str, str]:
    """File name -> YAML for every shipped template, all rendered before anything is written."""
    return {entry.filename: render_yaml(entry.build()) for entry in CATALOGUE}
