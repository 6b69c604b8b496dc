"""The base of our cfn-lint rules: run the checker on the one template and keep this rule's findings."""

from __future__ import annotations

from cfnlint.rules import CloudFormationLintRule, RuleMatch
from cfnlint.template import Template

from fargate_private_templates.checks import CheckReport, check_dicts

# cfn-lint calls each rule on the same template in turn: check it once, not once per rule.
_last_checked: tuple[object, CheckReport] | None = None


def _report(cfn: Template) -> CheckReport:
    global _last_checked
    if _last_checked is None or _last_checked[0] is not cfn.template:
        # One template alone: imports cannot resolve, so the cross-template rules (E9007, W9009) have no class.
        _last_checked = (cfn.template, check_dicts({cfn.filename or "template": cfn.template}))
    return _last_checked[1]


class CheckerRule(CloudFormationLintRule):
    """Subclasses set ``id`` (one of ``checks.RULES``) and the descriptions; matching is shared."""

    tags = ["fargate", "ecs", "networking"]

    def match(self, cfn: Template) -> list[RuleMatch]:
        return [
            RuleMatch(list(finding.location) or ["Resources", finding.logical_id], finding.message)
            for finding in _report(cfn).findings
            if finding.rule_id == self.id
        ]
