"""CloudFront in front of an internal ALB: a VPC origin pointing at the load balancer over HTTPS, the distribution that
uses it, the parameters they take, and the load balancer's one ingress rule from CloudFront's origin-facing prefix list.

What the CloudFront developer guide asks of a VPC origin ("Restrict access with VPC origins",
https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html): an internet
gateway attached to the VPC (every network here has one), the origin in a private subnet with a free IPv4 address,
and a security group on it that admits CloudFront. The service-managed group CloudFront creates exists only after the
VPC origin, so the load balancer admits the origin-facing prefix list instead ("This can be done before VPC origin
created as well"). That list counts as 55 rules of a group's default 60
(https://docs.aws.amazon.com/vpc/latest/userguide/working-with-aws-managed-prefix-lists.html): one port only.
"""

from __future__ import annotations

from troposphere import GetAtt, If, NoValue, Output, Parameter, Ref, Sub, Template, cloudfront, ec2
from troposphere import elasticloadbalancingv2 as elb

from ... import contract
from ...config.cloudfront import (
    CLOUDFRONT_WEB_ACL_ARN,
    PREFIX_LIST_LOOKUP,
    VIEWER_CERTIFICATE_ARN,
    CloudFrontOptions,
)
from ...config.patterns import PREFIX_LIST_ID
from ...contract import FrontDoorExport
from .parameters import add_optional_parameter, add_parameter_group, with_default
from .security_groups import tcp_rule

CLOUDFRONT_GROUP = "CloudFront"
HAS_WEB_ACL = "HasCloudFrontWebAcl"
HAS_LOGS = "HasDistributionLogs"
ORIGIN_ID = "LoadBalancer"
# Managed policies, the same ID in every account: CachingDisabled (nothing cached: the origin is an application)
# and AllViewer (every header, the viewer's Host among them, every cookie and query string).
# https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html
# https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-origin-request-policies.html
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER = "216adef6-5c7f-47e4-b989-5492eafa07d3"
ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"]
# The VPC origin's OriginSSLProtocols defaults to TLSv1 and SSLv3 (its CloudFormation schema): TLS 1.2 only.
ORIGIN_TLS = ["TLSv1.2"]
VIEWER_TLS_POLICY = "TLSv1.2_2021"
_BUCKET = r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"


def add_origin_prefix_list_parameter(template: Template, options: CloudFrontOptions) -> Parameter:
    """``OriginFacingPrefixListId``: its ID differs between Regions, so it is asked for (or the config's)."""
    parameter = Parameter(
        "OriginFacingPrefixListId",
        Type="String",
        Description="ID of the managed prefix list com.amazonaws.global.cloudfront.origin-facing in this stack's "
        f"Region, the only source the load balancer admits; it differs between Regions: {PREFIX_LIST_LOOKUP}",
        AllowedPattern=PREFIX_LIST_ID.pattern,
        ConstraintDescription="a prefix list ID: pl- and 8 to 17 hexadecimal digits",
    )
    template.add_parameter(with_default(parameter, options.origin_prefix_list))
    add_parameter_group(template, CLOUDFRONT_GROUP, {parameter.title: "CloudFront origin-facing prefix list ID"})
    return parameter


def cloudfront_ingress(port: int, prefix_list: Parameter) -> ec2.SecurityGroupRule:
    return tcp_rule(port, f"HTTPS port {port} from CloudFront only", SourcePrefixListId=Ref(prefix_list))


