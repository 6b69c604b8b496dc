"""The network's layout: the VPC and its range, the Availability Zones, and in each zone a public and a private
subnet, the private route table and the NAT gateway (or none)."""

from __future__ import annotations

from dataclasses import dataclass

from troposphere import AWSObject, Cidr, Equals, GetAtt, GetAZs, If, Join, Not, Parameter, Ref, Select, Template, ec2

from ...config.network import (
    FIRST_PUBLIC_SLOT,
    MAX_AZS,
    NAT_PER_AZ,
    NAT_REGIONAL,
    NAT_SINGLE,
    PRIVATE_SLOT_BITS,
    PUBLIC_SLOT_BITS,
    NetworkConfig,
)
from ..blocks.parameters import add_parameter_group
from ..blocks.scanner_skips import PUBLIC_ROUTE_TO_INTERNET_GATEWAY, accept
from .ipv6 import add_private_ipv6_route, give_ipv6_range

ANYWHERE = "0.0.0.0/0"
AZ_PARAMETER = "AvailabilityZones"
AZS_GIVEN = "AvailabilityZonesGiven"
_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"


def vpc_cidr_pattern(prefix: int) -> str:
    """Only network addresses of the configured prefix (/16 to /21): the subnet plan's ``Fn::Cidr`` bits are fixed
    for it, and EC2 refuses a range with host bits set. So the third octet is a multiple of the block size."""
    step = 2 ** (24 - prefix)
    third = "|".join(str(value) for value in range(0, 256, step)) if step > 1 else _OCTET[1:-1]
    return rf"^{_OCTET}\.{_OCTET}\.({third})\.0/{prefix}$"


@dataclass(frozen=True)
class Zone:
    """The resources of one availability zone, for the layers that wire them together."""

    public_subnet: ec2.Subnet
    private_subnet: ec2.Subnet
    private_route_table: ec2.RouteTable


def add_vpc_cidr_parameter(template: Template, config: NetworkConfig) -> Parameter:
    parameter = template.add_parameter(
        Parameter(
            "VpcCidr",
            Type="String",
            Default=config.vpc_cidr,
            Description=f"IPv4 range of the VPC; AZ k gets private subnet k of /{config.private_prefix} and public "
            f"subnet k of /{config.public_prefix}, the same for any AZ count",
            AllowedPattern=vpc_cidr_pattern(config.vpc_prefix),
            ConstraintDescription=f"an IPv4 network with a /{config.vpc_prefix} prefix, for example {config.vpc_cidr}",
        )
    )
    add_parameter_group(template, "Network", {parameter.title: "VPC CIDR range"})
    return parameter


def add_availability_zones_parameter(template: Template, config: NetworkConfig) -> Parameter:
    # A CommaDelimitedList, not List<AWS::EC2::AvailabilityZone::Name>: CloudFormation checks that values of
    # AWS-specific types exist in the account and Region, so that type cannot default to "none given" (README).
    parameter = template.add_parameter(
        Parameter(
            AZ_PARAMETER,
            Type="CommaDelimitedList",
            Default="",
            Description=f"Availability Zone names for AZ 1 to {config.az_count}, in order, comma-separated; empty "
            "for the Region's first ones (Fn::GetAZs). Keep the order once deployed: AZ k stays AZ k",
        )
    )
    template.add_condition(AZS_GIVEN, Not(Equals(Join("", Ref(parameter)), "")))
    add_parameter_group(template, "Network", {parameter.title: "Availability Zones"})
    return parameter


def _zone_name(index: int) -> If:
    return If(AZS_GIVEN, Select(index, Ref(AZ_PARAMETER)), Select(index, GetAZs("")))


def add_vpc(template: Template, vpc_cidr: Parameter) -> ec2.VPC:
    # DNS support and hostnames are what interface endpoints' private DNS and ECR's hostnames need.
    return template.add_resource(
        ec2.VPC("VPC", CidrBlock=Ref(vpc_cidr), EnableDnsSupport=True, EnableDnsHostnames=True)
    )


def add_internet_gateway(template: Template, vpc: ec2.VPC) -> tuple[ec2.InternetGateway, AWSObject]:
    internet_gateway = template.add_resource(ec2.InternetGateway("InternetGateway"))
    attachment = template.add_resource(
        ec2.VPCGatewayAttachment("GatewayAttachment", VpcId=Ref(vpc), InternetGatewayId=Ref(internet_gateway))
    )
    return internet_gateway, attachment


def add_public_route_table(
    template: Template, vpc: ec2.VPC, internet_gateway: ec2.InternetGateway, attachment: AWSObject
) -> ec2.RouteTable:
    public_route_table = template.add_resource(ec2.RouteTable("PublicRouteTable", VpcId=Ref(vpc)))
    route = ec2.Route(
        "PublicDefaultRoute",
        DependsOn=attachment.title,
        RouteTableId=Ref(public_route_table),
        DestinationCidrBlock=ANYWHERE,
        GatewayId=Ref(internet_gateway),
    )
    template.add_resource(accept(route, PUBLIC_ROUTE_TO_INTERNET_GATEWAY))
    return public_route_table


