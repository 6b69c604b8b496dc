"""The shims for IPv6 networks and CloudFront VPC origins, which moto 5.2.5's CloudFormation lacks (measured): what
CloudFormation does with each resource, made of the EC2 API moto has, or recorded where moto has no such service.

- ``DependsOn`` when moto creates a resource out of order (it evaluates the exports, and creates what they name,
  before the others): the resources it depends on are created first, as CloudFormation does. A subnet depends on
  the VPC's IPv6 block by name, since GetAtt VPC.Ipv6CidrBlocks does not wait for it.
- A ``CommaDelimitedList`` parameter's default (moto splits only a value given at create; a default stays one string):
  split like a given value, as CloudFormation does. The distribution's ``Aliases`` come from one (``DomainNames``).
- ``AWS::EC2::VPCCidrBlock`` (absent: skipped with a warning): AssociateVpcCidrBlock with an Amazon-provided IPv6
  block, which moto's EC2 has (a random /56 of 2400:6500::/32).
- ``Fn::GetAtt VPC.Ipv6CidrBlocks`` (moto answers only CidrBlock, CidrBlockAssociations, DefaultSecurityGroup and
  VpcId): the VPC's associated IPv6 blocks.
- A subnet's ``Ipv6CidrBlock`` and ``AssignIpv6AddressOnCreation`` (dropped): AssociateSubnetCidrBlock and
  ModifySubnetAttribute.
- A security group's inline ingress rules from ``CidrIpv6`` or ``SourcePrefixListId`` (moto reads only CidrIp and
  source groups, and would keep such a rule with no source at all): AuthorizeSecurityGroupIngress with the IPv6 range
  or the prefix list.
- A route's ``DestinationIpv6CidrBlock`` (dropped: moto would create a route with no destination): CreateRoute with
  the IPv6 destination.
- ``AWS::EC2::EgressOnlyInternetGateway`` (absent): CreateEgressOnlyInternetGateway, which moto's EC2 has.
- ``AWS::CloudFront::VpcOrigin`` and ``AWS::CloudFront::Distribution`` (absent; moto's CloudFront has no VPC origins
  at all): recorded as CloudFormation would hand them to CloudFront, with the checks CloudFront makes that the
  templates can get wrong: a VPC origin's Arn is a load balancer that exists, and a distribution's VpcOriginId is a
  VPC origin that exists. Their Ref and GetAtt values have CloudFront's shapes (a distribution ID, a
  ``*.cloudfront.net`` domain name). What is left out: nothing is served (no edge, no viewer certificate or web ACL
  lookup in us-east-1, no deploy time), and CloudFront's service-managed security group and network interfaces are
  not created.

``apply(patch)`` installs them; ``tests/emulated_aws.py`` applies them with its own.
"""

from __future__ import annotations

import secrets
import string
from typing import Any, ClassVar

import pytest
from moto.cloudformation import parsing
from moto.cloudformation.exceptions import ValidationError
from moto.ec2.models import ec2_backends
from moto.ec2.models.route_tables import Route
from moto.ec2.models.security_groups import SecurityGroup
from moto.ec2.models.vpcs import VPC
from moto.elbv2.models import elbv2_backends

IPV6_ATTRIBUTE = "Ipv6CidrBlocks"


def give_ipv6_range(ec2: Any, subnet: Any, properties: dict) -> None:
    """A subnet's IPv6 block and address assignment, as CloudFormation sets them."""
    if properties.get("Ipv6CidrBlock"):
        ec2.associate_subnet_cidr_block(subnet.id, properties["Ipv6CidrBlock"])
    assign = str(properties.get("AssignIpv6AddressOnCreation", False)).lower() == "true"
    ec2.modify_subnet_attribute(subnet.id, "assign_ipv6_address_on_creation", assign)


def _vpc_attribute(original: Any) -> Any:
    def get_cfn_attribute(self: VPC, attribute_name: str) -> Any:
        if attribute_name == IPV6_ATTRIBUTE:
            return [c["cidr_block"] for c in self.get_cidr_block_association_set(ipv6=True)]
        return original(self, attribute_name)

    return get_cfn_attribute


