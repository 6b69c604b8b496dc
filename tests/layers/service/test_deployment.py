"""Safe rollouts (blue/green, canary, linear, alarm rollback) and Fargate Spot, asserted on the template dicts."""

from __future__ import annotations

import pytest
from conftest import lint_findings, resources_of_type
from conftest import one as _one
from conftest import service_with as _service

from fargate_private_templates import contract
from fargate_private_templates.checks import check_dicts
from fargate_private_templates.config import ConfigError, NetworkConfig
from fargate_private_templates.config.capacity import CapacityOptions
from fargate_private_templates.config.deployment import DeploymentOptions
from fargate_private_templates.config.image import ImageOptions
from fargate_private_templates.config.load_balancer import LoadBalancerOptions
from fargate_private_templates.config.routing import RoutingOptions
from fargate_private_templates.config.service import ServiceConfig
from fargate_private_templates.config.sidecars import SidecarOptions
from fargate_private_templates.layers import build_service
from fargate_private_templates.regions.features import features_used
from fargate_private_templates.render import ordered_dict, render_yaml
from fargate_private_templates.stacks import build_stacks

SHARED = {"load_balancer": LoadBalancerOptions(kind="shared"), "routing": RoutingOptions(hosts=("a.example.com",))}


def _weights(rule: dict) -> list[tuple[str, str]]:
    """(target group, the parameter its weight is) for each target group of the rule's forward action."""
    (action,) = rule["Properties"]["Actions"]
    return [(t["TargetGroupArn"]["Ref"], t["Weight"]["Ref"]) for t in action["ForwardConfig"]["TargetGroups"]]


PRODUCTION = [("TargetGroup", "TargetGroupWeight"), ("AlternateTargetGroup", "AlternateTargetGroupWeight")]
TEST = [("TargetGroup", "TestTargetGroupWeight"), ("AlternateTargetGroup", "TestAlternateTargetGroupWeight")]


def _assert_weight_parameters(template: dict, rules: list[tuple[str, contract.RuleWeights]]) -> None:
    """Number parameters 0-999, all traffic to TargetGroup at creation, named as the contract names them."""
    for rule, weights in rules:
        for title, default in ((weights.primary, 100), (weights.alternate, 0)):
            parameter = template["Parameters"][title]
            assert (parameter["Type"], parameter["Default"]) == ("Number", default), title
            assert (parameter["MinValue"], parameter["MaxValue"]) == (0, 999), title
            assert f"live on {rule}" in parameter["Description"] and "docs/rollouts.md" in parameter["Description"]


def test_rolling_default_keeps_the_circuit_breaker_and_one_target_group() -> None:
    template = _service()
    configuration = _one(template, "AWS::ECS::Service")["DeploymentConfiguration"]
    assert configuration == {
        "DeploymentCircuitBreaker": {"Enable": True, "Rollback": True},
        "MinimumHealthyPercent": 100,
        "MaximumPercent": 200,
    }
    assert len(resources_of_type(template, "AWS::ElasticLoadBalancingV2::TargetGroup")) == 1
    assert not resources_of_type(template, "AWS::CloudWatch::Alarm")


