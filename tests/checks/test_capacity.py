"""E9018 and W9019: a capacity provider strategy names only capacity providers its cluster has, in every deployment."""

from __future__ import annotations

import copy

import pytest
from conftest import FIXTURES
from conftest import finding_ids as ids

from fargate_private_templates.checks import check_dicts
from fargate_private_templates.checks.capacity import MAX_CONDITION_DEPTH, Condition, condition
from fargate_private_templates.checks.resolve import Resolver
from fargate_private_templates.render.loader import load_template

SPOT_ONLY_WHERE_AWS = {"Fn::If": ["HasFargateSpot", "FARGATE_SPOT", {"Ref": "AWS::NoValue"}]}


def fixture(name: str) -> dict:
    return copy.deepcopy(load_template(FIXTURES / name))


def service(template: dict) -> dict:
    return template["Resources"]["Service"]["Properties"]


def rules(template: dict) -> list[str]:
    return [f.rule_id for f in check_dicts({"app.yaml": template}).findings]


def test_a_strategy_under_the_condition_the_cluster_has_spot_under_is_fine() -> None:
    template = fixture("W9019-bad.yaml")
    strategy = service(template)["CapacityProviderStrategy"]
    service(template)["CapacityProviderStrategy"] = {"Fn::If": ["HasFargateSpot", strategy, [strategy[0]]]}
    assert rules(template) == []
    # Spot in the branch where the cluster lacks it fails in every deployment that takes that branch.
    service(template)["CapacityProviderStrategy"] = {"Fn::If": ["HasFargateSpot", [strategy[0]], strategy]}
    report = check_dicts({"app.yaml": template})
    assert ids(report) == [("app.yaml", "Service", "E9018")]
    assert report.findings[0].location[3:] == ("CapacityProviderStrategy", 1, "CapacityProvider")


def test_a_strategy_item_under_a_condition_counts_only_under_it() -> None:
    template = fixture("W9019-bad.yaml")
    strategy = service(template)["CapacityProviderStrategy"]
    no_value = {"Ref": "AWS::NoValue"}
    service(template)["CapacityProviderStrategy"] = [strategy[0], {"Fn::If": ["HasFargateSpot", strategy[1], no_value]}]
    assert rules(template) == []
    service(template)["CapacityProviderStrategy"] = [strategy[0], {"Fn::If": ["HasFargateSpot", no_value, strategy[1]]}]
    report = check_dicts({"app.yaml": template})
    assert ids(report) == [("app.yaml", "Service", "E9018")]
    assert report.findings[0].location[3:] == ("CapacityProviderStrategy", 1, "CapacityProvider")


def test_a_cluster_in_another_template_is_followed_and_same_conditions_are_matched_by_definition() -> None:
    network = fixture("W9019-bad.yaml")
    app = copy.deepcopy(network)
    del network["Resources"]["Service"]
    network["Outputs"] = {"Cluster": {"Value": {"Ref": "Cluster"}, "Export": {"Name": "shared-cluster"}}}
    service(app)["Cluster"] = {"Fn::ImportValue": "shared-cluster"}
    del app["Resources"]["Cluster"]
    strategy = service(app)["CapacityProviderStrategy"]
    # The service's own condition, named otherwise but defined the same over the partition: the same deployments.
    app["Conditions"] = {"SpotHere": {"Fn::Equals": [{"Ref": "AWS::Partition"}, "aws"]}, **network["Conditions"]}
    service(app)["CapacityProviderStrategy"] = {"Fn::If": ["SpotHere", strategy, [strategy[0]]]}
    assert check_dicts({"network.yaml": network, "app.yaml": app}).findings == []
    app["Conditions"]["SpotHere"] = {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}
    report = check_dicts({"network.yaml": network, "app.yaml": app})
    assert ids(report) == [("app.yaml", "Service", "W9019")]
    assert (
        "which cluster network.yaml:Cluster has only when condition HasFargateSpot is true"
        in report.findings[0].message
    )


def test_an_association_under_a_condition_counts_only_under_it() -> None:
    template = fixture("E9018-good.yaml")
    template["Conditions"]["HasFargateSpot"] = {"Fn::Equals": [{"Ref": "AWS::Partition"}, "aws"]}
    template["Resources"]["ClusterCapacityProviders"]["Condition"] = "HasFargateSpot"
    assert rules(template) == ["W9019", "W9019"]


