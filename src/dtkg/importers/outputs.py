"""What an import writes and what it did: the plan of its outputs (:class:`ImportPlan`), the user's choices
(:class:`ImportChoices`), :func:`finish`, which writes the import, the source copies and the report all at once or
not at all, and the :class:`ImportResult` it returns."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Graph

from ..atomic import Staged
from .report import InvalidRows, Report
from .sources import SourceInfo, describe_source, fingerprint, import_time, previous_import_time

if TYPE_CHECKING:  # pragma: no cover
    from .builder import Builder


@dataclass
class ImportChoices:
    """What the user chose for one import: the options ``import_scdl``, ``import_mednum`` and ``import_tables`` take
    (as keyword arguments), and every ``dtkg import`` command.

    ``skip_invalid``: import the valid rows and report the others (else nothing is written when a row is invalid);
    ``strict`` (formats that follow a published standard): a field the standard requires and the row leaves empty
    is an error, not a warning; ``dry_run``: check and convert, write nothing; ``report_path``: write the report
    there as CSV in every case; ``imported_at``: the import time to record (default ``$SOURCE_DATE_EPOCH``, else
    now); ``seed``: reconcile with the seed data too (not only the data folder); ``progress``: show a progress bar.
    """

    skip_invalid: bool = False
    strict: bool = False
    dry_run: bool = False
    report_path: Path | str | None = None  # a Path once made (an empty string: None)
    imported_at: _dt.datetime | None = None
    seed: bool = True
    progress: bool = False

    def __post_init__(self) -> None:
        self.report_path = Path(self.report_path) if self.report_path else None

    @classmethod
    def of(cls, options: dict[str, Any], *, caller: str, without: Collection[str] = ()) -> ImportChoices:
        """The choices given as keyword ``options`` to the function ``caller``, which takes every choice but those
        named in ``without`` (a ``TypeError`` names the first it does not take, as Python does)."""
        taken = {f.name for f in dataclasses.fields(cls)} - set(without)
        for name in options:
            if name not in taken:
                raise TypeError(f"{caller}() got an unexpected keyword argument {name!r}")
        return cls(**options)


@dataclass
class ImportPlan:
    """What one import writes once its rows are converted: the graph and report, the sources they came from, the
    output file and the source copies (``extra_files``: other files written with them); ``header_title`` names the
    input in the output's header, ``options`` are the choices that change the output (part of its fingerprint)."""

    kind: str
    builder: Builder
    report: Report
    sources: list[SourceInfo]
    output: Path
    data_dir: Path
    header_title: str
    input_path: Path | None = None
    extra_files: Sequence[tuple[Path, bytes]] = ()
    options: str = ""


@dataclass
class ImportResult:
    """What an import did. ``graph`` holds the triples written to ``output``; ``report`` the problems found."""

    kind: str
    sources: list[Path]
    output: Path
    builder: Builder = field(repr=False)
    report: Report
    rows_read: int
    rows_imported: int
    written: list[Path] = field(default_factory=list)
    report_file: Path | None = None
    dry_run: bool = False
    encodings: list[str] = field(default_factory=list)
    #: seconds spent reading the CSV, indexing the data folder, converting rows, writing Turtle, writing files
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def graph(self) -> Graph:
        """The triples written to ``output``, as an Oxigraph-backed ``Dataset`` (built on first use)."""
        return self.builder.g

    @property
    def rows_invalid(self) -> int:
        return len(self.report.invalid_rows())

    def summary(self) -> str:
        """One line: ``Read 120 rows: 118 imported, 2 invalid (left out), 3 warnings.``"""
        parts = [f"{self.rows_imported} imported"]
        if self.rows_invalid:
            parts.append(f"{self.rows_invalid} invalid (left out)")
        warnings = len(self.report.warnings)
        if warnings:
            parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
        return f"Read {self.rows_read} row{'s' if self.rows_read != 1 else ''}: {', '.join(parts)}."


def finish(plan: ImportPlan, choices: ImportChoices, *, rows_read: int, rows_imported: int,
           timings: dict[str, float] | None = None) -> ImportResult:
    """Check the report, describe the sources, and write the import, the source copies and the report together.

    Nothing is written (and :class:`InvalidRows` is raised) when a row is invalid and ``choices.skip_invalid`` is False;
    ``choices.report_path``, when given, receives the report in every case.
    """
    kind, builder, report, sources, output = plan.kind, plan.builder, plan.report, plan.sources, plan.output
    report_path, extra_files = choices.report_path, plan.extra_files
    result = ImportResult(kind=kind, sources=[s.table.path for s in sources], output=output, builder=builder,
                          report=report, rows_read=rows_read, rows_imported=rows_imported, dry_run=choices.dry_run,
                          encodings=[s.table.encoding for s in sources], timings=dict(timings or {}))
    clock = time.perf_counter()
    if report_path is not None:
        staged = Staged()
        staged.put(Path(report_path), report.to_csv())
        staged.commit()
        result.report_file = Path(report_path)
    if report.errors and not choices.skip_invalid:
        raise InvalidRows(report, plan.input_path or sources[0].table.path, rows=rows_read)
    fp = fingerprint(kind, [*((s.table.path.name, s.table.sha256) for s in sources),
                            *((str(p.name), hashlib.sha256(c).hexdigest()) for p, c in extra_files)], plan.options)
    stamp = previous_import_time(output, fp) or import_time(choices.imported_at)
    for src in sources:
        describe_source(builder.add, src, stamp)
    header = (f"# Imported by `dtkg import {kind}` from {plan.header_title}.\n"
              "# Generated file: do not edit it by hand; fix the source and import it again.\n"
              f"# fingerprint: {fp}\n\n")
    data = builder.turtle(header)
    result.timings["serialise"] = time.perf_counter() - clock
    clock = time.perf_counter()
    if choices.dry_run:
        return result
    staged = Staged()
    try:
        for src in sources:
            staged.put(plan.data_dir / src.local_file, src.table.utf8_bytes())
        for path, content in extra_files:
            staged.put(path, content)
        auto_report = output.with_suffix(".report.csv")
        if report.entries and report_path is None:
            staged.put(auto_report, report.to_csv())
            result.report_file = auto_report
        else:
            staged.delete(auto_report)  # a report of an earlier import of this file no longer applies
        staged.put(output, data)
        result.written = staged.commit()
    except BaseException:
        staged.abort()
        raise
    result.timings["write"] = time.perf_counter() - clock
    return result


__all__ = ["ImportChoices", "ImportPlan", "ImportResult", "finish"]
