"""The package's shape: layers as folders, small modules, a flat package folder that stays small."""

from __future__ import annotations

from conftest import ROOT

PACKAGE = ROOT / "src" / "fargate_private_templates"
MAX_TOP_LEVEL_MODULES = 12
MAX_MODULE_LINES = 500


def test_the_package_folder_shows_the_flow_not_a_pile_of_modules() -> None:
    top_level = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top_level) <= MAX_TOP_LEVEL_MODULES, top_level
    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert {"config", "layers", "render", "checks", "cfnlint_rules", "cli"} <= folders


def test_no_module_is_over_500_lines() -> None:
    sizes = {str(p.relative_to(PACKAGE)): len(p.read_text().splitlines()) for p in PACKAGE.rglob("*.py")}
    assert sizes and all(lines <= MAX_MODULE_LINES for lines in sizes.values()), {
        name: lines for name, lines in sizes.items() if lines > MAX_MODULE_LINES
    }
