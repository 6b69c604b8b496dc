"""The service layer: a Fargate service with only private IPs behind a load balancer in the public subnets."""

from __future__ import annotations

from dataclasses import dataclass

from troposphere import (
    AWSHelperFn,
    Equals,
    GetAtt,
    If,
    Join,
    Not,
    NoValue,
    Output,
    Parameter,
    Ref,
    Sub,
    Template,
    applicationautoscaling,
    ec2,
    ecs,
    iam,
    logs,
)
from troposphere import elasticloadbalancingv2 as elb

from . import iam as policies
from .contract import NETWORK_STACK_PARAMETER, NetworkImports
from .log_groups import add_retained_log_group
from .parameters import add_log_retention_parameter, add_parameter_group
from .scanner_skips import skip_checkov
from .security_groups import tcp_rule
from .service_config import (
    ACCOUNT_ID,
    ALB,
    CACHE_PREFIX,
    CACHE_PREFIX_LENGTH,
    CERTIFICATE_ARN,
    IMAGE_ECR_CROSS_ACCOUNT,
    IMAGE_PULL_THROUGH_CACHE,
    IMAGE_TAG,
    IMAGE_THIRD_PARTY,
    IMAGE_URI,
    REPOSITORY,
    SECRET_ARN,
    TLS,
    ServiceConfig,
)
from .tagging import apply_tags

ANYWHERE_IPV4 = "0.0.0.0/0"
# On Security Hub ELB.17's list: TLS 1.3 and 1.2 only, with post-quantum key exchange.
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"
HTTP_REDIRECT_PORT = 80
TMP_VOLUME = "tmp"
HAS_REGISTRY_CREDENTIALS = "HasRegistryCredentials"
HAS_ACCESS_LOGS = "HasAccessLogs"
HAS_DESIRED_COUNT = "HasDesiredCount"


@dataclass(frozen=True)
class ImageSource:
    """Where the task's image comes from, as template expressions."""

    uri: AWSHelperFn
    repository_arn: Sub | None  # ECR only: what the execution role may pull from
    pull_actions: tuple = ()  # ECR only: what the execution role may do on that repository
    credentials: Parameter | None = None  # third-party registries: the Secrets Manager secret parameter


def build_service(config: ServiceConfig | None = None) -> Template:
    """A service stack that imports the network stack's exports through the ``NetworkStackName`` parameter."""
    config = config or ServiceConfig()
    template = Template(Description=_description(config))
    template.set_version()
    network = NetworkImports(template)
    add_parameter_group(template, "Network stack", {NETWORK_STACK_PARAMETER: "Network stack name"})
    image = _add_image_parameters(template, config)
    certificate = _add_certificate_parameter(template, config) if config.uses_certificate else None
    desired_count, deletion_protection, log_retention = _add_service_parameters(template, config)
    # Logs outlive the service: they are what explains its last failure.
    log_group = add_retained_log_group(template, "LogGroup", log_retention)
    execution_role = _add_execution_role(template, config, image, log_group)
    task_role = _add_task_role(template, config)
    task_definition = _add_task_definition(template, config, image, log_group, execution_role, task_role)
    task_security_group, load_balancer_security_group = _add_security_groups(template, config, network)
    load_balancer = _add_load_balancer(template, config, network, load_balancer_security_group, deletion_protection)
    target_group = _add_target_group(template, config, network)
    listener = _add_listeners(template, config, load_balancer, target_group, certificate)
    service = _add_service(
        template, config, network, task_definition, task_security_group, target_group, listener, desired_count
    )
    _add_autoscaling(template, config, network, service, load_balancer, target_group)
    _add_outputs(template, service, load_balancer, log_group, task_security_group)
    apply_tags(template, config.tags)
    return template


def _description(config: ServiceConfig) -> str:
    front = (
        "an ALB (HTTPS, HTTP redirects)"
        if config.load_balancer == ALB
        else f"an NLB ({config.listener_protocol.upper()})"
    )
    return (
        f"fargate-private-templates service {config.name}: Fargate tasks with only private IPs in the network "
        f"stack's private subnets, behind {front} in its public subnets"
    )


