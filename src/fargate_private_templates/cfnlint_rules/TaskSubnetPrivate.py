"""E9002: tasks run only in private subnets."""

from fargate_private_templates.cfnlint_rules import _adapter
from fargate_private_templates.checks import RULES


class TaskSubnetPrivate(_adapter.CheckerRule):
    id = "E9002"
    shortdesc = RULES[id]
    description = (
        "Every subnet in the awsvpc configuration of a service, task set or scheduled task is private: its route "
        "table sends 0.0.0.0/0 (and ::/0) somewhere other than an internet gateway. Subnets imported from another "
        "stack are not checked here."
    )
