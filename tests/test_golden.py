"""The examples render byte for byte as their golden files (the catalogue's own goldens are templates/).

Regenerate after an intended change with ``UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py``
and review the diff like any other change.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from fargate_private_templates.render import render_yaml
from fargate_private_templates.stacks import load_config

GOLDEN = ROOT / "tests" / "golden" / "examples"
CONFIGS = sorted((ROOT / "examples").glob("*.toml"))
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def _compare(path: Path, text: str) -> None:
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path} is missing: run with UPDATE_GOLDEN=1"
    assert path.read_text(encoding="utf-8") == text, f"{path.relative_to(ROOT)} differs from the rendered example"


@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.stem)
def test_example_config_renders_as_its_golden_files(config: Path) -> None:
    rendered = {name: render_yaml(template) for name, template in load_config(config).items()}
    folder = GOLDEN / config.stem
    if UPDATE:
        for stale in folder.glob("*.yaml"):
            if stale.name not in rendered:
                stale.unlink()
    for name, text in rendered.items():
        _compare(folder / name, text)
    assert sorted(rendered) == sorted(p.name for p in folder.glob("*.yaml"))


def test_scheduled_task_example_renders_as_its_golden_file() -> None:
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        import scheduled_task
    finally:
        sys.path.remove(str(ROOT / "examples"))
    _compare(GOLDEN / "scheduled-task.yaml", render_yaml(scheduled_task.build_scheduled_task()))
