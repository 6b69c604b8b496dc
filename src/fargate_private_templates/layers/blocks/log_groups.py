"""Log groups that outlive their stack: the logs explain what happened before it went."""

from __future__ import annotations

from troposphere import If, NoValue, Parameter, Ref, Template, logs

from ...config.patterns import KMS_KEY_ARN
from .parameters import INTERFACE, add_optional_parameter, add_parameter_group
from .scanner_skips import LOG_GROUP_WITHOUT_CUSTOMER_KEY, LOG_RETENTION_BY_PARAMETER, accept

LOGS_KMS_KEY = "LogsKmsKeyArn"
HAS_LOGS_KMS_KEY = "HasLogsKmsKey"
# CloudWatch Logs checks the key when the group is created: the key policy must already let the Region's logs
# service principal use it for this log group (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/
# encrypt-log-data-kms.html).
LOGS_KMS_KEY_DESCRIPTION = (
    "Customer-managed KMS key ARN to encrypt these logs; empty for CloudWatch Logs' own encryption. The key policy "
    "must allow the logs service principal (logs.<region>.amazonaws.com) kms:Encrypt*, kms:Decrypt*, "
    "kms:ReEncrypt*, kms:GenerateDataKey* and kms:Describe* before the stack is created"
)


def add_retained_log_group(template: Template, title: str, retention: Parameter) -> logs.LogGroup:
    """An unnamed log group with the retention parameter's period, kept on stack deletion and replacement, encrypted
    with the ``LogsKmsKeyArn`` parameter's key when one is given (one parameter for all of a template's groups)."""
    add_logs_kms_key_parameter(template, _group_of(template, retention.title))
    log_group = logs.LogGroup(
        title,
        RetentionInDays=Ref(retention),
        KmsKeyId=If(HAS_LOGS_KMS_KEY, Ref(LOGS_KMS_KEY), NoValue),
        DeletionPolicy="Retain",
        UpdateReplacePolicy="Retain",
    )
    return template.add_resource(accept(log_group, LOG_GROUP_WITHOUT_CUSTOMER_KEY, LOG_RETENTION_BY_PARAMETER))


def add_logs_kms_key_parameter(template: Template, group: str) -> Parameter:
    """The ``LogsKmsKeyArn`` parameter (empty by default) and its condition, added once per template."""
    if LOGS_KMS_KEY in template.parameters:
        return template.parameters[LOGS_KMS_KEY]
    parameter = add_optional_parameter(
        template,
        LOGS_KMS_KEY,
        LOGS_KMS_KEY_DESCRIPTION,
        f"^{KMS_KEY_ARN.pattern}$",
        "a KMS key ARN: arn:<partition>:kms:<region>:<account>:key/<key id>",
        HAS_LOGS_KMS_KEY,
    )
    add_parameter_group(template, group, {LOGS_KMS_KEY: "Logs KMS key ARN"})
    return parameter


def _group_of(template: Template, parameter: str) -> str:
    """The console group holding ``parameter``: the key is asked for next to the log retention."""
    groups = template.metadata.get(INTERFACE, {}).get("ParameterGroups", [])
    return next((g["Label"]["default"] for g in groups if parameter in g["Parameters"]), "Logs")
