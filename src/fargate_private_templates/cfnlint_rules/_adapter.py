"""The base of our cfn-lint rules: run the checker on the one template and keep this rule's findings."""

from __future__ import annotations

from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch
from cfnlint.template import Template

from fargate_private_templates.checks import RULES, CheckReport, check_dicts

# cfn-lint calls each rule on the same template in turn: check it once, not once per rule.
_last_checked: tuple[object, CheckReport] | None = None


def _report(cfn: Template) -> CheckReport:
    global _last_checked
    if _last_checked is None or _last_checked[0] is not cfn.template:
        # One template alone: imports cannot resolve, so the cross-template rules (E9007, W9009) have no class.
        _last_checked = (cfn.template, check_dicts({cfn.filename or "template": cfn.template}))
    return _last_checked[1]


class CheckerRule(CloudFormationLintRule):
    """Subclasses set ``id`` (a rule of ``checks.RULES``); its texts and link come from that definition, and matching
    is shared."""

    tags = ["fargate", "ecs", "networking"]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        rule = RULES[cls.id]
        cls.shortdesc = rule.title
        cls.description = rule.description
        cls.source_url = rule.link

    def match(self, cfn: Template) -> list[RuleMatch]:
        return [
            RuleMatch(list(finding.location) or ["Resources", finding.logical_id], finding.message)
            for finding in _report(cfn).findings
            if finding.rule_id == self.id
        ]
