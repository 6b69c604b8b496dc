"""E9001 and W9001: Fargate tasks get no public IP."""

from fargate_private_templates.cfnlint_rules import _adapter
from fargate_private_templates.checks import RULES


class TaskPublicIp(_adapter.CheckerRule):
    id = "E9001"
    shortdesc = RULES[id]
    description = (
        "AWS::ECS::Service, AWS::ECS::TaskSet and the EcsParameters of AWS::Events::Rule targets and "
        "AWS::Scheduler::Schedule targets need an awsvpc NetworkConfiguration with AssignPublicIp DISABLED in every "
        "Fn::If branch; a parameter cannot be proven DISABLED."
    )


class TaskPublicIpImplicit(_adapter.CheckerRule):
    id = "W9001"
    shortdesc = RULES[id]
    description = (
        "AssignPublicIp left out defaults to DISABLED (for services, task sets, EventBridge and Scheduler targets); "
        "spelling it out keeps a later edit from flipping it."
    )
