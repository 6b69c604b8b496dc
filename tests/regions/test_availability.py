"""The availability table: complete rows with sources, agreeing with the schemas, shown in the README."""

from __future__ import annotations

import json
from pathlib import Path

import cfnlint
from conftest import doc

from fargate_private_templates.regions.availability import FEATURES, NO, UNKNOWN, YES, markdown_table
from fargate_private_templates.regions.partitions import partition_of


def test_table_rows_are_complete_and_cite_a_source() -> None:
    for feature in FEATURES:
        assert set(feature.status) == {"aws", "aws-cn", "aws-us-gov"}, feature.key
        assert set(feature.status.values()) <= {YES, NO, UNKNOWN}, feature.key
        assert "https://" in feature.source, feature.key


def test_guard_hook_row_agrees_with_the_cloudformation_schemas() -> None:
    providers = Path(cfnlint.__file__).parent / "data" / "schemas" / "providers"
    (row,) = [f for f in FEATURES if f.key == "guard_hook"]
    for region in ("us-east-1", "eu-west-1", "cn-north-1", "cn-northwest-1", "us-gov-west-1", "us-gov-east-1"):
        has_type = "AWS::CloudFormation::GuardHook" in json.loads((providers / f"{region}.json").read_text())
        assert (row.status[partition_of(region)] == YES) == has_type, region


def test_the_partitions_page_shows_the_table() -> None:
    assert markdown_table() in doc("partitions.md"), "docs/partitions.md table drifted from regions/availability.py"
