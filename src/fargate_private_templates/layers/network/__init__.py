"""The network layer: a VPC whose private subnets reach the internet only through NAT (or not at all)."""

from __future__ import annotations

from dataclasses import dataclass

from awacs.aws import Allow as ALLOW
from awacs.aws import Condition as PolicyCondition
from awacs.aws import (
    ForAnyValueStringLike,
    PolicyDocument,
    Principal,
    Statement,
    StringEquals,
)
from awacs.cloudformation import DescribeStacks
from awacs.sts import AssumeRole
from troposphere import (
    AWSObject,
    Cidr,
    Equals,
    GetAtt,
    GetAZs,
    If,
    Join,
    Not,
    Parameter,
    Ref,
    Select,
    Sub,
    Template,
    ec2,
    ecs,
    iam,
    ram,
)

from ... import contract
from ...config.network import (
    FIRST_PUBLIC_SLOT,
    MAX_AZS,
    NAT_PER_AZ,
    NAT_REGIONAL,
    NAT_SINGLE,
    PRIVATE_SLOT_BITS,
    PUBLIC_SLOT_BITS,
    NetworkConfig,
)
from ...contract import NetworkExport
from ..blocks import iam as policies
from ..blocks.log_groups import add_retained_log_group
from ..blocks.parameters import add_log_retention_parameter, add_parameter_group
from ..blocks.scanner_skips import INLINE_ROLE_POLICY, accept
from ..blocks.tagging import apply_tags
from .endpoints import add_vpc_endpoints

ANYWHERE = "0.0.0.0/0"
AZ_PARAMETER = "AvailabilityZones"
AZS_GIVEN = "AvailabilityZonesGiven"
_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"


def vpc_cidr_pattern(prefix: int) -> str:
    """Only network addresses of the configured prefix (/16 to /21): the subnet plan's ``Fn::Cidr`` bits are fixed
    for it, and EC2 refuses a range with host bits set. So the third octet is a multiple of the block size."""
    step = 2 ** (24 - prefix)
    third = "|".join(str(value) for value in range(0, 256, step)) if step > 1 else _OCTET[1:-1]
    return rf"^{_OCTET}\.{_OCTET}\.({third})\.0/{prefix}$"


@dataclass(frozen=True)
class Zone:
    """The resources of one availability zone, for the layers that wire them together."""

    public_subnet: ec2.Subnet
    private_subnet: ec2.Subnet
    private_route_table: ec2.RouteTable


def build_network(config: NetworkConfig | None = None) -> Template:
    """The network stack: VPC, subnets, gateways, flow logs and the shared ECS cluster, with its exports."""
    config = config or NetworkConfig()
    template = Template(Description=_description(config))
    template.set_version()
    vpc_cidr = _add_vpc_cidr_parameter(template, config)
    _add_availability_zones_parameter(template, config)
    vpc = _add_vpc(template, vpc_cidr)
    internet_gateway, attachment = _add_internet_gateway(template, vpc)
    public_route_table = _add_public_route_table(template, vpc, internet_gateway, attachment)
    zones = _add_zones(template, config, vpc, public_route_table, attachment)
    add_vpc_endpoints(template, config, vpc, [z.private_subnet for z in zones], [z.private_route_table for z in zones])
    if config.flow_logs:
        _add_flow_logs(template, config, vpc)
    cluster = _add_cluster(template)
    if config.fargate_spot:
        _add_fargate_capacity_providers(template, cluster)
    _add_exports(template, config, vpc, zones, cluster)
    if config.share_with:
        _add_subnet_share(template, config, zones)
    if config.output_reader_role:
        _add_output_reader_role(template, config)
    apply_tags(template, config.tags)
    return template


