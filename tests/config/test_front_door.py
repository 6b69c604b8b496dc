"""Typed configuration of the shared front door."""

from __future__ import annotations

import pytest

from fargate_private_templates.config.front_door import FrontDoorConfig
from fargate_private_templates.errors import ConfigError


@pytest.mark.parametrize(
    ("kwargs", "starts"),
    [
        ({"allowed_cidrs": ("10.0.0.1/24",)}, "allowed_cidrs: '10.0.0.1/24'"),
        ({"allowed_cidrs": "0.0.0.0/0"}, "allowed_cidrs: '0.0.0.0/0' is not a list"),
        ({"allowed_prefix_lists": ("prefix",)}, "allowed_prefix_lists: 'prefix'"),
        ({"allowed_cidrs": (), "allowed_prefix_lists": ()}, "allowed_cidrs, allowed_prefix_lists: both empty"),
        ({"certificate_arn": "cert"}, "certificate_arn: 'cert'"),
        ({"internal": "yes"}, "internal: 'yes'"),
    ],
)
def test_bad_front_door_configs_name_the_field(kwargs: dict, starts: str) -> None:
    with pytest.raises(ConfigError) as caught:
        FrontDoorConfig(**kwargs)
    assert str(caught.value).startswith(starts), caught.value


def test_ingress_tag_error_names_the_tags_field() -> None:
    with pytest.raises(ConfigError) as caught:
        FrontDoorConfig(tags={"aws:owner": "x"})
    assert str(caught.value).startswith("tags: tag key 'aws:owner' is not allowed")
