"""Preflight of the network's Availability Zones: they exist in the Region, there are enough of them, Fargate runs in
each (by AZ ID, regions/fargate_zones.py), and, with CloudFront in front, VPC origins work in each."""

from __future__ import annotations

from collections.abc import Iterator

from ..config.cloudfront import CLOUDFRONT
from ..config.file import Deployment
from ..deploy.plan import NETWORK
from ..regions.availability import BY_KEY, VPC_ORIGIN_EXCLUDED_ZONE_IDS
from ..regions.fargate_zones import FARGATE_REGIONS_PAGE, runs_fargate
from .context import Context
from .results import FAIL, PASS, Result

CHECK = "zones"


def check_zones(context: Context) -> Iterator[Result]:
    network = next((stack for stack in context.stacks if stack.role == NETWORK), None)
    if network is None:
        return
    wanted = context.deployment.network.az_count
    zones = context.aws.client("ec2").describe_availability_zones()["AvailabilityZones"]
    # Fn::GetAZs lists only available Availability Zones: no Local or Wavelength Zones.
    ids = {
        zone["ZoneName"]: zone["ZoneId"]
        for zone in zones
        if zone.get("ZoneType", "availability-zone") == "availability-zone" and zone.get("State") == "available"
    }
    subject = f"{network.stack_name} AvailabilityZones"
    # Fn::GetAZs lists the Region's AZs in name order; the template takes the first az_count.
    chosen = sorted(ids)[:wanted]
    if len(chosen) < wanted:
        detail = f"az_count {wanted}, but only {len(chosen)} AZs: {', '.join(chosen) or 'none'}"
        yield Result(FAIL, CHECK, subject, detail, "lower az_count or name more AZs")
        return
    without = [f"{name} ({ids[name]})" for name in chosen if not runs_fargate(context.region, ids[name])]
    if without:
        detail = f"Fargate does not run in {', '.join(without)} ({FARGATE_REGIONS_PAGE})"
        fix = "set the AvailabilityZones parameter to AZs Fargate runs in"
        yield Result(FAIL, CHECK, subject, detail, fix)
        return
    excluded = [f"{name} ({ids[name]})" for name in chosen if ids[name] in VPC_ORIGIN_EXCLUDED_ZONE_IDS]
    if excluded and _uses_cloudfront(context.deployment):
        page = BY_KEY["cloudfront_vpc_origin"].source.split(" ")[0]
        detail = f"CloudFront VPC origins do not work in {', '.join(excluded)} ({page})"
        yield Result(FAIL, CHECK, subject, detail, "set the AvailabilityZones parameter to other AZs")
        return
    yield Result(PASS, CHECK, subject, ", ".join(f"{name} ({ids[name]})" for name in chosen))


def _uses_cloudfront(deployment: Deployment) -> bool:
    front_door = deployment.front_door
    return (front_door is not None and front_door.kind == CLOUDFRONT) or any(
        service.load_balancer.kind == CLOUDFRONT for service in deployment.services
    )
