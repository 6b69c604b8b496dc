"""The checker: each rule on its good and bad fixtures, cross-template joins, egress paths and report formats."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import pytest

from fargate_private_templates.checks import (
    RULES,
    CheckReport,
    EgressPath,
    Finding,
    cfnlint_rules_path,
    check_dicts,
    check_templates,
)
from fargate_private_templates.render.loader import TemplateLoadError, load_template

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "checks"
PAIR = FIXTURES / "pair"


def check(*names: str) -> CheckReport:
    """Check fixtures by file name (``pair/...`` for the cross-template set)."""
    return check_templates([FIXTURES / name for name in names])


def ids(report: CheckReport) -> list[tuple[str, str, str]]:
    """(template file name, logical ID, rule ID) of every finding, in report order."""
    return [(Path(f.template).name, f.logical_id, f.rule_id) for f in report.findings]


def path_texts(report: CheckReport) -> list[str]:
    return [p.text for p in report.paths]


def fixture(name: str) -> dict:
    return copy.deepcopy(load_template(FIXTURES / name))


def pair_dicts(*names: str) -> dict[str, dict]:
    return {name: copy.deepcopy(load_template(PAIR / name)) for name in names}


NAT_PATH_1 = "PrivateSubnet1 -> PrivateRouteTable1 -> NatGateway1 (in PublicSubnet1) -> InternetGateway"
NAT_PATH_2 = "PrivateSubnet2 -> PrivateRouteTable2 -> NatGateway2 (in PublicSubnet2) -> InternetGateway"

# --- every single-template fixture: exact findings --------------------------------------------------------------

EXPECTED = {
    "E9001-good.yaml": [],
    "E9001-bad.yaml": [("Service", "E9001"), ("TaskSet", "E9001")],
    "W9001-bad.yaml": [("Service", "W9001")],
    "E9002-good.yaml": [],
    "E9002-bad.yaml": [("Service", "E9002")],
    "E9003-good.yaml": [],
    "E9003-bad.yaml": [("Service", "E9003")],
    "E9003-bad-nat-in-private-subnet.yaml": [("Service", "E9003")],
    "E9004-good.yaml": [],
    "E9004-bad.yaml": [("LoadBalancer", "E9004"), ("LoadBalancer", "E9004")],
    "E9005-good.yaml": [],
    "E9005-bad.yaml": [("PublicSubnet1", "E9005")],
    "E9006-good.yaml": [],
    "E9006-bad.yaml": [("TaskSecurityGroup", "E9006"), ("TaskFromAnywhereIpv6Ingress", "E9006")],
    "E9008-good.yaml": [],
    "E9004-good-internal.yaml": [],
    "E9004-bad-internal.yaml": [("LoadBalancer", "E9004"), ("LoadBalancer", "E9004")],
    "E9020-good.yaml": [],
    "E9020-bad.yaml": [("ApiRule", "E9020"), ("DocsRule", "E9020")],
    "E9008-bad.yaml": [("Service", "E9008")],
    "W9009-bad.yaml": [("Service", "W9009")],
    "W9009-bad-main-route-table.yaml": [("Service", "W9009")],
    # Scheduled tasks: an EventBridge rule's ECS target (Rule) and a Scheduler schedule's (Schedule).
    "E9001-good-scheduled.yaml": [],
    "E9001-bad-scheduled.yaml": [("Rule", "E9001"), ("Schedule", "E9001")],
    "W9001-bad-scheduled.yaml": [("Rule", "W9001"), ("Schedule", "W9001")],
    "E9002-good-scheduled.yaml": [],
    "E9002-bad-scheduled.yaml": [("Rule", "E9002"), ("Schedule", "E9002")],
    "E9003-good-scheduled.yaml": [],
    "E9003-bad-scheduled.yaml": [("Rule", "E9003"), ("Schedule", "E9003")],
    "E9006-good-scheduled.yaml": [],
    "E9006-bad-scheduled.yaml": [("RuleSecurityGroup", "E9006"), ("ScheduleFromAnywhereIpv6Ingress", "E9006")],
    "E9008-good-scheduled.yaml": [],
    "E9008-bad-scheduled.yaml": [("Rule", "E9008"), ("Schedule", "E9008")],
    # What the path needs beyond a route: security groups, network ACLs, DNS, every container's needs.
    "E9008-bad-ecr-public-sidecar.yaml": [("Service", "E9008")],
    "E9010-good.yaml": [],
    "E9010-good-nat.yaml": [],
    "E9010-bad.yaml": [("TaskSecurityGroup", "E9010")],
    "E9010-bad-nat.yaml": [("TaskSecurityGroup", "E9010")],
    "E9011-good.yaml": [],
    "E9011-bad.yaml": [("EndpointSecurityGroup", "E9011")],
    "E9012-good.yaml": [],
    "E9012-bad.yaml": [("TaskNetworkAcl", "E9012")],
    "E9013-good.yaml": [],
    "E9013-bad.yaml": [("VPC", "E9013")],
    "E9014-good.yaml": [],
    "E9014-bad.yaml": [("Service", "E9014")] * 3,
    "W9015-bad.yaml": [("Service", "W9015")],
}
# The rules about what starts tasks, which cover scheduled tasks as well as services (W9001 has no good fixture:
# the E9001 good ones are its good case).
SCHEDULED_RULES = {"E9001", "W9001", "E9002", "E9003", "E9006", "E9008"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_findings(name: str) -> None:
    report = check(name)
    assert [(logical_id, rule_id) for _, logical_id, rule_id in ids(report)] == EXPECTED[name]
    has_error = any(rule_id.startswith("E") for _, rule_id in EXPECTED[name])
    assert report.exit_code == (1 if has_error else 0)


def test_every_fixture_is_expected_and_every_rule_has_a_bad_fixture() -> None:
    on_disk = sorted(p.name for p in FIXTURES.glob("*.yaml"))
    assert on_disk == sorted(EXPECTED)
    bad_rules = {name.split("-")[0] for name in EXPECTED if "-bad" in name}
    good_rules = {name.split("-")[0] for name in EXPECTED if "-good" in name}
    # E9007 needs two templates: its fixtures are the pair set.
    assert bad_rules | {"E9007"} == set(RULES)
    assert good_rules == {r for r in RULES if r.startswith("E")} - {"E9007"}
    assert {name.split("-")[0] for name in EXPECTED if name.endswith("-bad-scheduled.yaml")} == SCHEDULED_RULES
    assert {name.split("-")[0] for name in EXPECTED if name.endswith("-good-scheduled.yaml")} == SCHEDULED_RULES - {
        "W9001"
    }


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if "-bad" in n))
def test_bad_fixture_triggers_only_its_rule(name: str) -> None:
    assert {f.rule_id for f in check(name).findings} == {name.split("-")[0]}


# --- messages that must name the culprit ----------------------------------------------------------------------


def test_e9001_messages_say_which_value() -> None:
    messages = [f.message for f in check("E9001-bad.yaml").findings]
    assert messages == [
        "AssignPublicIp is ENABLED in a Fn::If branch: its tasks get public IPs",
        "AssignPublicIp comes from parameter TaskPublicIp: cannot be proven DISABLED",
    ]


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


# --- egress paths ---------------------------------------------------------------------------------------------


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


# --- cross-template: the pair set -----------------------------------------------------------------------------


@pytest.mark.parametrize("service", ["service.yaml", "service-join-imports.yaml"])
def test_pair_with_nat_is_clean_and_resolves_subnets_to_the_network(service: str) -> None:
    report = check("pair/network.yaml", f"pair/{service}")
    assert report.findings == []
    assert report.exit_code == 0
    assert [(Path(p.template).name, p.subnet) for p in report.paths] == [
        ("network.yaml", "PrivateSubnet1"),
        ("network.yaml", "PrivateSubnet2"),
    ]
    assert path_texts(report) == [NAT_PATH_1, NAT_PATH_2]
    assert (report.services_checked, report.subnets_checked) == (1, 2)


def test_pair_with_endpoints_is_clean() -> None:
    report = check("pair/network-endpoints.yaml", "pair/service.yaml")
    assert report.findings == []
    assert path_texts(report) == [
        f"PrivateSubnet{n} -> PrivateRouteTable{n} -> VPC endpoints (ecr.api, ecr.dkr, logs, s3, secretsmanager)"
        for n in (1, 2)
    ]


def test_e9007_pair_bad_import_is_the_only_finding() -> None:
    report = check("pair/network.yaml", "pair/service-missing-export.yaml")
    assert ids(report) == [("service-missing-export.yaml", "Service", "E9007")]
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


def test_service_alone_warns_once_per_import_and_fails_nothing() -> None:
    report = check("pair/service.yaml")
    assert ids(report) == [
        ("service.yaml", "TaskSecurityGroup", "W9009"),
        ("service.yaml", "LoadBalancerSecurityGroup", "W9009"),
        ("service.yaml", "LoadBalancer", "W9009"),
        ("service.yaml", "TargetGroup", "W9009"),
        ("service.yaml", "Service", "W9009"),
        ("service.yaml", "Service", "W9009"),
    ]
    assert report.findings[2].message == (
        "cannot resolve import ${NetworkStackName}-PublicSubnetIds: none of the given templates exports anything"
    )
    assert report.exit_code == 0
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


def test_literal_import_matches_a_stack_name_export() -> None:
    templates = pair_dicts("network.yaml", "service.yaml")
    configuration = templates["service.yaml"]["Resources"]["Service"]["Properties"]["NetworkConfiguration"]
    configuration["AwsvpcConfiguration"]["Subnets"] = [{"Fn::ImportValue": "prod-network-PrivateSubnet2Id"}]
    report = check_dicts(templates)
    assert report.findings == []
    assert path_texts(report) == [NAT_PATH_2]


def test_unreadable_export_name_is_a_warning() -> None:
    templates = pair_dicts("network.yaml")
    # Fn::Select of a literal list reads; of the Availability Zones it does not.
    templates["network.yaml"]["Outputs"]["VpcId"]["Export"]["Name"] = {"Fn::Select": [0, {"Fn::GetAZs": ""}]}
    assert ids(check_dicts(templates)) == [("network.yaml", "VpcId", "W9009")]


def test_two_matching_networks_are_both_checked() -> None:
    report = check("pair/network.yaml", "pair/network-endpoints.yaml", "pair/service.yaml")
    assert report.findings == []
    assert [(Path(p.template).name, p.subnet) for p in report.paths] == [
        ("network.yaml", "PrivateSubnet1"),
        ("network.yaml", "PrivateSubnet2"),
        ("network-endpoints.yaml", "PrivateSubnet1"),
        ("network-endpoints.yaml", "PrivateSubnet2"),
    ]


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


# --- single-template variations -------------------------------------------------------------------------------


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


def test_docker_hub_image_without_nat_is_e9008() -> None:
    template = fixture("E9003-good.yaml")
    template["Resources"]["TaskDefinition"]["Properties"]["ContainerDefinitions"][0]["Image"] = "nginx:1.27"
    report = check_dicts({"app.yaml": template})
    assert ids(report) == [("app.yaml", "Service", "E9008")]
    assert report.findings[0].message.startswith("container app pulls its image from docker.io, but subnet")


def test_route_to_a_parameter_is_a_warning() -> None:
    template = fixture("E9001-good.yaml")
    template["Parameters"] = {"EgressTarget": {"Type": "String"}}
    template["Resources"]["PrivateDefaultRoute1"]["Properties"]["NatGatewayId"] = {"Ref": "EgressTarget"}
    report = check_dicts({"app.yaml": template})
    assert ids(report) == [("app.yaml", "Service", "W9009")]
    assert "0.0.0.0/0 goes to parameter EgressTarget" in report.findings[0].message


def test_internal_load_balancer_may_sit_in_private_subnets() -> None:
    template = fixture("E9004-bad.yaml")
    template["Resources"]["LoadBalancer"]["Properties"]["Scheme"] = "internal"
    assert check_dicts({"app.yaml": template}).findings == []


def test_load_balancer_security_group_open_to_the_internet_is_fine() -> None:
    # Only task security groups must be closed; the load balancer's admits the internet by design.
    report = check("E9004-good.yaml")
    assert report.findings == []
    ingress = load_template(FIXTURES / "E9004-good.yaml")["Resources"]["LoadBalancerSecurityGroup"]
    assert ingress["Properties"]["SecurityGroupIngress"][0]["CidrIp"] == "0.0.0.0/0"


def test_findings_shared_by_two_services_are_listed_per_service_and_paths_once() -> None:
    template = fixture("E9002-bad.yaml")
    template["Resources"]["SecondService"] = copy.deepcopy(template["Resources"]["Service"])
    report = check_dicts({"app.yaml": template})
    assert ids(report) == [("app.yaml", "Service", "E9002"), ("app.yaml", "SecondService", "E9002")]
    assert path_texts(report) == ["PublicSubnet1 -> PublicRouteTable -> InternetGateway"]
    assert (report.services_checked, report.subnets_checked) == (2, 1)


# --- scheduled tasks: EventBridge rules and Scheduler schedules ------------------------------------------------

AWSVPC_OF = {
    "Rule": ("Targets", 0, "EcsParameters", "NetworkConfiguration", "AwsVpcConfiguration"),
    "Schedule": ("Target", "EcsParameters", "NetworkConfiguration", "AwsvpcConfiguration"),
}


def awsvpc_of(template: dict, logical_id: str) -> dict:
    node = template["Resources"][logical_id]["Properties"]
    for key in AWSVPC_OF[logical_id]:
        node = node[key]
    return node


def scheduled_task_example() -> dict:
    """``examples/scheduled_task.py``'s template as a long-form dict."""
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        import scheduled_task
    finally:
        sys.path.remove(str(ROOT / "examples"))
    from fargate_private_templates.render import ordered_dict

    return ordered_dict(scheduled_task.build_scheduled_task())