def _add_image_parameters(template: Template, config: ServiceConfig) -> ImageSource:
    if config.image_source == IMAGE_THIRD_PARTY:
        return _add_third_party_image_parameters(template, config)
    repository = template.add_parameter(
        Parameter(
            "RepositoryName",
            Type="String",
            Default=config.repository_name,
            Description=(
                "Upstream repository to pull through the cache, for example library/nginx"
                if config.image_source == IMAGE_PULL_THROUGH_CACHE
                else "ECR repository holding the image (the registry stack's RepositoryName output)"
            ),
            AllowedPattern=REPOSITORY.pattern,
            ConstraintDescription="an ECR repository name: lowercase letters, digits, and . _ - / separators",
        )
    )
    tag = _add_image_tag_parameter(template, config)
    labels = {repository.title: "ECR repository name", tag.title: "Image tag"}
    account = "${AWS::AccountId}"
    path = f"${{{repository.title}}}"
    actions = policies.ECR_PULL_ACTIONS
    if config.image_source == IMAGE_ECR_CROSS_ACCOUNT:
        registry_account = template.add_parameter(
            Parameter(
                "RegistryAccountId",
                Type="String",
                Default=config.registry_account_id,
                Description="AWS account that owns the ECR repository (its repository policy must allow this account)",
                AllowedPattern=ACCOUNT_ID.pattern,
                ConstraintDescription="a 12-digit AWS account ID",
            )
        )
        labels[registry_account.title] = "Registry account ID"
        account = f"${{{registry_account.title}}}"
    elif config.image_source == IMAGE_PULL_THROUGH_CACHE:
        prefix = template.add_parameter(
            Parameter(
                "PullThroughCachePrefix",
                Type="String",
                Default=config.cache_prefix,
                Description="ECR repository prefix of the pull-through cache rule (the registry stack's output)",
                AllowedPattern=CACHE_PREFIX.pattern,
                MinLength=CACHE_PREFIX_LENGTH[0],
                MaxLength=CACHE_PREFIX_LENGTH[1],
                ConstraintDescription="2-30 lowercase letters, digits and . _ - separators",
            )
        )
        labels = {prefix.title: "Pull-through cache prefix", **labels}
        path = f"${{{prefix.title}}}/{path}"
        # The first pull of an image imports it from upstream and creates its cache repository.
        actions = policies.ECR_PULL_THROUGH_CACHE_ACTIONS
    add_parameter_group(template, "Container image", labels)
    uri = Sub(f"{account}.dkr.ecr.${{AWS::Region}}.${{AWS::URLSuffix}}/{path}:${{{tag.title}}}")
    repository_arn = policies.arn("ecr", f"repository/{path}", account=account)
    return ImageSource(uri=uri, repository_arn=repository_arn, pull_actions=actions)


def _add_image_tag_parameter(template: Template, config: ServiceConfig) -> Parameter:
    return template.add_parameter(
        Parameter(
            "ImageTag",
            Type="String",
            Default=config.image_tag,
            Description="Image tag to run; deploy a new tag to roll out a new version",
            AllowedPattern=IMAGE_TAG.pattern,
            ConstraintDescription="a Docker image tag: letters, digits, _ . -, at most 128 characters",
        )
    )


def _add_third_party_image_parameters(template: Template, config: ServiceConfig) -> ImageSource:
    image_uri = Parameter(
        "ImageUri",
        Type="String",
        Description="Full image reference in the private registry, for example ghcr.io/example/app:1.0.0",
        AllowedPattern=IMAGE_URI.pattern,
        ConstraintDescription="registry-host/repository:tag or registry-host/repository@sha256:digest",
    )
    if config.image_uri is not None:
        image_uri.Default = config.image_uri
    template.add_parameter(image_uri)
    credentials = template.add_parameter(
        Parameter(
            "RegistryCredentialsSecretArn",
            Type="String",
            Default=config.registry_credentials_secret_arn or "",
            Description="Secrets Manager secret with the registry's username and password; empty for none",
            AllowedPattern=f"^$|{SECRET_ARN.pattern}",
            ConstraintDescription="empty, or a Secrets Manager secret ARN",
        )
    )
    template.add_condition(HAS_REGISTRY_CREDENTIALS, Not(Equals(Ref(credentials), "")))
    add_parameter_group(
        template,
        "Container image",
        {image_uri.title: "Image URI", credentials.title: "Registry credentials secret ARN"},
    )
    return ImageSource(uri=Ref(image_uri), repository_arn=None, credentials=credentials)


