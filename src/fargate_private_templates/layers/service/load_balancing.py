"""The service's own load balancer, its security groups, listeners and target group: internet-facing in the public
subnets, or internal in the private subnets behind CloudFront."""

from __future__ import annotations

from troposphere import AWSHelperFn, GetAtt, Parameter, Ref, Template, ec2
from troposphere import elasticloadbalancingv2 as elb

from ...config.cloudfront import CLOUDFRONT
from ...config.load_balancer import ALB, HTTPS_PORT, TCP, TLS
from ...config.service import ServiceConfig
from ...contract import NetworkImports
from ..blocks.cloudfront import cloudfront_ingress
from ..blocks.load_balancers import (
    add_access_logs,
    add_certificate_parameter,
    add_http_redirect_listener,
    hardened_alb_attributes,
    skip_access_logs_finding,
    skip_internet_facing_finding,
    skip_redirect_port_finding,
    use_certificate,
)
from ..blocks.parameters import add_parameter_group
from ..blocks.scanner_skips import NO_EGRESS_PLACEHOLDER, TASK_EGRESS_BY_PORT, TCP_LISTENER_PASSES_THROUGH, accept
from ..blocks.security_groups import egress_to_group, no_egress_rule, tcp_rule

ANYWHERE_IPV4 = "0.0.0.0/0"
ANYWHERE_IPV6 = "::/0"


def add_listener_certificate_parameter(template: Template, config: ServiceConfig) -> Parameter:
    protocol = config.load_balancer.listener_protocol.upper()
    description = f"ACM certificate for the {protocol} listener, in this stack's Region"
    return add_certificate_parameter(template, description, config.load_balancer.certificate_arn)


def add_egress_port_parameters(template: Template, config: ServiceConfig) -> list[Parameter]:
    """``EgressPort1``... for the configured egress ports besides 443: their number shapes the template, their values
    are asked at deploy time. 443 stays fixed: without it no task could pull its image or write its logs."""
    parameters = [
        template.add_parameter(
            Parameter(
                f"EgressPort{number}",
                Type="Number",
                Default=port,
                MinValue=1,
                MaxValue=65535,
                Description="TCP port the tasks may open to any address (for example a database's); the resource "
                "there must also admit the TaskSecurityGroupId output's group",
            )
        )
        for number, port in enumerate(extra_egress_ports(config), start=1)
    ]
    if parameters:
        add_parameter_group(template, "Task egress", {p.title: f"Egress port {p.title[10:]}" for p in parameters})
    return parameters


def extra_egress_ports(config: ServiceConfig) -> list[int]:
    return [port for port in config.egress_ports if port != HTTPS_PORT]


def task_security_group_summary(config: ServiceConfig) -> str:
    """The ``TaskSecurityGroupId`` output's text: what the group may open, and what the other end must do."""
    extra = extra_egress_ports(config)
    if not extra:
        return (
            "The tasks' security group. It opens only TCP 443 (image registry, CloudWatch Logs, AWS APIs); to reach "
            "a database, list its port in egress_ports and admit this group in the database's security group"
        )
    ports = ", ".join(f"EgressPort{n} (default {port})" for n, port in enumerate(extra, start=1))
    return (
        f"The tasks' security group. It may open TCP 443 (image registry, CloudWatch Logs, AWS APIs) and the ports "
        f"of {ports} to any address; a database there must also admit this group in its own security group"
    )


def add_task_security_group(
    template: Template, config: ServiceConfig, network: NetworkImports, ipv6_egress: bool = False
) -> ec2.SecurityGroup:
    """``ipv6_egress``: the network routes the private subnets' ``::/0`` to an egress-only gateway, so the same
    ports are opened to IPv6 addresses too."""
    extra = add_egress_port_parameters(template, config)
    peers = [("CidrIp", ANYWHERE_IPV4)] + ([("CidrIpv6", ANYWHERE_IPV6)] if ipv6_egress else [])
    security_group = ec2.SecurityGroup(
        "TaskSecurityGroup",
        GroupDescription=f"{config.name} tasks: the container port from the load balancer only",
        VpcId=network.vpc_id,
        # Written out so CloudFormation drops the default allow-all egress rule.
        SecurityGroupEgress=[
            rule
            for key, cidr in peers
            for rule in (
                tcp_rule(
                    HTTPS_PORT,
                    f"Port {HTTPS_PORT} out: image registry, CloudWatch Logs and AWS APIs via NAT or endpoints",
                    **{key: cidr},
                ),
                *(
                    tcp_rule(Ref(parameter), f"The {parameter.title} parameter's port out", **{key: cidr})
                    for parameter in extra
                ),
            )
        ],
    )
    return template.add_resource(accept(security_group, TASK_EGRESS_BY_PORT))


