"""The network's layout, for every NAT mode: subnets, route tables and NAT gateways per Availability Zone, and a
subnet plan that never overlaps."""

from __future__ import annotations

import ipaddress
import itertools
import random
import re

import pytest
from conftest import network_dict as _network
from conftest import ref, resources_of_type
from conftest import tier_subnets as _subnets

from fargate_private_templates.config.network import NAT_MODES, NetworkConfig, subnet_plan
from fargate_private_templates.layers.network import build_network, vpc_cidr_pattern
from fargate_private_templates.render import ordered_dict, render_yaml

CASES = list(itertools.product(NAT_MODES, (2, 3, 6)))


def _route_table_of(template: dict, subnet: str) -> str:
    tables = [
        ref(a["Properties"]["RouteTableId"])
        for a in resources_of_type(template, "AWS::EC2::SubnetRouteTableAssociation").values()
        if ref(a["Properties"]["SubnetId"]) == subnet
    ]
    assert len(tables) == 1, f"{subnet} has {len(tables)} route table associations"
    return tables[0]


def _default_routes(template: dict, route_table: str) -> list[dict]:
    return [
        r["Properties"]
        for r in resources_of_type(template, "AWS::EC2::Route").values()
        if ref(r["Properties"]["RouteTableId"]) == route_table
        and r["Properties"]["DestinationCidrBlock"] == "0.0.0.0/0"
    ]


@pytest.mark.parametrize(("nat_mode", "az_count"), CASES)
def test_private_subnets_default_route_goes_to_nat_never_to_igw(nat_mode: str, az_count: int) -> None:
    template = _network(nat_mode, az_count)
    nat_gateways = resources_of_type(template, "AWS::EC2::NatGateway")
    private = _subnets(template, "Private")
    assert len(private) == az_count
    route_tables = {_route_table_of(template, s) for s in private}
    assert len(route_tables) == az_count, "one private route table per AZ"
    for subnet in private:
        routes = _default_routes(template, _route_table_of(template, subnet))
        assert all("GatewayId" not in r for r in routes), f"{subnet} routes to the internet gateway"
        if nat_mode == "none":
            assert routes == [], f"{subnet} must be isolated without NAT"
        else:
            assert len(routes) == 1 and ref(routes[0]["NatGatewayId"]) in nat_gateways


@pytest.mark.parametrize(("nat_mode", "az_count"), CASES)
def test_public_subnets_route_to_the_internet_gateway(nat_mode: str, az_count: int) -> None:
    template = _network(nat_mode, az_count)
    (igw,) = resources_of_type(template, "AWS::EC2::InternetGateway")
    for subnet in _subnets(template, "Public"):
        routes = _default_routes(template, _route_table_of(template, subnet))
        assert [ref(r.get("GatewayId")) for r in routes] == [igw]


@pytest.mark.parametrize(("nat_mode", "az_count"), CASES)
def test_nat_gateways_and_eips_per_mode(nat_mode: str, az_count: int) -> None:
    template = _network(nat_mode, az_count)
    nat_gateways = resources_of_type(template, "AWS::EC2::NatGateway")
    eips = resources_of_type(template, "AWS::EC2::EIP")
    expected_nats = {"per_az": az_count, "single": 1, "regional": 1, "none": 0}[nat_mode]
    expected_eips = {"per_az": az_count, "single": 1, "regional": 0, "none": 0}[nat_mode]
    assert (len(nat_gateways), len(eips)) == (expected_nats, expected_eips)
    public = set(_subnets(template, "Public"))
    for name, nat in nat_gateways.items():
        props = nat["Properties"]
        if nat_mode == "regional":
            assert props["AvailabilityMode"] == "regional" and ref(props["VpcId"]) == "VPC"
            assert "SubnetId" not in props and nat["DependsOn"] == "GatewayAttachment"
        else:
            assert ref(props["SubnetId"]) in public, f"{name} must sit in a public subnet"
            eip = props["AllocationId"]["Fn::GetAtt"][0]
            assert template["Resources"][eip]["DependsOn"] == "GatewayAttachment"
    if nat_mode == "per_az":
        zones_with_nat = {ref(n["Properties"]["SubnetId"]) for n in nat_gateways.values()}
        assert zones_with_nat == public, "each AZ has its own NAT gateway"
        for number in range(1, az_count + 1):
            (route,) = _default_routes(template, f"PrivateRouteTable{number}")
            assert ref(route["NatGatewayId"]) == f"NatGateway{number}", "each AZ routes to its own NAT"


@pytest.mark.parametrize(("nat_mode", "az_count"), CASES)
def test_no_subnet_maps_public_ips_and_no_az_is_hard_coded(nat_mode: str, az_count: int) -> None:
    template = _network(nat_mode, az_count)
    subnets = resources_of_type(template, "AWS::EC2::Subnet")
    assert len(subnets) == 2 * az_count
    for name, subnet in subnets.items():
        props = subnet["Properties"]
        assert props["MapPublicIpOnLaunch"] is False, name
        condition, chosen, default = props["AvailabilityZone"]["Fn::If"]
        position = int(re.search(r"\d+$", name).group()) - 1
        assert condition == "AvailabilityZonesGiven"
        assert chosen == {"Fn::Select": [position, {"Ref": "AvailabilityZones"}]}
        assert default == {"Fn::Select": [position, {"Fn::GetAZs": ""}]}
    text = render_yaml(build_network(NetworkConfig(nat_mode=nat_mode, az_count=az_count)))
    assert not re.search(r"\b[a-z]{2}(-gov)?-[a-z]+-\d[a-z]\b", text), "hard-coded availability zone"


