"""Where each Region-dependent feature the templates use is documented to exist: one row per feature, one source each.

``YES``: the partition's documentation describes the feature and lists no exception for it. ``NO``: the
documentation (or the CloudFormation resource schema for the partition's Regions) says it is not there. ``UNKNOWN``:
we found nothing that settles it; the generator refuses it too, since it is not documented there.
Looked up on 2026-11-27 (the CloudFront VPC origin row on 2026-12-04).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from .partitions import CHINA, COMMERCIAL, GOVCLOUD, PARTITION_NAMES, partition_of

# The HTTPS listeners' TLS policy (row pq_tls_policy below): on Security Hub ELB.17's list, TLS 1.3 and 1.2 only, with
# post-quantum key exchange.
PQ_TLS_POLICY: Final = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"

# AZs (by AZ ID: a name maps to another AZ in each account) where the VPC-origins page says VPC origins do not work.
VPC_ORIGIN_EXCLUDED_ZONE_IDS: Final = ("use1-az3", "usw1-az2", "apne1-az3", "cac1-az3")

YES: Final = "yes"
NO: Final = "no"
UNKNOWN: Final = "unknown"


@dataclass(frozen=True)
class Feature:
    """One feature: ``name`` as errors say it, ``status`` per partition, ``source`` the page(s) that settle it."""

    key: str
    name: str
    status: dict[str, str]
    source: str
    note: str = ""

    def status_in(self, region: str) -> str:
        return self.status[partition_of(region)]


_CN_GUIDE = "https://docs.amazonaws.cn/en_us/aws/latest/userguide"
_GOV_GUIDE = "https://docs.aws.amazon.com/govcloud-us/latest/UserGuide"

FEATURES: Final = (
    Feature(
        "regional_nat",
        "regional NAT gateway (network nat_mode = regional)",
        {COMMERCIAL: YES, CHINA: YES, GOVCLOUD: UNKNOWN},
        "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateways-regional.html; "
        "https://docs.amazonaws.cn/vpc/latest/userguide/nat-gateways-regional.html and "
        f"{_CN_GUIDE}/vpc.html (not among the China differences); "
        f"{_GOV_GUIDE}/govcloud-vpc.html (not among the GovCloud differences, nor confirmed)",
    ),
    Feature(
        "pq_tls_policy",
        f"post-quantum TLS policy {PQ_TLS_POLICY} (HTTPS listeners)",
        {COMMERCIAL: YES, CHINA: YES, GOVCLOUD: UNKNOWN},
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html; "
        "https://docs.amazonaws.cn/en_us/elasticloadbalancing/latest/application/describe-ssl-policies.html",
    ),
    Feature(
        "fargate_spot",
        "Fargate Spot capacity provider",
        {COMMERCIAL: YES, CHINA: UNKNOWN, GOVCLOUD: UNKNOWN},
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html",
        "not for ARM64 tasks in any Region (same page)",
    ),
    Feature(
        "arm64",
        "ARM64 (Graviton) tasks on Fargate",
        {COMMERCIAL: YES, CHINA: YES, GOVCLOUD: UNKNOWN},
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RuntimePlatform.html; "
        "https://docs.amazonaws.cn/AmazonECS/latest/APIReference/API_RuntimePlatform.html",
    ),
    Feature(
        "ecs_exec",
        "ECS Exec (enable_execute_command)",
        {COMMERCIAL: YES, CHINA: UNKNOWN, GOVCLOUD: UNKNOWN},
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html",
    ),
    Feature(
        "container_insights",
        "CloudWatch Container Insights (cluster setting containerInsights)",
        {COMMERCIAL: YES, CHINA: YES, GOVCLOUD: UNKNOWN},
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/deploy-container-insights-ECS-cluster.html; "
        "https://docs.amazonaws.cn/en_us/AmazonCloudWatch/latest/monitoring/deploy-container-insights.html",
    ),
    Feature(
        "pull_through_cache",
        "ECR pull-through cache from Docker Hub, GitHub, GitLab, Quay or registry.k8s.io",
        {COMMERCIAL: YES, CHINA: YES, GOVCLOUD: UNKNOWN},
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html; "
        "https://docs.amazonaws.cn/en_us/AmazonECR/latest/userguide/pull-through-cache.html",
    ),
    Feature(
        "pull_through_cache_ecr_public",
        "ECR pull-through cache from ECR Public (upstream ecr-public)",
        {COMMERCIAL: YES, CHINA: NO, GOVCLOUD: UNKNOWN},
        f"https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html; {_CN_GUIDE}/ecr-public.html "
        "(Amazon ECR Public is not available in China Regions)",
    ),
    Feature(
        "guard_hook",
        "CloudFormation Guard Hook (AWS::CloudFormation::GuardHook, templates/guard-hook.yaml)",
        {COMMERCIAL: YES, CHINA: NO, GOVCLOUD: NO},
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-guardhook.html;"
        " the CloudFormation resource schemas of cn-north-1, cn-northwest-1, us-gov-west-1 and us-gov-east-1 (as "
        "bundled with cfn-lint 1.58, schema date 2026-10-20) have no such type",
    ),
    Feature(
        "cloudfront_vpc_origin",
        "CloudFront VPC origin (AWS::CloudFront::VpcOrigin: load_balancer.kind or [ingress] kind = cloudfront)",
        {COMMERCIAL: YES, CHINA: NO, GOVCLOUD: NO},
        "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html "
        '("VPC origins are currently supported in the following commercial AWS Regions", none in China or GovCloud); '
        "the CloudFormation resource schemas of cn-north-1, cn-northwest-1, us-gov-west-1 and us-gov-east-1 (as "
        "bundled with cfn-lint 1.58, schema date 2026-10-20) have no AWS::CloudFront::VpcOrigin, and GovCloud's no "
        "AWS::CloudFront::Distribution",
        f"not in the AZs {', '.join(VPC_ORIGIN_EXCLUDED_ZONE_IDS)} (same page), which preflight checks; not in every "
        "commercial Region: the page lists them",
    ),
)
BY_KEY: Final = {feature.key: feature for feature in FEATURES}


def markdown_table() -> str:
    """The table as the README shows it (a test keeps the README in step)."""
    partitions = (COMMERCIAL, CHINA, GOVCLOUD)
    header = "| Feature | " + " | ".join(PARTITION_NAMES[p] for p in partitions) + " | Source |"
    rows = [header, "|---" * (len(partitions) + 2) + "|"]
    for feature in FEATURES:
        note = f" ({feature.note})" if feature.note else ""
        cells = " | ".join(feature.status[p] for p in partitions)
        rows.append(f"| {feature.name}{note} | {cells} | {feature.source} |")
    return "\n".join(rows)
