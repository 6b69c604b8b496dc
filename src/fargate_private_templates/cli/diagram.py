"""A Mermaid flowchart of a deployment's traffic paths, read from its templates rather than drawn by hand.

Ingress: Internet -> internet gateway -> public subnets (load balancers, NAT gateways) -> services in private
subnets. Egress: private subnets -> NAT gateway -> internet gateway, or VPC endpoints -> the image registry.
Arrows: ``-->`` ingress, ``-.->`` egress, ``---`` "sits in this subnet".

What the templates mean (references across templates, routes, endpoints, workloads) is the checker's reading
(``checks``): the diagram only decides where to draw it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..checks.intrinsics import endpoint_service
from ..checks.resolve import Literal, Resolver, ResourceRef, literals
from ..checks.routing import INTERNET_GATEWAY, NAT_GATEWAY, Network
from ..checks.rules import (
    container_outside_ecr,
    load_balancer_subnets,
    load_balancers_by_target_group,
    service_target_groups,
    task_subnets,
)
from ..checks.workloads import LOAD_BALANCER, SERVICE_TYPES, SUBNET, Workload, World, awsvpc, containers, workloads
from ..config.errors import ConfigError
from ..render.files import write_files
from ..render.loader import load_template

VPC = "AWS::EC2::VPC"
ENDPOINT = "AWS::EC2::VPCEndpoint"

# Nodes that are not resources get IDs with "_": logical IDs are alphanumeric, so these never collide.
INTERNET = "ext_internet"
ECR = "ext_ecr"
THIRD_PARTY = "ext_third_party"
OUTSIDE_VPC = "ext_vpc"
REGISTRY_LABELS = {ECR: "Amazon ECR", THIRD_PARTY: "Third-party registry"}
PUBLIC, PRIVATE = "public", "private"
TIER_LABELS = {PUBLIC: "Public subnets", PRIVATE: "Private subnets"}
SHAPES = {"box": ('["', '"]'), "circle": ('(("', '"))'), "cylinder": ('[("', '")]')}
LOAD_BALANCER_KINDS = {"application": "ALB", "network": "NLB", "gateway": "GWLB"}
INDENT = "    "


def mermaid_for_files(paths: Iterable[str | Path]) -> str:
    """The diagram of the template files at ``paths`` (YAML or JSON), in the order given."""
    return mermaid_diagram({str(path): load_template(path) for path in paths})


def mermaid_diagram(templates: Mapping[str, dict]) -> str:
    """A ``flowchart LR`` of the templates (name -> long-form template dict); same input, same text.

    Services, scheduled tasks and load balancers in one template are placed in the subnets another template
    exports to them. No trailing newline.
    """
    return _Builder(templates).build()


def _unique(items: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(items))


def _mermaid_id(text: str) -> str:
    ident = re.sub(r"[^A-Za-z0-9_]", "_", text) or "_"
    return f"{ident}_" if ident.lower() == "end" else ident  # a bare "end" closes a Mermaid subgraph


def _prefixes(names: Sequence[str]) -> dict[str, str]:
    """Template name -> ID prefix: its file stem, numbered when two templates share a stem."""
    stems = {name: _mermaid_id(Path(name).stem) for name in names}
    counts = Counter(stems.values())
    return {name: f"{stem}{n}" if counts[stem] > 1 else stem for n, (name, stem) in enumerate(stems.items(), 1)}


def _availability_zone(value: Any) -> str:
    """``!Select [0, !GetAZs ""]`` -> ``AZ 1``; a literal zone name as it is; of a Fn::If, the first branch named."""
    if isinstance(value, str):
        return value
    branches = value.get("Fn::If") if isinstance(value, dict) else None
    if isinstance(branches, list) and len(branches) == 3:
        return _availability_zone(branches[1]) or _availability_zone(branches[2])
    select = value.get("Fn::Select") if isinstance(value, dict) else None
    if isinstance(select, list) and len(select) == 2 and isinstance(select[1], dict) and "Fn::GetAZs" in select[1]:
        index = str(select[0])
        return f"AZ {int(index) + 1}" if index.isdigit() else ""
    return ""


class _Graph:
    """Nodes placed in VPC and subnet-tier subgraphs, and edges, both kept in the order first added."""

    def __init__(self) -> None:
        self.groups: dict[str, str] = {}
        self.nodes: dict[str, tuple[str, str, str | None, str | None]] = {}
        self.edges: list[str] = []

    def node(
        self, ident: str, label: str, shape: str = "box", group: str | None = None, tier: str | None = None
    ) -> None:
        self.nodes.setdefault(ident, (label, shape, group, tier))

    def edge(self, source: str, arrow: str, target: str) -> None:
        line = f"{source} {arrow} {target}"
        if line not in self.edges:
            self.edges.append(line)

    def _node_lines(self, depth: int, group: str | None, tier: str | None, only: Iterable[str] = ()) -> list[str]:
        lines = []
        for ident, (label, shape, node_group, node_tier) in self.nodes.items():
            if (node_group, node_tier) == (group, tier) and (not only or ident in only):
                opening, closing = SHAPES[shape]
                lines.append(f"{INDENT * depth}{ident}{opening}{_escape(label)}{closing}")
        return lines

    def render(self) -> str:
        lines = ["flowchart LR", *self._node_lines(1, None, None, only=[INTERNET])]
        for group, label in self.groups.items():
            lines += [f'{INDENT}subgraph {group}["{_escape(label)}"]', *self._node_lines(2, group, None)]
            for tier, tier_label in TIER_LABELS.items():
                members = self._node_lines(3, group, tier)
                if members:
                    lines += [f'{INDENT * 2}subgraph {group}_{tier}["{tier_label}"]', *members, f"{INDENT * 2}end"]
            lines.append(f"{INDENT}end")
        others = [ident for ident in self.nodes if ident != INTERNET]
        lines += self._node_lines(1, None, None, only=others)
        lines += [f"{INDENT}{edge}" for edge in self.edges]
        return "\n".join(lines)


class _Builder:
    """Reads the templates through the checker once, places every node in resource order, then adds edges."""

    def __init__(self, templates: Mapping[str, dict]) -> None:
        self.resolver = resolver = Resolver(templates)
        self.network = network = Network(resolver)
        self.world = World(resolver, network)
        resources = [ResourceRef(name, logical) for name in templates for logical in resolver.resources(name)]
        prefixes = _prefixes(list(templates))
        counts = Counter(ref.logical_id for ref in resources)
        self.ids: dict[ResourceRef, str] = {}
        for ref in resources:
            shared = counts[ref.logical_id] > 1
            self.ids[ref] = _mermaid_id(f"{prefixes[ref.template]}_{ref.logical_id}" if shared else ref.logical_id)
        self.graph = _Graph()
        # What starts tasks, by resource: an EventBridge rule can have several ECS targets.
        self.workloads: dict[ResourceRef, list[Workload]] = {}
        for workload in workloads(resolver):
            self.workloads.setdefault(workload.ref, []).append(workload)
        self.fronting = load_balancers_by_target_group(resolver)
        self.vpc_of_gateway: dict[ResourceRef, ResourceRef] = {}
        for vpc in resolver.of_type(VPC):
            for gateway in network.internet_gateways(vpc):
                self.vpc_of_gateway.setdefault(gateway, vpc)
        self.endpoint_names: dict[ResourceRef | None, list[str]] = {}
        for endpoint in resolver.of_type(ENDPOINT):
            names = self.endpoint_names.setdefault(self._vpc(endpoint), [])
            name = endpoint_service(resolver.properties(endpoint).get("ServiceName"))
            if name and name not in names:
                names.append(name)

    def build(self) -> str:
        for ref in self.ids:
            self._place(ref)
        self._ingress()
        self._egress()
        self._registries()
        return self.graph.render()

    # Reading the topology.

    def _name(self, ref: ResourceRef) -> str:
        same = self.ids[ref] == _mermaid_id(ref.logical_id)
        return ref.logical_id if same else f"{Path(ref.template).stem}/{ref.logical_id}"

    def _named(self, ref: ResourceRef, key: str, resource_type: str | None = None) -> list[ResourceRef]:
        """The resources a one-value property of ``ref`` names (of ``resource_type``, if given)."""
        values = self.resolver.scalar(ref.template, self.resolver.properties(ref).get(key))
        return _unique(
            v for v in values if isinstance(v, ResourceRef) and resource_type in (None, self.resolver.type_of(v))
        )

    def _vpc(self, ref: ResourceRef) -> ResourceRef | None:
        return next(iter(self._named(ref, "VpcId")), None)

    def _words(self, ref: ResourceRef, key: str, default: str) -> set[str]:
        """The literal values a property can take, lowercased; ``default`` when it is absent."""
        return literals(self.resolver.scalar(ref.template, self.resolver.properties(ref).get(key, default)))

    def _shown(self, ref: ResourceRef, key: str, default: str = "") -> str:
        """A property's value for a label: its first literal, a parameter's default standing in for the parameter."""
        expression = self.resolver.properties(ref).get(key, default)
        name = expression.get("Ref") if isinstance(expression, dict) else None
        parameters = self.resolver.templates[ref.template].get("Parameters")
        parameter = parameters.get(name) if isinstance(parameters, dict) and isinstance(name, str) else None
        if isinstance(parameter, dict) and "Default" in parameter:
            expression = parameter["Default"]
        values = self.resolver.scalar(ref.template, expression)
        return next((str(v.value) for v in values if isinstance(v, Literal) and v.value is not None), "")

    def _is_public(self, subnet: ResourceRef) -> bool:
        return self.network.internet_gateway(subnet) is not None

    def _subnets(self, ref: ResourceRef) -> list[ResourceRef]:
        kind = self.resolver.type_of(ref)
        if kind == LOAD_BALANCER:
            values = load_balancer_subnets(self.resolver, ref)
            return _unique(v for v in values if self.resolver.is_type(v, SUBNET))
        if kind == NAT_GATEWAY:
            return self._named(ref, "SubnetId", SUBNET)
        return _unique(s for w in self.workloads.get(ref, []) for s in task_subnets(self.world, w)[0])

    def _group(self, vpc: ResourceRef | None) -> str:
        """The VPC's subgraph, created on first use."""
        if vpc is None or vpc not in self.ids:
            self.graph.groups.setdefault(OUTSIDE_VPC, "VPC")
            return OUTSIDE_VPC
        self.graph.groups.setdefault(self.ids[vpc], f"{self._name(vpc)} {self._shown(vpc, 'CidrBlock')}".strip())
        return self.ids[vpc]

    def _load_balancers_of(self, ref: ResourceRef) -> list[ResourceRef]:
        """Load balancers whose listeners (or listener rules) forward to one of the service's target groups."""
        groups = [tg for w in self.workloads[ref] for tg in service_target_groups(self.resolver, w)]
        fronting = {lb for tg in groups for lb in self.fronting.get(tg, ())}
        return [lb for lb in self.resolver.of_type(LOAD_BALANCER) if lb in fronting]

    def _registries_of(self, ref: ResourceRef) -> list[str]:
        """ECR and/or a third-party registry, from the containers of the task definitions it runs."""
        found = [c for w in self.workloads[ref] for c in containers(self.resolver, w)]
        return _unique(THIRD_PARTY if container_outside_ecr(c) else ECR for c in found)

    # Nodes.

    def _place(self, ref: ResourceRef) -> None:
        """Adds the node of a resource the diagram shows, in its VPC and subnet tier."""
        kind = self.resolver.type_of(ref)
        ident, name = self.ids[ref], self._name(ref)
        if kind == VPC:
            self._group(ref)
        elif kind == INTERNET_GATEWAY:
            self.graph.node(ident, f"{name} (internet gateway)", group=self._group(self.vpc_of_gateway.get(ref)))
        elif kind == SUBNET:
            zone = _availability_zone(self.resolver.properties(ref).get("AvailabilityZone"))
            tier = PUBLIC if self._is_public(ref) else PRIVATE
            self.graph.node(ident, f"{name} ({zone})" if zone else name, group=self._group(self._vpc(ref)), tier=tier)
        elif kind == NAT_GATEWAY:
            regional = "regional" in self._words(ref, "AvailabilityMode", "zonal")
            private = "private" in self._words(ref, "ConnectivityType", "public")
            label = f"{name} ({'regional ' if regional else 'private ' if private else ''}NAT gateway)"
            self._place_in_subnets(ref, label, fallback_vpc=self._vpc(ref))
        elif kind == ENDPOINT:
            vpc = self._vpc(ref)
            names = ", ".join(self.endpoint_names[vpc])
            group = self._group(vpc)
            self.graph.node(f"{group}_endpoints", f"VPC endpoints ({names})" if names else "VPC endpoints", group=group)
        elif kind == LOAD_BALANCER:
            lb_kind = LOAD_BALANCER_KINDS.get(self._shown(ref, "Type", "application"), "load balancer")
            self._place_in_subnets(ref, f"{name} ({lb_kind}, {self._shown(ref, 'Scheme', 'internet-facing')})")
        elif ref in self.workloads:
            self._place_in_subnets(ref, f"{name} ({self._workload_label(ref)})")

    def _workload_label(self, ref: ResourceRef) -> str:
        """``Fargate service, private IPs only``; public IPs if any Fn::If branch assigns them."""
        launch_types: set[Any] = set()
        public_ip: set[Any] = set()
        for workload in self.workloads[ref]:
            launch_types |= literals(self.resolver.scalar(ref.template, workload.parameters.get("LaunchType")))
            configuration = awsvpc(workload)
            assign = configuration.configuration.get("AssignPublicIp") if configuration else None
            public_ip |= literals(self.resolver.scalar(ref.template, assign))
        what = "Fargate" if launch_types == {"fargate"} else "ECS"
        if self.resolver.type_of(ref) in SERVICE_TYPES:
            what += " service" if self.resolver.type_of(ref) == SERVICE_TYPES[0] else " task set"
        else:
            what = f"scheduled {what} task"
        return f"{what}, {'public IPs' if 'enabled' in public_ip else 'private IPs only'}"

    def _place_in_subnets(self, ref: ResourceRef, label: str, fallback_vpc: ResourceRef | None = None) -> None:
        """In the VPC and tier of its first subnet; with no subnet, at VPC level (or outside any VPC)."""
        subnets = self._subnets(ref)
        if subnets:
            tier = PUBLIC if self._is_public(subnets[0]) else PRIVATE
            self.graph.node(self.ids[ref], label, group=self._group(self._vpc(subnets[0])), tier=tier)
        elif fallback_vpc is not None:
            self.graph.node(self.ids[ref], label, group=self._group(fallback_vpc))
        else:
            self.graph.node(self.ids[ref], label)

    def _internet(self) -> str:
        self.graph.node(INTERNET, "Internet", "circle")
        return INTERNET

    # Edges.

    def _ingress(self) -> None:
        ids, edge = self.ids, self.graph.edge
        for gateway in self.resolver.of_type(INTERNET_GATEWAY):
            edge(self._internet(), "-->", ids[gateway])
        for subnet in self.resolver.of_type(SUBNET):
            gateway = self.network.internet_gateway(subnet)
            if gateway is not None:
                edge(ids[gateway], "-->", ids[subnet])
        for lb in self.resolver.of_type(LOAD_BALANCER):
            subnets = self._subnets(lb)
            for subnet in subnets:
                edge(ids[subnet], "---", ids[lb])
            facing = "internet-facing" in self._words(lb, "Scheme", "internet-facing")
            if facing and not any(self._is_public(subnet) for subnet in subnets):
                edge(self._internet(), "-->", ids[lb])  # the network template is not among the inputs
        for workload in self.workloads:
            for lb in self._load_balancers_of(workload):
                edge(ids[lb], "-->", ids[workload])
            for subnet in self._subnets(workload):
                edge(ids[workload], "---", ids[subnet])

    def _egress(self) -> None:
        ids, edge = self.ids, self.graph.edge
        for subnet in self.resolver.of_type(SUBNET):
            if self._is_public(subnet):
                continue
            for egress in self.network.egress(subnet):
                if isinstance(egress.route_table, ResourceRef):
                    for _, target in self.network.default_targets(egress.route_table):
                        if isinstance(target, ResourceRef):
                            edge(ids[subnet], "-.->", ids[target])
                if egress.endpoints:
                    edge(ids[subnet], "-.->", f"{self._group(self._vpc(subnet))}_endpoints")
        for nat in self.resolver.of_type(NAT_GATEWAY):
            for subnet in self._subnets(nat):
                edge(ids[subnet], "---", ids[nat])
            for hop in self.network.hops(nat, nat.template):
                if hop.gateway is not None:
                    edge(ids[nat], "-.->", ids[hop.gateway])

    def _exits(self, subnets: list[ResourceRef], registry: str) -> list[str]:
        """Where traffic from these subnets to the registry leaves the VPC."""
        exits = []
        for subnet in subnets:
            for egress in self.network.egress(subnet):
                # Private DNS sends ECR traffic to the ecr.dkr endpoint even where a NAT gateway exists too.
                if registry == ECR and "ecr.dkr" in egress.endpoints:
                    exits.append(f"{self._group(self._vpc(subnet))}_endpoints")
                else:
                    exits += [self.ids[hop.gateway] for hop in egress.hops if hop.gateway is not None]
        return _unique(exits)

    def _registries(self) -> None:
        for workload in self.workloads:
            subnets = self._subnets(workload)
            for registry in self._registries_of(workload):
                self.graph.node(registry, REGISTRY_LABELS[registry], "cylinder")
                exits = self._exits(subnets, registry)
                for exit_node in exits:
                    self.graph.edge(exit_node, "-.->", registry)
                if not subnets:  # the network template is not among the inputs: path unknown
                    self.graph.edge(self.ids[workload], "-.->", registry)
                elif not exits:  # the network is known and has no way out to this registry
                    self.graph.edge(self.ids[workload], "-. no route .->", registry)


def _escape(label: str) -> str:
    return label.replace('"', "#quot;")  # a double quote would end Mermaid's quoted label


DIAGRAM_BEGIN = "<!-- diagram:begin -->"
DIAGRAM_END = "<!-- diagram:end -->"


def embedded(markdown: str, diagram: str) -> str:
    """``markdown`` with the block between the diagram markers replaced by ``diagram`` as a Mermaid code block."""
    begin, end = markdown.find(DIAGRAM_BEGIN), markdown.find(DIAGRAM_END)
    if begin < 0 or end < begin:
        raise ConfigError(f"embed: no '{DIAGRAM_BEGIN}' ... '{DIAGRAM_END}' block to replace")
    block = f"{DIAGRAM_BEGIN}\n```mermaid\n{diagram.rstrip()}\n```\n"
    return markdown[:begin] + block + markdown[end:]


def embed_diagram(path: Path, diagram: str) -> bool:
    """Rewrites the diagram block of a Markdown file (atomically); False when it was already current."""
    text = path.read_text(encoding="utf-8")
    updated = embedded(text, diagram)
    return bool(write_files(path.parent, {path.name: updated}))
