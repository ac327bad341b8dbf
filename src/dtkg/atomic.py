"""Atomic file writing: every output dtkg writes appears whole or not at all.

A file is written to a temporary file in the same folder, flushed to disk, then renamed over the target; a crash, an
error or a full disk half-way leaves the previous file (or no file), never a truncated one. The temporary file is
given the permissions a plain ``open(path, "w")`` would give (``mkstemp`` makes it private).
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path


def umask() -> int:
    """The process's file-creation mask (read without changing it for good)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path | str, data: bytes | Iterable[bytes]) -> Path:
    """Write ``data`` (bytes, or chunks of bytes) to ``path`` through a temporary file in the same folder, then
    rename it into place. A crash or an error half-way leaves the previous file (or no file), never a truncated one.
    """
    path = Path(path)
    tmp = write_temporary(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_temporary(path: Path | str, data: bytes | Iterable[bytes]) -> Path:
    """Write ``data`` to a new temporary file beside ``path`` (same folder, so that a rename is atomic), synced to
    disk and with the usual permissions; return its path. The caller renames it into place or removes it: several
    files can so be staged and then moved together (the importers' ``Staged``)."""
    path = Path(path)
    if not isinstance(data, (bytes, bytearray)) and not _is_chunks(data):
        raise TypeError(f"write_atomic takes bytes, not {type(data).__name__}")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~umask())  # mkstemp makes the file private; outputs get the usual permissions
        with os.fdopen(fd, "wb") as fh:
            if isinstance(data, (bytes, bytearray)):
                fh.write(data)
            else:
                for chunk in data:
                    fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def _is_chunks(data: object) -> bool:
    return isinstance(data, Iterator) or (isinstance(data, (list, tuple)) and all(isinstance(c, bytes) for c in data))


class Staged:
    """Files to write together: each is first written (and synced) to a temporary file next to its target, then
    all are moved into place; if anything fails, the previous files are put back and nothing is left behind."""

    def __init__(self) -> None:
        self.items: list[tuple[Path, Path | None]] = []  # (target, temporary file or None to delete the target)
        self.created_dirs: list[Path] = []

    def _mkdir(self, folder: Path) -> None:
        missing = []
        current = folder
        while not current.exists():
            missing.append(current)
            current = current.parent
        folder.mkdir(parents=True, exist_ok=True)
        self.created_dirs.extend(reversed(missing))

    def put(self, target: Path, data: bytes | Iterable[bytes]) -> None:
        self._mkdir(target.parent)
        tmp = write_temporary(target, data)
        self.items.append((target, tmp))

    def delete(self, target: Path) -> None:
        if target.exists():
            self.items.append((target, None))

    def abort(self) -> None:
        for _, tmp in self.items:
            if tmp is not None:
                tmp.unlink(missing_ok=True)
        self.items.clear()
        for folder in reversed(self.created_dirs):
            try:
                folder.rmdir()
            except OSError:
                pass
        self.created_dirs.clear()

    def commit(self) -> list[Path]:
        """Move every staged file into place; on failure restore the previous files and re-raise."""
        done: list[tuple[Path, Path | None]] = []  # (target, backup of the previous file)
        try:
            for target, tmp in self.items:
                backup = None
                if target.exists():
                    backup = target.with_name(f".{target.name}.{uuid.uuid4().hex}.bak")
                    os.replace(target, backup)
                done.append((target, backup))
                if tmp is not None:
                    os.replace(tmp, target)
        except BaseException:
            for target, backup in reversed(done):
                if backup is not None:
                    os.replace(backup, target)
                else:
                    target.unlink(missing_ok=True)
            self.abort()
            raise
        for _, backup in done:
            if backup is not None:
                backup.unlink(missing_ok=True)
        written = [target for target, tmp in self.items if tmp is not None]
        self.items.clear()
        return written
