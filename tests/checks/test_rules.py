"""The rules and the messages that name the culprit: public IPs, public subnets, registries, load balancers, task
security groups and imports."""

from __future__ import annotations

import pytest
from conftest import CASES, FIXTURES, NO_REGISTRY, PAIR, case, fixture, pair_dicts
from conftest import check_fixtures as check
from conftest import finding_ids as ids
from conftest import report_findings as findings
from conftest import template_pair as pair

from fargate_private_templates.checks import check_dicts, check_templates
from fargate_private_templates.render.loader import load_template


def test_e9001_messages_say_which_value() -> None:
    messages = [f.message for f in check("E9001-bad.yaml").findings]
    assert messages == [
        "AssignPublicIp is ENABLED in a Fn::If branch: its tasks get public IPs",
        "AssignPublicIp comes from parameter TaskPublicIp: cannot be proven DISABLED",
    ]
    # A resource of its own template is named as the template names it.
    template = fixture("E9001-good.yaml")
    template["Resources"]["Service"]["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"] = {
        "Ref": "Cluster"
    }
    (finding,) = check_dicts({"app.yaml": template}).findings
    assert finding.message == "AssignPublicIp comes from Cluster: cannot be proven DISABLED"


def test_e9002_names_subnet_route_table_and_gateway() -> None:
    (finding,) = check("E9002-bad.yaml").findings
    assert finding.message == (
        "runs tasks in public subnet PublicSubnet1: PublicRouteTable routes 0.0.0.0/0 to InternetGateway"
    )


def test_e9003_names_the_nat_gateway_in_a_private_subnet() -> None:
    (finding,) = check("E9003-bad-nat-in-private-subnet.yaml").findings
    assert "0.0.0.0/0 goes to NatGateway1, which sits in PrivateSubnet2, not a public subnet" in finding.message
    assert "no VPC endpoints for ecr.api, ecr.dkr, s3" in finding.message


def test_e9003_without_any_route_names_the_route_table() -> None:
    (finding,) = check("E9003-bad.yaml").findings
    assert finding.message == (
        "subnet PrivateSubnet1 has no proven path to a registry: PrivateRouteTable1 has no 0.0.0.0/0 route; "
        "no VPC endpoints for ecr.api, ecr.dkr, s3"
    )


def test_e9006_says_what_is_open() -> None:
    messages = [f.message for f in check("E9006-bad.yaml").findings]
    assert messages == [
        "admits 0.0.0.0/0 on tcp 8080: tasks must be reachable only from inside",
        "adds to task security group TaskSecurityGroup: admits ::/0 on all ports: tasks must be reachable only "
        "from inside",
    ]


def test_e9008_names_the_container_and_the_endpoints() -> None:
    (finding,) = check("E9008-bad.yaml").findings
    assert finding.message == (
        "container app pulls with RepositoryCredentials (a registry outside ECR), but subnet PrivateSubnet1 has no "
        "NAT path: its VPC endpoints (ecr.api, ecr.dkr, logs, s3) reach only AWS services"
    )


def test_e9007_pair_bad_import_is_the_only_finding() -> None:
    report = check("pair/network.yaml", "pair/service-missing-export.yaml")
    # The subnets the import would name are not known: the service is not proven private either.
    assert ids(report) == [
        ("service-missing-export.yaml", "Service", "E9007"),
        ("service-missing-export.yaml", "Service", "W9016"),
    ]
    assert report.findings[0].message == (
        f"imports ${{NetworkStackName}}-PrivateSubnetIdz, but {PAIR / 'network.yaml'} exports no PrivateSubnetIdz"
    )
    assert report.exit_code == 1


def test_e9008_pair_third_party_registry_needs_nat() -> None:
    assert check("pair/network.yaml", "pair/service-third-party.yaml").findings == []
    report = check("pair/network-endpoints.yaml", "pair/service-third-party.yaml")
    assert ids(report) == [("service-third-party.yaml", "Service", "E9008")] * 2
    subnets = [f.message.split(" but subnet ")[1].split(" has no NAT path")[0] for f in report.findings]
    assert subnets == [f"{PAIR / 'network-endpoints.yaml'}:PrivateSubnet{n}" for n in (1, 2)]


def test_service_alone_warns_once_per_import_and_fails_for_proving_nothing() -> None:
    report = check("pair/service.yaml")
    assert ids(report) == [
        ("service.yaml", "Service", "E9017"),
        ("service.yaml", "TaskSecurityGroup", "W9009"),
        ("service.yaml", "LoadBalancerSecurityGroup", "W9009"),
        ("service.yaml", "LoadBalancer", "W9009"),
        ("service.yaml", "TargetGroup", "W9009"),
        ("service.yaml", "Service", "W9009"),
        ("service.yaml", "Service", "W9009"),
        ("service.yaml", "Service", "W9016"),
    ]
    assert report.findings[3].message == (
        "cannot resolve import ${NetworkStackName}-PublicSubnetIds: none of the given templates exports anything"
    )
    assert report.exit_code == 1
    assert report.paths == []


