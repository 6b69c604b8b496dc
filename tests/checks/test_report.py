"""The report: findings and egress paths as text and JSON, its summary and exit code."""

from __future__ import annotations

import json

from conftest import FIXTURES, NAT_PATH_1, fixture
from conftest import check_fixtures as check

from fargate_private_templates.checks import RULES, CheckReport, EgressPath, Finding, check_dicts
from fargate_private_templates.checks.report import LauncherProof
from fargate_private_templates.render.loader import load_template


def test_format_text_is_paths_then_findings_then_summary() -> None:
    report = check_dicts({"app.yaml": fixture("E9002-bad.yaml"), "more.yaml": fixture("W9001-bad.yaml")})
    assert report.format_text() == (
        "path: app.yaml:PublicSubnet1 -> PublicRouteTable -> InternetGateway\n"
        f"path: more.yaml:{NAT_PATH_1} [security groups TaskSecurityGroup -> the internet]\n"
        "app.yaml:Service: E9002 runs tasks in public subnet PublicSubnet1: PublicRouteTable routes 0.0.0.0/0 to "
        "InternetGateway\n"
        "more.yaml:Service: W9001 AssignPublicIp is absent (DISABLED by default); set DISABLED explicitly\n"
        "2 services: 1 proven private, 1 not proven; 2 subnets checked: 1 error, 1 warning\n"
    )


def test_format_json_shape() -> None:
    report = check("E9006-bad.yaml")
    document = json.loads(report.format_json())
    assert set(document) == {"paths", "findings", "launchers", "summary", "exit_code"}
    assert document["exit_code"] == 1
    assert document["summary"] == {
        "launchers": {"services": 1},
        "proven_private": 0,
        "not_proven": 1,
        "services": 1,
        "scheduled_tasks": 0,
        "subnets": 1,
        "errors": 2,
        "warnings": 0,
    }
    assert document["launchers"] == [
        {
            "template": str(FIXTURES / "E9006-bad.yaml"),
            "logical_id": "Service",
            "kind": "service",
            "proven_private": False,
            "reasons": ["E9006 found"],
        }
    ]
    assert document["paths"] == [
        {
            "template": str(FIXTURES / "E9006-bad.yaml"),
            "subnet": "PrivateSubnet1",
            "text": NAT_PATH_1,
            "groups": "security groups TaskSecurityGroup -> the internet",
        }
    ]
    # Read from a file, findings say where: line and column, as in the text output.
    keys = {"template", "logical_id", "rule_id", "severity", "message", "title", "fix", "link", "line", "column"}
    assert [set(f) for f in document["findings"]] == [keys] * 2
    assert [f["severity"] for f in document["findings"]] == ["error", "error"]
    assert document["findings"][0]["logical_id"] == "TaskSecurityGroup"


def test_warnings_alone_exit_zero_and_errors_exit_one() -> None:
    warning = Finding("t", "X", "W9009", "warning", "m")
    error = Finding("t", "X", "E9002", "error", "m")
    assert CheckReport([warning]).exit_code == 0
    assert CheckReport([warning, error]).exit_code == 1
    assert CheckReport().format_text() == (
        "0 launchers: 0 proven private, 0 not proven; 0 subnets checked: 0 errors, 0 warnings\n"
    )
    assert EgressPath("t", "S", "S -> R").as_dict() == {"template": "t", "subnet": "S", "text": "S -> R"}


def test_json_findings_carry_their_rules_title_fix_and_link() -> None:
    import json

    report = check_dicts({"E9005-bad.yaml": load_template(FIXTURES / "E9005-bad.yaml")})
    (finding,) = json.loads(report.format_json())["findings"]
    rule = RULES["E9005"]
    assert (finding["rule_id"], finding["title"], finding["fix"], finding["link"]) == (
        "E9005",
        rule.title,
        rule.fix,
        rule.link,
    )


def test_summary_and_json_count_unresolved_subnet_references_only_when_there_are_some() -> None:
    report = CheckReport(launchers=[LauncherProof("t", "S", "service", False)], subnets_checked=2, subnets_unresolved=2)
    assert report.summary() == (
        "1 service: 0 proven private, 1 not proven; 2 subnets checked, 2 subnet references unresolved: 0 errors, "
        "0 warnings"
    )
    assert json.loads(report.format_json())["summary"]["subnets_unresolved"] == 2
    assert "subnets_unresolved" not in json.loads(CheckReport().format_json())["summary"]


def test_format_json_is_indented() -> None:
    report = check_dicts({"app.yaml": fixture("E9002-bad.yaml")})
    assert report.format_json() == json.dumps(json.loads(report.format_json()), indent=2) + "\n"


def test_a_finding_without_a_location_is_placed_at_its_resource() -> None:
    source = "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n"
    report = CheckReport([Finding("t.yaml", "Bucket", "W9009", "warning", "m")], sources={"t.yaml": source})
    assert report.format_text().splitlines()[0] == "t.yaml:2:3: Bucket: W9009 m"
