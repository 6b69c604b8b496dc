"""Preflight of the quotas the config needs: read from Service Quotas where the account has an applied value, else
AWS's default there, else the documented default; each result says which source it used.

"GetServiceQuota: Retrieves the applied quota value for the specified quota. For some quotas, only the default values
are available. If the applied quota value is not available for a quota, the quota is not retrieved."
(https://docs.aws.amazon.com/servicequotas/2019-06-24/apireference/API_GetServiceQuota.html); GetAWSDefaultServiceQuota
"does not reflect any quota increases" (.../API_GetAWSDefaultServiceQuota.html).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from botocore.exceptions import ClientError

from ..config.cloudfront import CLOUDFRONT
from ..config.load_balancer import ALB, NLB, SHARED
from ..config.network import NAT_PER_AZ, NAT_SINGLE
from ..deploy.plan import FRONT_DOOR, NETWORK
from .aws import denied, error_code
from .context import AccountReader, Context
from .results import FAIL, PASS, SKIP, WARN, Result

CHECK = "quota"
VPC_QUOTAS_PAGE = "https://docs.aws.amazon.com/general/latest/gr/vpc-service.html"
EC2_QUOTAS_PAGE = "https://docs.aws.amazon.com/general/latest/gr/ec2-service.html"
ALB_QUOTAS_PAGE = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html"
NLB_QUOTAS_PAGE = "https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-limits.html"
ECS_QUOTAS_PAGE = "https://docs.aws.amazon.com/general/latest/gr/ecs-service.html"


@dataclass(frozen=True)
class Quota:
    """One quota: its Service Quotas codes, its name, and its documented default (None: no fixed default)."""

    service_code: str
    quota_code: str
    name: str
    default: float | None
    page: str


ELASTIC_IPS = Quota("ec2", "L-0263D0A3", "EC2-VPC Elastic IPs", 5, EC2_QUOTAS_PAGE)
VPCS = Quota("vpc", "L-F678F1CE", "VPCs per Region", 5, VPC_QUOTAS_PAGE)
INTERFACE_ENDPOINTS = Quota("vpc", "L-29B6F2EB", "Interface VPC endpoints per VPC", 50, VPC_QUOTAS_PAGE)
ALBS = Quota("elasticloadbalancing", "L-53DA6B97", "Application Load Balancers per Region", 50, ALB_QUOTAS_PAGE)
NLBS = Quota("elasticloadbalancing", "L-69A177A2", "Network Load Balancers per Region", 50, NLB_QUOTAS_PAGE)
RULES = Quota("elasticloadbalancing", "L-7EED9B64", "Rules per Application Load Balancer", 100, ALB_QUOTAS_PAGE)
# New accounts get lower applied values than AWS's default, so there is no default to fall back on.
FARGATE_ON_DEMAND = Quota("fargate", "L-3032A538", "Fargate On-Demand vCPU resource count", None, ECS_QUOTAS_PAGE)
FARGATE_SPOT = Quota("fargate", "L-36FBB829", "Fargate Spot vCPU resource count", None, ECS_QUOTAS_PAGE)
QUOTAS = (ELASTIC_IPS, VPCS, INTERFACE_ENDPOINTS, ALBS, NLBS, RULES, FARGATE_ON_DEMAND, FARGATE_SPOT)


@dataclass(frozen=True)
class QuotaValue:
    value: float | None
    source: str


def read_quota(context: AccountReader, quota: Quota) -> QuotaValue:
    """The applied value, else AWS's default, else the documented one; ``source`` says which."""
    client = context.aws.client("service-quotas")
    codes = {"ServiceCode": quota.service_code, "QuotaCode": quota.quota_code}
    for operation, source in (
        (client.get_service_quota, "applied value, Service Quotas"),
        (client.get_aws_default_service_quota, "AWS default, Service Quotas"),
    ):
        try:
            return QuotaValue(float(operation(**codes)["Quota"]["Value"]), source)
        except ClientError as error:
            # No applied value (NoSuchResourceException), not allowed, or not answered: try the next source.
            if not (denied(error) or error_code(error) in ("NoSuchResourceException", "ServiceException")):
                raise
    if quota.default is None:
        return QuotaValue(None, "not readable, and no fixed default")
    return QuotaValue(quota.default, f"documented default, {quota.page}")