def add_task_ingress(
    template: Template, config: ServiceConfig, task_security_group: ec2.SecurityGroup, source: AWSHelperFn
) -> ec2.SecurityGroupIngress:
    # A separate rule: inline on both groups, each would reference the other (a circular dependency).
    return template.add_resource(
        ec2.SecurityGroupIngress(
            "TaskFromLoadBalancerIngress",
            GroupId=GetAtt(task_security_group, "GroupId"),
            IpProtocol="tcp",
            FromPort=config.container.port,
            ToPort=config.container.port,
            SourceSecurityGroupId=source,
            Description="Container port from the load balancer only",
        )
    )


def _load_balancer_ingress(config: ServiceConfig, origin_prefix_list: Parameter | None) -> list:
    """Behind CloudFront, its origin-facing prefix list on the HTTPS port alone; otherwise the listener ports from
    every IPv4 address, and every IPv6 address too when dual-stack."""
    if origin_prefix_list is not None:
        return [cloudfront_ingress(config.load_balancer.listener_port, origin_prefix_list)]
    peers = [("CidrIp", ANYWHERE_IPV4)] + ([("CidrIpv6", ANYWHERE_IPV6)] if config.load_balancer.is_dual_stack else [])
    return [
        tcp_rule(port, f"Listener port {port} from the internet", **{key: cidr})
        for key, cidr in peers
        for port in config.load_balancer.public_ports
    ]


def add_security_groups(
    template: Template,
    config: ServiceConfig,
    network: NetworkImports,
    origin_prefix_list: Parameter | None = None,
    ipv6_egress: bool = False,
) -> tuple[ec2.SecurityGroup, ec2.SecurityGroup]:
    """``origin_prefix_list``: CloudFront's origin-facing prefix list, the only source of a load balancer behind
    CloudFront."""
    task_security_group = add_task_security_group(template, config, network, ipv6_egress)
    source = "CloudFront" if origin_prefix_list is not None else "the internet"
    load_balancer_security_group = template.add_resource(
        ec2.SecurityGroup(
            "LoadBalancerSecurityGroup",
            GroupDescription=f"{config.name} load balancer: listener ports from {source}",
            VpcId=network.vpc_id,
            SecurityGroupIngress=_load_balancer_ingress(config, origin_prefix_list),
            # The group's real egress is the separate rule below; an inline rule that matches nothing is what
            # stops EC2 adding its allow-all egress rule to a group created without inline egress rules.
            SecurityGroupEgress=[no_egress_rule("Disallow all traffic")],
        )
    )
    accept(load_balancer_security_group, NO_EGRESS_PLACEHOLDER)
    if config.load_balancer.kind == ALB:
        skip_redirect_port_finding(load_balancer_security_group)
    add_load_balancer_egress(template, config, load_balancer_security_group, task_security_group)
    add_task_ingress(template, config, task_security_group, GetAtt(load_balancer_security_group, "GroupId"))
    return task_security_group, load_balancer_security_group


def add_load_balancer_egress(
    template: Template,
    config: ServiceConfig,
    load_balancer_security_group: ec2.SecurityGroup,
    task_security_group: ec2.SecurityGroup,
) -> ec2.SecurityGroupEgress:
    # A separate rule, not inline: inline, it would make the load balancer's group (and so the load balancer, the
    # longest create in the stack) wait for the task group. Apart, the two groups and the load balancer start at once.
    return template.add_resource(
        egress_to_group(
            "LoadBalancerToTasksEgress",
            GetAtt(load_balancer_security_group, "GroupId"),
            config.container.port,
            task_security_group,
            "Traffic and health checks to the tasks' container port",
        )
    )


