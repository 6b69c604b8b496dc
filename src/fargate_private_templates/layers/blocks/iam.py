"""IAM building blocks as awacs objects: trust-policy factories, action constants and ARN helpers."""

from __future__ import annotations

from awacs import ecr, kms, logs, secretsmanager, ssm, ssmmessages
from awacs.aws import Allow, Condition, PolicyDocument, Principal, Statement, StringEquals
from awacs.sts import AssumeRole
from troposphere import AWSHelperFn, Sub

ECR_AUTH_ACTIONS = (ecr.GetAuthorizationToken,)  # account-wide: ECR gives no per-repository token
ECR_PULL_ACTIONS = (ecr.BatchCheckLayerAvailability, ecr.GetDownloadUrlForLayer, ecr.BatchGetImage)
# ECR's pull-through cache documentation: importing the upstream image, and creating its repository on first pull.
ECR_PULL_THROUGH_CACHE_ACTIONS = (*ECR_PULL_ACTIONS, ecr.BatchImportUpstreamImage, ecr.CreateRepository)
LOG_WRITE_ACTIONS = (logs.CreateLogStream, logs.PutLogEvents)
FLOW_LOG_DELIVERY_ACTIONS = (logs.CreateLogStream, logs.PutLogEvents, logs.DescribeLogStreams)
SECRET_READ_ACTIONS = (secretsmanager.GetSecretValue,)
PARAMETER_READ_ACTIONS = (ssm.GetParameters,)
# Secrets Manager and SSM decrypt with the caller's permission on a customer-managed key.
SECRET_DECRYPT_ACTIONS = (kms.Decrypt,)
# ECS Exec's agent opens these channels; they take no resource narrower than "*".
EXEC_CHANNEL_ACTIONS = (
    ssmmessages.CreateControlChannel,
    ssmmessages.CreateDataChannel,
    ssmmessages.OpenControlChannel,
    ssmmessages.OpenDataChannel,
)


def arn(service: str, resource: str, region: str = "${AWS::Region}", account: str = "${AWS::AccountId}") -> Sub:
    """An ARN in the stack's own partition; ``resource`` may hold ``${...}`` references."""
    return Sub(f"arn:${{AWS::Partition}}:{service}:{region}:{account}:{resource}")


def service_trust(service: str, source_account_condition: bool = False) -> PolicyDocument:
    """Lets one AWS service principal assume the role; optionally only on behalf of this account
    (the confused-deputy guard the service supports)."""
    statement = Statement(
        Effect=Allow,
        Principal=Principal("Service", [service]),
        Action=[AssumeRole],
    )
    if source_account_condition:
        statement.Condition = Condition(StringEquals("aws:SourceAccount", Sub("${AWS::AccountId}")))
    return PolicyDocument(Version="2012-10-17", Statement=[statement])


def allow(actions: tuple, resources: list[AWSHelperFn | str] | AWSHelperFn | str, sid: str) -> Statement:
    resource_list = resources if isinstance(resources, list) else [resources]
    return Statement(Sid=sid, Effect=Allow, Action=list(actions), Resource=resource_list)


def policy(*statements: Statement) -> PolicyDocument:
    return PolicyDocument(Version="2012-10-17", Statement=list(statements))
