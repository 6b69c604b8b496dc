"""E9018 and W9019: a capacity provider strategy names only capacity providers its cluster has."""

from fargate_private_templates.cfnlint_rules import _adapter


class CapacityProviderAssociated(_adapter.CheckerRule):
    id = "E9018"


class CapacityProviderConditional(_adapter.CheckerRule):
    id = "W9019"