def test_blue_green_on_its_own_alb_adds_a_production_rule_before_the_default_action_and_a_test_rule() -> None:
    template = _service(deployment=DeploymentOptions(strategy="blue_green", bake_time=20, test_header_name="X-Green"))
    resources = template["Resources"]
    service = resources["Service"]["Properties"]
    assert service["DeploymentConfiguration"] == {"Strategy": "BLUE_GREEN", "BakeTimeInMinutes": 20}
    (load_balancer,) = service["LoadBalancers"]
    advanced = load_balancer["AdvancedConfiguration"]
    assert advanced["AlternateTargetGroupArn"] == {"Ref": "AlternateTargetGroup"}
    assert advanced["ProductionListenerRule"] == {"Ref": "ProductionListenerRule"}
    assert advanced["TestListenerRule"] == {"Ref": "TestListenerRule"}
    assert advanced["RoleArn"] == {"Fn::GetAtt": ["EcsInfrastructureRole", "Arn"]}
    production, test = resources["ProductionListenerRule"], resources["TestListenerRule"]
    assert production["Type"] == "AWS::ElasticLoadBalancingV2::ListenerRule"
    assert production["Properties"]["ListenerArn"] == {"Ref": "HttpsListener"}
    assert test["Properties"]["Priority"] < production["Properties"]["Priority"]
    assert _weights(production) == PRODUCTION and _weights(test) == TEST
    _assert_weight_parameters(
        template, [("ProductionListenerRule", contract.PRODUCTION_WEIGHTS), ("TestListenerRule", contract.TEST_WEIGHTS)]
    )
    header = test["Properties"]["Conditions"][-1]
    assert header == {"Field": "http-header", "HttpHeaderConfig": {"HttpHeaderName": "X-Green", "Values": ["green"]}}
    role = resources["EcsInfrastructureRole"]["Properties"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": ["ecs.amazonaws.com"]}
    assert role["ManagedPolicyArns"] == [
        {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers"}
    ]
    alternate = resources["AlternateTargetGroup"]["Properties"]
    assert alternate["Port"] == resources["TargetGroup"]["Properties"]["Port"] and alternate["TargetType"] == "ip"


def test_canary_and_linear_write_their_percentages_and_step_times() -> None:
    canary = _one(_service(deployment=DeploymentOptions(strategy="canary", canary_percent=12.5)), "AWS::ECS::Service")
    assert canary["DeploymentConfiguration"] == {
        "Strategy": "CANARY",
        "BakeTimeInMinutes": 10,
        "CanaryConfiguration": {"CanaryPercent": 12.5, "CanaryBakeTimeInMinutes": 10},
    }
    linear = _one(
        _service(deployment=DeploymentOptions(strategy="linear", linear_step_percent=25, linear_step_bake_time=3)),
        "AWS::ECS::Service",
    )
    assert linear["DeploymentConfiguration"]["LinearConfiguration"] == {
        "StepPercent": 25.0,
        "StepBakeTimeInMinutes": 3,
    }


def test_on_a_shared_front_door_the_service_rule_is_the_production_rule() -> None:
    config = {**SHARED, "routing": RoutingOptions(hosts=("a.example.com",), priority=40)}
    deployment = DeploymentOptions(strategy="blue_green", test_header_name="X-Green", test_priority=39)
    template = _service(**config, deployment=deployment)
    resources = template["Resources"]
    advanced = resources["Service"]["Properties"]["LoadBalancers"][0]["AdvancedConfiguration"]
    assert advanced["ProductionListenerRule"] == {"Ref": "ListenerRule"}
    assert _weights(resources["ListenerRule"]) == PRODUCTION and _weights(resources["TestListenerRule"]) == TEST
    _assert_weight_parameters(
        template, [("ListenerRule", contract.PRODUCTION_WEIGHTS), ("TestListenerRule", contract.TEST_WEIGHTS)]
    )
    assert "DependsOn" not in resources["Service"]  # the Ref waits for the rule already
    assert template["Parameters"]["TestListenerRulePriority"]["Default"] == 39
    test = resources["TestListenerRule"]["Properties"]
    assert test["Conditions"][:2] == resources["ListenerRule"]["Properties"]["Conditions"]


def test_alarm_rollback_watches_both_target_groups_for_every_strategy() -> None:
    for strategy in ("rolling", "blue_green"):
        template = _service(deployment=DeploymentOptions(strategy=strategy, alarm_rollback=True, alarm_5xx_percent=3))
        alarms = resources_of_type(template, "AWS::CloudWatch::Alarm")
        assert sorted(alarms) == ["Target5xxRateAlarm", "UnhealthyTargetsAlarm"]
        configuration = _one(template, "AWS::ECS::Service")["DeploymentConfiguration"]
        assert configuration["Alarms"] == {
            "AlarmNames": [{"Ref": "Target5xxRateAlarm"}, {"Ref": "UnhealthyTargetsAlarm"}],
            "Enable": True,
            "Rollback": True,
        }
        assert template["Parameters"]["RollbackAlarm5xxPercent"]["Default"] == 3
        rate = alarms["Target5xxRateAlarm"]["Properties"]
        assert rate["Threshold"] == {"Ref": "RollbackAlarm5xxPercent"}
        groups = {m["MetricStat"]["Metric"]["Dimensions"][1]["Value"]["Fn::GetAtt"][0] for m in rate["Metrics"][1:]}
        assert groups == ({"TargetGroup"} if strategy == "rolling" else {"TargetGroup", "AlternateTargetGroup"})
        assert ("DeploymentCircuitBreaker" in configuration) == (strategy == "rolling")


def test_alarm_rollback_on_an_nlb_watches_unhealthy_targets_only() -> None:
    template = _service(
        load_balancer=LoadBalancerOptions(kind="nlb"), deployment=DeploymentOptions(alarm_rollback=True)
    )
    (alarm,) = resources_of_type(template, "AWS::CloudWatch::Alarm").values()
    assert alarm["Properties"]["Metrics"][1]["MetricStat"]["Metric"]["Namespace"] == "AWS/NetworkELB"


SPOT_IN_ITS_PARTITIONS = ["FARGATE", {"Fn::If": ["PartitionHasFargateSpot", "FARGATE_SPOT", {"Ref": "AWS::NoValue"}]}]
ON_DEMAND_DEFAULT = [{"CapacityProvider": "FARGATE", "Weight": 1}]


def test_spot_replaces_the_launch_type_and_every_network_offers_the_providers() -> None:
    config = ServiceConfig(capacity=CapacityOptions(spot_weight=3, on_demand_base=1))
    service = _one(ordered_dict(build_service(config)), "AWS::ECS::Service")
    assert "LaunchType" not in service
    # Spot where the partition documents it, the same cluster providers' condition; on-demand alone elsewhere.
    template = ordered_dict(build_service(config))
    assert template["Conditions"]["PartitionHasFargateSpot"] == {"Fn::Equals": [{"Ref": "AWS::Partition"}, "aws"]}
    assert service["CapacityProviderStrategy"] == {
        "Fn::If": [
            "PartitionHasFargateSpot",
            [
                {"CapacityProvider": "FARGATE", "Base": 1, "Weight": 1},
                {"CapacityProvider": "FARGATE_SPOT", "Weight": 3},
            ],
            [{"CapacityProvider": "FARGATE", "Base": 1, "Weight": 1}],
        ]
    }
    all_spot = ServiceConfig(capacity=CapacityOptions(spot_weight=2, on_demand_weight=0))
    strategy = _one(ordered_dict(build_service(all_spot)), "AWS::ECS::Service")["CapacityProviderStrategy"]
    assert strategy["Fn::If"][2] == [{"CapacityProvider": "FARGATE", "Base": 0, "Weight": 1}]
    # With a Spot service, without one, and with the old option: the same association, nothing to flip.
    networks = [
        ordered_dict(build_stacks(NetworkConfig(), [config])["network.yaml"]),
        ordered_dict(build_stacks(NetworkConfig(), [ServiceConfig()])["network.yaml"]),
        ordered_dict(build_stacks(NetworkConfig(fargate_spot=True), [])["network.yaml"]),
    ]
    assert networks[0] == networks[1] == networks[2]
    association = _one(networks[0], "AWS::ECS::ClusterCapacityProviderAssociations")
    assert association == {
        "Cluster": {"Ref": "Cluster"},
        "CapacityProviders": SPOT_IN_ITS_PARTITIONS,
        "DefaultCapacityProviderStrategy": ON_DEMAND_DEFAULT,
    }
    assert networks[0]["Conditions"]["PartitionHasFargateSpot"] == {"Fn::Equals": [{"Ref": "AWS::Partition"}, "aws"]}


def test_a_service_that_brings_its_own_cluster_offers_the_providers_on_it() -> None:
    config = ServiceConfig(references="stack_outputs", capacity=CapacityOptions(spot_weight=1))
    template = ordered_dict(build_service(config))
    (cluster,) = resources_of_type(template, "AWS::ECS::Cluster").values()
    assert cluster["Condition"] == "NetworkStackIsRemote"
    assert cluster["Properties"]["CapacityProviders"] == SPOT_IN_ITS_PARTITIONS
    assert cluster["Properties"]["DefaultCapacityProviderStrategy"] == ON_DEMAND_DEFAULT
    # The service reaches the association through its reference to the cluster, not a DependsOn a conditional
    # resource could break.
    service = resources_of_type(template, "AWS::ECS::Service")["Service"]
    assert service["Properties"]["Cluster"]["Fn::If"][1] == {"Fn::GetAtt": ["Cluster", "Arn"]}
    assert "Cluster" not in service.get("DependsOn", [])


def test_a_network_deploys_where_spot_is_not_documented_and_a_spot_service_does_not() -> None:
    region = "cn-north-1"  # Fargate Spot unknown there (regions/availability.py); GovCloud refuses more than Spot
    stacks = build_stacks(NetworkConfig(), [ServiceConfig()], regions=[region])
    assert "fargate_spot" not in features_used(ordered_dict(stacks["network.yaml"]))
    with pytest.raises(ConfigError) as refused:
        build_stacks(NetworkConfig(), [ServiceConfig(capacity=CapacityOptions(spot_weight=1))], regions=[region])
    assert str(refused.value).startswith(
        f"regions: service-app.yaml uses the Fargate Spot capacity provider, which is not documented as available in "
        f"{region}"
    )


VARIANTS = {
    "own-alb-blue-green": {"deployment": DeploymentOptions(strategy="blue_green", test_header_name="X-Green")},
    "own-alb-linear-alarms": {"deployment": DeploymentOptions(strategy="linear", alarm_rollback=True)},
    "nlb-rolling-alarms": {
        "load_balancer": LoadBalancerOptions(kind="nlb"),
        "deployment": DeploymentOptions(alarm_rollback=True),
    },
    "third-party-sidecar": {
        "sidecars": (
            SidecarOptions(
                name="proxy",
                image=ImageOptions(source="third_party", uri="ghcr.io/o/p:1"),
                readonly_root_filesystem=False,
                depends_on={"app": "START"},
            ),
        )
    },
}


# The examples lint the shared front door with canary, alarms and Spot; these are the other shapes.
@pytest.mark.parametrize("variant", ["own-alb-blue-green", "nlb-rolling-alarms", "third-party-sidecar"])
def test_rollout_variants_lint_clean(variant: str) -> None:
    text = render_yaml(build_service(ServiceConfig(**VARIANTS[variant])))
    assert lint_findings(text) == []


@pytest.mark.parametrize("variant", ["own-alb-blue-green", "own-alb-linear-alarms", "third-party-sidecar"])
def test_rollout_variants_pass_the_checker_with_their_network(variant: str) -> None:
    stacks = build_stacks(NetworkConfig(), [ServiceConfig(**VARIANTS[variant])])
    report = check_dicts({name: ordered_dict(template) for name, template in stacks.items()})
    assert report.exit_code == 0 and report.findings == [], report.format_text()


def test_a_rolling_service_and_a_rule_without_a_test_header_have_no_weights_to_restate() -> None:
    rolling = _service(**SHARED)
    assert not [p for p in rolling["Parameters"] if p.endswith("Weight")]
    blue_green = _service(deployment=DeploymentOptions(strategy="blue_green"))
    assert [p for p in blue_green["Parameters"] if p.endswith("Weight")] == [
        "TargetGroupWeight",
        "AlternateTargetGroupWeight",
    ]
    labels = blue_green["Metadata"]["AWS::CloudFormation::Interface"]["ParameterGroups"]
    (group,) = [g for g in labels if g["Label"]["default"].startswith("Traffic weights")]
    assert group["Parameters"] == ["TargetGroupWeight", "AlternateTargetGroupWeight"]


def test_the_contract_names_each_weighted_rule_and_its_two_parameters() -> None:
    assert contract.WEIGHTED_RULES == (contract.PRODUCTION_WEIGHTS, contract.TEST_WEIGHTS)
    assert contract.PRODUCTION_WEIGHTS.rules == ("ProductionListenerRule", "ListenerRule")
    assert contract.TEST_WEIGHTS.rules == ("TestListenerRule",)
    assert contract.TARGET_GROUP_WEIGHTS == (0, 999)


def test_every_rule_ecs_shifts_holds_one_forward_action_and_no_other() -> None:
    """The limitation an older ECS page listed (rules mixing forward with redirect, fixed-response or authenticate
    actions fail a deployment) cannot apply: docs/rollouts.md, "A fixed-response default action"."""
    own = _service(deployment=DeploymentOptions(strategy="canary", test_header_name="X-Canary"))
    shared = _service(**SHARED, deployment=DeploymentOptions(strategy="linear", test_header_name="X-Linear"))
    for template in (own, shared):
        rules = resources_of_type(template, "AWS::ElasticLoadBalancingV2::ListenerRule")
        assert len(rules) == 2
        for rule in rules.values():
            assert [a["Type"] for a in rule["Properties"]["Actions"]] == ["forward"]
