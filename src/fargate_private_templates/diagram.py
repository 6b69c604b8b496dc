"""A Mermaid flowchart of a deployment's traffic paths, read from its templates rather than drawn by hand.

Ingress: Internet -> internet gateway -> public subnets (load balancers, NAT gateways) -> services in private
subnets. Egress: private subnets -> NAT gateway -> internet gateway, or VPC endpoints -> the image registry.
Arrows: ``-->`` ingress, ``-.->`` egress, ``---`` "sits in this subnet".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .loader import load_template

Key = tuple[str, str]  # (template name, logical ID): a logical ID is only unique within its template

VPC = "AWS::EC2::VPC"
SUBNET = "AWS::EC2::Subnet"
INTERNET_GATEWAY = "AWS::EC2::InternetGateway"
ATTACHMENT = "AWS::EC2::VPCGatewayAttachment"
ROUTE = "AWS::EC2::Route"
ASSOCIATION = "AWS::EC2::SubnetRouteTableAssociation"
NAT_GATEWAY = "AWS::EC2::NatGateway"
ENDPOINT = "AWS::EC2::VPCEndpoint"
LOAD_BALANCER = "AWS::ElasticLoadBalancingV2::LoadBalancer"
LISTENERS = ("AWS::ElasticLoadBalancingV2::Listener", "AWS::ElasticLoadBalancingV2::ListenerRule")
ECS_SERVICES = ("AWS::ECS::Service", "AWS::ECS::TaskSet")

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
_MAX_DEPTH = 10  # a malformed import/export chain must not recurse forever


def mermaid_for_files(paths: Iterable[str | Path]) -> str:
    """The diagram of the template files at ``paths`` (YAML or JSON), in the order given."""
    return mermaid_diagram({str(path): load_template(path) for path in paths})


def mermaid_diagram(templates: Mapping[str, dict]) -> str:
    """A ``flowchart LR`` of the templates (name -> long-form template dict); same input, same text.

    Services and load balancers in one template are placed in the subnets another template exports to them.
    No trailing newline.
    """
    return _Builder(templates).build()


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _unique(items: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(items))


def _texts(template: dict, node: Any) -> Iterator[str]:
    """Literal strings inside an expression; a ``Ref`` to a parameter stands for the parameter's default."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for item in node:
            yield from _texts(template, item)
    elif isinstance(node, dict) and "Ref" in node:
        name = node["Ref"]
        default = _dict(_dict(template.get("Parameters")).get(name)).get("Default") if isinstance(name, str) else None
        if isinstance(default, str):
            yield default
    elif isinstance(node, dict):
        for value in node.values():
            yield from _texts(template, value)


def _export_key(name: Any) -> str | None:
    """``${AWS::StackName}-PrivateSubnetIds`` and ``${NetworkStackName}-PrivateSubnetIds`` -> ``PrivateSubnetIds``.

    Exporter and importer spell the stack name differently, so only the key after ``${...}-`` can match.
    """
    if isinstance(name, dict) and "Fn::Sub" in name:
        sub = name["Fn::Sub"]
        text = sub[0] if isinstance(sub, list) and sub else sub
        return text.split("}-", 1)[1] if isinstance(text, str) and "}-" in text else None
    return name if isinstance(name, str) else None


def _mermaid_id(text: str) -> str:
    ident = re.sub(r"[^A-Za-z0-9_]", "_", text) or "_"
    return f"{ident}_" if ident.lower() == "end" else ident  # a bare "end" closes a Mermaid subgraph


def _prefixes(names: Sequence[str]) -> dict[str, str]:
    """Template name -> ID prefix: its file stem, numbered when two templates share a stem."""
    stems = {name: _mermaid_id(Path(name).stem) for name in names}
    counts = Counter(stems.values())
    return {name: f"{stem}{n}" if counts[stem] > 1 else stem for n, (name, stem) in enumerate(stems.items(), 1)}