def _subnet_cidr(config: NetworkConfig, vpc: ec2.VPC, tier: str, zone_index: int) -> Select:
    """AZ ``zone_index``'s fixed slot (config.subnet_plan): the blocks are counted for MAX_AZS, never az_count, so
    adding an AZ leaves every existing subnet where it is. Blocks of the VPC's own range cannot leave it."""
    if tier == "public":
        slot_bits, index = PUBLIC_SLOT_BITS, FIRST_PUBLIC_SLOT + zone_index
    else:
        slot_bits, index = PRIVATE_SLOT_BITS, zone_index
    host_bits = 32 - config.vpc_prefix - slot_bits
    count = FIRST_PUBLIC_SLOT + MAX_AZS if tier == "public" else MAX_AZS
    return Select(index, Cidr(GetAtt(vpc, "CidrBlock"), count, host_bits))


@dataclass(frozen=True)
class Ipv6:
    """The network's IPv6 resources: the VPC's block, and the egress-only gateway when the private subnets use it."""

    block: ec2.VPCCidrBlock
    egress_gateway: ec2.EgressOnlyInternetGateway | None = None


def _add_subnet(
    template: Template,
    config: NetworkConfig,
    vpc: ec2.VPC,
    tier: str,
    zone_index: int,
    route_table: ec2.RouteTable,
    ipv6: Ipv6 | None = None,
) -> ec2.Subnet:
    title = f"{tier.capitalize()}Subnet{zone_index + 1}"
    subnet = ec2.Subnet(
        title,
        VpcId=Ref(vpc),
        AvailabilityZone=_zone_name(zone_index),
        CidrBlock=_subnet_cidr(config, vpc, tier, zone_index),
        # Public subnets too: the load balancer and NAT gateways bring their own addresses.
        MapPublicIpOnLaunch=False,
    )
    # Private subnets get IPv6 only for egress: IPv6 addresses are globally routable.
    if ipv6 is not None and (tier == "public" or ipv6.egress_gateway is not None):
        give_ipv6_range(subnet, vpc, ipv6.block, tier, zone_index)
    template.add_resource(subnet)
    template.add_resource(
        ec2.SubnetRouteTableAssociation(
            f"{title}RouteTableAssociation", SubnetId=Ref(subnet), RouteTableId=Ref(route_table)
        )
    )
    return subnet


def _add_zonal_nat_gateway(
    template: Template, title: str, public_subnet: ec2.Subnet, attachment: AWSObject
) -> ec2.NatGateway:
    # An EIP can only be associated once the VPC has its internet gateway.
    eip = template.add_resource(ec2.EIP(f"{title}Eip", Domain="vpc", DependsOn=attachment.title))
    return template.add_resource(
        ec2.NatGateway(title, AllocationId=GetAtt(eip, "AllocationId"), SubnetId=Ref(public_subnet))
    )


def _add_regional_nat_gateway(template: Template, vpc: ec2.VPC, attachment: AWSObject) -> ec2.NatGateway:
    # Regional mode allocates its own addresses in each AZ where the VPC has workloads.
    return template.add_resource(
        ec2.NatGateway(
            "RegionalNatGateway",
            DependsOn=attachment.title,
            AvailabilityMode="regional",
            ConnectivityType="public",
            VpcId=Ref(vpc),
        )
    )


def add_zones(
    template: Template,
    config: NetworkConfig,
    vpc: ec2.VPC,
    public_route_table: ec2.RouteTable,
    attachment: AWSObject,
    ipv6: Ipv6 | None = None,
) -> list[Zone]:
    shared_nat = _add_regional_nat_gateway(template, vpc, attachment) if config.nat_mode == NAT_REGIONAL else None
    zones = []
    for index in range(config.az_count):
        number = index + 1
        public_subnet = _add_subnet(template, config, vpc, "public", index, public_route_table, ipv6)
        if config.nat_mode == NAT_PER_AZ:
            nat = _add_zonal_nat_gateway(template, f"NatGateway{number}", public_subnet, attachment)
        elif config.nat_mode == NAT_SINGLE and shared_nat is None:
            shared_nat = _add_zonal_nat_gateway(template, "NatGateway", public_subnet, attachment)
            nat = shared_nat
        else:
            nat = shared_nat
        private_route_table = template.add_resource(ec2.RouteTable(f"PrivateRouteTable{number}", VpcId=Ref(vpc)))
        private_subnet = _add_subnet(template, config, vpc, "private", index, private_route_table, ipv6)
        if nat is not None:
            template.add_resource(
                ec2.Route(
                    f"PrivateDefaultRoute{number}",
                    RouteTableId=Ref(private_route_table),
                    DestinationCidrBlock=ANYWHERE,
                    NatGatewayId=Ref(nat),
                )
            )
        if ipv6 is not None and ipv6.egress_gateway is not None:
            add_private_ipv6_route(template, number, private_route_table, ipv6.egress_gateway)
        zones.append(Zone(public_subnet, private_subnet, private_route_table))
    return zones
