"""Writing generated files: only what changed, each through a temporary file and a rename."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path


def changed_files(out_dir: Path, files: Mapping[str, str]) -> list[str]:
    """Names whose content on disk differs from ``files`` (missing files included)."""
    changed = []
    for name, text in files.items():
        path = out_dir / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            changed.append(name)
    return changed


def write_files(out_dir: Path, files: Mapping[str, str]) -> list[str]:
    """Writes each changed file through a temporary file and a rename, so no reader sees half a template."""
    out_dir.mkdir(parents=True, exist_ok=True)
    changed = changed_files(out_dir, files)
    for name in changed:
        fd, temp_name = tempfile.mkstemp(dir=out_dir, prefix=f".{name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(files[name])
            os.replace(temp_name, out_dir / name)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
    return changed
