"""The service layer: what the mission rests on, asserted on the template dicts."""

from __future__ import annotations

import json

import pytest
from conftest import catalogue_dict, lint_findings, resources_of_type

from fargate_private_templates.config.image import ImageOptions
from fargate_private_templates.config.load_balancer import LoadBalancerOptions
from fargate_private_templates.config.service import ContainerOptions, HealthCheckOptions, ScalingOptions, ServiceConfig
from fargate_private_templates.layers.service import build_service
from fargate_private_templates.regions.availability import PQ_TLS_POLICY as TLS_POLICY
from fargate_private_templates.render import ordered_dict, render_yaml

SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-password-AbC123"
SECRET_BY_NAME = "arn:aws:secretsmanager:us-east-1:123456789012:secret:api-key"
PARAMETER = "arn:aws:ssm:us-east-1:123456789012:parameter/app/feature-flags"
CREDENTIALS = "arn:aws:secretsmanager:us-east-1:123456789012:secret:ghcr-credentials-XyZ987"
CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"

VARIANTS = {
    "alb": ServiceConfig(),
    "nlb-tcp": ServiceConfig(load_balancer=LoadBalancerOptions(kind="nlb")),
    "nlb-tls-http-health": ServiceConfig(
        load_balancer=LoadBalancerOptions(kind="nlb", listener_protocol="tls", certificate_arn=CERTIFICATE),
        health_check=HealthCheckOptions(protocol="http"),
    ),
    "cross-account": ServiceConfig(image=ImageOptions(source="ecr_cross_account", registry_account_id="210987654321")),
    "third-party": ServiceConfig(image=ImageOptions(source="third_party", uri="ghcr.io/example/app:1.2.3")),
    "third-party-credentials": ServiceConfig(
        image=ImageOptions(source="third_party", uri="ghcr.io/example/app:1.2.3", credentials_secret_arn=CREDENTIALS)
    ),
    "secrets-exec-requests": ServiceConfig(
        container=ContainerOptions(
            secrets={"DB_PASSWORD": SECRET, "API_KEY": SECRET_BY_NAME, "FLAGS": PARAMETER},
            environment={"LOG_LEVEL": "info"},
            readonly_root_filesystem=False,
        ),
        enable_exec=True,
        scaling=ScalingOptions(target_requests_per_target=500),
    ),
    "writable-root-arm": ServiceConfig(
        container=ContainerOptions(readonly_root_filesystem=False), cpu_architecture="ARM64", cpu=1024, memory=3072
    ),
}


def _build(name: str) -> dict:
    return ordered_dict(build_service(VARIANTS[name]))


def _one(template: dict, resource_type: str) -> dict:
    (resource,) = resources_of_type(template, resource_type).values()
    return resource["Properties"]


def _import_key(value: dict) -> str:
    """`!Split [",", {Fn::ImportValue: !Sub ${NetworkStackName}-Key}]` or a bare import -> Key."""
    if "Fn::Split" in value:
        value = value["Fn::Split"][1]
    sub = value["Fn::ImportValue"]["Fn::Sub"]
    assert sub.startswith("${NetworkStackName}-")
    return sub.split("-", 1)[1]


def _statements(role: dict) -> list[dict]:
    statements = []
    for policy in role.get("Policies", []):
        if "Fn::If" in policy:
            policy = policy["Fn::If"][1]
        statements += policy["PolicyDocument"]["Statement"]
    return statements


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_variant_lints_clean(variant: str) -> None:
    assert lint_findings(render_yaml(build_service(VARIANTS[variant]))) == []


@pytest.mark.parametrize("variant", VARIANTS)
def test_tasks_run_in_the_private_subnets_without_public_ips(variant: str) -> None:
    template = _build(variant)
    service = _one(template, "AWS::ECS::Service")
    awsvpc = service["NetworkConfiguration"]["AwsvpcConfiguration"]
    assert awsvpc["AssignPublicIp"] == "DISABLED"
    assert _import_key(awsvpc["Subnets"]) == "PrivateSubnetIds"
    assert awsvpc["SecurityGroups"] == [{"Fn::GetAtt": ["TaskSecurityGroup", "GroupId"]}]
    assert service["LaunchType"] == "FARGATE" and service["PlatformVersion"] == "1.4.0"
    assert service["DeploymentConfiguration"]["DeploymentCircuitBreaker"] == {"Enable": True, "Rollback": True}
    assert _import_key(service["Cluster"]) == "ClusterArn"
    forwarding = [
        k
        for k, v in resources_of_type(template, "AWS::ElasticLoadBalancingV2::Listener").items()
        if v["Properties"]["DefaultActions"][0]["Type"] == "forward"
    ]
    assert template["Resources"]["Service"]["DependsOn"] == forwarding


