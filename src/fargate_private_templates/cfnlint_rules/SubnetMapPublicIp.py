"""E9005: no subnet hands out public IPs."""

from fargate_private_templates.cfnlint_rules import _adapter
from fargate_private_templates.checks import RULES


class SubnetMapPublicIp(_adapter.CheckerRule):
    id = "E9005"
    shortdesc = RULES[id]
    description = "MapPublicIpOnLaunch true gives anything launched in the subnet a public IP; keep it false."
