"""VPC endpoints: private paths from the private subnets to ECR, S3, CloudWatch Logs and other AWS APIs."""

from __future__ import annotations

from collections.abc import Sequence

from troposphere import GetAtt, Ref, Sub, Template, ec2

from ..config.network import S3_GATEWAY, NetworkConfig
from .blocks.scanner_skips import ENDPOINTS_ADMIT_THE_VPC, accept
from .blocks.security_groups import no_egress_rule, tcp_rule

HTTPS = 443


def endpoint_service_name(endpoint: str) -> Sub:
    """``com.amazonaws.<region>.<endpoint>``; the Region comes from the stack, never a literal."""
    return Sub(f"com.amazonaws.${{AWS::Region}}.{endpoint}")


def endpoint_title(endpoint: str) -> str:
    """``ecr.api`` -> ``EcrApiEndpoint``: one logical ID per endpoint, derived in one place."""
    return "".join(part.capitalize() for part in endpoint.split(".")) + "Endpoint"


def add_vpc_endpoints(
    template: Template,
    config: NetworkConfig,
    vpc: ec2.VPC,
    private_subnets: Sequence[ec2.Subnet],
    private_route_tables: Sequence[ec2.RouteTable],
) -> None:
    if S3_GATEWAY in config.endpoints:
        # ECR serves image layers from S3: without this gateway a pull through endpoints stops at the manifest.
        template.add_resource(
            ec2.VPCEndpoint(
                "S3GatewayEndpoint",
                VpcEndpointType="Gateway",
                ServiceName=endpoint_service_name(S3_GATEWAY),
                VpcId=Ref(vpc),
                RouteTableIds=[Ref(table) for table in private_route_tables],
            )
        )
    if not config.interface_endpoints:
        return
    security_group = ec2.SecurityGroup(
        "EndpointSecurityGroup",
        GroupDescription="Interface VPC endpoints: HTTPS from inside the VPC only",
        VpcId=Ref(vpc),
        SecurityGroupIngress=[
            tcp_rule(HTTPS, "HTTPS from the VPC to the AWS service endpoints", CidrIp=GetAtt(vpc, "CidrBlock"))
        ],
        # Endpoints only answer: without a rule of its own the group would get AWS's allow-all egress.
        SecurityGroupEgress=[no_egress_rule("No egress: endpoints never open connections")],
    )
    template.add_resource(accept(security_group, ENDPOINTS_ADMIT_THE_VPC))
    for endpoint in config.interface_endpoints:
        template.add_resource(
            ec2.VPCEndpoint(
                endpoint_title(endpoint),
                VpcEndpointType="Interface",
                ServiceName=endpoint_service_name(endpoint),
                VpcId=Ref(vpc),
                # Private DNS makes the service's usual hostname resolve to these ENIs: no client changes.
                PrivateDnsEnabled=True,
                SubnetIds=[Ref(subnet) for subnet in private_subnets],
                SecurityGroupIds=[GetAtt(security_group, "GroupId")],
            )
        )
