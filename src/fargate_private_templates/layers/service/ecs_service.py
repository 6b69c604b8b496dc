"""The ECS service in the private subnets, its parameters, autoscaling and outputs."""

from __future__ import annotations

from troposphere import (
    AWSHelperFn,
    AWSObject,
    GetAtt,
    If,
    Join,
    NoValue,
    Output,
    Parameter,
    Ref,
    Template,
    applicationautoscaling,
    ec2,
    ecs,
    logs,
)
from troposphere import elasticloadbalancingv2 as elb

from ...config.load_balancer import SHARED
from ...config.service import ServiceConfig
from ...contract import NetworkImports
from ..blocks.load_balancers import add_deletion_protection_parameter
from ..blocks.parameters import add_log_retention_parameter, add_optional_parameter, add_parameter_group
from ..blocks.scanner_skips import ROLE_IN_BOTH_BRANCHES, accept_lint_warning
from .deployment import Rollout

HAS_DESIRED_COUNT = "HasDesiredCount"


def add_service_parameters(template: Template, config: ServiceConfig) -> tuple[Parameter, Parameter | None, Parameter]:
    scaling = config.scaling
    # CloudFormation sends DesiredCount with every service update; left out (empty), the running count is kept.
    desired_count = add_optional_parameter(
        template,
        "DesiredCount",
        f"Empty (recommended): autoscaling keeps {scaling.min_capacity}-{scaling.max_capacity} tasks. "
        "A number pins the count, and every stack update sets it again, undoing autoscaling",
        r"^[0-9]{1,4}$",
        "a whole number of tasks",
        HAS_DESIRED_COUNT,
        default="" if config.scaling.desired_count is None else str(config.scaling.desired_count),
    )
    # The shared front door's stack owns its load balancer's deletion protection.
    deletion_protection = (
        None
        if config.load_balancer.kind == SHARED
        else add_deletion_protection_parameter(template, config.load_balancer.deletion_protection)
    )
    add_parameter_group(template, "Service", {desired_count.title: "Desired task count"})
    log_retention = add_log_retention_parameter(
        template,
        "LogRetentionInDays",
        config.log_retention_days,
        "Days to keep the container logs in CloudWatch Logs",
        "Service",
        "Log retention (days)",
    )
    return desired_count, deletion_protection, log_retention


def add_service(
    template: Template,
    config: ServiceConfig,
    network: NetworkImports,
    task_definition: ecs.TaskDefinition,
    task_security_group: ec2.SecurityGroup,
    target_group: elb.TargetGroup,
    forwarder: AWSObject,
    desired_count: Parameter,
    rollout: Rollout,
) -> ecs.Service:
    """``forwarder`` is the listener or listener rule that forwards to ``target_group``."""
    load_balancer = ecs.LoadBalancer(
        ContainerName=config.container.name,
        ContainerPort=config.container.port,
        TargetGroupArn=Ref(target_group),
    )
    if rollout.advanced is not None:
        load_balancer.AdvancedConfiguration = rollout.advanced
    # Without Spot the launch type, as before; with it the capacity providers (the two exclude each other).
    capacity = {"CapacityProviderStrategy": rollout.capacity} if rollout.capacity else {"LaunchType": "FARGATE"}
    # The target groups must belong to a load balancer before ECS can register tasks in them; a listener rule the
    # advanced configuration refers to is waited for already.
    depends_on = {} if forwarder.title in rollout.rules else {"DependsOn": [forwarder.title]}
    return template.add_resource(
        _reading_the_cluster(
            network,
            ecs.Service(
                "Service",
                **depends_on,
                Cluster=network.cluster_arn,
                **capacity,
                PlatformVersion=config.platform_version,
                TaskDefinition=Ref(task_definition),
                DesiredCount=If(HAS_DESIRED_COUNT, Ref(desired_count), NoValue),
                NetworkConfiguration=ecs.NetworkConfiguration(
                    AwsvpcConfiguration=ecs.AwsvpcConfiguration(
                        AssignPublicIp="DISABLED",
                        Subnets=network.private_subnet_ids,
                        SecurityGroups=[GetAtt(task_security_group, "GroupId")],
                    )
                ),
                DeploymentConfiguration=rollout.configuration,
                HealthCheckGracePeriodSeconds=config.health_check.grace_period,
                LoadBalancers=[load_balancer],
                EnableExecuteCommand=config.enable_exec,
                EnableECSManagedTags=True,
                PropagateTags="SERVICE",
            ),
        )
    )


