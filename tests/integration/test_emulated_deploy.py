"""Deploy the committed templates into an emulated AWS (moto, in-process: no network, fake credentials).

Each network template is created with ``create_stack`` and the VPC it builds is checked; each ``service-*`` template
is then created against a network stack, its imports checked, updated (DesiredCount) and deleted before the network.

Test-side shims (tests/emulated_aws.py) make moto 5.2.5 do what CloudFormation does; the templates go in as committed:
Fn::Cidr and Fn::GetStackOutput (moto has neither; the output is read from DescribeStacks, Region honoured, RoleArn
accepted but not assumed: one emulated account), the load balancer's Type and IpAddressType, a subnet's
MapPublicIpOnLaunch, subnet route table associations visible to DescribeRouteTables (moto drops or hides each), and
a cluster's capacity providers, with ECS's refusal of a service whose strategy names one its cluster lacks (moto
checks nothing): a Spot service is deployed into the catalogue network's cluster, and refused in a network rendered
before every cluster offered Spot.

What this does not assert, because moto 5.2.5 does not emulate it (measured; the static template tests cover it):
- ECS service: moto keeps only cluster, task definition and desired count. LaunchType (reported EC2),
  NetworkConfiguration (private subnets, AssignPublicIp DISABLED, security groups), LoadBalancers and the
  deployment settings are dropped, so "tasks have only private IPs" cannot be read back here.
- Task definition: NetworkMode (reported bridge), RequiresCompatibilities, Cpu, RuntimePlatform and both role ARNs
  are dropped.
- Application Auto Scaling (ScalableTarget, ScalingPolicy): moto's CloudFormation skips the resources with a warning.
- Security groups: SecurityGroupEgress on AWS::EC2::SecurityGroup is dropped (moto keeps allow-all egress);
  ingress rules, including the separate AWS::EC2::SecurityGroupIngress, are kept and checked.
- Load balancer: LoadBalancerAttributes (deletion protection, header hardening) are dropped.
- Parameter constraints (MinValue, MaxValue, AllowedPattern) are not enforced; cfn-lint and the unit tests check them.
- Exports in use are not protected, and ListImports is not implemented: deleting the network stack first is not
  refused for the right reason, so the order is only exercised, not proven necessary.
- A change set of type CREATE, once executed, registers no exports: stacks here are made with create_stack.
- UsePreviousValue fails for a parameter left to its default at creation: updates repeat only the given ones.
- Updating the ECS service replaces it (moto compares the imported cluster ARN with an ARN built from that ARN), so
  the update is checked by the new desired count, not by an unchanged physical id.
- Deleting a network stack fails with DependencyViolation on the VPC: moto's CloudFormation delete does nothing for
  route tables, routes, NAT gateways and the gateway attachment. That one error is tolerated (see
  emulated_aws.delete_network).
- Growing a network under a stack_outputs service: moto keeps the service's resources as they were when their
  template text is unchanged, so the update after the network grows is checked to succeed, not to move the load
  balancer or tasks into the third AZ.
- Regional NAT gateways (AvailabilityMode regional, no SubnetId): moto's NatGateway handler requires SubnetId and
  raises KeyError, so those templates are expected to fail here (strict xfail: it alerts once moto supports them).
"""

from __future__ import annotations

import copy
import functools
import ipaddress
import itertools
import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from conftest import TEMPLATES
from emulated_aws import KNOWN_GAP_WARNINGS, REGION, stack_output
from emulated_aws import assert_status as _assert_status
from emulated_aws import delete_network as _delete_network
from emulated_aws import ecs_services as _services
from emulated_aws import physical_ids as _physical_ids
from emulated_aws import stack_exports as _exports

from fargate_private_templates.catalogue import CATALOGUE
from fargate_private_templates.config.capacity import CapacityOptions
from fargate_private_templates.config.network import NetworkConfig, subnet_plan
from fargate_private_templates.config.service import ServiceConfig
from fargate_private_templates.contract import LIST_SEPARATOR, NO_ENDPOINTS, STACK_OUTPUTS
from fargate_private_templates.layers import build_network, build_service
from fargate_private_templates.render import ordered_dict
from fargate_private_templates.render.loader import load_template

