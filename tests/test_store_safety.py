"""A mistyped `--store` never costs a user their files: dtkg replaces or removes only folders it made."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from conftest import in_ci
from dtkg.store import MARKER, STAGING_MARKER, clean_stale, is_store


def _dead_pid() -> int:
    """The id of a process that has ended (so that its leftovers count as stale)."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_a_folder_that_is_not_a_store_is_refused_and_kept(dtkg, tmp_path: Path):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "thesis.txt").write_text("thesis")
    result = dtkg("build", "--store", str(folder), "--no-views", "--out", str(tmp_path / "out"))
    assert result.code == 2
    assert result.err.strip().splitlines() == [
        f"error: {folder}: is not a dtkg store and is not empty; give a new or empty folder, or an existing dtkg "
        "store — nothing was deleted"]
    assert (folder / "thesis.txt").read_text() == "thesis"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p"]  # no output, no hidden copy


def test_a_file_is_refused_and_kept(dtkg, tmp_path: Path):
    file = tmp_path / "notes.txt"
    file.write_text("notes")
    result = dtkg("build", "--store", str(file), "--no-views", "--out", str(tmp_path / "out"))
    assert result.code == 2
    assert "is not a folder" in result.err
    assert file.read_text() == "notes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_queries_refuse_a_folder_that_is_not_a_store(dtkg, tmp_path: Path):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "thesis.txt").write_text("thesis")
    result = dtkg("query", "ASK {}", "--store", str(folder))
    assert result.code == 2
    assert (folder / "thesis.txt").read_text() == "thesis"


def test_an_empty_folder_becomes_the_store(dtkg, tmp_path: Path):
    folder = tmp_path / "store"
    folder.mkdir()
    assert dtkg("build", "--store", str(folder), "--no-views", "--out", str(tmp_path / "out")).code == 0
    assert is_store(folder)
    assert not (folder / STAGING_MARKER).exists()


def test_leftovers_of_a_killed_build_are_removed_and_nothing_else(dtkg, tmp_path: Path):
    store = tmp_path / "store"
    dead = _dead_pid()
    half_built = tmp_path / f".store.building-{dead}"
    half_built.mkdir()
    (half_built / STAGING_MARKER).write_text("dtkg staging folder")
    (half_built / "000011.sst").write_bytes(b"\0" * 100)
    validated = tmp_path / f".store.validating-{dead}"
    validated.mkdir()
    (validated / MARKER).write_text("dtkg store\n")
    nested = tmp_path / f"..store.validating-{dead}.building-{dead}"
    nested.mkdir()
    (nested / STAGING_MARKER).write_text("dtkg staging folder")
    users = tmp_path / f".store.building-{dead + 1}"  # named like ours, but not marked as ours: left alone
    users.mkdir()
    (users / "mine.txt").write_text("mine")
    assert dtkg("build", "--store", str(store), "--no-views", "--out", str(tmp_path / "out")).code == 0
    left = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("."))
    assert left == [users.name]
    assert (users / "mine.txt").read_text() == "mine"


def test_leftovers_of_a_running_build_are_kept(tmp_path: Path):
    store = tmp_path / "store"
    running = tmp_path / f".store.building-{os.getppid()}"  # a live process (our parent)
    running.mkdir()
    (running / STAGING_MARKER).write_text("dtkg staging folder")
    assert clean_stale(store) == []
    assert running.exists()


def _read_only_mount(path: Path) -> bool:
    path.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(path)], capture_output=True)
    return done.returncode == 0


@pytest.mark.parametrize("what", ["store", "out"])
def test_a_read_only_file_system_gives_one_line(dtkg, tmp_path: Path, what: str):
    ro = tmp_path / "ro"
    if not _read_only_mount(ro):
        assert not in_ci(), "CI runs as root and must mount a read-only file system for this test"
        pytest.skip("mounting a read-only file system needs root (CI runs as root)")
    try:
        args = ["--store", str(ro / "s"), "--out", str(tmp_path / "out")] if what == "store" \
            else ["--out", str(ro / "out")]
        result = dtkg("build", "--no-views", *args)
    finally:
        subprocess.run(["umount", str(ro)], check=True)
    assert result.code == 2
    assert len(result.err.strip().splitlines()) == 1
    assert "Read-only file system" in result.err
    assert "Traceback" not in result.err


def test_an_unwritable_output_gives_one_line(dtkg, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import errno
    import tempfile

    def refuse(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(tmp_path / "out"))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    result = dtkg("build", "--no-views", "--out", str(tmp_path / "out"))
    assert result.code == 2
    assert result.err.strip() == f"error: cannot read or write {tmp_path / 'out'}: Read-only file system"
