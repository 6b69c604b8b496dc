"""The rulebook: every rule defined once, and the rule reference (docs/rules.md) generated from it."""

from __future__ import annotations

from conftest import ROOT

from fargate_private_templates.checks import RULES, cfnlint_rules_path
from fargate_private_templates.checks.rulebook import EXPLAIN_WIDTH


def test_rules_and_cfnlint_path() -> None:
    assert sorted(RULES) == [
        *("E9001", "E9002", "E9003", "E9004", "E9005", "E9006", "E9007", "E9008"),
        *("E9010", "E9011", "E9012", "E9013", "E9014", "E9017", "E9018", "E9020", "E9021"),
        *("W9001", "W9009", "W9015", "W9016", "W9019"),
    ]
    assert all(r.title and r.description and r.fix and "\n" not in r.title for r in RULES.values())
    assert {r.severity for r in RULES.values() if r.id.startswith("W")} == {"warning"}
    assert {r.severity for r in RULES.values() if r.id.startswith("E")} == {"error"}
    assert all(r.link == f"docs/rules.md#{r.id.lower()}" for r in RULES.values())
    assert cfnlint_rules_path().is_dir()
    assert (cfnlint_rules_path() / "TaskPublicIp.py").is_file()


def test_every_rule_code_in_the_checker_is_defined_once_in_the_rulebook() -> None:
    import re

    from fargate_private_templates.checks import rulebook

    package = ROOT / "src" / "fargate_private_templates"
    used = {
        code
        for path in [*(package / "checks").glob("*.py"), *(package / "cfnlint_rules").glob("*.py")]
        if path.name != "rulebook.py"
        for code in re.findall(r"\b[EW]9\d{3}\b", path.read_text())
    }
    assert used and used <= set(RULES)
    source = (package / "checks" / "rulebook.py").read_text()
    assert all(source.count(f'"{code}",\n') == 1 for code in RULES)
    assert len(rulebook._RULES) == len(RULES)


def test_the_rule_reference_is_generated_from_the_rulebook() -> None:
    from fargate_private_templates.checks.rulebook import rules_markdown

    page = (ROOT / "docs" / "rules.md").read_text()
    assert page == rules_markdown(), "docs/rules.md is stale: run `make templates`"
    for rule in RULES.values():
        assert f"\n## {rule.id}\n" in page and f"[{rule.id}](#{rule.id.lower()})" in page


def test_explain_prints_title_description_fix_and_link_as_paragraphs_wrapped_for_a_terminal() -> None:
    rule = RULES["E9010"]
    paragraphs = rule.explain().split("\n\n")
    assert [" ".join(p.split()) for p in paragraphs] == [
        f"E9010 (error): {rule.title}",
        " ".join(rule.description.split()),
        f"Fix: {' '.join(rule.fix.split())}",
        f"More: {rule.link}",
    ]
    assert rule.explain().endswith(f"More: {rule.link}\n")
    lines = rule.explain().splitlines()
    assert max(len(line) for line in lines) <= EXPLAIN_WIDTH and len(lines) > len(paragraphs) * 2
    assert max(len(line) for line in lines) > EXPLAIN_WIDTH - 10  # wrapped at the terminal width, not narrower