ANYWHERE = "0.0.0.0/0"
# The networks every service stack is deployed against: egress through NAT, and through VPC endpoints only.
SERVICE_NETWORKS = ["network.yaml", "network-endpoints.yaml"]
NETWORKS = [e.filename for e in CATALOGUE if e.filename.startswith("network")]
# Services with a load balancer of their own; the shared front door's are deployed in test_emulated_front_door.py.
SERVICES = [e.filename for e in CATALOGUE if e.filename.startswith("service-") and "shared" not in e.filename]
pytestmark = [*KNOWN_GAP_WARNINGS]


# --- deploying ---------------------------------------------------------------------------------------------------


@functools.cache
def _template(filename: str) -> dict[str, Any]:
    return load_template(TEMPLATES / filename)


def _body(filename: str) -> str:
    # The committed YAML, read by the project's loader (as the static tests read it) and handed over as long-form
    # JSON, so moto's own handling of short-form tags is not what is tested.
    return json.dumps(_template(filename))


@functools.cache
def _contract() -> dict[str, Any]:
    return json.loads((TEMPLATES / "exports.json").read_text(encoding="utf-8"))


def _stack_name(filename: str, prefix: str = "emu") -> str:
    return f"{prefix}-{filename.removesuffix('.yaml')}"


def _create(cfn: Any, stack: str, filename: str, parameters: dict[str, str] | None = None) -> str:
    """Creates the stack, asserts CREATE_COMPLETE and returns its id."""
    stack_id = cfn.create_stack(
        StackName=stack,
        TemplateBody=_body(filename),
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in (parameters or {}).items()],
        Capabilities=["CAPABILITY_IAM"],
    )["StackId"]
    _assert_status(cfn, stack_id, "CREATE_COMPLETE")
    return stack_id


def _uses_regional_nat(filename: str) -> bool:
    return any(
        r["Type"] == "AWS::EC2::NatGateway" and r["Properties"].get("AvailabilityMode") == "regional"
        for r in _template(filename)["Resources"].values()
    )


def _network_param(filename: str) -> Any:
    if not _uses_regional_nat(filename):
        return filename
    reason = "moto 5.2.5: NatGateway without SubnetId (regional availability mode) raises KeyError('SubnetId')"
    return pytest.param(filename, marks=pytest.mark.xfail(raises=KeyError, strict=True, reason=reason))


# --- network checks ----------------------------------------------------------------------------------------------


def _split(value: str) -> list[str]:
    return value.split(LIST_SEPARATOR)


def _route_table_by_subnet(ec2: Any, vpc_id: str) -> dict[str, dict]:
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"]
    return {a["SubnetId"]: t for t in tables for a in t.get("Associations", []) if a.get("SubnetId")}


def _default_route(table: dict) -> dict | None:
    return next((r for r in table["Routes"] if r.get("DestinationCidrBlock") == ANYWHERE), None)


def _assert_subnet_plan(ec2: Any, vpc_id: str, vpc_cidr: str) -> None:
    vpc = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]
    assert vpc["CidrBlock"] == vpc_cidr
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    blocks = [ipaddress.ip_network(s["CidrBlock"]) for s in subnets]
    assert all(block.subnet_of(ipaddress.ip_network(vpc_cidr)) for block in blocks), blocks
    assert not any(a.overlaps(b) for a, b in itertools.combinations(blocks, 2)), blocks
    assert not [s["SubnetId"] for s in subnets if s["MapPublicIpOnLaunch"]], "a subnet maps public IPs"


def _assert_nat_gateways_in_public_subnets(ec2: Any, vpc_id: str, tables: dict[str, dict]) -> list[dict]:
    nat_gateways = ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NatGateways"]
    for nat in nat_gateways:
        route = _default_route(tables.get(nat["SubnetId"], {"Routes": []}))
        assert route and route.get("GatewayId", "").startswith("igw-"), f"{nat['NatGatewayId']} not in a public subnet"
    return nat_gateways


