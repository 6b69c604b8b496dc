"""E9004: internet-facing load balancers sit in public subnets, internal ones in private subnets."""

from fargate_private_templates.cfnlint_rules import _adapter
from fargate_private_templates.checks import RULES


class LoadBalancerPublicSubnets(_adapter.CheckerRule):
    id = "E9004"
    shortdesc = RULES[id]
    description = (
        "An internet-facing load balancer (Scheme absent means internet-facing) forwarding to a service's target "
        "group is reachable only if all its subnets route 0.0.0.0/0 to an internet gateway; an internal one belongs "
        "in subnets that do not."
    )
