"""The load balancer in the public subnets: security groups, listeners, target group, access logs."""

from __future__ import annotations

from troposphere import (
    Equals,
    GetAtt,
    If,
    Not,
    NoValue,
    Parameter,
    Ref,
    Template,
    ec2,
)
from troposphere import elasticloadbalancingv2 as elb

from ...config.patterns import (
    CERTIFICATE_ARN,
)
from ...config.service import (
    ALB,
    HTTP_REDIRECT_PORT,
    TLS,
    ServiceConfig,
)
from ...contract import NetworkImports
from ..blocks.parameters import add_parameter_group
from ..blocks.scanner_skips import skip_checkov
from ..blocks.security_groups import tcp_rule

ANYWHERE_IPV4 = "0.0.0.0/0"
# On Security Hub ELB.17's list: TLS 1.3 and 1.2 only, with post-quantum key exchange.
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"
HAS_ACCESS_LOGS = "HasAccessLogs"


def add_certificate_parameter(template: Template, config: ServiceConfig) -> Parameter:
    protocol = config.load_balancer.listener_protocol
    certificate = Parameter(
        "CertificateArn",
        Type="String",
        Description=f"ACM certificate for the {protocol.upper()} listener, in this stack's Region",
        AllowedPattern=CERTIFICATE_ARN.pattern,
        ConstraintDescription="an ACM certificate ARN: arn:<partition>:acm:<region>:<account>:certificate/<id>",
    )
    if config.load_balancer.certificate_arn is not None:
        certificate.Default = config.load_balancer.certificate_arn
    template.add_parameter(certificate)
    add_parameter_group(template, "Load balancer", {certificate.title: "Certificate ARN"})
    return certificate


def add_security_groups(
    template: Template, config: ServiceConfig, network: NetworkImports
) -> tuple[ec2.SecurityGroup, ec2.SecurityGroup]:
    task_security_group = template.add_resource(
        ec2.SecurityGroup(
            "TaskSecurityGroup",
            GroupDescription=f"{config.name} tasks: the container port from the load balancer only",
            VpcId=network.vpc_id,
            # Written out so CloudFormation drops the default allow-all egress rule.
            SecurityGroupEgress=[
                tcp_rule(
                    port,
                    f"Port {port} out: image registry, CloudWatch Logs and AWS APIs via NAT or endpoints",
                    CidrIp=ANYWHERE_IPV4,
                )
                for port in config.egress_ports
            ],
        )
    )
    load_balancer_security_group = template.add_resource(
        ec2.SecurityGroup(
            "LoadBalancerSecurityGroup",
            GroupDescription=f"{config.name} load balancer: listener ports from the internet",
            VpcId=network.vpc_id,
            SecurityGroupIngress=[
                tcp_rule(port, f"Listener port {port} from the internet", CidrIp=ANYWHERE_IPV4)
                for port in config.load_balancer.public_ports
            ],
            SecurityGroupEgress=[
                tcp_rule(
                    config.container.port,
                    "Traffic and health checks to the tasks' container port",
                    DestinationSecurityGroupId=GetAtt(task_security_group, "GroupId"),
                )
            ],
        )
    )
    if config.load_balancer.kind == ALB:
        skip_checkov(
            load_balancer_security_group,
            "CKV_AWS_260",
            "Port 80 is open to the internet only for the ALB's HTTP listener, which answers every request with a "
            "301 redirect to HTTPS (Security Hub ELB.1) and never forwards to the tasks",
        )
    # A separate rule: inline on both groups, each would reference the other (a circular dependency).
    template.add_resource(
        ec2.SecurityGroupIngress(
            "TaskFromLoadBalancerIngress",
            GroupId=GetAtt(task_security_group, "GroupId"),
            IpProtocol="tcp",
            FromPort=config.container.port,
            ToPort=config.container.port,
            SourceSecurityGroupId=GetAtt(load_balancer_security_group, "GroupId"),
            Description="Container port from the load balancer only",
        )
    )
    return task_security_group, load_balancer_security_group