def _assert_private_egress(ec2: Any, exports: dict[str, str], stack: str, tables: dict[str, dict]) -> None:
    vpc_id, mode = exports[f"{stack}-VpcId"], exports[f"{stack}-EgressMode"]
    nat_gateways = {n["NatGatewayId"]: n for n in _assert_nat_gateways_in_public_subnets(ec2, vpc_id, tables)}
    private_subnets = _split(exports[f"{stack}-PrivateSubnetIds"])
    assert {tables[s]["RouteTableId"] for s in private_subnets} <= set(_split(exports[f"{stack}-PrivateRouteTableIds"]))
    zones = {s["SubnetId"]: s["AvailabilityZone"] for s in ec2.describe_subnets(SubnetIds=private_subnets)["Subnets"]}
    used = []
    for subnet in private_subnets:
        route = _default_route(tables[subnet])
        if mode == "none":
            assert route is None, f"{subnet}: isolated subnets have no default route"
            continue
        assert route and route.get("NatGatewayId") in nat_gateways, f"{subnet}: default route {route} is not a NAT"
        used.append(route["NatGatewayId"])
        if mode == "per_az":
            nat_subnet = nat_gateways[route["NatGatewayId"]]["SubnetId"]
            nat_zone = ec2.describe_subnets(SubnetIds=[nat_subnet])["Subnets"][0]["AvailabilityZone"]
            assert nat_zone == zones[subnet], f"{subnet}: per-AZ NAT must sit in its own AZ"
    expected_nat_count = {"per_az": len(private_subnets), "none": 0}.get(mode, 1)
    assert len(set(used)) == expected_nat_count == len(nat_gateways)


def _assert_endpoints(ec2: Any, exports: dict[str, str], stack: str, tables: dict[str, dict]) -> None:
    # Interface endpoints sit in the private subnets with private DNS; gateway endpoints route every private table.
    listed = exports.get(f"{stack}-VpcEndpoints", NO_ENDPOINTS)
    wanted = set() if listed == NO_ENDPOINTS else {f"com.amazonaws.{REGION}.{s}" for s in _split(listed)}
    vpc_filter = [{"Name": "vpc-id", "Values": [exports[f"{stack}-VpcId"]]}]
    endpoints = {e["ServiceName"]: e for e in ec2.describe_vpc_endpoints(Filters=vpc_filter)["VpcEndpoints"]}
    assert set(endpoints) == wanted
    private_subnets = set(_split(exports[f"{stack}-PrivateSubnetIds"]))
    private_tables = {tables[s]["RouteTableId"] for s in private_subnets}
    for name, endpoint in endpoints.items():
        if endpoint["VpcEndpointType"] == "Interface":
            assert set(endpoint["SubnetIds"]) == private_subnets and endpoint["PrivateDnsEnabled"], name
        else:
            assert set(endpoint["RouteTableIds"]) == private_tables, name


@pytest.mark.parametrize("filename", [_network_param(f) for f in NETWORKS])
def test_network_stack_keeps_private_subnets_private(aws: boto3.Session, filename: str) -> None:
    cfn, ec2, stack = aws.client("cloudformation"), aws.client("ec2"), _stack_name(filename)
    stack_id = _create(cfn, stack, filename)
    exports = _exports(cfn, stack_id)
    assert set(exports) == {f"{stack}-{key}" for key in _contract()[filename]["exports"]}
    vpc_id = exports[f"{stack}-VpcId"]
    _assert_subnet_plan(ec2, vpc_id, exports[f"{stack}-VpcCidr"])
    tables = _route_table_by_subnet(ec2, vpc_id)
    _assert_private_egress(ec2, exports, stack, tables)
    _assert_endpoints(ec2, exports, stack, tables)


# --- service stacks ----------------------------------------------------------------------------------------------


def _service_parameters(filename: str, network_stack: str, certificate: str) -> dict[str, str]:
    """NetworkStackName plus a test value for each parameter without a default."""
    known = {"CertificateArn": certificate, "ImageTag": "1.0.0"}
    required = [k for k, v in _template(filename)["Parameters"].items() if "Default" not in v]
    missing = [k for k in required if k not in known and k != "NetworkStackName"]
    assert not missing, f"{filename}: give test values for {missing} in _service_parameters"
    return {"NetworkStackName": network_stack} | {k: known[k] for k in required if k in known}


