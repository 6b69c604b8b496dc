"""Cases no other test pins: each fails when the behaviour it names is removed (mutation testing found them)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from troposphere import Template

from fargate_private_templates.checks import CheckReport, check_dicts, check_templates
from fargate_private_templates.checks.exports import ExportName, name_of
from fargate_private_templates.checks.intrinsics import (
    Variable,
    endpoint_service,
    getatt_parts,
    render_parts,
    string_parts,
    texts,
)
from fargate_private_templates.checks.resolve import Resolver
from fargate_private_templates.checks.route_tables import Egress, Hop, RouteTables
from fargate_private_templates.checks.values import ResourceRef
from fargate_private_templates.config import validators
from fargate_private_templates.config.image import ImageOptions
from fargate_private_templates.config.network import NetworkConfig
from fargate_private_templates.config.reachability import check_reachability
from fargate_private_templates.config.service import ContainerOptions, ServiceConfig
from fargate_private_templates.contract import NetworkImports, exported_keys, imported_keys
from fargate_private_templates.diagram.flows import mermaid_diagram
from fargate_private_templates.errors import ConfigError
from fargate_private_templates.render.loader import load_template

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "checks"
CASES = FIXTURES / "cases"
PAIR = FIXTURES / "pair"
NO_REGISTRY = "no VPC endpoints for ecr.api, ecr.dkr, s3"


def findings(report: CheckReport) -> list[tuple[str, str, str]]:
    """(logical ID, rule ID, message) of every finding, in report order."""
    return [(f.logical_id, f.rule_id, f.message) for f in report.findings]


def case(name: str) -> dict:
    return copy.deepcopy(load_template(CASES / name))


def fixture(name: str) -> dict:
    return copy.deepcopy(load_template(FIXTURES / name))


# --- every case fixture checked alone: exact findings and messages ------------------------------------------------

EXPECTED = {
    # AWS makes a load balancer without Scheme internet-facing.
    "E9004-bad-no-scheme.yaml": [
        (
            "LoadBalancer",
            "E9004",
            f"is internet-facing but sits in subnet PrivateSubnet{n}, which is not public: PrivateRouteTable{n} "
            f"routes 0.0.0.0/0 to NatGateway{n}",
        )
        for n in (1, 2)
    ],
    # JSON templates spell booleans as strings.
    "E9005-bad-string.yaml": [
        ("PublicSubnet1", "E9005", "sets MapPublicIpOnLaunch true: whatever launches here gets a public IP"),
    ],
    "W9009-bad-nat-subnet-parameter.yaml": [
        (
            "Service",
            "W9009",
            "subnet PrivateSubnet1 has no proven path to a registry: the subnet of NatGateway1: parameter "
            f"NatSubnetId; {NO_REGISTRY}",
        )
    ],
    "W9009-bad-route-table-elsewhere.yaml": [
        (
            "Service",
            "W9009",
            "cannot tell whether subnet PrivateSubnet1 is private: its route table rtb-0123456789abcdef0 is not in "
            "the given templates",
        )
    ],
    "E9003-bad-regional-nat-without-internet-gateway.yaml": [
        (
            "Service",
            "E9003",
            "subnet PrivateSubnet1 has no proven path to a registry: 0.0.0.0/0 goes to RegionalNatGateway, a regional "
            f"NAT gateway in VPC, which has no internet gateway; {NO_REGISTRY}",
        )
    ],
}

PATHS = {
    "W9009-bad-nat-subnet-parameter.yaml": [
        "PrivateSubnet1 -> PrivateRouteTable1 -> NatGateway1 (in parameter NatSubnetId)"
    ],
    "W9009-bad-route-table-elsewhere.yaml": [
        "PrivateSubnet1 -> route table rtb-0123456789abcdef0 (not in the given templates)"
    ],
    "E9003-bad-regional-nat-without-internet-gateway.yaml": [
        "PrivateSubnet1 -> PrivateRouteTable1 -> RegionalNatGateway (regional, no internet gateway)"
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_case_findings(name: str) -> None:
    report = check_templates([CASES / name])
    assert findings(report) == EXPECTED[name]
    has_error = any(rule_id.startswith("E") for _, rule_id, _ in EXPECTED[name])
    assert report.exit_code == (1 if has_error else 0)
    if name in PATHS:
        assert [p.text for p in report.paths] == PATHS[name]


def test_every_single_template_case_is_expected() -> None:
    single = {p.name for p in CASES.glob("*.yaml")} - {"front-door.yaml", "service-behind-listener-rule.yaml"}
    assert single == set(EXPECTED)


def test_a_case_is_the_committed_fixture_but_for_the_one_property() -> None:
    # The no-Scheme and string-"true" cases must differ from their fixtures only where they say.
    no_scheme, bad = case("E9004-bad-no-scheme.yaml"), fixture("E9004-bad.yaml")
    del bad["Resources"]["LoadBalancer"]["Properties"]["Scheme"]
    assert no_scheme["Resources"] == bad["Resources"]
    string_true, bad = case("E9005-bad-string.yaml"), fixture("E9005-bad.yaml")
    bad["Resources"]["PublicSubnet1"]["Properties"]["MapPublicIpOnLaunch"] = "true"
    assert string_true["Resources"] == bad["Resources"]


def test_map_public_ip_false_as_a_string_is_fine() -> None:
    template = case("E9005-bad-string.yaml")
    template["Resources"]["PublicSubnet1"]["Properties"]["MapPublicIpOnLaunch"] = "false"
    assert check_dicts({"app.yaml": template}).findings == []


# --- load balancers: Scheme and listener rules ----------------------------------------------------------------


@pytest.mark.parametrize(
    "scheme",
    [
        {"Ref": "LoadBalancerScheme"},
        {"Fn::If": ["IsInternal", "internal", {"Ref": "LoadBalancerScheme"}]},
    ],
    ids=["parameter", "fn-if"],
)
def test_scheme_from_a_parameter_is_w9009_not_e9004(scheme: dict) -> None:
    template = fixture("E9004-bad.yaml")
    template["Parameters"] = {"LoadBalancerScheme": {"Type": "String", "Default": "internal"}}
    template["Conditions"] = {"IsInternal": {"Fn::Equals": [{"Ref": "LoadBalancerScheme"}, "internal"]}}
    template["Resources"]["LoadBalancer"]["Properties"]["Scheme"] = scheme
    report = check_dicts({"app.yaml": template})
    assert findings(report) == [
        ("LoadBalancer", "W9009", "cannot resolve whether it is internet-facing: parameter LoadBalancerScheme")
    ]
    assert report.findings[0].location == ("Resources", "LoadBalancer", "Properties", "Scheme")
    assert report.exit_code == 0


def test_scheme_fn_if_with_an_internet_facing_branch_is_checked() -> None:
    template = fixture("E9004-bad.yaml")
    template["Conditions"] = {"IsInternal": {"Fn::Equals": ["a", "b"]}}
    template["Resources"]["LoadBalancer"]["Properties"]["Scheme"] = {
        "Fn::If": ["IsInternal", "internal", "internet-facing"]
    }
    assert [rule_id for _, rule_id, _ in findings(check_dicts({"app.yaml": template}))] == ["E9004", "E9004"]


def front_door_set(load_balancer_subnets: str = "PublicSubnetIds") -> dict[str, dict]:
    front_door = case("front-door.yaml")
    subnets = front_door["Resources"]["LoadBalancer"]["Properties"]["Subnets"]
    subnets["Fn::Split"][1]["Fn::ImportValue"]["Fn::Sub"] = "${NetworkStackName}-" + load_balancer_subnets
    return {
        "network.yaml": load_template(PAIR / "network.yaml"),
        "front-door.yaml": front_door,
        "service.yaml": case("service-behind-listener-rule.yaml"),
    }


def test_target_group_behind_a_listener_rule_with_a_public_front_door_is_clean() -> None:
    templates = front_door_set()
    assert [r["Type"] for r in templates["service.yaml"]["Resources"].values()].count(
        "AWS::ElasticLoadBalancingV2::ListenerRule"
    ) == 1
    report = check_dicts(templates)
    assert report.findings == []
    assert report.services_checked == 1


def test_target_group_behind_a_listener_rule_still_has_its_load_balancer_checked() -> None:
    report = check_dicts(front_door_set("PrivateSubnetIds"))
    assert [
        (f.template, logical_id, rule_id)
        for f, (logical_id, rule_id, _) in zip(report.findings, findings(report), strict=True)
    ] == [("front-door.yaml", "LoadBalancer", "E9004")] * 2
    assert "sits in subnet network.yaml:PrivateSubnet1, which is not public" in report.findings[0].message


def test_listener_rule_on_a_listener_of_another_load_balancer_checks_that_one() -> None:
    # Without the listener rule the service template's own (absent) load balancers would be the fallback.
    templates = front_door_set("PrivateSubnetIds")
    rule = templates["service.yaml"]["Resources"]["ListenerRule"]["Properties"]
    rule["Actions"][0] = {
        "Type": "forward",
        "ForwardConfig": {"TargetGroups": [{"TargetGroupArn": {"Ref": "TargetGroup"}}]},
    }
    assert [f.rule_id for f in check_dicts(templates).findings] == ["E9004", "E9004"]


# --- regional NAT gateways ------------------------------------------------------------------------------------


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


def test_regional_nat_without_internet_gateway_is_fine_when_endpoints_serve_ecr() -> None:
    template = case("E9003-bad-regional-nat-without-internet-gateway.yaml")
    endpoints = fixture("E9003-good.yaml")["Resources"]
    names = ("EndpointSecurityGroup", "S3Endpoint", "EcrApiEndpoint", "EcrDkrEndpoint", "LogsEndpoint")
    template["Resources"].update({name: endpoints[name] for name in names})
    assert check_dicts({"app.yaml": template}).findings == []


# --- routing properties (mutmut does not mutate @property bodies: these pin them) ------------------------------


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


# --- the diagram ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["W9009-bad-main-route-table.yaml", "cases/W9009-bad-route-table-elsewhere.yaml"])
def test_diagram_of_a_task_subnet_without_a_known_route_table(name: str) -> None:
    text = mermaid_diagram({"app.yaml": load_template(FIXTURES / name)})
    lines = [line.strip() for line in text.splitlines()]
    # The tasks are drawn in the private tier, and their image pull ends in a "no route" edge, not a path.
    assert 'Service["Fargate tasks<br/>private IPs only"]' in lines
    assert [line for line in lines if line.startswith("Service -.->")] == ['Service -.->|"no route"| ext_ecr']


# --- generation-time reachability -----------------------------------------------------------------------------


def test_ecr_image_refused_without_endpoints_does_not_suggest_the_pull_through_cache() -> None:
    with pytest.raises(ConfigError) as caught:
        check_reachability(NetworkConfig(nat_mode="none"), [ServiceConfig()])
    message = str(caught.value)
    assert message.startswith("nat_mode, endpoints: service 'app' cannot reach its image (ecr)")
    assert message.endswith("fix: set nat_mode to per_az, single or regional; or add endpoints s3, ecr.api, ecr.dkr")
    assert "pull_through_cache" not in message


def test_third_party_image_refused_suggests_the_pull_through_cache() -> None:
    with pytest.raises(ConfigError) as caught:
        check_reachability(
            NetworkConfig(nat_mode="none", endpoints="ecr"), [ServiceConfig(image=ImageOptions(source="third_party"))]
        )
    assert str(caught.value).endswith(
        "fix: set nat_mode to per_az, single or regional; or use image.source 'pull_through_cache' (an ECR "
        "pull-through cache) with endpoints s3, ecr.api, ecr.dkr"
    )


def test_logs_refused_on_a_third_party_service_do_not_suggest_the_pull_through_cache() -> None:
    network = NetworkConfig(nat_mode="none", endpoints=("s3", "ecr.api", "ecr.dkr"))
    service = ServiceConfig(
        image=ImageOptions(source="pull_through_cache", repository="library/nginx", cache_prewarmed=True)
    )
    with pytest.raises(ConfigError) as caught:
        check_reachability(network, [service])
    assert "cannot reach its logs (CloudWatch Logs)" in str(caught.value)
    assert str(caught.value).endswith("; or add endpoints logs")


# --- tags -----------------------------------------------------------------------------------------------------

REFUSED_TAGS = [
    ({"team#1": "x"}, "tag key 'team#1' is not allowed"),
    ({"k" * 129: "x"}, "is not allowed; 1-128 letters"),
    ({"": "x"}, "tag key '' is not allowed"),
    ({"team": "v" * 257}, "value of tag 'team' must be a string of at most 256 characters"),
    ({"team": 7}, "value of tag 'team' must be a string"),
    ({f"key{n}": "x" for n in range(41)}, "41 tags given; at most 40 are allowed"),
    ([("team", "a", "b")], "('team', 'a', 'b') is not a (key, value) pair"),
    ([("team",)], "is not a (key, value) pair"),
    (["ab"], "'ab' is not a (key, value) pair"),
    ([("team", "a"), ("team", "b")], "tag key 'team' is given twice"),
    ({"AWS:Owner": "x"}, "not starting with 'aws:'"),
    ({1: "x"}, "tag key 1 is not allowed"),
]


@pytest.mark.parametrize(("value", "mentions"), REFUSED_TAGS)
def test_tags_out_of_bounds_are_refused(value: object, mentions: str) -> None:
    with pytest.raises(ConfigError) as caught:
        validators.tags("extra_tags", value)
    assert str(caught.value).startswith("extra_tags: ") and mentions in str(caught.value)
    with pytest.raises(ConfigError) as caught:
        NetworkConfig(tags=value)
    assert str(caught.value).startswith("tags: ") and mentions in str(caught.value)


def test_tags_at_their_bounds_are_accepted() -> None:
    forty = {f"key{n:02}": "x" for n in range(40)}
    assert len(validators.tags("tags", forty)) == 40
    assert NetworkConfig(tags=forty).tags == tuple(sorted(forty.items()))
    longest = {"k" * 128: "v" * 256, "a-z_A.Z:0/9=+ @": "", "team": "Ünïcode"}
    assert dict(validators.tags("tags", longest)) == longest
    assert NetworkConfig(tags=[["b", "2"], ("a", "1")]).tags == (("a", "1"), ("b", "2"))


# --- ConfigError messages start with the field --------------------------------------------------------------------

VALIDATOR_CALLS = [
    (validators.one_of, ("x", ("a", "b")), "'x' is not allowed; choose one of 'a', 'b'"),
    (validators.int_between, ("3", 1, 2), "'3' is not an integer; give a whole number from 1 to 2"),
    (validators.int_between, (True, 1, 2), "True is not an integer"),
    (validators.int_between, (3, 1, 2), "3 is out of range; allowed 1 to 2"),
    (validators.int_between, (0, 1, 2), "0 is out of range; allowed 1 to 2"),
    (validators.boolean, ("true",), "'true' is not a boolean; give true or false"),
    (validators.log_retention, (2,), "2 is not a CloudWatch Logs retention period; allowed days: 1, 3, 5"),
    (validators.log_retention, (True,), "True is not a CloudWatch Logs retention period"),
    (validators.log_retention, ("7",), "'7' is not a CloudWatch Logs retention period"),
    (validators.ipv4_network, ("10.0.0.0/33", 16, 24), "'10.0.0.0/33' is not an IPv4 network ("),
    (validators.ipv4_network, ("10.0.0.0", 16, 24), "'10.0.0.0' has no prefix; give one from /16 to /24"),
    (validators.ipv4_network, ("10.0.0.0/8", 16, 24), "'10.0.0.0/8' has prefix /8; allowed /16 to /24"),
    (validators.ipv4_network, ("10.0.0.0/25", 16, 24), "'10.0.0.0/25' has prefix /25; allowed /16 to /24"),
    (validators.tags, ("team=x",), "'team=x' is not a mapping of tag keys to values"),
    (validators.tags, ({"Name": "x"},), "tag key 'Name' is reserved; each resource gets its own Name tag"),
]


@pytest.mark.parametrize(("validate", "arguments", "message"), VALIDATOR_CALLS)
def test_validator_messages_start_with_the_field(validate, arguments: tuple, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        validate("the_field", *arguments)
    assert str(caught.value).startswith(f"the_field: {message}")


@pytest.mark.parametrize(
    ("validate", "arguments", "expected"),
    [
        (validators.one_of, ("b", ("a", "b")), "b"),
        (validators.int_between, (1, 1, 2), 1),
        (validators.int_between, (2, 1, 2), 2),
        (validators.boolean, (False,), False),
        (validators.log_retention, (3653,), 3653),
        (validators.tags, ((),), ()),
    ],
)
def test_validators_return_the_value_at_the_bounds(validate, arguments: tuple, expected: object) -> None:
    assert validate("the_field", *arguments) == expected


def test_ipv4_network_returns_the_network_at_both_prefix_bounds() -> None:
    assert str(validators.ipv4_network("f", "10.0.0.0/16", 16, 24)) == "10.0.0.0/16"
    assert str(validators.ipv4_network("f", "10.0.0.0/24", 16, 24)) == "10.0.0.0/24"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"vpc_cidr": "10.0.0.0/33"}, "vpc_cidr: '10.0.0.0/33' is not an IPv4 network"),
        ({"vpc_cidr": "10.0.0.0/25"}, "vpc_cidr: '10.0.0.0/25' is too small for the subnet plan"),
        ({"az_count": 7}, "az_count: 7 is out of range; allowed 2 to 6"),
        ({"az_count": 1}, "az_count: 1 is out of range; allowed 2 to 6"),
        ({"nat_mode": "nat"}, "nat_mode: 'nat' is not allowed; choose one of 'per_az', 'single', 'regional', 'none'"),
        ({"flow_logs": 1}, "flow_logs: 1 is not a boolean"),
        ({"flow_log_retention_days": 2}, "flow_log_retention_days: 2 is not a CloudWatch Logs retention period"),
        ({"endpoints": "all"}, "endpoints: 'all' is not allowed; choose one of 'none', 'ecr'"),
        ({"endpoints": ["s3", "ecr"]}, "endpoints: 'ecr' is not allowed; choose one of 's3', 'ecr.api'"),
        ({"endpoints": 3}, "endpoints: 3 is neither a preset (none, ecr) nor a list of endpoint names"),
        ({"tags": {"a": 1}}, "tags: value of tag 'a' must be a string"),
    ],
)
def test_network_config_messages_start_with_the_field(kwargs: dict, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        NetworkConfig(**kwargs)
    assert str(caught.value).startswith(message)


# --- NetworkConfig and contract properties (not mutated by mutmut: pinned here) --------------------------------


@pytest.mark.parametrize(
    ("kwargs", "prefix", "private", "public"),
    [
        ({}, 16, 19, 22),
        ({"az_count": 3}, 16, 19, 22),
        ({"az_count": 4, "vpc_cidr": "10.1.0.0/20"}, 20, 23, 26),
        ({"az_count": 6, "vpc_cidr": "10.1.0.0/21"}, 21, 24, 27),
    ],
)
def test_network_config_subnet_plan(kwargs: dict, prefix: int, private: int, public: int) -> None:
    # The plan is fixed for 6 AZs: the AZ count never changes a subnet's size.
    config = NetworkConfig(**kwargs)
    assert (config.vpc_prefix, config.private_prefix, config.public_prefix) == (prefix, private, public)


def test_network_config_nat_and_endpoint_properties() -> None:
    assert NetworkConfig().has_nat and NetworkConfig(nat_mode="single").has_nat
    assert not NetworkConfig(nat_mode="none").has_nat
    assert NetworkConfig(endpoints="ecr").endpoints == ("s3", "ecr.api", "ecr.dkr", "logs")
    assert NetworkConfig(endpoints="ecr").interface_endpoints == ("ecr.api", "ecr.dkr", "logs")
    assert NetworkConfig(endpoints={"sts", "s3", "ssm"}).endpoints == ("s3", "ssm", "sts")
    assert NetworkConfig(endpoints="none").endpoints == ()


def test_network_imports_properties() -> None:
    imports = NetworkImports(Template(), default_stack_name="prod-network")

    def imported(key: str) -> dict:
        return {"Fn::ImportValue": {"Fn::Sub": "${NetworkStackName}-" + key}}

    assert imports.vpc_id.to_dict() == imported("VpcId")
    assert imports.vpc_cidr.to_dict() == imported("VpcCidr")
    assert imports.cluster_name.to_dict() == imported("ClusterName")
    assert imports.cluster_arn.to_dict() == imported("ClusterArn")
    assert imports.public_subnet_ids.to_dict() == {"Fn::Split": [",", imported("PublicSubnetIds")]}
    assert imports.private_subnet_ids.to_dict() == {"Fn::Split": [",", imported("PrivateSubnetIds")]}
    assert imports.parameter.Default == "prod-network"


# --- survivors of `make mutation`: each test below kills mutants that no other test noticed -----------------------


def test_string_parts_and_sub_parts() -> None:
    assert string_parts("") == [] and string_parts("a") == ["a"]
    assert string_parts({"Fn::Sub": "${!Literal}-${Stack}"}) == ["${Literal}-", Variable("Stack")]
    assert string_parts({"Fn::Sub": ["${A}-${B}", {"A": "prod", "B": {"Ref": "X"}}]}) == ["prod-", Variable("X")]
    assert string_parts({"Fn::Sub": ["${Stack}-VpcId", {"Stack": "prod"}]}) == ["prod-VpcId"]
    assert render_parts(["a", Variable("X"), "b"]) == "a${X}b"
    assert render_parts([Variable("X"), "-b"], placeholder="x") == "x-b"


def test_endpoint_service_reads_only_endpoint_names() -> None:
    assert endpoint_service({"Fn::Sub": "com.amazonaws.${AWS::Region}.ecr.dkr"}) == "ecr.dkr"
    assert endpoint_service("com.amazonaws.eu-west-1.s3") == "s3"
    assert endpoint_service("ecr.dkr") is None
    assert endpoint_service({"Ref": "ServiceName"}) is None


def test_export_names() -> None:
    assert str(ExportName("prod-VpcId")) == "prod-VpcId"
    assert str(ExportName("", "NetworkStackName", "-VpcId")) == "${NetworkStackName}-VpcId"
    assert ExportName("prod-VpcId").matches(ExportName("prod-VpcId"))
    assert not ExportName("prod-VpcId").matches(ExportName("prod-VpcCidr"))
    assert ExportName("", "A", "-VpcId").matches(ExportName("", "B", "-VpcId"))
    assert ExportName("", "A", "-VpcId").matches(ExportName("prod-VpcId"))
    assert not ExportName("", "A", "-VpcId").matches(ExportName("prod-VpcIdd"))
    branches = {"Fn::If": ["IsProduction", "prod-VpcId", {"Fn::Sub": "${Stack}-VpcId"}]}
    assert [name_of(text) for text in texts(branches)] == [ExportName("prod-VpcId"), ExportName("", "Stack", "-VpcId")]


def test_literal_export_names_are_matched_by_literal_imports() -> None:
    templates = {name: copy.deepcopy(load_template(PAIR / name)) for name in ("network.yaml", "service.yaml")}
    templates["network.yaml"]["Outputs"]["VpcId"]["Export"]["Name"] = "shared-VpcId"
    templates["service.yaml"]["Resources"]["TargetGroup"]["Properties"]["VpcId"] = {"Fn::ImportValue": "shared-VpcId"}
    assert check_dicts(templates).findings == []
    templates["service.yaml"]["Resources"]["TargetGroup"]["Properties"]["VpcId"] = {"Fn::ImportValue": "shared-Vpc"}
    assert [f.rule_id for f in check_dicts(templates).findings] == ["E9007"]


def service_subnets(template: dict, subnets: object) -> dict:
    template["Resources"]["Service"]["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]["Subnets"] = subnets
    return template


@pytest.mark.parametrize(
    ("subnets", "message"),
    [
        ({"Fn::Select": "PrivateSubnet1"}, "cannot resolve a subnet of its tasks: a malformed Fn::Select"),
        ({"Fn::Split": [","]}, "cannot resolve a subnet of its tasks: a malformed Fn::Split"),
        ([{"Ref": "AWS::Region"}], "cannot resolve a subnet of its tasks: pseudo parameter AWS::Region"),
        ([{"Ref": "Nowhere"}], "cannot resolve a subnet of its tasks: Nowhere, which app.yaml does not define"),
    ],
)
def test_unreadable_task_subnets_say_why(subnets: object, message: str) -> None:
    report = check_dicts({"app.yaml": service_subnets(fixture("E9002-good.yaml"), subnets)})
    assert findings(report) == [("Service", "W9009", message)]


def test_split_of_a_two_key_mapping_is_unreadable_not_a_crash() -> None:
    subnets = {"Fn::Split": [",", {"Fn::Join": {"a": 1, "b": 2}}]}
    report = check_dicts({"app.yaml": service_subnets(fixture("E9002-good.yaml"), subnets)})
    assert [(logical_id, rule_id) for logical_id, rule_id, _ in findings(report)] == [("Service", "W9009")]


def test_select_with_an_index_from_fn_if_takes_every_candidate() -> None:
    candidates = [{"Ref": "PrivateSubnet1"}, {"Ref": "PublicSubnet1"}]
    subnets = [{"Fn::Select": [{"Fn::If": ["IsProduction", 0, 1]}, candidates]}]
    report = check_dicts({"app.yaml": service_subnets(fixture("E9002-good.yaml"), subnets)})
    assert [rule_id for _, rule_id, _ in findings(report)] == ["E9002"]
    subnets = [{"Fn::Select": [0, candidates]}]
    assert check_dicts({"app.yaml": service_subnets(fixture("E9002-good.yaml"), subnets)}).findings == []


def test_an_exported_single_subnet_split_as_a_list() -> None:
    templates = {name: copy.deepcopy(load_template(PAIR / name)) for name in ("network.yaml", "service.yaml")}
    templates["network.yaml"]["Outputs"]["PrivateSubnetIds"]["Value"] = {"Ref": "PrivateSubnet1"}
    report = check_dicts(templates)
    assert report.findings == []
    assert [(Path(p.template).name, p.subnet) for p in report.paths] == [("network.yaml", "PrivateSubnet1")]


def test_a_list_where_one_value_belongs() -> None:
    template = fixture("E9001-good.yaml")
    template["Resources"]["Service"]["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"] = [
        "DISABLED"
    ]
    assert findings(check_dicts({"app.yaml": template})) == [
        (
            "Service",
            "E9001",
            "AssignPublicIp comes from a list or mapping where one value belongs: cannot be proven DISABLED",
        )
    ]


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


def test_third_party_image_behind_an_unresolved_nat_is_w9009_twice() -> None:
    template = case("W9009-bad-nat-subnet-parameter.yaml")
    template["Resources"]["TaskDefinition"]["Properties"]["ContainerDefinitions"][0]["Image"] = "nginx:1.27"
    report = check_dicts({"app.yaml": template})
    assert [(logical_id, rule_id) for logical_id, rule_id, _ in findings(report)] == [("Service", "W9009")] * 2
    assert report.findings[1].message == (
        "cannot prove subnet PrivateSubnet1 has a NAT path (the subnet of NatGateway1: parameter NatSubnetId); "
        "container app pulls its image from docker.io"
    )
    assert report.findings[1].location[-1] == "Subnets"


def test_unresolved_locations_point_at_the_property() -> None:
    template = fixture("E9001-good.yaml")
    template["Parameters"]["TaskGroup"] = {"Type": "AWS::EC2::SecurityGroup::Id"}
    configuration = template["Resources"]["Service"]["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]
    configuration["SecurityGroups"] = [{"Ref": "TaskGroup"}]
    (finding,) = check_dicts({"app.yaml": template}).findings
    assert finding.location == (
        "Resources",
        "Service",
        "Properties",
        "NetworkConfiguration",
        "AwsvpcConfiguration",
        "SecurityGroups",
    )
    network = copy.deepcopy(load_template(PAIR / "network.yaml"))
    network["Outputs"]["VpcId"]["Export"]["Name"] = {"Fn::Select": [0, {"Fn::GetAZs": ""}]}
    (finding,) = check_dicts({"network.yaml": network}).findings
    assert finding.location == ("Outputs", "VpcId", "Export", "Name")


def test_format_json_is_indented() -> None:
    report = check_dicts({"app.yaml": fixture("E9002-bad.yaml")})
    assert report.format_json() == json.dumps(json.loads(report.format_json()), indent=2) + "\n"


def test_contract_keys_of_templates_without_sections() -> None:
    assert exported_keys({}) == [] and imported_keys({}) == []
    output = {"Value": {"Fn::ImportValue": {"Fn::Sub": "${NetworkStackName}-VpcCidr"}}}
    assert imported_keys({"Outputs": {"Cidr": output}}) == ["VpcCidr"]


def test_reachability_names_every_need_and_the_empty_endpoint_list() -> None:
    credentials = "arn:aws:secretsmanager:us-east-1:123456789012:secret:hub-AbC123"
    service = ServiceConfig(
        image=ImageOptions(source="third_party", credentials_secret_arn=credentials),
        container=ContainerOptions(secrets={"FLAGS": "arn:aws:ssm:us-east-1:123456789012:parameter/app/flags"}),
    )
    (result,) = check_reachability(NetworkConfig(), [service])
    assert [r.what for r in result.routes] == [
        "image (third-party registry)",
        "registry credentials (Secrets Manager)",
        "secrets (SSM Parameter Store)",
        "logs (CloudWatch Logs)",
    ]
    with pytest.raises(ConfigError, match=r"nat_mode is 'none' and endpoints are \[none\]; fix"):
        check_reachability(NetworkConfig(nat_mode="none"), [ServiceConfig()])
    with pytest.raises(ConfigError, match=r"endpoints are \[logs\]; fix"):
        check_reachability(NetworkConfig(nat_mode="none", endpoints=["logs"]), [ServiceConfig()])


def test_getatt_of_a_nested_attribute_splits_at_the_first_dot() -> None:
    assert getatt_parts("Database.Endpoint.Address") == ("Database", "Endpoint.Address")
    assert getatt_parts(["Database", "Endpoint.Address"]) == ("Database", "Endpoint.Address")
    assert getatt_parts(["Database"]) is None


def test_registry_credentials_go_through_the_secrets_manager_endpoint() -> None:
    credentials = "arn:aws:secretsmanager:us-east-1:123456789012:secret:hub-AbC123"
    service = ServiceConfig(image=ImageOptions(source="third_party", credentials_secret_arn=credentials))
    (result,) = check_reachability(NetworkConfig(endpoints=["secretsmanager", "logs"]), [service])
    assert [(r.what, r.via) for r in result.routes][:2] == [
        ("image (third-party registry)", "NAT gateway"),
        ("registry credentials (Secrets Manager)", "VPC endpoints (secretsmanager)"),
    ]


def test_join_with_a_malformed_argument_is_unreadable() -> None:
    assert string_parts({"Fn::Join": 5}) is None
    assert string_parts({"Fn::Join": [","]}) is None
    assert string_parts({"Fn::Join": ["-", ["a", {"Ref": "B"}]]}) == ["a-", Variable("B")]


def test_exports_after_an_output_without_export_are_read() -> None:
    templates = {name: copy.deepcopy(load_template(PAIR / name)) for name in ("network.yaml", "service.yaml")}
    templates["network.yaml"]["Outputs"] = {"Note": {"Value": "not exported"}, **templates["network.yaml"]["Outputs"]}
    assert check_dicts(templates).findings == []


def test_an_export_may_forward_another_export_of_its_template_but_not_itself() -> None:
    templates = {name: copy.deepcopy(load_template(PAIR / name)) for name in ("network.yaml", "service.yaml")}
    outputs = templates["network.yaml"]["Outputs"]
    outputs["InnerSubnetIds"] = copy.deepcopy(outputs["PrivateSubnetIds"])
    outputs["InnerSubnetIds"]["Export"]["Name"] = {"Fn::Sub": "${AWS::StackName}-InnerSubnetIds"}
    outputs["PrivateSubnetIds"]["Value"] = {"Fn::ImportValue": {"Fn::Sub": "${AWS::StackName}-InnerSubnetIds"}}
    report = check_dicts(templates)
    assert report.findings == []
    assert [p.subnet for p in report.paths] == ["PrivateSubnet1", "PrivateSubnet2"]
    outputs["PrivateSubnetIds"]["Value"] = {"Fn::ImportValue": {"Fn::Sub": "${AWS::StackName}-PrivateSubnetIds"}}
    messages = [f.message for f in check_dicts(templates).findings]
    assert messages == [
        "cannot resolve a subnet of its tasks: export ${AWS::StackName}-PrivateSubnetIds of network.yaml, which "
        "imports itself"
    ]
