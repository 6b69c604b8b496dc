"""What is live, as a template: audit reads the VPCs, subnets, route tables and routes, gateways, endpoints, security
groups, ECS services and their task definitions, load balancers, listeners and rules, and writes them as the
CloudFormation resources they would be, each named by its ID, so the checker's rules run on them unchanged."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .aws import Aws

_ROUTE_TARGETS = (
    "NatGatewayId",
    "TransitGatewayId",
    "NetworkInterfaceId",
    "InstanceId",
    "VpcPeeringConnectionId",
    "EgressOnlyInternetGatewayId",
    "CarrierGatewayId",
    "LocalGatewayId",
    "CoreNetworkArn",
)
_PROTOCOLS = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}


def ecs_name(arn: str) -> str:
    """``web-Service-1`` from ``arn:aws:ecs:<region>:<account>:service/<cluster>/web-Service-1``."""
    return arn.rsplit("/", 1)[-1]


def cluster_of(arn: str) -> str:
    """The cluster of a long-format service ARN (``service/<cluster>/<name>``), else ``default``."""
    parts = arn.split(":", 5)[-1].split("/")
    return parts[1] if len(parts) == 3 else "default"


def protocol(value: Any) -> str:
    return _PROTOCOLS.get(str(value), str(value).lower())


@dataclass
class LiveWorld:
    """The live resources as a template (``resources``), and the task ENIs with a public IP."""

    resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    public_tasks: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, logical_id: str, resource_type: str, **properties: Any) -> None:
        self.resources[logical_id] = {"Type": resource_type, "Properties": properties}

    def ref(self, physical_id: str) -> Any:
        """A Ref to a read resource, or the ID itself (the checker reports what it cannot follow)."""
        return {"Ref": physical_id} if physical_id in self.resources else physical_id

    @property
    def template(self) -> dict[str, Any]:
        return {"Resources": self.resources}


def _rules(permissions: Iterable[dict[str, Any]], peer_prefix: str) -> list[dict[str, Any]]:
    """EC2 IpPermissions as CloudFormation rules; ``peer_prefix`` is Source (ingress) or Destination (egress)."""
    rules = []
    for permission in permissions:
        base: dict[str, Any] = {"IpProtocol": protocol(permission.get("IpProtocol", "-1"))}
        if base["IpProtocol"] != "-1":
            base |= {"FromPort": permission.get("FromPort"), "ToPort": permission.get("ToPort")}
        rules += [base | {"CidrIp": r["CidrIp"]} for r in permission.get("IpRanges", [])]
        rules += [base | {"CidrIpv6": r["CidrIpv6"]} for r in permission.get("Ipv6Ranges", [])]
        rules += [
            base | {f"{peer_prefix}SecurityGroupId": p["GroupId"]} for p in permission.get("UserIdGroupPairs", [])
        ]
        rules += [base | {f"{peer_prefix}PrefixListId": p["PrefixListId"]} for p in permission.get("PrefixListIds", [])]
    return rules


def read_network(aws: Aws, world: LiveWorld, vpc_ids: set[str]) -> None:
    """Every subnet, route table, gateway and endpoint of the VPCs."""
    ec2 = aws.client("ec2")
    in_vpcs = [{"Name": "vpc-id", "Values": sorted(vpc_ids)}]
    for vpc in ec2.describe_vpcs(VpcIds=sorted(vpc_ids))["Vpcs"]:
        world.add(vpc["VpcId"], "AWS::EC2::VPC", CidrBlock=vpc.get("CidrBlock"))
    for subnet in ec2.describe_subnets(Filters=in_vpcs)["Subnets"]:
        world.add(
            subnet["SubnetId"],
            "AWS::EC2::Subnet",
            VpcId=world.ref(subnet["VpcId"]),
            CidrBlock=subnet.get("CidrBlock"),
            AvailabilityZone=subnet.get("AvailabilityZone"),
            MapPublicIpOnLaunch=bool(subnet.get("MapPublicIpOnLaunch")),
        )
    attached = {"Name": "attachment.vpc-id", "Values": sorted(vpc_ids)}
    for gateway in ec2.describe_internet_gateways(Filters=[attached])["InternetGateways"]:
        world.add(gateway["InternetGatewayId"], "AWS::EC2::InternetGateway")
        for attachment in gateway.get("Attachments", []):
            world.add(
                f"{gateway['InternetGatewayId']}/{attachment['VpcId']}",
                "AWS::EC2::VPCGatewayAttachment",
                VpcId=world.ref(attachment["VpcId"]),
                InternetGatewayId=world.ref(gateway["InternetGatewayId"]),
            )
    for nat in ec2.describe_nat_gateways(Filters=in_vpcs)["NatGateways"]:
        if nat.get("State") in ("deleting", "deleted", "failed"):
            continue
        properties: dict[str, Any] = {
            "VpcId": world.ref(nat["VpcId"]),
            "ConnectivityType": nat.get("ConnectivityType", "public"),
        }
        if nat.get("SubnetId"):
            properties["SubnetId"] = world.ref(nat["SubnetId"])
        if nat.get("AvailabilityMode"):
            properties["AvailabilityMode"] = nat["AvailabilityMode"]
        world.add(nat["NatGatewayId"], "AWS::EC2::NatGateway", **properties)
    _read_route_tables(ec2, world, in_vpcs)
    for endpoint in ec2.describe_vpc_endpoints(Filters=in_vpcs)["VpcEndpoints"]:
        world.add(
            endpoint["VpcEndpointId"],
            "AWS::EC2::VPCEndpoint",
            ServiceName=endpoint["ServiceName"],
            VpcEndpointType=endpoint.get("VpcEndpointType", "Gateway"),
            VpcId=world.ref(endpoint["VpcId"]),
            PrivateDnsEnabled=bool(endpoint.get("PrivateDnsEnabled")),
            RouteTableIds=[world.ref(t) for t in endpoint.get("RouteTableIds", [])],
            SubnetIds=[world.ref(s) for s in endpoint.get("SubnetIds", [])],
        )


def _read_route_tables(ec2: Any, world: LiveWorld, in_vpcs: list[dict[str, Any]]) -> None:
    tables = ec2.describe_route_tables(Filters=in_vpcs)["RouteTables"]
    explicit = {a["SubnetId"] for t in tables for a in t.get("Associations", []) if a.get("SubnetId")}
    for table in tables:
        table_id = table["RouteTableId"]
        world.add(table_id, "AWS::EC2::RouteTable", VpcId=world.ref(table["VpcId"]))
        for association in table.get("Associations", []):
            subnets = [association["SubnetId"]] if association.get("SubnetId") else []
            if association.get("Main"):
                # The main route table serves every subnet with no association of its own: live, that is known.
                subnets = [
                    s
                    for s, body in world.resources.items()
                    if body["Type"] == "AWS::EC2::Subnet"
                    and s not in explicit
                    and body["Properties"]["VpcId"] == world.ref(table["VpcId"])
                ]
            for subnet in subnets:
                world.add(
                    f"{table_id}/{subnet}",
                    "AWS::EC2::SubnetRouteTableAssociation",
                    SubnetId=world.ref(subnet),
                    RouteTableId=world.ref(table_id),
                )
        for route in table.get("Routes", []):
            destination = route.get("DestinationCidrBlock") or route.get("DestinationIpv6CidrBlock")
            target = _route_target(route)
            if destination and target and route.get("GatewayId") != "local":
                key = "DestinationCidrBlock" if "DestinationCidrBlock" in route else "DestinationIpv6CidrBlock"
                world.add(
                    f"{table_id}/{destination}",
                    "AWS::EC2::Route",
                    RouteTableId=world.ref(table_id),
                    **{key: destination, target[0]: world.ref(target[1])},
                )


def _route_target(route: dict[str, Any]) -> tuple[str, str] | None:
    """(CloudFormation property, ID) of a route's target; a gateway load balancer endpoint is a GatewayId vpce-."""
    for key in _ROUTE_TARGETS:
        if route.get(key):
            return key, route[key]
    gateway = route.get("GatewayId")
    if gateway:
        return ("VpcEndpointId" if gateway.startswith("vpce-") else "GatewayId"), gateway
    return None


def read_security_groups(aws: Aws, world: LiveWorld, group_ids: set[str]) -> None:
    if not group_ids:
        return
    for group in aws.client("ec2").describe_security_groups(GroupIds=sorted(group_ids))["SecurityGroups"]:
        world.add(
            group["GroupId"],
            "AWS::EC2::SecurityGroup",
            GroupDescription=group.get("Description", ""),
            VpcId=world.ref(group.get("VpcId", "")),
            SecurityGroupIngress=_rules(group.get("IpPermissions", []), "Source"),
            SecurityGroupEgress=_rules(group.get("IpPermissionsEgress", []), "Destination"),
        )
