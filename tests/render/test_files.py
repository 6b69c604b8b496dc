"""Writing generated files: permissions, modes kept, and all or nothing when a write fails."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest
from conftest import TEMPLATES, run
from conftest import snapshot as _snapshot

from fargate_private_templates.render import files


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_rendered_files_get_the_umask_permissions(tmp_path: Path, umask: int, mode: int) -> None:
    previous = os.umask(umask)
    try:
        files.write_files(tmp_path, {"a.yaml": "a\n", "b.yaml": "b\n"})
    finally:
        os.umask(previous)
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()} == {"a.yaml": mode, "b.yaml": mode}


def test_a_rewritten_file_keeps_its_mode(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# x\n\n<!-- diagram:begin -->\nold\n<!-- diagram:end -->\n")
    readme.chmod(0o754)
    code, out, _ = run(capsys, "diagram", str(TEMPLATES / "network.yaml"), "--embed", str(readme))
    assert code == 0 and out.startswith("updated")
    assert "flowchart LR" in readme.read_text() and stat.S_IMODE(readme.stat().st_mode) == 0o754
    assert [p.name for p in tmp_path.iterdir()] == ["README.md"]


def test_a_failed_write_leaves_the_folder_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The third file cannot be written (as a read-only folder would refuse it, even to root): no file changes."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "network.yaml").write_text("old\n")
    before = _snapshot(tmp_path)
    real_open = os.open
    opened: list[str] = []

    def refusing_open(path: str | os.PathLike[str], flags: int, mode: int = 0o777) -> int:
        opened.append(str(path))
        if len(opened) == 3:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, mode)

    monkeypatch.setattr(files.os, "open", refusing_open)
    code, stdout, err = run(capsys, "render", "--out", str(out))
    assert code == 2 and stdout == ""
    assert err.strip().endswith("cannot write (permission denied)") and "Errno" not in err
    assert _snapshot(tmp_path) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_refused_before_writing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        code, _, err = run(capsys, "render", "--out", str(out))
    finally:
        out.chmod(0o755)
    assert code == 2 and "the folder is not writable" in err and list(out.iterdir()) == []


def test_a_new_output_folder_is_removed_again_when_writing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files.os, "open", _always_full)
    with pytest.raises(files.OutputError, match="no space left"):
        files.write_files(tmp_path / "new", {"a.yaml": "a\n"})
    assert list(tmp_path.iterdir()) == []


def _always_full(path: str, flags: int, mode: int = 0o777) -> int:
    raise OSError(errno.ENOSPC, "No space left on device", path)
