"""Preflight of what the services name in other services: every Secrets Manager secret and SSM parameter a container
reads, the registry credentials of a third-party image, and the KMS keys that encrypt them (enabled).

Only metadata is read: DescribeSecret, DescribeParameters and DescribeKey, never a value."""

from __future__ import annotations

from collections.abc import Iterator

from botocore.exceptions import ClientError

from .aws import denied, error_code
from .context import AccountReader, Context
from .results import FAIL, PASS, WARN, Result

CHECK = "reference"
ENABLED = "Enabled"


def _named(context: Context) -> Iterator[tuple[str, str, str]]:
    """(service stack, what names it, ARN) of every secret, parameter and key the deployed services name."""
    for stack, service in context.services():
        for name, arn in service.container.secrets:
            yield stack.stack_name, f"secret {name}", arn
        for sidecar in service.sidecars:
            for name, arn in sidecar.secrets:
                yield stack.stack_name, f"sidecar {sidecar.name} secret {name}", arn
        values = context.values(stack)
        for parameter, value in values.items():
            if parameter.endswith("RegistryCredentialsSecretArn") and value:
                yield stack.stack_name, parameter, value
        for arn in service.secrets_kms_key_arns:
            yield stack.stack_name, "secrets_kms_key_arns", arn


def check_references(context: Context) -> Iterator[Result]:
    for stack_name, what, arn in _named(context):
        result = read_reference(context, f"{stack_name} {what} {arn}", arn)
        if result is not None:
            yield result


def read_reference(reader: AccountReader, subject: str, arn: str) -> Result | None:
    """Whether the secret, SSM parameter or KMS key an ARN names exists (the key enabled); None for other ARNs."""
    service = arn.split(":")[2] if arn.count(":") >= 5 else ""
    try:
        if service == "secretsmanager":
            return _secret(reader, subject, arn)
        if service == "ssm":
            return _parameter(reader, subject, arn)
        if service == "kms":
            return _key(reader, subject, arn)
    except ClientError as error:
        if not denied(error):
            raise
        fix = "let the preflight role read it, or check it in its own account"
        return Result(WARN, CHECK, subject, f"cannot read it ({error_code(error)})", fix)
    return None


def _secret(context: AccountReader, subject: str, arn: str) -> Result:
    # A valueFrom may name a JSON key, version stage or version after the ARN: the secret is the first 7 fields.
    secret = ":".join(arn.split(":")[:7])
    try:
        context.aws.client("secretsmanager").describe_secret(SecretId=secret)
    except ClientError as error:
        if error_code(error) != "ResourceNotFoundException":
            raise
        return Result(FAIL, CHECK, subject, "the secret does not exist", "create it before the tasks start")
    return Result(PASS, CHECK, subject, "the secret exists")


def _parameter(context: AccountReader, subject: str, arn: str) -> Result:
    # arn:<partition>:ssm:<region>:<account>:parameter/<name>, where a hierarchical name loses its leading slash.
    path = arn.split(":", 5)[5].removeprefix("parameter/")
    name = f"/{path}" if "/" in path else path
    found = context.aws.client("ssm").describe_parameters(
        ParameterFilters=[{"Key": "Name", "Option": "Equals", "Values": [name]}]
    )["Parameters"]
    if not found:
        return Result(FAIL, CHECK, subject, f"parameter {name} does not exist", "create it before the tasks start")
    return Result(PASS, CHECK, subject, f"parameter {name} exists")


def _key(context: AccountReader, subject: str, arn: str) -> Result:
    try:
        metadata = context.aws.client("kms").describe_key(KeyId=arn)["KeyMetadata"]
    except ClientError as error:
        if error_code(error) != "NotFoundException":
            raise
        return Result(FAIL, CHECK, subject, "the key does not exist", "give the ARN of a key of this Region")
    state = metadata.get("KeyState", "?")
    if state != ENABLED:
        return Result(FAIL, CHECK, subject, f"the key is {state}", "enable the key (or cancel its deletion)")
    return Result(PASS, CHECK, subject, "the key is enabled")
