"""moto, in-process, made to do what CloudFormation does: the shims every emulated deployment shares.

Each shim makes moto do what CloudFormation does and never changes a template: Fn::Cidr and Fn::GetStackOutput (moto
has neither), the load balancer's Type and IpAddressType, a subnet's MapPublicIpOnLaunch, subnet route table
associations visible to DescribeRouteTables, string DesiredCount values, and the capacity providers of a cluster:
moto drops an AWS::ECS::Cluster's CapacityProviders and has no AWS::ECS::ClusterCapacityProviderAssociations, and its
CreateService takes a capacity provider strategy naming a provider the cluster lacks, which ECS refuses ("A
capacity provider must be associated with a cluster before it can be ... used in a capacity provider strategy when
calling the CreateService or RunTask actions", CreateCluster in the ECS API reference); here both are associated as
PutClusterCapacityProviders does, and a service whose strategy names another provider is refused with ECS's
InvalidParameterException. A listener rule's Conditions lose the AWS::NoValue an Fn::If leaves, as CloudFormation
drops it (moto keeps it as None in the list and fails), on create and on update. IPv6 networks and CloudFront VPC
origins have shims of their own in tests/emulated_ipv6_cloudfront.py, applied here too (its docstring lists each, and
what is left out): AWS::EC2::VPCCidrBlock, GetAtt VPC.Ipv6CidrBlocks, a subnet's Ipv6CidrBlock and
AssignIpv6AddressOnCreation, a route's DestinationIpv6CidrBlock, AWS::EC2::EgressOnlyInternetGateway, and
AWS::CloudFront::VpcOrigin and AWS::CloudFront::Distribution recorded with CloudFront's checks of their references
(nothing served at an edge; no service-managed security group). Fake credentials, no network: the
``aws`` fixture (conftest) opens one account per test module; ``aws_cli`` also serves that account on 127.0.0.1 to
the AWS CLI, for shell the docs show. Below them, what the emulated deployments
(tests/integration/) share: reading stacks back, deleting a network, and the warnings of moto's known gaps.
"""

from __future__ import annotations

import contextlib
import ipaddress
import itertools
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import emulated_ipv6_cloudfront
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.cloudformation import parsing
from moto.ec2.models import ec2_backends
from moto.ec2.models.subnets import Subnet, SubnetRouteTableAssociation
from moto.ecs.exceptions import InvalidParameterException
from moto.ecs.models import Cluster as FakeEcsCluster
from moto.ecs.models import Service as FakeEcsService
from moto.ecs.models import ecs_backends
from moto.elbv2.models import FakeListenerRule, FakeLoadBalancer, elbv2_backends
from moto.server import ThreadedMotoServer

from fargate_private_templates.render.loader import load_template

REGION = "us-east-1"
# Warnings of two known gaps (tests/integration/test_emulated_deploy.py): moto skipping Application Auto Scaling, and
# its DependencyViolation on network deletion having no error shape. A "." stands for each ":" or "(", which the
# filter syntax cannot hold.
KNOWN_GAP_WARNINGS = [
    pytest.mark.filterwarnings("ignore:Tried to parse AWS..ApplicationAutoScaling..:UserWarning"),
    pytest.mark.filterwarnings("ignore:Exception.DependencyViolationError.:UserWarning"),
]


def cidr_blocks(ip_block: str, count: int, cidr_bits: int) -> list[str]:
    """``Fn::Cidr`` as CloudFormation defines it: the first ``count`` blocks with ``cidr_bits`` host bits."""
    network = ipaddress.ip_network(ip_block)
    if not 1 <= count <= 256 or not 1 <= cidr_bits <= network.max_prefixlen:
        raise ValueError(f"Fn::Cidr: count {count} or cidrBits {cidr_bits} out of range")
    blocks = list(itertools.islice(network.subnets(new_prefix=network.max_prefixlen - cidr_bits), count))
    if len(blocks) < count:
        raise ValueError(f"Fn::Cidr: {ip_block} holds fewer than {count} blocks of {cidr_bits} host bits")
    return [str(block) for block in blocks]


def stack_output(stack_name: str, output_name: str, region: str | None) -> str:
    """``Fn::GetStackOutput`` as CloudFormation defines it: the named output of a stack, read with DescribeStacks."""
    client = boto3.client("cloudformation", region_name=region or REGION)
    outputs = client.describe_stacks(StackName=stack_name)["Stacks"][0].get("Outputs", [])
    values = [o["OutputValue"] for o in outputs if o["OutputKey"] == output_name]
    if not values:
        raise ValueError(f"Fn::GetStackOutput: stack {stack_name} has no output {output_name}")
    return values[0]


