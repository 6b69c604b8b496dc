"""The service layer: a Fargate service with only private IPs behind a load balancer in the public subnets, or behind
CloudFront and an internal load balancer in the private subnets."""

from __future__ import annotations

from troposphere import AWSHelperFn, GetAtt, Template, ecs
from troposphere import elasticloadbalancingv2 as elb

from ...config.cloudfront import CLOUDFRONT
from ...config.load_balancer import ALB, SHARED
from ...config.service import ServiceConfig
from ...contract import DEFAULT_NETWORK_STACK, STACK_OUTPUTS, NetworkImports
from ..blocks.capacity import offer_fargate_capacity
from ..blocks.cloudfront import add_cloudfront, add_distribution_outputs, add_origin_prefix_list_parameter
from ..blocks.log_groups import add_retained_log_group
from ..blocks.parameters import add_parameter_group
from ..blocks.tagging import apply_tags
from .deployment import (
    ALTERNATE_TARGET_GROUP,
    Rollout,
    add_infrastructure_role,
    add_own_alb_rules,
    add_rollback_alarms,
    advanced_configuration,
    capacity_provider_strategy,
    deployment_configuration,
)
from .ecs_service import add_autoscaling, add_outputs, add_service, add_service_parameters
from .front_door_rule import add_front_door_egress, add_front_door_parameters, add_listener_rule, add_test_listener_rule
from .image import add_image_parameters
from .load_balancing import (
    add_listener_certificate_parameter,
    add_listeners,
    add_load_balancer,
    add_security_groups,
    add_target_group,
    add_task_ingress,
    add_task_security_group,
    task_security_group_summary,
)
from .task import add_execution_role, add_task_definition, add_task_role


def build_service(
    config: ServiceConfig | None = None, *, network_stack: str = DEFAULT_NETWORK_STACK, ipv6_egress: bool = False
) -> Template:
    """A service stack that reads the network stack (named by ``NetworkStackName``, default ``network_stack``) in
    ``config.references`` mode, and on a shared front door the front door's (named by ``IngressStackName``) the same
    way. ``ipv6_egress``: the network gives the private subnets IPv6 egress (``NetworkConfig.ipv6_egress``), so the
    tasks' egress ports are open to IPv6 addresses too."""
    config = config or ServiceConfig()
    shared = config.load_balancer.kind == SHARED
    behind_cloudfront = config.load_balancer.kind == CLOUDFRONT
    template = Template(Description=_description(config))
    template.set_version()
    network = _add_network_reference(template, config, network_stack)
    front_door = add_front_door_parameters(template, config) if shared else None
    image = add_image_parameters(template, config.image)
    sidecar_images = tuple(
        add_image_parameters(template, sidecar.image, sidecar.title, f"Sidecar {sidecar.name} image")
        for sidecar in config.sidecars
    )
    certificate = (
        add_listener_certificate_parameter(template, config)
        if config.load_balancer.uses_certificate and not shared
        else None
    )
    desired_count, deletion_protection, log_retention = add_service_parameters(template, config)
    # Logs outlive the service: they are what explains its last failure.
    log_group = add_retained_log_group(template, "LogGroup", log_retention)
    execution_role = add_execution_role(template, config, image, log_group, sidecar_images)
    task_role = add_task_role(template, config)
    task_definition = add_task_definition(template, config, image, log_group, execution_role, task_role, sidecar_images)
    shifting = config.deployment.shifts_traffic
    if front_door is not None:
        load_balancer = None
        task_security_group = add_task_security_group(template, config, network, ipv6_egress)
        add_task_ingress(template, config, task_security_group, front_door.imports.security_group_id)
        add_front_door_egress(template, config, front_door, task_security_group)
        target_group = add_target_group(template, config, network)
        alternate = add_target_group(template, config, network, ALTERNATE_TARGET_GROUP) if shifting else None
        forwarder = add_listener_rule(template, front_door, target_group, alternate)
        production, test = forwarder, None
        if alternate is not None and config.deployment.test_header_name is not None:
            test = add_test_listener_rule(template, config, front_door, target_group, alternate)
        load_balancer_full_name = front_door.imports.load_balancer_full_name
    else:
        prefix_list = (
            add_origin_prefix_list_parameter(template, config.load_balancer.cloudfront) if behind_cloudfront else None
        )
        task_security_group, load_balancer_security_group = add_security_groups(
            template, config, network, prefix_list, ipv6_egress
        )
        load_balancer = add_load_balancer(template, config, network, load_balancer_security_group, deletion_protection)
        target_group = add_target_group(template, config, network)
        alternate = add_target_group(template, config, network, ALTERNATE_TARGET_GROUP) if shifting else None
        forwarder = add_listeners(template, config, load_balancer, target_group, certificate)
        production = test = None
        if alternate is not None:
            production, test = add_own_alb_rules(template, config, forwarder, target_group, alternate)
        load_balancer_full_name = GetAtt(load_balancer, "LoadBalancerFullName")
    distribution = (
        add_cloudfront(template, config.load_balancer.cloudfront, load_balancer, config.load_balancer.listener_port)
        if load_balancer is not None and behind_cloudfront
        else None
    )
    rollout = _rollout(template, config, load_balancer_full_name, [target_group, alternate], production, test)
    service = add_service(
        template, config, network, task_definition, task_security_group, target_group, forwarder, desired_count, rollout
    )
    add_autoscaling(template, config, network, service, load_balancer_full_name, target_group)
    add_outputs(template, service, load_balancer, log_group, task_security_group, task_security_group_summary(config))
    if distribution is not None:
        add_distribution_outputs(template, distribution, export=False)
    apply_tags(template, config.tags)
    return template


