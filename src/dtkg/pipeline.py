"""The main job: load, validate, and write the outputs into one folder, atomically and only when valid."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset

from .errors import ValidationFailed
from .writers import export
from .load import iter_folders, load_dataset
from .store import check_target, clean_stale, promote, remove_staging
from .summary import Summary, summarize
from .validation import Report, validate


def _discard(ds: Dataset, staging: Path) -> None:
    ds.close()
    remove_staging(staging)


@dataclass
class BuildResult:
    """What :func:`build` produced: the dataset, its validation report, its summary and the files written."""

    dataset: Dataset
    report: Report
    summary: Summary
    outputs: list[Path] = field(default_factory=list)


def build(
    data_dirs: Iterable[Path | str] = (),
    out_dir: Path | str = "out",
    *,
    seed: bool = True,
    base: str | None = None,
    engine: str = "oxigraph",
    store: Path | str | None = None,
    views: bool = True,
    progress: bool = False,
    territory: str = "linked",
) -> BuildResult:
    """Load the ontology and data, validate them, and write ``out_dir/graph.ttl`` and (unless ``views=False``) the
    network views ``out_dir/network.html`` (actors) and ``out_dir/network-full.html``.

    Raises :class:`~dtkg.errors.ValidationFailed` (with the report) and writes nothing when the data does not
    conform; raises :class:`~dtkg.errors.InputError` for a malformed file. ``territory`` chooses the territorial layer
    (``linked``, ``full`` or ``none``; see :mod:`dtkg.territory.layer`). With ``store=DIR`` the data is loaded
    into a new persistent store that replaces the one in ``DIR`` only when validation passes.
    """
    data_dirs = list(data_dirs)
    staging = None
    if store is not None:
        store = Path(store)
        check_target(store)  # before anything is loaded: a folder that is not a dtkg store is never touched
        clean_stale(store)
        staging = store.with_name(f".{store.name}.validating-{os.getpid()}")
        ds = load_dataset(data_dirs, seed=seed, base=base, store=staging, progress=progress, territory=territory)
    else:
        ds = load_dataset(data_dirs, seed=seed, base=base, engine=engine, progress=progress, territory=territory)
    folders = [folder for folder, _ in iter_folders(data_dirs, seed)]
    try:
        report = validate(ds, source_dirs=folders)
        if not report.conforms:
            raise ValidationFailed(report)
    except BaseException:
        if staging is not None:
            _discard(ds, staging)
        raise
    if staging is not None:
        ds = promote(ds, staging, Path(store))
    out = Path(out_dir)
    outputs = [export(ds, out / "graph.ttl", "turtle")]
    if views:
        from .views import write_standard_views  # the network views: out/network.html and out/network-full.html

        outputs += write_standard_views(ds, out)
    return BuildResult(dataset=ds, report=report, summary=summarize(ds), outputs=outputs)
