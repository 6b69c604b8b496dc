"""The shared front door: one ALB for many services. HTTPS answers a fixed 404 until a service's listener rule claims
a host or path; HTTP only redirects. Services attach themselves (``load_balancer.kind = "shared"``): the front door
exports its listener and security group and never needs to know them."""

from __future__ import annotations

from troposphere import GetAtt, Parameter, Ref, Template, ec2, wafv2
from troposphere import elasticloadbalancingv2 as elb

from .. import contract
from ..config.front_door import FrontDoorConfig
from ..contract import DEFAULT_NETWORK_STACK, NETWORK_STACK_PARAMETER, FrontDoorExport, NetworkImports
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
    web_acl = _add_web_acl_parameter(template)
    security_group = _add_security_group(template, config, network)
    load_balancer = _add_load_balancer(template, config, network, security_group, deletion_protection)
    add_http_redirect_listener(template, load_balancer, HTTPS_PORT)
    https_listener = _add_https_listener(template, load_balancer, certificate)
    template.add_resource(
        wafv2.WebACLAssociation(
            "WebAclAssociation", Condition=HAS_WEB_ACL, ResourceArn=Ref(load_balancer), WebACLArn=Ref(web_acl)
        )
    )
    _add_exports(template, load_balancer, https_listener, security_group)
    apply_tags(template, config.tags)
    return template


def _description(config: FrontDoorConfig) -> str:
    where = "internal, in the network stack's private subnets" if config.internal else "in its public subnets"
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


def _add_security_group(template: Template, config: FrontDoorConfig, network: NetworkImports) -> ec2.SecurityGroup:
    ports = (HTTPS_PORT, HTTP_REDIRECT_PORT)
    ingress = [
        tcp_rule(port, f"Listener port {port} from {cidr}", CidrIp=cidr)
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
    security_group = ec2.SecurityGroup(
        "LoadBalancerSecurityGroup",
        GroupDescription="Shared front door: the listener ports from the allowed sources; egress only to the "
        "services that attach themselves",
        VpcId=network.vpc_id,
        SecurityGroupIngress=ingress,
        # The services' stacks add one egress rule each, to their own container port.
        SecurityGroupEgress=[no_egress_rule("No egress until a service adds its own")],
    )
    if config.open_to_anywhere:
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
        Scheme="internal" if config.internal else "internet-facing",
        IpAddressType="ipv4",
        Subnets=network.private_subnet_ids if config.internal else network.public_subnet_ids,
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