def _add_certificate_parameter(template: Template, config: ServiceConfig) -> Parameter:
    certificate = Parameter(
        "CertificateArn",
        Type="String",
        Description=f"ACM certificate for the {config.listener_protocol.upper()} listener, in this stack's Region",
        AllowedPattern=CERTIFICATE_ARN.pattern,
        ConstraintDescription="an ACM certificate ARN: arn:<partition>:acm:<region>:<account>:certificate/<id>",
    )
    if config.certificate_arn is not None:
        certificate.Default = config.certificate_arn
    template.add_parameter(certificate)
    add_parameter_group(template, "Load balancer", {certificate.title: "Certificate ARN"})
    return certificate


def _add_service_parameters(template: Template, config: ServiceConfig) -> tuple[Parameter, Parameter, Parameter]:
    desired_count = template.add_parameter(
        Parameter(
            "DesiredCount",
            Type="String",
            Default="" if config.desired_count is None else str(config.desired_count),
            Description=f"Empty (recommended): autoscaling keeps {config.min_capacity}-{config.max_capacity} tasks. "
            "A number pins the count, and every stack update sets it again, undoing autoscaling",
            AllowedPattern=r"^$|^[0-9]{1,4}$",
            ConstraintDescription="empty, or a whole number of tasks",
        )
    )
    # CloudFormation sends DesiredCount with every service update; left out, the running count is kept.
    template.add_condition(HAS_DESIRED_COUNT, Not(Equals(Ref(desired_count), "")))
    deletion_protection = template.add_parameter(
        Parameter(
            "DeletionProtection",
            Type="String",
            Default=str(config.deletion_protection).lower(),
            AllowedValues=["true", "false"],
            Description="Protect the load balancer from deletion (set false before deleting the stack)",
        )
    )
    add_parameter_group(template, "Load balancer", {deletion_protection.title: "Deletion protection"})
    add_parameter_group(template, "Service", {desired_count.title: "Desired task count"})
    log_retention = add_log_retention_parameter(
        template,
        "LogRetentionInDays",
        config.log_retention_days,
        "Days to keep the container logs in CloudWatch Logs",
        "Service",
        "Log retention (days)",
    )
    return desired_count, deletion_protection, log_retention


def _secret_resources(secret_arn: str) -> list[str]:
    """IAM resources for a Secrets Manager reference, without its JSON-key suffix. Whether the ARN ends with the
    six random characters Secrets Manager appends cannot be told from the text (``db-secret`` looks like one), so
    both the ARN and the ARN plus six characters are allowed."""
    base = ":".join(secret_arn.split(":")[:7])
    return [base, f"{base}-??????"]


def _add_execution_role(
    template: Template, config: ServiceConfig, image: ImageSource, log_group: logs.LogGroup
) -> iam.Role:
    statements = []
    if image.repository_arn is not None:
        statements.append(policies.allow(policies.ECR_AUTH_ACTIONS, "*", "GetRegistryToken"))
        statements.append(policies.allow(image.pull_actions, image.repository_arn, "PullImage"))
    statements.append(policies.allow(policies.LOG_WRITE_ACTIONS, GetAtt(log_group, "Arn"), "WriteLogs"))
    if config.secrets_manager_arns:
        resources = sorted({r for arn in config.secrets_manager_arns for r in _secret_resources(arn)})
        statements.append(policies.allow(policies.SECRET_READ_ACTIONS, resources, "ReadSecrets"))
    if config.ssm_parameter_arns:
        statements.append(policies.allow(policies.PARAMETER_READ_ACTIONS, config.ssm_parameter_arns, "ReadParameters"))
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


def _add_task_role(template: Template, config: ServiceConfig) -> iam.Role:
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
        Name=config.container_name,
        Image=image.uri,
        Essential=True,
        Privileged=False,
        ReadonlyRootFilesystem=config.readonly_root_filesystem,
        PortMappings=[ecs.PortMapping(ContainerPort=config.container_port, Protocol="tcp")],
        LogConfiguration=ecs.LogConfiguration(
            LogDriver="awslogs",
            Options={
                "awslogs-group": Ref(log_group),
                "awslogs-region": Ref("AWS::Region"),
                "awslogs-stream-prefix": config.name,
            },
        ),
    )
    if config.environment:
        container.Environment = [ecs.Environment(Name=n, Value=v) for n, v in config.environment]
    if config.secrets:
        container.Secrets = [ecs.Secret(Name=n, ValueFrom=arn) for n, arn in config.secrets]
    if config.readonly_root_filesystem:
        container.MountPoints = [ecs.MountPoint(SourceVolume=TMP_VOLUME, ContainerPath="/tmp", ReadOnly=False)]
    if config.enable_exec:
        # ECS Exec sessions leave no zombie processes behind with an init process.
        container.LinuxParameters = ecs.LinuxParameters(InitProcessEnabled=True)
    if image.credentials is not None:
        container.RepositoryCredentials = If(
            HAS_REGISTRY_CREDENTIALS, ecs.RepositoryCredentials(CredentialsParameter=Ref(image.credentials)), NoValue
        )
    return container


