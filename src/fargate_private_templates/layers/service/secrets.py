"""The containers' secrets as the task definition and the execution role take them: a literal ARN, a Parameter Store
name turned into its ARN in the stack's partition, Region and account, or a Secrets Manager secret named in the config
whose full ARN is a parameter (config/patterns.py says why each)."""

from __future__ import annotations

from dataclasses import dataclass

from troposphere import AWSHelperFn, Parameter, Ref, Sub, Template

from ...config.patterns import (
    SECRETS_MANAGER_ARN,
    SECRETS_MANAGER_BY_NAME,
    SSM_BY_NAME,
    secret_parameter_title,
)
from ..blocks.parameters import add_parameter_group

SECRETS_GROUP = "Container secrets"


@dataclass(frozen=True)
class SecretReference:
    """One container secret: what ``ValueFrom`` says, what the execution role may read, and which service holds it."""

    value_from: str | AWSHelperFn
    resources: tuple[str | AWSHelperFn, ...]
    secrets_manager: bool


def secrets_manager_resources(secret_arn: str) -> list[str]:
    """IAM resources for a Secrets Manager ARN, without its JSON-key suffix. Whether the ARN ends with the six random
    characters Secrets Manager appends cannot be told from the text (``db-secret`` looks like one), so both the ARN
    and the ARN plus six characters are allowed."""
    base = ":".join(secret_arn.split(":")[:7])
    return [base, f"{base}-??????"]


def secret_reference(template: Template, prefix: str, variable: str, source: str) -> SecretReference:
    """``source`` of the secret ``variable`` of the container whose parameters start with ``prefix``; a named
    Secrets Manager secret adds its parameter once."""
    if source.startswith(SECRETS_MANAGER_BY_NAME):
        parameter = _secret_arn_parameter(template, prefix, variable, source.removeprefix(SECRETS_MANAGER_BY_NAME))
        return SecretReference(Ref(parameter), (Ref(parameter),), secrets_manager=True)
    if source.startswith(SSM_BY_NAME):
        path = source.removeprefix(SSM_BY_NAME).lstrip("/")
        arn = Sub(f"arn:${{AWS::Partition}}:ssm:${{AWS::Region}}:${{AWS::AccountId}}:parameter/{path}")
        return SecretReference(arn, (arn,), secrets_manager=False)
    if SECRETS_MANAGER_ARN.fullmatch(source):
        return SecretReference(source, tuple(secrets_manager_resources(source)), secrets_manager=True)
    return SecretReference(source, (source,), secrets_manager=False)


def _secret_arn_parameter(template: Template, prefix: str, variable: str, name: str) -> Parameter:
    title = secret_parameter_title(prefix, variable)
    if title in template.parameters:
        return template.parameters[title]
    # The name is pinned, the partition, Region and account are not: the same template deploys anywhere.
    escaped = "".join(f"\\{c}" if c in ".+=@-/" else c for c in name)
    parameter = template.add_parameter(
        Parameter(
            title,
            Type="String",
            Description=f"Full ARN of the Secrets Manager secret {name} (aws secretsmanager describe-secret "
            f"--secret-id {name} --query ARN), read into {variable}",
            AllowedPattern=rf"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{{12}}:secret:{escaped}-[A-Za-z0-9]{{6}}$",
            ConstraintDescription=f"the full ARN of the secret {name}, with the six characters Secrets Manager adds",
        )
    )
    add_parameter_group(template, SECRETS_GROUP, {title: f"{variable} secret ARN"})
    return parameter