def test_the_default_strategy_of_the_cluster_counts_as_association() -> None:
    template = fixture("E9018-bad.yaml")
    cluster = template["Resources"]["Cluster"]["Properties"]
    cluster["DefaultCapacityProviderStrategy"] = [{"CapacityProvider": "FARGATE_SPOT", "Weight": 1}]
    assert rules(template) == []


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("strategy", "cannot tell which capacity provider the strategy names: parameter CapacityProvider"),
        ("cluster", "cannot tell whether cluster Cluster has capacity provider FARGATE_SPOT: it names parameter"),
    ],
)
def test_a_capacity_provider_from_a_parameter_is_a_warning(where: str, message: str) -> None:
    template = fixture("E9018-bad.yaml")
    template["Parameters"]["CapacityProvider"] = {"Type": "String", "Default": "FARGATE_SPOT"}
    if where == "strategy":
        service(template)["CapacityProviderStrategy"][1]["CapacityProvider"] = {"Ref": "CapacityProvider"}
    else:
        template["Resources"]["Cluster"]["Properties"]["CapacityProviders"] = [{"Ref": "CapacityProvider"}]
    findings = check_dicts({"app.yaml": template}).findings
    # A strategy provider unknown is one warning; a cluster's, one per provider the strategy names.
    assert [f.rule_id for f in findings] == ["W9009"] * (1 if where == "strategy" else 2)
    assert findings[-1].message.startswith(message)


def test_a_cluster_outside_the_given_templates_or_a_launch_type_is_not_judged() -> None:
    template = fixture("E9018-bad.yaml")
    service(template)["Cluster"] = "default"
    assert rules(template) == []
    template = fixture("E9018-bad.yaml")
    del service(template)["CapacityProviderStrategy"]
    service(template)["LaunchType"] = "FARGATE"
    assert rules(template) == []


def test_other_launchers_name_their_cluster_in_their_own_place() -> None:
    template = fixture("E9001-good-scheduled.yaml")
    template["Resources"]["Cluster"] = {"Type": "AWS::ECS::Cluster", "Properties": {"CapacityProviders": ["FARGATE"]}}
    target = template["Resources"]["Rule"]["Properties"]["Targets"][0]
    target["Arn"] = {"Fn::GetAtt": ["Cluster", "Arn"]}
    del target["EcsParameters"]["LaunchType"]
    target["EcsParameters"]["CapacityProviderStrategy"] = [{"CapacityProvider": "FARGATE_SPOT", "Weight": 1}]
    report = check_dicts({"app.yaml": template})
    assert ids(report) == [("app.yaml", "Rule", "E9018")]
    assert report.findings[0].location[3:] == (
        "Targets",
        0,
        "EcsParameters",
        "CapacityProviderStrategy",
        0,
        "CapacityProvider",
    )


def test_conditions_are_the_same_when_defined_the_same_over_pseudo_parameters_only() -> None:
    conditions = {
        "IsAws": {"Fn::Equals": [{"Ref": "AWS::Partition"}, "aws"]},
        "Spot": {"Condition": "IsAws"},
        "ByParameter": {"Fn::Equals": [{"Ref": "Tier"}, "prod"]},
        "ByMapping": {"Fn::Equals": [{"Fn::FindInMap": ["M", "a", "b"]}, "x"]},
        "Loop": {"Condition": "Loop"},
    }
    resolver = Resolver(
        {"a.yaml": {"Conditions": conditions}, "b.yaml": {"Conditions": {"Other": conditions["IsAws"]}}}
    )
    assert condition(resolver, "a.yaml", "Spot") == condition(resolver, "b.yaml", "Other")
    assert condition(resolver, "a.yaml", "Spot").name == "Spot"
    for named in ("ByParameter", "ByMapping", "Loop", "Missing"):
        assert condition(resolver, "a.yaml", named) == Condition(("named", "a.yaml", named), named)


def test_a_service_that_exists_only_under_the_clusters_condition_may_name_its_provider() -> None:
    template = fixture("W9019-bad.yaml")
    template["Resources"]["Service"]["Condition"] = "HasFargateSpot"
    assert rules(template) == []
    # Under a condition that says nothing of the partition, the strategy still fails where Spot is not offered.
    template["Resources"]["Service"]["Condition"] = "IsProduction"
    assert rules(template) == ["W9019"]


