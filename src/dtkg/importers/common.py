"""What every importer shares: the graph being built (with the seed data's modelling conventions), the source
document and its provenance, the row annotations, and writing the outputs all at once or not at all."""

from __future__ import annotations

import contextlib
import datetime as _dt
import functools
import gc
import hashlib
import os
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.term import Node

from ..errors import InputError
from ..atomic import Staged
from ..namespaces import DEFAULT_BASE, PREFIXES, data_prefixes
from .builder import RFC7111, Builder
from .csvio import CsvTable, read_csv, require_rows
from .reconcile import KnownData, Reconciler
from .report import InvalidRows, Report
from .specs import FormatSpec, Standard
from .terms import (
    DCTERMS,
    DTKG,
    FOAF,
    OWL,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    XSD,
    lit,
)
from .values import normalise_name, slugify

#: Bump when the importers change what they write for the same input: the import time is then renewed.
FORMAT_VERSION = "1"

#: Folder of the data folder that holds imports, and the sub-folder that keeps copies of their sources.
IMPORTS_DIR = "imports"
SOURCES_DIR = "imports/sources"


def output_prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """Prefixes of the Turtle the importers write."""
    return {**PREFIXES, **data_prefixes(base), "placetype": f"{base}place-type/", "foaf": str(FOAF)}


# ------------------------------------------------------------------------------------------------------ sources


@dataclass
class SourceInfo:
    """One source file of an import: the resource that describes it and the copy kept in the data folder."""

    iri: URIRef
    label: str
    table: CsvTable
    local_file: str  # relative to the data folder
    standard: Standard | None = None

    @property
    def name(self) -> str:
        return self.table.path.name


def describe_source(add: Callable[[tuple[Node, Node, Node]], None], src: SourceInfo, imported_at: str) -> None:
    """The source document: name, copy and checksum, encoding, standard and version, import time."""
    t = src.table
    add((src.iri, RDF.type, DTKG.SourceDocument))
    add((src.iri, RDF.type, FOAF.Document))
    add((src.iri, RDF.type, PROV.Entity))
    add((src.iri, RDFS.label, lit(src.label, lang="fr")))
    add((src.iri, DCTERMS.title, lit(src.name)))
    add((src.iri, DCTERMS.language, lit("fr")))
    add((src.iri, DCTERMS.format, lit("text/csv; charset=utf-8")))
    add((src.iri, DTKG.localFile, lit(src.local_file)))
    add((src.iri, DTKG.sha256, lit(hashlib.sha256(t.utf8_bytes()).hexdigest())))
    add((src.iri, PROV.generatedAtTime, lit(imported_at, datatype=XSD.dateTime)))
    separator = {",": "virgule", ";": "point-virgule", "\t": "tabulation", "|": "barre verticale"}[t.delimiter]
    note = f"Fichier CSV de {len(t.rows)} ligne(s) de données, séparateur {separator}, encodage {t.encoding}."
    if not t.is_utf8:
        note += (f" La copie locale est convertie en UTF-8 ; le fichier reçu (encodage {t.encoding}) avait "
                 f"l'empreinte SHA-256 {t.sha256}.")
    add((src.iri, RDFS.comment, lit(note, lang="fr")))
    if src.standard is not None:
        std = src.standard
        add((src.iri, DCTERMS.conformsTo, std.iri))
        add((std.iri, RDF.type, DCTERMS.Standard))
        add((std.iri, RDFS.label, lit(std.label, lang="fr")))
        add((std.iri, OWL.versionInfo, lit(std.version)))
        add((std.iri, SCHEMA.url, lit(std.url, datatype=XSD.anyURI)))