def _create_after_dependencies(create: Any) -> Any:
    def parse_and_create_resource(
        logical_id: str, resource_json: dict, resources_map: Any, *args: Any, **kwargs: Any
    ) -> Any:
        dependencies = resource_json.get("DependsOn", [])
        for dependency in [dependencies] if isinstance(dependencies, str) else dependencies:
            resources_map[dependency]  # creates it, if it is not yet
        return create(logical_id, resource_json, resources_map, *args, **kwargs)

    return parse_and_create_resource


def _split_list_defaults(load_parameters: Any) -> Any:
    def split(self: Any) -> None:
        load_parameters(self)
        for name, parameter in self._template.get("Parameters", {}).items():
            value = self.resolved_parameters.get(name)
            if parameter.get("Type") == "CommaDelimitedList" and isinstance(value, str):
                self.resolved_parameters[name] = self._parsed_resources[name] = value.split(",")

    return split


_MOTO_GROUP_CREATE = SecurityGroup.create_from_cloudformation_json
_SOURCES_MOTO_DROPS = ("CidrIpv6", "SourcePrefixListId")


def _create_security_group(
    cls: type, name: str, cloudformation_json: dict, account_id: str, region_name: str, **kwargs: Any
) -> Any:
    properties = cloudformation_json.get("Properties", {})
    rules = properties.get("SecurityGroupIngress", [])
    later = [rule for rule in rules if any(key in rule for key in _SOURCES_MOTO_DROPS)]
    without = {
        **cloudformation_json,
        "Properties": {**properties, "SecurityGroupIngress": [r for r in rules if r not in later]},
    }
    group = _MOTO_GROUP_CREATE(name, without, account_id, region_name, **kwargs)
    ec2 = ec2_backends[account_id][region_name]
    for rule in later:
        ec2.authorize_security_group_ingress(
            group_name_or_id=group.id,
            ip_protocol=rule["IpProtocol"],
            from_port=rule["FromPort"],
            to_port=rule["ToPort"],
            ip_ranges=[{"CidrIpv6": rule["CidrIpv6"]}] if "CidrIpv6" in rule else [],
            prefix_list_ids=[{"PrefixListId": rule["SourcePrefixListId"]}] if "SourcePrefixListId" in rule else [],
            vpc_id=group.vpc_id,
        )
    return group


_MOTO_ROUTE_CREATE = Route.create_from_cloudformation_json


def _create_route(cls: type, name: str, cloudformation_json: dict, account_id: str, region_name: str, **kwargs: Any):
    properties = cloudformation_json["Properties"]
    if "DestinationIpv6CidrBlock" not in properties:
        return _MOTO_ROUTE_CREATE(name, cloudformation_json, account_id, region_name, **kwargs)
    return ec2_backends[account_id][region_name].create_route(
        route_table_id=properties["RouteTableId"],
        destination_cidr_block=None,
        destination_ipv6_cidr_block=properties["DestinationIpv6CidrBlock"],
        gateway_id=properties.get("GatewayId"),
        egress_only_igw_id=properties.get("EgressOnlyInternetGatewayId"),
    )


class EmulatedResource:
    """A CloudFormation resource type moto lacks: ``TYPE``, a physical ID, GetAtt values; an update creates anew."""

    TYPE: ClassVar[str] = ""
    ATTRIBUTES: ClassVar[tuple[str, ...]] = ()

    def __init__(self, physical_id: str, attributes: dict[str, Any] | None = None) -> None:
        self.physical_resource_id = physical_id
        self.attributes = attributes or {}

    @classmethod
    def cloudformation_type(cls) -> str:
        return cls.TYPE

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @classmethod
    def has_cfn_attr(cls, attribute: str) -> bool:
        return attribute in cls.ATTRIBUTES

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict,
        account_id: str,
        region_name: str,
    ) -> Any:
        return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)

    @classmethod
    def create_from_cloudformation_json(
        cls, name: str, cloudformation_json: dict, account_id: str, region_name: str, **_: Any
    ) -> Any:
        raise NotImplementedError

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name not in self.attributes:
            raise NotImplementedError(f"{self.TYPE} has no attribute {attribute_name} here")
        return self.attributes[attribute_name]

    def is_created(self) -> bool:
        return True

    def delete(self, account_id: str, region_name: str) -> None:
        return None


