"""The network layer: a VPC whose private subnets reach the internet only through NAT (or not at all)."""

from __future__ import annotations

from troposphere import AWSObject, GetAtt, Join, Ref, Template, ec2, ecs, iam

from ... import contract
from ...config.network import NAT_PER_AZ, NAT_REGIONAL, NAT_SINGLE, NetworkConfig
from ...contract import NetworkExport
from ..blocks import iam as policies
from ..blocks.capacity import add_capacity_provider_associations
from ..blocks.log_groups import add_retained_log_group
from ..blocks.parameters import add_log_retention_parameter
from ..blocks.scanner_skips import INLINE_ROLE_POLICY, accept
from ..blocks.tagging import apply_tags
from .endpoints import add_vpc_endpoints
from .ipv6 import add_egress_only_gateway, add_ipv6_block, add_public_ipv6_route
from .sharing import add_output_reader_role, add_subnet_share
from .zones import (
    Ipv6,
    Zone,
    add_availability_zones_parameter,
    add_internet_gateway,
    add_public_route_table,
    add_vpc,
    add_vpc_cidr_parameter,
    add_zones,
    vpc_cidr_pattern,
)


def build_network(config: NetworkConfig | None = None) -> Template:
    """The network stack: VPC, subnets, gateways, flow logs and the shared ECS cluster, with its exports."""
    config = config or NetworkConfig()
    template = Template(Description=_description(config))
    template.set_version()
    vpc_cidr = add_vpc_cidr_parameter(template, config)
    add_availability_zones_parameter(template, config)
    vpc = add_vpc(template, vpc_cidr)
    internet_gateway, attachment = add_internet_gateway(template, vpc)
    public_route_table = add_public_route_table(template, vpc, internet_gateway, attachment)
    ipv6 = _add_ipv6(template, config, vpc, public_route_table, internet_gateway, attachment)
    zones = add_zones(template, config, vpc, public_route_table, attachment, ipv6)
    add_vpc_endpoints(template, config, vpc, [z.private_subnet for z in zones], [z.private_route_table for z in zones])
    if config.flow_logs:
        _add_flow_logs(template, config, vpc)
    cluster = _add_cluster(template)
    add_capacity_provider_associations(template, cluster)
    _add_exports(template, config, vpc, zones, cluster)
    if config.share_with:
        add_subnet_share(template, config, zones)
    if config.output_reader_role:
        add_output_reader_role(template, config)
    apply_tags(template, config.tags)
    return template


def _add_ipv6(
    template: Template,
    config: NetworkConfig,
    vpc: ec2.VPC,
    public_route_table: ec2.RouteTable,
    internet_gateway: ec2.InternetGateway,
    attachment: AWSObject,
) -> Ipv6 | None:
    if not config.ipv6:
        return None
    block = add_ipv6_block(template, vpc)
    add_public_ipv6_route(template, public_route_table, internet_gateway, attachment)
    return Ipv6(block, add_egress_only_gateway(template, vpc) if config.ipv6_egress else None)


def _description(config: NetworkConfig) -> str:
    egress = {
        NAT_PER_AZ: "one NAT gateway per AZ",
        NAT_SINGLE: "a single NAT gateway",
        NAT_REGIONAL: "a regional NAT gateway",
    }.get(config.nat_mode, "no NAT (isolated private subnets)")
    if config.endpoints:
        egress += f", VPC endpoints ({', '.join(config.endpoints)})"
    if config.ipv6:
        egress += ", IPv6 in the public subnets" + (
            " and IPv6 egress from the private ones (egress-only gateway)" if config.ipv6_egress else ""
        )
    return (
        f"fargate-private-templates network: VPC with {config.az_count} public and {config.az_count} private "
        f"subnets, {egress}, and the shared ECS cluster for Fargate tasks with only private IPs"
    )


