"""E9003: task subnets reach an image registry."""

from fargate_private_templates.cfnlint_rules import _adapter
from fargate_private_templates.checks import RULES


class TaskRegistryPath(_adapter.CheckerRule):
    id = "E9003"
    shortdesc = RULES[id]
    description = (
        "Each subnet a service, task set or scheduled task runs tasks in sends 0.0.0.0/0 to a NAT gateway that is "
        "regional or sits in a public subnet, or the VPC has ecr.api and ecr.dkr interface endpoints (private DNS "
        "on) and an s3 gateway endpoint on its route table."
    )