def _assert_imports_resolved(aws: boto3.Session, stack_id: str, network: dict[str, str], prefix: str) -> None:
    """Load balancers in the network's public subnets, groups and target groups in its VPC, services in its cluster."""
    vpc_id = network[f"{prefix}-VpcId"]
    balancers = _assert_load_balancers(aws, stack_id, vpc_id, set(_split(network[f"{prefix}-PublicSubnetIds"])))
    _assert_security_groups(aws, stack_id, vpc_id, {g for b in balancers for g in b.get("SecurityGroups", [])})
    elb, cfn = aws.client("elbv2"), aws.client("cloudformation")
    for arn in _physical_ids(cfn, stack_id, "AWS::ElasticLoadBalancingV2::TargetGroup").values():
        assert elb.describe_target_groups(TargetGroupArns=[arn])["TargetGroups"][0]["VpcId"] == vpc_id, arn
    services = _services(aws, stack_id)
    assert services and {s["clusterArn"] for s in services} == {network[f"{prefix}-ClusterArn"]}


def _assert_load_balancers(aws: boto3.Session, stack_id: str, vpc_id: str, public_subnets: set[str]) -> list[dict]:
    arns = list(
        _physical_ids(aws.client("cloudformation"), stack_id, "AWS::ElasticLoadBalancingV2::LoadBalancer").values()
    )
    balancers = aws.client("elbv2").describe_load_balancers(LoadBalancerArns=arns)["LoadBalancers"]
    assert balancers, "a service stack has a load balancer"
    for balancer in balancers:
        assert {z["SubnetId"] for z in balancer["AvailabilityZones"]} == public_subnets, balancer["LoadBalancerName"]
        assert balancer["VpcId"] == vpc_id and balancer["Scheme"] == "internet-facing", balancer["LoadBalancerName"]
    return balancers


def _assert_security_groups(aws: boto3.Session, stack_id: str, vpc_id: str, balancer_groups: set[str]) -> None:
    ids = list(_physical_ids(aws.client("cloudformation"), stack_id, "AWS::EC2::SecurityGroup").values())
    groups = aws.client("ec2").describe_security_groups(GroupIds=ids)["SecurityGroups"]
    assert {g["VpcId"] for g in groups} == {vpc_id}
    _assert_tasks_admit_only_load_balancers(groups, balancer_groups)


def _assert_tasks_admit_only_load_balancers(groups: list[dict], balancer_groups: set[str]) -> None:
    # Every group that is not a load balancer's is a task group: reachable only from the load balancer's groups.
    for group in groups:
        if group["GroupId"] in balancer_groups:
            continue
        for rule in group["IpPermissions"]:
            assert not rule["IpRanges"] and not rule["Ipv6Ranges"] and not rule["PrefixListIds"], group["GroupId"]
            assert {p["GroupId"] for p in rule["UserIdGroupPairs"]} <= balancer_groups, group["GroupId"]


def _update_desired_count(aws: boto3.Session, stack_id: str, filename: str, given: dict[str, str]) -> None:
    cfn = aws.client("cloudformation")
    (scaling,) = [r for r in _template(filename)["Resources"].values() if r["Type"].endswith("::ScalableTarget")]
    # The parameter is empty by default (autoscaling owns the count); pinning one inside the scaling range.
    count = scaling["Properties"]["MinCapacity"] + 1
    assert count <= scaling["Properties"]["MaxCapacity"], "pick a DesiredCount the template allows"
    # Only the parameters given at creation: moto keeps no previous value for a defaulted one (AWS would).
    previous = [{"ParameterKey": key, "UsePreviousValue": True} for key in given if key != "DesiredCount"]
    cfn.update_stack(
        StackName=stack_id,
        UsePreviousTemplate=True,
        Parameters=[*previous, {"ParameterKey": "DesiredCount", "ParameterValue": str(count)}],
        Capabilities=["CAPABILITY_IAM"],
    )
    _assert_status(cfn, stack_id, "UPDATE_COMPLETE")
    assert {s["desiredCount"] for s in _services(aws, stack_id)} == {count}