def _description(config: NetworkConfig) -> str:
    egress = {
        NAT_PER_AZ: "one NAT gateway per AZ",
        NAT_SINGLE: "a single NAT gateway",
        NAT_REGIONAL: "a regional NAT gateway",
    }.get(config.nat_mode, "no NAT (isolated private subnets)")
    if config.endpoints:
        egress += f", VPC endpoints ({', '.join(config.endpoints)})"
    return (
        f"fargate-private-templates network: VPC with {config.az_count} public and {config.az_count} private "
        f"subnets, {egress}, and the shared ECS cluster for Fargate tasks with only private IPs"
    )


def _add_vpc_cidr_parameter(template: Template, config: NetworkConfig) -> Parameter:
    parameter = template.add_parameter(
        Parameter(
            "VpcCidr",
            Type="String",
            Default=config.vpc_cidr,
            Description=f"IPv4 range of the VPC; AZ k gets private subnet k of /{config.private_prefix} and public "
            f"subnet k of /{config.public_prefix}, the same for any AZ count",
            AllowedPattern=vpc_cidr_pattern(config.vpc_prefix),
            ConstraintDescription=f"an IPv4 network with a /{config.vpc_prefix} prefix, for example {config.vpc_cidr}",
        )
    )
    add_parameter_group(template, "Network", {parameter.title: "VPC CIDR range"})
    return parameter


def _add_availability_zones_parameter(template: Template, config: NetworkConfig) -> Parameter:
    # A CommaDelimitedList, not List<AWS::EC2::AvailabilityZone::Name>: CloudFormation checks that values of
    # AWS-specific types exist in the account and Region, so that type cannot default to "none given" (README).
    parameter = template.add_parameter(
        Parameter(
            AZ_PARAMETER,
            Type="CommaDelimitedList",
            Default="",
            Description=f"Availability Zone names for AZ 1 to {config.az_count}, in order, comma-separated; empty "
            "for the Region's first ones (Fn::GetAZs). Keep the order once deployed: AZ k stays AZ k",
        )
    )
    template.add_condition(AZS_GIVEN, Not(Equals(Join("", Ref(parameter)), "")))
    add_parameter_group(template, "Network", {parameter.title: "Availability Zones"})
    return parameter


def _zone_name(index: int) -> If:
    return If(AZS_GIVEN, Select(index, Ref(AZ_PARAMETER)), Select(index, GetAZs("")))


def _add_vpc(template: Template, vpc_cidr: Parameter) -> ec2.VPC:
    # DNS support and hostnames are what interface endpoints' private DNS and ECR's hostnames need.
    return template.add_resource(
        ec2.VPC("VPC", CidrBlock=Ref(vpc_cidr), EnableDnsSupport=True, EnableDnsHostnames=True)
    )


def _add_internet_gateway(template: Template, vpc: ec2.VPC) -> tuple[ec2.InternetGateway, AWSObject]:
    internet_gateway = template.add_resource(ec2.InternetGateway("InternetGateway"))
    attachment = template.add_resource(
        ec2.VPCGatewayAttachment("GatewayAttachment", VpcId=Ref(vpc), InternetGatewayId=Ref(internet_gateway))
    )
    return internet_gateway, attachment


def _add_public_route_table(
    template: Template, vpc: ec2.VPC, internet_gateway: ec2.InternetGateway, attachment: AWSObject
) -> ec2.RouteTable:
    public_route_table = template.add_resource(ec2.RouteTable("PublicRouteTable", VpcId=Ref(vpc)))
    template.add_resource(
        ec2.Route(
            "PublicDefaultRoute",
            DependsOn=attachment.title,
            RouteTableId=Ref(public_route_table),
            DestinationCidrBlock=ANYWHERE,
            GatewayId=Ref(internet_gateway),
        )
    )
    return public_route_table


