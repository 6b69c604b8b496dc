"""The checker over sets of templates: each rule on its good and bad fixtures, the pair set joined through its
exports, the committed templates, and templates of the wrong shape."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from conftest import FIXTURES, NAT_PATH_1, NAT_PATH_2, PAIR, TEMPLATES, catalogue_dict, fixture, path_texts
from conftest import check_fixtures as check
from conftest import finding_ids as ids

from fargate_private_templates.checks import RULES, check_dicts, check_templates
from fargate_private_templates.diagram.flows import mermaid_diagram
from fargate_private_templates.render.loader import TemplateLoadError
from fargate_private_templates.render.parameters import parameter_values

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
    "E9021-good.yaml": [],
    "E9021-bad.yaml": [("LoadBalancer", "E9021")],
    "E9008-bad.yaml": [("Service", "E9008")],
    # What W9009 cannot resolve leaves the only service unproven: W9016 says why, E9017 fails the check.
    "W9009-bad.yaml": [("Service", "E9017"), ("Service", "W9009"), ("Service", "W9016")],
    "W9009-bad-main-route-table.yaml": [("Service", "E9017"), ("Service", "W9009"), ("Service", "W9016")],
    # Whether launchers are proven private, and capacity providers.
    "W9016-bad.yaml": [("ReportService", "W9016")],
    "E9017-good.yaml": [],
    "E9017-bad.yaml": [("Service", "E9017"), ("Service", "W9016")],
    "E9018-good.yaml": [],
    "E9018-bad.yaml": [("Service", "E9018")],
    "W9019-bad.yaml": [("Service", "W9019")],
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


# A warning that leaves the only launcher unproven brings W9016 (why) and, with no error, E9017 (the check fails).
PROOF = {"W9009": {"W9016", "E9017"}, "E9017": {"W9016"}}


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if "-bad" in n))
def test_bad_fixture_triggers_only_its_rule(name: str) -> None:
    rule = name.split("-")[0]
    assert {f.rule_id for f in check(name).findings} == {rule} | PROOF.get(rule, set())


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
    assert (report.services_checked, report.subnets_checked, report.proven) == (1, 2, 1)


def test_pair_with_endpoints_is_clean() -> None:
    report = check("pair/network-endpoints.yaml", "pair/service.yaml")
    assert report.findings == []
    assert path_texts(report) == [
        f"PrivateSubnet{n} -> PrivateRouteTable{n} -> VPC endpoints (ecr.api, ecr.dkr, logs, s3, secretsmanager)"
        for n in (1, 2)
    ]


def test_two_matching_networks_are_both_checked() -> None:
    report = check("pair/network.yaml", "pair/network-endpoints.yaml", "pair/service.yaml")
    assert report.findings == []
    assert [(Path(p.template).name, p.subnet) for p in report.paths] == [
        ("network.yaml", "PrivateSubnet1"),
        ("network.yaml", "PrivateSubnet2"),
        ("network-endpoints.yaml", "PrivateSubnet1"),
        ("network-endpoints.yaml", "PrivateSubnet2"),
    ]


def test_findings_shared_by_two_services_are_listed_per_service_and_paths_once() -> None:
    template = fixture("E9002-bad.yaml")
    template["Resources"]["SecondService"] = copy.deepcopy(template["Resources"]["Service"])
    report = check_dicts({"app.yaml": template})
    assert ids(report) == [("app.yaml", "Service", "E9002"), ("app.yaml", "SecondService", "E9002")]
    assert path_texts(report) == ["PublicSubnet1 -> PublicRouteTable -> InternetGateway"]
    assert (report.services_checked, report.subnets_checked) == (2, 1)


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


WRONG_TYPES: tuple[object, ...] = ("text", 7, [5], {"Fn::GetAtt": "x"})


def _mutations() -> list[tuple[str, str, str]]:
    pair = ("network.yaml", "service-alb.yaml")
    return [
        (name, resource, prop)
        for name in pair
        for resource, body in catalogue_dict(name)["Resources"].items()
        for prop in body.get("Properties", {})
    ]


def test_properties_of_the_wrong_type_never_crash_the_readers() -> None:
    """Every property of the default pair, replaced by values of the wrong type: check, diagram and params read
    the result (findings or warnings are fine; an exception is not)."""
    pair = {name: catalogue_dict(name) for name in ("network.yaml", "service-alb.yaml")}
    mutations = _mutations()
    assert len(mutations) > 100
    for name, resource, prop in mutations:
        for wrong in WRONG_TYPES:
            templates = dict(pair)
            templates[name] = copy.deepcopy(pair[name])
            templates[name]["Resources"][resource]["Properties"][prop] = wrong
            check_dicts(templates)
            mermaid_diagram(templates)
            parameter_values(templates[name])


@pytest.mark.parametrize("section", ["Parameters", "Conditions", "Mappings", "Outputs", "Resources"])
def test_sections_of_the_wrong_type_never_crash_the_library(section: str) -> None:
    templates = {name: copy.deepcopy(catalogue_dict(name)) for name in ("network.yaml", "service-alb.yaml")}
    templates["service-alb.yaml"][section] = 5 if section != "Resources" else {"X": 5, "Y": {"Type": 5}}
    check_dicts(templates)
    mermaid_diagram(templates)
