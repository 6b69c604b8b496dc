"""The cross-stack export contract: the only module that spells an export name.

Exports are named ``${AWS::StackName}-<Key>``. A deployed stack that imports an export pins it: renaming or
removing the key later fails with "Export ... cannot be updated as it is in use". So keys only ever get added,
and ``templates/exports.json`` with its test guards them.
"""

from __future__ import annotations

from enum import StrEnum

from troposphere import AWSHelperFn, Export, ImportValue, Output, Parameter, Split, Sub, Template

from .config.patterns import STACK_NAME

NETWORK_STACK_PARAMETER = "NetworkStackName"
INGRESS_STACK_PARAMETER = "IngressStackName"
# Comma-joined lists, because an export value must be a string.
LIST_SEPARATOR = ","
# An export's value cannot be empty.
NO_ENDPOINTS = "none"


class NetworkExport(StrEnum):
    """Keys the network stack exports (besides one key per subnet, see ``subnet_key``)."""

    VPC_ID = "VpcId"
    VPC_CIDR = "VpcCidr"
    PUBLIC_SUBNET_IDS = "PublicSubnetIds"
    PRIVATE_SUBNET_IDS = "PrivateSubnetIds"
    PRIVATE_ROUTE_TABLE_IDS = "PrivateRouteTableIds"
    EGRESS_MODE = "EgressMode"
    VPC_ENDPOINTS = "VpcEndpoints"
    CLUSTER_NAME = "ClusterName"
    CLUSTER_ARN = "ClusterArn"


class IngressExport(StrEnum):
    """Keys the shared front-door stack exports, for the services that attach listener rules to it."""

    HTTPS_LISTENER_ARN = "HttpsListenerArn"
    LOAD_BALANCER_SECURITY_GROUP_ID = "LoadBalancerSecurityGroupId"
    # For ALBRequestCountPerTarget scaling: app/<name>/<id>.
    LOAD_BALANCER_FULL_NAME = "LoadBalancerFullName"
    LOAD_BALANCER_DNS_NAME = "LoadBalancerDnsName"
    # For Route 53 alias records to the load balancer.
    LOAD_BALANCER_HOSTED_ZONE_ID = "LoadBalancerCanonicalHostedZoneId"


class RegistryExport(StrEnum):
    """Keys the registry stack exports."""

    REPOSITORY_NAME = "RepositoryName"
    REPOSITORY_ARN = "RepositoryArn"
    REPOSITORY_URI = "RepositoryUri"
    PULL_THROUGH_CACHE_PREFIX = "PullThroughCachePrefix"


def subnet_key(tier: str, zone_number: int) -> str:
    """``PublicSubnet1Id``, ``PrivateSubnet2Id``...; ``zone_number`` counts from 1 like the logical IDs."""
    return f"{tier.capitalize()}Subnet{zone_number}Id"


def export_name(key: str) -> Sub:
    return Sub(f"${{AWS::StackName}}-{key}")


def add_export(template: Template, key: str, value: object, description: str) -> Output:
    """An output named after its key, exported as ``${AWS::StackName}-<key>``."""
    return template.add_output(Output(str(key), Description=description, Value=value, Export=Export(export_name(key))))


def exported_keys(template_dict: dict) -> list[str]:
    """Export keys of a rendered template, in output order (the stack-name prefix stripped)."""
    prefix = "${AWS::StackName}-"
    keys = []
    for output in template_dict.get("Outputs", {}).values():
        name = output.get("Export", {}).get("Name", {})
        sub = name.get("Fn::Sub") if isinstance(name, dict) else None
        if isinstance(sub, str) and sub.startswith(prefix):
            keys.append(sub[len(prefix) :])
    return keys


def imported_keys(template_dict: dict) -> list[str]:
    """Keys a rendered template imports through ``Fn::ImportValue: !Sub ${<Param>}-<Key>``, sorted."""
    keys: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            sub = node.get("Fn::ImportValue", {})
            text = sub.get("Fn::Sub") if isinstance(sub, dict) else None
            if isinstance(text, str) and text.startswith("${") and "}-" in text:
                keys.add(text.split("}-", 1)[1])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(template_dict.get("Resources", {}))
    walk(template_dict.get("Outputs", {}))
    return sorted(keys)


class NetworkImports:
    """The import side: adds the ``NetworkStackName`` parameter and builds ``Fn::ImportValue`` from it.

    For custom templates too: ``net = NetworkImports(template)`` then ``net.value(NetworkExport.VPC_ID)``.
    """

    def __init__(self, template: Template, default_stack_name: str = "fargate-network") -> None:
        self.parameter = template.add_parameter(
            Parameter(
                NETWORK_STACK_PARAMETER,
                Type="String",
                Default=default_stack_name,
                Description="Name of the deployed network stack whose exports this stack imports",
                AllowedPattern=STACK_NAME.pattern,
                ConstraintDescription="a CloudFormation stack name: letters, digits and hyphens, "
                "starting with a letter",
            )
        )

    def value(self, key: str) -> ImportValue:
        return ImportValue(Sub(f"${{{self.parameter.title}}}-{key}"))

    def list(self, key: str) -> AWSHelperFn:
        return Split(LIST_SEPARATOR, self.value(key))

    @property
    def vpc_id(self) -> ImportValue:
        return self.value(NetworkExport.VPC_ID)

    @property
    def vpc_cidr(self) -> ImportValue:
        return self.value(NetworkExport.VPC_CIDR)

    @property
    def public_subnet_ids(self) -> AWSHelperFn:
        return self.list(NetworkExport.PUBLIC_SUBNET_IDS)

    @property
    def private_subnet_ids(self) -> AWSHelperFn:
        return self.list(NetworkExport.PRIVATE_SUBNET_IDS)

    @property
    def cluster_name(self) -> ImportValue:
        return self.value(NetworkExport.CLUSTER_NAME)

    @property
    def cluster_arn(self) -> ImportValue:
        return self.value(NetworkExport.CLUSTER_ARN)


class IngressImports:
    """The shared front door's exports, through the ``IngressStackName`` parameter: what an attached service needs."""

    def __init__(self, template: Template, default_stack_name: str = "fargate-ingress") -> None:
        self.parameter = template.add_parameter(
            Parameter(
                INGRESS_STACK_PARAMETER,
                Type="String",
                Default=default_stack_name,
                Description="Name of the deployed front-door stack (build_ingress) whose HTTPS listener this service "
                "attaches a rule to",
                AllowedPattern=STACK_NAME.pattern,
                ConstraintDescription="a CloudFormation stack name: letters, digits and hyphens, "
                "starting with a letter",
            )
        )

    def value(self, key: str) -> ImportValue:
        return ImportValue(Sub(f"${{{self.parameter.title}}}-{key}"))

    @property
    def https_listener_arn(self) -> ImportValue:
        return self.value(IngressExport.HTTPS_LISTENER_ARN)

    @property
    def security_group_id(self) -> ImportValue:
        return self.value(IngressExport.LOAD_BALANCER_SECURITY_GROUP_ID)

    @property
    def load_balancer_full_name(self) -> ImportValue:
        return self.value(IngressExport.LOAD_BALANCER_FULL_NAME)