def test_scheduled_e9001_says_which_value_and_points_at_each_target() -> None:
    report = check("E9001-bad-scheduled.yaml")
    assert [f.message for f in report.findings] == [
        "AssignPublicIp is ENABLED in a Fn::If branch: its tasks get public IPs",
        "AssignPublicIp is ENABLED: its tasks get public IPs",
    ]
    assert [f.location for f in report.findings] == [
        ("Resources", logical_id, "Properties", *AWSVPC_OF[logical_id], "AssignPublicIp")
        for logical_id in ("Rule", "Schedule")
    ]


def test_scheduled_e9008_follows_each_task_definition_arn() -> None:
    messages = [f.message for f in check("E9008-bad-scheduled.yaml").findings]
    assert [m.split(", but subnet ")[0] for m in messages] == [
        "container job pulls with RepositoryCredentials (a registry outside ECR)",
        "container job pulls its image from docker.io",
    ]


def test_scheduled_tasks_are_counted_apart_from_services() -> None:
    report = check("E9001-good-scheduled.yaml")
    assert (report.services_checked, report.scheduled_tasks_checked, report.subnets_checked) == (0, 2, 1)
    assert report.summary() == "0 services, 2 scheduled tasks, 1 subnet checked: 0 errors, 0 warnings"
    both = check_dicts({"service.yaml": fixture("E9002-bad.yaml"), "jobs.yaml": fixture("W9001-bad-scheduled.yaml")})
    assert both.summary() == "1 service, 2 scheduled tasks, 2 subnets checked: 1 error, 2 warnings"
    assert json.loads(both.format_json())["summary"] == {
        "services": 1,
        "scheduled_tasks": 2,
        "subnets": 2,
        "errors": 1,
        "warnings": 2,
    }
    one = CheckReport(services_checked=1, subnets_checked=1, scheduled_tasks_checked=1)
    assert one.summary() == "1 service, 1 scheduled task, 1 subnet checked: 0 errors, 0 warnings"


