"""E9011: interface endpoints admit TCP 443 from the tasks."""

from fargate_private_templates.cfnlint_rules import _adapter
from fargate_private_templates.checks import RULES


class EndpointSecurityGroupIngress(_adapter.CheckerRule):
    id = "E9011"
    shortdesc = RULES[id]
    description = (
        "Each interface VPC endpoint the tasks use has a security group admitting TCP 443 from a task security "
        "group or from a CIDR covering the task subnets (the VPC CIDR, for example Fn::GetAtt VPC.CidrBlock)."
    )
