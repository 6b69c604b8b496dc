"""E9002: tasks run only in private subnets."""

from fargate_private_templates.cfnlint_rules import _adapter


class TaskSubnetPrivate(_adapter.CheckerRule):
    id = "E9002"
