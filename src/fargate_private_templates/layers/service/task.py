"""The task: its definition, its container, and the execution and task roles (least privilege)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from awacs.aws import Condition, Statement, StringEquals
from troposphere import (
    GetAtt,
    If,
    NoValue,
    Ref,
    Sub,
    Template,
    ecs,
    iam,
    logs,
)

from ...config.image import IMAGE_PULL_THROUGH_CACHE
from ...config.service import ServiceConfig
from ...config.sidecars import SidecarOptions
from ..blocks import iam as policies
from ..blocks.scanner_skips import ACTIONS_WITHOUT_RESOURCES, INLINE_ROLE_POLICY, accept
from .image import ImageSource
from .secrets import SecretReference, secret_reference

TMP_VOLUME = "tmp"


def add_execution_role(
    template: Template,
    config: ServiceConfig,
    image: ImageSource,
    log_group: logs.LogGroup,
    sidecar_images: tuple[ImageSource, ...] = (),
) -> iam.Role:
    """May pull exactly the task's images (``sidecar_images`` in the order of ``config.sidecars``), write its logs
    and read its containers' secrets."""
    sidecars = tuple(zip(config.sidecars, sidecar_images, strict=True))
    statements = []
    if any(source.repository_arn is not None for source in (image, *sidecar_images)):
        statements.append(policies.allow(policies.ECR_AUTH_ACTIONS, "*", "GetRegistryToken"))
    if image.repository_arn is not None:
        statements.append(policies.allow(image.pull_actions, image.repository_arn, "PullImage"))
    for sidecar, source in sidecars:
        if source.repository_arn is not None:
            statements.append(policies.allow(source.pull_actions, source.repository_arn, f"Pull{sidecar.title}Image"))
    statements.append(policies.allow(policies.LOG_WRITE_ACTIONS, GetAtt(log_group, "Arn"), "WriteLogs"))
    references = _secret_references(template, config)
    secret_resources = _resources(r for r in references if r.secrets_manager)
    if secret_resources:
        statements.append(policies.allow(policies.SECRET_READ_ACTIONS, secret_resources, "ReadSecrets"))
    parameters = _resources(r for r in references if not r.secrets_manager)
    if parameters:
        statements.append(policies.allow(policies.PARAMETER_READ_ACTIONS, parameters, "ReadParameters"))
    if config.secrets_kms_key_arns:
        statements.append(_decrypt_secrets(config.secrets_kms_key_arns))
    role_policies: list = [iam.Policy(PolicyName="start-task", PolicyDocument=policies.policy(*statements))]
    if image.credentials is not None:
        role_policies.append(_read_credentials(image, "read-registry-credentials", "ReadRegistryCredentials"))
    for sidecar, source in sidecars:
        if source.credentials is not None:
            role_policies.append(
                _read_credentials(
                    source, f"read-{sidecar.name}-registry-credentials", f"Read{sidecar.title}RegistryCredentials"
                )
            )
    role = iam.Role(
        "ExecutionRole",
        AssumeRolePolicyDocument=policies.service_trust("ecs-tasks.amazonaws.com"),
        Policies=role_policies,
    )
    findings = [INLINE_ROLE_POLICY]
    if any(source.repository_arn is not None for source in (image, *sidecar_images)):
        findings.append(ACTIONS_WITHOUT_RESOURCES)
    return template.add_resource(accept(role, *findings))


def _secret_references(template: Template, config: ServiceConfig) -> list[SecretReference]:
    containers = [("", config.container), *((s.title, s) for s in config.sidecars)]
    return [secret_reference(template, prefix, n, v) for prefix, container in containers for n, v in container.secrets]


def _resources(references: Iterable[SecretReference]) -> list:
    """The IAM resources, each once: literal ARNs sorted first (as before names were possible), then the rest."""
    found = [resource for reference in references for resource in reference.resources]
    literal = sorted({r for r in found if isinstance(r, str)})
    built = {json.dumps(r.to_dict(), sort_keys=True): r for r in found if not isinstance(r, str)}
    return [*literal, *built.values()]


