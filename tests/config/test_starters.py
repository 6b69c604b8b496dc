"""init's starter configs: every shape renders and checks clean as written; nothing is ever overwritten."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from fargate_private_templates.cli import main
from fargate_private_templates.config.reference import config_schema, schema_json
from fargate_private_templates.config.starters import SCHEMA_FILE, SHAPES, deployment_name, write_starter
from fargate_private_templates.errors import ConfigError


@pytest.mark.parametrize("shape", SHAPES)
def test_each_shape_renders_and_checks_clean(shape: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "shop.toml"
    assert main(["init", str(config), "--shape", shape]) == 0
    assert capsys.readouterr().out.splitlines()[:2] == [f"wrote {config}", f"wrote {tmp_path / SCHEMA_FILE}"]
    text = config.read_text()
    assert text.startswith(f"#:schema ./{SCHEMA_FILE}\n") and 'name = "shop"' in text
    assert (tmp_path / SCHEMA_FILE).read_text() == schema_json()
    assert list(Draft202012Validator(config_schema()).iter_errors(tomllib.loads(text))) == []
    out = tmp_path / "build"
    assert main(["render", "--config", str(config), "--out", str(out)]) == 0
    assert main(["check", *sorted(str(p) for p in out.glob("*.yaml"))]) == 0
    report = capsys.readouterr().out
    assert ": 0 errors, 0 warnings" in report and "0 not proven" in report


def test_init_on_an_existing_file_exits_2_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "mine.toml"
    config.write_text("# my own\n")
    assert main(["init", str(config)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already exists; init never overwrites a file" in err
    assert config.read_text() == "# my own\n" and sorted(p.name for p in tmp_path.iterdir()) == ["mine.toml"]


def test_an_unknown_shape_and_an_unusable_name() -> None:
    with pytest.raises(
        ConfigError, match="^shape: 'big' is not allowed; choose one of one-service, front-door, no-nat$"
    ):
        write_starter("x.toml", "big")
    assert (
        deployment_name("my shop") == "my-shop" and deployment_name("9lives") == "app" and deployment_name("") == "app"
    )


def test_schema_prints_what_init_writes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == schema_json()