def add_cloudfront(
    template: Template, options: CloudFrontOptions, load_balancer: elb.LoadBalancer, https_port: int
) -> cloudfront.Distribution:
    """The VPC origin and the distribution in front of ``load_balancer``'s HTTPS listener on ``https_port``."""
    certificate, domain_names, web_acl, logs = _add_parameters(template, options)
    vpc_origin = template.add_resource(
        cloudfront.VpcOrigin(
            "VpcOrigin",
            VpcOriginEndpointConfig=cloudfront.VpcOriginEndpointConfig(
                Name=Ref("AWS::StackName"),
                Arn=Ref(load_balancer),
                HTTPSPort=https_port,
                # HTTPS to the origin: CloudFront checks the load balancer's certificate against the Host it forwards.
                OriginProtocolPolicy="https-only",
                OriginSSLProtocols=ORIGIN_TLS,
            ),
        )
    )
    behavior = cloudfront.DefaultCacheBehavior(
        TargetOriginId=ORIGIN_ID,
        ViewerProtocolPolicy="redirect-to-https",
        AllowedMethods=ALL_METHODS,
        CachedMethods=["GET", "HEAD"],
        CachePolicyId=CACHING_DISABLED,
        # The viewer's Host reaches the load balancer, so its certificate (for the viewers' names) validates.
        OriginRequestPolicyId=ALL_VIEWER,
        Compress=True,
    )
    origin = cloudfront.Origin(
        Id=ORIGIN_ID,
        DomainName=GetAtt(load_balancer, "DNSName"),
        VpcOriginConfig=cloudfront.VpcOriginConfig(VpcOriginId=GetAtt(vpc_origin, "Id")),
    )
    logging = cloudfront.Logging(Bucket=Sub(f"${{{logs.title}}}.s3.amazonaws.com"), Prefix=Sub("${AWS::StackName}/"))
    distribution = template.add_resource(
        cloudfront.Distribution(
            "Distribution",
            DistributionConfig=cloudfront.DistributionConfig(
                Enabled=True,
                Comment=Ref("AWS::StackName"),
                Aliases=Ref(domain_names),
                HttpVersion="http2and3",
                # IPv6 viewers reach CloudFront; the origin stays IPv4 and private.
                IPV6Enabled=True,
                Origins=[origin],
                DefaultCacheBehavior=behavior,
                ViewerCertificate=cloudfront.ViewerCertificate(
                    AcmCertificateArn=Ref(certificate),
                    SslSupportMethod="sni-only",
                    MinimumProtocolVersion=VIEWER_TLS_POLICY,
                ),
                WebACLId=If(HAS_WEB_ACL, Ref(web_acl), NoValue),
                Logging=If(HAS_LOGS, logging, NoValue),
            ),
        )
    )
    return distribution


def add_distribution_outputs(template: Template, distribution: cloudfront.Distribution, export: bool) -> None:
    """The distribution's domain name and ID, as exports of the shared front door or plain outputs of a service."""
    outputs = (
        (
            FrontDoorExport.DISTRIBUTION_DOMAIN_NAME,
            GetAtt(distribution, "DomainName"),
            "Point each of DomainNames here (a CNAME, or Route 53 alias A and AAAA records)",
        ),
        (FrontDoorExport.DISTRIBUTION_ID, Ref(distribution), "CloudFront distribution ID"),
    )
    for key, value, description in outputs:
        if export:
            contract.add_export(template, key, value, description)
        else:
            template.add_output(Output(str(key), Description=description, Value=value))


def _add_parameters(
    template: Template, options: CloudFrontOptions
) -> tuple[Parameter, Parameter, Parameter, Parameter]:
    certificate = Parameter(
        "ViewerCertificateArn",
        Type="String",
        Description="ACM certificate for the viewers' domain names; CloudFront takes it only from us-east-1",
        AllowedPattern=VIEWER_CERTIFICATE_ARN.pattern,
        ConstraintDescription="an ACM certificate ARN in us-east-1: arn:aws:acm:us-east-1:<account>:certificate/<id>",
    )
    template.add_parameter(with_default(certificate, options.viewer_certificate_arn))
    domain_names = Parameter(
        "DomainNames",
        Type="CommaDelimitedList",
        Description="Alternate domain names (CNAMEs) of the distribution, comma-separated; the viewer certificate and "
        "the load balancer's certificate must both cover them",
    )
    template.add_parameter(with_default(domain_names, ",".join(options.domain_names) or None))
    web_acl = add_optional_parameter(
        template,
        "CloudFrontWebAclArn",
        "AWS WAF web ACL of scope CLOUDFRONT (created in us-east-1) for the distribution; empty for none",
        CLOUDFRONT_WEB_ACL_ARN.pattern,
        "a WAFv2 web ACL ARN of scope CLOUDFRONT (arn:aws:wafv2:us-east-1:<account>:global/webacl/...)",
        HAS_WEB_ACL,
    )
    logs = add_optional_parameter(
        template,
        "DistributionLogsBucket",
        "S3 bucket for the distribution's standard logs (ACLs enabled, not in an opt-in Region); empty for none",
        _BUCKET,
        "an S3 bucket name",
        HAS_LOGS,
    )
    labels = {
        certificate.title: "Viewer certificate ARN (us-east-1)",
        domain_names.title: "Domain names",
        web_acl.title: "WAF web ACL ARN (CLOUDFRONT scope)",
        logs.title: "Standard logs bucket",
    }
    add_parameter_group(template, CLOUDFRONT_GROUP, labels)
    return certificate, domain_names, web_acl, logs
