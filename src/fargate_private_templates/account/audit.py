"""``audit``: read what is live for deployed stacks and run the same rules as ``check`` on it, plus report what is live
but in no deployed template. Run it after each deploy and on a schedule: a rule broken by hand (a group opened, a
route added, a subnet flipped) shows up here, not in the templates."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..checks import check_dicts
from ..checks.report import CheckReport, Finding
from ..checks.rulebook import ERROR
from ..deploy.plan import plan_for_config
from ..errors import ConfigError
from .aws import AccountError, Aws
from .deployed import DeployedStack, read_stack
from .drift import Drift, route_drift, security_group_drift
from .live import LiveWorld, read_network, read_security_groups
from .live_services import link_load_balancer_networks, link_service_networks, read_load_balancers, read_services
from .preflight import stacks_to_check

LIVE = "live"


@dataclass
class AuditReport:
    """The checker's report on the live resources, plus drift (listed as warnings: exit 1 only with --strict)."""

    check: CheckReport
    stacks: list[str]
    drift: list[Drift] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return self.check.exit_code

    def format_text(self) -> str:
        lines = self.check.format_text().splitlines()
        summary = lines.pop()
        lines += [d.format_text() for d in self.drift]
        lines.append(f"audit of {', '.join(self.stacks)}: {summary}, {len(self.drift)} drifted")
        return "\n".join(lines) + "\n"

    def format_json(self) -> str:
        document = json.loads(self.check.format_json())
        document["stacks"] = self.stacks
        document["drift"] = [d.as_dict() for d in self.drift]
        document["summary"]["drift"] = len(self.drift)
        return json.dumps(document, indent=2) + "\n"


def stack_names_for(config: str | Path | None, names: Sequence[str], aws: Aws) -> list[str]:
    if config is None:
        if not names:
            raise ConfigError("audit: give --config FILE or at least one --stack NAME")
        return list(names)
    _, _, plan = plan_for_config(config)
    return [stack.stack_name for stack in stacks_to_check(plan, aws.account, names)]


def audit(config: str | Path | None = None, stacks: Sequence[str] = (), aws: Aws | None = None) -> AuditReport:
    aws = aws or Aws()
    names = stack_names_for(config, stacks, aws)
    cloudformation = aws.client("cloudformation")
    exports = {
        export["Name"]: export["Value"]
        for page in cloudformation.get_paginator("list_exports").paginate()
        for export in page["Exports"]
    }
    deployed: list[DeployedStack] = []
    for name in names:
        stack = read_stack(aws, name, exports)
        if stack is None:
            raise AccountError(f"audit: stack {name} does not exist in {aws.account} {aws.region}; deploy it first")
        deployed.append(stack)
    world = read_world(aws, deployed)
    report = check_dicts({LIVE: world.template})
    for task, interface, public_ip in world.public_tasks:
        message = f"runs with public IP {public_ip} on network interface {interface}: tasks must have only private IPs"
        report.findings.append(Finding(LIVE, task.split(":", 5)[-1], "E9001", ERROR, message))
    drift = security_group_drift(deployed, world) + route_drift(deployed, world)
    return AuditReport(report, names, drift)


def read_world(aws: Aws, stacks: list[DeployedStack]) -> LiveWorld:
    """Everything the stacks own or point at, read live, in the order the references need."""
    world = LiveWorld()
    services = [arn for stack in stacks for arn in stack.of_type("AWS::ECS::Service")]
    balancers = [arn for stack in stacks for arn in stack.of_type("AWS::ElasticLoadBalancingV2::LoadBalancer")]
    service_subnets, service_groups = read_services(aws, world, services)
    balancer_subnets, balancer_groups = read_load_balancers(aws, world, balancers)
    vpcs = {vpc for stack in stacks for vpc in stack.of_type("AWS::EC2::VPC")}
    subnets = service_subnets | balancer_subnets
    if subnets:
        found = aws.client("ec2").describe_subnets(SubnetIds=sorted(subnets))["Subnets"]
        vpcs |= {subnet["VpcId"] for subnet in found}
    if vpcs:
        read_network(aws, world, vpcs)
    groups = service_groups | balancer_groups | {g for s in stacks for g in s.of_type("AWS::EC2::SecurityGroup")}
    read_security_groups(aws, world, groups)
    link_service_networks(world)
    link_load_balancer_networks(world)
    return world