def test_rule_with_several_ecs_targets_names_the_target() -> None:
    template = fixture("E9001-good-scheduled.yaml")
    targets = template["Resources"]["Rule"]["Properties"]["Targets"]
    second = copy.deepcopy(targets[0])
    second["Id"] = "cleanup"
    second["EcsParameters"]["NetworkConfiguration"]["AwsVpcConfiguration"]["AssignPublicIp"] = "ENABLED"
    targets.append(second)
    report = check_dicts({"app.yaml": template})
    assert ids(report) == [("app.yaml", "Rule", "E9001")]
    assert report.findings[0].message == "target cleanup: AssignPublicIp is ENABLED: its tasks get public IPs"
    assert report.findings[0].location[3:5] == ("Targets", 1)
    assert report.scheduled_tasks_checked == 3


def test_rule_targets_without_ecs_parameters_are_not_tasks() -> None:
    template = fixture("E9001-good-scheduled.yaml")
    targets = template["Resources"]["Rule"]["Properties"]["Targets"]
    targets.append({"Id": "notify", "Arn": {"Ref": "ScheduleRoleArn"}})
    report = check_dicts({"app.yaml": template})
    assert report.findings == []
    assert report.scheduled_tasks_checked == 2


def test_fn_if_around_a_schedule_target_checks_both_branches_and_counts_once() -> None:
    template = fixture("E9001-good-scheduled.yaml")
    properties = template["Resources"]["Schedule"]["Properties"]
    public = copy.deepcopy(properties["Target"])
    public["EcsParameters"]["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"] = "ENABLED"
    properties["Target"] = {"Fn::If": ["IsProduction", properties["Target"], public]}
    report = check_dicts({"app.yaml": template})
    assert ids(report) == [("app.yaml", "Schedule", "E9001")]
    assert report.scheduled_tasks_checked == 2


