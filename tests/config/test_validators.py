"""The small validators: each returns the cleaned value or raises ConfigError naming the field and what is allowed."""

from __future__ import annotations

import pytest

from fargate_private_templates.config import validators
from fargate_private_templates.config.network import NetworkConfig
from fargate_private_templates.config.validators import pairs
from fargate_private_templates.errors import ConfigError

REFUSED_TAGS = [
    ({"team#1": "x"}, "tag key 'team#1' is not allowed"),
    ({"k" * 129: "x"}, "is not allowed; 1-128 letters"),
    ({"": "x"}, "tag key '' is not allowed"),
    ({"team": "v" * 257}, "value of tag 'team' must be a string of at most 256 characters"),
    ({"team": 7}, "value of tag 'team' must be a string"),
    ({f"key{n}": "x" for n in range(41)}, "41 tags given; at most 40 are allowed"),
    ([("team", "a", "b")], "('team', 'a', 'b') is not a (key, value) pair"),
    ([("team",)], "is not a (key, value) pair"),
    (["ab"], "'ab' is not a (key, value) pair"),
    ([("team", "a"), ("team", "b")], "tag key 'team' is given twice"),
    ({"AWS:Owner": "x"}, "not starting with 'aws:'"),
    ({1: "x"}, "tag key 1 is not allowed"),
]


@pytest.mark.parametrize(("value", "mentions"), REFUSED_TAGS)
def test_tags_out_of_bounds_are_refused(value: object, mentions: str) -> None:
    with pytest.raises(ConfigError) as caught:
        validators.tags("extra_tags", value)
    assert str(caught.value).startswith("extra_tags: ") and mentions in str(caught.value)
    with pytest.raises(ConfigError) as caught:
        NetworkConfig(tags=value)
    assert str(caught.value).startswith("tags: ") and mentions in str(caught.value)


def test_tags_at_their_bounds_are_accepted() -> None:
    forty = {f"key{n:02}": "x" for n in range(40)}
    assert len(validators.tags("tags", forty)) == 40
    assert NetworkConfig(tags=forty).tags == tuple(sorted(forty.items()))
    longest = {"k" * 128: "v" * 256, "a-z_A.Z:0/9=+ @": "", "team": "Ünïcode"}
    assert dict(validators.tags("tags", longest)) == longest
    assert NetworkConfig(tags=[["b", "2"], ("a", "1")]).tags == (("a", "1"), ("b", "2"))


VALIDATOR_CALLS = [
    (validators.one_of, ("x", ("a", "b")), "'x' is not allowed; choose one of 'a', 'b'"),
    (validators.int_between, ("3", 1, 2), "'3' is not an integer; give a whole number from 1 to 2"),
    (validators.int_between, (True, 1, 2), "True is not an integer"),
    (validators.int_between, (3, 1, 2), "3 is out of range; allowed 1 to 2"),
    (validators.int_between, (0, 1, 2), "0 is out of range; allowed 1 to 2"),
    (validators.boolean, ("true",), "'true' is not a boolean; give true or false"),
    (validators.log_retention, (2,), "2 is not a CloudWatch Logs retention period; allowed days: 1, 3, 5"),
    (validators.log_retention, (True,), "True is not a CloudWatch Logs retention period"),
    (validators.log_retention, ("7",), "'7' is not a CloudWatch Logs retention period"),
    (validators.ipv4_network, ("10.0.0.0/33", 16, 24), "'10.0.0.0/33' is not an IPv4 network ("),
    (validators.ipv4_network, ("10.0.0.0", 16, 24), "'10.0.0.0' has no prefix; give one from /16 to /24"),
    (validators.ipv4_network, ("10.0.0.0/8", 16, 24), "'10.0.0.0/8' has prefix /8; allowed /16 to /24"),
    (validators.ipv4_network, ("10.0.0.0/25", 16, 24), "'10.0.0.0/25' has prefix /25; allowed /16 to /24"),
    (validators.tags, ("team=x",), "'team=x' is not a mapping of tag keys to values"),
    (validators.tags, ({"Name": "x"},), "tag key 'Name' is reserved; each resource gets its own Name tag"),
]


@pytest.mark.parametrize(("validate", "arguments", "message"), VALIDATOR_CALLS)
def test_validator_messages_start_with_the_field(validate, arguments: tuple, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        validate("the_field", *arguments)
    assert str(caught.value).startswith(f"the_field: {message}")


@pytest.mark.parametrize(
    ("validate", "arguments", "expected"),
    [
        (validators.one_of, ("b", ("a", "b")), "b"),
        (validators.int_between, (1, 1, 2), 1),
        (validators.int_between, (2, 1, 2), 2),
        (validators.boolean, (False,), False),
        (validators.log_retention, (3653,), 3653),
        (validators.tags, ((),), ()),
    ],
)
def test_validators_return_the_value_at_the_bounds(validate, arguments: tuple, expected: object) -> None:
    assert validate("the_field", *arguments) == expected


def test_ipv4_network_returns_the_network_at_both_prefix_bounds() -> None:
    assert str(validators.ipv4_network("f", "10.0.0.0/16", 16, 24)) == "10.0.0.0/16"
    assert str(validators.ipv4_network("f", "10.0.0.0/24", 16, 24)) == "10.0.0.0/24"


def test_a_bad_environment_name_says_what_names_look_like() -> None:
    with pytest.raises(ConfigError) as caught:
        pairs("environment", {"1X": "y"})
    assert str(caught.value) == (
        "environment: '1X' is not allowed; names are letters, digits and _, not starting with a digit"
    )
