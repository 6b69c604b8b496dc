"""Safe rollouts: the deployment strategy, the alternate target group and listener rules ECS moves traffic with,
the infrastructure role it moves it as, CloudWatch alarms that roll a deployment back, and Fargate Spot.

ECS's own blue/green, canary and linear deployments, from the CloudFormation reference and the ECS guide:
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ecs-service-deploymentconfiguration.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ecs-service-advancedconfiguration.html
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/blue-green-deployment-implementation.html
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb-resources-for-blue-green.html
"""

from __future__ import annotations

from dataclasses import dataclass, field

from troposphere import AWSHelperFn, GetAtt, If, Parameter, Ref, Sub, Template, cloudwatch, ecs, iam
from troposphere import elasticloadbalancingv2 as elb

from ...config.deployment import CANARY, LINEAR
from ...config.service import ServiceConfig
from ...contract import PRODUCTION_WEIGHTS, TARGET_GROUP_WEIGHTS, TEST_WEIGHTS, RuleWeights
from ..blocks import iam as policies
from ..blocks.capacity import FARGATE, FARGATE_SPOT, add_fargate_spot_condition
from ..blocks.load_balancers import priority_parameter
from ..blocks.parameters import add_parameter_group

STRATEGY_NAMES = {"blue_green": "BLUE_GREEN", "canary": "CANARY", "linear": "LINEAR"}
# On a service's own ALB: the test rule is evaluated first, the production rule next, the default action never.
TEST_RULE_PRIORITY = 1
PRODUCTION_RULE_PRIORITY = 10
EVERY_PATH = "/*"
ALARM_PERIOD_SECONDS = 60
ALARM_GROUP = "Deployment rollback alarms"
WEIGHT_GROUP = "Traffic weights (restate the live ones on every update)"
ALTERNATE_TARGET_GROUP = "AlternateTargetGroup"


@dataclass(frozen=True)
class Rollout:
    """What the ECS service takes from the rollout: its deployment configuration, the load balancer's advanced
    configuration (traffic-shifting strategies only), the listener rules that refers to, and the capacity-provider
    strategy (empty: the FARGATE launch type)."""

    configuration: ecs.DeploymentConfiguration
    advanced: ecs.AdvancedConfiguration | None = None
    rules: tuple[str, ...] = ()
    capacity: list[ecs.CapacityProviderStrategyItem] | If = field(default_factory=list)


def add_weight_parameters(template: Template, weights: RuleWeights, rule: str) -> tuple[Parameter, Parameter]:
    """The rule's two forward weights as parameters: 100 for ``TargetGroup`` and 0 for ``AlternateTargetGroup`` at
    creation; on every later update, the weights live on the rule (ECS moves them at each deployment)."""
    low, high = TARGET_GROUP_WEIGHTS
    restate = (
        f"ECS moves it at every deployment: on every stack update give the weight live on {rule} (docs/rollouts.md), "
        "never the default"
    )
    primary, alternate = (
        template.add_parameter(
            Parameter(
                title,
                Type="Number",
                Default=default,
                MinValue=low,
                MaxValue=high,
                Description=f"Weight of {group} in {rule}'s forward action ({low}-{high}). {restate}",
            )
        )
        for title, default, group in (
            (weights.primary, 100, "TargetGroup"),
            (weights.alternate, 0, ALTERNATE_TARGET_GROUP),
        )
    )
    add_parameter_group(
        template,
        WEIGHT_GROUP,
        {primary.title: f"{rule}: TargetGroup weight", alternate.title: f"{rule}: AlternateTargetGroup weight"},
    )
    return primary, alternate


def weighted_forward(
    primary: elb.TargetGroup, alternate: elb.TargetGroup, weights: tuple[Parameter, Parameter]
) -> list[elb.ListenerRuleAction]:
    """Traffic split between ``primary`` and ``alternate`` by the weight parameters. A single forward action: ECS
    refuses rules that mix forward with redirect, fixed-response or authenticate actions."""
    return [
        elb.ListenerRuleAction(
            Type="forward",
            ForwardConfig=elb.ForwardConfig(
                TargetGroups=[
                    elb.TargetGroupTuple(TargetGroupArn=Ref(primary), Weight=Ref(weights[0])),
                    elb.TargetGroupTuple(TargetGroupArn=Ref(alternate), Weight=Ref(weights[1])),
                ]
            ),
        )
    ]


def header_condition(config: ServiceConfig) -> elb.Condition:
    deployment = config.deployment
    return elb.Condition(
        Field="http-header",
        HttpHeaderConfig=elb.HttpHeaderConfig(
            HttpHeaderName=deployment.test_header_name, Values=[deployment.test_header_value]
        ),
    )


