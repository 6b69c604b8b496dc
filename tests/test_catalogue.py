"""Every committed template: generated, lint clean, small enough for `aws cloudformation deploy`, free of
accounts, Regions and AZs, and meeting the AWS Security Hub FSBP controls these stacks target (checkov has almost
no ECS rules for CloudFormation, so each control the README claims is checked here)."""

from __future__ import annotations

import pytest
from conftest import ROOT, TEMPLATES, catalogue_dict, catalogue_yaml, lint_findings, resources_of_type
from conftest import literals as _literals
from conftest import one as _one

from fargate_private_templates.catalogue import CATALOGUE
from fargate_private_templates.render import ordered_dict
from fargate_private_templates.stacks import load_config

DEPLOY_WITHOUT_S3_LIMIT = 51_200


def test_committed_templates_match_the_generator(catalogue_file: str) -> None:
    committed = (TEMPLATES / catalogue_file).read_text(encoding="utf-8")
    assert committed == catalogue_yaml()[catalogue_file], f"{catalogue_file} drifted: run `make templates`"


def test_no_stray_templates_in_the_folder() -> None:
    shipped = {entry.filename for entry in CATALOGUE}
    assert {p.name for p in TEMPLATES.glob("*.yaml")} == shipped


def test_lint_clean_with_informational_checks(catalogue_file: str) -> None:
    assert lint_findings(catalogue_yaml()[catalogue_file]) == []


def test_under_the_deploy_size_limit(catalogue_file: str) -> None:
    size = len(catalogue_yaml()[catalogue_file].encode("utf-8"))
    assert size < DEPLOY_WITHOUT_S3_LIMIT, f"{catalogue_file} is {size} bytes"


NETWORKS = [
    "network.yaml",
    "network-single-nat.yaml",
    "network-regional-nat.yaml",
    "network-endpoints.yaml",
    "network-nat-endpoints.yaml",
]

SERVICES = ["service-alb.yaml", "service-nlb.yaml"]

ELB17_POLICIES = {
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
}

# EC2.18's default authorised ports for unrestricted inbound traffic.
AUTHORISED_PUBLIC_PORTS = {80, 443}

# EC2.19's high-risk ports.
HIGH_RISK_PORTS = {
    20,
    21,
    22,
    23,
    25,
    110,
    135,
    143,
    445,
    1433,
    1434,
    3000,
    3306,
    3389,
    4333,
    5000,
    5432,
    5500,
    5601,
    8080,
    8088,
    8888,
    9200,
    9300,
}


def _containers(template: dict) -> list[dict]:
    return [
        c
        for t in resources_of_type(template, "AWS::ECS::TaskDefinition").values()
        for c in t["Properties"]["ContainerDefinitions"]
    ]


@pytest.mark.parametrize("filename", SERVICES)
def test_ecs_controls(filename: str) -> None:
    _assert_ecs_controls(catalogue_dict(filename))


@pytest.mark.parametrize("config", sorted((ROOT / "examples").glob("*.toml")), ids=lambda p: p.stem)
def test_ecs_controls_hold_for_every_container_of_the_examples(config) -> None:
    services = [t for name, t in load_config(config).items() if name.startswith("service-")]
    assert services
    for template in services:
        _assert_ecs_controls(ordered_dict(template))


def _assert_ecs_controls(template: dict) -> None:
    service = _one(template, "AWS::ECS::Service")
    assert service["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"] == "DISABLED"  # ECS.2
    assert service["PlatformVersion"] in ("LATEST", "1.4.0")  # ECS.10
    for container in _containers(template):
        assert container["Privileged"] is False  # ECS.4
        if not service.get("EnableExecuteCommand"):
            # ECS.5; ECS Exec's agent needs a writable root filesystem, so it is traded there (README, ECS.5 row).
            assert container["ReadonlyRootFilesystem"] is True
        names = {e["Name"] for e in container.get("Environment", [])}
        assert not names & {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "ECS_ENGINE_AUTH_DATA"}  # ECS.8
        assert container["LogConfiguration"]["LogDriver"] == "awslogs"  # ECS.9


@pytest.mark.parametrize("filename", NETWORKS)
def test_network_controls(filename: str) -> None:
    template = catalogue_dict(filename)
    cluster = _one(template, "AWS::ECS::Cluster")
    assert {"Name": "containerInsights", "Value": "enabled"} in cluster["ClusterSettings"]  # ECS.12
    flow_log = _one(template, "AWS::EC2::FlowLog")
    assert flow_log["ResourceType"] == "VPC" and flow_log["TrafficType"] in ("ALL", "REJECT")  # EC2.6
    assert flow_log["ResourceId"] == {"Ref": "VPC"}
    for subnet in resources_of_type(template, "AWS::EC2::Subnet").values():
        assert subnet["Properties"]["MapPublicIpOnLaunch"] is False  # EC2.15


