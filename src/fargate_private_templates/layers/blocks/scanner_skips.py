"""Security-scanner findings accepted on purpose, recorded in the resource's own Metadata for both scanners.

checkov reads ``Metadata: checkov: skip: [{id, comment}]`` on a CloudFormation resource and reports the check as
skipped instead of failed. The AWS Guard Rules Registry's cfn-guard rules leave out every resource whose
``Metadata: guard: SuppressedRules`` lists the rule's identifier (each registry rule selects its resources with
``Metadata.guard.SuppressedRules.* != "<RULE>"``, see https://github.com/aws-cloudformation/aws-guard-rules-registry);
that list holds bare identifiers, so the reasons go next to it under ``guard: Reasons``. Writing both from code, next
to the resource, keeps the reason reviewable and the generated YAML untouched by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from troposphere import AWSObject

CHECKOV_ID = re.compile(r"CKV2?_AWS_\d+")
GUARD_RULE = re.compile(r"[A-Z][A-Z0-9_]*[A-Z0-9]")


@dataclass(frozen=True)
class AcceptedFinding:
    """A scanner finding accepted with one reason: the checkov check and the registry rules that report it."""

    reason: str
    checkov_id: str | None = None
    guard_rules: tuple[str, ...] = ()


# The catalogue's accepted findings, one reason each. A finding only one scanner reports names only that scanner.
LOG_GROUP_WITHOUT_CUSTOMER_KEY = AcceptedFinding(
    "Encrypted with the customer-managed KMS key named by the LogsKmsKeyArn parameter when one is given; left empty, "
    "CloudWatch Logs still encrypts the log data at rest with AWS-owned keys, without a key charge or a key policy",
    checkov_id="CKV_AWS_158",
    guard_rules=("CLOUDWATCH_LOG_GROUP_ENCRYPTED",),
)
ACCESS_LOGS_BY_PARAMETER = AcceptedFinding(
    "Access logs are on whenever the AccessLogsBucket parameter names a bucket; the bucket (with the ELB "
    "log-delivery policy of its Region) is usually an organisation's central log bucket, so none is created here",
    checkov_id="CKV_AWS_91",
    guard_rules=("ELBV2_ACCESS_LOGGING_RULE",),
)
DELETION_PROTECTION_BY_PARAMETER = AcceptedFinding(
    "Deletion protection is the DeletionProtection parameter (Security Hub ELB.6): off by default so a stack can "
    "be deleted in one step; set it to true for production",
    guard_rules=("ELB_DELETION_PROTECTION_ENABLED",),
)
HTTP_LISTENER_ONLY_REDIRECTS = AcceptedFinding(
    "The HTTP listener answers every request with a 301 redirect to HTTPS (Security Hub ELB.1) and never forwards "
    "to the tasks, so it carries no TLS policy",
    guard_rules=("ELBV2_LISTENER_PROTOCOL_RULE", "ELBV2_LISTENER_SSL_POLICY_RULE"),
)
TCP_LISTENER_PASSES_THROUGH = AcceptedFinding(
    "A TCP listener (load_balancer.listener_protocol = 'tcp') passes connections through unchanged, so it has no "
    "TLS policy; choose 'tls' for the load balancer to end TLS with the project's TLS 1.3/1.2 policy",
    guard_rules=("ELBV2_LISTENER_SSL_POLICY_RULE",),
)
CERTIFICATE_BY_PARAMETER = AcceptedFinding(
    "The certificate is the CertificateArn parameter, whose AllowedPattern admits only ACM certificate ARNs; the "
    "rule recognises only a certificate created in the same template",
    guard_rules=("ELBV2_ACM_CERTIFICATE_REQUIRED",),
)
INTERNET_FACING_LISTENERS = AcceptedFinding(
    "An internet-facing load balancer: its listener ports are open to every address by design; the tasks behind "
    "it admit only this group",
    guard_rules=("EC2_SECURITY_GROUP_INGRESS_OPEN_TO_WORLD_RULE", "SECURITY_GROUP_INGRESS_CIDR_NON_32_RULE"),
)
REDIRECT_PORT_OPEN = AcceptedFinding(
    "Port 80 is open to the internet only for the ALB's HTTP listener, which answers every request with a "
    "301 redirect to HTTPS (Security Hub ELB.1) and never forwards to the tasks",
    checkov_id="CKV_AWS_260",
)
TASK_EGRESS_BY_PORT = AcceptedFinding(
    "Tasks reach the image registry, CloudWatch Logs and AWS APIs at addresses the template cannot know (endpoint "
    "ENIs, or public addresses through NAT); egress is limited to the EgressPort parameters' TCP ports instead",
    guard_rules=("EC2_SECURITY_GROUP_EGRESS_OPEN_TO_WORLD_RULE",),
)
ENDPOINTS_ADMIT_THE_VPC = AcceptedFinding(
    "Interface endpoints serve every workload in the VPC, so they admit HTTPS from the VPC's range, not one host",
    guard_rules=("SECURITY_GROUP_INGRESS_CIDR_NON_32_RULE",),
)
LOG_RETENTION_BY_PARAMETER = AcceptedFinding(
    "RetentionInDays is the template's retention parameter, whose AllowedValues are exactly the periods CloudWatch "
    "Logs accepts; the rule recognises only a literal number from its own list",
    guard_rules=("CW_LOGGROUP_RETENTION_PERIOD_CHECK",),
)
NO_EGRESS_PLACEHOLDER = AcceptedFinding(
    "The group's only inline egress rule is ICMP type 252 code 86 to 255.255.255.255/32, which matches nothing: its "
    "FromPort and ToPort are an ICMP type and code, not a port range, and it stops EC2 adding its allow-all egress",
    guard_rules=("SECURITY_GROUP_EGRESS_PORT_RANGE_RULE",),
)
PUBLIC_ROUTE_TO_INTERNET_GATEWAY = AcceptedFinding(
    "The public subnets' default route: the load balancers and NAT gateways there must reach the internet; the "
    "tasks' private subnets never route to the internet gateway, which the checker proves",
    guard_rules=("NO_UNRESTRICTED_ROUTE_TO_IGW",),
)
INLINE_ROLE_POLICY = AcceptedFinding(
    "The role's least-privilege policy is written for this role alone and is deleted with it; a managed policy "
    "would be a second resource that could be attached elsewhere",
    guard_rules=("IAM_NO_INLINE_POLICY_CHECK",),
)
ACTIONS_WITHOUT_RESOURCES = AcceptedFinding(
    "Only actions that take no narrower resource are allowed on '*' (ecr:GetAuthorizationToken, ECS Exec's "
    "ssmmessages channels); every other statement names its resources",
    guard_rules=("IAM_POLICYDOCUMENT_NO_WILDCARD_RESOURCE",),
)


def accept_finding(
    resource: AWSObject, *, checkov_id: str | None = None, guard_rules: tuple[str, ...] = (), reason: str
) -> AWSObject:
    """Records a finding accepted for ``resource``: a checkov skip and/or cfn-guard suppressions, each with the
    non-empty ``reason``; returns the resource. Recording an id again replaces its reason."""
    if checkov_id is None and not guard_rules:
        raise ValueError(f"{resource.title}: an accepted finding needs a checkov id or a guard rule")
    if checkov_id is not None and not CHECKOV_ID.fullmatch(checkov_id):
        raise ValueError(f"{resource.title}: {checkov_id!r} is not a checkov AWS check id (CKV_AWS_n or CKV2_AWS_n)")
    for rule in guard_rules:
        if not GUARD_RULE.fullmatch(rule):
            raise ValueError(f"{resource.title}: {rule!r} is not a guard rule identifier (UPPER_SNAKE_CASE)")
    if not reason.strip():
        raise ValueError(f"{resource.title}: accepting {checkov_id or ', '.join(guard_rules)} needs a reason")
    metadata: dict[str, Any] = dict(resource.resource.get("Metadata") or {})
    if checkov_id is not None:
        checkov = dict(metadata.get("checkov") or {})
        skips = [skip for skip in checkov.get("skip", []) if skip["id"] != checkov_id]
        skips.append({"id": checkov_id, "comment": reason.strip()})
        checkov["skip"] = skips
        metadata["checkov"] = checkov
    if guard_rules:
        guard = dict(metadata.get("guard") or {})
        suppressed = [rule for rule in guard.get("SuppressedRules", []) if rule not in guard_rules]
        guard["SuppressedRules"] = [*suppressed, *guard_rules]
        guard["Reasons"] = {**guard.get("Reasons", {}), **{rule: reason.strip() for rule in guard_rules}}
        metadata["guard"] = guard
    resource.Metadata = metadata
    return resource


def accept(resource: AWSObject, *findings: AcceptedFinding) -> AWSObject:
    """Records each of the catalogue's ``findings`` on ``resource``; returns the resource."""
    for finding in findings:
        accept_finding(resource, checkov_id=finding.checkov_id, guard_rules=finding.guard_rules, reason=finding.reason)
    return resource