class _Model:
    """Every resource of every template, reachable across templates through their exports and imports."""

    def __init__(self, templates: Mapping[str, dict]) -> None:
        self.templates = dict(templates)
        self.resources: dict[Key, dict] = {
            (name, logical): resource
            for name, template in templates.items()
            for logical, resource in _dict(template.get("Resources")).items()
            if isinstance(resource, dict)
        }
        self.exports: dict[str, list[tuple[str, Any]]] = {}
        for name, template in templates.items():
            for output in _dict(template.get("Outputs")).values():
                key = _export_key(_dict(_dict(output).get("Export")).get("Name"))
                if key:
                    self.exports.setdefault(key, []).append((name, _dict(output).get("Value")))

    def of_type(self, *types: str) -> list[Key]:
        return [key for key, resource in self.resources.items() if resource.get("Type") in types]

    def type_of(self, key: Key | None) -> str | None:
        return self.resources[key].get("Type") if key in self.resources else None

    def props(self, key: Key) -> dict:
        return _dict(self.resources[key].get("Properties"))

    def resolve(self, template: str, expr: Any, depth: int = 0) -> list[Key]:
        """Resources an expression points at: Ref and GetAtt, through Split, Join and Select, across ImportValue."""
        if depth > _MAX_DEPTH:
            return []
        if isinstance(expr, list):
            return _unique(key for item in expr for key in self.resolve(template, item, depth + 1))
        if not isinstance(expr, dict) or len(expr) != 1:
            return []
        ((function, arg),) = expr.items()
        target = arg[0] if function == "Fn::GetAtt" and isinstance(arg, list) and arg else arg
        if function in ("Ref", "Fn::GetAtt") and isinstance(target, str):
            return [(template, target)] if (template, target) in self.resources else []
        if function in ("Fn::Split", "Fn::Join", "Fn::Select") and isinstance(arg, list) and len(arg) == 2:
            return self.resolve(template, arg[1], depth + 1)
        if function == "Fn::ImportValue":
            exporters = self.exports.get(_export_key(arg) or "", [])
            return _unique(key for name, value in exporters for key in self.resolve(name, value, depth + 1))
        return []

    def first(self, template: str, expr: Any) -> Key | None:
        found = self.resolve(template, expr)
        return found[0] if found else None

    def of_kind(self, template: str, expr: Any, resource_type: str) -> list[Key]:
        return [key for key in self.resolve(template, expr) if self.type_of(key) == resource_type]


@dataclass
class _Endpoints:
    """The VPC endpoints of one VPC."""

    names: list[str] = field(default_factory=list)
    vpc_wide: bool = False  # an interface endpoint answers for the whole VPC through its private DNS name
    route_tables: set[Key] = field(default_factory=set)  # a gateway endpoint only for the route tables it lists

    def serves(self, route_table: Key | None) -> bool:
        return self.vpc_wide or route_table in self.route_tables


def _endpoint_name(template: dict, service_name: Any) -> str:
    """``com.amazonaws.${AWS::Region}.ecr.api`` (Sub, literal or Join) -> ``ecr.api``."""
    text = "".join(_texts(template, service_name))
    if "${AWS::Region}." in text:
        return text.split("${AWS::Region}.", 1)[1]
    return ".".join(text.split(".")[3:]) or text  # com.amazonaws.<region>.<service>


def _endpoints(model: _Model) -> dict[Key | None, _Endpoints]:
    found: dict[Key | None, _Endpoints] = {}
    for key in model.of_type(ENDPOINT):
        props = model.props(key)
        endpoints = found.setdefault(model.first(key[0], props.get("VpcId")), _Endpoints())
        name = _endpoint_name(model.templates[key[0]], props.get("ServiceName"))
        endpoints.names = _unique([*endpoints.names, name])
        # CloudFormation's default endpoint type is Gateway.
        if props.get("VpcEndpointType", "Gateway") == "Gateway":
            endpoints.route_tables.update(model.resolve(key[0], props.get("RouteTableIds")))
        else:
            endpoints.vpc_wide = True
    return found


def _default_routes(model: _Model) -> dict[Key, Key]:
    """Route table -> where its 0.0.0.0/0 route goes (an internet gateway or a NAT gateway)."""
    routes: dict[Key, Key] = {}
    for key in model.of_type(ROUTE):
        props = model.props(key)
        table = model.first(key[0], props.get("RouteTableId"))
        target = model.first(key[0], props.get("GatewayId") or props.get("NatGatewayId"))
        if props.get("DestinationCidrBlock") == "0.0.0.0/0" and table and target:
            routes.setdefault(table, target)
    return routes


def _subnet_route_tables(model: _Model) -> dict[Key, Key]:
    tables: dict[Key, Key] = {}
    for key in model.of_type(ASSOCIATION):
        props = model.props(key)
        subnet = model.first(key[0], props.get("SubnetId"))
        table = model.first(key[0], props.get("RouteTableId"))
        if subnet and table:
            tables.setdefault(subnet, table)
    return tables


