"""Accepted scanner findings: every checkov skip and every cfn-guard (Guard Rules Registry) suppression names its
check and says why, both are written by one helper, and the suppression format is the one cfn-guard honours."""

from __future__ import annotations

import copy
import json

import pytest
from cfn_guard_rs.cfn_guard_rs import run_checks_rs
from conftest import ROOT, TEMPLATES, catalogue_dict
from troposphere import Template, logs

from fargate_private_templates.catalogue import CATALOGUE
from fargate_private_templates.config.load_balancer import LoadBalancerOptions
from fargate_private_templates.config.service import ContainerOptions, ServiceConfig
from fargate_private_templates.layers.blocks import scanner_skips
from fargate_private_templates.layers.blocks.scanner_skips import (
    CHECKOV_ID,
    GUARD_RULE,
    AcceptedFinding,
    accept,
    accept_finding,
    accept_lint_warning,
    checkov_skips,
    guard_suppressions,
    skip_checkov,
)
from fargate_private_templates.layers.service import build_service
from fargate_private_templates.render import ordered_dict
from fargate_private_templates.render.loader import load_template

# Findings both scanners report: a resource that accepts one must accept the other.
BOTH_SCANNERS = {
    "CKV_AWS_158": "CLOUDWATCH_LOG_GROUP_ENCRYPTED",
    "CKV_AWS_91": "ELBV2_ACCESS_LOGGING_RULE",
    "CKV_AWS_260": "EC2_SECURITY_GROUP_INGRESS_OPEN_TO_WORLD_RULE",
}

# What the Guard Rules Registry would report on the catalogue, by template and resource (read from its rules).
EXPECTED_GUARD = {
    "service-alb.yaml": {
        "LogGroup": {"CLOUDWATCH_LOG_GROUP_ENCRYPTED", "CW_LOGGROUP_RETENTION_PERIOD_CHECK"},
        "ExecutionRole": {"IAM_NO_INLINE_POLICY_CHECK", "IAM_POLICYDOCUMENT_NO_WILDCARD_RESOURCE"},
        "TaskSecurityGroup": {"EC2_SECURITY_GROUP_EGRESS_OPEN_TO_WORLD_RULE"},
        "LoadBalancerSecurityGroup": {
            "EC2_SECURITY_GROUP_INGRESS_OPEN_TO_WORLD_RULE",
            "SECURITY_GROUP_INGRESS_CIDR_NON_32_RULE",
            "SECURITY_GROUP_EGRESS_PORT_RANGE_RULE",
        },
        "LoadBalancer": {"ELBV2_ACCESS_LOGGING_RULE", "ELB_DELETION_PROTECTION_ENABLED"},
        "HttpRedirectListener": {"ELBV2_LISTENER_PROTOCOL_RULE", "ELBV2_LISTENER_SSL_POLICY_RULE"},
        "HttpsListener": {"ELBV2_ACM_CERTIFICATE_REQUIRED"},
    },
    "service-nlb.yaml": {
        "LoadBalancerSecurityGroup": {
            "EC2_SECURITY_GROUP_INGRESS_OPEN_TO_WORLD_RULE",
            "SECURITY_GROUP_INGRESS_CIDR_NON_32_RULE",
            "SECURITY_GROUP_EGRESS_PORT_RANGE_RULE",
        },
        "TlsListener": {"ELBV2_ACM_CERTIFICATE_REQUIRED"},
    },
    "network-endpoints.yaml": {
        "FlowLogGroup": {"CLOUDWATCH_LOG_GROUP_ENCRYPTED", "CW_LOGGROUP_RETENTION_PERIOD_CHECK"},
        "FlowLogRole": {"IAM_NO_INLINE_POLICY_CHECK"},
        "EndpointSecurityGroup": {"SECURITY_GROUP_INGRESS_CIDR_NON_32_RULE", "SECURITY_GROUP_EGRESS_PORT_RANGE_RULE"},
        "PublicDefaultRoute": {"NO_UNRESTRICTED_ROUTE_TO_IGW"},
    },
    "guard-hook.yaml": {"GuardHookExecutionRole": {"IAM_NO_INLINE_POLICY_CHECK"}},
}


