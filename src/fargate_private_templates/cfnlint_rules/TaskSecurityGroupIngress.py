"""E9006: task security groups are closed to the internet."""

from fargate_private_templates.cfnlint_rules import _adapter
from fargate_private_templates.checks import RULES


class TaskSecurityGroupIngress(_adapter.CheckerRule):
    id = "E9006"
    shortdesc = RULES[id]
    description = (
        "The security groups in the awsvpc configuration of a service, task set or scheduled task admit nothing "
        "from 0.0.0.0/0 or ::/0, neither inline (SecurityGroupIngress) nor through AWS::EC2::SecurityGroupIngress "
        "resources."
    )
