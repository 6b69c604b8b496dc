"""E9012: network ACLs of task subnets pass HTTPS and its replies."""

from fargate_private_templates.cfnlint_rules import _adapter
from fargate_private_templates.checks import RULES


class TaskSubnetNetworkAcl(_adapter.CheckerRule):
    id = "E9012"
    shortdesc = RULES[id]
    description = (
        "A network ACL associated with a task subnet allows TCP 443 out to each place the tasks' needs go and TCP "
        "1024-65535 back from it, judged entry by entry in rule-number order like the VPC does."
    )