def test_every_skip_in_the_catalogue_names_a_check_and_a_reason(catalogue_file: str) -> None:
    for resource, skip in checkov_skips(catalogue_dict(catalogue_file)):
        assert set(skip) == {"id", "comment"}, f"{catalogue_file} {resource}: unexpected skip keys {sorted(skip)}"
        assert CHECKOV_ID.fullmatch(skip["id"]), f"{catalogue_file} {resource}: {skip['id']!r} is not a checkov id"
        assert isinstance(skip["comment"], str), f"{catalogue_file} {resource}: reason must be text"
        assert skip["comment"].strip(), f"{catalogue_file} {resource}: {skip['id']} has no reason"


def test_every_guard_suppression_in_the_catalogue_names_a_rule_and_a_reason(catalogue_file: str) -> None:
    for resource, rule, reason in guard_suppressions(catalogue_dict(catalogue_file)):
        assert GUARD_RULE.fullmatch(rule), f"{catalogue_file} {resource}: {rule!r} is not a guard rule id"
        assert isinstance(reason, str) and reason.strip(), f"{catalogue_file} {resource}: {rule} has no reason"


def test_findings_both_scanners_report_are_accepted_for_both(catalogue_file: str) -> None:
    template = catalogue_dict(catalogue_file)
    guard = {(resource, rule) for resource, rule, _ in guard_suppressions(template)}
    checkov = {(resource, skip["id"]) for resource, skip in checkov_skips(template)}
    for resource, check in checkov:
        if check in BOTH_SCANNERS:
            assert (resource, BOTH_SCANNERS[check]) in guard, f"{catalogue_file} {resource}: {check} for checkov only"
    # Port 80 (CKV_AWS_260) is one case of the open-listener rule: an NLB's group has the rule without the check.
    for check, rule in BOTH_SCANNERS.items():
        for resource in {r for r, g in guard if g == rule}:
            if check != "CKV_AWS_260":
                assert (resource, check) in checkov, f"{catalogue_file} {resource}: {rule} for cfn-guard only"


@pytest.mark.parametrize("filename", sorted(EXPECTED_GUARD))
def test_the_registry_findings_of_the_catalogue_are_suppressed(filename: str) -> None:
    found: dict[str, set[str]] = {}
    for resource, rule, _ in guard_suppressions(catalogue_dict(filename)):
        found.setdefault(resource, set()).add(rule)
    for resource, rules in EXPECTED_GUARD[filename].items():
        assert found.get(resource) == rules, f"{filename} {resource}"


def test_every_catalogued_finding_has_an_id_and_a_reason() -> None:
    findings = [value for value in vars(scanner_skips).values() if isinstance(value, AcceptedFinding)]
    assert len(findings) >= 10
    for finding in findings:
        assert finding.reason.strip() and (finding.checkov_id or finding.guard_rules), finding
        assert finding.checkov_id is None or CHECKOV_ID.fullmatch(finding.checkov_id), finding
        assert all(GUARD_RULE.fullmatch(rule) for rule in finding.guard_rules), finding
    for check, rule in BOTH_SCANNERS.items():
        assert any(f.checkov_id == check and rule in f.guard_rules for f in findings) or check == "CKV_AWS_260"


def test_both_scanners_reach_the_rendered_resource_metadata() -> None:
    template = Template()
    group = template.add_resource(logs.LogGroup("Group", Metadata={"Owner": "team"}))
    accept_finding(group, checkov_id="CKV_AWS_158", guard_rules=("CLOUDWATCH_LOG_GROUP_ENCRYPTED",), reason="first")
    skip_checkov(group, "CKV_AWS_66", "retention is a parameter")
    accept(group, AcceptedFinding("replaced", "CKV_AWS_158", ("CLOUDWATCH_LOG_GROUP_ENCRYPTED", "OTHER_RULE")))
    metadata = ordered_dict(template)["Resources"]["Group"]["Metadata"]
    assert metadata["Owner"] == "team", "other metadata is kept"
    assert metadata["checkov"]["skip"] == [
        {"id": "CKV_AWS_66", "comment": "retention is a parameter"},
        {"id": "CKV_AWS_158", "comment": "replaced"},
    ]
    assert metadata["guard"] == {
        "SuppressedRules": ["CLOUDWATCH_LOG_GROUP_ENCRYPTED", "OTHER_RULE"],
        "Reasons": {"CLOUDWATCH_LOG_GROUP_ENCRYPTED": "replaced", "OTHER_RULE": "replaced"},
    }