@pytest.mark.parametrize("logical_id", ["Rule", "Schedule"])
def test_fargate_target_without_network_configuration_is_e9001_but_ec2_is_not(logical_id: str) -> None:
    template = fixture("E9001-good-scheduled.yaml")
    parameters = template["Resources"][logical_id]["Properties"]
    parameters = parameters["Targets"][0] if logical_id == "Rule" else parameters["Target"]
    parameters = parameters["EcsParameters"]
    del parameters["NetworkConfiguration"]
    report = check_dicts({"app.yaml": template})
    assert ids(report) == [("app.yaml", logical_id, "E9001")]
    assert report.findings[0].location == (
        "Resources",
        logical_id,
        "Properties",
        *AWSVPC_OF[logical_id][:-2],
        "NetworkConfiguration",
    )
    parameters["LaunchType"] = "EC2"
    assert ids(check_dicts({"app.yaml": template})) == []


def test_scheduled_task_subnet_from_a_parameter_is_a_warning() -> None:
    template = fixture("E9001-good-scheduled.yaml")
    template["Parameters"]["JobSubnet"] = {"Type": "AWS::EC2::Subnet::Id"}
    awsvpc_of(template, "Rule")["Subnets"] = [{"Ref": "JobSubnet"}]
    report = check_dicts({"app.yaml": template})
    assert ids(report) == [("app.yaml", "Rule", "W9009")]
    assert report.findings[0].message == "cannot resolve a subnet of its tasks: parameter JobSubnet"
    assert report.exit_code == 0


