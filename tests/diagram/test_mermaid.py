"""Mermaid text: the README block with its legend, and Mermaid's own parser reading every variant."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from fargate_private_templates.diagram.mermaid import LEGEND, embedded

sys.path.insert(0, str(ROOT / "tools" / "mermaid"))
from variants import variants  # noqa: E402

PARSER = ROOT / "tools" / "mermaid" / "parse.mjs"


def test_readme_block_carries_the_legend() -> None:
    markdown = "intro\n<!-- diagram:begin -->\nold\n<!-- diagram:end -->\nrest\n"
    block = embedded(markdown, "flowchart LR")
    assert (
        block
        == f"intro\n<!-- diagram:begin -->\n```mermaid\nflowchart LR\n```\n\n{LEGEND}\n<!-- diagram:end -->\nrest\n"
    )


# Mermaid's own parser (tools/mermaid, installed by `make test`) reads every variant.
def _parse(tmp_path: Path, texts: dict[str, str]) -> subprocess.CompletedProcess:
    if shutil.which("node") is None:
        pytest.skip("node is not installed: Mermaid's parser (tools/mermaid) cannot run")
    if not (PARSER.parent / "node_modules" / "mermaid").is_dir():
        pytest.fail("Mermaid's parser is not installed: run `make mermaid` (make test does)")
    files = []
    for name, text in texts.items():
        files.append(tmp_path / f"{name}.mmd")
        files[-1].write_text(text, encoding="utf-8")
    return subprocess.run(["node", str(PARSER), *map(str, files)], capture_output=True, text=True, timeout=120)


def test_mermaid_parses_every_variant(tmp_path: Path) -> None:
    texts = variants()
    texts["bad-link-style"] = "flowchart LR\n    a --> b\n    linkStyle 1 stroke:#f00"  # the check can fail
    result = _parse(tmp_path, texts)
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["ok"] * (len(texts) - 1) + ["error"], result.stdout + result.stderr
    assert all(line.endswith("flowchart-v2") for line in lines[:-1])
    assert result.returncode == 1
