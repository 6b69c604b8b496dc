"""Patterns shared by the config checks and the template parameters, so a value one accepts the other accepts."""

from __future__ import annotations

import re
from typing import Final

SECRETS_MANAGER_ARN = re.compile(r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+(:.*)?$")
# A whole secret, no JSON-key suffix: what RepositoryCredentials takes.
SECRET_ARN = re.compile(r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$")
SSM_PARAMETER_ARN = re.compile(r"^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter/[A-Za-z0-9/_.-]+$")
CERTIFICATE_ARN = re.compile(r"^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]{36}$")
# A KMS key ARN (single- or multi-Region key), never an alias: IAM authorises kms:Decrypt on the key itself.
KMS_KEY_ARN = re.compile(
    r"arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/(mrk-[0-9a-f]{32}|[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12})"
)
ACCOUNT_ID = re.compile(r"^\d{12}$")
REPOSITORY = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$")
IMAGE_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
IMAGE_URI = re.compile(
    r"^[a-z0-9.-]+(:[0-9]+)?/[A-Za-z0-9._/-]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$"
)
# An Amazon ECR registry host, in every partition: <account>.dkr.ecr.<region>.amazonaws.com (.com.cn in China), its
# FIPS form dkr.ecr-fips, and the dual-stack dkr-ecr(-fips).<region>.on.aws (AWS General Reference, "Amazon ECR
# endpoints and quotas": https://docs.aws.amazon.com/general/latest/gr/ecr.html; China's amazonaws.com.cn domain:
# https://docs.amazonaws.cn/en_us/general/latest/gr/endpoints-Beijing.html).
ECR_REGISTRY_HOST = re.compile(
    r"^(?P<account>\d{12})\.(?:dkr\.ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?|dkr-ecr(?:-fips)?\.[a-z0-9-]+\.on\.aws)$"
)
CACHE_PREFIX = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$")
CACHE_PREFIX_LENGTH: Final = (2, 30)
NAME = re.compile(r"^[a-z][a-z0-9-]{0,31}$")
ENVIRONMENT_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,254}$")
HEALTH_CHECK_PATH = re.compile(r"^/[A-Za-z0-9/_.~%&=?+-]{0,1023}$")
# A listener rule's values, from the ALB guide's "Add a listener rule" (value matching):
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/add-rule.html
HOST_HEADER = re.compile(r"^(?=.{1,128}$)[A-Za-z0-9_.*?-]*\.[A-Za-z0-9]+$")
# A path pattern is compared with the request's path, which starts with "/", so a pattern must start with "/" or a
# wildcard to ever match (PATH_STARTS).
PATH_STARTS: Final = "/*?"
PATH_PATTERN = re.compile(r"^[/*?][A-Za-z0-9_.$/~\"'@:+&*?-]{0,127}$")
# A stack name: a letter, then letters, digits and hyphens, 128 characters at most (CloudFormation API reference,
# CreateStack StackName: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html).
STACK_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,127}$")
STACK_NAME_LENGTH: Final = 128
# A deployment's name prefixes every stack name it renders (``<name>-<service name>``), so it leaves room for a
# hyphen and the longest service name (NAME: 32 characters).
DEPLOYMENT_NAME_LENGTH: Final = STACK_NAME_LENGTH - 1 - 32
DEPLOYMENT_NAME = re.compile(rf"^[A-Za-z][A-Za-z0-9-]{{0,{DEPLOYMENT_NAME_LENGTH - 1}}}$")
PREFIX_LIST_ID = re.compile(r"^pl-[0-9a-f]{8,17}$")
# An ALB http-header condition: a header name of up to 40 characters; a value kept to literal characters.
HTTP_HEADER_NAME = re.compile(r"^[A-Za-z0-9-]{1,40}$")
HTTP_HEADER_VALUE = re.compile(r"^[A-Za-z0-9._-]{1,128}$")


# A secret named instead of given by ARN, so the template deploys in any account and Region: ``secretsmanager:<name>``
# becomes a parameter taking that secret's full ARN (ECS takes "the full ARN of the Secrets Manager secret", and the
# six characters Secrets Manager appends cannot be known from the name); ``ssm:<name>`` becomes the parameter's ARN
# in the stack's own partition, Region and account (ECS takes "either the full ARN or name of the parameter" in the
# task's Region): https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Secret.html
SECRETS_MANAGER_BY_NAME = "secretsmanager:"
SSM_BY_NAME = "ssm:"
SECRET_NAME = re.compile(r"^[A-Za-z0-9/_+=.@-]{1,512}$")
# Parameter Store names: letters, digits and _ . - in /-separated levels; none may begin with aws or ssm.
SSM_PARAMETER_NAME = re.compile(r"^(?!/?(?i:aws|ssm))/?[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+){0,14}$")


def secret_parameter_title(prefix: str, variable: str) -> str:
    """The template parameter a ``secretsmanager:<name>`` secret becomes: ``DATABASE_URL`` -> ``DatabaseUrlSecretArn``,
    after ``prefix`` (a sidecar's title)."""
    return prefix + "".join(part.capitalize() for part in variable.split("_") if part) + "SecretArn"


class SecretSources:
    """For a container config with ``secrets`` (variable -> ARN or ``secretsmanager:``/``ssm:`` name pairs): which
    service holds each."""

    secrets: tuple[tuple[str, str], ...]

    @property
    def uses_secrets_manager(self) -> bool:
        return any(SECRETS_MANAGER_ARN.fullmatch(v) or v.startswith(SECRETS_MANAGER_BY_NAME) for _, v in self.secrets)

    @property
    def uses_ssm(self) -> bool:
        return any(SSM_PARAMETER_ARN.fullmatch(v) or v.startswith(SSM_BY_NAME) for _, v in self.secrets)

    @property
    def secrets_by_name(self) -> list[tuple[str, str]]:
        """(variable, secret name) of the ``secretsmanager:<name>`` secrets."""
        return [
            (n, v.removeprefix(SECRETS_MANAGER_BY_NAME))
            for n, v in self.secrets
            if v.startswith(SECRETS_MANAGER_BY_NAME)
        ]
