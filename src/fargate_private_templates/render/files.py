"""Writing generated files: only what changed, all or nothing, each through a temporary file and a rename.

Every target is checked before anything is written, so a render that cannot write one file leaves the folder as it
was. New files get the permissions the umask gives (0644 by default); a file that is rewritten keeps its own.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Collection, Mapping, Sequence

PathLike = str | os.PathLike[str]

# os.open applies the umask to this, as any program creating a file does.
NEW_FILE_MODE = 0o666
# A new script is executable by whoever may read it (the umask still applies).
NEW_SCRIPT_MODE = 0o777


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


def _differs(path: str, text: str) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read() != text.encode("utf-8")
    except FileNotFoundError:
        return True
    except OSError as error:
        raise OutputError(f"{path}: cannot read ({describe(error)})") from None


def changed_files(out_dir: PathLike, files: Mapping[str, str]) -> list[str]:
    """Names whose content on disk differs from ``files`` (missing files included)."""
    folder = os.fspath(out_dir)
    for name in files:
        path = os.path.join(folder, name)
        if os.path.isdir(path):
            raise OutputError(f"{path}: a folder of that name is in the way of the file")
        if os.path.lexists(path) and not os.path.isfile(path):
            raise OutputError(f"{path}: something that is not a regular file is in the way")
    return [name for name in files if _differs(os.path.join(folder, name), files[name])]


def check_folder(out_dir: PathLike) -> None:
    """Refuses, before anything is written, a folder that cannot be created or written to."""
    folder = os.fspath(out_dir)
    if not folder.strip():
        raise OutputError("output folder: the path is empty")
    existing = folder
    while not os.path.exists(existing):
        if os.path.islink(existing):
            raise OutputError(f"{folder}: cannot create the folder ({existing} is a broken symbolic link)")
        existing = os.path.dirname(existing.rstrip(os.sep)) or "."
    if not os.path.isdir(existing):
        why = "is a file, not a folder" if existing == folder else f"cannot create the folder ({existing} is a file)"
        raise OutputError(f"{folder}: {why}")
    if not os.access(existing, os.W_OK | os.X_OK):
        mine = existing == folder
        why = "the folder is not writable" if mine else f"cannot create the folder ({existing} is not writable)"
        raise OutputError(f"{folder}: {why}")


def _mode(path: str) -> int | None:
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return None


def _write_temporary(path: str, text: str, new_mode: int = NEW_FILE_MODE) -> str:
    """``text`` in a new file beside ``path``, with ``path``'s permissions if it exists, else ``new_mode`` less
    the umask."""
    folder, name = os.path.split(path)
    temporary = os.path.join(folder, f".{name}.{os.getpid()}.tmp")
    mode = _mode(path)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, new_mode if mode is None else mode)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        if mode is not None:
            os.chmod(temporary, mode)  # the umask may have taken bits the file had
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return temporary


def write_files(out_dir: PathLike, files: Mapping[str, str], scripts: Collection[str] = ()) -> list[str]:
    """Writes each changed file; every target is checked and every file written aside before any is replaced.
    Names in ``scripts`` are created executable."""
    return [os.path.basename(path) for path in write_file_sets([(out_dir, files)], scripts)]


def write_file_sets(sets: Sequence[tuple[PathLike, Mapping[str, str]]], scripts: Collection[str] = ()) -> list[str]:
    """``write_files`` for several folders at once (a render's templates and the lock beside its config): every
    target in every folder is checked, and every changed file written aside, before any is replaced. Names in
    ``scripts`` are created executable. Returns the paths written."""
    changed: list[tuple[str, str]] = []
    for out_dir, files in sets:
        folder = os.fspath(out_dir)
        check_folder(folder)
        changed += [(os.path.join(folder, name), files[name]) for name in changed_files(folder, files)]
    if not changed:
        return []
    created: list[str] = []
    written: list[tuple[str, str]] = []
    target = ""
    try:
        for target, text in changed:
            folder = os.path.dirname(target)
            if not os.path.exists(folder):
                os.makedirs(folder)
                created.append(folder)
            new_mode = NEW_SCRIPT_MODE if os.path.basename(target) in scripts else NEW_FILE_MODE
            written.append((_write_temporary(target, text, new_mode), target))
    except OSError as error:
        for temporary, _ in written:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        for folder in reversed(created):
            with contextlib.suppress(OSError):
                os.rmdir(folder)
        raise OutputError(f"{target}: cannot write ({describe(error)})") from None
    for temporary, target in written:
        os.replace(temporary, target)
    return [target for _, target in written]
