"""The package's shape: layers as folders, small modules, a flat package folder that stays small."""

from __future__ import annotations

import importlib.util
import sys

import pytest
from conftest import ROOT

PACKAGE = ROOT / "src" / "fargate_private_templates"
MAX_TOP_LEVEL_MODULES = 12
# Issue 21: no module over 400 lines.
MAX_MODULE_LINES = 400


def test_the_package_folder_shows_the_flow_not_a_pile_of_modules() -> None:
    top_level = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top_level) <= MAX_TOP_LEVEL_MODULES, top_level
    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert {"config", "layers", "render", "checks", "cfnlint_rules", "cli"} <= folders


def test_no_module_is_over_400_lines() -> None:
    sizes = {str(p.relative_to(PACKAGE)): len(p.read_text().splitlines()) for p in PACKAGE.rglob("*.py")}
    assert sizes and all(lines <= MAX_MODULE_LINES for lines in sizes.values()), {
        name: lines for name, lines in sizes.items() if lines > MAX_MODULE_LINES
    }


def test_mutation_testing_covers_every_module_of_the_checker_and_the_config(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location("mutation", ROOT / "tools" / "mutation.py")
    assert spec and spec.loader
    mutation = importlib.util.module_from_spec(spec)
    # Its dataclasses look their module up by name.
    monkeypatch.setitem(sys.modules, "mutation", mutation)
    spec.loader.exec_module(mutation)
    modules = {str(p.relative_to(PACKAGE)) for folder in ("checks", "config") for p in (PACKAGE / folder).glob("*.py")}
    listed = {m for m in mutation.MODULES if m.startswith(("checks/", "config/"))}
    assert modules - listed - set(mutation.NOT_MUTATED) == set()
    assert listed | set(mutation.NOT_MUTATED) <= modules and not listed & set(mutation.NOT_MUTATED)
