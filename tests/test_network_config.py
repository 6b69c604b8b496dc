"""Bad network configs fail at construction with ConfigError naming the field, the value and what is allowed."""

from __future__ import annotations

import dataclasses

import pytest

from fargate_private_templates.config.network import NetworkConfig
from fargate_private_templates.errors import ConfigError


@pytest.mark.parametrize(
    ("kwargs", "field", "mentions"),
    [
        ({"vpc_cidr": "10.0.0.0/33"}, "vpc_cidr", "10.0.0.0/33"),
        ({"vpc_cidr": "300.1.0.0/16"}, "vpc_cidr", "300.1.0.0/16"),
        ({"vpc_cidr": "10.0.0.0/8"}, "vpc_cidr", "/16 to /21"),
        ({"vpc_cidr": "10.0.0.0/28"}, "vpc_cidr", "/16 to /21"),
        ({"vpc_cidr": "10.0.0.0/22"}, "vpc_cidr", "the smallest range that fits is a /21"),
        ({"vpc_cidr": "10.0.0.0/29"}, "vpc_cidr", "/16 to /21"),
        ({"share_with": ["12345"]}, "share_with", "'12345' is not a 12-digit account ID"),
        ({"share_with": "111122223333"}, "share_with", "not a list"),
        ({"share_with": ["111122223333", "111122223333"]}, "share_with", "twice"),
        ({"output_reader_role": True}, "output_reader_role", "needs share_with"),
        ({"vpc_cidr": "10.0.1.0/16"}, "vpc_cidr", "host bits"),
        ({"vpc_cidr": "10.0.0.0"}, "vpc_cidr", "no prefix"),
        ({"vpc_cidr": 167772160}, "vpc_cidr", "167772160"),
        ({"az_count": 1}, "az_count", "2 to 6"),
        ({"az_count": 7}, "az_count", "2 to 6"),
        ({"az_count": "2"}, "az_count", "not an integer"),
        ({"az_count": True}, "az_count", "not an integer"),
        ({"nat_mode": "gateway"}, "nat_mode", "'per_az', 'single', 'regional', 'none'"),
        ({"flow_logs": "yes"}, "flow_logs", "true or false"),
        ({"flow_log_retention_days": -1}, "flow_log_retention_days", "allowed days: 1, 3"),
        ({"flow_log_retention_days": 31}, "flow_log_retention_days", "31"),
        ({"tags": {"aws:owner": "x"}}, "tags", "aws:"),
        ({"tags": {"Name": "x"}}, "tags", "reserved"),
        ({"tags": "team=x"}, "tags", "mapping"),
    ],
)
def test_bad_values_name_the_field(kwargs: dict, field: str, mentions: str) -> None:
    with pytest.raises(ConfigError) as caught:
        NetworkConfig(**kwargs)
    message = str(caught.value)
    assert message.startswith(f"{field}: ") and mentions in message
    assert isinstance(caught.value, ValueError)


def test_defaults_are_the_documented_ones() -> None:
    config = NetworkConfig()
    assert (config.vpc_cidr, config.az_count, config.nat_mode, config.flow_logs) == (
        "10.0.0.0/16",
        2,
        "per_az",
        True,
    )
    assert config.flow_log_retention_days == 90 and config.tags == ()
    for field in dataclasses.fields(NetworkConfig):
        assert f"{field.name}:" in NetworkConfig.__doc__, f"{field.name} is not documented"


def test_config_is_frozen_and_tags_are_normalised() -> None:
    config = NetworkConfig(tags={"b": "2", "a": "1"})
    assert config.tags == (("a", "1"), ("b", "2"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.az_count = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    ("endpoints", "mentions"),
    [("all", "'none', 'ecr'"), (["ecr"], "'s3', 'ecr.api'"), (42, "neither a preset")],
)
def test_bad_endpoints_list_what_is_allowed(endpoints: object, mentions: str) -> None:
    with pytest.raises(ConfigError, match="^endpoints: ") as caught:
        NetworkConfig(endpoints=endpoints)
    assert mentions in str(caught.value)
