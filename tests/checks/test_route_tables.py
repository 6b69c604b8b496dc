"""Where a subnet's traffic goes: route tables, default routes, NAT and internet gateways, VPC endpoints, and the
egress paths the report prints."""

from __future__ import annotations

import copy

import pytest
from conftest import FIXTURES, NAT_PATH_1, NAT_PATH_2, NO_REGISTRY, PAIR, case, fixture, pair_dicts, path_texts
from conftest import check_fixtures as check
from conftest import finding_ids as ids
from conftest import fixture as load
from conftest import report_findings as findings

from fargate_private_templates.checks import check_dicts
from fargate_private_templates.checks.resolve import Resolver
from fargate_private_templates.checks.route_tables import ANYWHERE_V4, ANYWHERE_V6, Egress, Hop, RouteTables
from fargate_private_templates.checks.values import ResourceRef
from fargate_private_templates.render.loader import load_template


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("E9001-good.yaml", [NAT_PATH_1]),
        ("E9002-good.yaml", [NAT_PATH_1, NAT_PATH_2]),
        ("E9002-bad.yaml", ["PublicSubnet1 -> PublicRouteTable -> InternetGateway"]),
        ("E9003-good.yaml", ["PrivateSubnet1 -> PrivateRouteTable1 -> VPC endpoints (ecr.api, ecr.dkr, logs, s3)"]),
        ("E9003-bad.yaml", ["PrivateSubnet1 -> PrivateRouteTable1 -> no 0.0.0.0/0 route, no VPC endpoints"]),
        (
            "E9003-bad-nat-in-private-subnet.yaml",
            ["PrivateSubnet1 -> PrivateRouteTable1 -> NatGateway1 (in PrivateSubnet2, not public)"],
        ),
        ("W9009-bad-main-route-table.yaml", ["PrivateSubnet1 -> VPC main route table (not in the given templates)"]),
        ("W9009-bad.yaml", []),
        ("E9001-good-scheduled.yaml", [NAT_PATH_1]),
        ("E9002-good-scheduled.yaml", [NAT_PATH_1, NAT_PATH_2]),
        (
            "E9002-bad-scheduled.yaml",
            ["PublicSubnet1 -> PublicRouteTable -> InternetGateway", NAT_PATH_1],
        ),
        (
            "E9003-good-scheduled.yaml",
            ["PrivateSubnet1 -> PrivateRouteTable1 -> VPC endpoints (ecr.api, ecr.dkr, logs, s3)"],
        ),
        ("E9003-bad-scheduled.yaml", ["PrivateSubnet1 -> PrivateRouteTable1 -> no 0.0.0.0/0 route, no VPC endpoints"]),
    ],
)
def test_paths(name: str, expected: list[str]) -> None:
    report = check(name)
    assert path_texts(report) == expected
    assert {(p.template, p.subnet) for p in report.paths} == {
        (str(FIXTURES / name), text.split(" ")[0]) for text in expected
    }


def test_nat_and_endpoints_show_both() -> None:
    templates = pair_dicts("network.yaml", "service.yaml")
    endpoints = load_template(PAIR / "network-endpoints.yaml")["Resources"]
    templates["network.yaml"]["Resources"].update(
        {k: v for k, v in endpoints.items() if v["Type"] in ("AWS::EC2::VPCEndpoint", "AWS::EC2::SecurityGroup")}
    )
    report = check_dicts(templates)
    assert report.findings == []
    endpoints_text = "; VPC endpoints (ecr.api, ecr.dkr, logs, s3, secretsmanager)"
    assert path_texts(report) == [NAT_PATH_1 + endpoints_text, NAT_PATH_2 + endpoints_text]


