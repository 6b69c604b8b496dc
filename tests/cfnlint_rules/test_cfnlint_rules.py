"""The cfn-lint rules: loaded from their directory like `cfn-lint -a`, they fire on bad fixtures only."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from cfnlint.api import ManualArgs, lint
from cfnlint.helpers import load_plugins
from cfnlint.rules import Match, RulesCollection
from conftest import FIXTURES, TEMPLATES

from fargate_private_templates.checks import RULES, cfnlint_rules_path

# One template alone cannot resolve imports: the cross-template rule, the "unresolved" warning and whether launchers
# are proven private (W9016, and E9017 when none is) stay out.
SINGLE_TEMPLATE_RULES = sorted(set(RULES) - {"E9007", "W9009", "W9016", "E9017"})


@functools.cache
def our_rules() -> RulesCollection:
    """Only our rules, loaded the way `cfn-lint -a <dir>` loads a directory (fast: no schema rules)."""
    collection = RulesCollection()
    collection.extend(load_plugins(str(cfnlint_rules_path())))
    return collection


def lint_ours(path: Path) -> list[Match]:
    return lint(path.read_text(encoding="utf-8"), rules=our_rules(), regions=["us-east-1"])


def rule_ids(matches: list[Match]) -> list[str]:
    return [m.rule.id for m in matches]


def line_of(path: Path, text: str) -> int:
    """1-based number of the only line of ``path`` containing ``text``."""
    (number,) = [n for n, line in enumerate(path.read_text().splitlines(), start=1) if text in line]
    return number


def test_directory_holds_exactly_the_single_template_rules() -> None:
    assert sorted(rule.id for rule in our_rules()) == SINGLE_TEMPLATE_RULES
    for rule in our_rules():
        definition = RULES[rule.id]
        assert (rule.shortdesc, rule.description, rule.source_url) == (
            definition.title,
            definition.description,
            definition.link,
        )


BAD = {
    "E9001-bad.yaml": ["E9001", "E9001"],
    "W9001-bad.yaml": ["W9001"],
    "E9002-bad.yaml": ["E9002"],
    "E9003-bad.yaml": ["E9003"],
    "E9003-bad-nat-in-private-subnet.yaml": ["E9003"],
    "E9004-bad.yaml": ["E9004", "E9004"],
    "E9005-bad.yaml": ["E9005"],
    "E9006-bad.yaml": ["E9006", "E9006"],
    "E9008-bad.yaml": ["E9008"],
    # Scheduled tasks: findings on the EventBridge rule and the Scheduler schedule.
    "E9001-bad-scheduled.yaml": ["E9001", "E9001"],
    "W9001-bad-scheduled.yaml": ["W9001", "W9001"],
    "E9002-bad-scheduled.yaml": ["E9002", "E9002"],
    "E9003-bad-scheduled.yaml": ["E9003", "E9003"],
    "E9006-bad-scheduled.yaml": ["E9006", "E9006"],
    "E9008-bad-scheduled.yaml": ["E9008", "E9008"],
    "E9008-bad-ecr-public-sidecar.yaml": ["E9008"],
    "E9010-bad.yaml": ["E9010"],
    "E9010-bad-nat.yaml": ["E9010"],
    "E9011-bad.yaml": ["E9011"],
    "E9012-bad.yaml": ["E9012"],
    "E9013-bad.yaml": ["E9013"],
    "E9014-bad.yaml": ["E9014", "E9014", "E9014"],
    "W9015-bad.yaml": ["W9015"],
    "E9018-bad.yaml": ["E9018"],
    "W9019-bad.yaml": ["W9019"],
    "E9021-bad.yaml": ["E9021"],
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_rules_fire_on_bad_fixtures(name: str) -> None:
    assert sorted(rule_ids(lint_ours(FIXTURES / name))) == BAD[name]


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*-good*.yaml")))
def test_rules_are_silent_on_good_fixtures(name: str) -> None:
    assert lint_ours(FIXTURES / name) == []


@pytest.mark.parametrize(
    "name", sorted(p.name for p in FIXTURES.glob("*.yaml") if p.name.split("-")[0] in ("W9009", "W9016", "E9017"))
)
def test_unresolvable_is_not_reported_by_cfnlint(name: str) -> None:
    assert lint_ours(FIXTURES / name) == []


@pytest.mark.parametrize(
    "path",
    sorted(TEMPLATES.glob("*.yaml")) + sorted((FIXTURES / "pair").glob("*.yaml")),
    ids=lambda p: p.name,
)
def test_rules_are_silent_on_committed_and_cross_template_files(path: Path) -> None:
    # Services whose network is imported cannot be judged alone; no rule error (E0002) either.
    assert lint_ours(path) == []


def test_matches_point_at_the_offending_property() -> None:
    path = FIXTURES / "E9001-bad.yaml"
    matches = sorted(lint_ours(path), key=lambda m: m.linenumber)
    assert [m.linenumber for m in matches] == [
        line_of(path, "AssignPublicIp: !If [IsProduction, DISABLED, ENABLED]"),
        line_of(path, "AssignPublicIp: !Ref TaskPublicIp"),
    ]
    assert matches[0].message == "AssignPublicIp is ENABLED in a Fn::If branch: its tasks get public IPs"
    e9005 = FIXTURES / "E9005-bad.yaml"
    (match,) = lint_ours(e9005)
    assert match.linenumber == line_of(e9005, "MapPublicIpOnLaunch: true")


def test_scheduled_task_matches_point_into_each_target() -> None:
    path = FIXTURES / "E9001-bad-scheduled.yaml"
    matches = sorted(lint_ours(path), key=lambda m: m.linenumber)
    assert [m.linenumber for m in matches] == [
        line_of(path, "AssignPublicIp: !If [IsProduction, DISABLED, ENABLED]"),
        line_of(path, "AssignPublicIp: ENABLED"),
    ]
    assert [m.message for m in matches] == [
        "AssignPublicIp is ENABLED in a Fn::If branch: its tasks get public IPs",
        "AssignPublicIp is ENABLED: its tasks get public IPs",
    ]
    w9001 = FIXTURES / "W9001-bad-scheduled.yaml"
    assert sorted(m.linenumber for m in lint_ours(w9001)) == [
        line_of(w9001, "AwsVpcConfiguration:"),
        line_of(w9001, "AwsvpcConfiguration:"),
    ]


def test_append_rules_through_cfnlint_config() -> None:
    # The route `cfn-lint -a <dir>` takes: our rules next to cfn-lint's own, which find nothing else.
    config = ManualArgs(append_rules=[str(cfnlint_rules_path())], regions=["us-east-1"])
    matches = lint((FIXTURES / "E9006-bad.yaml").read_text(), config=config)
    assert rule_ids(matches) == ["E9006", "E9006"]
    # The scheduled fixtures are valid for cfn-lint's own rules too (Events and Scheduler schemas).
    matches = lint((FIXTURES / "E9008-bad-scheduled.yaml").read_text(), config=config)
    assert rule_ids(matches) == ["E9008", "E9008"]
