"""Where a subnet's traffic goes: route tables, default routes, NAT and internet gateways, VPC endpoints."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..config.network import ECR_PULL_ENDPOINTS, S3_GATEWAY
from .resolve import Resolver
from .values import NO_VALUE, Literal, ResourceRef, Unknown, Value, literals

ANYWHERE_V4, ANYWHERE_V6 = "0.0.0.0/0", "::/0"
INTERNET_GATEWAY = "AWS::EC2::InternetGateway"
NAT_GATEWAY = "AWS::EC2::NatGateway"
# What an image pull needs without NAT, as the generator knows it: the ECR API and registry endpoints, and S3.
S3_SERVICE = S3_GATEWAY
ECR_INTERFACE_SERVICES = tuple(e for e in ECR_PULL_ENDPOINTS if e != S3_GATEWAY)
ECR_ENDPOINT_SERVICES = (*ECR_INTERFACE_SERVICES, S3_SERVICE)
_ROUTE_TARGETS = (
    "GatewayId",
    "NatGatewayId",
    "TransitGatewayId",
    "NetworkInterfaceId",
    "InstanceId",
    "VpcPeeringConnectionId",
    "VpcEndpointId",
    "EgressOnlyInternetGatewayId",
    "CarrierGatewayId",
    "LocalGatewayId",
    "CoreNetworkArn",
)

# What a 0.0.0.0/0 route leads to.
TO_INTERNET_GATEWAY, TO_NAT, BLOCKED, UNRESOLVED = "internet gateway", "nat", "blocked", "unresolved"
# A way out the checker does not follow (another network or an appliance decides): W9015 says what to verify.
UNFOLLOWED = "unfollowed"
_VERIFY_UNFOLLOWED = {
    "TransitGatewayId": (
        "transit gateway",
        "verify its route table sends 0.0.0.0/0 to an egress VPC with NAT, or to a VPC whose endpoints serve "
        "ECR, S3 and the other services the tasks call, on TCP 443 both ways",
    ),
    "CoreNetworkArn": (
        "Cloud WAN core network",
        "verify its segment routes 0.0.0.0/0 to an egress VPC with NAT that allows TCP 443",
    ),
    "VpcPeeringConnectionId": (
        "VPC peering connection",
        "a peered VPC does not forward traffic to its own NAT or internet gateway (no edge-to-edge routing): "
        "verify a proxy or endpoints in the peer VPC serve the registry and AWS APIs on TCP 443",
    ),
    "VpcEndpointId": (
        "firewall or Gateway Load Balancer endpoint",
        "verify the firewall allows TCP 443 to the registry and AWS APIs and its subnet routes 0.0.0.0/0 on to a "
        "NAT gateway",
    ),
    "InstanceId": (
        "instance",
        "verify it is a NAT instance or proxy with source/destination check off, a public path, and TCP 443 allowed",
    ),
    "NetworkInterfaceId": (
        "network interface",
        "verify its instance is a NAT instance or proxy with source/destination check off, a public path, and "
        "TCP 443 allowed",
    ),
}


@dataclass(frozen=True)
class Hop:
    """One target of a route table's 0.0.0.0/0 route, as path text; ``problem`` says why it is no way out."""

    kind: str
    text: str
    problem: str = ""
    # Where the hop reaches the internet, when it does: for a drawing of the path.
    gateway: ResourceRef | None = None


@dataclass(frozen=True)
class Publicity:
    """Whether a subnet is public (None: cannot tell), and the route that says so."""

    public: bool | None
    detail: str


@dataclass(frozen=True)
class Egress:
    """A subnet's ways out through one of its route tables (None: the VPC main route table)."""

    subnet: ResourceRef
    route_table: Value | None
    hops: tuple[Hop, ...]
    endpoints: tuple[str, ...]
    endpoint_notes: tuple[str, ...] = ()

    @property
    def has_nat(self) -> bool:
        return bool(self.hops) and all(hop.kind == TO_NAT for hop in self.hops)

    @property
    def missing_ecr_endpoints(self) -> list[str]:
        return [service for service in ECR_ENDPOINT_SERVICES if service not in self.endpoints]

    @property
    def reaches_registry(self) -> bool:
        return self.has_nat or not self.missing_ecr_endpoints

    @property
    def text(self) -> str:
        start = self.subnet.logical_id
        if self.route_table is None:
            return f"{start} -> VPC main route table (not in the given templates)"
        if isinstance(self.route_table, Unknown):
            return f"{start} -> route table from {self.route_table.reason} (unresolved)"
        if not isinstance(self.route_table, ResourceRef):
            return f"{start} -> route table {self.route_table.value} (not in the given templates)"
        ways = [hop.text for hop in self.hops]
        if self.endpoints:
            ways.append(f"VPC endpoints ({', '.join(self.endpoints)})")
        if not ways:
            ways.append("no 0.0.0.0/0 route, no VPC endpoints")
        return f"{start} -> {self.route_table.name_from(self.subnet.template)} -> {'; '.join(ways)}"


