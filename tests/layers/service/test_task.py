"""The task: its definition, its containers, and the execution and task roles (least privilege)."""

from __future__ import annotations

import re

import pytest
from conftest import KMS_KEY as KEY
from conftest import MULTI_REGION_KMS_KEY as MULTI_REGION_KEY
from conftest import OTEL_IMAGE as OTEL
from conftest import SERVICE_VARIANTS as VARIANTS
from conftest import VARIANT_PARAMETER as PARAMETER
from conftest import VARIANT_SECRET as SECRET
from conftest import VARIANT_SECRET_BY_NAME as SECRET_BY_NAME
from conftest import one as _one
from conftest import policy_statements as _statements
from conftest import service_dict as service
from conftest import service_variant as _build
from conftest import service_with as _service

from fargate_private_templates.config.image import ImageOptions
from fargate_private_templates.config.service import ContainerOptions, ServiceConfig
from fargate_private_templates.config.sidecars import SidecarOptions


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


ENCRYPTED_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf"


def execution_statements(template: dict) -> list[dict]:
    policies = template["Resources"]["ExecutionRole"]["Properties"]["Policies"]
    return [s for p in policies if "PolicyDocument" in p for s in p["PolicyDocument"]["Statement"]]


def test_secret_keys_grant_decrypt_only_through_secrets_manager_and_ssm() -> None:
    config = ServiceConfig(container=ContainerOptions(secrets=(("DB", ENCRYPTED_SECRET),)), secrets_kms_key_arns=(KEY,))
    decrypt = [s for s in execution_statements(service(config)) if s.get("Sid") == "DecryptSecrets"]
    assert decrypt == [
        {
            "Sid": "DecryptSecrets",
            "Effect": "Allow",
            "Action": ["kms:Decrypt"],
            "Resource": [KEY],
            "Condition": {
                "StringEquals": {
                    "kms:ViaService": [
                        {"Fn::Sub": "secretsmanager.${AWS::Region}.${AWS::URLSuffix}"},
                        {"Fn::Sub": "ssm.${AWS::Region}.${AWS::URLSuffix}"},
                    ]
                }
            },
        }
    ]


def test_without_keys_the_execution_role_has_no_kms_action() -> None:
    config = ServiceConfig(container=ContainerOptions(secrets=(("DB", ENCRYPTED_SECRET),)))
    actions = [a for s in execution_statements(service(config)) for a in s["Action"]]
    assert not [a for a in actions if a.startswith("kms:")]


def test_a_sidecar_secret_under_a_customer_key_is_decryptable() -> None:
    sidecar = SidecarOptions(name="agent", image=ImageOptions(tag="1.0"), secrets=(("TOKEN", ENCRYPTED_SECRET),))
    config = ServiceConfig(sidecars=(sidecar,), secrets_kms_key_arns=(KEY, MULTI_REGION_KEY, KEY))
    decrypt = next(s for s in execution_statements(service(config)) if s.get("Sid") == "DecryptSecrets")
    assert decrypt["Resource"] == [KEY, MULTI_REGION_KEY], "each key once, in the configured order"


