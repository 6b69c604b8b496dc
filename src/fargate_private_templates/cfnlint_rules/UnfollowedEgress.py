"""W9015: egress through something the checker does not follow."""

from fargate_private_templates.cfnlint_rules import _adapter
from fargate_private_templates.checks import RULES


class UnfollowedEgress(_adapter.CheckerRule):
    id = "W9015"
    shortdesc = RULES[id]
    description = (
        "A task subnet's 0.0.0.0/0 route goes to a transit gateway, Cloud WAN, a VPC peering connection, a firewall "
        "or Gateway Load Balancer endpoint, an instance or a network interface, and a need has no other path: the "
        "warning names the target and what to verify there."
    )