def test_ipv6_default_route_to_the_internet_gateway_makes_a_subnet_public() -> None:
    template = fixture("E9001-good.yaml")
    template["Resources"]["PrivateIpv6Route"] = {
        "Type": "AWS::EC2::Route",
        "Properties": {
            "RouteTableId": {"Ref": "PrivateRouteTable1"},
            "DestinationIpv6CidrBlock": "::/0",
            "GatewayId": {"Ref": "InternetGateway"},
        },
    }
    report = check_dicts({"app.yaml": template})
    assert ids(report) == [("app.yaml", "Service", "E9002")]
    assert report.findings[0].message.endswith("PrivateRouteTable1 routes ::/0 to InternetGateway")


def test_ipv6_default_route_to_an_egress_only_gateway_keeps_a_subnet_private() -> None:
    template = fixture("E9001-good.yaml")
    template["Resources"]["EgressOnlyInternetGateway"] = {
        "Type": "AWS::EC2::EgressOnlyInternetGateway",
        "Properties": {"VpcId": {"Ref": "VPC"}},
    }
    template["Resources"]["PrivateIpv6Route"] = {
        "Type": "AWS::EC2::Route",
        "Properties": {
            "RouteTableId": {"Ref": "PrivateRouteTable1"},
            "DestinationIpv6CidrBlock": "::/0",
            "EgressOnlyInternetGatewayId": {"Ref": "EgressOnlyInternetGateway"},
        },
    }
    report = check_dicts({"app.yaml": template})
    assert report.findings == [] and report.proven == 1
    publicity = RouteTables(Resolver({"app.yaml": template})).publicity(
        ResourceRef("app.yaml", "PrivateSubnet1"), (ANYWHERE_V4, ANYWHERE_V6)
    )
    assert publicity.public is False
    assert (
        publicity.detail
        == "PrivateRouteTable1 routes 0.0.0.0/0 to NatGateway1, routes ::/0 to EgressOnlyInternetGateway"
    )


def test_private_nat_gateway_is_no_way_out() -> None:
    template = fixture("E9001-good.yaml")
    template["Resources"]["NatGateway1"]["Properties"]["ConnectivityType"] = "private"
    report = check_dicts({"app.yaml": template})
    assert ids(report) == [("app.yaml", "Service", "E9003")]
    assert "0.0.0.0/0 goes to NatGateway1, a private NAT gateway" in report.findings[0].message


def test_regional_nat_gateway_needs_no_subnet() -> None:
    template = fixture("E9001-good.yaml")
    nat = template["Resources"]["NatGateway1"]["Properties"]
    nat.pop("SubnetId")
    nat.update({"AvailabilityMode": "regional", "VpcId": {"Ref": "VPC"}})
    report = check_dicts({"app.yaml": template})
    assert report.findings == []
    assert path_texts(report) == ["PrivateSubnet1 -> PrivateRouteTable1 -> NatGateway1 (regional) -> InternetGateway"]


def test_interface_endpoint_without_private_dns_does_not_count() -> None:
    template = fixture("E9003-good.yaml")
    template["Resources"]["EcrDkrEndpoint"]["Properties"]["PrivateDnsEnabled"] = False
    report = check_dicts({"app.yaml": template})
    assert ids(report) == [("app.yaml", "Service", "E9003")]
    assert report.findings[0].message.endswith(
        "VPC endpoints lack ecr.dkr; EcrDkrEndpoint (ecr.dkr) has PrivateDnsEnabled off"
    )


def test_s3_gateway_endpoint_on_another_route_table_does_not_count() -> None:
    template = fixture("E9003-good.yaml")
    template["Resources"]["S3Endpoint"]["Properties"]["RouteTableIds"] = [{"Ref": "PublicRouteTable"}]
    report = check_dicts({"app.yaml": template})
    assert ids(report) == [("app.yaml", "Service", "E9003")]
    assert report.findings[0].message.endswith("VPC endpoints lack s3")