def import_time(explicit: _dt.datetime | None = None) -> str:
    """The import time as ``xsd:dateTime`` (UTC, seconds): ``explicit``, else ``$SOURCE_DATE_EPOCH``, else now."""
    if explicit is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        explicit = (_dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc) if epoch.isdigit()
                    else _dt.datetime.now(_dt.timezone.utc))
    if explicit.tzinfo is None:
        explicit = explicit.replace(tzinfo=_dt.timezone.utc)
    return explicit.astimezone(_dt.timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


_FINGERPRINT = re.compile(r"^# fingerprint: ([0-9a-f]{64})$", re.MULTILINE)
_IMPORTED_AT = re.compile(r'prov:generatedAtTime "([^"]+)"\^\^xsd:dateTime')


def previous_import_time(output: Path, fingerprint: str) -> str | None:
    """The import time recorded in ``output`` when it was written from the same inputs (same fingerprint), so that
    importing the same file again gives a byte-identical file."""
    try:
        with output.open(encoding="utf-8") as fh:
            head = fh.read(4096)
            found = _FINGERPRINT.search(head)
            if not found or found.group(1) != fingerprint:
                return None
            fh.seek(0)
            for line in fh:
                match = _IMPORTED_AT.search(line)
                if match:
                    return match.group(1)
    except (OSError, UnicodeDecodeError):
        return None
    return None


def fingerprint(kind: str, inputs: Iterable[tuple[str, str]], options: str = "") -> str:
    """SHA-256 over what determines an import's output besides the data folder: importer, inputs (name and
    SHA-256 of each file), options."""
    digest = hashlib.sha256(f"{kind}\x1f{FORMAT_VERSION}\x1f{options}".encode())
    for name, sha in inputs:
        digest.update(f"\x1e{name}\x1f{sha}".encode())
    return digest.hexdigest()


# ------------------------------------------------------------------------------------------------------ results


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


# ------------------------------------------------------------------------------------------------------ running


@contextlib.contextmanager
def _without_cycle_collection():
    """Pause Python's cyclic garbage collector: an import allocates millions of small objects that live until the
    end (terms, triples, the writer's indexes) and make no reference cycles, and each full collection walks all
    of them again (a quarter of the time of a 100,000-row import). Memory is still freed by reference counting."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def import_run(func):
    """Decorator of an import function: it runs without the cyclic collector (see above)."""

    @functools.wraps(func)
    def run(*args, **kwargs):
        with _without_cycle_collection():
            return func(*args, **kwargs)

    return run


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


@dataclass
class ImportChoices:
    """What the user chose for one import: the options every ``dtkg import`` takes."""

    skip_invalid: bool = False
    dry_run: bool = False
    report_path: Path | None = None
    imported_at: _dt.datetime | None = None


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


@dataclass
class CsvImport:
    """One run of an importer of a one-file format (SCDL, mednum) once its file is read and its header checked:
    what the row converter needs (the builder, the report, the columns) and what :meth:`finish` writes."""

    kind: str
    table: CsvTable
    data_dir: Path
    output: Path
    slug: str
    report: Report
    cols: dict[str, str]
    builder: Builder
    source: SourceInfo
    timings: dict[str, float]
    clock: float

    @property
    def file(self) -> str:
        return self.table.path.name

    def finish(self, *, rows_imported: int, skip_invalid: bool, dry_run: bool, report_path: Path | str | None,
               imported_at: _dt.datetime | None, options: str) -> ImportResult:
        """Record the conversion's time and write the import (see :func:`finish`)."""
        self.timings["convert"] = time.perf_counter() - self.clock
        plan = ImportPlan(kind=self.kind, builder=self.builder, report=self.report, sources=[self.source],
                          output=self.output, data_dir=self.data_dir, header_title=self.table.path.name,
                          options=options)
        choices = ImportChoices(skip_invalid=skip_invalid, dry_run=dry_run,
                                report_path=Path(report_path) if report_path else None, imported_at=imported_at)
        return finish(plan, choices, rows_read=len(self.table.rows), rows_imported=rows_imported,
                      timings=self.timings)


def open_csv_import(spec: FormatSpec, path: Path | str, data_dir: Path | str, *, strict: bool, seed: bool,
                    source_label: str, missing_column: str, run_key: str | None = None,
                    note_encoding: Callable[[str, str, Report], None] | None = None) -> CsvImport:
    """Read the CSV file of a one-file format, check its header against ``spec``, index the data folder and
    describe the source: everything an importer does before converting its rows.

    ``missing_column`` is the reason reported for a column the standard requires but the file lacks (an error
    with ``strict``); ``run_key`` keys the organisations known by name only (default ``<kind>:<slug>``);
    ``source_label`` names the source (``{name}`` is the file's name)."""
    clock = time.perf_counter()
    timings: dict[str, float] = {}
    table = require_rows(read_csv(path))
    timings["read"] = time.perf_counter() - clock
    folder = check_data_dir(data_dir)
    output, slug = plan_paths(folder, spec.kind, table.path.stem)
    report = Report()
    file = table.path.name
    if note_encoding is not None:
        note_encoding(table.encoding, file, report)
    cols = resolve_columns(table, spec.spellings(), report, what=spec.what, required=spec.required)
    for name in spec.schema_required:
        if name not in cols:
            report.add(file, 1, name, "", "error" if strict else "warning", missing_column)
    clock = time.perf_counter()
    known = KnownData(folder, seed=seed, exclude=[output])
    timings["index"] = time.perf_counter() - clock
    clock = time.perf_counter()
    builder = Builder(Reconciler(known, run_key=run_key or f"{spec.kind}:{slug}"))
    source = SourceInfo(iri=URIRef(f"{DEFAULT_BASE}source/{spec.kind}-{slug}"),
                        label=source_label.format(name=table.path.name), table=table,
                        local_file=f"{SOURCES_DIR}/{spec.kind}-{slug}{table.path.suffix.lower() or '.csv'}",
                        standard=spec.standard)
    return CsvImport(kind=spec.kind, table=table, data_dir=folder, output=output, slug=slug, report=report,
                     cols=cols, builder=builder, source=source, timings=timings, clock=clock)


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


__all__ = [
    "Builder", "ImportResult", "SourceInfo", "Standard", "Staged", "RFC7111", "finish", "plan_paths",
    "check_data_dir", "output_prefixes", "resolve_columns", "import_time",
]
