"""E9003: task subnets reach an image registry."""

from fargate_private_templates.cfnlint_rules import _adapter


class TaskRegistryPath(_adapter.CheckerRule):
    id = "E9003"