def test_scheduled_task_example_with_the_network_is_clean_and_prints_the_nat_paths() -> None:
    network = load_template(TEMPLATES / "network.yaml")
    report = check_dicts({"network.yaml": network, "scheduled-task.yaml": scheduled_task_example()})
    assert report.findings == []
    through = " [security groups scheduled-task.yaml:JobSecurityGroup -> the internet]"
    assert report.format_text() == (
        f"path: network.yaml:{NAT_PATH_1}{through}\n"
        f"path: network.yaml:{NAT_PATH_2}{through}\n"
        "0 services, 1 scheduled task, 2 subnets checked: 0 errors, 0 warnings\n"
    )


def test_scheduled_task_example_with_a_public_ip_is_e9001_on_schedule() -> None:
    template = scheduled_task_example()
    # The example's EventBridge rule is the resource called Schedule.
    target = template["Resources"]["Schedule"]["Properties"]["Targets"][0]["EcsParameters"]
    target["NetworkConfiguration"]["AwsVpcConfiguration"]["AssignPublicIp"] = "ENABLED"
    report = check_dicts({"network.yaml": load_template(TEMPLATES / "network.yaml"), "scheduled-task.yaml": template})
    assert ids(report) == [("scheduled-task.yaml", "Schedule", "E9001")]
    assert report.findings[0].message == "AssignPublicIp is ENABLED: its tasks get public IPs"
    assert report.exit_code == 1


# --- the committed templates ----------------------------------------------------------------------------------