def _reading_the_cluster(network: NetworkImports, resource: AWSObject) -> AWSObject:
    """A resource that reads the cluster, which in a stack that may bring its own reads it under an Fn::If."""
    return accept_lint_warning(resource, ROLE_IN_BOTH_BRANCHES) if network.cluster_read_is_conditional else resource


def add_autoscaling(
    template: Template,
    config: ServiceConfig,
    network: NetworkImports,
    service: ecs.Service,
    load_balancer_full_name: AWSHelperFn,
    target_group: elb.TargetGroup,
) -> None:
    # No RoleARN: Application Auto Scaling uses its ECS service-linked role.
    target = template.add_resource(
        _reading_the_cluster(
            network,
            applicationautoscaling.ScalableTarget(
                "ScalableTarget",
                MinCapacity=config.scaling.min_capacity,
                MaxCapacity=config.scaling.max_capacity,
                ResourceId=Join("/", ["service", network.cluster_name, GetAtt(service, "Name")]),
                ScalableDimension="ecs:service:DesiredCount",
                ServiceNamespace="ecs",
            ),
        )
    )
    _add_target_tracking_policy(
        template,
        "CpuScalingPolicy",
        target,
        applicationautoscaling.PredefinedMetricSpecification(PredefinedMetricType="ECSServiceAverageCPUUtilization"),
        config.scaling.target_cpu_utilization,
    )
    if config.scaling.target_requests_per_target is not None:
        _add_target_tracking_policy(
            template,
            "RequestCountScalingPolicy",
            target,
            applicationautoscaling.PredefinedMetricSpecification(
                PredefinedMetricType="ALBRequestCountPerTarget",
                ResourceLabel=Join("/", [load_balancer_full_name, GetAtt(target_group, "TargetGroupFullName")]),
            ),
            config.scaling.target_requests_per_target,
        )


def _add_target_tracking_policy(
    template: Template,
    title: str,
    target: applicationautoscaling.ScalableTarget,
    metric: applicationautoscaling.PredefinedMetricSpecification,
    target_value: int,
) -> None:
    # Scale out fast, scale in slowly: a brief dip should not drain tasks that the next peak needs again.
    template.add_resource(
        applicationautoscaling.ScalingPolicy(
            title,
            PolicyName=title,
            PolicyType="TargetTrackingScaling",
            ScalingTargetId=Ref(target),
            TargetTrackingScalingPolicyConfiguration=applicationautoscaling.TargetTrackingScalingPolicyConfiguration(
                PredefinedMetricSpecification=metric,
                TargetValue=float(target_value),
                ScaleInCooldown=300,
                ScaleOutCooldown=60,
            ),
        )
    )


def add_outputs(
    template: Template,
    service: ecs.Service,
    load_balancer: elb.LoadBalancer | None,
    log_group: logs.LogGroup,
    task_security_group: ec2.SecurityGroup,
    task_security_group_summary: str,
) -> None:
    """``load_balancer`` is the service's own; a service on a shared front door has none (the front door's stack
    exports its DNS name)."""
    if load_balancer is not None:
        internal = load_balancer.properties.get("Scheme") == "internal"
        # Behind CloudFront the load balancer is internal: DNS points at the distribution instead.
        description = "Internal load balancer, CloudFront's VPC origin" if internal else "Point your DNS name here"
        template.add_output(
            Output("LoadBalancerDnsName", Description=description, Value=GetAtt(load_balancer, "DNSName"))
        )
    template.add_output(
        [
            Output("ServiceName", Description="ECS service name", Value=GetAtt(service, "Name")),
            Output("LogGroupName", Description="Container logs", Value=Ref(log_group)),
            Output(
                "TaskSecurityGroupId",
                Description=task_security_group_summary,
                Value=GetAtt(task_security_group, "GroupId"),
            ),
        ]
    )
