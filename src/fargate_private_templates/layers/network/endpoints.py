"""VPC endpoints: private paths from the private subnets to ECR, S3, CloudWatch Logs and other AWS APIs."""

from __future__ import annotations

from collections.abc import Sequence

from troposphere import AWSHelperFn, Equals, GetAtt, If, Or, Ref, Sub, Template, ec2

from ...config.network import S3_GATEWAY, NetworkConfig
from ...regions.partitions import COMMERCIAL_PREFIX, prefix_regions
from ..blocks.scanner_skips import ENDPOINTS_ADMIT_THE_VPC, NO_EGRESS_PLACEHOLDER, accept
from ..blocks.security_groups import no_egress_rule, tcp_rule

HTTPS = 443


def endpoint_service_name(template: Template, endpoint: str, interface: bool = True) -> AWSHelperFn:
    """``com.amazonaws.<region>.<endpoint>``, or the prefix the Region's table row gives (``cn.com.amazonaws`` for
    ECR in China), chosen in the template by a condition on ``AWS::Region``: one template for every partition."""
    name: AWSHelperFn = _service_name(COMMERCIAL_PREFIX, endpoint)
    for prefix, regions in prefix_regions(endpoint, interface).items():
        name = If(_region_condition(template, regions), _service_name(prefix, endpoint), name)
    return name


def _service_name(prefix: str, endpoint: str) -> Sub:
    # The Region comes from the stack, never a literal.
    return Sub(f"{prefix}.${{AWS::Region}}.{endpoint}")


def _region_condition(template: Template, regions: tuple[str, ...]) -> str:
    """A condition true in exactly these Regions, added once per set: ``InCnNorth1OrCnNorthwest1``."""
    title = "In" + "Or".join("".join(part.capitalize() for part in region.split("-")) for region in regions)
    if title not in template.conditions:
        tests = [Equals(Ref("AWS::Region"), region) for region in regions]
        template.add_condition(title, tests[0] if len(tests) == 1 else Or(*tests))
    return title


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
                ServiceName=endpoint_service_name(template, S3_GATEWAY, interface=False),
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
    template.add_resource(accept(security_group, ENDPOINTS_ADMIT_THE_VPC, NO_EGRESS_PLACEHOLDER))
    for endpoint in config.interface_endpoints:
        template.add_resource(
            ec2.VPCEndpoint(
                endpoint_title(endpoint),
                VpcEndpointType="Interface",
                ServiceName=endpoint_service_name(template, endpoint),
                VpcId=Ref(vpc),
                # Private DNS makes the service's usual hostname resolve to these ENIs: no client changes.
                PrivateDnsEnabled=True,
                SubnetIds=[Ref(subnet) for subnet in private_subnets],
                SecurityGroupIds=[GetAtt(security_group, "GroupId")],
            )
        )
