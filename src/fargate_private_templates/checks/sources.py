"""The templates a check reads: the files given, every template of a folder given, and the templates nested stacks
name by a path relative to their parent (as ``aws cloudformation package`` takes them).

Each file is read by our loader, which refuses hostile input; its text is kept for the line and column of findings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..render.loader import NotATemplateError, TemplateLoadError, decode, parse_template, read_bytes
from .nested_stacks import STACK, local_path, template_urls

# What a folder's templates are called: YAML, JSON, and the ``.template`` of many public samples.
TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")
# Nested templates read beyond those given, at most: a bound on what a hostile chain of stacks can ask for.
MAX_NESTED_FILES = 100


@dataclass
class Sources:
    templates: dict[str, dict] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    # Files of a folder that are not templates, each with why.
    skipped: list[str] = field(default_factory=list)
    _read: set[Path] = field(default_factory=set)

    def add(self, path: Path) -> None:
        text = decode(read_bytes(path), str(path), "a YAML or JSON template")
        self.templates[str(path)] = parse_template(text, str(path))
        self.texts[str(path)] = text
        self._read.add(path.resolve())

    def add_folder(self, folder: Path) -> None:
        files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in TEMPLATE_SUFFIXES)
        before = len(self.templates)
        for path in files:
            try:
                self.add(path)
            except NotATemplateError as error:
                self.skipped.append(str(error))
        if len(self.templates) == before:
            kinds = ", ".join(f"*{suffix}" for suffix in TEMPLATE_SUFFIXES)
            raise TemplateLoadError(f"{folder}: a folder with no CloudFormation template ({kinds})")

    def add_nested(self) -> None:
        """The templates nested stacks name by a relative path, read until none is left (or MAX_NESTED_FILES)."""
        added = 0
        pending = list(self.templates)
        while pending and added < MAX_NESTED_FILES:
            parent = pending.pop(0)
            for child in _local_children(parent, self.templates[parent]):
                if child.resolve() not in self._read and child.is_file() and added < MAX_NESTED_FILES:
                    self.add(child)
                    pending.append(str(child))
                    added += 1


def _local_children(parent: str, template: dict) -> list[Path]:
    children = []
    # The loader has refused a template without a Resources mapping and a resource that is not a mapping with a Type.
    for resource in template["Resources"].values():
        properties = resource.get("Properties")
        if resource.get("Type") == STACK and isinstance(properties, dict):
            children += [Path(p) for url in template_urls(properties) if (p := local_path(parent, url))]
    return children


def read_sources(paths: Sequence[str | Path]) -> Sources:
    sources = Sources()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            sources.add_folder(path)
        else:
            sources.add(path)
    sources.add_nested()
    return sources
