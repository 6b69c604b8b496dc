"""E9013: private DNS names need the VPC's DNS support and DNS hostnames."""

from fargate_private_templates.cfnlint_rules import _adapter


class EndpointPrivateDns(_adapter.CheckerRule):
    id = "E9013"