@pytest.mark.parametrize("variant", VARIANTS)
def test_load_balancer_is_internet_facing_in_the_public_subnets(variant: str) -> None:
    template = _build(variant)
    load_balancer = _one(template, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    assert load_balancer["Scheme"] == "internet-facing"
    assert _import_key(load_balancer["Subnets"]) == "PublicSubnetIds"
    assert load_balancer["SecurityGroups"] == [{"Fn::GetAtt": ["LoadBalancerSecurityGroup", "GroupId"]}]
    target_group = _one(template, "AWS::ElasticLoadBalancingV2::TargetGroup")
    assert target_group["TargetType"] == "ip" and _import_key(target_group["VpcId"]) == "VpcId"


@pytest.mark.parametrize("variant", VARIANTS)
def test_task_security_group_admits_only_the_load_balancer(variant: str) -> None:
    template = _build(variant)
    config = VARIANTS[variant]
    task_group = template["Resources"]["TaskSecurityGroup"]["Properties"]
    assert "SecurityGroupIngress" not in task_group
    rules = [r["Properties"] for r in resources_of_type(template, "AWS::EC2::SecurityGroupIngress").values()]
    assert rules == [
        {
            "GroupId": {"Fn::GetAtt": ["TaskSecurityGroup", "GroupId"]},
            "IpProtocol": "tcp",
            "FromPort": config.container.port,
            "ToPort": config.container.port,
            "SourceSecurityGroupId": {"Fn::GetAtt": ["LoadBalancerSecurityGroup", "GroupId"]},
            "Description": "Container port from the load balancer only",
        }
    ]
    assert [(r["FromPort"], r["CidrIp"]) for r in task_group["SecurityGroupEgress"]] == [(443, "0.0.0.0/0")]
    lb_group = template["Resources"]["LoadBalancerSecurityGroup"]["Properties"]
    expected_ports = [443, 80] if config.load_balancer.kind == "alb" else [config.load_balancer.listener_port]
    assert [(r["FromPort"], r["ToPort"], r["CidrIp"]) for r in lb_group["SecurityGroupIngress"]] == [
        (p, p, "0.0.0.0/0") for p in expected_ports
    ]
    # Inline, only the rule that matches no traffic (it keeps EC2's allow-all egress away); the real egress is a
    # separate resource, to the task group's container port only.
    assert lb_group["SecurityGroupEgress"] == [
        {
            "IpProtocol": "icmp",
            "FromPort": 252,
            "ToPort": 86,
            "CidrIp": "255.255.255.255/32",
            "Description": "Disallow all traffic",
        }
    ]
    egress = [r["Properties"] for r in resources_of_type(template, "AWS::EC2::SecurityGroupEgress").values()]
    assert egress == [
        {
            "GroupId": {"Fn::GetAtt": ["LoadBalancerSecurityGroup", "GroupId"]},
            "IpProtocol": "tcp",
            "FromPort": config.container.port,
            "ToPort": config.container.port,
            "DestinationSecurityGroupId": {"Fn::GetAtt": ["TaskSecurityGroup", "GroupId"]},
            "Description": "Traffic and health checks to the tasks' container port",
        }
    ]
    every_rule = lb_group["SecurityGroupIngress"] + lb_group["SecurityGroupEgress"] + task_group["SecurityGroupEgress"]
    assert all(r.get("Description") for r in every_rule + rules + egress)


@pytest.mark.parametrize("variant", VARIANTS)
def test_load_balancer_group_does_not_wait_for_the_task_group(variant: str) -> None:
    """The load balancer's group refers to no other resource, so the load balancer starts without the tasks' group."""
    lb_group = _build(variant)["Resources"]["LoadBalancerSecurityGroup"]
    assert "TaskSecurityGroup" not in json.dumps(lb_group) and "DependsOn" not in lb_group


def test_execution_role_pulls_only_from_the_configured_repository() -> None:
    role = _build("alb")["Resources"]["ExecutionRole"]["Properties"]
    by_sid = {s["Sid"]: s for s in _statements(role)}
    assert set(by_sid) == {"GetRegistryToken", "PullImage", "WriteLogs"}
    assert by_sid["GetRegistryToken"]["Action"] == ["ecr:GetAuthorizationToken"]
    assert by_sid["GetRegistryToken"]["Resource"] == ["*"]
    assert by_sid["PullImage"]["Action"] == [
        "ecr:BatchCheckLayerAvailability",
        "ecr:GetDownloadUrlForLayer",
        "ecr:BatchGetImage",
    ]
    assert by_sid["PullImage"]["Resource"] == [
        {"Fn::Sub": "arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/${RepositoryName}"}
    ]
    assert by_sid["WriteLogs"]["Resource"] == [{"Fn::GetAtt": ["LogGroup", "Arn"]}]
    assert all("*" not in a for s in by_sid.values() for a in s["Action"])


def test_cross_account_image_and_pull_permission_name_the_registry_account() -> None:
    template = _build("cross-account")
    container = _one(template, "AWS::ECS::TaskDefinition")["ContainerDefinitions"][0]
    assert container["Image"] == {
        "Fn::Sub": "${RegistryAccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/${RepositoryName}:${ImageTag}"
    }
    by_sid = {s["Sid"]: s for s in _statements(template["Resources"]["ExecutionRole"]["Properties"])}
    assert by_sid["PullImage"]["Resource"] == [
        {"Fn::Sub": "arn:${AWS::Partition}:ecr:${AWS::Region}:${RegistryAccountId}:repository/${RepositoryName}"}
    ]
    assert template["Parameters"]["RegistryAccountId"]["Default"] == "210987654321"


@pytest.mark.parametrize("variant", ["third-party", "third-party-credentials"])
def test_registry_credentials_exactly_when_a_secret_is_given(variant: str) -> None:
    template = _build(variant)
    container = _one(template, "AWS::ECS::TaskDefinition")["ContainerDefinitions"][0]
    assert container["Image"] == {"Ref": "ImageUri"}
    condition = template["Conditions"]["HasRegistryCredentials"]
    assert condition == {"Fn::Not": [{"Fn::Equals": [{"Ref": "RegistryCredentialsSecretArn"}, ""]}]}
    assert container["RepositoryCredentials"] == {
        "Fn::If": [
            "HasRegistryCredentials",
            {"CredentialsParameter": {"Ref": "RegistryCredentialsSecretArn"}},
            {"Ref": "AWS::NoValue"},
        ]
    }
    role = template["Resources"]["ExecutionRole"]["Properties"]
    conditional = [p["Fn::If"] for p in role["Policies"] if "Fn::If" in p]
    assert [c[0] for c in conditional] == ["HasRegistryCredentials"]
    assert conditional[0][1]["PolicyDocument"]["Statement"][0]["Resource"] == [
        {"Ref": "RegistryCredentialsSecretArn"},
        {"Fn::Sub": "${RegistryCredentialsSecretArn}-??????"},
    ]
    assert not [s for s in _statements(role) if s["Action"][0].startswith("ecr:")], "no ECR rights for a third party"
    default = template["Parameters"]["RegistryCredentialsSecretArn"]["Default"]
    assert default == ("" if variant == "third-party" else CREDENTIALS)


def test_ecr_images_have_no_registry_credentials() -> None:
    for variant in ("alb", "nlb-tcp", "cross-account"):
        template = _build(variant)
        container = _one(template, "AWS::ECS::TaskDefinition")["ContainerDefinitions"][0]
        assert "RepositoryCredentials" not in container
        assert "HasRegistryCredentials" not in template["Conditions"]


def test_secrets_are_container_secrets_with_scoped_read_permissions() -> None:
    template = _build("secrets-exec-requests")
    container = _one(template, "AWS::ECS::TaskDefinition")["ContainerDefinitions"][0]
    assert container["Secrets"] == [
        {"Name": "DB_PASSWORD", "ValueFrom": SECRET},
        {"Name": "API_KEY", "ValueFrom": SECRET_BY_NAME},
        {"Name": "FLAGS", "ValueFrom": PARAMETER},
    ]
    assert container["Environment"] == [{"Name": "LOG_LEVEL", "Value": "info"}]
    by_sid = {s["Sid"]: s for s in _statements(template["Resources"]["ExecutionRole"]["Properties"])}
    assert by_sid["ReadSecrets"]["Action"] == ["secretsmanager:GetSecretValue"]
    # Whether an ARN ends with Secrets Manager's six random characters cannot be told from the text: both forms.
    assert by_sid["ReadSecrets"]["Resource"] == [SECRET_BY_NAME, f"{SECRET_BY_NAME}-??????", SECRET, f"{SECRET}-??????"]
    assert by_sid["ReadParameters"] == {
        "Sid": "ReadParameters",
        "Effect": "Allow",
        "Action": ["ssm:GetParameters"],
        "Resource": [PARAMETER],
    }
    task_role = template["Resources"]["TaskRole"]["Properties"]
    assert {a for s in _statements(task_role) for a in s["Action"]} == {
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
    }
    assert _one(template, "AWS::ECS::Service")["EnableExecuteCommand"] is True
    assert container["LinuxParameters"] == {"InitProcessEnabled": True}


def test_task_role_is_empty_by_default_and_trusts_only_this_account() -> None:
    role = _build("alb")["Resources"]["TaskRole"]["Properties"]
    assert "Policies" not in role and "ManagedPolicyArns" not in role
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": ["ecs-tasks.amazonaws.com"]}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": {"Fn::Sub": "${AWS::AccountId}"}}}


