"""Persistent stores on disk: building one, opening one, which folders dtkg may write, replace or remove, and how a
store is swapped in (after loading, or after validation).

A store folder is only ever replaced or removed when dtkg can tell it made it: a finished store carries the marker
file ``dtkg-store.txt``, a folder being built carries ``dtkg-staging.txt`` (and the builder's process id in its name).
Anything else — a user's folder of notes, a file, a store of another tool — is refused with an error before any
byte is written, so that a mistyped ``--store`` never costs a user their files.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .errors import InputError
from .namespaces import DEFAULT_BASE

if TYPE_CHECKING:
    from rdflib import Dataset, URIRef

#: Written into a finished store (with the base IRI it was built with).
MARKER = "dtkg-store.txt"
#: Written into a folder while a store is built in it; a folder that holds it is dtkg's to remove.
STAGING_MARKER = "dtkg-staging.txt"

_KINDS = ("building", "validating", "old")


def is_store(folder: Path) -> bool:
    """True when ``folder`` holds a store that dtkg built (the marker is written when a build completes)."""
    return (Path(folder) / MARKER).is_file()


def mark_store(folder: Path, base: str) -> None:
    """Declare ``folder`` a finished store built with ``base`` (and no longer a staging folder)."""
    (folder / MARKER).write_text(f"dtkg store\nbase={base}\n", encoding="utf-8")
    (folder / STAGING_MARKER).unlink(missing_ok=True)


def check_target(target: Path) -> None:
    """Refuse a ``--store`` folder that dtkg must not replace: a file, or a folder that holds anything but a dtkg
    store. An absent or empty folder is fine (it becomes the store)."""
    target = Path(target)
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise InputError("is not a folder; give a new folder (or an existing dtkg store) for the store — nothing was "
                         "changed", path=target)
    if target.is_dir() and not is_store(target):
        try:
            holds_something = next(target.iterdir(), None) is not None
        except OSError as exc:
            raise InputError(f"cannot read the folder: {exc.strerror}", path=target) from None
        if holds_something:
            raise InputError("is not a dtkg store and is not empty; give a new or empty folder, or an existing dtkg "
                             "store — nothing was deleted", path=target)


def new_staging(target: Path, kind: str) -> Path:
    """A new, marked folder beside ``target`` to build into (``.NAME.KIND-PID``); removed by :func:`clean_stale`
    if the process that made it dies before it is swapped in."""
    assert kind in _KINDS
    folder = target.with_name(f".{target.name}.{kind}-{os.getpid()}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if folder.exists() and _ours(folder):
            shutil.rmtree(folder)
        folder.mkdir()
        (folder / STAGING_MARKER).write_text(f"dtkg staging folder for {target.name}\npid={os.getpid()}\n",
                                             encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot create a store in this folder: {exc.strerror}", path=target.parent) from None
    return folder


def clean_stale(target: Path) -> list[Path]:
    """Remove what killed builds of ``target`` left beside it: folders named after it, marked as dtkg's, whose
    builder process is gone. Returns the folders removed."""
    target = Path(target)
    removed = []
    if not target.parent.is_dir():
        return removed
    for sibling in target.parent.iterdir():
        name = sibling.name.lstrip(".")
        if not (sibling.name.startswith(".") and name.startswith(f"{target.name}.")):
            continue
        suffix = name[len(target.name):]
        pids = [int(p) for p in re.findall(rf"\.(?:{'|'.join(_KINDS)})-(\d+)", suffix)]
        if not pids or not re.fullmatch(rf"(?:\.(?:{'|'.join(_KINDS)})-\d+)+", suffix):
            continue
        if not sibling.is_dir() or sibling.is_symlink() or not _ours(sibling):
            continue
        if any(pid != os.getpid() and _alive(pid) for pid in pids):
            continue
        shutil.rmtree(sibling, ignore_errors=True)
        removed.append(sibling)
    return removed


def swap_in(staging: Path, target: Path) -> None:
    """Put the finished store ``staging`` in place of ``target`` (absent, empty or a dtkg store): ``target`` is
    moved aside first and removed only once the new store is in place."""
    check_target(target)
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    try:
        if old.exists() and _ours(old):
            shutil.rmtree(old)
        if target.exists():
            os.replace(target, old)
        os.replace(staging, target)
    except OSError as exc:
        raise InputError(f"cannot replace the store: {exc.strerror}", path=target) from None
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


def remove_staging(folder: Path) -> None:
    """Remove a staging folder of ours (a failed or invalid build); anything else is left alone."""
    if folder.is_dir() and not folder.is_symlink() and _ours(folder):
        shutil.rmtree(folder, ignore_errors=True)


def build_store(target: Path, files: list[tuple[Path, URIRef, str]], base: str, progress: bool,
                territory: str = "none") -> Dataset:
    """Build a new on-disk store beside ``target`` and swap it in atomically once it is complete. ``target`` must be
    absent, empty or a dtkg store (see :mod:`dtkg.store`): anything else is refused before a byte is written."""
    check_target(target)
    clean_stale(target)
    building = new_staging(target, "building")
    try:
        _fill_store(building, files, base, progress, territory)
        mark_store(building, base)
        swap_in(building, target)
    except BaseException as exc:
        _remove_store_folder(building, exc)
        raise
    return open_store(target)


def _remove_store_folder(folder: Path, exc: BaseException) -> None:
    """Remove a half-built store. The error's traceback still holds the open store through the frames it passed;
    they are cleared first so that RocksDB closes the folder before it is removed."""
    import gc
    import traceback

    traceback.clear_frames(exc.__traceback__)
    gc.collect()
    remove_staging(folder)


def _fill_store(folder: Path, files: list[tuple[Path, URIRef, str]], base: str, progress: bool,
                territory: str = "none") -> None:
    """Load ``files`` into a new store at ``folder`` and close it (also when loading fails, so that RocksDB has
    released the folder before anyone removes it)."""
    from .load import _add_all, _add_territory, new_dataset

    try:
        store = ox.Store(str(folder))
    except OSError as exc:
        raise InputError(f"cannot open a store here: {exc}", path=folder) from None
    ds = new_dataset(base, store=store)
    try:
        _add_all(ds, files, progress)
        _add_territory(ds, territory, base)
        store.optimize()
        store.flush()
    finally:
        ds.close()
        del ds, store


def store_base(folder: Path) -> str:
    """The base IRI the store at ``folder`` was built with."""
    for line in (folder / MARKER).read_text(encoding="utf-8").splitlines():
        if line.startswith("base="):
            return line[len("base="):]
    return DEFAULT_BASE


def open_store(folder: Path | str, *, read_only: bool = True) -> Dataset:
    """Open the persistent store that ``load_dataset(..., store=folder)`` built, without reloading any file.

    Read-only by default: several processes (queries, `dtkg serve`) can then read the same store at once.
    """
    folder = Path(folder)
    if not is_store(folder):
        raise InputError("is not a dtkg store (build one with `dtkg build --store DIR`)", path=folder)
    from .load import new_dataset

    store = ox.Store.read_only(str(folder)) if read_only else ox.Store(str(folder))
    return new_dataset(store_base(folder), store=store)


def promote(ds: Dataset, staging: Path, target: Path) -> Dataset:
    """Swap the validated store ``staging`` (open as ``ds``) in place of ``target`` and open it there: the previous
    store is removed only after the swap."""
    ds.close()
    swap_in(staging, target)
    return open_store(target)


def _ours(folder: Path) -> bool:
    return (folder / STAGING_MARKER).is_file() or (folder / MARKER).is_file() or _empty(folder)


def _empty(folder: Path) -> bool:
    try:
        return next(folder.iterdir(), None) is None
    except OSError:
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