def _add_task_definition(
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
    if config.readonly_root_filesystem:
        task_definition.Volumes = [ecs.Volume(Name=TMP_VOLUME)]
    return template.add_resource(task_definition)


def _public_ports(config: ServiceConfig) -> list[int]:
    return [config.listener_port, HTTP_REDIRECT_PORT] if config.load_balancer == ALB else [config.listener_port]


def _add_security_groups(
    template: Template, config: ServiceConfig, network: NetworkImports
) -> tuple[ec2.SecurityGroup, ec2.SecurityGroup]:
    task_security_group = template.add_resource(
        ec2.SecurityGroup(
            "TaskSecurityGroup",
            GroupDescription=f"{config.name} tasks: the container port from the load balancer only",
            VpcId=network.vpc_id,
            # Written out so CloudFormation drops the default allow-all egress rule.
            SecurityGroupEgress=[
                tcp_rule(
                    port,
                    f"Port {port} out: image registry, CloudWatch Logs and AWS APIs via NAT or endpoints",
                    CidrIp=ANYWHERE_IPV4,
                )
                for port in config.egress_ports
            ],
        )
    )
    load_balancer_security_group = template.add_resource(
        ec2.SecurityGroup(
            "LoadBalancerSecurityGroup",
            GroupDescription=f"{config.name} load balancer: listener ports from the internet",
            VpcId=network.vpc_id,
            SecurityGroupIngress=[
                tcp_rule(port, f"Listener port {port} from the internet", CidrIp=ANYWHERE_IPV4)
                for port in _public_ports(config)
            ],
            SecurityGroupEgress=[
                tcp_rule(
                    config.container_port,
                    "Traffic and health checks to the tasks' container port",
                    DestinationSecurityGroupId=GetAtt(task_security_group, "GroupId"),
                )
            ],
        )
    )
    if config.load_balancer == ALB:
        skip_checkov(
            load_balancer_security_group,
            "CKV_AWS_260",
            "Port 80 is open to the internet only for the ALB's HTTP listener, which answers every request with a "
            "301 redirect to HTTPS (Security Hub ELB.1) and never forwards to the tasks",
        )
    # A separate rule: inline on both groups, each would reference the other (a circular dependency).
    template.add_resource(
        ec2.SecurityGroupIngress(
            "TaskFromLoadBalancerIngress",
            GroupId=GetAtt(task_security_group, "GroupId"),
            IpProtocol="tcp",
            FromPort=config.container_port,
            ToPort=config.container_port,
            SourceSecurityGroupId=GetAtt(load_balancer_security_group, "GroupId"),
            Description="Container port from the load balancer only",
        )
    )
    return task_security_group, load_balancer_security_group


def _add_access_logs(template: Template) -> list:
    """Access logs to a bucket given at deploy time (Security Hub ELB.5); off while the parameter is empty."""
    bucket = template.add_parameter(
        Parameter(
            "AccessLogsBucket",
            Type="String",
            Default="",
            Description="S3 bucket for load balancer access logs (its policy must allow ELB log delivery); "
            "empty for none",
            AllowedPattern=r"^$|^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
            ConstraintDescription="empty, or an S3 bucket name",
        )
    )
    template.add_condition(HAS_ACCESS_LOGS, Not(Equals(Ref(bucket), "")))
    add_parameter_group(template, "Load balancer", {bucket.title: "Access logs bucket"})
    return [
        elb.LoadBalancerAttributes(Key="access_logs.s3.enabled", Value=If(HAS_ACCESS_LOGS, "true", "false")),
        If(HAS_ACCESS_LOGS, elb.LoadBalancerAttributes(Key="access_logs.s3.bucket", Value=Ref(bucket)), NoValue),
        If(
            HAS_ACCESS_LOGS,
            elb.LoadBalancerAttributes(Key="access_logs.s3.prefix", Value=Ref("AWS::StackName")),
            NoValue,
        ),
    ]


def _add_load_balancer(
    template: Template,
    config: ServiceConfig,
    network: NetworkImports,
    security_group: ec2.SecurityGroup,
    deletion_protection: Parameter,
) -> elb.LoadBalancer:
    attributes = [elb.LoadBalancerAttributes(Key="deletion_protection.enabled", Value=Ref(deletion_protection))]
    if config.load_balancer == ALB:
        attributes += [
            elb.LoadBalancerAttributes(Key="routing.http.drop_invalid_header_fields.enabled", Value="true"),
            elb.LoadBalancerAttributes(Key="routing.http.desync_mitigation_mode", Value="defensive"),
        ]
    else:
        attributes.append(elb.LoadBalancerAttributes(Key="load_balancing.cross_zone.enabled", Value="true"))
    attributes += _add_access_logs(template)
    # Unnamed: a load balancer's name is fixed at creation, so renaming would replace it (and its DNS name).
    load_balancer = elb.LoadBalancer(
        "LoadBalancer",
        Type="application" if config.load_balancer == ALB else "network",
        Scheme="internet-facing",
        IpAddressType="ipv4",
        Subnets=network.public_subnet_ids,
        SecurityGroups=[GetAtt(security_group, "GroupId")],
        LoadBalancerAttributes=attributes,
    )
    skip_checkov(
        load_balancer,
        "CKV_AWS_91",
        "Access logs are on whenever the AccessLogsBucket parameter names a bucket; the bucket (with the ELB "
        "log-delivery policy of its Region) is usually an organisation's central log bucket, so none is created here",
    )
    return template.add_resource(load_balancer)


def _add_target_group(template: Template, config: ServiceConfig, network: NetworkImports) -> elb.TargetGroup:
    target_group = elb.TargetGroup(
        "TargetGroup",
        # Fargate tasks register by IP address: awsvpc gives each task its own ENI.
        TargetType="ip",
        Protocol="HTTP" if config.load_balancer == ALB else "TCP",
        Port=config.container_port,
        VpcId=network.vpc_id,
        HealthCheckProtocol=config.health_check_protocol.upper(),
        HealthCheckIntervalSeconds=config.health_check_interval,
        HealthyThresholdCount=3,
        UnhealthyThresholdCount=3,
        TargetGroupAttributes=[
            # Shorter than the 300 s default: deployments stop waiting on idle connections sooner.
            elb.TargetGroupAttribute(Key="deregistration_delay.timeout_seconds", Value="30"),
        ],
    )
    if config.health_check_protocol == "http":
        target_group.HealthCheckPath = config.health_check_path
        target_group.Matcher = elb.Matcher(HttpCode="200-399")
    return template.add_resource(target_group)


def _forward(target_group: elb.TargetGroup) -> list[elb.Action]:
    return [elb.Action(Type="forward", TargetGroupArn=Ref(target_group))]


def _add_listeners(
    template: Template,
    config: ServiceConfig,
    load_balancer: elb.LoadBalancer,
    target_group: elb.TargetGroup,
    certificate: Parameter | None,
) -> elb.Listener:
    """Adds the listeners; returns the one that forwards to the tasks."""
    if config.load_balancer == ALB:
        template.add_resource(
            elb.Listener(
                "HttpRedirectListener",
                LoadBalancerArn=Ref(load_balancer),
                Port=HTTP_REDIRECT_PORT,
                Protocol="HTTP",
                DefaultActions=[
                    elb.Action(
                        Type="redirect",
                        RedirectConfig=elb.RedirectConfig(
                            Protocol="HTTPS", Port=str(config.listener_port), StatusCode="HTTP_301"
                        ),
                    )
                ],
            )
        )
        title, protocol = "HttpsListener", "HTTPS"
    else:
        title, protocol = ("TlsListener", "TLS") if config.listener_protocol == TLS else ("TcpListener", "TCP")
    listener = elb.Listener(
        title,
        LoadBalancerArn=Ref(load_balancer),
        Port=config.listener_port,
        Protocol=protocol,
        DefaultActions=_forward(target_group),
    )
    if certificate is not None:
        listener.Certificates = [elb.Certificate(CertificateArn=Ref(certificate))]
        listener.SslPolicy = TLS_POLICY
    return template.add_resource(listener)


def _add_service(
    template: Template,
    config: ServiceConfig,
    network: NetworkImports,
    task_definition: ecs.TaskDefinition,
    task_security_group: ec2.SecurityGroup,
    target_group: elb.TargetGroup,
    listener: elb.Listener,
    desired_count: Parameter,
) -> ecs.Service:
    return template.add_resource(
        ecs.Service(
            "Service",
            # The target group must belong to a load balancer before ECS can register tasks in it.
            DependsOn=[listener.title],
            Cluster=network.cluster_arn,
            LaunchType="FARGATE",
            PlatformVersion=config.platform_version,
            TaskDefinition=Ref(task_definition),
            DesiredCount=If(HAS_DESIRED_COUNT, Ref(desired_count), NoValue),
            NetworkConfiguration=ecs.NetworkConfiguration(
                AwsvpcConfiguration=ecs.AwsvpcConfiguration(
                    AssignPublicIp="DISABLED",
                    Subnets=network.private_subnet_ids,
                    SecurityGroups=[GetAtt(task_security_group, "GroupId")],
                )
            ),
            DeploymentConfiguration=ecs.DeploymentConfiguration(
                DeploymentCircuitBreaker=ecs.DeploymentCircuitBreaker(Enable=True, Rollback=True),
                MinimumHealthyPercent=100,
                MaximumPercent=200,
            ),
            HealthCheckGracePeriodSeconds=config.health_check_grace_period,
            LoadBalancers=[
                ecs.LoadBalancer(
                    ContainerName=config.container_name,
                    ContainerPort=config.container_port,
                    TargetGroupArn=Ref(target_group),
                )
            ],
            EnableExecuteCommand=config.enable_exec,
            EnableECSManagedTags=True,
            PropagateTags="SERVICE",
        )
    )


def _add_autoscaling(
    template: Template,
    config: ServiceConfig,
    network: NetworkImports,
    service: ecs.Service,
    load_balancer: elb.LoadBalancer,
    target_group: elb.TargetGroup,
) -> None:
    # No RoleARN: Application Auto Scaling uses its ECS service-linked role.
    target = template.add_resource(
        applicationautoscaling.ScalableTarget(
            "ScalableTarget",
            MinCapacity=config.min_capacity,
            MaxCapacity=config.max_capacity,
            ResourceId=Join("/", ["service", network.cluster_name, GetAtt(service, "Name")]),
            ScalableDimension="ecs:service:DesiredCount",
            ServiceNamespace="ecs",
        )
    )
    _add_target_tracking_policy(
        template,
        "CpuScalingPolicy",
        target,
        applicationautoscaling.PredefinedMetricSpecification(PredefinedMetricType="ECSServiceAverageCPUUtilization"),
        config.target_cpu_utilization,
    )
    if config.target_requests_per_target is not None:
        _add_target_tracking_policy(
            template,
            "RequestCountScalingPolicy",
            target,
            applicationautoscaling.PredefinedMetricSpecification(
                PredefinedMetricType="ALBRequestCountPerTarget",
                ResourceLabel=Join(
                    "/",
                    [GetAtt(load_balancer, "LoadBalancerFullName"), GetAtt(target_group, "TargetGroupFullName")],
                ),
            ),
            config.target_requests_per_target,
        )


def _add_target_tracking_policy(
    template: Template,
    title: str,
    target: applicationautoscaling.ScalableTarget,
    metric: applicationautoscaling.PredefinedMetricSpecification,
    target_value: int,
) -> None:
    # Scale out fast, scale in slowly: a brief dip should not drain tasks that the next peak needs again.
    template.add_resource(
        applicationautoscaling.ScalingPolicy(
            title,
            PolicyName=title,
            PolicyType="TargetTrackingScaling",
            ScalingTargetId=Ref(target),
            TargetTrackingScalingPolicyConfiguration=applicationautoscaling.TargetTrackingScalingPolicyConfiguration(
                PredefinedMetricSpecification=metric,
                TargetValue=float(target_value),
                ScaleInCooldown=300,
                ScaleOutCooldown=60,
            ),
        )
    )


def _add_outputs(
    template: Template,
    service: ecs.Service,
    load_balancer: elb.LoadBalancer,
    log_group: logs.LogGroup,
    task_security_group: ec2.SecurityGroup,
) -> None:
    template.add_output(
        [
            Output(
                "LoadBalancerDnsName", Description="Point your DNS name here", Value=GetAtt(load_balancer, "DNSName")
            ),
            Output("ServiceName", Description="ECS service name", Value=GetAtt(service, "Name")),
            Output("LogGroupName", Description="Container logs", Value=Ref(log_group)),
            Output(
                "TaskSecurityGroupId",
                Description="Allow this group in your databases' security groups",
                Value=GetAtt(task_security_group, "GroupId"),
            ),
        ]
    )
