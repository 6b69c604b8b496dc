"""E9021: with CloudFront in front, load balancers of services are internal and reached by a used VPC origin."""

from fargate_private_templates.cfnlint_rules import _adapter


class CloudFrontOrigin(_adapter.CheckerRule):
    id = "E9021"