def compare(
    context: AccountReader, quota: Quota, subject: str, used: float, needed: float, fix: str, least: float | None = None
) -> Result:
    """FAIL when ``used + needed`` is over the quota, WARN instead when ``used + least`` still fits."""
    value = read_quota(context, quota)
    what = f"{quota.name} ({quota.service_code} {quota.quota_code})"
    if value.value is None:
        detail = f"{what}: {value.source}; this config needs {needed:g} more"
        return Result(SKIP, CHECK, subject, detail, "check the quota in the Service Quotas console")
    total = used + needed
    detail = f"{what} is {value.value:g} ({value.source}); {used:g} in use + {needed:g} needed = {total:g}"
    if total <= value.value:
        return Result(PASS, CHECK, subject, detail)
    if least is not None and used + least <= value.value:
        return Result(WARN, CHECK, subject, f"{detail}: scaling out will stop short", fix)
    return Result(FAIL, CHECK, subject, detail, fix)


def check_quotas(context: Context) -> Iterator[Result]:
    network = next((stack for stack in context.stacks if stack.role == NETWORK), None)
    if network is not None:
        yield from _network_quotas(context, network.stack_name)
    yield from _load_balancer_quotas(context)
    yield from _fargate_quotas(context)


def _network_quotas(context: Context, stack_name: str) -> Iterator[Result]:
    config = context.deployment.network
    existing = context.stack(stack_name) is not None
    resources = context.stack_resources(stack_name) if existing else []
    nat_gateways = {NAT_PER_AZ: config.az_count, NAT_SINGLE: 1}.get(config.nat_mode, 0)
    if nat_gateways:
        addresses = context.aws.client("ec2").describe_addresses()["Addresses"]
        own = sum(1 for r in resources if r["ResourceType"] == "AWS::EC2::EIP")
        fix = "release unused Elastic IPs or request a higher quota before deploying the NAT gateways"
        subject = f"{stack_name}: one Elastic IP per NAT gateway ({nat_gateways})"
        yield compare(context, ELASTIC_IPS, subject, len(addresses), max(0, nat_gateways - own), fix)
    if not existing:
        vpcs = context.aws.client("ec2").describe_vpcs()["Vpcs"]
        fix = "delete an unused VPC or request a higher quota"
        yield compare(context, VPCS, f"{stack_name}: its VPC", len(vpcs), 1, fix)
    if config.interface_endpoints:
        subject = f"{stack_name}: interface endpoints {', '.join(config.interface_endpoints)}"
        fix = "request a higher quota"
        yield compare(context, INTERFACE_ENDPOINTS, subject, 0, len(config.interface_endpoints), fix)


def _load_balancer_quotas(context: Context) -> Iterator[Result]:
    new = {ALB: 0, NLB: 0}
    if any(s.role == FRONT_DOOR and context.stack(s.stack_name) is None for s in context.stacks):
        new[ALB] += 1
    for stack, service in context.services():
        # A service behind CloudFront has an internal ALB of its own, the distribution's VPC origin.
        kind = ALB if service.load_balancer.kind == CLOUDFRONT else service.load_balancer.kind
        if kind in new and context.stack(stack.stack_name) is None:
            new[kind] += 1
    if any(new.values()):
        balancers = context.aws.client("elbv2").get_paginator("describe_load_balancers").paginate()
        types = [b.get("Type", "application") for page in balancers for b in page["LoadBalancers"]]
        for kind, quota, type_name in ((ALB, ALBS, "application"), (NLB, NLBS, "network")):
            if new[kind]:
                fix = "delete unused load balancers or request a higher quota"
                yield compare(context, quota, f"{new[kind]} new {kind.upper()}", types.count(type_name), new[kind], fix)
    shared = [service for _, service in context.services() if service.load_balancer.kind == SHARED]
    if shared:
        rules = sum(1 + (service.deployment.test_header_name is not None) for service in shared)
        subject = f"{context.plan.name} front door: {rules} listener rules of {len(shared)} services"
        yield compare(context, RULES, subject, 0, rules, "split the services over two front doors")


def _fargate_quotas(context: Context) -> Iterator[Result]:
    """vCPUs at max_capacity (a warning when only the scaled-out count does not fit; an error when min_capacity does
    not). Tasks already running in the account are not counted."""
    on_demand = spot = on_demand_min = spot_min = 0.0
    for _, service in context.services():
        vcpus = service.cpu / 1024
        if service.capacity.uses_spot:
            spot += service.scaling.max_capacity * vcpus
            spot_min += service.scaling.min_capacity * vcpus
        else:
            on_demand += service.scaling.max_capacity * vcpus
            on_demand_min += service.scaling.min_capacity * vcpus
    for quota, needed, least in ((FARGATE_ON_DEMAND, on_demand, on_demand_min), (FARGATE_SPOT, spot, spot_min)):
        if not needed:
            continue
        subject = f"vCPUs of the services at max_capacity ({needed:g}; {least:g} at min_capacity)"
        yield compare(context, quota, subject, 0, needed, "request a higher quota", least)
