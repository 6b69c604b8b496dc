"""The shared front door: one ALB for many services. HTTPS answers a fixed 404 until a service's listener rule claims
a host or path; HTTP only redirects. Services attach themselves (``load_balancer.kind = "shared"``): the front door
exports its listener and security group and never needs to know them. With ``kind = "cloudfront"`` the ALB is
internal, admits only CloudFront's origin-facing prefix list, and a distribution reaches it through a VPC origin
(CloudFront redirects viewers to HTTPS itself, so there is no HTTP listener)."""

from __future__ import annotations

import ipaddress

from troposphere import GetAtt, Parameter, Ref, Template, ec2, wafv2
from troposphere import elasticloadbalancingv2 as elb

from .. import contract
from ..config.cloudfront import CLOUDFRONT
from ..config.front_door import FrontDoorConfig
from ..contract import DEFAULT_NETWORK_STACK, NETWORK_STACK_PARAMETER, FrontDoorExport, NetworkImports
from .blocks.cloudfront import (
    add_cloudfront,
    add_distribution_outputs,
    add_origin_prefix_list_parameter,
    cloudfront_ingress,
)
from .blocks.load_balancers import (
    HTTP_REDIRECT_PORT,
    LOAD_BALANCER_GROUP,
    add_access_logs,
    add_certificate_parameter,
    add_deletion_protection_parameter,
    add_http_redirect_listener,
    hardened_alb_attributes,
    skip_access_logs_finding,
    skip_redirect_port_finding,
    use_certificate,
)
from .blocks.parameters import add_optional_parameter, add_parameter_group
from .blocks.scanner_skips import NO_EGRESS_PLACEHOLDER, accept
from .blocks.security_groups import no_egress_rule, tcp_rule
from .blocks.tagging import apply_tags

HTTPS_PORT = 443
HAS_WEB_ACL = "HasWebAcl"
WEB_ACL_ARN = (
    r"^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:\d{12}:regional/webacl/[A-Za-z0-9_-]{1,128}/[0-9a-f-]{36}$"  # regional ACLs only
)


def build_front_door(config: FrontDoorConfig | None = None, *, network_stack: str = DEFAULT_NETWORK_STACK) -> Template:
    """The front-door stack, reading the network stack's exports through ``NetworkStackName`` (default
    ``network_stack``)."""
    config = config or FrontDoorConfig()
    template = Template(Description=_description(config))
    template.set_version()
    network = NetworkImports(template, network_stack)
    add_parameter_group(template, "Network stack", {NETWORK_STACK_PARAMETER: "Network stack name"})
    certificate = add_certificate_parameter(
        template,
        "Default ACM certificate of the HTTPS listener, in this stack's Region (services add their own for SNI)",
        config.certificate_arn,
    )
    deletion_protection = add_deletion_protection_parameter(template, config.deletion_protection)
    behind_cloudfront = config.kind == CLOUDFRONT
    # Behind CloudFront the web ACL belongs to the distribution (CloudFrontWebAclArn), not the load balancer.
    web_acl = None if behind_cloudfront else _add_web_acl_parameter(template)
    prefix_list = add_origin_prefix_list_parameter(template, config.cloudfront) if behind_cloudfront else None
    security_group = _add_security_group(template, config, network, prefix_list)
    load_balancer = _add_load_balancer(template, config, network, security_group, deletion_protection)
    if not behind_cloudfront:
        add_http_redirect_listener(template, load_balancer, HTTPS_PORT)
    https_listener = _add_https_listener(template, load_balancer, certificate)
    if web_acl is not None:
        template.add_resource(
            wafv2.WebACLAssociation(
                "WebAclAssociation", Condition=HAS_WEB_ACL, ResourceArn=Ref(load_balancer), WebACLArn=Ref(web_acl)
            )
        )
    _add_exports(template, load_balancer, https_listener, security_group)
    if behind_cloudfront:
        distribution = add_cloudfront(template, config.cloudfront, load_balancer, HTTPS_PORT)
        add_distribution_outputs(template, distribution, export=True)
    apply_tags(template, config.tags)
    return template


def _description(config: FrontDoorConfig) -> str:
    if config.kind == CLOUDFRONT:
        where = "internal, in the network stack's private subnets, behind CloudFront (a VPC origin),"
    elif config.internal:
        where = "internal, in the network stack's private subnets"
    else:
        where = "in its public subnets"
    return (
        f"fargate-private-templates front door: one ALB {where} for many Fargate services with only private IPs; "
        "each service stack attaches its own listener rule"
    )


def _add_web_acl_parameter(template: Template) -> Parameter:
    web_acl = add_optional_parameter(
        template,
        "WebAclArn",
        "AWS WAF web ACL (regional) to associate with the load balancer; empty for none",
        WEB_ACL_ARN,
        "a regional WAFv2 web ACL ARN",
        HAS_WEB_ACL,
    )
    add_parameter_group(template, LOAD_BALANCER_GROUP, {web_acl.title: "WAF web ACL ARN"})
    return web_acl