def _add_access_logs(template: Template) -> list:
    """Access logs to a bucket given at deploy time (Security Hub ELB.5); off while the parameter is empty."""
    bucket = template.add_parameter(
        Parameter(
            "AccessLogsBucket",
            Type="String",
            Default="",
            Description="S3 bucket for load balancer access logs (its policy must allow ELB log delivery); "
            "empty for none",
            AllowedPattern=r"^$|^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
            ConstraintDescription="empty, or an S3 bucket name",
        )
    )
    template.add_condition(HAS_ACCESS_LOGS, Not(Equals(Ref(bucket), "")))
    add_parameter_group(template, "Load balancer", {bucket.title: "Access logs bucket"})
    return [
        elb.LoadBalancerAttributes(Key="access_logs.s3.enabled", Value=If(HAS_ACCESS_LOGS, "true", "false")),
        If(HAS_ACCESS_LOGS, elb.LoadBalancerAttributes(Key="access_logs.s3.bucket", Value=Ref(bucket)), NoValue),
        If(
            HAS_ACCESS_LOGS,
            elb.LoadBalancerAttributes(Key="access_logs.s3.prefix", Value=Ref("AWS::StackName")),
            NoValue,
        ),
    ]


def add_load_balancer(
    template: Template,
    config: ServiceConfig,
    network: NetworkImports,
    security_group: ec2.SecurityGroup,
    deletion_protection: Parameter,
) -> elb.LoadBalancer:
    attributes = [elb.LoadBalancerAttributes(Key="deletion_protection.enabled", Value=Ref(deletion_protection))]
    if config.load_balancer.kind == ALB:
        attributes += [
            elb.LoadBalancerAttributes(Key="routing.http.drop_invalid_header_fields.enabled", Value="true"),
            elb.LoadBalancerAttributes(Key="routing.http.desync_mitigation_mode", Value="defensive"),
        ]
    else:
        attributes.append(elb.LoadBalancerAttributes(Key="load_balancing.cross_zone.enabled", Value="true"))
    attributes += _add_access_logs(template)
    # Unnamed: a load balancer's name is fixed at creation, so renaming would replace it (and its DNS name).
    load_balancer = elb.LoadBalancer(
        "LoadBalancer",
        Type="application" if config.load_balancer.kind == ALB else "network",
        Scheme="internet-facing",
        IpAddressType="ipv4",
        Subnets=network.public_subnet_ids,
        SecurityGroups=[GetAtt(security_group, "GroupId")],
        LoadBalancerAttributes=attributes,
    )
    skip_checkov(
        load_balancer,
        "CKV_AWS_91",
        "Access logs are on whenever the AccessLogsBucket parameter names a bucket; the bucket (with the ELB "
        "log-delivery policy of its Region) is usually an organisation's central log bucket, so none is created here",
    )
    return template.add_resource(load_balancer)


def add_target_group(template: Template, config: ServiceConfig, network: NetworkImports) -> elb.TargetGroup:
    target_group = elb.TargetGroup(
        "TargetGroup",
        # Fargate tasks register by IP address: awsvpc gives each task its own ENI.
        TargetType="ip",
        Protocol="HTTP" if config.load_balancer.kind == ALB else "TCP",
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
    """Adds the listeners; returns the one that forwards to the tasks."""
    if config.load_balancer.kind == ALB:
        template.add_resource(
            elb.Listener(
                "HttpRedirectListener",
                LoadBalancerArn=Ref(load_balancer),
                Port=HTTP_REDIRECT_PORT,
                Protocol="HTTP",
                DefaultActions=[
                    elb.Action(
                        Type="redirect",
                        RedirectConfig=elb.RedirectConfig(
                            Protocol="HTTPS", Port=str(config.load_balancer.listener_port), StatusCode="HTTP_301"
                        ),
                    )
                ],
            )
        )
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
        listener.Certificates = [elb.Certificate(CertificateArn=Ref(certificate))]
        listener.SslPolicy = TLS_POLICY
    return template.add_resource(listener)