def _retained_log_groups(cfn: Any, stack_id: str, filename: str) -> list[str]:
    resources = _template(filename)["Resources"]
    groups = _physical_ids(cfn, stack_id, "AWS::Logs::LogGroup")
    return [name for logical, name in groups.items() if resources[logical].get("DeletionPolicy") == "Retain"]


def _delete_service(aws: boto3.Session, stack_id: str, filename: str) -> None:
    cfn, logs = aws.client("cloudformation"), aws.client("logs")
    retained = _retained_log_groups(cfn, stack_id, filename)
    cfn.delete_stack(StackName=stack_id)
    _assert_status(cfn, stack_id, "DELETE_COMPLETE")
    for name in retained:
        assert logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"], f"{name} should outlive the stack"


@pytest.mark.parametrize("network", SERVICE_NETWORKS)
@pytest.mark.parametrize("filename", SERVICES)
def test_service_stack_imports_updates_and_deletes_before_network(
    aws: boto3.Session, certificate_arn: str, filename: str, network: str
) -> None:
    cfn = aws.client("cloudformation")
    network_stack = _stack_name(filename, prefix=f"emu-{network.removesuffix('.yaml')}-for")
    network_id = _create(cfn, network_stack, network)
    parameters = _service_parameters(filename, network_stack, certificate_arn)
    stack_id = _create(cfn, _stack_name(filename), filename, parameters)
    _assert_imports_resolved(aws, stack_id, _exports(cfn, network_id), network_stack)
    _update_desired_count(aws, stack_id, filename, parameters)
    _delete_service(aws, stack_id, filename)
    _delete_network(cfn, network_id)


# --- growing a deployed network under a service that reads it weakly --------------------------------------------


def _subnets(ec2: Any, ids: list[str]) -> dict[str, str]:
    return {s["SubnetId"]: s["CidrBlock"] for s in ec2.describe_subnets(SubnetIds=ids)["Subnets"]}


def _outputs(cfn: Any, stack: str) -> dict[str, str]:
    return {o["OutputKey"]: o["OutputValue"] for o in cfn.describe_stacks(StackName=stack)["Stacks"][0]["Outputs"]}


def test_network_grows_from_two_to_three_azs_under_a_stack_outputs_service(
    aws: boto3.Session, certificate_arn: str
) -> None:
    cfn, ec2 = aws.client("cloudformation"), aws.client("ec2")
    network_stack, service_stack = "grow-network", "grow-service"
    cfn.create_stack(StackName=network_stack, TemplateBody=_rendered(NetworkConfig(az_count=2)))
    _assert_status(cfn, network_stack, "CREATE_COMPLETE")
    service_body = _rendered(ServiceConfig(references=STACK_OUTPUTS))
    parameters = [
        {"ParameterKey": "NetworkStackName", "ParameterValue": network_stack},
        {"ParameterKey": "CertificateArn", "ParameterValue": certificate_arn},
        {"ParameterKey": "ImageTag", "ParameterValue": "1.0.0"},
    ]
    cfn.create_stack(
        StackName=service_stack, TemplateBody=service_body, Parameters=parameters, Capabilities=["CAPABILITY_IAM"]
    )
    _assert_status(cfn, service_stack, "CREATE_COMPLETE")
    before = _outputs(cfn, network_stack)
    private_before = _split(before["PrivateSubnetIds"])
    public_before = _split(before["PublicSubnetIds"])
    ranges_before = _subnets(ec2, private_before + public_before)
    assert len(private_before) == 2
    _assert_load_balancers(aws, service_stack, before["VpcId"], set(public_before))

    cfn.update_stack(StackName=network_stack, TemplateBody=_rendered(NetworkConfig(az_count=3)))
    _assert_status(cfn, network_stack, "UPDATE_COMPLETE")
    after = _outputs(cfn, network_stack)
    private_after, public_after = _split(after["PrivateSubnetIds"]), _split(after["PublicSubnetIds"])
    assert private_after[:2] == private_before and public_after[:2] == public_before, "existing subnets replaced"
    assert len(private_after) == len(public_after) == 3
    ranges_after = _subnets(ec2, private_after + public_after)
    assert {k: ranges_after[k] for k in ranges_before} == ranges_before
    plan = subnet_plan(after["VpcCidr"], 3)
    assert [ranges_after[s] for s in private_after] == [str(slot.private) for slot in plan]

    # What the service's next update reads: the grown network's 3 private subnets, in AZ order. moto 5.2.5 does not
    # re-resolve a resource whose template text is unchanged on update (measured: the load balancer keeps its 2
    # subnets), so the service's own move into the new subnets is not emulated here; the update must still succeed.
    assert _split(stack_output(network_stack, "PrivateSubnetIds", None)) == private_after
    cfn.update_stack(
        StackName=service_stack, UsePreviousTemplate=True, Parameters=parameters, Capabilities=["CAPABILITY_IAM"]
    )
    _assert_status(cfn, service_stack, "UPDATE_COMPLETE")