def test_alb_controls() -> None:
    template = catalogue_dict("service-alb.yaml")
    listeners = {
        k: v["Properties"] for k, v in resources_of_type(template, "AWS::ElasticLoadBalancingV2::Listener").items()
    }
    http = [listener for listener in listeners.values() if listener["Protocol"] == "HTTP"]
    assert http and all(
        a["Type"] == "redirect" and a["RedirectConfig"]["Protocol"] == "HTTPS"
        for listener in http
        for a in listener["DefaultActions"]
    )  # ELB.1
    attributes = {
        a["Key"]: a["Value"]
        for a in _one(template, "AWS::ElasticLoadBalancingV2::LoadBalancer")["LoadBalancerAttributes"]
        if "Key" in a
    }
    assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"  # ELB.4
    assert attributes["routing.http.desync_mitigation_mode"] in ("defensive", "strictest")  # ELB.12


@pytest.mark.parametrize("filename", SERVICES)
def test_load_balancer_controls(filename: str) -> None:
    template = catalogue_dict(filename)
    load_balancer = _one(template, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    # ELB.13: the subnets are every public subnet of the network stack, one per AZ, at least two.
    subnets_import = load_balancer["Subnets"]["Fn::Split"][1]["Fn::ImportValue"]["Fn::Sub"]
    assert subnets_import.endswith("-PublicSubnetIds")
    for network in NETWORKS:
        exported = catalogue_dict(network)["Outputs"]["PublicSubnetIds"]["Value"]["Fn::Join"][1]
        assert len(exported) >= 2
    for listener in resources_of_type(template, "AWS::ElasticLoadBalancingV2::Listener").values():
        if listener["Properties"]["Protocol"] in ("HTTPS", "TLS"):
            assert listener["Properties"]["SslPolicy"] in ELB17_POLICIES  # ELB.17


@pytest.mark.parametrize("filename", SERVICES + NETWORKS)
def test_security_group_controls(filename: str) -> None:
    """EC2.18 / EC2.19: only authorised ports are open to the internet, never a high-risk one."""
    template = catalogue_dict(filename)
    rules = [
        r
        for g in resources_of_type(template, "AWS::EC2::SecurityGroup").values()
        for r in g["Properties"].get("SecurityGroupIngress", [])
    ]
    rules += [r["Properties"] for r in resources_of_type(template, "AWS::EC2::SecurityGroupIngress").values()]
    for rule in rules:
        if rule.get("CidrIp") == "0.0.0.0/0" or rule.get("CidrIpv6") == "::/0":
            ports = set(range(rule["FromPort"], rule["ToPort"] + 1))
            assert rule["IpProtocol"] == "tcp" and ports <= AUTHORISED_PUBLIC_PORTS
            assert not ports & HIGH_RISK_PORTS


def test_ecr_controls() -> None:
    repository = _one(catalogue_dict("registry.yaml"), "AWS::ECR::Repository")
    assert repository["ImageScanningConfiguration"] == {"ScanOnPush": True}  # ECR.1
    assert repository["ImageTagMutability"] == "IMMUTABLE"  # ECR.2
    assert "countNumber" in repository["LifecyclePolicy"]["LifecyclePolicyText"]["Fn::Sub"]  # ECR.3


def test_literal_patterns_find_what_they_are_for() -> None:
    assert _literals("arn:aws:iam::111122223333:root in eu-west-1 at us-gov-west-1a") == {
        "111122223333",
        "eu-west-1",
        "us-gov-west-1a",
    }


@pytest.mark.parametrize("filename", [entry.filename for entry in CATALOGUE])
def test_no_catalogue_template_holds_an_account_region_or_az(filename: str) -> None:
    # StackSets deploy one template to many accounts and Regions: every such value must come from the stack.
    assert _literals(catalogue_yaml()[filename]) == set()


@pytest.mark.parametrize("filename", ["service-alb.yaml", "service-nlb.yaml", "registry.yaml"])
def test_no_custom_names_on_resources_replaced_by_a_rename(filename: str) -> None:
    named = {
        "AWS::ElasticLoadBalancingV2::LoadBalancer": "Name",
        "AWS::ElasticLoadBalancingV2::TargetGroup": "Name",
        "AWS::EC2::SecurityGroup": "GroupName",
        "AWS::IAM::Role": "RoleName",
        "AWS::ECS::Service": "ServiceName",
        "AWS::Logs::LogGroup": "LogGroupName",
        "AWS::ECR::Repository": "RepositoryName",
    }
    for name, resource in catalogue_dict(filename)["Resources"].items():
        assert named.get(resource["Type"]) not in resource.get("Properties", {}), name


@pytest.mark.parametrize("filename", ["service-alb.yaml", "service-nlb.yaml", "registry.yaml", "network.yaml"])
def test_arns_are_built_with_the_partition(filename: str) -> None:
    from conftest import catalogue_yaml

    assert "arn:aws:" not in catalogue_yaml()[filename]
