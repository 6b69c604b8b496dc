"""E9008: tasks pulling from outside ECR have a NAT path."""

from fargate_private_templates.cfnlint_rules import _adapter


class TaskRegistryOutsideEcr(_adapter.CheckerRule):
    id = "E9008"
