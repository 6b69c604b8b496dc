"""W9015: egress through something the checker does not follow."""

from fargate_private_templates.cfnlint_rules import _adapter


class UnfollowedEgress(_adapter.CheckerRule):
    id = "W9015"
