"""What the diagram reads from the templates, through the checker's reading (``checks``): the VPCs and their tiers,
the workloads and the load balancers in front of them, NAT gateways, endpoints and registries. ``Topology`` answers;
``flows`` draws."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..checks.cloudfront import DISTRIBUTION, VpcOriginLinks
from ..checks.queries import (
    container_outside_ecr,
    forwarded_target_groups,
    image_registry,
    load_balancer_subnets,
    load_balancers_by_target_group,
    service_target_groups,
    task_subnets,
)
from ..checks.resolve import Resolver
from ..checks.route_tables import NAT_GATEWAY, RouteTables
from ..checks.values import Literal, ResourceRef, literals
from ..checks.workloads import (
    LISTENER_RULE,
    LOAD_BALANCER,
    SUBNET,
    Workload,
    World,
    containers,
    workloads,
)
from .mermaid import (
    BREAK,
    PRIVATE,
    PUBLIC,
    Graph,
    mermaid_id,
)

VPC = "AWS::EC2::VPC"
ENDPOINT = "AWS::EC2::VPCEndpoint"

TIERS, SUBNETS = "tiers", "subnets"
DETAILS = (TIERS, SUBNETS)

# Nodes that are not resources get IDs with "_": logical IDs are alphanumeric, so these never collide.
ECR = "ext_ecr"
THIRD_PARTY = "ext_third_party"
OUTSIDE_VPC = "ext_vpc"
REGISTRY_LABELS = {ECR: "Amazon ECR", THIRD_PARTY: "Third-party registry"}
LOAD_BALANCER_KINDS = {"application": "ALB", "network": "NLB", "gateway": "GWLB"}

REQUESTS, IMAGE_PULL, VIA_GATEWAY, OTHER_TRAFFIC = (
    "requests",
    "image pull",
    f"via Internet{BREAK}gateway",
    "other traffic",
)
# A pull straight from a public subnet: it leaves by the internet gateway without a NAT gateway.
DIRECT = "direct"
# Interface endpoint names per label line, so the endpoints node stays narrow.
ENDPOINTS_PER_LINE = 3


def unique(items: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(items))


def _prefixes(names: Sequence[str]) -> dict[str, str]:
    """Template name -> ID prefix: its file stem, numbered when two templates share a stem."""
    stems = {name: mermaid_id(Path(name).stem) for name in names}
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


def in_lines(words: Sequence[str], per_line: int) -> list[str]:
    return [", ".join(words[start : start + per_line]) for start in range(0, len(words), per_line)]


class Topology:
    """The templates read through the checker once, with the node ID of every resource."""

    def __init__(self, templates: Mapping[str, dict], detail: str) -> None:
        self.detail = detail == SUBNETS
        self.resolver = resolver = Resolver(templates)
        self.route_tables = RouteTables(resolver)
        self.world = World(resolver, self.route_tables)
        resources = [ResourceRef(name, logical) for name in templates for logical in resolver.resources(name)]
        prefixes = _prefixes(list(templates))
        counts = Counter(ref.logical_id for ref in resources)
        self.ids: dict[ResourceRef, str] = {}
        for ref in resources:
            shared = counts[ref.logical_id] > 1
            self.ids[ref] = mermaid_id(f"{prefixes[ref.template]}_{ref.logical_id}" if shared else ref.logical_id)
        self.graph = Graph(show_names=self.detail)
        # What starts tasks, by resource: an EventBridge rule can have several ECS targets.
        self.workloads: dict[ResourceRef, list[Workload]] = {}
        for workload in workloads(resolver):
            self.workloads.setdefault(workload.ref, []).append(workload)
        self.fronting = load_balancers_by_target_group(resolver)
        self.routing = self._routing_conditions()
        self.vpc_of_gateway: dict[ResourceRef, ResourceRef] = {}
        for vpc in resolver.of_type(VPC):
            for gateway in self.route_tables.internet_gateways(vpc):
                self.vpc_of_gateway.setdefault(gateway, vpc)
        self.endpoint_names: dict[ResourceRef | None, list[str]] = {}
        for endpoint in resolver.of_type(ENDPOINT):
            names = self.endpoint_names.setdefault(self._vpc(endpoint), [])
            name = resolver.endpoint_service(endpoint)
            if name and name not in names:
                names.append(name)
        self.nat_nodes = self._nat_nodes()
        self.vpc_origins = VpcOriginLinks(resolver, list(resolver.of_type(DISTRIBUTION)))

    # Reading the topology.

    def _name(self, ref: ResourceRef) -> str:
        same = self.ids[ref] == mermaid_id(ref.logical_id)
        return ref.logical_id if same else f"{Path(ref.template).stem}/{ref.logical_id}"

    def _named(self, ref: ResourceRef, key: str, resource_type: str | None = None) -> list[ResourceRef]:
        """The resources a one-value property of ``ref`` names (of ``resource_type``, if given)."""
        values = self.resolver.scalar(ref.template, self.resolver.properties(ref).get(key))
        return unique(
            v for v in values if isinstance(v, ResourceRef) and resource_type in (None, self.resolver.type_of(v))
        )

    def _vpc(self, ref: ResourceRef) -> ResourceRef | None:
        return next(iter(self._named(ref, "VpcId")), None)

    def _words(self, ref: ResourceRef, key: str, default: str) -> set[str]:
        """The literal values a property can take, lowercased; ``default`` when it is absent."""
        return literals(self.resolver.scalar(ref.template, self.resolver.properties(ref).get(key, default)))

    def _with_defaults(self, template: str, expression: Any) -> Any:
        """``expression`` with each parameter with a default replaced by that default: what a label shows."""
        parameters = self.resolver.templates[template].get("Parameters")
        if not isinstance(parameters, dict):
            return expression
        if isinstance(expression, list):
            return [self._with_defaults(template, item) for item in expression]
        if not isinstance(expression, dict):
            return expression
        parameter = parameters.get(expression.get("Ref")) if list(expression) == ["Ref"] else None
        if isinstance(parameter, dict) and "Default" in parameter:
            return parameter["Default"]
        return {key: self._with_defaults(template, value) for key, value in expression.items()}

    def _shown(self, ref: ResourceRef, key: str, default: str = "") -> str:
        """A property's value for a label: its first literal, a parameter's default standing in for the parameter."""
        expression = self._with_defaults(ref.template, self.resolver.properties(ref).get(key, default))
        values = self.resolver.scalar(ref.template, expression)
        return next((str(v.value) for v in values if isinstance(v, Literal) and v.value is not None), "")

    def _is_public(self, subnet: ResourceRef) -> bool:
        return self.route_tables.internet_gateway(subnet) is not None

    def _tier(self, subnet: ResourceRef) -> str:
        return PUBLIC if self._is_public(subnet) else PRIVATE

    def _zone(self, subnet: ResourceRef) -> str:
        return _availability_zone(self.resolver.properties(subnet).get("AvailabilityZone"))

    def _subnets(self, ref: ResourceRef) -> list[ResourceRef]:
        kind = self.resolver.type_of(ref)
        if kind == LOAD_BALANCER:
            values = load_balancer_subnets(self.resolver, ref)
            return unique(v for v in values if self.resolver.is_type(v, SUBNET))
        if kind == NAT_GATEWAY:
            return self._named(ref, "SubnetId", SUBNET)
        return unique(s for w in self.workloads.get(ref, []) for s in task_subnets(self.world, w)[0])

    def _group_id(self, vpc: ResourceRef | None) -> str:
        return self.ids[vpc] if vpc is not None and vpc in self.ids else OUTSIDE_VPC

    def _group(self, vpc: ResourceRef | None) -> str:
        """The VPC's subgraph, created on first use."""
        ident = self._group_id(vpc)
        label = f"{self._name(vpc)} {self._shown(vpc, 'CidrBlock')}".strip() if ident != OUTSIDE_VPC else "VPC"
        self.graph.groups.setdefault(ident, label)
        return ident

    def _where(self, subnets: list[ResourceRef], fallback_vpc: ResourceRef | None = None) -> tuple[str | None, ...]:
        """(group, tier): the VPC and tier of the first subnet; with none, VPC level (or outside any VPC)."""
        if subnets:
            return self._group(self._vpc(subnets[0])), self._tier(subnets[0])
        if fallback_vpc is not None:
            return self._group(fallback_vpc), None
        return None, None

    def _load_balancers_of(self, ref: ResourceRef) -> list[ResourceRef]:
        """Load balancers whose listeners (or listener rules) forward to one of the service's target groups."""
        fronting = {lb for tg in self._target_groups(ref) for lb in self.fronting.get(tg, ())}
        return [lb for lb in self.resolver.of_type(LOAD_BALANCER) if lb in fronting]

    def _target_groups(self, ref: ResourceRef) -> list[ResourceRef]:
        return unique(tg for w in self.workloads[ref] for tg in service_target_groups(self.resolver, w))

    def _routing_conditions(self) -> dict[Any, list[str]]:
        """Target group -> the host and path conditions of the listener rules forwarding to it, one text a rule.

        A target group serves one load balancer, so the conditions label that load balancer's edge to the service.
        """
        found: dict[Any, list[str]] = {}
        for rule in self.resolver.of_type(LISTENER_RULE):
            properties = self.resolver.properties(rule)
            text = " ".join(self._condition_values(rule, properties.get("Conditions")))
            for target_group in forwarded_target_groups(self.resolver, rule, properties.get("Actions")):
                texts = found.setdefault(target_group, [])
                if text and text not in texts:
                    texts.append(text)
        return found

    def _condition_values(self, rule: ResourceRef, conditions: Any) -> list[str]:
        """``api.example.com``, ``/orders/*``: the values of host-header and path-pattern conditions, in order."""
        configs = {"host-header": "HostHeaderConfig", "path-pattern": "PathPatternConfig"}
        shown = []
        for _, condition in self.resolver.mappings(rule.template, conditions):
            for field in literals(self.resolver.scalar(rule.template, condition.get("Field"))) & set(configs):
                config = condition.get(configs[field])
                # Values sits in the field's config, or (the older spelling) next to Field.
                expression = config.get("Values") if isinstance(config, dict) else condition.get("Values")
                values = self.resolver.items(rule.template, self._with_defaults(rule.template, expression))
                shown += [str(v.value) for v in values if isinstance(v, Literal) and v.value not in (None, "")]
        return shown

    def _registries_of(self, ref: ResourceRef) -> list[str]:
        """ECR and/or a third-party registry, from the containers of the task definitions it runs."""
        return unique(THIRD_PARTY if container_outside_ecr(c) else ECR for c in self._containers(ref))

    def _containers(self, ref: ResourceRef) -> list[dict]:
        return [c for w in self.workloads[ref] for c in containers(self.resolver, w)]

    def _third_party_hosts(self) -> list[str]:
        """Registry hosts the templates spell out, for the third-party registry's label."""
        found = [c for ref in self.workloads for c in self._containers(ref) if container_outside_ecr(c)]
        return unique(host for c in found if (host := image_registry(c.get("Image"))))

    # Nodes.

    def _nat_nodes(self) -> dict[ResourceRef, str]:
        """NAT gateway -> its node: by tier, one node per VPC, tier and kind (zonal, regional, private), labelled
        with their count; in detail, one node per gateway."""
        return {nat: self._nat_node_id(nat) for nat in self.resolver.of_type(NAT_GATEWAY)}

    def _nat_kind(self, nat: ResourceRef) -> str:
        if "private" in self._words(nat, "ConnectivityType", "public"):
            return "private"
        return "regional" if "regional" in self._words(nat, "AvailabilityMode", "zonal") else "zonal"

    def _nat_node_id(self, nat: ResourceRef) -> str:
        if self.detail:
            return self.ids[nat]
        subnets = self._subnets(nat)
        vpc = self._vpc(subnets[0]) if subnets else self._vpc(nat)
        group = self._group_id(vpc) if subnets or vpc else "ext"
        tier = self._tier(subnets[0]) if subnets else ""
        kind = self._nat_kind(nat)
        return "_".join(part for part in (group, tier, "" if kind == "zonal" else kind, "nat") if part)

    def _nat_label(self, nat: ResourceRef, count: int, subnets: list[ResourceRef]) -> str:
        kind = self._nat_kind(nat)
        if kind == "private":
            # A private NAT gateway cannot reach the Internet: the internet gateway drops its traffic.
            return f"NAT gateway{BREAK}private: no Internet"
        if kind == "regional":
            # https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateways-regional.html: one gateway that
            # follows the workloads into every AZ, with no public subnet of its own.
            return f"NAT gateway{BREAK}regional: all AZs"
        zones = unique(zone for subnet in subnets if (zone := self._zone(subnet)))
        if count == 1:
            return f"NAT gateway{BREAK}{'single, ' if not self.detail else ''}{zones[0]}" if zones else "NAT gateway"
        if len(zones) == count:
            return f"NAT gateway{BREAK}one per AZ"
        return f"{count} NAT gateways"