def _evaluate_cidr_select(select: dict, vpc_cidr: str) -> ipaddress.IPv4Network:
    """CloudFormation's Fn::Select over Fn::Cidr, for a VPC CIDR the parameter accepts."""
    index, cidr = select["Fn::Select"]
    _, count, host_bits = cidr["Fn::Cidr"]
    vpc = ipaddress.IPv4Network(vpc_cidr)
    blocks = list(vpc.subnets(new_prefix=32 - host_bits))
    assert count <= len(blocks), f"Fn::Cidr asks for {count} blocks of /{32 - host_bits} in {vpc}"
    return blocks[:count][index]


def _is_network(cidr: str) -> bool:
    try:
        ipaddress.IPv4Network(cidr, strict=True)
    except ValueError:
        return False
    return True


def _accepted_cidrs(pattern: str, prefix: int, rng: random.Random) -> list[str]:
    """Candidates half of which are network addresses; the pattern must accept exactly those."""
    edges = ["0.0.0.0", "255.255.255.255", "10.0.0.0", "172.31.255.0", "192.168.1.77", "256.0.0.0", "1.2.3"]
    randoms = [ipaddress.IPv4Address(rng.getrandbits(32)) for _ in range(60)]
    networks = [str(ipaddress.IPv4Network(f"{a}/{prefix}", strict=False).network_address) for a in randoms]
    candidates = [f"{address}/{prefix}" for address in [*edges, *map(str, randoms), *networks]]
    for cidr in candidates:
        assert bool(re.match(pattern, cidr)) == _is_network(cidr), cidr
    return [c for c in candidates if re.match(pattern, c)]


@pytest.mark.parametrize("prefix", range(16, 22))
@pytest.mark.parametrize("az_count", range(2, 7))
def test_subnets_fit_the_vpc_and_never_overlap_for_every_accepted_cidr(prefix: int, az_count: int) -> None:
    config = NetworkConfig(vpc_cidr=f"10.0.0.0/{prefix}", az_count=az_count, nat_mode="none", flow_logs=False)
    template = ordered_dict(build_network(config))
    pattern = template["Parameters"]["VpcCidr"]["AllowedPattern"]
    assert pattern == vpc_cidr_pattern(prefix)
    assert not re.match(pattern, f"10.0.0.0/{prefix - 1}") and not re.match(pattern, "10.0.0.0")
    accepted = _accepted_cidrs(pattern, prefix, random.Random(prefix * 10 + az_count))
    assert len(accepted) >= 40
    for vpc_cidr in accepted:
        vpc = ipaddress.IPv4Network(vpc_cidr)
        subnets = [
            _evaluate_cidr_select(s["Properties"]["CidrBlock"], vpc_cidr)
            for s in resources_of_type(template, "AWS::EC2::Subnet").values()
        ]
        assert all(s.subnet_of(vpc) and s.prefixlen <= 27 for s in subnets)
        assert not any(a.overlaps(b) for a, b in itertools.combinations(subnets, 2))


def _subnet_cidrs(config: NetworkConfig, vpc_cidr: str) -> dict[str, str]:
    template = ordered_dict(build_network(config))
    return {
        name: str(_evaluate_cidr_select(subnet["Properties"]["CidrBlock"], vpc_cidr))
        for name, subnet in resources_of_type(template, "AWS::EC2::Subnet").items()
    }


def test_adding_an_az_leaves_every_existing_subnet_expression_and_range_unchanged() -> None:
    two = ordered_dict(build_network(NetworkConfig(az_count=2)))
    three = ordered_dict(build_network(NetworkConfig(az_count=3)))
    two_subnets = resources_of_type(two, "AWS::EC2::Subnet")
    three_subnets = resources_of_type(three, "AWS::EC2::Subnet")
    assert sorted(two_subnets) == ["PrivateSubnet1", "PrivateSubnet2", "PublicSubnet1", "PublicSubnet2"]
    for name, subnet in two_subnets.items():
        assert subnet["Properties"]["CidrBlock"] == three_subnets[name]["Properties"]["CidrBlock"], name
        assert subnet["Properties"]["AvailabilityZone"] == three_subnets[name]["Properties"]["AvailabilityZone"], name


@pytest.mark.parametrize("vpc_cidr", ["10.0.0.0/16", "172.20.0.0/18", "192.168.8.0/21"])
def test_every_az_count_computes_the_documented_plan(vpc_cidr: str) -> None:
    plan = {
        f"{tier}Subnet{slot.zone_number}": str(getattr(slot, tier.lower()))
        for slot in subnet_plan(vpc_cidr)
        for tier in ("Public", "Private")
    }
    for az_count in range(2, 7):
        cidrs = _subnet_cidrs(NetworkConfig(vpc_cidr=vpc_cidr, az_count=az_count), vpc_cidr)
        assert cidrs == {name: plan[name] for name in cidrs}
    prefixes = {ipaddress.IPv4Network(c).prefixlen for c in plan.values()}
    vpc_prefix = int(vpc_cidr.split("/")[1])
    assert prefixes == {vpc_prefix + 3, vpc_prefix + 6} and max(prefixes) <= 27


def test_availability_zones_default_to_the_regions_first_ones() -> None:
    template = _network("per_az", 2)
    parameter = template["Parameters"]["AvailabilityZones"]
    assert parameter["Type"] == "CommaDelimitedList" and parameter["Default"] == ""
    assert template["Conditions"]["AvailabilityZonesGiven"] == {
        "Fn::Not": [{"Fn::Equals": [{"Fn::Join": ["", {"Ref": "AvailabilityZones"}]}, ""]}]
    }