def test_conditions_combined_with_and_or_not_are_matched_by_their_expanded_definitions() -> None:
    is_aws = {"Fn::Equals": [{"Ref": "AWS::Partition"}, "aws"]}
    in_virginia = {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}
    combined = {
        "Either": {"Fn::Or": [{"Condition": "IsAws"}, in_virginia]},
        "Both": {"Fn::And": [{"Condition": "IsAws"}, {"Fn::Not": [in_virginia]}]},
    }
    resolver = Resolver(
        {
            "a.yaml": {"Conditions": {"IsAws": is_aws, **combined}},
            "b.yaml": {
                "Conditions": {
                    "Either": {"Fn::Or": [is_aws, in_virginia]},
                    "Both": {"Fn::And": [is_aws, {"Fn::Not": [in_virginia]}]},
                }
            },
        }
    )
    for name in combined:
        assert condition(resolver, "a.yaml", name) == condition(resolver, "b.yaml", name)
    assert condition(resolver, "a.yaml", "Either") != condition(resolver, "a.yaml", "Both")


def test_a_chain_of_condition_references_is_expanded_up_to_the_depth_limit() -> None:
    def chain(length: int) -> dict:
        conditions = {"C0": {"Fn::Equals": [{"Ref": "AWS::Partition"}, "aws"]}}
        conditions.update({f"C{n}": {"Condition": f"C{n - 1}"} for n in range(1, length + 1)})
        return conditions

    def matched(length: int) -> bool:
        resolver = Resolver({"a.yaml": {"Conditions": chain(length)}, "b.yaml": {"Conditions": chain(0)}})
        return condition(resolver, "a.yaml", f"C{length}") == condition(resolver, "b.yaml", "C0")

    deepest = MAX_CONDITION_DEPTH - 3  # the Fn::Equals list, its Ref and the Ref's value take three levels
    assert matched(deepest) and not matched(deepest + 1)


def test_a_schedule_and_a_state_machine_name_their_cluster_too() -> None:
    template = fixture("E9001-good-scheduled.yaml")
    template["Resources"]["Cluster"]["Properties"] = {"CapacityProviders": ["FARGATE"]}
    parameters = template["Resources"]["Schedule"]["Properties"]["Target"]["EcsParameters"]
    del parameters["LaunchType"]
    parameters["CapacityProviderStrategy"] = [{"CapacityProvider": "FARGATE_SPOT", "Weight": 1}]
    report = check_dicts({"app.yaml": template})
    assert ids(report) == [("app.yaml", "Schedule", "E9018")]
    assert report.findings[0].message == (
        "names capacity provider FARGATE_SPOT, which cluster Cluster does not have (in its CapacityProviders, its "
        "default strategy or a ClusterCapacityProviderAssociations): ECS refuses a strategy naming a capacity "
        "provider not associated with the cluster, so the stack fails; add FARGATE_SPOT to the cluster's "
        "CapacityProviders"
    )
    machine = fixture("launchers/state-machine-private.yaml")
    machine["Resources"]["Cluster"]["Properties"] = {"CapacityProviders": ["FARGATE"]}
    sub = machine["Resources"]["ReportStateMachine"]["Properties"]["DefinitionString"]["Fn::Sub"]
    spot_strategy = '"CapacityProviderStrategy": [{"CapacityProvider": "FARGATE_SPOT"}],'
    sub[0] = sub[0].replace('"LaunchType": "FARGATE",', spot_strategy)
    assert spot_strategy in sub[0]
    report = check_dicts({"network.yaml": fixture("launchers/network.yaml"), "machine.yaml": machine})
    assert ids(report) == [("machine.yaml", "ReportStateMachine", "E9018")]


def test_a_provider_the_cluster_has_under_two_conditions_names_both() -> None:
    template = fixture("E9018-good.yaml")
    template["Conditions"] = {
        "HasFargateSpot": {"Fn::Equals": [{"Ref": "AWS::Partition"}, "aws"]},
        "InVirginia": {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]},
    }
    associations = template["Resources"]["ClusterCapacityProviders"]
    associations["Condition"] = "HasFargateSpot"
    providers = associations["Properties"]["CapacityProviders"]
    associations["Properties"]["CapacityProviders"] = {"Fn::If": ["InVirginia", providers, ["FARGATE"]]}
    messages = [f.message for f in check_dicts({"app.yaml": template}).findings if f.rule_id == "W9019"]
    both = "has only when condition HasFargateSpot is true and condition InVirginia is true:"
    assert messages and both in messages[0]
