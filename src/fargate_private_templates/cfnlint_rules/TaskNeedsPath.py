"""E9014: everything each container needs has a path."""

from fargate_private_templates.cfnlint_rules import _adapter
from fargate_private_templates.checks import RULES


class TaskNeedsPath(_adapter.CheckerRule):
    id = "E9014"
    shortdesc = RULES[id]
    description = (
        "For every container: the awslogs driver reaches a logs endpoint, Secrets Manager and Parameter Store "
        "secrets reach their endpoints, ECS Exec reaches ssmmessages (and kms when the cluster encrypts sessions "
        "with a customer-managed key), or the task subnet has a NAT path."
    )
