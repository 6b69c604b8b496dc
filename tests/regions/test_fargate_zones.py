"""Where Fargate runs Linux tasks, by AZ ID, as the ECS documentation restricts it."""

from __future__ import annotations

from fargate_private_templates.regions.fargate_zones import FARGATE_ZONE_IDS, runs_fargate


def test_a_restricted_region_allows_only_its_listed_zone_ids() -> None:
    assert runs_fargate("us-west-1", "usw1-az1") and runs_fargate("us-west-1", "usw1-az3")
    assert not runs_fargate("us-west-1", "usw1-az2")
    assert not runs_fargate("ap-northeast-1", "apne1-az3") and runs_fargate("ap-northeast-1", "apne1-az4")
    assert not runs_fargate("cn-north-1", "cnn1-az4")


def test_other_regions_allow_every_zone() -> None:
    assert runs_fargate("us-east-1", "use1-az3") and runs_fargate("eu-west-1", "euw1-az1")
    assert set(FARGATE_ZONE_IDS) == {"us-west-1", "ap-northeast-1", "cn-north-1"}