def add_load_balancer(
    template: Template,
    config: ServiceConfig,
    network: NetworkImports,
    security_group: ec2.SecurityGroup,
    deletion_protection: Parameter,
) -> elb.LoadBalancer:
    attributes = [elb.LoadBalancerAttributes(Key="deletion_protection.enabled", Value=Ref(deletion_protection))]
    internal = config.load_balancer.kind == CLOUDFRONT
    if config.load_balancer.is_application:
        attributes += hardened_alb_attributes()
    else:
        attributes.append(elb.LoadBalancerAttributes(Key="load_balancing.cross_zone.enabled", Value="true"))
        skip_internet_facing_finding(security_group)
    attributes += add_access_logs(template)
    # Unnamed: a load balancer's name is fixed at creation, so renaming would replace it (and its DNS name).
    load_balancer = elb.LoadBalancer(
        "LoadBalancer",
        Type="application" if config.load_balancer.is_application else "network",
        Scheme="internal" if internal else "internet-facing",
        IpAddressType=config.load_balancer.ip_address_type,
        Subnets=network.private_subnet_ids if internal else network.public_subnet_ids,
        SecurityGroups=[GetAtt(security_group, "GroupId")],
        LoadBalancerAttributes=attributes,
    )
    return template.add_resource(skip_access_logs_finding(load_balancer))


def add_target_group(
    template: Template, config: ServiceConfig, network: NetworkImports, title: str = "TargetGroup"
) -> elb.TargetGroup:
    """``title``: ``AlternateTargetGroup`` for the new revision of a blue/green, canary or linear deployment."""
    target_group = elb.TargetGroup(
        title,
        # Fargate tasks register by IP address: awsvpc gives each task its own ENI.
        TargetType="ip",
        Protocol="HTTP" if config.load_balancer.is_application else "TCP",
        Port=config.container.port,
        VpcId=network.vpc_id,
        HealthCheckProtocol=config.health_check.protocol.upper(),
        HealthCheckIntervalSeconds=config.health_check.interval,
        HealthyThresholdCount=3,
        UnhealthyThresholdCount=3,
        TargetGroupAttributes=[
            # Shorter than the 300 s default: deployments stop waiting on idle connections sooner.
            elb.TargetGroupAttribute(Key="deregistration_delay.timeout_seconds", Value="30"),
        ],
    )
    if config.health_check.protocol == "http":
        target_group.HealthCheckPath = config.health_check.path
        target_group.Matcher = elb.Matcher(HttpCode="200-399")
    return template.add_resource(target_group)


def _forward(target_group: elb.TargetGroup) -> list[elb.Action]:
    return [elb.Action(Type="forward", TargetGroupArn=Ref(target_group))]


def add_listeners(
    template: Template,
    config: ServiceConfig,
    load_balancer: elb.LoadBalancer,
    target_group: elb.TargetGroup,
    certificate: Parameter | None,
) -> elb.Listener:
    """Adds the listeners; returns the one that forwards to the tasks. Behind CloudFront, which redirects viewers to
    HTTPS itself and reaches the origin over HTTPS only, there is no HTTP listener."""
    if config.load_balancer.kind == ALB:
        add_http_redirect_listener(template, load_balancer, config.load_balancer.listener_port)
    if config.load_balancer.is_application:
        title, protocol = "HttpsListener", "HTTPS"
    else:
        tls = config.load_balancer.listener_protocol == TLS
        title, protocol = ("TlsListener", "TLS") if tls else ("TcpListener", "TCP")
    listener = elb.Listener(
        title,
        LoadBalancerArn=Ref(load_balancer),
        Port=config.load_balancer.listener_port,
        Protocol=protocol,
        DefaultActions=_forward(target_group),
    )
    if certificate is not None:
        use_certificate(listener, certificate)
    if config.load_balancer.listener_protocol == TCP:
        accept(listener, TCP_LISTENER_PASSES_THROUGH)
    return template.add_resource(listener)