@pytest.mark.parametrize(
    ("check_id", "rules", "reason"),
    [
        ("CKV_AWS_158", (), ""),
        ("CKV_AWS_158", (), "   "),
        ("AWS_158", (), "why"),
        ("ckv_aws_1", (), "why"),
        ("CKV_AWS_158\n", (), "why"),
        (None, (), "why"),
        (None, ("lower_case",), "why"),
        (None, ("RULE",), ""),
    ],
)
def test_a_finding_without_an_id_or_a_reason_is_refused(check_id: str | None, rules: tuple, reason: str) -> None:
    with pytest.raises(ValueError, match="Group"):
        accept_finding(logs.LogGroup("Group"), checkov_id=check_id, guard_rules=rules, reason=reason)


def _registry_style_rule(rule: str, resource_type: str) -> str:
    """A rule selecting its resources the way every Guard Rules Registry rule does, failing whatever it selects."""
    return f"""
let selected = Resources.*[ Type == '{resource_type}'
  Metadata.guard.SuppressedRules not exists or
  Metadata.guard.SuppressedRules.* != "{rule}"
]
rule {rule} when %selected !empty {{
  %selected.Properties.NoSuchProperty exists
}}
"""


def _status(document: dict, rules: str) -> dict[str, str]:
    report = json.loads(run_checks_rs(json.dumps(document), rules, True))
    checks = [child["container"].get("RuleCheck") for child in report["children"]]
    return {check["name"]: check["status"] for check in checks if check}


@pytest.mark.parametrize("filename", sorted(e.filename for e in CATALOGUE))
def test_cfn_guard_skips_each_suppressed_resource_and_fails_it_without_the_suppression(filename: str) -> None:
    """The engine the tests pin (cfn-guard 3.0.1) honours the written format; without it the same rule fails."""
    template = catalogue_dict(filename)
    for resource, rule, _ in guard_suppressions(template):
        body = template["Resources"][resource]
        rules = _registry_style_rule(rule, body["Type"])
        assert _status({"Resources": {resource: body}}, rules) == {rule: "SKIP"}, f"{filename} {resource} {rule}"
        bare = copy.deepcopy(body)
        del bare["Metadata"]["guard"]
        assert _status({"Resources": {resource: bare}}, rules) == {rule: "FAIL"}, f"{filename} {resource} {rule}"


def test_variants_outside_the_catalogue_suppress_what_they_add() -> None:
    """A plain TCP listener has no TLS policy; ECS Exec's channels take only '*'."""
    config = ServiceConfig(
        enable_exec=True,
        container=ContainerOptions(readonly_root_filesystem=False),
        load_balancer=LoadBalancerOptions(kind="nlb", listener_protocol="tcp", listener_port=8443),
    )
    found: dict[str, set[str]] = {}
    for resource, rule, _ in guard_suppressions(ordered_dict(build_service(config))):
        found.setdefault(resource, set()).add(rule)
    assert found["TcpListener"] == {"ELBV2_LISTENER_SSL_POLICY_RULE"}
    assert found["TaskRole"] == {"IAM_NO_INLINE_POLICY_CHECK", "IAM_POLICYDOCUMENT_NO_WILDCARD_RESOURCE"}
    assert "TaskRole" not in {r for r, _, _ in guard_suppressions(catalogue_dict("service-alb.yaml"))}


def test_an_accepted_lint_warning_keeps_other_metadata_and_its_reason() -> None:
    group = logs.LogGroup("Group", Metadata={"Owner": "team", "cfn-lint": {"config": {"ignore_checks": ["W1"]}}})
    accept_lint_warning(group, ("W1028", "why"))
    assert group.Metadata == {
        "Owner": "team",
        "cfn-lint": {"config": {"ignore_checks": ["W1", "W1028"]}, "reasons": {"W1028": "why"}},
    }
    plain = accept_lint_warning(logs.LogGroup("Plain"), scanner_skips.ROLE_IN_BOTH_BRANCHES)
    assert plain.Metadata["cfn-lint"]["config"] == {"ignore_checks": ["W1028"]}


# The selection and check of three AWS Guard Rules Registry rules, from their source (rules/aws/cloudwatch/
# cw_loggroup_retention_period_check.guard, rules/aws/amazon_ec2/security_group_egress_port_range_rule.guard and
# no_unrestricted_route_to_igw.guard in github.com/aws-cloudformation/aws-guard-rules-registry): True where the rule
# fails the resource.
REGISTRY_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1827, 3653)