def describe(value: Value, seen_from: str) -> str:
    """A value for a message: a logical ID, a literal, or what could not be resolved."""
    if isinstance(value, ResourceRef):
        return value.name_from(seen_from)
    if isinstance(value, Literal):
        return str(value.value)
    return value.reason


class RouteTables:
    """Routing across the given templates, indexed once."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self._route_tables = self._index_associations()
        self._routes = self._index_routes()
        self._gateways_of_vpc = self._index_gateway_attachments()

    def _index_associations(self) -> dict[ResourceRef, list[Value]]:
        route_tables: dict[ResourceRef, list[Value]] = defaultdict(list)
        for association in self.resolver.of_type("AWS::EC2::SubnetRouteTableAssociation"):
            properties = self.resolver.properties(association)
            tables = self.resolver.scalar(association.template, properties.get("RouteTableId"))
            tables = [table for table in tables if table != NO_VALUE]
            for subnet in self.resolver.scalar(association.template, properties.get("SubnetId")):
                if isinstance(subnet, ResourceRef):
                    route_tables[subnet].extend(tables)
        return route_tables

    def _index_routes(self) -> dict[tuple[ResourceRef, str], list[tuple[str, Value]]]:
        """(route table, destination) -> (target property, target) of its routes."""
        routes: dict[tuple[ResourceRef, str], list[tuple[str, Value]]] = defaultdict(list)
        for route in self.resolver.of_type("AWS::EC2::Route"):
            properties = self.resolver.properties(route)
            destination = properties.get("DestinationCidrBlock") or properties.get("DestinationIpv6CidrBlock")
            key = next((key for key in _ROUTE_TARGETS if key in properties), None)
            if not isinstance(destination, str) or key is None:
                continue
            targets = [(key, value) for value in self.resolver.scalar(route.template, properties[key])]
            for table in self.resolver.scalar(route.template, properties.get("RouteTableId")):
                if isinstance(table, ResourceRef):
                    routes[(table, destination)].extend(targets)
        return routes

    def _index_gateway_attachments(self) -> dict[ResourceRef, list[ResourceRef]]:
        gateways: dict[ResourceRef, list[ResourceRef]] = defaultdict(list)
        for attachment in self.resolver.of_type("AWS::EC2::VPCGatewayAttachment"):
            properties = self.resolver.properties(attachment)
            found = self.resolver.scalar(attachment.template, properties.get("InternetGatewayId"))
            for vpc in self.resolver.scalar(attachment.template, properties.get("VpcId")):
                if isinstance(vpc, ResourceRef):
                    gateways[vpc].extend(g for g in found if self.resolver.is_type(g, INTERNET_GATEWAY))
        return gateways

    # --- subnets ---------------------------------------------------------------------------------------------

    def route_tables(self, subnet: ResourceRef) -> list[Value]:
        """The subnet's associated route tables; empty when it falls back to the VPC main route table."""
        return self._route_tables.get(subnet, [])

    def default_targets(self, route_table: ResourceRef, destination: str = ANYWHERE_V4) -> list[tuple[str, Value]]:
        """(target property, target) of the route table's routes to ``destination``."""
        return self._routes.get((route_table, destination), [])

    def vpcs(self, resource: ResourceRef) -> set[ResourceRef]:
        values = self.resolver.scalar(resource.template, self.resolver.properties(resource).get("VpcId"))
        return {v for v in values if isinstance(v, ResourceRef)}

    def publicity(self, subnet: ResourceRef, destinations: tuple[str, ...] = (ANYWHERE_V4,)) -> Publicity:
        """Public if a route table of the subnet sends a default route to an internet gateway."""
        tables = self.route_tables(subnet)
        if not tables:
            return Publicity(None, "it has no route table association, so the VPC main route table applies")
        verdicts = [self._table_publicity(subnet, table, destinations) for table in tables]
        # One public route table makes the subnet public; one unknown makes it unknown.
        return min(verdicts, key=lambda verdict: {True: 0, None: 1, False: 2}[verdict.public])

    def _table_publicity(self, subnet: ResourceRef, table: Value, destinations: tuple[str, ...]) -> Publicity:
        if isinstance(table, Literal):
            return Publicity(None, f"its route table {table.value} is not in the given templates")
        if not isinstance(table, ResourceRef):
            return Publicity(None, f"its route table comes from {describe(table, subnet.template)}")
        table_name = table.name_from(subnet.template)
        unknown: Publicity | None = None
        other: list[str] = []
        for destination in destinations:
            for key, target in self.default_targets(table, destination):
                target_name = describe(target, subnet.template)
                if self.resolver.is_type(target, INTERNET_GATEWAY):
                    return Publicity(True, f"{table_name} routes {destination} to {target_name}")
                # Only GatewayId can name an internet gateway: an unresolved NatGatewayId is still not one.
                if key == "GatewayId" and not isinstance(target, ResourceRef):
                    unknown = Publicity(None, f"{table_name} routes {destination} to {target_name}")
                else:
                    other.append(f"routes {destination} to {target_name}")
        if unknown:
            return unknown
        return Publicity(False, f"{table_name} {', '.join(other) if other else f'has no {ANYWHERE_V4} route'}")

    def internet_gateways(self, vpc: ResourceRef) -> list[ResourceRef]:
        """The internet gateways attached to a VPC."""
        return self._gateways_of_vpc.get(vpc, [])

    def internet_gateway(self, subnet: ResourceRef) -> ResourceRef | None:
        """The internet gateway a subnet's 0.0.0.0/0 route goes to, if any."""
        for table in self.route_tables(subnet):
            if isinstance(table, ResourceRef):
                for _, target in self.default_targets(table):
                    if self.resolver.is_type(target, INTERNET_GATEWAY):
                        return target
        return None

    # --- egress ----------------------------------------------------------------------------------------------

    def egress(self, subnet: ResourceRef) -> list[Egress]:
        """The subnet's ways out, one per route table it can have."""
        tables = self.route_tables(subnet) or [None]
        return [self._egress_through(subnet, table) for table in tables]

    def _egress_through(self, subnet: ResourceRef, table: Value | None) -> Egress:
        if not isinstance(table, ResourceRef):
            return Egress(subnet, table, (), ())
        hops = tuple(
            hop for key, target in self.default_targets(table) for hop in self.hops(target, subnet.template, key)
        )
        endpoints, notes = self._endpoints(subnet, table)
        return Egress(subnet, table, hops, endpoints, notes)

    def hops(self, target: Value, seen_from: str, key: str = "") -> list[Hop]:
        """Where a 0.0.0.0/0 route to ``target`` (the route's ``key`` property) leads, seen from ``seen_from``."""
        name = describe(target, seen_from)
        if key in _VERIFY_UNFOLLOWED:
            kind, verify = _VERIFY_UNFOLLOWED[key]
            problem = f"0.0.0.0/0 goes to {kind} {name}, which the checker does not follow: {verify}"
            return [Hop(UNFOLLOWED, f"{name} ({kind}, not followed)", problem)]
        if isinstance(target, Unknown):
            return [Hop(UNRESOLVED, f"{name} (unresolved)", f"0.0.0.0/0 goes to {name}")]
        if isinstance(target, Literal):
            return [Hop(UNRESOLVED, f"{name} (not in the given templates)", f"0.0.0.0/0 goes to {name}")]
        resource_type = self.resolver.type_of(target)
        if resource_type == INTERNET_GATEWAY:
            return [Hop(TO_INTERNET_GATEWAY, name, f"0.0.0.0/0 goes straight to {name}", target)]
        if resource_type == NAT_GATEWAY:
            return self._nat_hops(target, seen_from)
        return [Hop(UNRESOLVED, f"{name} ({resource_type}, not followed)", f"0.0.0.0/0 goes to {name}")]

    def _nat_hops(self, nat: ResourceRef, seen_from: str) -> list[Hop]:
        """A NAT gateway reaches the internet if it is regional or sits in a public subnet."""
        name = nat.name_from(seen_from)
        properties = self.resolver.properties(nat)
        if "private" in literals(self.resolver.scalar(nat.template, properties.get("ConnectivityType"))):
            return [Hop(BLOCKED, f"{name} (private)", f"0.0.0.0/0 goes to {name}, a private NAT gateway")]
        if "regional" in literals(self.resolver.scalar(nat.template, properties.get("AvailabilityMode"))):
            return [self._regional_nat_hop(nat, seen_from)]
        hops = []
        for subnet in self.resolver.scalar(nat.template, properties.get("SubnetId")):
            if not isinstance(subnet, ResourceRef):
                detail = describe(subnet, nat.template)
                hops.append(Hop(UNRESOLVED, f"{name} (in {detail})", f"the subnet of {name}: {detail}"))
                continue
            subnet_name = subnet.name_from(seen_from)
            gateway = self.internet_gateway(subnet)
            if gateway:
                hops.append(
                    Hop(TO_NAT, f"{name} (in {subnet_name}) -> {gateway.name_from(seen_from)}", gateway=gateway)
                )
            else:
                problem = f"0.0.0.0/0 goes to {name}, which sits in {subnet_name}, not a public subnet"
                hops.append(Hop(BLOCKED, f"{name} (in {subnet_name}, not public)", problem))
        return hops

    def _regional_nat_hop(self, nat: ResourceRef, seen_from: str) -> Hop:
        """A regional NAT gateway needs no public subnet, but leaves through its VPC's internet gateway.

        AWS gives a public regional NAT gateway a route table of its own whose 0.0.0.0/0 route goes to the internet
        gateway attached to the VPC; with none attached, its traffic has no way out
        (https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateways-regional.html).
        """
        name = nat.name_from(seen_from)
        vpc_values = self.resolver.scalar(nat.template, self.resolver.properties(nat).get("VpcId"))
        vpcs = sorted((v for v in vpc_values if isinstance(v, ResourceRef)), key=str)
        gateways = [gateway for vpc in vpcs for gateway in self.internet_gateways(vpc)]
        if gateways:
            return Hop(TO_NAT, f"{name} (regional) -> {gateways[0].name_from(seen_from)}", gateway=gateways[0])
        unresolved = [describe(v, nat.template) for v in vpc_values if not isinstance(v, ResourceRef)]
        if unresolved or not vpcs:
            detail = ", ".join(unresolved) or "no VpcId"
            return Hop(UNRESOLVED, f"{name} (regional, in {detail})", f"the VPC of {name}: {detail}")
        vpc_names = ", ".join(vpc.name_from(seen_from) for vpc in vpcs)
        problem = f"0.0.0.0/0 goes to {name}, a regional NAT gateway in {vpc_names}, which has no internet gateway"
        return Hop(BLOCKED, f"{name} (regional, no internet gateway)", problem)

    def _endpoints(self, subnet: ResourceRef, table: ResourceRef) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Endpoint services usable from the subnet: interface ones in its VPC, gateway ones on its route table."""
        vpcs = self.vpcs(subnet)
        usable: set[str] = set()
        notes: list[str] = []
        for endpoint in self.resolver.of_type("AWS::EC2::VPCEndpoint"):
            properties = self.resolver.properties(endpoint)
            service = self.resolver.endpoint_service(endpoint)
            kinds = literals(self.resolver.scalar(endpoint.template, properties.get("VpcEndpointType", "Gateway")))
            if service is None:
                continue
            if "interface" in kinds and vpcs & self.vpcs(endpoint):
                private_dns = literals(self.resolver.scalar(endpoint.template, properties.get("PrivateDnsEnabled")))
                # Without private DNS the tasks resolve ECR's public names and never use the endpoint.
                if {True, "true"} & private_dns:
                    usable.add(service)
                else:
                    notes.append(f"{endpoint.name_from(subnet.template)} ({service}) has PrivateDnsEnabled off")
            elif "gateway" in kinds:
                tables = self.resolver.items(endpoint.template, properties.get("RouteTableIds"))
                if table in tables:
                    usable.add(service)
        return tuple(sorted(usable)), tuple(notes)
