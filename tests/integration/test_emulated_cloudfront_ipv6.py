"""examples/dual-stack.toml and examples/cloudfront.toml, as rendered (their golden files), deployed into emulated AWS
(moto, in-process, fake credentials).

Shims: those of tests/emulated_aws.py, with the IPv6 and CloudFront ones of tests/emulated_ipv6_cloudfront.py (its
docstring lists them and what is left out: CloudFront serves nothing here; the VPC origin and the distribution are
recorded, their references to the load balancer and to each other checked). Beyond the gaps tests/integration/
test_emulated_deploy.py lists (an ECS service's network configuration, a security group's inline egress, Application
Auto Scaling), moto's load balancers take no ``dualstack-without-public-ipv4``, which the examples do not use.
"""

from __future__ import annotations

import ipaddress
from typing import Any

import boto3
import pytest
from conftest import ROOT
from emulated_aws import KNOWN_GAP_WARNINGS
from emulated_aws import assert_status as _assert_status
from emulated_aws import create_stack as _create
from emulated_aws import delete_network as _delete_network
from emulated_aws import physical_ids as _physical_ids
from emulated_aws import stack_exports as _exports
from emulated_ipv6_cloudfront import Distribution, VpcOrigin

pytestmark = [
    *KNOWN_GAP_WARNINGS,
    pytest.mark.filterwarnings("ignore:Tried to parse AWS..EC2..SecurityGroupEgress:UserWarning"),
]
GOLDEN = ROOT / "tests" / "golden" / "examples"
LOAD_BALANCER = "AWS::ElasticLoadBalancingV2::LoadBalancer"
VIEWER_CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"
# The documented lookup of the origin-facing prefix list (docs/front-door.md), as the deploy would run it.
ORIGIN_FACING = "com.amazonaws.global.cloudfront.origin-facing"


def _delete(cfn: Any, *stack_ids: str) -> None:
    for stack_id in stack_ids:
        cfn.delete_stack(StackName=stack_id)
        _assert_status(cfn, stack_id, "DELETE_COMPLETE")


def _routes(ec2: Any, subnet_id: str) -> list[dict]:
    tables = ec2.describe_route_tables(Filters=[{"Name": "association.subnet-id", "Values": [subnet_id]}])
    (table,) = tables["RouteTables"]
    return table["Routes"]


def _ipv6_target(routes: list[dict]) -> str | None:
    found = [r for r in routes if r.get("DestinationIpv6CidrBlock") == "::/0"]
    return (found[0].get("GatewayId") or found[0].get("EgressOnlyInternetGatewayId")) if found else None


def _subnets(ec2: Any, exports: dict[str, str], key: str) -> list[dict]:
    return ec2.describe_subnets(SubnetIds=exports[key].split(","))["Subnets"]


def _load_balancer(aws: boto3.Session, stack_id: str) -> dict:
    arns = list(_physical_ids(aws.client("cloudformation"), stack_id, LOAD_BALANCER).values())
    (balancer,) = aws.client("elbv2").describe_load_balancers(LoadBalancerArns=arns)["LoadBalancers"]
    return balancer


def test_dual_stack_example_deploys_ipv6_for_the_load_balancer_and_egress_only_ipv6_for_the_tasks(
    aws: boto3.Session, certificate_arn: str
) -> None:
    cfn, ec2 = aws.client("cloudformation"), aws.client("ec2")
    network_id = _create(cfn, "ds-network", GOLDEN / "dual-stack" / "network.yaml", {})
    exports = {k.removeprefix("ds-network-"): v for k, v in _exports(cfn, network_id).items()}
    (vpc,) = ec2.describe_vpcs(VpcIds=[exports["VpcId"]])["Vpcs"]
    (association,) = vpc["Ipv6CidrBlockAssociationSet"]
    block = ipaddress.IPv6Network(association["Ipv6CidrBlock"])
    assert block.prefixlen == 56
    (gateway,) = ec2.describe_egress_only_internet_gateways()["EgressOnlyInternetGateways"]
    assert gateway["Attachments"][0]["VpcId"] == vpc["VpcId"]
    ranges = []
    for tier, assigned, target in (
        ("Public", False, "igw-"),
        ("Private", True, gateway["EgressOnlyInternetGatewayId"]),
    ):
        for subnet in _subnets(ec2, exports, f"{tier}SubnetIds"):
            (ipv6,) = subnet["Ipv6CidrBlockAssociationSet"]
            network = ipaddress.IPv6Network(ipv6["Ipv6CidrBlock"])
            assert network.prefixlen == 64 and network.subnet_of(block)
            ranges.append(network)
            assert (subnet["AssignIpv6AddressOnCreation"], subnet["MapPublicIpOnLaunch"]) == (assigned, False)
            assert _ipv6_target(_routes(ec2, subnet["SubnetId"])).startswith(target)
    assert len(set(ranges)) == len(ranges) == 4

    parameters = {"NetworkStackName": "ds-network", "ImageTag": "1.0.0", "CertificateArn": certificate_arn}
    service_id = _create(cfn, "ds-web", GOLDEN / "dual-stack" / "service-web.yaml", parameters)
    balancer = _load_balancer(aws, service_id)
    assert (balancer["Scheme"], balancer["IpAddressType"]) == ("internet-facing", "dualstack")
    assert {z["SubnetId"] for z in balancer["AvailabilityZones"]} == set(exports["PublicSubnetIds"].split(","))
    (group,) = aws.client("ec2").describe_security_groups(GroupIds=balancer["SecurityGroups"])["SecurityGroups"]
    ipv6_ports = {p["FromPort"] for p in group["IpPermissions"] if p.get("Ipv6Ranges")}
    assert ipv6_ports == {443, 80}
    _delete(cfn, service_id)
    _delete_network(cfn, network_id)


