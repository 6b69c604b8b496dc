"""The Availability Zones where Fargate runs Linux tasks, where the ECS documentation restricts them.

"Amazon ECS Linux containers on AWS Fargate are supported in the following AWS Regions. The supported Availability
Zone IDs are noted when applicable." (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/AWS_Fargate-Regions.html,
looked up on 2026-12-04). The page lists an allow-list for a few Regions only; every other Region's AZs all run
Fargate. AZ IDs, not names: an AZ name maps to a different AZ in each account.
"""

from __future__ import annotations

from typing import Final

# Region -> the AZ IDs Fargate runs Linux tasks in, for the Regions the page restricts.
FARGATE_ZONE_IDS: Final[dict[str, frozenset[str]]] = {
    "us-west-1": frozenset({"usw1-az1", "usw1-az3"}),
    "ap-northeast-1": frozenset({"apne1-az1", "apne1-az2", "apne1-az4"}),
    "cn-north-1": frozenset({"cnn1-az1", "cnn1-az2"}),
}
FARGATE_REGIONS_PAGE: Final = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/AWS_Fargate-Regions.html"


def runs_fargate(region: str, zone_id: str) -> bool:
    """Whether the documentation lets Fargate run Linux tasks in an AZ (by its AZ ID)."""
    allowed = FARGATE_ZONE_IDS.get(region)
    return allowed is None or zone_id in allowed