def test_endpoint_service_name_as_plain_text_counts() -> None:
    template = fixture("E9003-good.yaml")
    template["Resources"]["S3Endpoint"]["Properties"]["ServiceName"] = "com.amazonaws.eu-west-1.s3"
    assert check_dicts({"app.yaml": template}).findings == []


def test_route_to_a_parameter_is_a_warning() -> None:
    template = fixture("E9001-good.yaml")
    template["Parameters"] = {"EgressTarget": {"Type": "String"}}
    template["Resources"]["PrivateDefaultRoute1"]["Properties"]["NatGatewayId"] = {"Ref": "EgressTarget"}
    report = check_dicts({"app.yaml": template})
    assert ids(report) == [("app.yaml", "Service", "W9009")]
    assert "0.0.0.0/0 goes to parameter EgressTarget" in report.findings[0].message


def test_route_to_a_resource_of_another_type_is_a_warning_naming_its_type() -> None:
    template = fixture("E9001-good.yaml")
    template["Resources"]["PrivateDefaultRoute1"]["Properties"]["NatGatewayId"] = {"Ref": "NatGateway1Eip"}
    report = check_dicts({"app.yaml": template})
    assert ids(report) == [("app.yaml", "Service", "W9009")]
    assert "0.0.0.0/0 goes to NatGateway1Eip" in report.findings[0].message


def test_regional_nat_with_an_attached_internet_gateway_is_a_way_out() -> None:
    template = case("E9003-bad-regional-nat-without-internet-gateway.yaml")
    template["Resources"]["InternetGateway"] = {"Type": "AWS::EC2::InternetGateway"}
    template["Resources"]["GatewayAttachment"] = {
        "Type": "AWS::EC2::VPCGatewayAttachment",
        "Properties": {"VpcId": {"Ref": "VPC"}, "InternetGatewayId": {"Ref": "InternetGateway"}},
    }
    report = check_dicts({"app.yaml": template})
    assert report.findings == []
    assert [p.text for p in report.paths] == [
        "PrivateSubnet1 -> PrivateRouteTable1 -> RegionalNatGateway (regional) -> InternetGateway"
    ]


def test_regional_nat_in_a_vpc_from_a_parameter_is_w9009() -> None:
    template = case("E9003-bad-regional-nat-without-internet-gateway.yaml")
    template["Parameters"]["NatVpcId"] = {"Type": "AWS::EC2::VPC::Id"}
    template["Resources"]["RegionalNatGateway"]["Properties"]["VpcId"] = {"Ref": "NatVpcId"}
    assert findings(check_dicts({"app.yaml": template})) == [
        (
            "Service",
            "W9009",
            "subnet PrivateSubnet1 has no proven path to a registry: the VPC of RegionalNatGateway: parameter "
            f"NatVpcId; {NO_REGISTRY}",
        )
    ]


def test_a_regional_nat_in_either_of_two_vpcs_without_internet_gateway_names_both() -> None:
    template = case("E9003-bad-regional-nat-without-internet-gateway.yaml")
    resources = template["Resources"]
    resources["OtherVpc"] = copy.deepcopy(resources["VPC"])
    template["Conditions"] = {"Other": {"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1"]}}
    resources["RegionalNatGateway"]["Properties"]["VpcId"] = {"Fn::If": ["Other", {"Ref": "OtherVpc"}, {"Ref": "VPC"}]}
    ((_, rule_id, message),) = findings(check_dicts({"app.yaml": template}))
    assert rule_id == "E9003" and "a regional NAT gateway in OtherVpc, VPC, which has no internet gateway" in message


def test_regional_nat_without_internet_gateway_is_fine_when_endpoints_serve_ecr() -> None:
    template = case("E9003-bad-regional-nat-without-internet-gateway.yaml")
    endpoints = fixture("E9003-good.yaml")["Resources"]
    names = ("EndpointSecurityGroup", "S3Endpoint", "EcrApiEndpoint", "EcrDkrEndpoint", "LogsEndpoint")
    template["Resources"].update({name: endpoints[name] for name in names})
    assert check_dicts({"app.yaml": template}).findings == []