def test_import_from_a_stack_not_given_is_a_warning_not_e9007() -> None:
    templates = pair_dicts("network.yaml", "service.yaml")
    image = {"Fn::ImportValue": {"Fn::Sub": "${RegistryStackName}-RepositoryUri"}}
    templates["service.yaml"]["Resources"]["TaskDefinition"]["Properties"]["ContainerDefinitions"][0]["Image"] = image
    report = check_dicts(templates)
    assert ids(report) == [("service.yaml", "TaskDefinition", "W9009")]
    assert report.findings[0].message == (
        "cannot resolve import ${RegistryStackName}-RepositoryUri: no given template exports RepositoryUri "
        "or anything else imported through ${RegistryStackName}"
    )


def test_literal_import_with_no_export_is_e9007_when_something_is_exported() -> None:
    templates = pair_dicts("network.yaml", "service.yaml")
    templates["service.yaml"]["Resources"]["TargetGroup"]["Properties"]["VpcId"] = {"Fn::ImportValue": "prod-VpcIdd"}
    assert ids(check_dicts(templates)) == [("service.yaml", "TargetGroup", "E9007")]


def test_unreadable_export_name_is_a_warning() -> None:
    templates = pair_dicts("network.yaml")
    # Fn::Select of a literal list reads; of the Availability Zones it does not.
    templates["network.yaml"]["Outputs"]["VpcId"]["Export"]["Name"] = {"Fn::Select": [0, {"Fn::GetAZs": ""}]}
    assert ids(check_dicts(templates)) == [("network.yaml", "VpcId", "W9009")]


def test_tasks_imported_into_public_subnets_are_e9002() -> None:
    templates = pair_dicts("network.yaml", "service.yaml")
    configuration = templates["service.yaml"]["Resources"]["Service"]["Properties"]["NetworkConfiguration"]
    configuration["AwsvpcConfiguration"]["Subnets"] = {
        "Fn::Split": [",", {"Fn::ImportValue": {"Fn::Sub": "${NetworkStackName}-PublicSubnetIds"}}]
    }
    report = check_dicts(templates)
    assert ids(report) == [("service.yaml", "Service", "E9002")] * 2
    assert report.findings[0].message == (
        "runs tasks in public subnet network.yaml:PublicSubnet1: PublicRouteTable routes 0.0.0.0/0 to InternetGateway"
    )


def test_load_balancer_selected_into_private_subnets_is_e9004() -> None:
    templates = pair_dicts("network.yaml", "service-join-imports.yaml")
    subnets = templates["service-join-imports.yaml"]["Resources"]["LoadBalancer"]["Properties"]["Subnets"]
    subnets[1]["Fn::Select"][1]["Fn::Split"][1]["Fn::ImportValue"]["Fn::Sub"] = "${NetworkStackName}-PrivateSubnetIds"
    report = check_dicts(templates)
    assert ids(report) == [("service-join-imports.yaml", "LoadBalancer", "E9004")]
    assert "subnet network.yaml:PrivateSubnet2, which is not public" in report.findings[0].message


