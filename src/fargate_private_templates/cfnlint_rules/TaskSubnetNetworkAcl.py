"""E9012: network ACLs of task subnets pass HTTPS and its replies."""

from fargate_private_templates.cfnlint_rules import _adapter


class TaskSubnetNetworkAcl(_adapter.CheckerRule):
    id = "E9012"