@pytest.mark.parametrize("variant", VARIANTS)
def test_task_definition_is_fargate_awsvpc_logged_and_never_privileged(variant: str) -> None:
    template = _build(variant)
    config = VARIANTS[variant]
    task = _one(template, "AWS::ECS::TaskDefinition")
    assert task["RequiresCompatibilities"] == ["FARGATE"] and task["NetworkMode"] == "awsvpc"
    assert (task["Cpu"], task["Memory"]) == (str(config.cpu), str(config.memory))
    (container,) = task["ContainerDefinitions"]
    assert container["Privileged"] is False
    assert container["ReadonlyRootFilesystem"] is config.container.readonly_root_filesystem
    assert container["PortMappings"] == [{"ContainerPort": config.container.port, "Protocol": "tcp"}]
    assert container["LogConfiguration"]["LogDriver"] == "awslogs"
    assert container["LogConfiguration"]["Options"]["awslogs-group"] == {"Ref": "LogGroup"}
    if config.container.readonly_root_filesystem:
        assert container["MountPoints"] == [{"SourceVolume": "tmp", "ContainerPath": "/tmp", "ReadOnly": False}]
        assert task["Volumes"] == [{"Name": "tmp"}]
    else:
        assert "MountPoints" not in container and "Volumes" not in task
    log_group = template["Resources"]["LogGroup"]
    assert log_group["DeletionPolicy"] == log_group["UpdateReplacePolicy"] == "Retain"