def _subnet_cidr(config: NetworkConfig, vpc: ec2.VPC, tier: str, zone_index: int) -> Select:
    """AZ ``zone_index``'s fixed slot (config.subnet_plan): the blocks are counted for MAX_AZS, never az_count, so
    adding an AZ leaves every existing subnet where it is. Blocks of the VPC's own range cannot leave it."""
    if tier == "public":
        slot_bits, index = PUBLIC_SLOT_BITS, FIRST_PUBLIC_SLOT + zone_index
    else:
        slot_bits, index = PRIVATE_SLOT_BITS, zone_index
    host_bits = 32 - config.vpc_prefix - slot_bits
    count = FIRST_PUBLIC_SLOT + MAX_AZS if tier == "public" else MAX_AZS
    return Select(index, Cidr(GetAtt(vpc, "CidrBlock"), count, host_bits))


def _add_subnet(
    template: Template,
    config: NetworkConfig,
    vpc: ec2.VPC,
    tier: str,
    zone_index: int,
    route_table: ec2.RouteTable,
) -> ec2.Subnet:
    title = f"{tier.capitalize()}Subnet{zone_index + 1}"
    subnet = template.add_resource(
        ec2.Subnet(
            title,
            VpcId=Ref(vpc),
            AvailabilityZone=_zone_name(zone_index),
            CidrBlock=_subnet_cidr(config, vpc, tier, zone_index),
            # Public subnets too: the load balancer and NAT gateways bring their own addresses.
            MapPublicIpOnLaunch=False,
        )
    )
    template.add_resource(
        ec2.SubnetRouteTableAssociation(
            f"{title}RouteTableAssociation", SubnetId=Ref(subnet), RouteTableId=Ref(route_table)
        )
    )
    return subnet


def _add_zonal_nat_gateway(
    template: Template, title: str, public_subnet: ec2.Subnet, attachment: AWSObject
) -> ec2.NatGateway:
    # An EIP can only be associated once the VPC has its internet gateway.
    eip = template.add_resource(ec2.EIP(f"{title}Eip", Domain="vpc", DependsOn=attachment.title))
    return template.add_resource(
        ec2.NatGateway(title, AllocationId=GetAtt(eip, "AllocationId"), SubnetId=Ref(public_subnet))
    )


def _add_regional_nat_gateway(template: Template, vpc: ec2.VPC, attachment: AWSObject) -> ec2.NatGateway:
    # Regional mode allocates its own addresses in each AZ where the VPC has workloads.
    return template.add_resource(
        ec2.NatGateway(
            "RegionalNatGateway",
            DependsOn=attachment.title,
            AvailabilityMode="regional",
            ConnectivityType="public",
            VpcId=Ref(vpc),
        )
    )


def _add_zones(
    template: Template,
    config: NetworkConfig,
    vpc: ec2.VPC,
    public_route_table: ec2.RouteTable,
    attachment: AWSObject,
) -> list[Zone]:
    shared_nat = _add_regional_nat_gateway(template, vpc, attachment) if config.nat_mode == NAT_REGIONAL else None
    zones = []
    for index in range(config.az_count):
        number = index + 1
        public_subnet = _add_subnet(template, config, vpc, "public", index, public_route_table)
        if config.nat_mode == NAT_PER_AZ:
            nat = _add_zonal_nat_gateway(template, f"NatGateway{number}", public_subnet, attachment)
        elif config.nat_mode == NAT_SINGLE and shared_nat is None:
            shared_nat = _add_zonal_nat_gateway(template, "NatGateway", public_subnet, attachment)
            nat = shared_nat
        else:
            nat = shared_nat
        private_route_table = template.add_resource(ec2.RouteTable(f"PrivateRouteTable{number}", VpcId=Ref(vpc)))
        private_subnet = _add_subnet(template, config, vpc, "private", index, private_route_table)
        if nat is not None:
            template.add_resource(
                ec2.Route(
                    f"PrivateDefaultRoute{number}",
                    RouteTableId=Ref(private_route_table),
                    DestinationCidrBlock=ANYWHERE,
                    NatGatewayId=Ref(nat),
                )
            )
        zones.append(Zone(public_subnet, private_subnet, private_route_table))
    return zones


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


def _subnet_arn(subnet: ec2.Subnet) -> Sub:
    return policies.arn("ec2", f"subnet/${{{subnet.title}}}")