class VpcCidrBlock(EmulatedResource):
    TYPE = "AWS::EC2::VPCCidrBlock"

    @classmethod
    def create_from_cloudformation_json(
        cls, name: str, cloudformation_json: dict, account_id: str, region_name: str, **_: Any
    ) -> Any:
        properties = cloudformation_json["Properties"]
        amazon = str(properties.get("AmazonProvidedIpv6CidrBlock", False)).lower() == "true"
        ec2 = ec2_backends[account_id][region_name]
        association = ec2.associate_vpc_cidr_block(properties["VpcId"], properties.get("CidrBlock"), amazon)
        return cls(association["association_id"])


class EgressOnlyInternetGateway(EmulatedResource):
    TYPE = "AWS::EC2::EgressOnlyInternetGateway"

    @classmethod
    def create_from_cloudformation_json(
        cls, name: str, cloudformation_json: dict, account_id: str, region_name: str, **_: Any
    ) -> Any:
        ec2 = ec2_backends[account_id][region_name]
        gateway = ec2.create_egress_only_internet_gateway(cloudformation_json["Properties"]["VpcId"])
        return cls(gateway.id)


def _random(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


class VpcOrigin(EmulatedResource):
    """Recorded VPC origins: ID -> their VpcOriginEndpointConfig."""

    TYPE = "AWS::CloudFront::VpcOrigin"
    ATTRIBUTES = ("Id", "Arn")
    RECORDED: ClassVar[dict[str, dict]] = {}

    @classmethod
    def create_from_cloudformation_json(
        cls, name: str, cloudformation_json: dict, account_id: str, region_name: str, **_: Any
    ) -> Any:
        config = cloudformation_json["Properties"]["VpcOriginEndpointConfig"]
        balancers = elbv2_backends[account_id][region_name].load_balancers
        if config["Arn"] not in balancers:
            raise ValidationError(name, f"VPC origin {name}: {config['Arn']} is no load balancer of the account")
        origin_id = "vo_" + _random(string.ascii_letters + string.digits, 22)
        cls.RECORDED[origin_id] = config
        arn = f"arn:aws:cloudfront::{account_id}:vpcorigin/{origin_id}"
        return cls(origin_id, {"Id": origin_id, "Arn": arn})


class Distribution(EmulatedResource):
    """Recorded distributions: ID -> their DistributionConfig."""

    TYPE = "AWS::CloudFront::Distribution"
    ATTRIBUTES = ("Id", "DomainName")
    RECORDED: ClassVar[dict[str, dict]] = {}

    @classmethod
    def create_from_cloudformation_json(
        cls, name: str, cloudformation_json: dict, account_id: str, region_name: str, **_: Any
    ) -> Any:
        config = cloudformation_json["Properties"]["DistributionConfig"]
        for origin in config.get("Origins", []):
            wanted = (origin.get("VpcOriginConfig") or {}).get("VpcOriginId")
            if wanted is not None and wanted not in VpcOrigin.RECORDED:
                raise ValidationError(name, f"distribution {name}: VPC origin {wanted} does not exist")
        distribution_id = "E" + _random(string.ascii_uppercase + string.digits, 13)
        cls.RECORDED[distribution_id] = config
        domain = "d" + _random(string.ascii_lowercase + string.digits, 13) + ".cloudfront.net"
        return cls(distribution_id, {"Id": distribution_id, "DomainName": domain})


MODELS = (VpcCidrBlock, EgressOnlyInternetGateway, VpcOrigin, Distribution)


def apply(patch: pytest.MonkeyPatch) -> None:
    """The shims above, undone with ``patch`` (the subnet's own is applied by tests/emulated_aws.py)."""
    patch.setattr(parsing, "parse_and_create_resource", _create_after_dependencies(parsing.parse_and_create_resource))
    patch.setattr(parsing.ResourceMap, "load_parameters", _split_list_defaults(parsing.ResourceMap.load_parameters))
    patch.setattr(VPC, "get_cfn_attribute", _vpc_attribute(VPC.get_cfn_attribute))
    patch.setattr(Route, "create_from_cloudformation_json", classmethod(_create_route))
    patch.setattr(SecurityGroup, "create_from_cloudformation_json", classmethod(_create_security_group))
    models = parsing.get_model_map
    patch.setattr(parsing, "get_model_map", lambda: {**models(), **{model.TYPE: model for model in MODELS}})
