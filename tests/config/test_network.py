"""Bad network configs fail at construction with ConfigError naming the field, the value and what is allowed; the
subnet plan and the properties derived from the config."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import doc

from fargate_private_templates.config.network import ENDPOINT_PRESETS, ENDPOINTS, NetworkConfig, subnet_plan
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
        (
            {"share_with": ["12345"]},
            "share_with",
            "'12345' is not a 12-digit account ID, an organization ARN (arn:aws:organizations::<account>:organization/"
            "o-...) or an OU ARN (...:ou/o-.../ou-...)",
        ),
        ({"ipv6_egress": "yes"}, "ipv6_egress", "ipv6_egress: 'yes' is not a boolean; give true or false"),
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


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"vpc_cidr": "10.0.0.0/33"}, "vpc_cidr: '10.0.0.0/33' is not an IPv4 network"),
        ({"vpc_cidr": "10.0.0.0/25"}, "vpc_cidr: '10.0.0.0/25' is too small for the subnet plan"),
        ({"az_count": 7}, "az_count: 7 is out of range; allowed 2 to 6"),
        ({"az_count": 1}, "az_count: 1 is out of range; allowed 2 to 6"),
        ({"nat_mode": "nat"}, "nat_mode: 'nat' is not allowed; choose one of 'per_az', 'single', 'regional', 'none'"),
        ({"flow_logs": 1}, "flow_logs: 1 is not a boolean"),
        ({"flow_log_retention_days": 2}, "flow_log_retention_days: 2 is not a CloudWatch Logs retention period"),
        ({"endpoints": "all"}, "endpoints: 'all' is not allowed; choose one of 'none', 'ecr'"),
        ({"endpoints": ["s3", "ecr"]}, "endpoints: 'ecr' is not allowed; choose one of 's3', 'ecr.api'"),
        ({"endpoints": 3}, "endpoints: 3 is neither a preset (none, ecr) nor a list of endpoint names"),
        ({"tags": {"a": 1}}, "tags: value of tag 'a' must be a string"),
    ],
)
def test_network_config_messages_start_with_the_field(kwargs: dict, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        NetworkConfig(**kwargs)
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(
    ("kwargs", "prefix", "private", "public"),
    [
        ({}, 16, 19, 22),
        ({"az_count": 3}, 16, 19, 22),
        ({"az_count": 4, "vpc_cidr": "10.1.0.0/20"}, 20, 23, 26),
        ({"az_count": 6, "vpc_cidr": "10.1.0.0/21"}, 21, 24, 27),
    ],
)
def test_network_config_subnet_plan(kwargs: dict, prefix: int, private: int, public: int) -> None:
    # The plan is fixed for 6 AZs: the AZ count never changes a subnet's size.
    config = NetworkConfig(**kwargs)
    assert (config.vpc_prefix, config.private_prefix, config.public_prefix) == (prefix, private, public)


def test_network_config_nat_and_endpoint_properties() -> None:
    assert NetworkConfig().has_nat and NetworkConfig(nat_mode="single").has_nat
    assert not NetworkConfig(nat_mode="none").has_nat
    assert NetworkConfig(endpoints="ecr").endpoints == ("s3", "ecr.api", "ecr.dkr", "logs")
    assert NetworkConfig(endpoints="ecr").interface_endpoints == ("ecr.api", "ecr.dkr", "logs")
    assert NetworkConfig(endpoints={"sts", "s3", "ssm"}).endpoints == ("s3", "ssm", "sts")
    assert NetworkConfig(endpoints="none").endpoints == ()


@pytest.mark.parametrize(
    ("cidr", "mentions"),
    [
        ("10.0.0.0/255.255.0.0", "CIDR form"),
        ("10.0.0.0/016", "CIDR form"),
        ("010.0.0.0/16", "CIDR form"),
        ("10.0.0.0/16\n", "CIDR form"),
        (" 10.0.0.0/16", "CIDR form"),
        ("10.0.0.0", "has no prefix"),
        ("10.0.0.1/16", "host bits set"),
    ],
)
def test_cidrs_only_in_cidr_form(cidr: str, mentions: str) -> None:
    with pytest.raises(ConfigError, match="vpc_cidr") as caught:
        NetworkConfig(vpc_cidr=cidr)
    assert mentions in str(caught.value)


def test_the_operations_guide_shows_the_plan_of_a_16() -> None:
    page = doc("operations.md")
    for slot in subnet_plan("10.0.0.0/16"):
        assert f"| {slot.zone_number} | `{slot.public}` | `{slot.private}` |" in page


def test_share_with_is_stored_as_a_tuple() -> None:
    config = NetworkConfig(share_with=["123456789012"])
    assert config.share_with == ("123456789012",)
    assert isinstance(config.share_with, tuple)
    hash(config)


def test_the_network_page_lists_every_endpoint_preset_with_its_endpoints() -> None:
    rows = [line for line in doc("network.md").splitlines() if line.startswith("| `endpoints = ")]
    listed = {row.split("`")[1].split('"')[1]: row.split("|")[2] for row in rows}
    assert set(listed) == set(ENDPOINT_PRESETS)
    for name, endpoints in ENDPOINT_PRESETS.items():
        assert [e for e in ENDPOINTS if f"`{e}`" in listed[name]] == list(endpoints), name


def test_ipv6_and_its_egress() -> None:
    assert (NetworkConfig().ipv6, NetworkConfig().ipv6_egress) == (False, False)
    config = NetworkConfig(ipv6=True, ipv6_egress=True)
    assert (config.ipv6, config.ipv6_egress) == (True, True)
    with pytest.raises(ConfigError) as caught:
        NetworkConfig(ipv6_egress=True)
    assert str(caught.value) == (
        "ipv6_egress: true needs ipv6 = true: the private subnets take their IPv6 ranges from the VPC's IPv6 block"
    )
    for field in ("ipv6", "ipv6_egress"):
        with pytest.raises(ConfigError, match=f"^{field}: 'yes' is not a boolean"):
            NetworkConfig(**{"ipv6": True, field: "yes"})
