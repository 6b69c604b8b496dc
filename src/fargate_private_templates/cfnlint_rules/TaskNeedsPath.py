"""E9014: everything each container needs has a path."""

from fargate_private_templates.cfnlint_rules import _adapter


class TaskNeedsPath(_adapter.CheckerRule):
    id = "E9014"