def test_alb_listens_https_with_the_tls_policy_and_redirects_http() -> None:
    template = _build("alb")
    listeners = resources_of_type(template, "AWS::ElasticLoadBalancingV2::Listener")
    https = listeners["HttpsListener"]["Properties"]
    assert (https["Port"], https["Protocol"], https["SslPolicy"]) == (443, "HTTPS", TLS_POLICY)
    assert https["Certificates"] == [{"CertificateArn": {"Ref": "CertificateArn"}}]
    redirect = listeners["HttpRedirectListener"]["Properties"]
    assert (redirect["Port"], redirect["Protocol"]) == (80, "HTTP")
    assert redirect["DefaultActions"] == [
        {"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}
    ]
    attributes = {
        a["Key"]: a["Value"]
        for a in _one(template, "AWS::ElasticLoadBalancingV2::LoadBalancer")["LoadBalancerAttributes"]
        if "Key" in a
    }
    assert attributes == {
        "deletion_protection.enabled": {"Ref": "DeletionProtection"},
        "routing.http.drop_invalid_header_fields.enabled": "true",
        "routing.http.desync_mitigation_mode": "defensive",
        "access_logs.s3.enabled": {"Fn::If": ["HasAccessLogs", "true", "false"]},
    }
    assert "Default" not in template["Parameters"]["CertificateArn"], "asked at deploy time"


def test_nlb_variants() -> None:
    tcp = _build("nlb-tcp")
    (listener,) = resources_of_type(tcp, "AWS::ElasticLoadBalancingV2::Listener").values()
    assert (listener["Properties"]["Protocol"], listener["Properties"]["Port"]) == ("TCP", 80)
    assert "CertificateArn" not in tcp["Parameters"]
    assert _one(tcp, "AWS::ElasticLoadBalancingV2::LoadBalancer")["Type"] == "network"
    assert _one(tcp, "AWS::ElasticLoadBalancingV2::TargetGroup")["HealthCheckProtocol"] == "TCP"
    tls = _build("nlb-tls-http-health")
    (listener,) = resources_of_type(tls, "AWS::ElasticLoadBalancingV2::Listener").values()
    assert (listener["Properties"]["Protocol"], listener["Properties"]["SslPolicy"]) == ("TLS", TLS_POLICY)
    assert tls["Parameters"]["CertificateArn"]["Default"] == CERTIFICATE
    target_group = _one(tls, "AWS::ElasticLoadBalancingV2::TargetGroup")
    assert (target_group["HealthCheckProtocol"], target_group["HealthCheckPath"]) == ("HTTP", "/")


def test_autoscaling_tracks_cpu_and_optionally_requests() -> None:
    template = _build("secrets-exec-requests")
    target = _one(template, "AWS::ApplicationAutoScaling::ScalableTarget")
    assert (target["MinCapacity"], target["MaxCapacity"]) == (2, 4)
    assert target["ResourceId"]["Fn::Join"][1][2] == {"Fn::GetAtt": ["Service", "Name"]}
    policies = resources_of_type(template, "AWS::ApplicationAutoScaling::ScalingPolicy")
    metrics = {
        p["Properties"]["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"][
            "PredefinedMetricType"
        ]
        for p in policies.values()
    }
    assert metrics == {"ECSServiceAverageCPUUtilization", "ALBRequestCountPerTarget"}
    assert len(resources_of_type(_build("alb"), "AWS::ApplicationAutoScaling::ScalingPolicy")) == 1


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


def test_registry_scans_keeps_tags_immutable_and_expires_old_images() -> None:
    template = catalogue_dict("registry.yaml")
    repository = template["Resources"]["Repository"]
    assert repository["DeletionPolicy"] == repository["UpdateReplacePolicy"] == "Retain"
    props = repository["Properties"]
    assert props["ImageScanningConfiguration"] == {"ScanOnPush": True}
    assert props["ImageTagMutability"] == "IMMUTABLE"
    assert "${KeepImages}" in props["LifecyclePolicy"]["LifecyclePolicyText"]["Fn::Sub"]
    assert sorted(template["Outputs"]) == ["RepositoryArn", "RepositoryName", "RepositoryUri"]


@pytest.mark.parametrize("variant", ["alb", "nlb-tcp"])
def test_access_logs_are_on_exactly_when_a_bucket_is_given(variant: str) -> None:
    template = _build(variant)
    assert template["Parameters"]["AccessLogsBucket"]["Default"] == ""
    assert template["Conditions"]["HasAccessLogs"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "AccessLogsBucket"}, ""]}]}
    attributes = _one(template, "AWS::ElasticLoadBalancingV2::LoadBalancer")["LoadBalancerAttributes"]
    conditional = [a["Fn::If"] for a in attributes if "Fn::If" in a]
    assert [(c[0], c[1]["Key"], c[2]) for c in conditional] == [
        ("HasAccessLogs", "access_logs.s3.bucket", {"Ref": "AWS::NoValue"}),
        ("HasAccessLogs", "access_logs.s3.prefix", {"Ref": "AWS::NoValue"}),
    ]
    assert conditional[0][1]["Value"] == {"Ref": "AccessLogsBucket"}


def test_desired_count_is_left_to_autoscaling_unless_pinned() -> None:
    template = _build("alb")
    parameter = template["Parameters"]["DesiredCount"]
    assert (parameter["Type"], parameter["Default"]) == ("String", "")
    assert template["Conditions"]["HasDesiredCount"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "DesiredCount"}, ""]}]}
    assert _one(template, "AWS::ECS::Service")["DesiredCount"] == {
        "Fn::If": ["HasDesiredCount", {"Ref": "DesiredCount"}, {"Ref": "AWS::NoValue"}]
    }
    pinned = ordered_dict(build_service(ServiceConfig(scaling=ScalingOptions(desired_count=3))))
    assert pinned["Parameters"]["DesiredCount"]["Default"] == "3"
