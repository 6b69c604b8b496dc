"""``render --config`` and ``check`` of examples/cloudfront.toml and examples/dual-stack.toml: the CloudFront design has
nothing with a public IPv4 address but the NAT gateway and passes the checker, and fails it once a load balancer is
internet-facing or its VPC origin is gone; the dual-stack design passes, and fails once a task subnet routes ::/0 to
the internet gateway."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import check_files, render_example, resources_of_type

from fargate_private_templates.render.loader import load_template

LOAD_BALANCER = "AWS::ElasticLoadBalancingV2::LoadBalancer"


def _templates(folder: Path) -> dict[str, dict]:
    return {path.name: load_template(path) for path in sorted(folder.glob("*.yaml"))}


def _public_ipv4_holders(templates: dict[str, dict]) -> list[str]:
    """``file:LogicalId`` of each resource with (or giving out) a public IPv4 address: an Elastic IP, an instance, an
    internet-facing load balancer, a subnet that maps public IPs, a service that assigns them."""
    found = []
    for name, template in templates.items():
        for logical_id, resource in template["Resources"].items():
            kind, properties = resource["Type"], resource.get("Properties", {})
            public = (
                kind == "AWS::EC2::EIP"
                or kind == "AWS::EC2::Instance"
                or (kind == LOAD_BALANCER and properties.get("Scheme", "internet-facing") == "internet-facing")
                or (kind == "AWS::EC2::Subnet" and properties.get("MapPublicIpOnLaunch") is not False)
                or (
                    kind == "AWS::ECS::Service"
                    and properties["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"] != "DISABLED"
                )
            )
            if public:
                found.append(f"{name}:{logical_id}")
    return found


def _write(folder: Path, name: str, template: dict) -> None:
    (folder / name).write_text(yaml.safe_dump(template), encoding="utf-8")


@pytest.fixture
def cloudfront(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    return render_example(tmp_path, "cloudfront.toml", capsys)


def test_the_cloudfront_design_has_only_the_nat_gateways_public_address_and_passes(
    cloudfront: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    templates = _templates(cloudfront)
    origins = {name for name, t in templates.items() if resources_of_type(t, "AWS::CloudFront::VpcOrigin")}
    assert origins == {"ingress.yaml", "service-api.yaml"}
    for name in origins:
        (balancer,) = resources_of_type(templates[name], LOAD_BALANCER).values()
        subnets = balancer["Properties"]["Subnets"]["Fn::Split"][1]["Fn::ImportValue"]["Fn::Sub"]
        assert (balancer["Properties"]["Scheme"], subnets) == ("internal", "${NetworkStackName}-PrivateSubnetIds")
    # The EIP is the NAT gateway's: nothing else has a public IPv4 address.
    assert _public_ipv4_holders(templates) == ["network.yaml:NatGatewayEip"]
    nat = templates["network.yaml"]["Resources"]["NatGateway"]["Properties"]
    assert nat["AllocationId"] == {"Fn::GetAtt": ["NatGatewayEip", "AllocationId"]}
    code, out = check_files(capsys, *sorted(cloudfront.glob("*.yaml")))
    assert code == 0, out
    assert out.splitlines()[-1].startswith("3 services: 3 proven private, 0 not proven; ")


def test_an_internet_facing_load_balancer_in_the_cloudfront_design_fails_the_check(
    cloudfront: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ingress = load_template(cloudfront / "ingress.yaml")
    balancer = ingress["Resources"]["LoadBalancer"]["Properties"]
    balancer["Scheme"] = "internet-facing"
    balancer["Subnets"]["Fn::Split"][1]["Fn::ImportValue"]["Fn::Sub"] = "${NetworkStackName}-PublicSubnetIds"
    _write(cloudfront, "ingress.yaml", ingress)
    code, out = check_files(capsys, *sorted(cloudfront.glob("*.yaml")))
    assert code == 1
    assert "ingress.yaml" in out and "LoadBalancer: E9021 is internet-facing beside CloudFront distributions" in out


def test_a_cloudfront_design_without_its_vpc_origin_fails_the_check(
    cloudfront: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api = load_template(cloudfront / "service-api.yaml")
    del api["Resources"]["VpcOrigin"]
    del api["Resources"]["Distribution"]["Properties"]["DistributionConfig"]["Origins"][0]["VpcOriginConfig"]
    _write(cloudfront, "service-api.yaml", api)
    code, out = check_files(capsys, *sorted(cloudfront.glob("*.yaml")))
    assert code == 1
    assert "LoadBalancer: E9021 is internal, but no VPC origin (AWS::CloudFront::VpcOrigin) points at it" in out


def test_the_dual_stack_design_passes_until_a_task_subnet_routes_ipv6_to_the_internet_gateway(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = render_example(tmp_path, "dual-stack.toml", capsys)
    service = load_template(folder / "service-web.yaml")
    (balancer,) = resources_of_type(service, LOAD_BALANCER).values()
    assert (balancer["Properties"]["Scheme"], balancer["Properties"]["IpAddressType"]) == (
        "internet-facing",
        "dualstack",
    )
    code, out = check_files(capsys, folder / "network.yaml", folder / "service-web.yaml")
    assert code == 0, out
    network = load_template(folder / "network.yaml")
    route = network["Resources"]["PrivateIpv6DefaultRoute1"]["Properties"]
    del route["EgressOnlyInternetGatewayId"]
    route["GatewayId"] = {"Ref": "InternetGateway"}
    _write(folder, "network.yaml", network)
    code, out = check_files(capsys, folder / "network.yaml", folder / "service-web.yaml")
    assert code == 1
    public = f"Service: E9002 runs tasks in public subnet {folder / 'network.yaml'}:PrivateSubnet1: PrivateRouteTable1"
    assert f"{public} routes ::/0 to InternetGateway" in out
