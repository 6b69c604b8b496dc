"""E9020: listener rules on one listener have distinct priorities."""

from fargate_private_templates.cfnlint_rules import _adapter


class ListenerRulePriority(_adapter.CheckerRule):
    id = "E9020"
