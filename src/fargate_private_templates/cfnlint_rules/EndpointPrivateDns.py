"""E9013: private DNS names need the VPC's DNS support and DNS hostnames."""

from fargate_private_templates.cfnlint_rules import _adapter
from fargate_private_templates.checks import RULES


class EndpointPrivateDns(_adapter.CheckerRule):
    id = "E9013"
    shortdesc = RULES[id]
    description = (
        "A VPC holding interface endpoints with PrivateDnsEnabled that the tasks use sets EnableDnsHostnames true "
        "and leaves EnableDnsSupport on; otherwise the tasks resolve the services' public names."
    )
