"""E9004: internet-facing load balancers sit in public subnets, internal ones in private subnets."""

from fargate_private_templates.cfnlint_rules import _adapter


class LoadBalancerPublicSubnets(_adapter.CheckerRule):
    id = "E9004"