def add_own_alb_rules(
    template: Template,
    config: ServiceConfig,
    listener: elb.Listener,
    primary: elb.TargetGroup,
    alternate: elb.TargetGroup,
) -> tuple[elb.ListenerRule, elb.ListenerRule | None]:
    """ECS shifts traffic by changing a listener rule, never a listener's default action: a production rule for
    every path in front of the default action, and a test rule (with a test header) in front of that."""
    every_path = elb.Condition(Field="path-pattern", PathPatternConfig=elb.PathPatternConfig(Values=[EVERY_PATH]))
    production = template.add_resource(
        elb.ListenerRule(
            "ProductionListenerRule",
            ListenerArn=Ref(listener),
            Priority=PRODUCTION_RULE_PRIORITY,
            Conditions=[every_path],
            Actions=weighted_forward(
                primary, alternate, add_weight_parameters(template, PRODUCTION_WEIGHTS, "ProductionListenerRule")
            ),
        )
    )
    if config.deployment.test_header_name is None:
        return production, None
    test = template.add_resource(
        elb.ListenerRule(
            "TestListenerRule",
            ListenerArn=Ref(listener),
            Priority=TEST_RULE_PRIORITY,
            Conditions=[every_path, header_condition(config)],
            Actions=weighted_forward(
                primary, alternate, add_weight_parameters(template, TEST_WEIGHTS, "TestListenerRule")
            ),
        )
    )
    return production, test


def add_test_priority_parameter(template: Template, config: ServiceConfig) -> Parameter:
    return template.add_parameter(
        priority_parameter(
            "TestListenerRulePriority",
            config.deployment.test_priority,
            "Priority of this service's test rule on the shared listener (requests with the test header reach the "
            "new revision): unique per listener and lower than ListenerRulePriority",
        )
    )


def add_infrastructure_role(template: Template) -> iam.Role:
    """The role ECS moves traffic with. The AWS-managed policy made for it, not an inline copy: ECS's needs went
    through six policy versions between July 2025 and February 2026, and a stale copy would stop a deployment
    half-shifted. Its writes are limited to target groups, listeners and listener rules:
    https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonECSInfrastructureRolePolicyForLoadBalancers.html
    """
    return template.add_resource(
        iam.Role(
            "EcsInfrastructureRole",
            AssumeRolePolicyDocument=policies.service_trust("ecs.amazonaws.com"),
            ManagedPolicyArns=[
                Sub("arn:${AWS::Partition}:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers")
            ],
        )
    )


def advanced_configuration(
    alternate: elb.TargetGroup, production: elb.ListenerRule, test: elb.ListenerRule | None, role: iam.Role
) -> ecs.AdvancedConfiguration:
    advanced = ecs.AdvancedConfiguration(
        AlternateTargetGroupArn=Ref(alternate),
        ProductionListenerRule=Ref(production),
        RoleArn=GetAtt(role, "Arn"),
    )
    if test is not None:
        advanced.TestListenerRule = Ref(test)
    return advanced


def deployment_configuration(config: ServiceConfig, alarms: list[cloudwatch.Alarm]) -> ecs.DeploymentConfiguration:
    """Rolling keeps the circuit breaker (ECS uses it only for rolling updates); the others bake, then shift."""
    deployment = config.deployment
    if not deployment.shifts_traffic:
        configuration = ecs.DeploymentConfiguration(
            DeploymentCircuitBreaker=ecs.DeploymentCircuitBreaker(Enable=True, Rollback=True),
            MinimumHealthyPercent=100,
            MaximumPercent=200,
        )
    else:
        configuration = ecs.DeploymentConfiguration(
            Strategy=STRATEGY_NAMES[deployment.strategy], BakeTimeInMinutes=deployment.bake_time
        )
        if deployment.strategy == CANARY:
            configuration.CanaryConfiguration = ecs.CanaryConfiguration(
                CanaryPercent=deployment.canary_percent, CanaryBakeTimeInMinutes=deployment.canary_bake_time
            )
        elif deployment.strategy == LINEAR:
            configuration.LinearConfiguration = ecs.LinearConfiguration(
                StepPercent=deployment.linear_step_percent, StepBakeTimeInMinutes=deployment.linear_step_bake_time
            )
    if alarms:
        configuration.Alarms = ecs.DeploymentAlarms(
            AlarmNames=[Ref(alarm) for alarm in alarms], Enable=True, Rollback=True
        )
    return configuration