def _decrypt_secrets(key_arns: tuple[str, ...]) -> Statement:
    """The containers' secrets, SecureString parameters and registry credentials under customer-managed keys: ECS
    reads them through Secrets Manager and SSM, which decrypt with the execution role's permission. kms:ViaService
    (``<service>.<region>.amazonaws.com``, https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
    #conditions-kms-via-service) keeps the keys usable only through those two services in the stack's Region."""
    statement = policies.allow(policies.SECRET_DECRYPT_ACTIONS, list(key_arns), "DecryptSecrets")
    statement.Condition = Condition(
        StringEquals(
            "kms:ViaService",
            [Sub(f"{service}.${{AWS::Region}}.${{AWS::URLSuffix}}") for service in ("secretsmanager", "ssm")],
        )
    )
    return statement


def _read_credentials(image: ImageSource, name: str, sid: str) -> If:
    """The registry credentials secret, only when one is given."""
    read_credentials = iam.Policy(
        PolicyName=name,
        PolicyDocument=policies.policy(
            policies.allow(
                policies.SECRET_READ_ACTIONS,
                [Ref(image.credentials), Sub(f"${{{image.credentials.title}}}-??????")],
                sid,
            )
        ),
    )
    return If(image.credentials_condition, read_credentials, NoValue)


def add_task_role(template: Template, config: ServiceConfig) -> iam.Role:
    # The application's own identity: empty until the application needs AWS access.
    role = iam.Role(
        "TaskRole",
        AssumeRolePolicyDocument=policies.service_trust("ecs-tasks.amazonaws.com", source_account_condition=True),
    )
    if config.enable_exec:
        role.Policies = [
            iam.Policy(
                PolicyName="ecs-exec",
                PolicyDocument=policies.policy(policies.allow(policies.EXEC_CHANNEL_ACTIONS, "*", "OpenExecChannels")),
            )
        ]
        accept(role, INLINE_ROLE_POLICY, ACTIONS_WITHOUT_RESOURCES)
    return template.add_resource(role)


def _container(
    template: Template, config: ServiceConfig, image: ImageSource, log_group: logs.LogGroup
) -> ecs.ContainerDefinition:
    container = ecs.ContainerDefinition(
        Name=config.container.name,
        Image=image.uri,
        Essential=True,
        Privileged=False,
        ReadonlyRootFilesystem=config.container.readonly_root_filesystem,
        PortMappings=[ecs.PortMapping(ContainerPort=config.container.port, Protocol="tcp")],
        LogConfiguration=_log_configuration(config, log_group),
    )
    if config.container.environment:
        container.Environment = [ecs.Environment(Name=n, Value=v) for n, v in config.container.environment]
    if config.container.secrets:
        container.Secrets = [
            ecs.Secret(Name=n, ValueFrom=secret_reference(template, "", n, v).value_from)
            for n, v in config.container.secrets
        ]
    if config.container.readonly_root_filesystem:
        container.MountPoints = [ecs.MountPoint(SourceVolume=TMP_VOLUME, ContainerPath="/tmp", ReadOnly=False)]
    if config.enable_exec:
        # ECS Exec sessions leave no zombie processes behind with an init process.
        container.LinuxParameters = ecs.LinuxParameters(InitProcessEnabled=True)
    if image.credentials is not None:
        container.RepositoryCredentials = If(
            image.credentials_condition,
            ecs.RepositoryCredentials(CredentialsParameter=Ref(image.credentials)),
            NoValue,
        )
    starts_after = [
        ecs.ContainerDependency(ContainerName=s.name, Condition=s.start_before_app)
        for s in config.sidecars
        if s.start_before_app is not None
    ]
    if starts_after:
        container.DependsOn = starts_after
    return container


