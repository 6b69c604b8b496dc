"""A Mermaid flowchart of a deployment's two flows, read from its templates rather than drawn by hand.

Inbound requests (solid): Internet -> internet gateway -> load balancer -> tasks, or with CloudFront in front,
Internet -> CloudFront -> VPC origin -> internal load balancer -> tasks. Image pulls (dashed, a second
colour): tasks -> NAT gateway or VPC endpoints -> registry. Both read left to right: a pull through NAT leaves by
the internet gateway, which the edge's label says, instead of an arrow back to the gateway drawn on the left.

Subgraphs are the VPC and its public and private tiers (named with their AZs); ``detail="subnets"`` adds one node
per subnet, each NAT gateway on its own, and starts each pull at the subnet whose route table it follows.

What the templates mean (references across templates, routes, endpoints, workloads) is the checker's reading
(``checks``): the diagram only decides where to draw it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..checks.cloudfront import DISTRIBUTION, VPC_ORIGIN
from ..checks.route_tables import ANYWHERE_V6, INTERNET_GATEWAY, NAT_GATEWAY, S3_SERVICE, Egress
from ..checks.values import ResourceRef, literals
from ..checks.workloads import LOAD_BALANCER, SERVICE_TYPES, SUBNET, awsvpc
from ..errors import ConfigError
from ..render.loader import load_template
from .mermaid import BREAK, INBOUND, INTERNET, MEMBER, NO_ROUTE, PULL, Node
from .topology import (
    DETAILS,
    DIRECT,
    ECR,
    ENDPOINT,
    ENDPOINTS_PER_LINE,
    IMAGE_PULL,
    LOAD_BALANCER_KINDS,
    OTHER_TRAFFIC,
    REGISTRY_LABELS,
    REQUESTS,
    THIRD_PARTY,
    TIERS,
    VIA_GATEWAY,
    VPC,
    Topology,
    in_lines,
    unique,
)

EGRESS_ONLY_GATEWAY = "AWS::EC2::EgressOnlyInternetGateway"
IPV6_OUT = "IPv6 out"


def mermaid_for_files(paths: Iterable[str | Path], detail: str = TIERS) -> str:
    """The diagram of the template files at ``paths`` (YAML or JSON), in the order given."""
    return mermaid_diagram({str(path): load_template(path) for path in paths}, detail)


def mermaid_diagram(templates: Mapping[str, dict], detail: str = TIERS) -> str:
    """A ``flowchart LR`` of the templates (name -> long-form template dict); same input, same text.

    Services, scheduled tasks and load balancers in one template are placed in the subnets another template
    exports to them. ``detail`` is ``tiers`` or ``subnets``. No trailing newline.
    """
    if detail not in DETAILS:
        raise ConfigError(f"detail: {detail!r} is not allowed; use one of {', '.join(DETAILS)}")
    return _Builder(templates, detail).build()


class _Builder(Topology):
    """Places every node in resource order, then adds edges."""

    def build(self) -> str:
        for ref in self.ids:
            self._place(ref)
        self._inbound()
        self._image_pulls()
        return self.graph.render()

    def _place(self, ref: ResourceRef) -> None:
        """Adds the node of a resource the diagram shows, in its VPC and tier."""
        kind = self.resolver.type_of(ref)
        ident, name = self.ids[ref], self._name(ref)
        if kind == VPC:
            self._group(ref)
        elif kind == INTERNET_GATEWAY:
            group = self._group(self.vpc_of_gateway.get(ref))
            self.graph.node(ident, Node("Internet gateway", "box", group, None, name))
        elif kind == EGRESS_ONLY_GATEWAY:
            self.graph.node(
                ident, Node(f"Egress-only{BREAK}Internet gateway", "box", self._group(self._vpc(ref)), None, name)
            )
        elif kind == SUBNET:
            group, tier = self._where([ref])
            self.graph.zone(group, tier, self._zone(ref))
            if self.detail:
                self.graph.node(ident, Node(BREAK.join(filter(None, (name, self._zone(ref)))), "box", group, tier))
        elif kind == NAT_GATEWAY:
            self._place_nat(self.nat_nodes[ref])
        elif kind == ENDPOINT:
            group = self._group(self._vpc(ref))
            self.graph.node(f"{group}_endpoints", Node(self._endpoints_label(self._vpc(ref)), "box", group, None))
        elif kind == DISTRIBUTION:
            self.graph.node(ident, Node("CloudFront", "box", None, None, name))
        elif kind == VPC_ORIGIN:
            # Its network interfaces sit in the subnets of the load balancer it reaches.
            targets = [lb for lb, origins in self.vpc_origins.origins_of.items() if ref in origins]
            subnets = self._subnets(targets[0]) if targets else []
            self.graph.node(ident, Node("VPC origin", "box", *self._where(subnets), name))
        elif kind == LOAD_BALANCER:
            lb_kind = LOAD_BALANCER_KINDS.get(self._shown(ref, "Type", "application"), "Load balancer")
            label = f"{lb_kind}{BREAK}{self._shown(ref, 'Scheme', 'internet-facing')}"
            if self._shown(ref, "IpAddressType", "ipv4") != "ipv4":
                label += f"{BREAK}{self._shown(ref, 'IpAddressType')}"
            self.graph.node(ident, Node(label, "box", *self._where(self._subnets(ref)), name))
        elif ref in self.workloads:
            self.graph.node(ident, Node(self._workload_label(ref), "box", *self._where(self._subnets(ref)), name))

    def _place_nat(self, ident: str) -> None:
        """The node of the NAT gateways drawn as ``ident``, placed by the first of them."""
        nats = [nat for nat, node in self.nat_nodes.items() if node == ident]
        subnets = [subnet for nat in nats for subnet in self._subnets(nat)]
        group, tier = self._where(subnets[:1], fallback_vpc=self._vpc(nats[0]))
        name = ", ".join(self._name(nat) for nat in nats)
        self.graph.node(ident, Node(self._nat_label(nats[0], len(nats), subnets), "box", group, tier, name))

    def _endpoints_label(self, vpc: ResourceRef | None) -> str:
        """``VPC endpoints``, the interface endpoints three a line, then the S3 gateway that serves image layers."""
        names = self.endpoint_names.get(vpc, [])
        interface = [name for name in names if name != S3_SERVICE]
        # ECR keeps image layers in S3: https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html
        layers = ["S3 (image layers)"] if S3_SERVICE in names else []
        return BREAK.join(["VPC endpoints", *in_lines(interface, ENDPOINTS_PER_LINE), *layers])

    def _workload_label(self, ref: ResourceRef) -> str:
        """``Fargate tasks``, ``private IPs only``; public IPs if any Fn::If branch assigns them."""
        launch_types: set[Any] = set()
        public_ip: set[Any] = set()
        for workload in self.workloads[ref]:
            launch_types |= literals(self.resolver.scalar(ref.template, workload.parameters.get("LaunchType")))
            configuration = awsvpc(workload)
            assign = configuration.configuration.get("AssignPublicIp") if configuration else None
            public_ip |= literals(self.resolver.scalar(ref.template, assign))
        what = "Fargate" if launch_types == {"fargate"} else "ECS"
        if self.resolver.type_of(ref) not in SERVICE_TYPES:
            what = f"Scheduled {what} tasks"
        else:
            what += " tasks" if self.resolver.type_of(ref) == SERVICE_TYPES[0] else " task set"
        return f"{what}{BREAK}{'public IPs' if 'enabled' in public_ip else 'private IPs only'}"

    def _internet(self) -> str:
        self.graph.node(INTERNET, Node("Internet", "circle", None, None))
        return INTERNET

    def _registry(self, registry: str) -> str:
        hosts = self._third_party_hosts() if registry == THIRD_PARTY else []
        self.graph.node(registry, Node(BREAK.join([REGISTRY_LABELS[registry], *hosts]), "cylinder", None, None))
        return registry

    # Edges.

    def _inbound(self) -> None:
        ids, edge = self.ids, self.graph.edge
        entries = self._entry_gateways()
        for gateway in self.resolver.of_type(INTERNET_GATEWAY):
            if entries is None or gateway in entries:
                edge(self._internet(), ids[gateway], INBOUND, REQUESTS)
        self._through_cloudfront()
        for lb in self.resolver.of_type(LOAD_BALANCER):
            subnets = self._subnets(lb)
            gateways = unique(g for s in subnets if (g := self.route_tables.internet_gateway(s)) is not None)
            if "internet-facing" in self._words(lb, "Scheme", "internet-facing"):
                for gateway in gateways:
                    edge(ids[gateway], ids[lb], INBOUND)
                if not gateways:
                    edge(self._internet(), ids[lb], INBOUND, REQUESTS)  # the network template is not given
            if self.detail:
                for subnet in subnets:
                    edge(ids[subnet], ids[lb], MEMBER)
        for workload in self.workloads:
            conditions = unique(text for tg in self._target_groups(workload) for text in self.routing.get(tg, ()))
            for lb in self._load_balancers_of(workload):
                edge(ids[lb], ids[workload], INBOUND, BREAK.join(conditions))
            if self.detail:
                for subnet in self._subnets(workload):
                    edge(ids[workload], ids[subnet], MEMBER)
        if self.detail:
            for nat in self.resolver.of_type(NAT_GATEWAY):
                for subnet in self._subnets(nat):
                    edge(ids[subnet], self.nat_nodes[nat], MEMBER)

    def _entry_gateways(self) -> set[ResourceRef] | None:
        """With CloudFront in front, the internet gateways requests come in through: those of internet-facing load
        balancers' subnets (a VPC origin needs the gateway attached, but takes no requests through it). None:
        every gateway, as without CloudFront."""
        if not list(self.resolver.of_type(DISTRIBUTION)):
            return None
        return {
            gateway
            for lb in self.resolver.of_type(LOAD_BALANCER)
            if "internet-facing" in self._words(lb, "Scheme", "internet-facing")
            for subnet in self._subnets(lb)
            if (gateway := self.route_tables.internet_gateway(subnet)) is not None
        }

    def _through_cloudfront(self) -> None:
        """Internet -> distribution -> each VPC origin it uses -> the load balancer the origin points at."""
        ids, edge = self.ids, self.graph.edge
        for distribution in self.resolver.of_type(DISTRIBUTION):
            edge(self._internet(), ids[distribution], INBOUND, REQUESTS)
        for lb, origins in self.vpc_origins.origins_of.items():
            for origin in origins:
                for distribution in self.vpc_origins.users.get(origin, []):
                    edge(ids[distribution], ids[origin], INBOUND, "HTTPS")
                if lb in ids:
                    edge(ids[origin], ids[lb], INBOUND)

    def _image_pulls(self) -> None:
        """From the tasks (in detail, from each of their subnets) to each registry their containers pull from."""
        edge = self.graph.edge
        for workload in self.workloads:
            subnets = self._subnets(workload)
            used: set[str] = set()
            for registry in self._registries_of(workload):
                target = self._registry(registry)
                if not subnets:  # the network template is not given: the path is unknown
                    edge(self.ids[workload], target, PULL, IMAGE_PULL)
                reached = False
                for subnet in subnets:
                    start = self.ids[subnet] if self.detail else self.ids[workload]
                    for way in self._ways_out(subnet, registry):
                        reached = True
                        used.add(way)
                        if way == DIRECT:
                            edge(start, target, PULL, VIA_GATEWAY)
                            continue
                        edge(start, way, PULL, IMAGE_PULL)
                        edge(way, target, PULL, "" if way.endswith("_endpoints") else VIA_GATEWAY)
                if subnets and not reached:  # the network is known and has no way out to this registry
                    edge(self.ids[workload], target, NO_ROUTE, "no route")
            # A NAT gateway no image pull takes still carries the tasks' other outbound traffic.
            for subnet in subnets:
                start = self.ids[subnet] if self.detail else self.ids[workload]
                for egress in self.route_tables.egress(subnet):
                    for way in self._internet_ways(egress):
                        if way not in used and way != DIRECT:
                            edge(start, way, PULL, OTHER_TRAFFIC)
                    for gateway in self._ipv6_egress(egress):
                        edge(start, gateway, PULL, IPV6_OUT)

    def _ways_out(self, subnet: ResourceRef, registry: str) -> list[str]:
        """The nodes an image pull from the subnet leaves through: endpoints, a NAT gateway, or DIRECT."""
        ways = []
        for egress in self.route_tables.egress(subnet):
            # With the ECR endpoints and private DNS, ECR traffic takes them even where a NAT gateway exists too.
            if registry == ECR and not egress.missing_ecr_endpoints:
                ways.append(f"{self._group(self._vpc(subnet))}_endpoints")
            else:
                ways += self._internet_ways(egress)
        return unique(ways)

    def _ipv6_egress(self, egress: Egress) -> list[str]:
        """The egress-only gateways the route table sends ``::/0`` to."""
        if not isinstance(egress.route_table, ResourceRef):
            return []
        targets = self.route_tables.default_targets(egress.route_table, ANYWHERE_V6)
        return [self.ids[t] for _, t in targets if self.resolver.is_type(t, EGRESS_ONLY_GATEWAY)]

    def _internet_ways(self, egress: Egress) -> list[str]:
        """The NAT gateway nodes (or DIRECT, for an internet gateway) through which the route reaches the Internet."""
        if not isinstance(egress.route_table, ResourceRef):
            return []
        ways = []
        for _, target in self.route_tables.default_targets(egress.route_table):
            hops = self.route_tables.hops(target, egress.subnet.template)
            if not any(hop.gateway is not None for hop in hops) or not isinstance(target, ResourceRef):
                continue
            ways.append(self.nat_nodes.get(target, DIRECT))
        return unique(ways)