def _add_flow_logs(template: Template, config: NetworkConfig, vpc: ec2.VPC) -> None:
    retention = add_log_retention_parameter(
        template,
        "FlowLogRetentionInDays",
        config.flow_log_retention_days,
        "Days to keep VPC flow logs in CloudWatch Logs",
        "Flow logs",
        "Flow log retention (days)",
    )
    # Flow logs are audit evidence: kept when the stack goes.
    log_group = add_retained_log_group(template, "FlowLogGroup", retention)
    role = template.add_resource(
        iam.Role(
            "FlowLogRole",
            AssumeRolePolicyDocument=policies.service_trust(
                "vpc-flow-logs.amazonaws.com", source_account_condition=True
            ),
            Policies=[
                iam.Policy(
                    PolicyName="deliver-flow-logs",
                    PolicyDocument=policies.policy(
                        policies.allow(
                            policies.FLOW_LOG_DELIVERY_ACTIONS,
                            GetAtt(log_group, "Arn"),
                            "WriteToFlowLogGroup",
                        )
                    ),
                )
            ],
        )
    )
    accept(role, INLINE_ROLE_POLICY)
    template.add_resource(
        ec2.FlowLog(
            "FlowLog",
            ResourceId=Ref(vpc),
            ResourceType="VPC",
            TrafficType="ALL",
            LogDestinationType="cloud-watch-logs",
            LogGroupName=Ref(log_group),
            DeliverLogsPermissionArn=GetAtt(role, "Arn"),
        )
    )


def _add_cluster(template: Template) -> ecs.Cluster:
    # Unnamed: CloudFormation names it, so no rename ever forces a replacement.
    return template.add_resource(
        ecs.Cluster("Cluster", ClusterSettings=[ecs.ClusterSetting(Name="containerInsights", Value="enabled")])
    )


def _add_exports(
    template: Template, config: NetworkConfig, vpc: ec2.VPC, zones: list[Zone], cluster: ecs.Cluster
) -> None:
    add = contract.add_export
    add(template, NetworkExport.VPC_ID, Ref(vpc), "VPC ID")
    add(template, NetworkExport.VPC_CIDR, GetAtt(vpc, "CidrBlock"), "VPC IPv4 CIDR range")
    add(
        template,
        NetworkExport.PUBLIC_SUBNET_IDS,
        Join(contract.LIST_SEPARATOR, [Ref(z.public_subnet) for z in zones]),
        "Public subnet IDs, comma-separated (load balancers)",
    )
    add(
        template,
        NetworkExport.PRIVATE_SUBNET_IDS,
        Join(contract.LIST_SEPARATOR, [Ref(z.private_subnet) for z in zones]),
        "Private subnet IDs, comma-separated (Fargate tasks)",
    )
    add(
        template,
        NetworkExport.PRIVATE_ROUTE_TABLE_IDS,
        Join(contract.LIST_SEPARATOR, [Ref(z.private_route_table) for z in zones]),
        "Private route table IDs, comma-separated",
    )
    for number, zone in enumerate(zones, start=1):
        add(
            template,
            contract.subnet_key("public", number),
            Ref(zone.public_subnet),
            f"Public subnet {number}",
        )
        add(
            template,
            contract.subnet_key("private", number),
            Ref(zone.private_subnet),
            f"Private subnet {number}",
        )
    add(template, NetworkExport.EGRESS_MODE, config.nat_mode, "NAT mode: per_az, single, regional or none")
    add(
        template,
        NetworkExport.VPC_ENDPOINTS,
        contract.LIST_SEPARATOR.join(config.endpoints) or contract.NO_ENDPOINTS,
        "VPC endpoints in the VPC, comma-separated (none if there are none)",
    )
    add(template, NetworkExport.CLUSTER_NAME, Ref(cluster), "ECS cluster name")
    add(template, NetworkExport.CLUSTER_ARN, GetAtt(cluster, "Arn"), "ECS cluster ARN")


__all__ = ["Zone", "build_network", "vpc_cidr_pattern"]