def _ingress(config: FrontDoorConfig, prefix_list: Parameter | None) -> list[ec2.SecurityGroupRule]:
    """Behind CloudFront, its origin-facing prefix list alone; otherwise the allow-list, each range in its family."""
    if prefix_list is not None:
        return [cloudfront_ingress(HTTPS_PORT, prefix_list)]
    ports = (HTTPS_PORT, HTTP_REDIRECT_PORT)
    return [
        tcp_rule(port, f"Listener port {port} from {cidr}", **{_cidr_key(cidr): cidr})
        for cidr in config.allowed_cidrs
        for port in ports
    ] + [
        # HTTPS only: a referenced prefix list counts as its max entries against the group's rule quota (CloudFront's
        # origin-facing list as 55 of the default 60), so a second rule for the redirect port would not fit.
        tcp_rule(
            HTTPS_PORT, f"Listener port {HTTPS_PORT} from prefix list {prefix_list}", SourcePrefixListId=prefix_list
        )
        for prefix_list in config.allowed_prefix_lists
    ]


def _cidr_key(cidr: str) -> str:
    return "CidrIpv6" if ipaddress.ip_network(cidr).version == 6 else "CidrIp"


def _add_security_group(
    template: Template, config: FrontDoorConfig, network: NetworkImports, prefix_list: Parameter | None
) -> ec2.SecurityGroup:
    security_group = ec2.SecurityGroup(
        "LoadBalancerSecurityGroup",
        GroupDescription="Shared front door: the listener ports from the allowed sources; egress only to the "
        "services that attach themselves",
        VpcId=network.vpc_id,
        SecurityGroupIngress=_ingress(config, prefix_list),
        # The services' stacks add one egress rule each, to their own container port.
        SecurityGroupEgress=[no_egress_rule("No egress until a service adds its own")],
    )
    if config.open_to_anywhere and prefix_list is None:
        skip_redirect_port_finding(security_group)
    return template.add_resource(accept(security_group, NO_EGRESS_PLACEHOLDER))


def _add_load_balancer(
    template: Template,
    config: FrontDoorConfig,
    network: NetworkImports,
    security_group: ec2.SecurityGroup,
    deletion_protection: Parameter,
) -> elb.LoadBalancer:
    attributes = [
        elb.LoadBalancerAttributes(Key="deletion_protection.enabled", Value=Ref(deletion_protection)),
        *hardened_alb_attributes(),
        *add_access_logs(template),
    ]
    # Unnamed: a load balancer's name is fixed at creation, so renaming would replace it (and its DNS name).
    load_balancer = elb.LoadBalancer(
        "LoadBalancer",
        Type="application",
        Scheme="internal" if config.is_internal else "internet-facing",
        IpAddressType=config.ip_address_type,
        Subnets=network.private_subnet_ids if config.is_internal else network.public_subnet_ids,
        SecurityGroups=[GetAtt(security_group, "GroupId")],
        LoadBalancerAttributes=attributes,
    )
    return template.add_resource(skip_access_logs_finding(load_balancer))


def _add_https_listener(template: Template, load_balancer: elb.LoadBalancer, certificate: Parameter) -> elb.Listener:
    # Requests no service claims get a plain 404, never a default service.
    not_found = elb.Action(
        Type="fixed-response",
        FixedResponseConfig=elb.FixedResponseConfig(
            StatusCode="404", ContentType="text/plain", MessageBody="No service answers this host and path"
        ),
    )
    listener = elb.Listener(
        "HttpsListener",
        LoadBalancerArn=Ref(load_balancer),
        Port=HTTPS_PORT,
        Protocol="HTTPS",
        DefaultActions=[not_found],
    )
    return template.add_resource(use_certificate(listener, certificate))


def _add_exports(
    template: Template,
    load_balancer: elb.LoadBalancer,
    https_listener: elb.Listener,
    security_group: ec2.SecurityGroup,
) -> None:
    add = contract.add_export
    add(template, FrontDoorExport.HTTPS_LISTENER_ARN, Ref(https_listener), "HTTPS listener that services add rules to")
    add(
        template,
        FrontDoorExport.LOAD_BALANCER_SECURITY_GROUP_ID,
        GetAtt(security_group, "GroupId"),
        "Load balancer security group: services admit it on their container port",
    )
    add(
        template,
        FrontDoorExport.LOAD_BALANCER_FULL_NAME,
        GetAtt(load_balancer, "LoadBalancerFullName"),
        "Load balancer full name, for request-count scaling (ALBRequestCountPerTarget)",
    )
    add(
        template,
        FrontDoorExport.LOAD_BALANCER_DNS_NAME,
        GetAtt(load_balancer, "DNSName"),
        "Point each service's host name here (an alias record)",
    )
    add(
        template,
        FrontDoorExport.LOAD_BALANCER_HOSTED_ZONE_ID,
        GetAtt(load_balancer, "CanonicalHostedZoneID"),
        "Hosted zone of the load balancer, for Route 53 alias records",
    )


# The name before "front door" became the one word for the shared load balancer; kept for existing callers.
build_ingress = build_front_door
