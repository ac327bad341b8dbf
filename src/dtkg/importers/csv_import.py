"""Opening a CSV import: read the file(s), check each header against the format's fields (:func:`resolve_columns`),
index the data folder, describe the sources. What every format does before converting its rows, and the one row
reader (:meth:`InputFile.rows`) its rows are converted through."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef

from ..errors import InputError
from ..namespaces import DEFAULT_BASE
from .builder import Builder
from .csvio import CsvTable, read_csv, require_rows
from .outputs import ImportChoices
from .known import KnownData
from .reconcile import Reconciler
from .report import Report
from .rows import RowContext
from .sources import IMPORTS_DIR, SOURCES_DIR, SourceInfo
from .specs import FormatSpec
from .values import normalise_name, slugify


@dataclass
class InputFile:
    """One CSV file of an import, read, its header checked (``cols``: ``{field: column}``) and its source described;
    what every row of it must have (``required`` fields filled; ``schema_required`` ones filled too, else a warning,
    or an error with ``strict``, naming ``required_by``); ``key`` names which table of the format it is."""

    table: CsvTable
    cols: dict[str, str]
    source: SourceInfo
    key: str = ""
    #: the column a problem with a field the file lacks is reported under (default: the field's name)
    column_names: dict[str, str] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    schema_required: tuple[str, ...] = ()
    required_by: str = "the standard"
    #: what a report of a row with more cells than the header adds, to say what to check
    extra_cells_hint: str = ""

    @property
    def name(self) -> str:
        return self.table.path.name

    def rows(self, report: Report, *, strict: bool = False) -> Iterator[RowContext]:
        """Every data row, as a :class:`RowContext` reporting to ``report``, after the checks every format makes:
        no cell beyond the header, required fields filled."""
        names = self.column_names
        column_of: Callable[[str], str] | None = (lambda key: names.get(key, key)) if names else None
        severity = "error" if strict else "warning"
        why = f"required by {self.required_by} but empty"
        for row in self.table.rows:
            ctx = RowContext(row, self.cols, report, self.name, column_of, self.source.iri)
            ctx.check_extra_cells(self.extra_cells_hint)
            ctx.check_filled(self.required)
            for name in self.schema_required:
                if name in self.cols and not ctx.cell(name):
                    ctx.problem(name, why, severity=severity)
            yield ctx


@dataclass
class CsvImport:
    """One run of an importer once its input is read and its headers checked: what the row converters need (the
    builder, the report, the files) and what :func:`~dtkg.importers.outputs.finish` writes (``output``, named by
    ``header_title``; ``input_path``: what an error names, by default the first file)."""

    kind: str
    data_dir: Path
    output: Path
    slug: str
    report: Report
    files: list[InputFile]
    builder: Builder
    header_title: str
    input_path: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)
    #: when the conversion started (``time.perf_counter()``), for ``timings["convert"]``
    clock: float = 0.0

    # a one-file format's file, its table, columns and source
    @property
    def table(self) -> CsvTable:
        return self.files[0].table

    @property
    def cols(self) -> dict[str, str]:
        return self.files[0].cols

    @property
    def source(self) -> SourceInfo:
        return self.files[0].source

    @property
    def file(self) -> str:
        return self.files[0].name

    @property
    def rows_read(self) -> int:
        return sum(len(f.table.rows) for f in self.files)


def plan_paths(data_dir: Path, kind: str, stem: str) -> tuple[Path, str]:
    """The output file of an import (``imports/<kind>-<stem>.ttl``) and the slug naming it."""
    slug = slugify(stem, max_length=80)
    return data_dir / IMPORTS_DIR / f"{kind}-{slug}.ttl", slug


def check_data_dir(data_dir: Path | str) -> Path:
    """The data folder to write into (created if missing; an existing file there is an error)."""
    folder = Path(data_dir)
    if folder.exists() and not folder.is_dir():
        raise InputError("is not a folder (give the data folder with --data)", path=folder)
    return folder


def index_data(data_dir: Path, output: Path, *, seed: bool, run_key: str,
               timings: dict[str, float]) -> tuple[Builder, float]:
    """The builder of an import into ``data_dir``, over what the data folder (but ``output``, which the import
    replaces) and, with ``seed``, the seed data already say; ``timings["index"]`` records the time it took.
    Returns the builder and the clock of the conversion's start."""
    clock = time.perf_counter()
    known = KnownData(data_dir, seed=seed, exclude=[output])
    timings["index"] = time.perf_counter() - clock
    clock = time.perf_counter()
    return Builder(Reconciler(known, run_key=run_key)), clock


