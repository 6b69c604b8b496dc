"""The task: its definition, its container, and the execution and task roles (least privilege)."""

from __future__ import annotations

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

from ...config.service import (
    ServiceConfig,
)
from ..blocks import iam as policies
from .image import HAS_REGISTRY_CREDENTIALS, ImageSource

TMP_VOLUME = "tmp"


def _secret_resources(secret_arn: str) -> list[str]:
    """IAM resources for a Secrets Manager reference, without its JSON-key suffix. Whether the ARN ends with the
    six random characters Secrets Manager appends cannot be told from the text (``db-secret`` looks like one), so
    both the ARN and the ARN plus six characters are allowed."""
    base = ":".join(secret_arn.split(":")[:7])
    return [base, f"{base}-??????"]


def add_execution_role(
    template: Template, config: ServiceConfig, image: ImageSource, log_group: logs.LogGroup
) -> iam.Role:
    statements = []
    if image.repository_arn is not None:
        statements.append(policies.allow(policies.ECR_AUTH_ACTIONS, "*", "GetRegistryToken"))
        statements.append(policies.allow(image.pull_actions, image.repository_arn, "PullImage"))
    statements.append(policies.allow(policies.LOG_WRITE_ACTIONS, GetAtt(log_group, "Arn"), "WriteLogs"))
    if config.container.secrets_manager_arns:
        resources = sorted({r for arn in config.container.secrets_manager_arns for r in _secret_resources(arn)})
        statements.append(policies.allow(policies.SECRET_READ_ACTIONS, resources, "ReadSecrets"))
    if config.container.ssm_parameter_arns:
        parameters = config.container.ssm_parameter_arns
        statements.append(policies.allow(policies.PARAMETER_READ_ACTIONS, parameters, "ReadParameters"))
    role_policies: list = [iam.Policy(PolicyName="start-task", PolicyDocument=policies.policy(*statements))]
    if image.credentials is not None:
        read_credentials = iam.Policy(
            PolicyName="read-registry-credentials",
            PolicyDocument=policies.policy(
                policies.allow(
                    policies.SECRET_READ_ACTIONS,
                    [Ref(image.credentials), Sub(f"${{{image.credentials.title}}}-??????")],
                    "ReadRegistryCredentials",
                )
            ),
        )
        role_policies.append(If(HAS_REGISTRY_CREDENTIALS, read_credentials, NoValue))
    return template.add_resource(
        iam.Role(
            "ExecutionRole",
            AssumeRolePolicyDocument=policies.service_trust("ecs-tasks.amazonaws.com"),
            Policies=role_policies,
        )
    )


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
    return template.add_resource(role)


def _container(config: ServiceConfig, image: ImageSource, log_group: logs.LogGroup) -> ecs.ContainerDefinition:
    container = ecs.ContainerDefinition(
        Name=config.container.name,
        Image=image.uri,
        Essential=True,
        Privileged=False,
        ReadonlyRootFilesystem=config.container.readonly_root_filesystem,
        PortMappings=[ecs.PortMapping(ContainerPort=config.container.port, Protocol="tcp")],
        LogConfiguration=ecs.LogConfiguration(
            LogDriver="awslogs",
            Options={
                "awslogs-group": Ref(log_group),
                "awslogs-region": Ref("AWS::Region"),
                "awslogs-stream-prefix": config.name,
            },
        ),
    )
    if config.container.environment:
        container.Environment = [ecs.Environment(Name=n, Value=v) for n, v in config.container.environment]
    if config.container.secrets:
        container.Secrets = [ecs.Secret(Name=n, ValueFrom=arn) for n, arn in config.container.secrets]
    if config.container.readonly_root_filesystem:
        container.MountPoints = [ecs.MountPoint(SourceVolume=TMP_VOLUME, ContainerPath="/tmp", ReadOnly=False)]
    if config.enable_exec:
        # ECS Exec sessions leave no zombie processes behind with an init process.
        container.LinuxParameters = ecs.LinuxParameters(InitProcessEnabled=True)
    if image.credentials is not None:
        container.RepositoryCredentials = If(
            HAS_REGISTRY_CREDENTIALS, ecs.RepositoryCredentials(CredentialsParameter=Ref(image.credentials)), NoValue
        )
    return container


# Metadata key path the checker reads (checks/needs.py): every image tag was pulled once through the cache.
PREWARMED_METADATA = ("FargatePrivateTemplates", "PullThroughCachePrewarmed")


def add_task_definition(
    template: Template,
    config: ServiceConfig,
    image: ImageSource,
    log_group: logs.LogGroup,
    execution_role: iam.Role,
    task_role: iam.Role,
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
        ContainerDefinitions=[_container(config, image, log_group)],
    )
    if config.container.readonly_root_filesystem:
        task_definition.Volumes = [ecs.Volume(Name=TMP_VOLUME)]
    if config.image.cache_prewarmed:
        # What the template cannot otherwise show: the checker then needs no NAT for the cache's first pull.
        task_definition.Metadata = {PREWARMED_METADATA[0]: {PREWARMED_METADATA[1]: True}}
    return template.add_resource(task_definition)