def _with_fn_cidr(clean_json: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    # moto has no Fn::Cidr. Evaluating it inside moto's own resolver (rather than pre-resolving the JSON) keeps the
    # template as committed: the block comes from moto's real GetAtt VPC.CidrBlock, so a wrong reference still fails.
    # moto's resolver recurses through the module attribute, so Select(Cidr(GetAtt ...)) reaches this wrapper.
    def clean(resource_json: Any, resources_map: Any) -> Any:
        if isinstance(resource_json, dict) and list(resource_json) == ["Fn::Cidr"]:
            block, count, bits = (clean(arg, resources_map) for arg in resource_json["Fn::Cidr"])
            return cidr_blocks(block, int(count), int(bits))
        if isinstance(resource_json, dict) and list(resource_json) == ["Fn::GetStackOutput"]:
            argument = {k: clean(v, resources_map) for k, v in resource_json["Fn::GetStackOutput"].items()}
            return stack_output(argument["StackName"], argument["OutputName"], argument.get("Region"))
        return clean_json(resource_json, resources_map)

    return clean


def _create_load_balancer(
    cls: type, resource_name: str, cloudformation_json: dict, account_id: str, region_name: str, **_: Any
) -> FakeLoadBalancer:
    """moto's handler, plus the Type and IpAddressType it drops (without Type every load balancer is an ALB)."""
    properties = cloudformation_json["Properties"]
    return elbv2_backends[account_id][region_name].create_load_balancer(
        resource_name,
        properties.get("SecurityGroups"),
        properties.get("Subnets"),
        scheme=properties.get("Scheme", "internet-facing"),
        loadbalancer_type=properties.get("Type", "application"),
        ip_address_type=properties.get("IpAddressType", "ipv4"),
    )


def _then(model: type, apply: Callable[[Any, Any, dict], None]) -> classmethod:
    """``model``'s own CloudFormation create, followed by ``apply(ec2 backend, resource, properties)``."""
    create = model.create_from_cloudformation_json

    def wrapped(cls: type, name: str, cloudformation_json: dict, account_id: str, region_name: str, **kwargs: Any):
        resource = create(name, cloudformation_json, account_id, region_name, **kwargs)
        apply(ec2_backends[account_id][region_name], resource, cloudformation_json.get("Properties", {}))
        return resource

    return classmethod(wrapped)


def _ecs_service_as_cloudformation_calls_it(handler: Any) -> classmethod:
    """moto's ECS service create or update, given what CloudFormation gives ECS: an Integer DesiredCount, and only
    a capacity provider strategy whose providers the cluster has."""

    def wrapped(cls: type, *args: Any, **kwargs: Any) -> Any:
        cloudformation_json = kwargs.get("cloudformation_json") or next(a for a in args if isinstance(a, dict))
        properties = cloudformation_json.get("Properties", {})
        # CloudFormation turns a String parameter's "3" into the Integer DesiredCount; moto passes the string on and
        # then fails on arithmetic.
        if isinstance(properties.get("DesiredCount"), str):
            properties["DesiredCount"] = int(properties["DesiredCount"])
        _refuse_providers_the_cluster_lacks(properties)
        return handler(*args, **kwargs)

    return classmethod(wrapped)


def _ecs_cluster(reference: Any) -> Any:
    """The emulated cluster a property names: moto's object (a Ref in the same stack) or a cluster ARN."""
    if isinstance(reference, FakeEcsCluster):
        return reference
    _, _, _, region, account, resource = str(reference).split(":", 5)
    return ecs_backends[account][region]._get_cluster(resource.split("/")[-1])


# ECS's words for a strategy naming a provider the cluster lacks (seen for RunTask; CreateService checks the same).
NOT_ASSOCIATED = (
    "The specified capacity provider strategy cannot contain a capacity provider that is not associated with the "
    "cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again."
)


def _refuse_providers_the_cluster_lacks(properties: dict) -> None:
    wanted = [item["CapacityProvider"] for item in properties.get("CapacityProviderStrategy") or []]
    if not wanted:
        return
    offered = _ecs_cluster(properties["Cluster"]).capacity_providers or []
    if any(provider not in offered for provider in wanted):
        raise InvalidParameterException(NOT_ASSOCIATED)


def _strategy(items: list[dict] | None) -> list[dict]:
    """A CloudFormation strategy as the ECS API spells it."""
    keys = {"CapacityProvider": "capacityProvider", "Weight": "weight", "Base": "base"}
    return [{keys[k]: v for k, v in item.items() if k in keys} for item in items or [] if item is not None]


def _associate(cluster: Any, properties: dict) -> None:
    # CloudFormation drops an AWS::NoValue from a list; moto keeps it as None.
    providers = [p for p in properties.get("CapacityProviders") or [] if p is not None]
    strategy = _strategy(properties.get("DefaultCapacityProviderStrategy"))
    ecs_backends[cluster.arn.split(":")[4]][cluster.region_name].put_cluster_capacity_providers(
        cluster.name, providers, strategy
    )


def _create_cluster_with_providers(
    cls: type, name: str, cloudformation_json: dict, account_id: str, region_name: str, **kwargs: Any
) -> Any:
    cluster = _MOTO_CLUSTER_CREATE(name, cloudformation_json, account_id, region_name, **kwargs)
    _associate(cluster, cloudformation_json.get("Properties", {}))
    return cluster


_MOTO_CLUSTER_CREATE = FakeEcsCluster.create_from_cloudformation_json


class CapacityProviderAssociations(emulated_ipv6_cloudfront.EmulatedResource):
    """AWS::ECS::ClusterCapacityProviderAssociations, which moto lacks: PutClusterCapacityProviders on the cluster,
    emptied again when the resource is deleted."""

    TYPE = "AWS::ECS::ClusterCapacityProviderAssociations"

    def __init__(self, cluster: Any) -> None:
        super().__init__(cluster.name)
        self.cluster = cluster

    @classmethod
    def create_from_cloudformation_json(
        cls, name: str, cloudformation_json: dict, account_id: str, region_name: str, **_: Any
    ) -> Any:
        properties = cloudformation_json["Properties"]
        # A Ref to the cluster gives its name; the backend also takes an ARN.
        association = cls(ecs_backends[account_id][region_name]._get_cluster(str(properties["Cluster"])))
        _associate(association.cluster, properties)
        return association

    def delete(self, account_id: str, region_name: str) -> None:
        _associate(self.cluster, {})


def _rule_without_no_value(handler: Any) -> classmethod:
    # An Fn::If that switches a rule's condition off leaves AWS::NoValue in the list: CloudFormation drops it, moto
    # keeps a None and fails in its validation.
    def wrapped(cls: type, *args: Any, **kwargs: Any) -> Any:
        cloudformation_json = kwargs.get("cloudformation_json") or next(a for a in args if isinstance(a, dict))
        properties = cloudformation_json["Properties"]
        properties["Conditions"] = [c for c in properties.get("Conditions", []) if c is not None]
        return handler(*args, **kwargs)

    return classmethod(wrapped)


def _map_public_ip(ec2: Any, subnet: Any, properties: dict) -> None:
    # moto ignores MapPublicIpOnLaunch: without this, "no subnet maps public IPs" would hold whatever the template said.
    value = str(properties.get("MapPublicIpOnLaunch", False)).lower() == "true"
    ec2.modify_subnet_attribute(subnet.id, "map_public_ip_on_launch", value)
    emulated_ipv6_cloudfront.give_ipv6_range(ec2, subnet, properties)


def _associate_route_table(ec2: Any, association: Any, _: dict) -> None:
    # moto keeps a CloudFormation subnet association apart from its route table, so DescribeRouteTables would not
    # show it: associating through the EC2 API too makes the emulated VPC answer as AWS does.
    ec2.associate_route_table(association.route_table_id, subnet_id=association.subnet_id)


@contextlib.contextmanager
def emulated_account() -> Iterator[boto3.Session]:
    """One in-process emulated account, every shim applied; restored on exit."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ENDPOINT_URL"):
            patch.delenv(name, raising=False)
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SECURITY_TOKEN", "AWS_SESSION_TOKEN"):
            patch.setenv(name, "testing")
        patch.setenv("AWS_DEFAULT_REGION", REGION)
        apply_shims(patch)
        with mock_aws():
            yield boto3.Session(region_name=REGION)


def assert_status(cfn: Any, stack_id: str, expected: str) -> None:
    stack = cfn.describe_stacks(StackName=stack_id)["Stacks"][0]
    assert stack["StackStatus"] == expected, f"{stack['StackName']}: {stack.get('StackStatusReason')}"


def create_stack(cfn: Any, stack: str, path: Path, parameters: dict[str, str]) -> str:
    """The stack of a rendered template file, created and asserted CREATE_COMPLETE; its ID."""
    stack_id = cfn.create_stack(
        StackName=stack,
        TemplateBody=json.dumps(load_template(path)),
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
        Capabilities=["CAPABILITY_IAM"],
    )["StackId"]
    assert_status(cfn, stack_id, "CREATE_COMPLETE")
    return stack_id


def stack_exports(cfn: Any, stack_id: str) -> dict[str, str]:
    pages = cfn.get_paginator("list_exports").paginate()
    return {e["Name"]: e["Value"] for page in pages for e in page["Exports"] if e["ExportingStackId"] == stack_id}


def physical_ids(cfn: Any, stack_id: str, resource_type: str) -> dict[str, str]:
    summaries = cfn.list_stack_resources(StackName=stack_id)["StackResourceSummaries"]
    return {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in summaries if r["ResourceType"] == resource_type}


def ecs_services(aws: boto3.Session, stack_id: str) -> list[dict]:
    arns = physical_ids(aws.client("cloudformation"), stack_id, "AWS::ECS::Service").values()
    ecs = aws.client("ecs")
    return [ecs.describe_services(cluster=arn.split("/")[1], services=[arn])["services"][0] for arn in arns]


def delete_network(cfn: Any, stack_id: str) -> None:
    """Deletes the network after its importers; tolerates only moto's known VPC DependencyViolation (the docstring
    of tests/integration/test_emulated_deploy.py says why)."""
    try:
        cfn.delete_stack(StackName=stack_id)
    except ClientError as error:
        assert error.response["Error"]["Code"] == "DependencyViolation", error
        assert "The vpc" in error.response["Error"]["Message"], error
        return
    assert_status(cfn, stack_id, "DELETE_COMPLETE")
    assert not stack_exports(cfn, stack_id)


def apply_shims(patch: pytest.MonkeyPatch) -> None:
    """The shims above, undone with ``patch``: for an in-process account or a moto server (emulated_server.py)."""
    patch.setattr(parsing, "clean_json", _with_fn_cidr(parsing.clean_json))
    patch.setattr(FakeLoadBalancer, "create_from_cloudformation_json", classmethod(_create_load_balancer))
    patch.setattr(Subnet, "create_from_cloudformation_json", _then(Subnet, _map_public_ip))
    for handler in ("create_from_cloudformation_json", "update_from_cloudformation_json"):
        service_handler = _ecs_service_as_cloudformation_calls_it(getattr(FakeEcsService, handler))
        patch.setattr(FakeEcsService, handler, service_handler)
    patch.setattr(FakeEcsCluster, "create_from_cloudformation_json", classmethod(_create_cluster_with_providers))
    models = parsing.get_model_map
    patch.setattr(
        parsing,
        "get_model_map",
        lambda: {**models(), CapacityProviderAssociations.TYPE: CapacityProviderAssociations},
    )
    for handler in ("create_from_cloudformation_json", "update_from_cloudformation_json"):
        patch.setattr(FakeListenerRule, handler, _rule_without_no_value(getattr(FakeListenerRule, handler)))
    association = _then(SubnetRouteTableAssociation, _associate_route_table)
    patch.setattr(SubnetRouteTableAssociation, "create_from_cloudformation_json", association)
    emulated_ipv6_cloudfront.apply(patch)


@contextlib.contextmanager
def aws_cli() -> Iterator[Callable[[str], str]]:
    """Runs shell with the project's AWS CLI against the emulated account of the enclosing ``emulated_account``: a
    moto server on 127.0.0.1 serves the same in-process state, every shim applied. Yields ``run(script) -> stdout``;
    a failing script fails the test with its stderr."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    cli_folder = str(Path(sys.executable).parent)
    environment = {
        "PATH": f"{cli_folder}:/usr/bin:/bin",
        "HOME": tempfile.gettempdir(),
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ENDPOINT_URL": f"http://{host}:{port}",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_PAGER": "",
    }

    def run(script: str) -> str:
        done = subprocess.run(
            ["sh", "-c", script], env=environment, capture_output=True, text=True, timeout=120, check=False
        )
        assert done.returncode == 0, f"exit {done.returncode}: {done.stderr}"
        return done.stdout

    try:
        yield run
    finally:
        server.stop()