def capacity_provider_strategy(template: Template, config: ServiceConfig) -> list | If:
    """Empty without Spot: the service keeps the FARGATE launch type. With Spot, the strategy names FARGATE_SPOT
    under the condition that offers it on every cluster the project creates (blocks.capacity), and falls back to
    on-demand Fargate alone where the partition does not document Fargate Spot, so the same template deploys there."""
    capacity = config.capacity
    if not capacity.uses_spot:
        return []
    on_demand = ecs.CapacityProviderStrategyItem(
        CapacityProvider=FARGATE, Base=capacity.on_demand_base, Weight=capacity.on_demand_weight
    )
    spot = ecs.CapacityProviderStrategyItem(CapacityProvider=FARGATE_SPOT, Weight=capacity.spot_weight)
    # Without Spot every task goes to on-demand Fargate, which then needs a weight even where Spot had them all.
    only_on_demand = ecs.CapacityProviderStrategyItem(
        CapacityProvider=FARGATE, Base=capacity.on_demand_base, Weight=max(capacity.on_demand_weight, 1)
    )
    condition = add_fargate_spot_condition(template)
    if condition is None:
        return [only_on_demand]
    return If(condition, [on_demand, spot], [only_on_demand])


def _threshold_parameter(template: Template, title: str, default: int, high: int, description: str) -> Parameter:
    return template.add_parameter(
        Parameter(title, Type="Number", Default=default, MinValue=1, MaxValue=high, Description=description)
    )


def _metric(
    query_id: str, namespace: str, name: str, stat: str, load_balancer: AWSHelperFn, target_group: elb.TargetGroup
) -> cloudwatch.MetricDataQuery:
    return cloudwatch.MetricDataQuery(
        Id=query_id,
        ReturnData=False,
        MetricStat=cloudwatch.MetricStat(
            Metric=cloudwatch.Metric(
                Namespace=namespace,
                MetricName=name,
                Dimensions=[
                    cloudwatch.MetricDimension(Name="LoadBalancer", Value=load_balancer),
                    cloudwatch.MetricDimension(Name="TargetGroup", Value=GetAtt(target_group, "TargetGroupFullName")),
                ],
            ),
            Period=ALARM_PERIOD_SECONDS,
            Stat=stat,
        ),
    )


def _sum(prefix: str, count: int) -> str:
    # No requests in a minute means no data point: counted as 0, not as missing.
    return " + ".join(f"FILL({prefix}{n}, 0)" for n in range(1, count + 1))


def add_rollback_alarms(
    template: Template, config: ServiceConfig, load_balancer: AWSHelperFn, target_groups: list[elb.TargetGroup]
) -> list[cloudwatch.Alarm]:
    """Target 5xx rate (ALB) and unhealthy targets, over every target group the service's tasks serve from (both
    revisions' during a blue/green, canary or linear deployment). ECS fails the deployment when one is in ALARM and
    rolls back: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html"""
    deployment = config.deployment
    application = config.load_balancer.is_application
    namespace = "AWS/ApplicationELB" if application else "AWS/NetworkELB"
    unhealthy = _threshold_parameter(
        template,
        "RollbackAlarmUnhealthyHosts",
        deployment.alarm_unhealthy_hosts,
        1000,
        "Unhealthy targets (two minutes running) that fail a deployment and roll it back",
    )
    labels = {unhealthy.title: "Unhealthy targets"}
    count = len(target_groups)
    alarms = [
        _alarm(
            "UnhealthyTargetsAlarm",
            f"{config.name}: targets failing health checks; fails and rolls back a deployment",
            Ref(unhealthy),
            f"{_sum('u', count)}",
            [
                _metric(f"u{n}", namespace, "UnHealthyHostCount", "Maximum", load_balancer, group)
                for n, group in enumerate(target_groups, start=1)
            ],
        )
    ]
    if application:
        rate = _threshold_parameter(
            template,
            "RollbackAlarm5xxPercent",
            deployment.alarm_5xx_percent,
            100,
            "Percent of requests the tasks answer with 5xx (two minutes running) that fails a deployment and rolls "
            "it back",
        )
        labels = {rate.title: "Target 5xx percent", **labels}
        errors, requests = _sum("e", count), _sum("r", count)
        alarms.insert(
            0,
            _alarm(
                "Target5xxRateAlarm",
                f"{config.name}: share of requests answered 5xx by the tasks; fails and rolls back a deployment",
                Ref(rate),
                f"IF(({requests}) > 0, 100 * ({errors}) / ({requests}), 0)",
                [
                    _metric(f"{letter}{n}", namespace, metric, "Sum", load_balancer, group)
                    for n, group in enumerate(target_groups, start=1)
                    for letter, metric in (("e", "HTTPCode_Target_5XX_Count"), ("r", "RequestCount"))
                ],
            ),
        )
    add_parameter_group(template, ALARM_GROUP, labels)
    return [template.add_resource(alarm) for alarm in alarms]


def _alarm(
    title: str, description: str, threshold: Ref, expression: str, metrics: list[cloudwatch.MetricDataQuery]
) -> cloudwatch.Alarm:
    return cloudwatch.Alarm(
        title,
        AlarmDescription=description,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        Threshold=threshold,
        EvaluationPeriods=2,
        DatapointsToAlarm=2,
        TreatMissingData="notBreaching",
        Metrics=[cloudwatch.MetricDataQuery(Id="value", Expression=expression, Label=title, ReturnData=True), *metrics],
    )
