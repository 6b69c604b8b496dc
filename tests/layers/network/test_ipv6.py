"""IPv6 in the network: an Amazon-provided block, /64s for the public subnets with a ::/0 route to the internet
gateway, and for the private subnets only with IPv6 egress, through an egress-only gateway."""

from __future__ import annotations

import ipaddress

import pytest
from conftest import lint_findings, network_dict, ref, resources_of_type, tier_subnets

from fargate_private_templates.config.network import MAX_AZS, NetworkConfig
from fargate_private_templates.layers import build_network
from fargate_private_templates.layers.network.ipv6 import BLOCKS, FIRST_PRIVATE_BLOCK, SUBNET_HOST_BITS
from fargate_private_templates.render import ordered_dict, render_yaml

ROUTE = "AWS::EC2::Route"


def _ipv6_routes(template: dict) -> dict[str, dict]:
    return {
        k: v["Properties"]
        for k, v in resources_of_type(template, ROUTE).items()
        if "DestinationIpv6CidrBlock" in v["Properties"]
    }


def _subnet(template: dict, title: str) -> dict:
    return template["Resources"][title]


def test_without_ipv6_nothing_changes() -> None:
    template = network_dict("per_az", 2)
    assert not resources_of_type(template, "AWS::EC2::VPCCidrBlock") and not _ipv6_routes(template)
    assert all("Ipv6CidrBlock" not in s["Properties"] for s in resources_of_type(template, "AWS::EC2::Subnet").values())


@pytest.mark.parametrize("az_count", [2, 6])
def test_public_subnets_get_a_64_each_and_route_ipv6_to_the_internet_gateway(az_count: int) -> None:
    template = network_dict("per_az", az_count, ipv6=True)
    (block,) = resources_of_type(template, "AWS::EC2::VPCCidrBlock").values()
    assert block["Properties"] == {"VpcId": {"Ref": "VPC"}, "AmazonProvidedIpv6CidrBlock": True}
    for index, title in enumerate(tier_subnets(template, "Public")):
        subnet = _subnet(template, title)
        vpc_block = {"Fn::Select": [0, {"Fn::GetAtt": ["VPC", "Ipv6CidrBlocks"]}]}
        assert subnet["Properties"]["Ipv6CidrBlock"] == {
            "Fn::Select": [index, {"Fn::Cidr": [vpc_block, BLOCKS, SUBNET_HOST_BITS]}]
        }
        # GetAtt VPC.Ipv6CidrBlocks does not wait for the block's association.
        assert subnet["DependsOn"] == ["Ipv6CidrBlock"]
        assert subnet["Properties"]["AssignIpv6AddressOnCreation"] is False
    for title in tier_subnets(template, "Private"):
        assert "Ipv6CidrBlock" not in _subnet(template, title)["Properties"]
    assert _ipv6_routes(template) == {
        "PublicIpv6DefaultRoute": {
            "RouteTableId": {"Ref": "PublicRouteTable"},
            "DestinationIpv6CidrBlock": "::/0",
            "GatewayId": {"Ref": "InternetGateway"},
        }
    }
    assert template["Resources"]["PublicIpv6DefaultRoute"]["DependsOn"] == "GatewayAttachment"
    assert not resources_of_type(template, "AWS::EC2::EgressOnlyInternetGateway")


def test_ipv6_egress_goes_through_an_egress_only_gateway_from_every_private_route_table() -> None:
    template = network_dict("single", 3, ipv6=True, ipv6_egress=True)
    (gateway,) = resources_of_type(template, "AWS::EC2::EgressOnlyInternetGateway")
    private = {k: v for k, v in _ipv6_routes(template).items() if k != "PublicIpv6DefaultRoute"}
    assert private == {
        f"PrivateIpv6DefaultRoute{n}": {
            "RouteTableId": {"Ref": f"PrivateRouteTable{n}"},
            "DestinationIpv6CidrBlock": "::/0",
            "EgressOnlyInternetGatewayId": {"Ref": gateway},
        }
        for n in (1, 2, 3)
    }
    for index, title in enumerate(tier_subnets(template, "Private")):
        properties = _subnet(template, title)["Properties"]
        assert properties["Ipv6CidrBlock"]["Fn::Select"][0] == FIRST_PRIVATE_BLOCK + index
        # Fargate gives a task an IPv6 address only in a subnet that assigns them on creation.
        assert properties["AssignIpv6AddressOnCreation"] is True
        assert ref(properties["VpcId"]) == "VPC"


def test_the_ipv6_plan_keeps_public_and_private_64s_apart_for_every_az_count() -> None:
    vpc = ipaddress.IPv6Network("2600:1f18:abcd:ef00::/56")
    blocks = list(vpc.subnets(new_prefix=128 - SUBNET_HOST_BITS))[:BLOCKS]
    public = {blocks[k] for k in range(MAX_AZS)}
    private = {blocks[FIRST_PRIVATE_BLOCK + k] for k in range(MAX_AZS)}
    assert len(public | private) == 2 * MAX_AZS and BLOCKS <= 256


def test_an_ipv6_network_of_six_azs_lints_clean_and_stays_small() -> None:
    # examples/dual-stack.toml's network (2 AZs) is linted with the examples.
    text = render_yaml(build_network(NetworkConfig(ipv6=True, ipv6_egress=True, az_count=6)))
    assert lint_findings(text) == [] and len(text.encode()) < 51_200


def test_the_description_says_what_ipv6_does() -> None:
    only_public = ordered_dict(build_network(NetworkConfig(ipv6=True)))["Description"]
    assert "one NAT gateway per AZ, IPv6 in the public subnets, and the shared ECS cluster" in only_public
    description = ordered_dict(build_network(NetworkConfig(ipv6=True, ipv6_egress=True)))["Description"]
    assert description.endswith(
        "IPv6 in the public subnets and IPv6 egress from the private ones (egress-only gateway), and the shared ECS "
        "cluster for Fargate tasks with only private IPs"
    )