def _sidecar_container(
    template: Template, config: ServiceConfig, sidecar: SidecarOptions, image: ImageSource, log_group: logs.LogGroup
) -> ecs.ContainerDefinition:
    """No port mappings: only the main container takes traffic from the load balancer."""
    container = ecs.ContainerDefinition(
        Name=sidecar.name,
        Image=image.uri,
        Essential=sidecar.essential,
        Privileged=False,
        ReadonlyRootFilesystem=sidecar.readonly_root_filesystem,
        Cpu=sidecar.cpu,
        MemoryReservation=sidecar.memory,
        LogConfiguration=_log_configuration(config, log_group),
    )
    if sidecar.command:
        container.Command = list(sidecar.command)
    if sidecar.environment:
        container.Environment = [ecs.Environment(Name=n, Value=v) for n, v in sidecar.environment]
    if sidecar.secrets:
        container.Secrets = [
            ecs.Secret(Name=n, ValueFrom=secret_reference(template, sidecar.title, n, v).value_from)
            for n, v in sidecar.secrets
        ]
    if sidecar.readonly_root_filesystem:
        container.MountPoints = [
            ecs.MountPoint(SourceVolume=_tmp_volume(sidecar), ContainerPath="/tmp", ReadOnly=False)
        ]
    if sidecar.depends_on:
        container.DependsOn = [ecs.ContainerDependency(ContainerName=n, Condition=c) for n, c in sidecar.depends_on]
    if image.credentials is not None:
        container.RepositoryCredentials = If(
            image.credentials_condition,
            ecs.RepositoryCredentials(CredentialsParameter=Ref(image.credentials)),
            NoValue,
        )
    return container


# Metadata key path the checker reads (checks/needs.py): every image tag was pulled once through the cache.
PREWARMED_METADATA = ("FargatePrivateTemplates", "PullThroughCachePrewarmed")


def _tmp_volume(sidecar: SidecarOptions) -> str:
    # A /tmp of its own: containers of one task share nothing they do not need to.
    return f"{TMP_VOLUME}-{sidecar.name}"


def _log_configuration(config: ServiceConfig, log_group: logs.LogGroup) -> ecs.LogConfiguration:
    return ecs.LogConfiguration(
        LogDriver="awslogs",
        Options={
            "awslogs-group": Ref(log_group),
            "awslogs-region": Ref("AWS::Region"),
            "awslogs-stream-prefix": config.name,
        },
    )


def add_task_definition(
    template: Template,
    config: ServiceConfig,
    image: ImageSource,
    log_group: logs.LogGroup,
    execution_role: iam.Role,
    task_role: iam.Role,
    sidecar_images: tuple[ImageSource, ...] = (),
) -> ecs.TaskDefinition:
    task_definition = ecs.TaskDefinition(
        "TaskDefinition",
        RequiresCompatibilities=["FARGATE"],
        NetworkMode="awsvpc",
        Cpu=str(config.cpu),
        Memory=str(config.memory),
        RuntimePlatform=ecs.RuntimePlatform(OperatingSystemFamily="LINUX", CpuArchitecture=config.cpu_architecture),
        ExecutionRoleArn=GetAtt(execution_role, "Arn"),
        TaskRoleArn=GetAtt(task_role, "Arn"),
        ContainerDefinitions=[
            _container(template, config, image, log_group),
            *(
                _sidecar_container(template, config, sidecar, source, log_group)
                for sidecar, source in zip(config.sidecars, sidecar_images, strict=True)
            ),
        ],
    )
    volumes = [TMP_VOLUME] if config.container.readonly_root_filesystem else []
    volumes += [_tmp_volume(s) for s in config.sidecars if s.readonly_root_filesystem]
    if volumes:
        task_definition.Volumes = [ecs.Volume(Name=name) for name in volumes]
    cached = [i for i in (config.image, *(s.image for s in config.sidecars)) if i.source == IMAGE_PULL_THROUGH_CACHE]
    if cached and all(image.cache_prewarmed for image in cached):
        # What the template cannot otherwise show: the checker then needs no NAT for the cache's first pull.
        task_definition.Metadata = {PREWARMED_METADATA[0]: {PREWARMED_METADATA[1]: True}}
    return template.add_resource(task_definition)
