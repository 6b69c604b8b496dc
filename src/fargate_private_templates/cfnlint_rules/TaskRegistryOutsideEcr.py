"""E9008: tasks pulling from outside ECR have a NAT path."""

from fargate_private_templates.cfnlint_rules import _adapter
from fargate_private_templates.checks import RULES


class TaskRegistryOutsideEcr(_adapter.CheckerRule):
    id = "E9008"
    shortdesc = RULES[id]
    description = (
        "A task definition (a service's, or a scheduled task's TaskDefinitionArn) with RepositoryCredentials, or an "
        "image from Docker Hub, GHCR or public ECR, needs a NAT path: VPC endpoints reach only ECR and other AWS "
        "services."
    )
