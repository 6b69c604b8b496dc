"""What is live but in no deployed template: a route on a route table a stack owns, a rule on a security group a stack
owns. Only what can open a path is compared. What ECS and autoscaling change on purpose (listener weights during a
rollout, the desired count) is never drift; neither is what AWS adds itself (the local route, gateway endpoints'
prefix-list routes, the default egress rule of a group whose template states none)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .deployed import NO_VALUE, UNKNOWN, DeployedStack
from .live import LiveWorld, protocol

SECURITY_GROUP = "AWS::EC2::SecurityGroup"
_STANDALONE_RULES = (("ingress", "AWS::EC2::SecurityGroupIngress"), ("egress", "AWS::EC2::SecurityGroupEgress"))
_DESTINATIONS = ("DestinationCidrBlock", "DestinationIpv6CidrBlock")
ROUTE_TABLE = "AWS::EC2::RouteTable"
_PEERS = ("CidrIp", "CidrIpv6", "SecurityGroupId", "PrefixListId")
# A group's rule: (direction, protocol, from port, to port, peer); any part may be UNKNOWN.
Rule = tuple[str, Any, Any, Any, Any]


@dataclass(frozen=True)
class Drift:
    """Something live that no deployed template states, on a resource of ``stack``."""

    stack: str
    resource: str
    message: str

    def format_text(self) -> str:
        return f"drift: {self.stack}:{self.resource}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        return {"stack": self.stack, "resource": self.resource, "message": self.message}


def _matches(stated: Iterable[Any], live: Iterable[Any]) -> bool:
    return all(s is UNKNOWN or str(s) == str(v) for s, v in zip(stated, live, strict=True))


def _rule(stack: DeployedStack, direction: str, rule: dict[str, Any]) -> Rule:
    peer_prefix = "Source" if direction == "ingress" else "Destination"
    value = stack.value
    kind = value(rule.get("IpProtocol", "-1"))
    kind = protocol(kind) if isinstance(kind, str) else UNKNOWN
    ports = (None, None) if kind == "-1" else (value(rule.get("FromPort")), value(rule.get("ToPort")))
    peer: Any = UNKNOWN
    for key in ("CidrIp", "CidrIpv6", f"{peer_prefix}SecurityGroupId", f"{peer_prefix}PrefixListId"):
        if key in rule:
            peer = value(rule[key])
            break
    return (direction, kind, *ports, peer if isinstance(peer, str) else UNKNOWN)


def _live_rule(direction: str, rule: dict[str, Any]) -> Rule:
    peer = next(rule[key] for key in rule if any(key.endswith(p) for p in _PEERS))
    return (direction, rule["IpProtocol"], rule.get("FromPort"), rule.get("ToPort"), peer)


def _stated_rules(stacks: list[DeployedStack], group_id: str) -> tuple[list[Rule], bool]:
    """The rules every deployed template states for a group, and whether its own template states its egress."""
    rules: list[Rule] = []
    states_egress = False
    for stack in stacks:
        for logical_id, properties in stack.resources(SECURITY_GROUP):
            if stack.physical_ids.get(logical_id) != group_id:
                continue
            states_egress = states_egress or "SecurityGroupEgress" in properties
            for direction, key in (("ingress", "SecurityGroupIngress"), ("egress", "SecurityGroupEgress")):
                listed = properties.get(key, [])
                if not isinstance(listed, list):
                    # An Fn::If around the whole list: any rule may be stated.
                    rules.append((direction, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN))
                    continue
                rules += [_rule(stack, direction, rule) for rule in listed if isinstance(rule, dict)]
        for direction, resource_type in _STANDALONE_RULES:
            for _, properties in stack.resources(resource_type):
                if stack.value(properties.get("GroupId")) in (group_id, UNKNOWN):
                    rules.append(_rule(stack, direction, properties))
    return rules, states_egress


def security_group_drift(stacks: list[DeployedStack], world: LiveWorld) -> list[Drift]:
    drift = []
    for stack in stacks:
        for group_id in stack.of_type(SECURITY_GROUP):
            live = world.resources.get(group_id)
            if live is None:
                continue
            stated, states_egress = _stated_rules(stacks, group_id)
            if not states_egress:
                # AWS gives a group whose template states no egress its allow-all egress rule.
                stated.append(("egress", "-1", None, None, "0.0.0.0/0"))
            properties = live["Properties"]
            for direction, key in (("ingress", "SecurityGroupIngress"), ("egress", "SecurityGroupEgress")):
                for rule in properties[key]:
                    found = _live_rule(direction, rule)
                    if not any(_matches(s, found) for s in stated):
                        ports = "all ports" if found[1] == "-1" else f"{found[1]} {found[2]}-{found[3]}"
                        where = "from" if direction == "ingress" else "to"
                        message = f"{direction} rule {ports} {where} {found[4]} is in no deployed template"
                        drift.append(Drift(stack.name, group_id, message))
    return drift


def _stated_routes(stacks: list[DeployedStack], tables: list[str]) -> dict[str, list[tuple[Any, Any]]]:
    """Route table -> (destination, target) of every route the deployed templates put on it."""
    stated: dict[str, list[tuple[Any, Any]]] = {table: [] for table in tables}
    for stack in stacks:
        for _, properties in stack.resources("AWS::EC2::Route"):
            table = stack.value(properties.get("RouteTableId"))
            destination = stack.value(next((properties[k] for k in _DESTINATIONS if k in properties), None))
            targets = [v for k, v in properties.items() if k.endswith("Id") and k != "RouteTableId"]
            target = stack.value(targets[0]) if targets else UNKNOWN
            for key in stated:
                if table in (key, UNKNOWN):
                    stated[key].append((destination, UNKNOWN if target is NO_VALUE else target))
    return stated


def route_drift(stacks: list[DeployedStack], world: LiveWorld) -> list[Drift]:
    drift = []
    for stack in stacks:
        stated = _stated_routes(stacks, stack.of_type(ROUTE_TABLE))
        for body in world.resources.values():
            properties = body["Properties"]
            if body["Type"] != "AWS::EC2::Route" or properties["RouteTableId"].get("Ref") not in stated:
                continue
            table = properties["RouteTableId"]["Ref"]
            destination = next(properties[k] for k in _DESTINATIONS if k in properties)
            key = next(k for k in properties if k not in ("RouteTableId", *_DESTINATIONS))
            target = properties[key].get("Ref") if isinstance(properties[key], dict) else properties[key]
            if not any(_matches(s, (destination, target)) for s in stated[table]):
                message = f"route {destination} -> {target} is in no deployed template"
                drift.append(Drift(stack.name, table, message))
    return drift