REAL_PATHS = {
    "network.yaml": [NAT_PATH_1, NAT_PATH_2],
    "network-single-nat.yaml": [
        "PrivateSubnet1 -> PrivateRouteTable1 -> NatGateway (in PublicSubnet1) -> InternetGateway",
        "PrivateSubnet2 -> PrivateRouteTable2 -> NatGateway (in PublicSubnet1) -> InternetGateway",
    ],
    "network-regional-nat.yaml": [
        f"PrivateSubnet{n} -> PrivateRouteTable{n} -> RegionalNatGateway (regional) -> InternetGateway" for n in (1, 2)
    ],
}


@pytest.mark.parametrize("network", sorted(REAL_PATHS))
def test_committed_network_with_fixture_service(network: str) -> None:
    report = check_templates([TEMPLATES / network, PAIR / "service.yaml"])
    assert report.findings == []
    assert path_texts(report) == REAL_PATHS[network]
    assert {Path(p.template).name for p in report.paths} == {network}


@pytest.mark.parametrize("network", sorted(p.name for p in TEMPLATES.glob("network*.yaml")))
@pytest.mark.parametrize("service", sorted(p.name for p in TEMPLATES.glob("service*.yaml")))
def test_committed_templates_pass(network: str, service: str) -> None:
    # A service on the shared front door is checked with the front door it attaches to.
    front_door = [TEMPLATES / "ingress-alb.yaml"] if service == "service-shared-alb.yaml" else []
    report = check_templates([TEMPLATES / network, *front_door, TEMPLATES / service])
    assert report.format_text().splitlines()[-1].endswith(": 0 errors, 0 warnings")
    assert report.subnets_checked >= 2


@pytest.mark.parametrize("network", sorted(p.name for p in TEMPLATES.glob("network*.yaml")))
def test_committed_network_alone_has_no_public_ip_subnets(network: str) -> None:
    report = check_templates([TEMPLATES / network])
    assert report.findings == []
    assert (report.services_checked, report.subnets_checked) == (0, 0)


# --- report formats and the API ------------------------------------------------------------------------------


def test_format_text_is_paths_then_findings_then_summary() -> None:
    report = check_dicts({"app.yaml": fixture("E9002-bad.yaml"), "more.yaml": fixture("W9001-bad.yaml")})
    assert report.format_text() == (
        "path: app.yaml:PublicSubnet1 -> PublicRouteTable -> InternetGateway\n"
        f"path: more.yaml:{NAT_PATH_1} [security groups TaskSecurityGroup -> the internet]\n"
        "app.yaml:Service: E9002 runs tasks in public subnet PublicSubnet1: PublicRouteTable routes 0.0.0.0/0 to "
        "InternetGateway\n"
        "more.yaml:Service: W9001 AssignPublicIp is absent (DISABLED by default); set DISABLED explicitly\n"
        "2 services, 2 subnets checked: 1 error, 1 warning\n"
    )


def test_format_json_shape() -> None:
    report = check("E9006-bad.yaml")
    document = json.loads(report.format_json())
    assert set(document) == {"paths", "findings", "summary", "exit_code"}
    assert document["exit_code"] == 1
    assert document["summary"] == {"services": 1, "scheduled_tasks": 0, "subnets": 1, "errors": 2, "warnings": 0}
    assert document["paths"] == [
        {
            "template": str(FIXTURES / "E9006-bad.yaml"),
            "subnet": "PrivateSubnet1",
            "text": NAT_PATH_1,
            "groups": "security groups TaskSecurityGroup -> the internet",
        }
    ]
    keys = {"template", "logical_id", "rule_id", "severity", "message", "title", "fix", "link"}
    assert [set(f) for f in document["findings"]] == [keys] * 2
    assert [f["severity"] for f in document["findings"]] == ["error", "error"]
    assert document["findings"][0]["logical_id"] == "TaskSecurityGroup"


def test_warnings_alone_exit_zero_and_errors_exit_one() -> None:
    warning = Finding("t", "X", "W9009", "warning", "m")
    error = Finding("t", "X", "E9002", "error", "m")
    assert CheckReport([warning]).exit_code == 0
    assert CheckReport([warning, error]).exit_code == 1
    assert CheckReport().format_text() == "0 services, 0 subnets checked: 0 errors, 0 warnings\n"
    assert EgressPath("t", "S", "S -> R").as_dict() == {"template": "t", "subnet": "S", "text": "S -> R"}