def test_no_value_branch_of_assign_public_ip_is_w9001() -> None:
    template = fixture("E9001-good.yaml")
    configuration = template["Resources"]["Service"]["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]
    configuration["AssignPublicIp"] = {"Fn::If": ["IsProduction", "DISABLED", {"Ref": "AWS::NoValue"}]}
    report = check_dicts({"app.yaml": template})
    assert ids(report) == [("app.yaml", "Service", "W9001")]
    assert report.exit_code == 0


def test_fargate_service_without_network_configuration_is_e9001_but_ec2_is_not() -> None:
    template = fixture("E9001-good.yaml")
    del template["Resources"]["Service"]["Properties"]["NetworkConfiguration"]
    assert ids(check_dicts({"app.yaml": template})) == [("app.yaml", "Service", "E9001")]
    template["Resources"]["Service"]["Properties"]["LaunchType"] = "EC2"
    assert ids(check_dicts({"app.yaml": template})) == []


def test_subnet_if_branch_into_a_public_subnet_is_e9002() -> None:
    template = fixture("E9002-good.yaml")
    configuration = template["Resources"]["Service"]["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]
    configuration["Subnets"]["Fn::If"][2] = [{"Ref": "PublicSubnet1"}]
    assert ids(check_dicts({"app.yaml": template})) == [("app.yaml", "Service", "E9002")]


def test_docker_hub_image_without_nat_is_e9008() -> None:
    template = fixture("E9003-good.yaml")
    template["Resources"]["TaskDefinition"]["Properties"]["ContainerDefinitions"][0]["Image"] = "nginx:1.27"
    report = check_dicts({"app.yaml": template})
    assert ids(report) == [("app.yaml", "Service", "E9008")]
    assert report.findings[0].message.startswith("container app pulls its image from docker.io, but subnet")


def test_internal_load_balancer_may_sit_in_private_subnets() -> None:
    template = fixture("E9004-bad.yaml")
    template["Resources"]["LoadBalancer"]["Properties"]["Scheme"] = "internal"
    assert check_dicts({"app.yaml": template}).findings == []


def test_subnet_mappings_are_read_like_subnets() -> None:
    template = fixture("E9004-bad.yaml")
    properties = template["Resources"]["LoadBalancer"]["Properties"]
    properties["SubnetMappings"] = [{"SubnetId": subnet} for subnet in properties.pop("Subnets")]
    report = check_dicts({"app.yaml": template})
    assert ids(report) == [("app.yaml", "LoadBalancer", "E9004")] * 2
    assert {f.location[3:] for f in report.findings} == {("SubnetMappings",)}


def test_load_balancer_security_group_open_to_the_internet_is_fine() -> None:
    # Only task security groups must be closed; the load balancer's admits the internet by design.
    report = check("E9004-good.yaml")
    assert report.findings == []
    ingress = load_template(FIXTURES / "E9004-good.yaml")["Resources"]["LoadBalancerSecurityGroup"]
    assert ingress["Properties"]["SecurityGroupIngress"][0]["CidrIp"] == "0.0.0.0/0"


NOTHING_PROVEN = (
    "no launcher is proven private (1 service), so this check proves nothing (each W9016 says why): check the "
    "templates together with those their subnets and imports come from (the network template, for example "
    "`check network.yaml service.yaml`), or give the subnets literally"
)

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
        (
            "PublicSubnet1",
            "E9005",
            "sets MapPublicIpOnLaunch true: EC2 instances launched here get a public IPv4 address (Security Hub "
            "EC2.15); Fargate tasks do not, their AssignPublicIp decides",
        ),
    ],
    "W9009-bad-nat-subnet-parameter.yaml": [
        (
            "Service",
            "W9009",
            "subnet PrivateSubnet1 has no proven path to a registry: the subnet of NatGateway1: parameter "
            f"NatSubnetId; {NO_REGISTRY}",
        )
    ],
    # Whether the only task subnet is private is not known: the service is not proven (W9016), the check fails.
    "W9009-bad-route-table-elsewhere.yaml": [
        ("Service", "E9017", NOTHING_PROVEN),
        (
            "Service",
            "W9009",
            "cannot tell whether subnet PrivateSubnet1 is private: its route table rtb-0123456789abcdef0 is not in "
            "the given templates",
        ),
        ("Service", "W9016", "service not proven private: whether subnet PrivateSubnet1 is private is not known"),
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


def test_a_second_container_from_ecr_public_needs_nat() -> None:
    templates = pair("network-endpoints.yaml")
    definitions = templates["service-alb.yaml"]["Resources"]["TaskDefinition"]["Properties"]["ContainerDefinitions"]
    definitions.append({"Name": "proxy", "Image": "public.ecr.aws/nginx/nginx:1.27", "Essential": False})
    report = check_dicts(templates)
    assert [(f.logical_id, f.rule_id) for f in report.findings] == [("Service", "E9008")] * 2
    assert "container proxy pulls its image from ECR Public" in report.findings[0].message
    assert check_dicts(pair("network.yaml")).findings == []


def test_a_literal_import_no_given_template_exports_is_an_error_said_once() -> None:
    template = fixture("E9012-good.yaml")
    template["Outputs"] = {"Vpc": {"Value": {"Ref": "VPC"}, "Export": {"Name": "here-VpcId"}}}
    network = template["Resources"]["Service"]["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]
    network["SecurityGroups"] = [{"Fn::ImportValue": "elsewhere-TaskSecurityGroup"}]
    (finding,) = [f for f in check_dicts({"t.yaml": template}).findings if "elsewhere" in f.message]
    assert (finding.rule_id, finding.message) == (
        "E9007",
        "imports elsewhere-TaskSecurityGroup, but no given template exports it",
    )
    assert finding.location[3:] == ("NetworkConfiguration", "AwsvpcConfiguration", "SecurityGroups", 0)


@pytest.mark.parametrize("launch_type", ["EC2", "EXTERNAL"])
def test_a_service_launched_on_instances_needs_no_awsvpc_configuration(launch_type: str) -> None:
    template = fixture("E9001-good.yaml")
    service = template["Resources"]["Service"]["Properties"]
    del service["NetworkConfiguration"]
    service["LaunchType"] = launch_type
    assert [f for f in check_dicts({"t.yaml": template}).findings if f.rule_id == "E9001"] == []
    service["LaunchType"] = "FARGATE"
    assert [f.rule_id for f in check_dicts({"t.yaml": template}).findings if f.rule_id == "E9001"] == ["E9001"]


def test_map_public_ip_on_launch_from_a_parameter_is_a_warning_naming_it() -> None:
    templates = pair("network.yaml")
    network = templates["network.yaml"]
    network.setdefault("Parameters", {})["MapIt"] = {"Type": "String"}
    network["Resources"]["PrivateSubnet1"]["Properties"]["MapPublicIpOnLaunch"] = {"Ref": "MapIt"}
    (finding,) = check_dicts(templates).findings
    assert (finding.logical_id, finding.rule_id, finding.message) == (
        "PrivateSubnet1",
        "W9009",
        "cannot resolve MapPublicIpOnLaunch: parameter MapIt",
    )
