"""Log groups that outlive their stack: the logs explain what happened before it went."""

from __future__ import annotations

from troposphere import Parameter, Ref, Template, logs

from .scanner_skips import LOG_GROUP_NOT_KMS, LOG_GROUP_NOT_KMS_REASON, skip_checkov


def add_retained_log_group(template: Template, title: str, retention: Parameter) -> logs.LogGroup:
    """An unnamed log group with the retention parameter's period, kept on stack deletion and replacement."""
    log_group = logs.LogGroup(
        title, RetentionInDays=Ref(retention), DeletionPolicy="Retain", UpdateReplacePolicy="Retain"
    )
    return template.add_resource(skip_checkov(log_group, LOG_GROUP_NOT_KMS, LOG_GROUP_NOT_KMS_REASON))
