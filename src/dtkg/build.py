"""The main job: load, validate, and write the outputs into one folder, atomically and only when valid."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset

from .errors import ValidationFailed
from .export import export
from .load import iter_folders, load_dataset
from .summary import Summary, summarize
from .validate import Report, validate


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
) -> BuildResult:
    """Load the ontology and data, validate them, and write ``out_dir/graph.ttl``.

    Raises :class:`~dtkg.errors.ValidationFailed` (with the report) and writes nothing when the data does not
    conform; raises :class:`~dtkg.errors.InputError` for a malformed file.
    """
    data_dirs = list(data_dirs)
    ds = load_dataset(data_dirs, seed=seed, base=base)
    folders = [folder for folder, _ in iter_folders(data_dirs, seed)]
    report = validate(ds, source_dirs=folders)
    if not report.conforms:
        raise ValidationFailed(report)
    out = Path(out_dir)
    outputs = [export(ds, out / "graph.ttl", "turtle")]
    return BuildResult(dataset=ds, report=report, summary=summarize(ds), outputs=outputs)