def test_cloudfront_example_deploys_internal_load_balancers_behind_vpc_origins(
    aws: boto3.Session, certificate_arn: str
) -> None:
    cfn, ec2 = aws.client("cloudformation"), aws.client("ec2")
    (origin_facing,) = ec2.describe_managed_prefix_lists(
        Filters=[{"Name": "prefix-list-name", "Values": [ORIGIN_FACING]}]
    )["PrefixLists"]
    cloudfront = {
        "CertificateArn": certificate_arn,
        "ViewerCertificateArn": VIEWER_CERTIFICATE,
        "OriginFacingPrefixListId": origin_facing["PrefixListId"],
    }
    folder = GOLDEN / "cloudfront"
    network_id = _create(cfn, "fargate-network", folder / "network.yaml", {})
    ingress_id = _create(cfn, "fargate-ingress", folder / "ingress.yaml", cloudfront)
    services = {
        name: _create(cfn, f"fargate-{name}", folder / f"service-{name}.yaml", {"ImageTag": "1.0.0"})
        for name in ("web", "shop")
    }
    services["api"] = _create(cfn, "fargate-api", folder / "service-api.yaml", {"ImageTag": "1.0.0", **cloudfront})
    network = _exports(cfn, network_id)
    private = set(network["fargate-network-PrivateSubnetIds"].split(","))

    for stack_id in (ingress_id, services["api"]):
        balancer = _load_balancer(aws, stack_id)
        assert balancer["Scheme"] == "internal"
        assert {z["SubnetId"] for z in balancer["AvailabilityZones"]} == private
        (group,) = ec2.describe_security_groups(GroupIds=balancer["SecurityGroups"])["SecurityGroups"]
        sources = [(p["FromPort"], p["PrefixListIds"], p["IpRanges"], p["Ipv6Ranges"]) for p in group["IpPermissions"]]
        assert sources == [(443, [{"PrefixListId": origin_facing["PrefixListId"]}], [], [])]
        (origin_id,) = _physical_ids(cfn, stack_id, "AWS::CloudFront::VpcOrigin").values()
        assert VpcOrigin.RECORDED[origin_id]["Arn"] == balancer["LoadBalancerArn"]
        assert VpcOrigin.RECORDED[origin_id]["OriginSSLProtocols"] == ["TLSv1.2"]
        (distribution_id,) = _physical_ids(cfn, stack_id, "AWS::CloudFront::Distribution").values()
        (used,) = Distribution.RECORDED[distribution_id]["Origins"]
        assert used["VpcOriginConfig"]["VpcOriginId"] == origin_id
        assert used["DomainName"] == balancer["DNSName"]

    aliases = {name: Distribution.RECORDED[d]["Aliases"] for name, d in _distributions(cfn, ingress_id, services)}
    assert aliases == {"ingress": ["www.example.com", "shop.example.com"], "api": ["api.example.com"]}
    domain = _exports(cfn, ingress_id)["fargate-ingress-DistributionDomainName"]
    assert domain.endswith(".cloudfront.net")
    # Nothing in the VPC that serves requests has a public IPv4 address: the NAT gateway's is the only one.
    stacks = [network_id, ingress_id, *services.values()]
    balancers = [b for stack_id in stacks for b in _physical_ids(cfn, stack_id, LOAD_BALANCER).values()]
    described = aws.client("elbv2").describe_load_balancers(LoadBalancerArns=balancers)["LoadBalancers"]
    assert [b["Scheme"] for b in described] == ["internal", "internal"]
    vpc = network["fargate-network-VpcId"]
    in_vpc = {"Name": "vpc-id", "Values": [vpc]}
    (nat,) = ec2.describe_nat_gateways(Filters=[in_vpc])["NatGateways"]
    addresses = [a for s in stacks for a in _physical_ids(cfn, s, "AWS::EC2::EIP").values()]
    (address,) = ec2.describe_addresses(PublicIps=addresses)["Addresses"]
    assert address["AllocationId"] == nat["NatGatewayAddresses"][0]["AllocationId"]

    _delete(cfn, *services.values(), ingress_id)
    _delete_network(cfn, network_id)


def _distributions(cfn: Any, ingress_id: str, services: dict[str, str]) -> list[tuple[str, str]]:
    stacks = {"ingress": ingress_id, "api": services["api"]}
    return [
        (name, distribution)
        for name, stack_id in stacks.items()
        for distribution in _physical_ids(cfn, stack_id, "AWS::CloudFront::Distribution").values()
    ]
