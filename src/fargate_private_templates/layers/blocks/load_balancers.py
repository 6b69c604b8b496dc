"""Pieces every load balancer here shares: certificate, deletion protection and access log parameters, hardened
ALB attributes, the HTTP listener that only redirects, and the scanner skips they need."""

from __future__ import annotations

from troposphere import AWSObject, If, NoValue, Parameter, Ref, Template
from troposphere import elasticloadbalancingv2 as elb

from ...config.patterns import CERTIFICATE_ARN
from ...config.routing import RULE_PRIORITIES
from ...regions.availability import PQ_TLS_POLICY
from .parameters import add_optional_parameter, add_parameter_group, with_default
from .scanner_skips import (
    ACCESS_LOGS_BY_PARAMETER,
    CERTIFICATE_BY_PARAMETER,
    DELETION_PROTECTION_BY_PARAMETER,
    HTTP_LISTENER_ONLY_REDIRECTS,
    INTERNET_FACING_LISTENERS,
    REDIRECT_PORT_OPEN,
    accept,
)

HTTP_REDIRECT_PORT = 80
HAS_ACCESS_LOGS = "HasAccessLogs"
LOAD_BALANCER_GROUP = "Load balancer"


def add_certificate_parameter(template: Template, description: str, default: str | None) -> Parameter:
    certificate = Parameter(
        "CertificateArn",
        Type="String",
        Description=description,
        AllowedPattern=CERTIFICATE_ARN.pattern,
        ConstraintDescription="an ACM certificate ARN: arn:<partition>:acm:<region>:<account>:certificate/<id>",
    )
    template.add_parameter(with_default(certificate, default))
    add_parameter_group(template, LOAD_BALANCER_GROUP, {certificate.title: "Certificate ARN"})
    return certificate


def add_deletion_protection_parameter(template: Template, default: bool) -> Parameter:
    deletion_protection = template.add_parameter(
        Parameter(
            "DeletionProtection",
            Type="String",
            Default=str(default).lower(),
            AllowedValues=["true", "false"],
            Description="Protect the load balancer from deletion (set false before deleting the stack)",
        )
    )
    add_parameter_group(template, LOAD_BALANCER_GROUP, {deletion_protection.title: "Deletion protection"})
    return deletion_protection


def add_access_logs(template: Template) -> list:
    """Access logs to a bucket given at deploy time (Security Hub ELB.5); off while the parameter is empty."""
    bucket = add_optional_parameter(
        template,
        "AccessLogsBucket",
        "S3 bucket for load balancer access logs (its policy must allow ELB log delivery); empty for none",
        r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
        "an S3 bucket name",
        HAS_ACCESS_LOGS,
    )
    add_parameter_group(template, LOAD_BALANCER_GROUP, {bucket.title: "Access logs bucket"})
    return [
        elb.LoadBalancerAttributes(Key="access_logs.s3.enabled", Value=If(HAS_ACCESS_LOGS, "true", "false")),
        If(HAS_ACCESS_LOGS, elb.LoadBalancerAttributes(Key="access_logs.s3.bucket", Value=Ref(bucket)), NoValue),
        If(
            HAS_ACCESS_LOGS,
            elb.LoadBalancerAttributes(Key="access_logs.s3.prefix", Value=Ref("AWS::StackName")),
            NoValue,
        ),
    ]


def hardened_alb_attributes() -> list[elb.LoadBalancerAttributes]:
    """Security Hub ELB.4 (drop invalid headers) and ELB.12 (desync mitigation)."""
    return [
        elb.LoadBalancerAttributes(Key="routing.http.drop_invalid_header_fields.enabled", Value="true"),
        elb.LoadBalancerAttributes(Key="routing.http.desync_mitigation_mode", Value="defensive"),
    ]


def skip_access_logs_finding(load_balancer: elb.LoadBalancer) -> elb.LoadBalancer:
    """Also the deletion-protection finding: every load balancer here takes both from parameters."""
    return accept(load_balancer, ACCESS_LOGS_BY_PARAMETER, DELETION_PROTECTION_BY_PARAMETER)


def skip_redirect_port_finding(security_group: AWSObject) -> AWSObject:
    return accept(security_group, REDIRECT_PORT_OPEN, INTERNET_FACING_LISTENERS)


def skip_internet_facing_finding(security_group: AWSObject) -> AWSObject:
    """A load balancer open to every address without the HTTP redirect port (an NLB)."""
    return accept(security_group, INTERNET_FACING_LISTENERS)


def add_http_redirect_listener(template: Template, load_balancer: elb.LoadBalancer, https_port: int) -> elb.Listener:
    """Port 80 answers every request with a 301 to HTTPS (Security Hub ELB.1)."""
    listener = elb.Listener(
        "HttpRedirectListener",
        LoadBalancerArn=Ref(load_balancer),
        Port=HTTP_REDIRECT_PORT,
        Protocol="HTTP",
        DefaultActions=[
            elb.Action(
                Type="redirect",
                RedirectConfig=elb.RedirectConfig(Protocol="HTTPS", Port=str(https_port), StatusCode="HTTP_301"),
            )
        ],
    )
    return template.add_resource(accept(listener, HTTP_LISTENER_ONLY_REDIRECTS))


def use_certificate(listener: elb.Listener, certificate: Parameter) -> elb.Listener:
    listener.Certificates = [elb.Certificate(CertificateArn=Ref(certificate))]
    listener.SslPolicy = PQ_TLS_POLICY
    return accept(listener, CERTIFICATE_BY_PARAMETER)


def priority_parameter(title: str, default: int | None, description: str) -> Parameter:
    """A listener rule priority: 1-50000, asked at deploy time when there is no default."""
    priority = Parameter(
        title, Type="Number", MinValue=RULE_PRIORITIES[0], MaxValue=RULE_PRIORITIES[1], Description=description
    )
    return with_default(priority, default)
