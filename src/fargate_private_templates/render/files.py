"""Writing generated files: only what changed, all or nothing, each through a temporary file and a rename.

Every target is checked before anything is written, so a render that cannot write one file leaves the folder as it
was. New files get the permissions the umask gives (0644 by default); a file that is rewritten keeps its own.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Mapping
from pathlib import Path

# os.open applies the umask to this, as any program creating a file does.
NEW_FILE_MODE = 0o666


class OutputError(ValueError):
    """A file or folder that cannot be written; the message names it and says why, in words."""


def describe(error: OSError) -> str:
    """An OSError as words, without the errno ("permission denied", "read-only file system")."""
    reasons = {
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EROFS: "the file system is read-only",
        errno.ENOSPC: "no space left on the device",
        errno.EDQUOT: "disk quota exceeded",
        errno.EISDIR: "it is a folder, not a file",
        errno.ENOTDIR: "a file is in the way where a folder is needed",
        errno.ENOENT: "it does not exist",
        errno.ENAMETOOLONG: "the name is too long",
        errno.ELOOP: "too many symbolic links",
    }
    return reasons.get(error.errno or 0, (error.strerror or str(error)).lower())


def _differs(path: Path, text: str) -> bool:
    try:
        return path.read_bytes() != text.encode("utf-8")
    except FileNotFoundError:
        return True
    except OSError as error:
        raise OutputError(f"{path}: cannot read ({describe(error)})") from None


def changed_files(out_dir: Path, files: Mapping[str, str]) -> list[str]:
    """Names whose content on disk differs from ``files`` (missing files included)."""
    for name in files:
        path = out_dir / name
        if path.is_dir():
            raise OutputError(f"{path}: a folder of that name is in the way of the file")
        if path.exists() and not path.is_file():
            raise OutputError(f"{path}: something that is not a regular file is in the way")
    return [name for name in files if _differs(out_dir / name, files[name])]


def check_folder(out_dir: Path) -> None:
    """Refuses, before anything is written, a folder that cannot be created or written to."""
    if str(out_dir) == "":
        raise OutputError("output folder: the path is empty")
    existing = out_dir
    while not existing.exists():
        if existing.is_symlink():
            raise OutputError(f"{out_dir}: cannot create the folder ({existing} is a broken symbolic link)")
        existing = existing.parent
    if not existing.is_dir():
        why = "is a file, not a folder" if existing == out_dir else f"cannot create the folder ({existing} is a file)"
        raise OutputError(f"{out_dir}: {why}")
    if not os.access(existing, os.W_OK | os.X_OK):
        why = (
            "the folder is not writable"
            if existing == out_dir
            else f"cannot create the folder ({existing} is not writable)"
        )
        raise OutputError(f"{out_dir}: {why}")


def _mode(path: Path) -> int | None:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return None


def _write_temporary(path: Path, text: str) -> Path:
    """``text`` in a new file beside ``path``, with ``path``'s permissions if it exists, else the umask's."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    mode = _mode(path)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, NEW_FILE_MODE if mode is None else mode)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        if mode is not None:
            os.chmod(temporary, mode)  # the umask may have taken bits the file had
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def write_files(out_dir: Path, files: Mapping[str, str]) -> list[str]:
    """Writes each changed file; every target is checked and every file written aside before any is replaced."""
    check_folder(out_dir)
    changed = changed_files(out_dir, files)
    if not changed:
        return []
    created = not out_dir.exists()
    written: list[tuple[Path, Path]] = []
    target = out_dir
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in changed:
            target = out_dir / name
            written.append((_write_temporary(target, files[name]), target))
    except OSError as error:
        for temporary, _ in written:
            temporary.unlink(missing_ok=True)
        if created:
            _remove_empty(out_dir)
        raise OutputError(f"{target}: cannot write ({describe(error)})") from None
    for temporary, target in written:
        os.replace(temporary, target)
    return changed


def _remove_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):
        folder.rmdir()