# cfn-lint rules a resource may ignore, with why: the only lint finding the templates accept.
ROLE_IN_BOTH_BRANCHES = (
    "W1028",
    "The network's cluster is read with the RoleArn every other read of the network stack carries, also in the "
    "Fn::If branch taken when no role is given: CloudFormation is not documented to leave a Fn::GetStackOutput in "
    "the branch it does not take unresolved, and one without the role would run in the workload account",
)


def accept_lint_warning(resource: AWSObject, warning: tuple[str, str]) -> AWSObject:
    """cfn-lint ignores ``warning`` (rule id, reason) on ``resource``; the reason is written beside it."""
    rule, reason = warning
    metadata: dict[str, Any] = dict(resource.resource.get("Metadata") or {})
    lint = dict(metadata.get("cfn-lint") or {})
    config = dict(lint.get("config") or {})
    config["ignore_checks"] = [*config.get("ignore_checks", []), rule]
    lint["config"] = config
    lint["reasons"] = {**lint.get("reasons", {}), rule: reason}
    metadata["cfn-lint"] = lint
    resource.Metadata = metadata
    return resource


def skip_checkov(resource: AWSObject, check_id: str, reason: str) -> AWSObject:
    """A checkov-only finding (kept for callers written before the guard suppressions)."""
    return accept_finding(resource, checkov_id=check_id, reason=reason)


def checkov_skips(template: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(resource name, skip entry) for every checkov skip in a template given as a dict."""
    found = []
    for name, body in template.get("Resources", {}).items():
        for skip in ((body.get("Metadata") or {}).get("checkov") or {}).get("skip", []):
            found.append((name, skip))
    return found


def guard_suppressions(template: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    """(resource name, guard rule, its reason or None) for every cfn-guard suppression in a template dict."""
    found = []
    for name, body in template.get("Resources", {}).items():
        guard = (body.get("Metadata") or {}).get("guard") or {}
        reasons = guard.get("Reasons") or {}
        for rule in guard.get("SuppressedRules", []):
            found.append((name, rule, reasons.get(rule)))
    return found