_NETWORK_PARAMETER_LABELS = ("Network stack name", "Role to read the network stack")


def _add_network_reference(template: Template, config: ServiceConfig, network_stack: str) -> NetworkImports:
    network = NetworkImports(template, network_stack, config.references)
    labels = dict(zip(network.parameter_titles, _NETWORK_PARAMETER_LABELS, strict=False))
    add_parameter_group(template, "Network stack", labels)
    if config.references == STACK_OUTPUTS:
        # A network in another account (shared subnets) cannot lend its cluster: ECS runs a service only in a
        # cluster of the service's own account, so the stack brings its own in that case.
        cluster = ecs.Cluster(
            "Cluster",
            Condition=network.remote_condition,
            ClusterSettings=[ecs.ClusterSetting(Name="containerInsights", Value="enabled")],
        )
        cluster = template.add_resource(offer_fargate_capacity(template, cluster))
        network.run_in_local_cluster_when_remote(cluster)
    return network


def _rollout(
    template: Template,
    config: ServiceConfig,
    load_balancer_full_name: AWSHelperFn,
    target_groups: list[elb.TargetGroup | None],
    production: elb.ListenerRule | None,
    test: elb.ListenerRule | None,
) -> Rollout:
    """The deployment configuration, and with an alternate target group (``target_groups[1]``) the advanced
    configuration ECS shifts traffic with."""
    primary, alternate = target_groups
    alarms = (
        add_rollback_alarms(template, config, load_balancer_full_name, [g for g in target_groups if g is not None])
        if config.deployment.alarm_rollback
        else []
    )
    if alternate is None:
        return Rollout(deployment_configuration(config, alarms), capacity=capacity_provider_strategy(template, config))
    role = add_infrastructure_role(template)
    rules = tuple(rule.title for rule in (production, test) if rule is not None)
    return Rollout(
        deployment_configuration(config, alarms),
        advanced_configuration(alternate, production, test, role),
        rules,
        capacity_provider_strategy(template, config),
    )


def _description(config: ServiceConfig) -> str:
    front = {
        ALB: "an ALB (HTTPS, HTTP redirects) in its public subnets",
        SHARED: "a listener rule of the shared front door's ALB",
        CLOUDFRONT: "CloudFront and, through a VPC origin, an internal ALB in the private subnets",
    }.get(config.load_balancer.kind, f"an NLB ({config.load_balancer.listener_protocol.upper()}) in its public subnets")
    return (
        f"fargate-private-templates service {config.name}: Fargate tasks with only private IPs in the network "
        f"stack's private subnets, behind {front}"
    )
