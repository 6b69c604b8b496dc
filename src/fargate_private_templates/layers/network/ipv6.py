"""IPv6 in the network (``NetworkConfig.ipv6``): an Amazon-provided /56 for the VPC, a /64 per subnet from it, ``::/0``
from the public route table to the internet gateway and, with ``ipv6_egress``, from the private route tables to an
egress-only internet gateway.

IPv6 addresses are globally routable, so a subnet is only as private as its ``::/0`` route: the private subnets get
IPv6 ranges only for egress, through a gateway that "prevents hosts outside of your VPC from initiating an IPv6
connection" (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-egressonlyinternetgateway.html).
"""

from __future__ import annotations

from troposphere import AWSObject, Cidr, GetAtt, Ref, Select, Template, ec2

from ...config.network import MAX_AZS
from ..blocks.scanner_skips import PUBLIC_ROUTE_TO_INTERNET_GATEWAY, accept

ANYWHERE_IPV6 = "::/0"
# The plan of the VPC's /56, fixed for MAX_AZS like the IPv4 plan: public subnet k takes /64 number k-1, private
# subnet k number 8+k-1; the rest stays free. A subnet's IPv6 block must be a /64 of the VPC's
# (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-cidr.html,
# "Creating an IPv6 enabled VPC").
SUBNET_HOST_BITS = 64
FIRST_PRIVATE_BLOCK = 8
BLOCKS = FIRST_PRIVATE_BLOCK + MAX_AZS


def add_ipv6_block(template: Template, vpc: ec2.VPC) -> ec2.VPCCidrBlock:
    """The VPC's Amazon-provided /56 (its range cannot be chosen)."""
    return template.add_resource(ec2.VPCCidrBlock("Ipv6CidrBlock", VpcId=Ref(vpc), AmazonProvidedIpv6CidrBlock=True))


def give_ipv6_range(subnet: ec2.Subnet, vpc: ec2.VPC, block: ec2.VPCCidrBlock, tier: str, zone_index: int) -> None:
    """AZ ``zone_index``'s /64 of the tier. GetAtt VPC.Ipv6CidrBlocks does not wait for the block's association, so
    the subnet depends on it by name, as the CloudFormation example does."""
    index = zone_index if tier == "public" else FIRST_PRIVATE_BLOCK + zone_index
    vpc_block = Select(0, GetAtt(vpc, "Ipv6CidrBlocks"))
    subnet.Ipv6CidrBlock = Select(index, Cidr(vpc_block, BLOCKS, SUBNET_HOST_BITS))
    subnet.DependsOn = [block.title]
    # A private subnet's interfaces get an IPv6 address only when it assigns them on creation, which Fargate needs to
    # give a task one (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html).
    # The public subnets' load balancers and NAT gateways bring their own addresses.
    subnet.AssignIpv6AddressOnCreation = tier == "private"


def add_public_ipv6_route(
    template: Template, route_table: ec2.RouteTable, internet_gateway: ec2.InternetGateway, attachment: AWSObject
) -> ec2.Route:
    """The public subnets' IPv6 default route: dual-stack load balancers need their subnets to route IPv6
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-ip-address-type.html)."""
    route = ec2.Route(
        "PublicIpv6DefaultRoute",
        DependsOn=attachment.title,
        RouteTableId=Ref(route_table),
        DestinationIpv6CidrBlock=ANYWHERE_IPV6,
        GatewayId=Ref(internet_gateway),
    )
    return template.add_resource(accept(route, PUBLIC_ROUTE_TO_INTERNET_GATEWAY))


def add_egress_only_gateway(template: Template, vpc: ec2.VPC) -> ec2.EgressOnlyInternetGateway:
    return template.add_resource(ec2.EgressOnlyInternetGateway("EgressOnlyInternetGateway", VpcId=Ref(vpc)))


def add_private_ipv6_route(
    template: Template, number: int, route_table: ec2.RouteTable, gateway: ec2.EgressOnlyInternetGateway
) -> ec2.Route:
    return template.add_resource(
        ec2.Route(
            f"PrivateIpv6DefaultRoute{number}",
            RouteTableId=Ref(route_table),
            DestinationIpv6CidrBlock=ANYWHERE_IPV6,
            EgressOnlyInternetGatewayId=Ref(gateway),
        )
    )