def _retention_fails(body: dict) -> bool:
    return body["Type"] == "AWS::Logs::LogGroup" and body.get("Properties", {}).get("RetentionInDays") not in (
        REGISTRY_RETENTION_DAYS
    )


def _egress_port_range_fails(body: dict) -> bool:
    properties = body.get("Properties", {})
    if body["Type"] == "AWS::EC2::SecurityGroup":
        rules = properties.get("SecurityGroupEgress") or []
    elif body["Type"] == "AWS::EC2::SecurityGroupEgress":
        rules = [properties]
    else:
        return False
    return any("FromPort" in r and "ToPort" in r and r["FromPort"] != r["ToPort"] for r in rules)


def _route_to_igw_fails(body: dict) -> bool:
    properties = body.get("Properties", {})
    return (
        body["Type"] == "AWS::EC2::Route"
        and "GatewayId" in properties
        and properties.get("DestinationCidrBlock") in ("0.0.0.0/0", "::/0")
    )


REGISTRY_RULES = {
    "CW_LOGGROUP_RETENTION_PERIOD_CHECK": _retention_fails,
    "SECURITY_GROUP_EGRESS_PORT_RANGE_RULE": _egress_port_range_fails,
    "NO_UNRESTRICTED_ROUTE_TO_IGW": _route_to_igw_fails,
}


def _committed_templates() -> dict[str, dict]:
    paths = [*sorted(TEMPLATES.glob("*.yaml")), *sorted((ROOT / "tests" / "golden" / "examples").rglob("*.yaml"))]
    return {str(path.relative_to(ROOT)): load_template(path) for path in paths}


def test_every_resource_three_registry_rules_fail_carries_their_suppression_with_a_reason() -> None:
    failing = []
    for filename, template in _committed_templates().items():
        suppressed = {(resource, rule): reason for resource, rule, reason in guard_suppressions(template)}
        for resource, body in template["Resources"].items():
            for rule, fails in REGISTRY_RULES.items():
                if fails(body):
                    failing.append((filename, resource, rule))
                    reason = suppressed.get((resource, rule))
                    assert isinstance(reason, str) and reason.strip(), f"{filename} {resource}: {rule} not suppressed"
    rules = {rule for _, _, rule in failing}
    assert rules == set(REGISTRY_RULES), "each rule fails somewhere, so the check above is not vacuous"
    # The catalogue alone: 18 resources, as counted when the registry's rules were first run over it.
    assert len([f for f in failing if f[0].startswith("templates/")]) == 18


def test_the_registry_rule_predicates_fail_what_they_should_and_pass_the_rest() -> None:
    assert _retention_fails({"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": {"Ref": "Days"}}})
    assert _retention_fails({"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 1096}})
    assert not _retention_fails({"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 30}})
    placeholder = {"CidrIp": "255.255.255.255/32", "IpProtocol": "icmp", "FromPort": 252, "ToPort": 86}
    assert _egress_port_range_fails(
        {"Type": "AWS::EC2::SecurityGroup", "Properties": {"SecurityGroupEgress": [placeholder]}}
    )
    assert _egress_port_range_fails(
        {"Type": "AWS::EC2::SecurityGroupEgress", "Properties": {"FromPort": 1, "ToPort": 2}}
    )
    assert not _egress_port_range_fails(
        {"Type": "AWS::EC2::SecurityGroupEgress", "Properties": {"FromPort": 443, "ToPort": 443}}
    )
    assert not _egress_port_range_fails({"Type": "AWS::EC2::Subnet", "Properties": {}})
    route = {"GatewayId": {"Ref": "InternetGateway"}, "DestinationCidrBlock": "0.0.0.0/0"}
    assert _route_to_igw_fails({"Type": "AWS::EC2::Route", "Properties": route})
    assert not _route_to_igw_fails(
        {"Type": "AWS::EC2::Route", "Properties": {**route, "DestinationCidrBlock": "10.0.0.0/8"}}
    )
    assert not _route_to_igw_fails(
        {"Type": "AWS::EC2::Route", "Properties": {"NatGatewayId": "n", "DestinationCidrBlock": "0.0.0.0/0"}}
    )
