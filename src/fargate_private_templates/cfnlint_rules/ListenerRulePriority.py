"""E9020: listener rules on one listener have distinct priorities."""

from fargate_private_templates.cfnlint_rules import _adapter
from fargate_private_templates.checks import RULES


class ListenerRulePriority(_adapter.CheckerRule):
    id = "E9020"
    shortdesc = RULES[id]
    description = (
        "Two AWS::ElasticLoadBalancingV2::ListenerRule resources on the same listener with the same Priority (a "
        "parameter counts with its default) make CloudFormation fail; across stacks, run the checker on all of them."
    )
