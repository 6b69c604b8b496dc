"""The documentation: every relative link in README.md and docs/ reaches a file, and every anchor a heading there."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import DOCS, ROOT

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6} (.+)$")


def _outside_code(text: str) -> list[str]:
    lines, fenced = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    return lines


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    return {slug(m.group(1)) for line in _outside_code(page.read_text()) if (m := HEADING.match(line))}


def links(page: Path) -> list[str]:
    return [m.group(1) for line in _outside_code(page.read_text()) for m in LINK.finditer(line)]


PAGES = [ROOT / "README.md", ROOT / "CHANGELOG.md", *sorted(DOCS.glob("*.md"))]


def test_the_slug_is_githubs() -> None:
    assert (
        slug("Deploy from a pipeline (`aws cloudformation deploy`)")
        == "deploy-from-a-pipeline-aws-cloudformation-deploy"
    )
    assert slug("E9010") == "e9010" and slug("Day two: growing the network") == "day-two-growing-the-network"


def test_every_relative_link_and_anchor_resolves() -> None:
    broken = []
    checked = 0
    for page in PAGES:
        for target in links(page):
            if re.match(r"^[a-z]+:", target):
                continue
            path, _, anchor = target.partition("#")
            file = (page.parent / path).resolve() if path else page
            checked += 1
            if not file.exists():
                broken.append(f"{page.relative_to(ROOT)}: {target} (no such file)")
            elif anchor and file.suffix == ".md" and anchor not in anchors(file):
                broken.append(f"{page.relative_to(ROOT)}: {target} (no such heading)")
    assert checked > 30 and broken == []


def test_a_broken_link_is_found(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# Title\n\n[ok](#title) [bad](#missing) [file](other.md)\n```\n[not a link](#code)\n```\n")
    assert links(page) == ["#title", "#missing", "other.md"] and anchors(page) == {"title"}
