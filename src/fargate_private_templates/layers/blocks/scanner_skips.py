"""Security-scanner findings accepted on purpose, recorded in the resource's own Metadata.

checkov reads ``Metadata: checkov: skip: [{id, comment}]`` on a CloudFormation resource and reports the check as
skipped instead of failed. Writing the skip from code, next to the resource, keeps the reason reviewable and the
generated YAML untouched by hand.
"""

from __future__ import annotations

import re
from typing import Any

from troposphere import AWSObject

CHECKOV_ID = re.compile(r"^CKV2?_AWS_\d+$")

LOG_GROUP_NOT_KMS = "CKV_AWS_158"
LOG_GROUP_NOT_KMS_REASON = (
    "CloudWatch Logs encrypts log data at rest with AWS-owned keys; a customer-managed KMS key would add a monthly "
    "key charge and a key policy granting the logs service, which these logs do not need"
)


def skip_checkov(resource: AWSObject, check_id: str, reason: str) -> AWSObject:
    """Marks ``check_id`` as accepted for ``resource`` with a non-empty ``reason``; returns the resource."""
    if not CHECKOV_ID.match(check_id):
        raise ValueError(f"{resource.title}: {check_id!r} is not a checkov AWS check id (CKV_AWS_n or CKV2_AWS_n)")
    if not reason.strip():
        raise ValueError(f"{resource.title}: skipping {check_id} needs a reason")
    metadata: dict[str, Any] = dict(resource.resource.get("Metadata") or {})
    checkov = dict(metadata.get("checkov") or {})
    skips = [skip for skip in checkov.get("skip", []) if skip["id"] != check_id]
    skips.append({"id": check_id, "comment": reason.strip()})
    checkov["skip"] = skips
    metadata["checkov"] = checkov
    resource.Metadata = metadata
    return resource


def checkov_skips(template: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(resource name, skip entry) for every checkov skip in a template given as a dict."""
    found = []
    for name, body in template.get("Resources", {}).items():
        for skip in ((body.get("Metadata") or {}).get("checkov") or {}).get("skip", []):
            found.append((name, skip))
    return found