def test_egress_properties() -> None:
    subnet = ResourceRef("app.yaml", "PrivateSubnet1")
    table = ResourceRef("app.yaml", "PrivateRouteTable1")
    nat, blocked = Hop("nat", "NatGateway1"), Hop("blocked", "NatGateway2 (private)", "private")
    assert Egress(subnet, table, (nat,), ()).has_nat
    assert not Egress(subnet, table, (nat, blocked), ()).has_nat
    assert not Egress(subnet, table, (), ()).has_nat
    partial = Egress(subnet, table, (), ("ecr.api", "logs"))
    assert partial.missing_ecr_endpoints == ["ecr.dkr", "s3"]
    assert not partial.reaches_registry
    assert Egress(subnet, table, (), ("ecr.api", "ecr.dkr", "s3")).reaches_registry
    assert Egress(subnet, table, (nat,), ()).reaches_registry
    assert (
        Egress(subnet, table, (nat,), ("s3",)).text
        == "PrivateSubnet1 -> PrivateRouteTable1 -> NatGateway1; VPC endpoints (s3)"
    )
    other = Egress(subnet, ResourceRef("network.yaml", "PrivateRouteTable1"), (), ())
    assert other.text == "PrivateSubnet1 -> network.yaml:PrivateRouteTable1 -> no 0.0.0.0/0 route, no VPC endpoints"


def test_network_indexes_internet_gateways_by_vpc() -> None:
    network = RouteTables(Resolver({"app.yaml": fixture("E9001-good.yaml")}))
    vpc = ResourceRef("app.yaml", "VPC")
    assert network.internet_gateways(vpc) == [ResourceRef("app.yaml", "InternetGateway")]
    assert network.internet_gateways(ResourceRef("app.yaml", "Nothing")) == []
    assert network.internet_gateway(ResourceRef("app.yaml", "PublicSubnet1")) == ResourceRef(
        "app.yaml", "InternetGateway"
    )
    assert network.internet_gateway(ResourceRef("app.yaml", "PrivateSubnet1")) is None


def test_regional_nat_whose_vpc_is_one_of_two_follows_both() -> None:
    template = case("E9003-bad-regional-nat-without-internet-gateway.yaml")
    resources = template["Resources"]
    resources["OtherVpc"] = copy.deepcopy(resources["VPC"])
    resources["InternetGateway"] = {"Type": "AWS::EC2::InternetGateway"}
    resources["GatewayAttachment"] = {
        "Type": "AWS::EC2::VPCGatewayAttachment",
        "Properties": {"VpcId": {"Ref": "OtherVpc"}, "InternetGatewayId": {"Ref": "InternetGateway"}},
    }
    resources["RegionalNatGateway"]["Properties"]["VpcId"] = {
        "Fn::If": ["IsProduction", {"Ref": "VPC"}, {"Ref": "OtherVpc"}]
    }
    report = check_dicts({"app.yaml": template})
    assert report.findings == []
    assert [p.text for p in report.paths] == [
        "PrivateSubnet1 -> PrivateRouteTable1 -> RegionalNatGateway (regional) -> InternetGateway"
    ]


def test_unfollowed_egress_names_the_target_and_what_to_verify() -> None:
    (finding,) = check_dicts({"t.yaml": load(FIXTURES / "W9015-bad.yaml")}).findings
    assert "transit gateway parameter TransitGatewayId" in finding.message and "verify" in finding.message
    peering = load(FIXTURES / "W9015-bad.yaml")
    route = peering["Resources"]["PrivateDefaultRoute1"]["Properties"]
    route["VpcPeeringConnectionId"] = route.pop("TransitGatewayId")
    (finding,) = check_dicts({"t.yaml": peering}).findings
    assert finding.rule_id == "W9015" and "no edge-to-edge routing" in finding.message
