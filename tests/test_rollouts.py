"""Safe rollouts (blue/green, canary, linear, alarm rollback), sidecars and Fargate Spot, asserted on the template
dicts; bad combinations refused with one line naming the field."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import lint_findings, resources_of_type

from fargate_private_templates.checks import check_dicts
from fargate_private_templates.cli import main
from fargate_private_templates.config import ConfigError, NetworkConfig, check_reachability, parse_config
from fargate_private_templates.config.capacity import CapacityOptions
from fargate_private_templates.config.deployment import DeploymentOptions
from fargate_private_templates.config.image import ImageOptions
from fargate_private_templates.config.load_balancer import LoadBalancerOptions
from fargate_private_templates.config.routing import RoutingOptions
from fargate_private_templates.config.service import ServiceConfig
from fargate_private_templates.config.sidecars import SidecarOptions
from fargate_private_templates.layers import build_service
from fargate_private_templates.render import ordered_dict, render_yaml
from fargate_private_templates.stacks import build_stacks

OTEL = ImageOptions(source="pull_through_cache", repository="otel/collector", tag="1.0", cache_prewarmed=True)
SHARED = {"load_balancer": LoadBalancerOptions(kind="shared"), "routing": RoutingOptions(hosts=("a.example.com",))}


def _service(**kwargs: object) -> dict:
    return ordered_dict(build_service(ServiceConfig(**kwargs)))


def _one(template: dict, resource_type: str) -> dict:
    (resource,) = resources_of_type(template, resource_type).values()
    return resource["Properties"]


def _weights(rule: dict) -> list[tuple[str, int]]:
    (action,) = rule["Properties"]["Actions"]
    return [(t["TargetGroupArn"]["Ref"], t["Weight"]) for t in action["ForwardConfig"]["TargetGroups"]]


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
    assert _weights(production) == [("TargetGroup", 100), ("AlternateTargetGroup", 0)] == _weights(test)
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
    assert _weights(resources["ListenerRule"]) == [("TargetGroup", 100), ("AlternateTargetGroup", 0)]
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


def test_spot_replaces_the_launch_type_and_the_network_stack_associates_the_providers() -> None:
    config = ServiceConfig(capacity=CapacityOptions(spot_weight=3, on_demand_base=1))
    service = _one(ordered_dict(build_service(config)), "AWS::ECS::Service")
    assert "LaunchType" not in service
    assert service["CapacityProviderStrategy"] == [
        {"CapacityProvider": "FARGATE", "Base": 1, "Weight": 1},
        {"CapacityProvider": "FARGATE_SPOT", "Weight": 3},
    ]
    network = NetworkConfig()
    with_spot = ordered_dict(build_stacks(network, [config])["network.yaml"])
    association = _one(with_spot, "AWS::ECS::ClusterCapacityProviderAssociations")
    assert association["Cluster"] == {"Ref": "Cluster"}
    assert association["CapacityProviders"] == ["FARGATE", "FARGATE_SPOT"]
    without = ordered_dict(build_stacks(network, [ServiceConfig()])["network.yaml"])
    assert not resources_of_type(without, "AWS::ECS::ClusterCapacityProviderAssociations")


def test_sidecar_is_a_second_container_the_load_balancer_never_sees() -> None:
    sidecar = SidecarOptions(
        name="otel-collector",
        image=OTEL,
        essential=False,
        cpu=128,
        memory=256,
        secrets=(("CONFIG", "arn:aws:ssm:us-east-1:123456789012:parameter/otel"),),
        start_before_app="START",
    )
    template = _service(cpu=512, memory=1024, sidecars=(sidecar,))
    app, collector = _one(template, "AWS::ECS::TaskDefinition")["ContainerDefinitions"]
    assert app["DependsOn"] == [{"ContainerName": "otel-collector", "Condition": "START"}]
    assert collector["Name"] == "otel-collector" and collector["Essential"] is False
    assert (collector["Cpu"], collector["MemoryReservation"]) == (128, 256)
    assert collector["ReadonlyRootFilesystem"] is True and collector["Privileged"] is False
    assert collector["MountPoints"] == [
        {"SourceVolume": "tmp-otel-collector", "ContainerPath": "/tmp", "ReadOnly": False}
    ]
    assert "PortMappings" not in collector
    assert collector["Image"] == {
        "Fn::Sub": "${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/"
        "${OtelCollectorPullThroughCachePrefix}/${OtelCollectorRepositoryName}:${OtelCollectorImageTag}"
    }
    (load_balancer,) = _one(template, "AWS::ECS::Service")["LoadBalancers"]
    assert load_balancer["ContainerName"] == "app"
    statements = {
        s["Sid"]: s
        for s in template["Resources"]["ExecutionRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    }
    assert statements["PullOtelCollectorImage"]["Resource"] == [
        {
            "Fn::Sub": "arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/"
            "${OtelCollectorPullThroughCachePrefix}/${OtelCollectorRepositoryName}"
        }
    ]
    assert "ecr:BatchImportUpstreamImage" in statements["PullOtelCollectorImage"]["Action"]
    assert "ecr:BatchImportUpstreamImage" not in statements["PullImage"]["Action"]
    assert statements["ReadParameters"]["Resource"] == ["arn:aws:ssm:us-east-1:123456789012:parameter/otel"]


def test_third_party_sidecar_gets_its_own_credentials_parameter_and_condition() -> None:
    sidecar = SidecarOptions(name="proxy", image=ImageOptions(source="third_party", uri="ghcr.io/o/p:1"))
    template = _service(sidecars=(sidecar,))
    assert "ProxyRegistryCredentialsSecretArn" in template["Parameters"]
    assert "ProxyHasRegistryCredentials" in template["Conditions"]
    policies = template["Resources"]["ExecutionRole"]["Properties"]["Policies"]
    assert policies[1]["Fn::If"][0] == "ProxyHasRegistryCredentials"
    assert policies[1]["Fn::If"][1]["PolicyName"] == "read-proxy-registry-credentials"


@pytest.mark.parametrize(
    ("build", "mentions"),
    [
        (lambda: DeploymentOptions(strategy="blue_green", bake_time=1441), "deployment.bake_time: 1441"),
        (lambda: DeploymentOptions(strategy="canary", canary_percent=0.05), "deployment.canary_percent"),
        (lambda: DeploymentOptions(strategy="linear", linear_step_percent=2.5), "deployment.linear_step_percent"),
        (lambda: DeploymentOptions(strategy="linear", linear_step_percent=10.05), "multiple of 0.1"),
        (lambda: DeploymentOptions(strategy="canary", bake_time=1000, canary_bake_time=1000), "33 hours"),
        (lambda: DeploymentOptions(canary_percent=5), "only used with deployment.strategy 'canary'"),
        (lambda: DeploymentOptions(bake_time=5), "deployment.bake_time: only used with"),
        (lambda: DeploymentOptions(strategy="blue-green"), "deployment.strategy"),
        (
            lambda: ServiceConfig(
                load_balancer=LoadBalancerOptions(kind="nlb"), deployment=DeploymentOptions(strategy="canary")
            ),
            "nlb-resources-for-blue-green",
        ),
        (
            lambda: ServiceConfig(
                deployment=DeploymentOptions(strategy="blue_green", test_header_name="X", test_priority=3)
            ),
            "deployment.test_priority: only used with load_balancer.kind 'shared'",
        ),
        (
            lambda: ServiceConfig(
                load_balancer=LoadBalancerOptions(kind="shared"),
                routing=RoutingOptions(hosts=("a.example.com",), priority=5),
                deployment=DeploymentOptions(strategy="blue_green", test_header_name="X", test_priority=6),
            ),
            "must be lower than routing.priority 5",
        ),
        (
            lambda: ServiceConfig(cpu_architecture="ARM64", capacity=CapacityOptions(spot_weight=1)),
            "fargate-capacity-providers.html",
        ),
        (lambda: CapacityOptions(on_demand_base=2), "only used with a capacity.spot_weight above 0"),
        (lambda: ServiceConfig(sidecars=(SidecarOptions(name="log", cpu=256),)), "reserve 256 CPU units"),
        (lambda: ServiceConfig(sidecars=(SidecarOptions(name="log", memory=512),)), "reserve 512 MiB of memory"),
        (lambda: ServiceConfig(sidecars=(SidecarOptions(name="app"),)), "sidecars[0].name: 'app' is already"),
        (
            lambda: ServiceConfig(sidecars=(SidecarOptions(name="log", depends_on=(("db", "START"),)),)),
            "sidecars[0].depends_on: 'db' is not another container",
        ),
        (
            lambda: ServiceConfig(
                sidecars=(SidecarOptions(name="log", depends_on={"app": "START"}, start_before_app="START"),)
            ),
            "cycle (log -> app -> log)",
        ),
        (
            lambda: ServiceConfig(sidecars=(SidecarOptions(name="log", depends_on={"app": "SUCCESS"}),)),
            "waits for an essential container to exit",
        ),
        (lambda: SidecarOptions(name="init", start_before_app="COMPLETE"), "set essential = false"),
        (lambda: SidecarOptions(), "name: required"),
        (lambda: SidecarOptions(name="x", environment={"AWS_SECRET_ACCESS_KEY": "k"}), "environment: 'AWS_SECRET"),
    ],
)
def test_bad_rollouts_are_refused_naming_the_field(build, mentions: str) -> None:
    with pytest.raises(ConfigError) as raised:
        build()
    assert mentions in str(raised.value)


def test_sidecar_images_are_checked_for_reachability() -> None:
    network = NetworkConfig(nat_mode="none", endpoints=("s3", "ecr.api", "ecr.dkr", "logs"))
    reachable = ServiceConfig(sidecars=(SidecarOptions(name="otel", image=OTEL),))
    (result,) = check_reachability(network, [reachable])
    assert "otel: image (pull_through_cache) via VPC endpoints" in result.describe()
    unreachable = ServiceConfig(sidecars=(SidecarOptions(name="proxy", image=ImageOptions(source="third_party")),))
    with pytest.raises(ConfigError, match=r"cannot reach its sidecar proxy: image \(third-party registry\)"):
        check_reachability(network, [unreachable])


def test_sidecar_tables_build_groups_with_full_path_errors() -> None:
    document = {
        "services": [
            {"name": "web", "cpu": 512, "memory": 1024},
            {"name": "api", "sidecars": [{"name": "a"}, {"name": "b", "image": {"source": "ecr", "tag": "no tag"}}]},
        ]
    }
    with pytest.raises(ConfigError, match=r"^x.toml: services\[1\].sidecars\[1\].image.tag: 'no tag'"):
        parse_config(document, "x.toml")
    document["services"][1]["sidecars"][1] = {"name": "b", "colour": "red"}
    with pytest.raises(ConfigError, match=r"services\[1\].sidecars\[1\].colour: unknown key"):
        parse_config(document, "x.toml")
    document["services"][1]["sidecars"] = {"name": "b"}
    with pytest.raises(ConfigError, match=r"services\[1\].sidecars: must be an array of tables"):
        parse_config(document, "x.toml")
    document["services"][1]["sidecars"] = [{"name": "b", "cpu": 32, "depends_on": {"app": "START"}}]
    (_, api) = parse_config(document, "x.toml").services
    assert api.sidecars == (SidecarOptions(name="b", cpu=32, depends_on=(("app", "START"),)),)


BAD_CONFIGS = {
    "strategy-on-nlb": '[services.load_balancer]\nkind = "nlb"\n[services.deployment]\nstrategy = "blue_green"\n',
    "bake-time": '[services.deployment]\nstrategy = "blue_green"\nbake_time = 2000\n',
    "reservations": '[[services.sidecars]]\nname = "log"\ncpu = 300\n',
    "unreachable-sidecar": '[[services.sidecars]]\nname = "proxy"\n[services.sidecars.image]\nsource = "third_party"\n',
}
BAD_MENTIONS = {
    "strategy-on-nlb": "services[0].deployment.strategy: 'blue_green' is not supported with load_balancer.kind 'nlb'",
    "bake-time": "services[0].deployment.bake_time: 2000 is out of range; allowed 0 to 1440",
    "reservations": "services[0].sidecars: the sidecars reserve 300 CPU units",
    "unreachable-sidecar": "cannot reach its sidecar proxy: image (third-party registry)",
}


@pytest.mark.parametrize("case", BAD_CONFIGS)
def test_bad_combinations_exit_2_with_one_line(case: str, tmp_path: Path, capsys) -> None:
    config = tmp_path / f"{case}.toml"
    network = '[network]\nnat_mode = "none"\nendpoints = ["s3", "ecr.api", "ecr.dkr", "logs"]\n'
    config.write_text(f'{network}[[services]]\nname = "web"\n{BAD_CONFIGS[case]}')
    code = main(["render", "--config", str(config), "--out", str(tmp_path / "out")])
    _, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and BAD_MENTIONS[case] in err, err
    assert not (tmp_path / "out").exists()


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