def _availability_zone(value: Any) -> str:
    """``!Select [0, !GetAZs ""]`` -> ``AZ 1``; a literal zone name as it is."""
    if isinstance(value, str):
        return value
    select = _dict(value).get("Fn::Select")
    if isinstance(select, list) and len(select) == 2 and "Fn::GetAZs" in _dict(select[1]):
        index = str(select[0])
        return f"AZ {int(index) + 1}" if index.isdigit() else ""
    return ""


def _is_ecr_image(template: dict, image: Any) -> bool:
    """An ECR image URI (``<account>.dkr.ecr.<region>...``) or a repository's ``RepositoryUri``."""
    return any(".dkr.ecr." in text or text.endswith("RepositoryUri") for text in _texts(template, image))


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
    """Reads the topology once, places every node in resource order, then adds edges stage by stage."""

    def __init__(self, templates: Mapping[str, dict]) -> None:
        self.model = model = _Model(templates)
        prefixes = _prefixes(list(templates))
        counts = Counter(logical for _, logical in model.resources)
        self.ids = {
            key: _mermaid_id(key[1] if counts[key[1]] == 1 else f"{prefixes[key[0]]}_{key[1]}")
            for key in model.resources
        }
        self.graph = _Graph()
        self.routes = _default_routes(model)
        self.route_tables = _subnet_route_tables(model)
        self.endpoints = _endpoints(model)
        self.vpc_of: dict[Key, Key | None] = {}
        self.gateway_of: dict[Key | None, Key] = {}  # VPC -> its internet gateway
        for key in model.of_type(ATTACHMENT):
            props = model.props(key)
            vpc = model.first(key[0], props.get("VpcId"))
            gateway = model.first(key[0], props.get("InternetGatewayId"))
            if gateway:
                self.vpc_of.setdefault(gateway, vpc)
                self.gateway_of.setdefault(vpc, gateway)
        for key in model.of_type(SUBNET, NAT_GATEWAY, ENDPOINT):
            self.vpc_of.setdefault(key, model.first(key[0], model.props(key).get("VpcId")))

    def build(self) -> str:
        for key in self.model.resources:
            self._place(key)
        self._ingress()
        self._egress()
        self._registries()
        return self.graph.render()

    # Reading the topology.

    def _name(self, key: Key) -> str:
        return key[1] if self.ids[key] == _mermaid_id(key[1]) else f"{Path(key[0]).stem}/{key[1]}"

    def _default_route(self, subnet: Key) -> Key | None:
        table = self.route_tables.get(subnet)
        return self.routes.get(table) if table else None

    def _is_public(self, subnet: Key) -> bool:
        return self.model.type_of(self._default_route(subnet)) == INTERNET_GATEWAY

    def _subnets(self, key: Key) -> list[Key]:
        props = self.model.props(key)
        if self.model.type_of(key) == LOAD_BALANCER:
            mappings = [_dict(m).get("SubnetId") for m in props.get("SubnetMappings") or []]
            return self.model.of_kind(key[0], [props.get("Subnets"), mappings], SUBNET)
        if self.model.type_of(key) == NAT_GATEWAY:
            return self.model.of_kind(key[0], props.get("SubnetId"), SUBNET)
        return self.model.of_kind(key[0], _awsvpc(props).get("Subnets"), SUBNET)

    def _group(self, vpc: Key | None) -> str:
        """The VPC's subgraph, created on first use."""
        if vpc is None or vpc not in self.ids:
            self.graph.groups.setdefault(OUTSIDE_VPC, "VPC")
            return OUTSIDE_VPC
        cidr = next(iter(_texts(self.model.templates[vpc[0]], self.model.props(vpc).get("CidrBlock"))), "")
        self.graph.groups.setdefault(self.ids[vpc], f"{self._name(vpc)} {cidr}".strip())
        return self.ids[vpc]

    def _nat_exit(self, nat: Key | None) -> Key | None:
        """The internet gateway a NAT gateway sends through: its subnet's, or (regional NAT) its VPC's."""
        if nat is None or self.model.type_of(nat) != NAT_GATEWAY:
            return None
        if self.model.props(nat).get("ConnectivityType") == "private":
            return None
        subnets = self._subnets(nat)
        if subnets:
            gateway = self._default_route(subnets[0])
            return gateway if self.model.type_of(gateway) == INTERNET_GATEWAY else None
        return self.gateway_of.get(self.vpc_of.get(nat))

    def _load_balancers_of(self, service: Key) -> list[Key]:
        """Load balancers whose listeners (or listener rules) forward to one of the service's target groups."""
        attachments = self.model.props(service).get("LoadBalancers") or []
        groups = set(self.model.resolve(service[0], [_dict(a).get("TargetGroupArn") for a in attachments]))
        found = []
        for listener in self.model.of_type(*LISTENERS):
            if groups & set(self.model.resolve(listener[0], _references(self.model.props(listener)))):
                found += self._load_balancer_of(listener)
        return _unique(found)

    def _load_balancer_of(self, listener: Key) -> list[Key]:
        props = self.model.props(listener)
        if "ListenerArn" in props:  # a listener rule: through its listener
            parents = self.model.resolve(listener[0], props["ListenerArn"])
            return [lb for parent in parents if parent != listener for lb in self._load_balancer_of(parent)]
        return self.model.of_kind(listener[0], props.get("LoadBalancerArn"), LOAD_BALANCER)

    def _registries_of(self, service: Key) -> list[str]:
        """ECR and/or a third-party registry, from the images and credentials of the service's task definition."""
        task_definition = self.model.first(service[0], self.model.props(service).get("TaskDefinition"))
        if task_definition is None:
            return []
        template = self.model.templates[task_definition[0]]
        registries = []
        for container in self.model.props(task_definition).get("ContainerDefinitions") or []:
            container = _dict(container)
            # Credentials only make sense for a registry outside ECR, whatever the image string says.
            ecr = "RepositoryCredentials" not in container and _is_ecr_image(template, container.get("Image"))
            registries.append(ECR if ecr else THIRD_PARTY)
        return _unique(registries)

    # Nodes.

    def _place(self, key: Key) -> None:
        """Adds the node of a resource the diagram shows, in its VPC and subnet tier."""
        kind = self.model.type_of(key)
        props = self.model.props(key)
        ident, name = self.ids[key], self._name(key)
        if kind == VPC:
            self._group(key)
        elif kind == INTERNET_GATEWAY:
            self.graph.node(ident, f"{name} (internet gateway)", group=self._group(self.vpc_of.get(key)))
        elif kind == SUBNET:
            zone = _availability_zone(props.get("AvailabilityZone"))
            tier = PUBLIC if self._is_public(key) else PRIVATE
            self.graph.node(ident, f"{name} ({zone})" if zone else name, group=self._group(self.vpc_of[key]), tier=tier)
        elif kind == NAT_GATEWAY:
            regional = props.get("AvailabilityMode") == "regional"
            private = props.get("ConnectivityType") == "private"
            label = f"{name} ({'regional ' if regional else 'private ' if private else ''}NAT gateway)"
            self._place_in_subnets(key, label, fallback_vpc=self.vpc_of.get(key))
        elif kind == ENDPOINT:
            vpc = self.vpc_of.get(key)
            group = self._group(vpc)
            names = ", ".join(self.endpoints[vpc].names)
            self.graph.node(f"{group}_endpoints", f"VPC endpoints ({names})", group=group)
        elif kind == LOAD_BALANCER:
            lb_kind = LOAD_BALANCER_KINDS.get(props.get("Type", "application"), "load balancer")
            self._place_in_subnets(key, f"{name} ({lb_kind}, {props.get('Scheme', 'internet-facing')})")
        elif kind in ECS_SERVICES:
            what = "Fargate" if props.get("LaunchType") == "FARGATE" else "ECS"
            what += " service" if kind == ECS_SERVICES[0] else " task set"
            ips = "public IPs" if _awsvpc(props).get("AssignPublicIp") == "ENABLED" else "private IPs only"
            self._place_in_subnets(key, f"{name} ({what}, {ips})")

    def _place_in_subnets(self, key: Key, label: str, fallback_vpc: Key | None = None) -> None:
        """In the VPC and tier of its first subnet; with no subnet, at VPC level (or outside any VPC)."""
        subnets = self._subnets(key)
        if subnets:
            tier = PUBLIC if self._is_public(subnets[0]) else PRIVATE
            self.graph.node(self.ids[key], label, group=self._group(self.vpc_of.get(subnets[0])), tier=tier)
        elif fallback_vpc is not None:
            self.graph.node(self.ids[key], label, group=self._group(fallback_vpc))
        else:
            self.graph.node(self.ids[key], label)

    def _internet(self) -> str:
        self.graph.node(INTERNET, "Internet", "circle")
        return INTERNET

    # Edges.

    def _ingress(self) -> None:
        ids, edge = self.ids, self.graph.edge
        for gateway in self.model.of_type(INTERNET_GATEWAY):
            edge(self._internet(), "-->", ids[gateway])
        for subnet in self.model.of_type(SUBNET):
            gateway = self._default_route(subnet)
            if gateway is not None and self._is_public(subnet):
                edge(ids[gateway], "-->", ids[subnet])
        for lb in self.model.of_type(LOAD_BALANCER):
            subnets = self._subnets(lb)
            for subnet in subnets:
                edge(ids[subnet], "---", ids[lb])
            facing = self.model.props(lb).get("Scheme", "internet-facing") == "internet-facing"
            if facing and not any(self._is_public(subnet) for subnet in subnets):
                edge(self._internet(), "-->", ids[lb])  # the network template is not among the inputs
        for service in self.model.of_type(*ECS_SERVICES):
            for lb in self._load_balancers_of(service):
                edge(ids[lb], "-->", ids[service])
            for subnet in self._subnets(service):
                edge(ids[service], "---", ids[subnet])

    def _egress(self) -> None:
        ids, edge = self.ids, self.graph.edge
        for subnet in self.model.of_type(SUBNET):
            if self._is_public(subnet):
                continue
            target = self._default_route(subnet)
            if target is not None:
                edge(ids[subnet], "-.->", ids[target])
            vpc = self.vpc_of[subnet]
            if vpc in self.endpoints and self.endpoints[vpc].serves(self.route_tables.get(subnet)):
                edge(ids[subnet], "-.->", f"{self._group(vpc)}_endpoints")
        for nat in self.model.of_type(NAT_GATEWAY):
            for subnet in self._subnets(nat):
                edge(ids[subnet], "---", ids[nat])
            gateway = self._nat_exit(nat)
            if gateway is not None:
                edge(ids[nat], "-.->", ids[gateway])

    def _exits(self, subnets: list[Key], registry: str) -> list[str]:
        """Where traffic from these subnets to the registry leaves the VPC."""
        exits = []
        for subnet in subnets:
            vpc = self.vpc_of[subnet]
            endpoints = self.endpoints.get(vpc)
            # Private DNS sends ECR traffic to the ecr.dkr endpoint even where a NAT gateway exists too.
            if (
                registry == ECR
                and endpoints
                and "ecr.dkr" in endpoints.names
                and endpoints.serves(self.route_tables.get(subnet))
            ):
                exits.append(f"{self._group(vpc)}_endpoints")
                continue
            target = self._default_route(subnet)
            gateway = target if self.model.type_of(target) == INTERNET_GATEWAY else self._nat_exit(target)
            if gateway is not None:
                exits.append(self.ids[gateway])
        return _unique(exits)

    def _registries(self) -> None:
        for service in self.model.of_type(*ECS_SERVICES):
            subnets = self._subnets(service)
            for registry in self._registries_of(service):
                self.graph.node(registry, REGISTRY_LABELS[registry], "cylinder")
                exits = self._exits(subnets, registry)
                for exit_node in exits:
                    self.graph.edge(exit_node, "-.->", registry)
                if not subnets:  # the network template is not among the inputs: path unknown
                    self.graph.edge(self.ids[service], "-.->", registry)
                elif not exits:  # the network is known and has no way out to this registry
                    self.graph.edge(self.ids[service], "-. no route .->", registry)


def _escape(label: str) -> str:
    return label.replace('"', "#quot;")  # a double quote would end Mermaid's quoted label


def _awsvpc(props: dict) -> dict:
    network = _dict(props.get("NetworkConfiguration"))
    # AWS::ECS::Service spells it AwsvpcConfiguration, AWS::ECS::TaskSet AwsVpcConfiguration.
    return _dict(network.get("AwsvpcConfiguration") or network.get("AwsVpcConfiguration"))


def _references(node: Any) -> list[dict]:
    """Every Ref and GetAtt inside an expression, as the expressions themselves (to resolve)."""
    if isinstance(node, list):
        return [ref for item in node for ref in _references(item)]
    if not isinstance(node, dict):
        return []
    if len(node) == 1 and next(iter(node)) in ("Ref", "Fn::GetAtt"):
        return [node]
    return [ref for value in node.values() for ref in _references(value)]


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
    if updated == text:
        return False
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(updated, encoding="utf-8")
    temp.replace(path)
    return True