def _rendered(config: NetworkConfig | ServiceConfig) -> str:
    build = build_network if isinstance(config, NetworkConfig) else build_service
    return json.dumps(ordered_dict(build(config)))


# --- a Spot service in the catalogue network's cluster ------------------------------------------------------------


def _network_before_spot_was_offered() -> str:
    """The catalogue network as rendered before every cluster offered the Fargate providers: no association."""
    template = copy.deepcopy(_template("network.yaml"))
    del template["Resources"]["ClusterCapacityProviders"]
    del template["Conditions"]["PartitionHasFargateSpot"]
    return json.dumps(template)


def test_a_spot_service_runs_in_the_catalogue_networks_cluster_and_is_refused_where_spot_is_not_offered(
    aws: boto3.Session, certificate_arn: str
) -> None:
    """The emulated CreateService refuses a strategy naming a provider the cluster lacks (tests/emulated_aws.py), as
    ECS does: the catalogue network, rendered with no Spot service in sight, offers FARGATE_SPOT in the commercial
    partition, so a Spot service rendered on its own deploys into it."""
    cfn, ecs = aws.client("cloudformation"), aws.client("ecs")
    spot = ServiceConfig(capacity=CapacityOptions(spot_weight=3, on_demand_base=1))
    parameters = [
        {"ParameterKey": "CertificateArn", "ParameterValue": certificate_arn},
        {"ParameterKey": "ImageTag", "ParameterValue": "1.0.0"},
    ]
    network_id = _create(cfn, "spot-network", "network.yaml")
    cluster_arn = _exports(cfn, network_id)["spot-network-ClusterArn"]
    (cluster,) = ecs.describe_clusters(clusters=[cluster_arn])["clusters"]
    assert cluster["capacityProviders"] == ["FARGATE", "FARGATE_SPOT"]
    assert cluster["defaultCapacityProviderStrategy"] == [{"capacityProvider": "FARGATE", "weight": 1}]
    service_id = cfn.create_stack(
        StackName="spot-service",
        TemplateBody=_rendered(spot),
        Parameters=[{"ParameterKey": "NetworkStackName", "ParameterValue": "spot-network"}, *parameters],
        Capabilities=["CAPABILITY_IAM"],
    )["StackId"]
    _assert_status(cfn, service_id, "CREATE_COMPLETE")
    assert {s["clusterArn"] for s in _services(aws, service_id)} == {cluster_arn}

    cfn.create_stack(StackName="old-network", TemplateBody=_network_before_spot_was_offered())
    _assert_status(cfn, "old-network", "CREATE_COMPLETE")
    with pytest.raises(ClientError) as refused:
        cfn.create_stack(
            StackName="spot-on-old-network",
            TemplateBody=_rendered(spot),
            Parameters=[{"ParameterKey": "NetworkStackName", "ParameterValue": "old-network"}, *parameters],
            Capabilities=["CAPABILITY_IAM"],
        )
    assert refused.value.response["Error"]["Code"] == "InvalidParameterException"
    assert "not associated with the cluster" in refused.value.response["Error"]["Message"]

    cfn.delete_stack(StackName=service_id)
    _assert_status(cfn, service_id, "DELETE_COMPLETE")
    _delete_network(cfn, network_id)
