"""E9010: task security groups let TCP 443 out to where the tasks' needs go."""

from fargate_private_templates.cfnlint_rules import _adapter
from fargate_private_templates.checks import RULES


class TaskSecurityGroupEgress(_adapter.CheckerRule):
    id = "E9010"
    shortdesc = RULES[id]
    description = (
        "The security groups of a service, task set or scheduled task allow TCP 443 out (inline egress rules, "
        "AWS::EC2::SecurityGroupEgress resources, or the implicit allow-all of a group declared without egress) to "
        "each interface endpoint the tasks use (its security group or a CIDR covering its subnets), to the S3 "
        "gateway (a prefix list or 0.0.0.0/0) and, for what only NAT reaches, to 0.0.0.0/0."
    )
