"""E9010: task security groups let TCP 443 out to where the tasks' needs go."""

from fargate_private_templates.cfnlint_rules import _adapter


class TaskSecurityGroupEgress(_adapter.CheckerRule):
    id = "E9010"
