"""VPC endpoints: private paths from the private subnets to AWS services, and a security group that opens nothing
outbound."""

from __future__ import annotations

import pytest
from conftest import catalogue_dict, ref, resources_of_type
from conftest import network_dict as _network
from conftest import tier_subnets as _subnets

from fargate_private_templates.checks.intrinsics import endpoint_service
from fargate_private_templates.config.network import NetworkConfig
from fargate_private_templates.layers.blocks.security_groups import NO_EGRESS
from fargate_private_templates.layers.network import build_network
from fargate_private_templates.render import ordered_dict


@pytest.mark.parametrize("az_count", (2, 3))
def test_endpoints_reach_every_private_subnet_and_route_table(az_count: int) -> None:
    config = NetworkConfig(nat_mode="none", az_count=az_count, endpoints=("s3", "ecr.api", "ecr.dkr", "logs", "sts"))
    template = ordered_dict(build_network(config))
    endpoints = resources_of_type(template, "AWS::EC2::VPCEndpoint")
    assert sorted(endpoints) == ["EcrApiEndpoint", "EcrDkrEndpoint", "LogsEndpoint", "S3GatewayEndpoint", "StsEndpoint"]
    private_subnets = [{"Ref": s} for s in _subnets(template, "Private")]
    private_tables = [{"Ref": f"PrivateRouteTable{n}"} for n in range(1, az_count + 1)]
    for name, endpoint in endpoints.items():
        props = endpoint["Properties"]
        suffix = endpoint_service(props["ServiceName"])
        assert suffix in {"s3", "ecr.api", "ecr.dkr", "logs", "sts"} and ref(props["VpcId"]) == "VPC"
        if name == "S3GatewayEndpoint":
            assert props["VpcEndpointType"] == "Gateway" and props["RouteTableIds"] == private_tables
        else:
            assert props["VpcEndpointType"] == "Interface" and props["PrivateDnsEnabled"] is True
            assert props["SubnetIds"] == private_subnets
            assert props["SecurityGroupIds"] == [{"Fn::GetAtt": ["EndpointSecurityGroup", "GroupId"]}]
    (rule,) = template["Resources"]["EndpointSecurityGroup"]["Properties"]["SecurityGroupIngress"]
    assert (rule["FromPort"], rule["ToPort"], rule["CidrIp"]) == (443, 443, {"Fn::GetAtt": ["VPC", "CidrBlock"]})
    assert rule["Description"]
    assert template["Outputs"]["VpcEndpoints"]["Value"] == "s3,ecr.api,ecr.dkr,logs,sts"


def test_endpoint_presets_and_no_endpoints() -> None:
    assert NetworkConfig(endpoints="ecr").endpoints == ("s3", "ecr.api", "ecr.dkr", "logs")
    assert NetworkConfig(endpoints=["logs", "s3", "logs"]).endpoints == ("s3", "logs")
    template = _network("per_az", 2)
    assert resources_of_type(template, "AWS::EC2::VPCEndpoint") == {}
    assert "EndpointSecurityGroup" not in template["Resources"]
    assert template["Outputs"]["VpcEndpoints"]["Value"] == "none"
    gateway_only = ordered_dict(build_network(NetworkConfig(endpoints=["s3"])))
    assert list(resources_of_type(gateway_only, "AWS::EC2::VPCEndpoint")) == ["S3GatewayEndpoint"]
    assert "EndpointSecurityGroup" not in gateway_only["Resources"]


@pytest.mark.parametrize("filename", ["network-endpoints.yaml", "network-nat-endpoints.yaml"])
def test_endpoint_security_group_has_an_egress_rule_that_matches_nothing(filename: str) -> None:
    group = catalogue_dict(filename)["Resources"]["EndpointSecurityGroup"]["Properties"]
    assert [{k: v for k, v in rule.items() if k != "Description"} for rule in group["SecurityGroupEgress"]] == [
        NO_EGRESS
    ]