def test_sidecar_is_a_second_container_the_load_balancer_never_sees() -> None:
    sidecar = SidecarOptions(
        name="otel-collector",
        image=OTEL,
        essential=False,
        cpu=128,
        memory=256,
        secrets=(("CONFIG", "arn:aws:ssm:us-east-1:123456789012:parameter/otel"),),
        start_before_app="START",
    )
    template = _service(cpu=512, memory=1024, sidecars=(sidecar,))
    app, collector = _one(template, "AWS::ECS::TaskDefinition")["ContainerDefinitions"]
    assert app["DependsOn"] == [{"ContainerName": "otel-collector", "Condition": "START"}]
    assert collector["Name"] == "otel-collector" and collector["Essential"] is False
    assert (collector["Cpu"], collector["MemoryReservation"]) == (128, 256)
    assert collector["ReadonlyRootFilesystem"] is True and collector["Privileged"] is False
    assert collector["MountPoints"] == [
        {"SourceVolume": "tmp-otel-collector", "ContainerPath": "/tmp", "ReadOnly": False}
    ]
    assert "PortMappings" not in collector
    assert collector["Image"] == {
        "Fn::Sub": "${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/"
        "${OtelCollectorPullThroughCachePrefix}/${OtelCollectorRepositoryName}:${OtelCollectorImageTag}"
    }
    (load_balancer,) = _one(template, "AWS::ECS::Service")["LoadBalancers"]
    assert load_balancer["ContainerName"] == "app"
    statements = {
        s["Sid"]: s
        for s in template["Resources"]["ExecutionRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    }
    assert statements["PullOtelCollectorImage"]["Resource"] == [
        {
            "Fn::Sub": "arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/"
            "${OtelCollectorPullThroughCachePrefix}/${OtelCollectorRepositoryName}"
        }
    ]
    assert "ecr:BatchImportUpstreamImage" in statements["PullOtelCollectorImage"]["Action"]
    assert "ecr:BatchImportUpstreamImage" not in statements["PullImage"]["Action"]
    assert statements["ReadParameters"]["Resource"] == ["arn:aws:ssm:us-east-1:123456789012:parameter/otel"]


def test_secrets_named_in_the_config_deploy_in_any_account_and_region() -> None:
    """A Parameter Store name becomes its ARN in the stack's partition, Region and account; a Secrets Manager name a
    parameter taking the secret's full ARN (which ends in six characters no name tells)."""
    template = service(
        ServiceConfig(
            container=ContainerOptions(
                secrets={"DATABASE_URL": "secretsmanager:web/database-url", "FLAGS": "ssm:/app/flags"}
            ),
            sidecars=(SidecarOptions(name="otel-collector", secrets={"OTEL_CONFIG": "ssm:orders/otel-config"}),),
        )
    )
    flags = {"Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/app/flags"}
    otel = {"Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/orders/otel-config"}
    app, sidecar = _one(template, "AWS::ECS::TaskDefinition")["ContainerDefinitions"]
    assert app["Secrets"] == [
        {"Name": "DATABASE_URL", "ValueFrom": {"Ref": "DatabaseUrlSecretArn"}},
        {"Name": "FLAGS", "ValueFrom": flags},
    ]
    assert sidecar["Secrets"] == [{"Name": "OTEL_CONFIG", "ValueFrom": otel}]
    parameter = template["Parameters"]["DatabaseUrlSecretArn"]
    assert "Default" not in parameter and "web/database-url" in parameter["Description"]
    pattern = re.compile(parameter["AllowedPattern"])
    assert pattern.fullmatch("arn:aws:secretsmanager:eu-west-1:210987654321:secret:web/database-url-a1B2c3")
    assert pattern.fullmatch("arn:aws-cn:secretsmanager:cn-north-1:210987654321:secret:web/database-url-a1B2c3")
    for other in (
        "arn:aws:secretsmanager:eu-west-1:210987654321:secret:web/database-url",
        "arn:aws:secretsmanager:eu-west-1:210987654321:secret:web/databaseXurl-a1B2c3",
        "arn:aws:secretsmanager:eu-west-1:210987654321:secret:web/other-a1B2c3",
    ):
        assert not pattern.fullmatch(other), other
    by_sid = {s["Sid"]: s for s in _statements(template["Resources"]["ExecutionRole"]["Properties"])}
    assert by_sid["ReadSecrets"]["Resource"] == [{"Ref": "DatabaseUrlSecretArn"}]
    assert by_sid["ReadParameters"]["Resource"] == [flags, otel]
    groups = template["Metadata"]["AWS::CloudFormation::Interface"]["ParameterGroups"]
    assert {"Label": {"default": "Container secrets"}, "Parameters": ["DatabaseUrlSecretArn"]} in groups
