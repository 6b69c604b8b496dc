"""Settings: a field's check, its description and its schema, defined once."""

from __future__ import annotations

import dataclasses
import re

import pytest

from fargate_private_templates.config.settings import (
    Between,
    Checked,
    Custom,
    Each,
    Flag,
    Matches,
    OneOf,
    Retention,
    Tags,
    check_settings,
    setting,
)
from fargate_private_templates.errors import ConfigError


@dataclasses.dataclass(frozen=True)
class Sample:
    count: int = setting(2, Between(1, 5))
    mode: str | None = setting(None, OneOf(("a", "b")))
    ports: tuple[int, ...] = setting((443,), Each(Between(1, 65535)))
    free: str = setting("x", Checked("what the dataclass says"))

    def __post_init__(self) -> None:
        check_settings(self, "sample")


def test_each_field_is_checked_and_named_by_its_full_path() -> None:
    with pytest.raises(ConfigError, match=r"^sample\.count: 9 is out of range; allowed 1 to 5$"):
        Sample(count=9)
    with pytest.raises(ConfigError, match=r"^sample\.mode: 'c' is not allowed; choose one of 'a', 'b'$"):
        Sample(mode="c")
    with pytest.raises(ConfigError, match=r"^sample\.ports: 0 is out of range; allowed 1 to 65535$"):
        Sample(ports=[443, 0])
    with pytest.raises(ConfigError, match=r"^sample\.ports: 'x' is not a list$"):
        Sample(ports="x")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=r"^sample\.ports: 443 is not a list$"):
        Sample(ports=443)  # type: ignore[arg-type]


def test_unset_fields_are_left_to_the_dataclass_and_lists_become_tuples() -> None:
    sample = Sample(mode=None, ports=[443, 8080], free="whatever")  # type: ignore[arg-type]
    assert (sample.mode, sample.ports, sample.free) == (None, (443, 8080), "whatever")
    assert isinstance(sample.ports, tuple)
    assert dataclasses.fields(Sample)[0].metadata["allowed"].text() == Between(1, 5).text()


def test_without_a_prefix_the_field_name_is_the_path() -> None:
    @dataclasses.dataclass(frozen=True)
    class Top:
        flag: bool = setting(False, allowed=Flag())

        def __post_init__(self) -> None:
            check_settings(self)

    with pytest.raises(ConfigError, match=r"^flag: 'yes' is not a boolean; give true or false$"):
        Top(flag="yes")  # type: ignore[arg-type]


def test_each_allowed_says_what_it_allows_in_words_and_in_json_schema() -> None:
    pattern = re.compile(r"^[a-z]+$")
    cases = [
        (Between(1, 5), "1 to 5", {"type": "integer", "minimum": 1, "maximum": 5}),
        (OneOf(("a", "b")), "one of `a`, `b`", {"enum": ["a", "b"]}),
        (Matches(pattern, "lowercase letters"), "lowercase letters", {"type": "string", "pattern": "^[a-z]+$"}),
        (Flag(), "true or false", {"type": "boolean"}),
        (Checked("said elsewhere", (("type", "string"),)), "said elsewhere", {"type": "string"}),
        (Each(Flag()), "a list; each true or false", {"type": "array", "items": {"type": "boolean"}}),
        (Custom(lambda f, v: v, "custom", (("minLength", 2),)), "custom", {"minLength": 2}),
    ]
    for allowed, text, schema in cases:
        assert (allowed.text(), allowed.schema()) == (text, schema)
    assert Retention().schema()["enum"][:3] == [1, 3, 5] and "3653 days" in Retention().text()
    assert Tags().schema()["maxProperties"] == 40 and Tags().check("tags", {"b": "2", "a": "1"}) == (
        ("a", "1"),
        ("b", "2"),
    )
    assert Checked("x").check("f", object) is object and Custom(lambda f, v: v * 2, "d").check("f", 2) == 4
