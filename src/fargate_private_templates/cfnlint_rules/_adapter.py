"""The base of our cfn-lint rules: run the checker on the one template and keep this rule's findings."""

from __future__ import annotations

from cfnlint.rules import CloudFormationLintRule, RuleMatch
from cfnlint.template import Template

from fargate_private_templates.checks import check_dicts


class CheckerRule(CloudFormationLintRule):
    """Subclasses set ``id`` (one of ``checks.RULES``) and the descriptions; matching is shared."""

    tags = ["fargate", "ecs", "networking"]

    def match(self, cfn: Template) -> list[RuleMatch]:
        # One template alone: imports cannot resolve, so the cross-template rules (E9007, W9009) have no class.
        report = check_dicts({cfn.filename or "template": cfn.template})
        return [
            RuleMatch(list(finding.location) or ["Resources", finding.logical_id], finding.message)
            for finding in report.findings
            if finding.rule_id == self.id
        ]
