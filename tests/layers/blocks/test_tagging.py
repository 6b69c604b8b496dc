"""Tags on every taggable resource."""

from __future__ import annotations

from fargate_private_templates.config.network import NetworkConfig
from fargate_private_templates.layers.network import build_network


def test_tags_reach_every_taggable_resource() -> None:
    template = build_network(NetworkConfig(tags={"team": "platform"}))
    taggable = [r for r in template.resources.values() if "Tags" in r.props]
    assert len(taggable) >= 15
    for resource in taggable:
        tags = {t["Key"]: t["Value"] for t in resource.to_dict()["Properties"]["Tags"]}
        assert tags["team"] == "platform" and tags["Name"] == {"Fn::Sub": f"${{AWS::StackName}}-{resource.title}"}
