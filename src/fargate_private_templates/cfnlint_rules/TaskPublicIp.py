"""E9001 and W9001: Fargate tasks get no public IP."""

from fargate_private_templates.cfnlint_rules import _adapter


class TaskPublicIp(_adapter.CheckerRule):
    id = "E9001"


class TaskPublicIpImplicit(_adapter.CheckerRule):
    id = "W9001"