def test_check_templates_names_a_file_that_is_not_a_template(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("just: text\n")
    with pytest.raises(TemplateLoadError, match="broken.yaml"):
        check_templates([FIXTURES / "E9001-good.yaml", broken])


def test_check_dicts_survives_malformed_templates() -> None:
    report = check_dicts(
        {
            "odd.yaml": {
                "Resources": {
                    "Service": {"Type": "AWS::ECS::Service", "Properties": {"NetworkConfiguration": "nope"}},
                    "Subnet": {"Type": "AWS::EC2::Subnet", "Properties": []},
                    "Junk": "not a resource",
                    "Route": {"Type": "AWS::EC2::Route", "Properties": {"RouteTableId": {"Fn::If": ["x"]}}},
                },
                "Outputs": "nope",
            },
            "empty.yaml": {},
        }
    )
    assert ids(report) == [("odd.yaml", "Service", "E9001")]


def test_rules_and_cfnlint_path() -> None:
    assert sorted(RULES) == [
        *("E9001", "E9002", "E9003", "E9004", "E9005", "E9006", "E9007", "E9008"),
        *("E9010", "E9011", "E9012", "E9013", "E9014", "E9020", "W9001", "W9009", "W9015"),
    ]
    assert all(r.title and r.description and r.fix and "\n" not in r.title for r in RULES.values())
    assert {r.severity for r in RULES.values() if r.id.startswith("W")} == {"warning"}
    assert {r.severity for r in RULES.values() if r.id.startswith("E")} == {"error"}
    assert all(r.link == f"docs/rules.md#{r.id.lower()}" for r in RULES.values())
    assert cfnlint_rules_path().is_dir()
    assert (cfnlint_rules_path() / "TaskPublicIp.py").is_file()


def test_an_image_from_a_variable_on_a_network_without_nat_cannot_be_proven_ecr() -> None:
    from fargate_private_templates import ServiceConfig, build_service
    from fargate_private_templates.render import ordered_dict

    service = ordered_dict(build_service(ServiceConfig()))
    container = service["Resources"]["TaskDefinition"]["Properties"]["ContainerDefinitions"][0]
    container["Image"] = {"Ref": "RepositoryName"}
    network = load_template(TEMPLATES / "network-endpoints.yaml")
    report = check_dicts({"network.yaml": network, "service.yaml": service})
    assert [(f.logical_id, f.rule_id) for f in report.findings] == [("Service", "W9009"), ("Service", "W9009")]
    assert "takes its whole image reference from a variable" in report.findings[0].message
    with_nat = check_dicts({"network.yaml": load_template(TEMPLATES / "network.yaml"), "service.yaml": service})
    assert with_nat.findings == []


def test_every_rule_code_in_the_checker_is_defined_once_in_the_rulebook() -> None:
    import re

    from fargate_private_templates.checks import rulebook

    package = ROOT / "src" / "fargate_private_templates"
    used = {
        code
        for path in [*(package / "checks").glob("*.py"), *(package / "cfnlint_rules").glob("*.py")]
        if path.name != "rulebook.py"
        for code in re.findall(r"\b[EW]9\d{3}\b", path.read_text())
    }
    assert used and used <= set(RULES)
    source = (package / "checks" / "rulebook.py").read_text()
    assert all(source.count(f'"{code}",\n') == 1 for code in RULES)
    assert len(rulebook._RULES) == len(RULES)


def test_the_rule_reference_is_generated_from_the_rulebook() -> None:
    from fargate_private_templates.checks.rulebook import rules_markdown

    page = (ROOT / "docs" / "rules.md").read_text()
    assert page == rules_markdown(), "docs/rules.md is stale: run `make templates`"
    for rule in RULES.values():
        assert f"\n## {rule.id}\n" in page and f"[{rule.id}](#{rule.id.lower()})" in page


def test_json_findings_carry_their_rules_title_fix_and_link() -> None:
    import json

    report = check_dicts({"E9005-bad.yaml": load_template(FIXTURES / "E9005-bad.yaml")})
    (finding,) = json.loads(report.format_json())["findings"]
    rule = RULES["E9005"]
    assert (finding["rule_id"], finding["title"], finding["fix"], finding["link"]) == (
        "E9005",
        rule.title,
        rule.fix,
        rule.link,
    )