def open_csv_import(spec: FormatSpec, path: Path | str, data_dir: Path | str, choices: ImportChoices) -> CsvImport:
    """Read the CSV file of a one-file format, check its header against ``spec``, index the data folder (and the
    seed data, unless ``choices.seed`` is False) and describe the source: everything an importer does before
    converting its rows.

    A column the standard requires (``spec.schema_required``) that the file lacks is a warning (an error with
    ``choices.strict``); organisations known by name only are keyed by ``spec.run_key`` (default
    ``<kind>:<slug>``)."""
    clock = time.perf_counter()
    timings: dict[str, float] = {}
    table = require_rows(read_csv(path))
    timings["read"] = time.perf_counter() - clock
    folder = check_data_dir(data_dir)
    output, slug = plan_paths(folder, spec.kind, table.path.stem)
    report = Report()
    cols = resolve_columns(table, spec.spellings(), report, what=spec.what, required=spec.required)
    for name in spec.schema_required:
        if name not in cols:
            report.add(table.path.name, 1, name, "", "error" if choices.strict else "warning",
                       f"column required by {spec.required_by} is missing")
    builder, clock = index_data(folder, output, seed=choices.seed, run_key=spec.run_key or f"{spec.kind}:{slug}",
                                timings=timings)
    source = SourceInfo(iri=URIRef(f"{DEFAULT_BASE}source/{spec.kind}-{slug}"),
                        label=spec.source_label.format(name=table.path.name), table=table,
                        local_file=f"{SOURCES_DIR}/{spec.kind}-{slug}{table.path.suffix.lower() or '.csv'}",
                        standard=spec.standard)
    file = InputFile(table, cols, source, key=spec.kind, required=spec.required,
                     schema_required=spec.schema_required, required_by=spec.required_by,
                     extra_cells_hint=": check the separators and quotes of this row")
    return CsvImport(kind=spec.kind, data_dir=folder, output=output, slug=slug, report=report, files=[file],
                     builder=builder, header_title=table.path.name, timings=timings, clock=clock)


def _column_key(name: str) -> str:
    return normalise_name(name).replace(" ", "")


def resolve_columns(
    table: CsvTable,
    fields: dict[str, tuple[str, ...]],
    report: Report,
    *,
    what: str,
    required: Iterable[str] = (),
    warn_inexact: bool = True,
) -> dict[str, str]:
    """Map each field to the header column that holds it: ``{field: column}``.

    ``fields`` gives, for each field, the accepted column names (the first is the published one). A column whose
    name matches once case, accents, spaces and underscores are set aside is accepted too (with a warning when
    ``warn_inexact``, since the standard's name is exact). Unknown columns are reported on row 1 and left out; a
    missing ``required`` column raises :class:`InputError` (the file is not of this kind).
    """
    columns: dict[str, str] = {}
    by_key: dict[str, str] = {}
    for column in table.header:
        by_key.setdefault(_column_key(column), column)
    used: set[str] = set()
    for name, spellings in fields.items():
        exact = next((s for s in spellings if s in table.header and s not in used), None)
        if exact is not None:
            columns[name] = exact
            used.add(exact)
            continue
        close = next((by_key[_column_key(s)] for s in spellings
                      if _column_key(s) in by_key and by_key[_column_key(s)] not in used), None)
        if close is not None:
            columns[name] = close
            used.add(close)
            if warn_inexact:
                report.warning(table.path.name, 1, close, "", f"read as the column {spellings[0]!r} of {what}; "
                               f"the standard spells it {spellings[0]!r}")
    missing = [fields[f][0] for f in required if f not in columns]
    if missing:
        found = ", ".join(table.header[:20]) + (f", … ({len(table.header) - 20} more)" if len(table.header) > 20 else "")
        raise InputError(f"is not a {what} file: the header lacks the column(s) {', '.join(missing)} "
                         f"(found: {found})", path=table.path, line=1)
    for column in table.header:
        if column not in used:
            report.warning(table.path.name, 1, column, "", f"unknown column for {what}: left out of the import")
    return columns


__all__ = ["InputFile", "CsvImport", "open_csv_import", "index_data", "resolve_columns", "plan_paths",
           "check_data_dir"]
