"""Export and import names: every form CloudFormation accepts (Fn::Join, Fn::Sub, Fn::Select/Fn::Split,
Fn::FindInMap and Fn::If, joined through the stack variable), which export an import means, and stack outputs."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from conftest import JOIN, JOIN_PATHS, NAT_PATH_2, PAIR, pair_dicts, path_texts
from conftest import finding_ids as ids

from fargate_private_templates.checks import CheckReport, check_dicts, check_templates
from fargate_private_templates.checks.exports import ExportName, UnreadableName, name_of, output_reference, read_outputs
from fargate_private_templates.checks.intrinsics import Opaque, Variable, texts
from fargate_private_templates.checks.resolve import Resolver
from fargate_private_templates.render.loader import load_template


def check(*names: str) -> CheckReport:
    return check_templates([JOIN / name for name in names])


def paths(report: CheckReport) -> list[tuple[str, str]]:
    return [(Path(p.template).name, p.text) for p in report.paths]


def dicts(*names: str) -> dict[str, dict]:
    return {name: copy.deepcopy(load_template(JOIN / name)) for name in names}


def import_join(*parts: object, delimiter: str = ":") -> dict:
    return {"Fn::ImportValue": {"Fn::Join": [delimiter, list(parts)]}}


def awsvpc(template: dict) -> dict:
    return template["Resources"]["Service"]["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]


SUB_PATHS = [
    ("network-sub.yaml", f"PrivateSubnet{n} -> PrivateRouteTable -> VPC endpoints (ecr.api, ecr.dkr, logs, s3)")
    for n in ("One", "Two")
]

SPLIT_PATHS = [
    ("network-split.yaml", f"PrivateSubnet{n} -> PrivateRoutes -> Nat (in PublicSubnetA) -> Igw") for n in ("A", "B")
]


@pytest.mark.parametrize(
    ("network", "service", "expected_paths"),
    [
        ("network.yaml", "service.yaml", JOIN_PATHS),
        ("network-sub.yaml", "service-sub.yaml", SUB_PATHS),
        ("network-split.yaml", "service-split.yaml", SPLIT_PATHS),
    ],
)
def test_pair_resolves_every_task_subnet_and_is_clean(network: str, service: str, expected_paths: list) -> None:
    report = check(network, service)
    assert report.findings == []
    assert paths(report) == expected_paths
    assert report.summary() == "1 service: 1 proven private, 0 not proven; 2 subnets checked: 0 errors, 0 warnings"
    assert report.exit_code == 0


def test_join_service_with_public_ips_is_e9001_and_nothing_else() -> None:
    report = check("network.yaml", "service-public-ip.yaml")
    assert ids(report) == [("service-public-ip.yaml", "Service", "E9001")]
    assert report.findings[0].message == "AssignPublicIp is ENABLED: its tasks get public IPs"
    # The subnets are still resolved and proven private: only the public IP is wrong.
    assert paths(report) == JOIN_PATHS
    assert report.exit_code == 1


def test_join_network_mapping_public_ips_is_e9005_on_each_public_subnet() -> None:
    report = check("network-public-ip.yaml", "service.yaml")
    assert ids(report) == [
        ("network-public-ip.yaml", "PublicSubnetOne", "E9005"),
        ("network-public-ip.yaml", "PublicSubnetTwo", "E9005"),
    ]
    assert [text for _, text in paths(report)] == [text for _, text in JOIN_PATHS]
    assert report.summary() == "1 service: 1 proven private, 0 not proven; 2 subnets checked: 2 errors, 0 warnings"


def test_tasks_imported_into_public_subnets_through_join_are_e9002() -> None:
    templates = dicts("network.yaml", "service.yaml")
    awsvpc(templates["service.yaml"])["Subnets"] = [import_join({"Ref": "StackName"}, "PublicSubnetOne")]
    report = check_dicts(templates)
    assert ids(report) == [("service.yaml", "Service", "E9002")]
    assert report.findings[0].message == (
        "runs tasks in public subnet network.yaml:PublicSubnetOne: PublicRouteTable routes 0.0.0.0/0 to InternetGateway"
    )


def test_open_ingress_added_to_the_imported_task_group_is_e9006() -> None:
    templates = dicts("network.yaml", "service.yaml")
    ingress = templates["service.yaml"]["Resources"]["EcsSecurityGroupIngressFromPublicALB"]["Properties"]
    del ingress["SourceSecurityGroupId"]
    ingress["CidrIp"] = "0.0.0.0/0"
    report = check_dicts(templates)
    assert ids(report) == [("service.yaml", "EcsSecurityGroupIngressFromPublicALB", "E9006")]
    assert report.findings[0].message.startswith(
        "adds to task security group network.yaml:FargateContainerSecurityGroup: admits 0.0.0.0/0"
    )


def test_missing_export_of_a_given_network_is_e9007() -> None:
    templates = dicts("network.yaml", "service.yaml")
    awsvpc(templates["service.yaml"])["Subnets"][1] = import_join({"Ref": "StackName"}, "PrivateSubnetThree")
    report = check_dicts(templates)
    # The subnet the import would name is not known, so the service is not proven private either.
    assert ids(report) == [("service.yaml", "Service", "E9007"), ("service.yaml", "Service", "W9016")]
    assert report.findings[0].message == (
        "imports ${StackName}:PrivateSubnetThree, but network.yaml exports no PrivateSubnetThree"
    )
    assert report.summary() == (
        "1 service: 0 proven private, 1 not proven; 1 subnet checked, 1 subnet reference unresolved: 1 error, 1 warning"
    )


def test_the_delimiter_is_part_of_the_name() -> None:
    templates = dicts("network.yaml", "service.yaml")
    awsvpc(templates["service.yaml"])["Subnets"][1] = import_join(
        {"Ref": "StackName"}, "PrivateSubnetTwo", delimiter="-"
    )
    report = check_dicts(templates)
    assert ids(report) == [("service.yaml", "Service", "E9007"), ("service.yaml", "Service", "W9016")]
    assert report.findings[0].message == (
        "imports ${StackName}-PrivateSubnetTwo, but network.yaml exports no PrivateSubnetTwo"
    )


SERVICE_ALONE = {
    "service.yaml": [
        ("PublicLoadBalancerSG", "${StackName}:VPCId"),
        ("EcsSecurityGroupIngressFromPublicALB", "${StackName}:FargateContainerSecurityGroup"),
        ("PublicLoadBalancer", "${StackName}:PublicSubnetOne"),
        ("PublicLoadBalancer", "${StackName}:PublicSubnetTwo"),
        ("TargetGroup", "${StackName}:VPCId"),
        ("Service", "${StackName}:ClusterName"),
        ("Service", "${StackName}:FargateContainerSecurityGroup"),
        ("Service", "${StackName}:PrivateSubnetOne"),
        ("Service", "${StackName}:PrivateSubnetTwo"),
    ],
    "service-sub.yaml": [
        ("TaskSecurityGroup", "${NetworkStack}:VPCId"),
        ("LoadBalancerSecurityGroup", "${NetworkStack}:VPCId"),
        ("LoadBalancer", "${NetworkStack}:PublicSubnetOne"),
        ("LoadBalancer", "${NetworkStack}:PublicSubnetTwo"),
        ("TargetGroup", "${NetworkStack}:VPCId"),
        ("Service", "${NetworkStack}:${AWS::Region}:Cluster"),
        ("Service", "${NetworkStack}:PrivateSubnetOne"),
        ("Service", "${NetworkStack}:PrivateSubnetTwo"),
    ],
    "service-split.yaml": [
        ("TaskSecurityGroup", "${NetworkStackName}-Vpc"),
        ("LoadBalancerSecurityGroup", "${NetworkStackName}-Vpc"),
        ("LoadBalancer", "${NetworkStackName}-PublicSubnets"),
        ("TargetGroup", "${NetworkStackName}-Vpc"),
        ("Service", "${NetworkStackName}-Cluster"),
        ("Service", "${NetworkStackName}-PrivateSubnets"),
    ],
}


@pytest.mark.parametrize(
    ("service", "unresolved"), [("service.yaml", 2), ("service-sub.yaml", 2), ("service-split.yaml", 1)]
)
def test_service_alone_warns_once_per_import_with_the_name_written_out(service: str, unresolved: int) -> None:
    report = check(service)
    expected = SERVICE_ALONE[service]
    # Alone, the service is not proven private (W9016), so the check, proving nothing, fails (E9017).
    assert ids(report) == [
        (service, "Service", "E9017"),
        *((service, owner, "W9009") for owner, _ in expected),
        (service, "Service", "W9016"),
    ]
    assert [f.message for f in report.findings[1:-1]] == [
        f"cannot resolve import {name}: none of the given templates exports anything" for _, name in expected
    ]
    assert report.paths == []
    noun = "reference" if unresolved == 1 else "references"
    warnings = f"{len(expected) + 1} warnings"
    assert report.summary() == (
        f"1 service: 0 proven private, 1 not proven; 0 subnets checked, {unresolved} subnet {noun} unresolved: "
        f"1 error, {warnings}"
    )
    assert report.exit_code == 1


def test_import_from_a_stack_not_given_is_one_warning_with_its_name() -> None:
    templates = dicts("network.yaml", "service.yaml")
    awsvpc(templates["service.yaml"])["Subnets"][1] = import_join({"Ref": "AppStack"}, "AppSubnet")
    report = check_dicts(templates)
    assert ids(report) == [
        ("service.yaml", "Service", "E9017"),
        ("service.yaml", "Service", "W9009"),
        ("service.yaml", "Service", "W9016"),
    ]
    assert report.findings[1].message == (
        "cannot resolve import ${AppStack}:AppSubnet: no given template exports AppSubnet "
        "or anything else imported through ${AppStack}"
    )
    assert report.findings[2].message == (
        "service not proven private: 1 subnet reference is not resolved (import ${AppStack}:AppSubnet)"
    )
    assert "(the template of each stack ${AppStack} names, " in report.findings[0].message
    assert paths(report) == JOIN_PATHS[:1]
    assert report.summary() == (
        "1 service: 0 proven private, 1 not proven; 1 subnet checked, 1 subnet reference unresolved: "
        "1 error, 2 warnings"
    )


def test_unreadable_import_name_is_one_warning_written_out_as_far_as_it_reads() -> None:
    templates = dicts("network.yaml", "service.yaml")
    zone = {"Fn::Select": [0, {"Fn::GetAZs": ""}]}
    awsvpc(templates["service.yaml"])["Subnets"][1] = import_join({"Ref": "StackName"}, "Private", zone)
    report = check_dicts(templates)
    assert ids(report) == [
        ("service.yaml", "Service", "E9017"),
        ("service.yaml", "Service", "W9009"),
        ("service.yaml", "Service", "W9016"),
    ]
    assert report.findings[1].message == (
        "cannot read the export name ${StackName}:Private:<Fn::GetAZs> of a Fn::ImportValue: cannot read Fn::GetAZs"
    )
    assert report.summary() == (
        "1 service: 0 proven private, 1 not proven; 1 subnet checked, 1 subnet reference unresolved: "
        "1 error, 2 warnings"
    )


def names(expression: object, template: dict | None = None) -> list[str]:
    resolver = Resolver({"t.yaml": template or {}})
    return [str(name) for name in resolver.names("t.yaml", expression)]


def test_join_and_sub_spell_the_same_name() -> None:
    stack = {"Ref": "AWS::StackName"}
    spellings = [
        {"Fn::Join": [":", [stack, "PrivateSubnetOne"]]},
        {"Fn::Join": ["", [stack, ":PrivateSubnetOne"]]},
        {"Fn::Join": [":", [{"Fn::Join": ["", [stack]]}, "PrivateSubnetOne"]]},
        {"Fn::Sub": "${AWS::StackName}:PrivateSubnetOne"},
        {"Fn::Sub": ["${S}:${K}", {"S": stack, "K": "PrivateSubnetOne"}]},
    ]
    assert {name for spelling in spellings for name in names(spelling)} == {"${AWS::StackName}:PrivateSubnetOne"}


def test_name_matching_keeps_the_text_on_both_sides_of_the_stack_variable() -> None:
    export = name_of(["app.", Variable("AWS::StackName"), ".subnets"])
    assert export == ExportName("app.", "AWS::StackName", ".subnets")
    assert export.matches(name_of(["app.", Variable("Network"), ".subnets"]))
    assert export.matches(name_of(["app.prod.subnets"]))
    assert not export.matches(name_of(["app..subnets"]))  # a stack name is never empty
    assert export.matches(name_of(["app.a.subnets"]))  # but may be one character long
    assert not export.matches(name_of([Variable("Network"), ".subnets"]))
    assert export.key == "app…subnets"


def test_region_and_account_read_as_text_and_two_stack_variables_do_not_read() -> None:
    assert name_of([Variable("AWS::StackName"), ":", Variable("AWS::Region"), ":Cluster"]) == ExportName(
        "", "AWS::StackName", ":${AWS::Region}:Cluster"
    )
    two = name_of([Variable("Environment"), "-", Variable("AWS::StackName")])
    assert isinstance(two, UnreadableName)
    assert two == UnreadableName(
        "${Environment}-${AWS::StackName}",
        "${Environment}, ${AWS::StackName} are all variables: which one is the stack name is not known",
    )
    assert name_of([Opaque("Fn::GetAZs"), "-", Opaque("Fn::Cidr")]) == UnreadableName(
        "<Fn::GetAZs>-<Fn::Cidr>", "cannot read Fn::GetAZs; Fn::Cidr"
    )
    attribute = name_of([Variable("Vpc.CidrBlock"), "-x"])
    assert attribute == UnreadableName(
        "${Vpc.CidrBlock}-x", "${Vpc.CidrBlock} is a resource attribute, not a stack name"
    )


def test_find_in_map_reads_the_template_mappings_every_key_for_a_variable() -> None:
    template = {"Mappings": {"Env": {"prod": {"Tier": "Private"}, "test": {"Tier": "Public"}}}}
    by_literal = {
        "Fn::Sub": ["${S}-${T}Subnets", {"S": {"Ref": "Net"}, "T": {"Fn::FindInMap": ["Env", "prod", "Tier"]}}]
    }
    assert names(by_literal, template) == ["${Net}-PrivateSubnets"]
    by_variable = {"Fn::Join": ["-", [{"Ref": "Net"}, {"Fn::FindInMap": ["Env", {"Ref": "Stage"}, "Tier"]}]]}
    assert names(by_variable, template) == ["${Net}-Private", "${Net}-Public"]
    missing = {"Fn::Join": ["-", [{"Ref": "Net"}, {"Fn::FindInMap": ["Env", "dev", "Tier"]}]]}
    assert names(missing, template) == [
        "${Net}-<Fn::FindInMap [Env, dev, Tier], which the Mappings of t.yaml do not hold>"
    ]
    default = {"Fn::FindInMap": ["Env", "dev", "Tier", {"DefaultValue": "Private"}]}
    assert names({"Fn::Join": ["-", [{"Ref": "Net"}, default]]}, template) == ["${Net}-Private"]


def test_if_gives_one_name_per_branch_and_each_branch_is_checked() -> None:
    templates = dicts("network.yaml", "service.yaml")
    template = templates["service.yaml"]
    template["Conditions"] = {"Second": {"Fn::Equals": [{"Ref": "StackName"}, "b"]}}
    one_or_two = {"Fn::If": ["Second", "PrivateSubnetOne", "PrivateSubnetTwo"]}
    awsvpc(template)["Subnets"] = [import_join({"Ref": "StackName"}, one_or_two)]
    report = check_dicts(templates)
    assert report.findings == []
    assert paths(report) == JOIN_PATHS


def test_select_of_a_split_import_inside_a_name() -> None:
    """A Sub variable that is itself an import: the network exports its stack name as a comma-joined list."""
    templates = dicts("network.yaml", "service.yaml")
    templates["network.yaml"]["Outputs"]["Names"] = {
        "Value": {"Fn::Join": [",", [{"Ref": "AWS::StackName"}, "unused"]]},
        "Export": {"Name": "network-names"},
    }
    stack = {"Fn::Select": [0, {"Fn::Split": [",", {"Fn::ImportValue": "network-names"}]}]}
    subnet = {"Fn::ImportValue": {"Fn::Sub": ["${Stack}:PrivateSubnetTwo", {"Stack": stack}]}}
    awsvpc(templates["service.yaml"])["Subnets"] = [subnet]
    report = check_dicts(templates)
    assert report.findings == []
    assert paths(report) == JOIN_PATHS[1:]


def test_find_in_map_values_are_checked_in_every_branch() -> None:
    templates = dicts("network.yaml", "service.yaml")
    template = templates["service.yaml"]
    template["Mappings"] = {"Stage": {"prod": {"PublicIp": "DISABLED"}, "demo": {"PublicIp": "ENABLED"}}}
    awsvpc(template)["AssignPublicIp"] = {"Fn::FindInMap": ["Stage", {"Ref": "StackName"}, "PublicIp"]}
    report = check_dicts(templates)
    assert ids(report) == [("service.yaml", "Service", "E9001")]
    assert report.findings[0].message == "AssignPublicIp is ENABLED in a Fn::If branch: its tasks get public IPs"


def test_export_name_from_the_templates_own_mappings() -> None:
    templates = dicts("network.yaml", "service.yaml")
    network = templates["network.yaml"]
    network["Mappings"]["Names"] = {"Subnets": {"Two": "PrivateSubnetTwo"}}
    network["Outputs"]["PrivateSubnetTwo"]["Export"]["Name"] = {
        "Fn::Join": [":", [{"Ref": "AWS::StackName"}, {"Fn::FindInMap": ["Names", "Subnets", "Two"]}]]
    }
    report = check_dicts(templates)
    assert report.findings == []
    assert paths(report) == JOIN_PATHS


def test_literal_import_matches_a_join_export() -> None:
    templates = dicts("network.yaml", "service.yaml")
    awsvpc(templates["service.yaml"])["Subnets"] = [{"Fn::ImportValue": "production:PrivateSubnetOne"}]
    report = check_dicts(templates)
    assert report.findings == []
    assert paths(report) == JOIN_PATHS[:1]


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
    messages = [f.message for f in check_dicts(templates).findings if f.rule_id == "W9009"]
    assert messages == [
        "cannot resolve a subnet of its tasks: export ${AWS::StackName}-PrivateSubnetIds of network.yaml, which "
        "imports itself"
    ]


def test_a_stack_output_read_names_the_output_for_a_literal_stack_name() -> None:
    assert output_reference({"StackName": "network", "OutputName": "VpcId"}) == ExportName("VpcId", "network")
    assert output_reference({"StackName": {"Fn::Sub": "x"}, "OutputName": "VpcId"}) == ExportName("VpcId", "?")


def test_outputs_are_read_by_their_logical_id() -> None:
    (output,) = read_outputs({"n.yaml": {"Outputs": {"VpcId": {"Value": {"Ref": "VPC"}}}}})
    assert (output.template, output.output, output.value) == ("n.yaml", "VpcId", {"Ref": "VPC"})
    assert output.name == ExportName("VpcId", "AWS::StackName")


def test_literal_import_matches_a_stack_name_export() -> None:
    templates = pair_dicts("network.yaml", "service.yaml")
    configuration = templates["service.yaml"]["Resources"]["Service"]["Properties"]["NetworkConfiguration"]
    configuration["AwsvpcConfiguration"]["Subnets"] = [{"Fn::ImportValue": "prod-network-PrivateSubnet2Id"}]
    report = check_dicts(templates)
    assert report.findings == []
    assert path_texts(report) == [NAT_PATH_2]


def test_an_import_outside_resources_and_outputs_is_reported_at_its_section() -> None:
    templates = pair_dicts("network.yaml", "service.yaml")
    templates["service.yaml"]["Metadata"] = {"Note": {"Fn::ImportValue": {"Fn::Sub": "${NetworkStackName}-Nothing"}}}
    (finding,) = check_dicts(templates).findings
    assert (finding.logical_id, finding.rule_id, finding.location) == ("Metadata", "E9007", ("Metadata", "Note"))
