"""E9011: interface endpoints admit TCP 443 from the tasks."""

from fargate_private_templates.cfnlint_rules import _adapter


class EndpointSecurityGroupIngress(_adapter.CheckerRule):
    id = "E9011"
