"""The config reference and the JSON Schema: generated from the dataclasses, current, complete, and what the parser
accepts."""

from __future__ import annotations

import copy
import dataclasses
import json
import tomllib
from pathlib import Path

import pytest
from conftest import ROOT, doc
from jsonschema import Draft202012Validator

from fargate_private_templates.config import FrontDoorConfig, NetworkConfig, ServiceConfig, parse_config
from fargate_private_templates.config.reference import config_schema, keys_of, meanings, reference_markdown, tables
from fargate_private_templates.config.registry import RegistryConfig
from fargate_private_templates.config.service import GROUPS
from fargate_private_templates.config.settings import setting
from fargate_private_templates.config.sidecars import SidecarOptions
from fargate_private_templates.errors import ConfigError

EXAMPLES = sorted((ROOT / "examples").glob("*.toml"))
VALIDATOR = Draft202012Validator(config_schema())


def test_the_committed_reference_and_schema_are_the_generated_ones() -> None:
    assert doc("configuration-reference.md") == reference_markdown(), "stale: run `make templates`"
    assert json.loads((ROOT / "schema" / "config.schema.json").read_text()) == config_schema()
    Draft202012Validator.check_schema(config_schema())


def _section(page: str, header: str) -> str:
    start = page.index(f"## `{header}`")
    end = page.find("\n## ", start + 1)
    return page[start : end if end > 0 else None]


@pytest.mark.parametrize(
    ("header", "cls"),
    [
        ("[network]", NetworkConfig),
        ("[ingress]", FrontDoorConfig),
        ("[[services]]", ServiceConfig),
        *((f"[services.{name}]", group) for name, group in GROUPS.items()),
        ("[[services.sidecars]]", SidecarOptions),
        ("[registry]", RegistryConfig),
    ],
)
def test_the_reference_lists_every_key_of_every_table(header: str, cls: type) -> None:
    section = _section(doc("configuration-reference.md"), header)
    rows = [line.split("|")[1].strip().strip("`") for line in section.splitlines() if line.startswith("| `")]
    assert rows[: len(dataclasses.fields(cls))] == [field.name for field in dataclasses.fields(cls)]


def test_the_reference_says_what_each_network_key_allows() -> None:
    section = _section(doc("configuration-reference.md"), "[network]")
    assert (
        "one of `per_az`, `single`, `regional`, `none`" in section
        and "| `az_count` | integer | `2` | 2 to 6 |" in section
    )
    routing = _section(doc("configuration-reference.md"), "[services.routing]")
    assert "| `priority` | integer |" in routing and "1 to 50000" in routing
    top = _section(doc("configuration-reference.md"), "(top level)")
    assert (
        "| `name` |" in top
        and "| `regions` |" in top
        and "| `ecr` | `s3`, `ecr.api`, `ecr.dkr`, `logs` |" in doc("configuration-reference.md")
    )
    assert [table.header for table in tables()][:3] == ["(top level)", "[network]", "[ingress]"]


def test_a_field_the_docstring_does_not_describe_is_refused() -> None:
    @dataclasses.dataclass(frozen=True)
    class Undocumented:
        """Something.

        Attributes:
            known: a key.
                On two lines.
        """

        known: int = setting(1)
        unknown: int = setting(2)

    assert meanings(Undocumented) == {"known": "a key. On two lines."}
    with pytest.raises(ValueError, match="Undocumented.unknown has no line"):
        keys_of(Undocumented)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_names_the_schema_and_validates(example: Path) -> None:
    text = example.read_text()
    assert text.startswith("#:schema ../schema/config.schema.json\n")
    errors = [f"{list(e.path)}: {e.message}" for e in VALIDATOR.iter_errors(tomllib.loads(text))]
    assert errors == []


def _misspelled(document: dict, path: tuple[str | int, ...], old: str, new: str) -> dict:
    changed = copy.deepcopy(document)
    table = changed
    for key in path:
        table = table[key]
    table[new] = table.pop(old)
    return changed


@pytest.mark.parametrize(
    ("path", "old", "new"),
    [
        ((), "services", "service"),
        (("network",), "nat_mode", "nat_mod"),
        (("ingress",), "allowed_cidrs", "allowed_cidr"),
        (("services", 0), "name", "nmae"),
        (("services", 2, "routing"), "hosts", "host"),
        (("services", 2, "health_check"), "path", "paths"),
    ],
)
def test_a_misspelled_key_fails_the_schema_as_it_fails_the_parser(path: tuple, old: str, new: str) -> None:
    document = tomllib.loads((ROOT / "examples" / "shared-alb.toml").read_text())
    assert not list(VALIDATOR.iter_errors(document))
    misspelled = _misspelled(document, path, old, new)
    assert list(VALIDATOR.iter_errors(misspelled))
    with pytest.raises(ConfigError):
        parse_config(misspelled, "shared-alb.toml")


def test_a_value_out_of_bounds_fails_the_schema_too() -> None:
    document = {"network": {"az_count": 7, "nat_mode": "some"}, "services": [{"name": "web", "container": {"port": 0}}]}
    messages = sorted(e.message for e in VALIDATOR.iter_errors(document))
    assert any("7 is greater than the maximum of 6" in m for m in messages)
    assert any("'some' is not one of" in m for m in messages) and any(
        "0 is less than the minimum of 1" in m for m in messages
    )
