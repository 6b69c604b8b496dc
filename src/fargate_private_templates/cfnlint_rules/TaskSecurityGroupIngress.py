"""E9006: task security groups are closed to the internet."""

from fargate_private_templates.cfnlint_rules import _adapter


class TaskSecurityGroupIngress(_adapter.CheckerRule):
    id = "E9006"
