"""The capacity providers every cluster offers: FARGATE, and FARGATE_SPOT only where the availability table says the
partition has it, decided at deploy time by the partition."""

from __future__ import annotations

import dataclasses

import pytest
from troposphere import Template, ecs

from fargate_private_templates.layers.blocks import capacity
from fargate_private_templates.regions import availability
from fargate_private_templates.regions.availability import NO, UNKNOWN, YES


def _with_spot_status(monkeypatch: pytest.MonkeyPatch, status: dict[str, str]) -> None:
    row = dataclasses.replace(availability.BY_KEY["fargate_spot"], status=status)
    monkeypatch.setitem(availability.BY_KEY, "fargate_spot", row)


def test_spot_is_offered_in_the_partitions_the_table_documents() -> None:
    assert capacity.spot_partitions() == ("aws",)
    template = Template()
    assert [p if isinstance(p, str) else p.to_dict() for p in capacity.fargate_capacity_providers(template)] == [
        "FARGATE",
        {"Fn::If": ["PartitionHasFargateSpot", "FARGATE_SPOT", {"Ref": "AWS::NoValue"}]},
    ]
    assert template.conditions["PartitionHasFargateSpot"].to_dict() == {
        "Fn::Equals": [{"Ref": "AWS::Partition"}, "aws"]
    }


def test_two_documented_partitions_make_an_or_and_none_offers_fargate_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    _with_spot_status(monkeypatch, {"aws": YES, "aws-cn": YES, "aws-us-gov": UNKNOWN})
    template = Template()
    capacity.fargate_capacity_providers(template)
    assert template.conditions["PartitionHasFargateSpot"].to_dict() == {
        "Fn::Or": [
            {"Fn::Equals": [{"Ref": "AWS::Partition"}, "aws"]},
            {"Fn::Equals": [{"Ref": "AWS::Partition"}, "aws-cn"]},
        ]
    }
    _with_spot_status(monkeypatch, {"aws": NO, "aws-cn": UNKNOWN, "aws-us-gov": UNKNOWN})
    template = Template()
    assert capacity.fargate_capacity_providers(template) == ["FARGATE"]
    assert template.conditions == {}


def test_the_network_association_and_a_stack_local_cluster_offer_the_same_providers() -> None:
    template = Template()
    cluster = template.add_resource(ecs.Cluster("Cluster"))
    association = capacity.add_capacity_provider_associations(template, cluster).to_dict()
    local = capacity.offer_fargate_capacity(Template(), ecs.Cluster("Cluster")).to_dict()
    assert association["Properties"]["CapacityProviders"] == local["Properties"]["CapacityProviders"]
    strategy = [{"CapacityProvider": "FARGATE", "Weight": 1}]
    assert association["Properties"]["DefaultCapacityProviderStrategy"] == strategy
    assert local["Properties"]["DefaultCapacityProviderStrategy"] == strategy
    assert association["Properties"]["Cluster"] == {"Ref": "Cluster"}