def _add_subnet_share(template: Template, config: NetworkConfig, zones: list[Zone]) -> ram.ResourceShare:
    """Shares every subnet through AWS RAM: the workload accounts' load balancers go in the public ones, their
    tasks in the private ones. Only inside the organization, as VPC sharing requires."""
    return template.add_resource(
        ram.ResourceShare(
            "SubnetShare",
            Name=Sub("${AWS::StackName}-subnets"),
            ResourceArns=[_subnet_arn(s) for z in zones for s in (z.public_subnet, z.private_subnet)],
            Principals=list(config.share_with),
            AllowExternalPrincipals=False,
        )
    )


def _reader_trust(config: NetworkConfig) -> PolicyDocument:
    """The shared accounts (their roots delegate to their own IAM, e.g. a stack's execution role), and the
    accounts of a shared organization or OU through the caller's organization ID or path."""
    statements = []
    if config.account_principals:
        accounts = [Sub(f"arn:${{AWS::Partition}}:iam::{account}:root") for account in config.account_principals]
        statements.append(
            Statement(Sid="SharedAccounts", Effect=ALLOW, Principal=Principal("AWS", accounts), Action=[AssumeRole])
        )
    if config.organization_ids:
        statements.append(
            Statement(
                Sid="SharedOrganization",
                Effect=ALLOW,
                Principal=Principal("AWS", "*"),
                Action=[AssumeRole],
                Condition=PolicyCondition(StringEquals("aws:PrincipalOrgID", list(config.organization_ids))),
            )
        )
    if config.organization_unit_paths:
        statements.append(
            Statement(
                Sid="SharedOrganizationalUnits",
                Effect=ALLOW,
                Principal=Principal("AWS", "*"),
                Action=[AssumeRole],
                Condition=PolicyCondition(
                    ForAnyValueStringLike("aws:PrincipalOrgPaths", list(config.organization_unit_paths))
                ),
            )
        )
    return PolicyDocument(Version="2012-10-17", Statement=statements)


def _add_output_reader_role(template: Template, config: NetworkConfig) -> iam.Role:
    """What Fn::GetStackOutput's RoleArn needs in the network account: DescribeStacks on this stack, nothing else."""
    role = template.add_resource(
        iam.Role(
            "OutputReaderRole",
            AssumeRolePolicyDocument=_reader_trust(config),
            Policies=[
                iam.Policy(
                    PolicyName="read-network-outputs",
                    PolicyDocument=policies.policy(
                        policies.allow(
                            (DescribeStacks,),
                            policies.arn("cloudformation", "stack/${AWS::StackName}/*"),
                            "DescribeThisStack",
                        )
                    ),
                )
            ],
        )
    )
    accept(role, INLINE_ROLE_POLICY)
    contract.add_export(
        template,
        NetworkExport.OUTPUT_READER_ROLE_ARN,
        GetAtt(role, "Arn"),
        "Role the shared accounts give as Fn::GetStackOutput's RoleArn to read these outputs",
    )
    return role


def _add_fargate_capacity_providers(
    template: Template, cluster: ecs.Cluster
) -> ecs.ClusterCapacityProviderAssociations:
    """Associates Fargate and Fargate Spot with the cluster, for services that place tasks with a capacity-provider
    strategy. Tasks started without a strategy or a launch type stay on on-demand Fargate. Providers must be
    associated with the cluster before a service can use them:
    https://docs.aws.amazon.com/AmazonECS/latest/userguide/fargate-capacity-providers.html"""
    return template.add_resource(
        ecs.ClusterCapacityProviderAssociations(
            "ClusterCapacityProviders",
            Cluster=Ref(cluster),
            CapacityProviders=["FARGATE", "FARGATE_SPOT"],
            DefaultCapacityProviderStrategy=[ecs.CapacityProviderStrategy(CapacityProvider="FARGATE", Weight=1)],
        )
    )
