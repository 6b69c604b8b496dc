"""E9005: no subnet hands out public IPs."""

from fargate_private_templates.cfnlint_rules import _adapter


class SubnetMapPublicIp(_adapter.CheckerRule):
    id = "E9005"
