"""Deploy one network, one shared front door and two services attached to it into emulated AWS (moto, in-process).

The two services are examples/shared-alb.toml's golden render, whose listener rule priorities were assigned at
generation. The emulated ELB must end up with both rules on the one HTTPS listener at distinct priorities, each
forwarding to its own target group of IP targets (Fargate's awsvpc tasks), the front door's security group must
reach each service's container port and nothing else, and everything must tear down in reverse order.

Shims: the ones of tests/emulated_aws.py (through the ``aws`` fixture), and one more: moto keeps an
``AWS::NoValue`` inside a list as None (CloudFormation drops it), so a listener rule whose path condition is switched
off by ``Fn::If`` would reach moto's validation with a None condition; ``_conditions_without_no_value`` drops it.
What moto 5.2.5 does not emulate here, beyond what that module lists: an ECS service's network configuration (the
tasks' subnets and AssignPublicIp are asserted on the templates by the static tests), and
AWS::EC2::SecurityGroupEgress (moto's CloudFormation skips it with a warning, so the front door's egress to each
service is asserted on the templates, in tests/layers/service/test_front_door_rule.py), and deleting a service stack
leaves its listener rule on the listener (moto does not delete AWS::ElasticLoadBalancingV2::ListenerRule), so the
order of the teardown is exercised, not proven.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
from conftest import ROOT, TEMPLATES
from emulated_aws import KNOWN_GAP_WARNINGS
from emulated_aws import assert_status as _assert_status
from emulated_aws import create_stack as _create
from emulated_aws import delete_network as _delete_network
from emulated_aws import ecs_services as _services
from emulated_aws import physical_ids as _physical_ids
from emulated_aws import stack_exports as _exports
from moto.elbv2.models import FakeListenerRule

from fargate_private_templates.render.loader import load_template

# The known gaps of test_emulated_deploy, and moto skipping AWS::EC2::SecurityGroupEgress (see above).
pytestmark = [
    *KNOWN_GAP_WARNINGS,
    pytest.mark.filterwarnings("ignore:Tried to parse AWS..EC2..SecurityGroupEgress:UserWarning"),
]
GOLDEN = ROOT / "tests" / "golden" / "examples" / "shared-alb"
SERVICES = ("web", "api")


@pytest.fixture(autouse=True)
def _conditions_without_no_value(monkeypatch: pytest.MonkeyPatch) -> None:
    create = FakeListenerRule.create_from_cloudformation_json

    def wrapped(cls: type, name: str, cloudformation_json: dict, *args: Any, **kwargs: Any) -> Any:
        properties = cloudformation_json["Properties"]
        properties["Conditions"] = [c for c in properties.get("Conditions", []) if c is not None]
        return create(name, cloudformation_json, *args, **kwargs)

    monkeypatch.setattr(FakeListenerRule, "create_from_cloudformation_json", classmethod(wrapped))


def _default(path: Path, parameter: str) -> str:
    return str(load_template(path)["Parameters"][parameter]["Default"])


def test_two_services_share_one_front_door_with_distinct_rule_priorities(
    aws: boto3.Session, certificate_arn: str
) -> None:
    cfn, elb, ec2 = aws.client("cloudformation"), aws.client("elbv2"), aws.client("ec2")
    network_id = _create(cfn, "fd-network", TEMPLATES / "network.yaml", {})
    ingress_parameters = {"NetworkStackName": "fd-network", "CertificateArn": certificate_arn}
    ingress_id = _create(cfn, "fd-ingress", TEMPLATES / "ingress-alb.yaml", ingress_parameters)
    front_door = _exports(cfn, ingress_id)
    network = _exports(cfn, network_id)
    listener_arn = front_door["fd-ingress-HttpsListenerArn"]
    (balancer,) = elb.describe_load_balancers(
        LoadBalancerArns=list(_physical_ids(cfn, ingress_id, "AWS::ElasticLoadBalancingV2::LoadBalancer").values())
    )["LoadBalancers"]
    assert balancer["Scheme"] == "internet-facing"
    assert {z["SubnetId"] for z in balancer["AvailabilityZones"]} == set(
        network["fd-network-PublicSubnetIds"].split(",")
    )

    service_ids = {}
    for name in SERVICES:
        path = GOLDEN / f"service-{name}.yaml"
        parameters = {"NetworkStackName": "fd-network", "IngressStackName": "fd-ingress", "ImageTag": "1.0.0"}
        service_ids[name] = _create(cfn, f"fd-{name}", path, parameters)

    rules = [r for r in elb.describe_rules(ListenerArn=listener_arn)["Rules"] if not r["IsDefault"]]
    expected = {int(_default(GOLDEN / f"service-{name}.yaml", "ListenerRulePriority")) for name in SERVICES}
    assert {int(r["Priority"]) for r in rules} == expected and len(expected) == len(SERVICES)
    forwarded = {a["TargetGroupArn"] for r in rules for a in r["Actions"]}
    owned = {
        arn
        for stack_id in service_ids.values()
        for arn in _physical_ids(cfn, stack_id, "AWS::ElasticLoadBalancingV2::TargetGroup").values()
    }
    assert forwarded == owned and len(owned) == len(SERVICES)
    for group in elb.describe_target_groups(TargetGroupArns=sorted(owned))["TargetGroups"]:
        # Fargate tasks register by their private IP (awsvpc): no instance, no public address.
        assert group["TargetType"] == "ip" and group["VpcId"] == network["fd-network-VpcId"]
    # The default action answers 404 to requests no rule claims.
    (default_rule,) = [r for r in elb.describe_rules(ListenerArn=listener_arn)["Rules"] if r["IsDefault"]]
    assert default_rule["Actions"][0]["FixedResponseConfig"]["StatusCode"] == "404"

    front_door_group = front_door["fd-ingress-LoadBalancerSecurityGroupId"]
    for name, stack_id in service_ids.items():
        (task_group,) = _physical_ids(cfn, stack_id, "AWS::EC2::SecurityGroup").values()
        (group,) = ec2.describe_security_groups(GroupIds=[task_group])["SecurityGroups"]
        sources = {p["GroupId"] for rule in group["IpPermissions"] for p in rule["UserIdGroupPairs"]}
        assert sources == {front_door_group}, name
        assert all(not rule["IpRanges"] for rule in group["IpPermissions"]), name
        assert {s["clusterArn"] for s in _services(aws, stack_id)} == {network["fd-network-ClusterArn"]}

    for stack_id in service_ids.values():
        cfn.delete_stack(StackName=stack_id)
        _assert_status(cfn, stack_id, "DELETE_COMPLETE")
    cfn.delete_stack(StackName=ingress_id)
    _assert_status(cfn, ingress_id, "DELETE_COMPLETE")
    _delete_network(cfn, network_id)
