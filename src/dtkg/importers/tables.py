"""``dtkg import table``: spreadsheets an officer fills in to add the facts of a press release without writing RDF.

A folder holds up to six CSV files, one per kind of fact, each with one header row; every column has a French and
an English name (either is accepted, as is the file name in either language):

* ``sources.csv`` — the documents the facts come from (a press release, with a copy of its text);
* ``organisations.csv`` (``organizations.csv``), ``personnes.csv`` (``people.csv``), ``lieux.csv``
  (``places.csv``), ``roles.csv`` (``fonctions.csv``) and ``subventions.csv`` (``grants.csv``).

Every row may name its ``source`` (an id of ``sources.csv`` or of a source already in the data) and quote the
exact words that support it (``citation``/``quote``): the quote is checked word for word against the source's text,
as ``dtkg validate`` does. Every resource also points to its row of the table (RFC 7111 ``row=N``).

:data:`TABLES` describes every table and column; :func:`write_templates` writes the empty templates from it. The
rows are converted by :class:`~dtkg.importers.table_rows.TableRows`.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from rdflib import URIRef

from ..atomic import Staged
from ..errors import InputError
from ..namespaces import DEFAULT_BASE
from .csv_import import CsvImport, InputFile, check_data_dir, index_data, plan_paths, resolve_columns
from .csvio import read_csv, write_csv
from .outputs import ImportChoices, ImportResult
from .registry import run_import
from .report import Report
from .running import Conversion
from .sources import SOURCES_DIR, SourceInfo
from .specs import Column, TableSpec, load_tables
from .table_rows import TableRows
from .values import slugify


#: The tables and their columns, as data: ``formats/tables.toml`` (read by the importer, the templates and the
#: column reference).
_SPEC = load_tables()
TABLES: tuple[TableSpec, ...] = _SPEC.tables
SPECS = {spec.key: spec for spec in TABLES}
STANDARD = _SPEC.standard


def write_templates(folder: Path | str, *, lang: str = "fr") -> list[Path]:
    """Write the empty templates (one header row each, column names in ``lang``: ``fr`` or ``en``) into
    ``folder``; existing files are not overwritten. Returns the files written."""
    if lang not in ("fr", "en"):
        raise InputError(f"unknown template language {lang!r}: choose fr or en")
    out = Path(folder)
    if out.exists() and not out.is_dir():
        raise InputError("is not a folder", path=out)
    staged = Staged()
    targets = []
    for spec in TABLES:
        name = spec.fr_file if lang == "fr" else spec.en_file
        target = out / name
        if target.exists():
            raise InputError("already exists; choose an empty folder for the templates", path=target)
        header = [c.fr if lang == "fr" else c.en for c in spec.columns]
        staged.put(target, write_csv([header]))
        targets.append(target)
    return staged.commit()


# ---------------------------------------------------------------------------------------------------- reading


def find_tables(folder: Path, report: Report) -> list[tuple[TableSpec, Path]]:
    """The table files of ``folder``, in the order they are imported (sources first, grants last)."""
    if not folder.is_dir():
        raise InputError("is not a folder of tables (CSV files named sources.csv, organisations.csv, …)",
                         path=folder)
    found: list[tuple[TableSpec, Path]] = []
    names = {name for spec in TABLES for name in spec.files}
    csvs = {p.name.lower(): p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv"}
    for spec in TABLES:
        matches = [csvs[n] for n in dict.fromkeys(spec.files) if n in csvs]
        if len(matches) > 1:
            raise InputError(f"has both {matches[0].name} and {matches[1].name}: keep one", path=folder)
        if matches:
            found.append((spec, matches[0]))
    for lower, path in sorted(csvs.items()):
        if lower not in names:
            report.warning(path.name, 1, "", "", "not one of the table files (" +
                           ", ".join(dict.fromkeys(n for s in TABLES for n in s.files)) + "): left out")
    if not found:
        raise InputError("has none of the table files (" + ", ".join(s.files[0] for s in TABLES) + "); "
                         "write the templates with `dtkg import table --template DIR`", path=folder)
    return found


def open_tables(folder: Path | str, data_dir: Path | str, choices: ImportChoices) -> CsvImport:
    """Read the tables of ``folder`` (see :func:`find_tables`), check their headers, index the data folder and
    describe each table as a source: everything ``import table`` does before converting its rows."""
    folder = Path(folder)
    report = Report()
    specs = find_tables(folder, report)
    data = check_data_dir(data_dir)
    name = folder.resolve().name
    output, slug = plan_paths(data, "table", name)
    clock = time.perf_counter()
    files: list[InputFile] = []
    for spec, path in specs:
        table = read_csv(path)
        required = tuple(c.key for c in spec.columns if c.required)
        cols = resolve_columns(table, spec.fields(), report, what=f"the {spec.files[0]} template",
                               required=required, warn_inexact=False)
        source = SourceInfo(iri=URIRef(f"{DEFAULT_BASE}source/table-{slug}-{slugify(path.stem)}"),
                            label=f"Tableau « {path.name} » du dossier {name}", table=table,
                            local_file=f"{SOURCES_DIR}/table-{slug}/{path.name}", standard=STANDARD)
        files.append(InputFile(table, cols, source, key=spec.key, required=required,
                               column_names={c.key: c.fr for c in spec.columns}))
    if files and not any(f.table.rows for f in files):
        raise InputError("the tables have no rows (only their header rows): nothing to import", path=folder)
    timings = {"read": time.perf_counter() - clock}
    builder, clock = index_data(data, output, seed=choices.seed, run_key=f"table:{slug}", timings=timings)
    return CsvImport(kind="table", data_dir=data, output=output, slug=slug, report=report, files=files,
                     builder=builder, header_title=f"the tables of {name}/", input_path=folder, timings=timings,
                     clock=clock)


#: How the import engine runs this format (see :mod:`dtkg.importers.running`).
CONVERSION = Conversion(open=open_tables, converter=TableRows)


def import_tables(folder: Path | str, data_dir: Path | str = "data", **options: Any) -> ImportResult:
    """Import a folder of tables (see :data:`TABLES`) into ``data_dir/imports/table-<folder name>.ttl``.

    References between tables use the ``id`` columns; a reference may also name a resource of the data (its id,
    ``prefix:id`` or full IRI; a SIREN/RNA for an organisation). Rows with errors are reported with their file, row,
    column, value and reason; nothing is written when there is one, unless ``skip_invalid`` (then rows that depend
    on an invalid row are left out too). ``options`` are those of :class:`~dtkg.importers.outputs.ImportChoices`
    but ``strict`` (the tables follow no published standard): ``skip_invalid``, ``dry_run``, ``report_path``,
    ``imported_at``, ``seed``, ``progress``.
    """
    return run_import("table", folder, data_dir, **options)


__all__ = ["TABLES", "SPECS", "Column", "TableSpec", "import_tables", "write_templates", "find_tables"]
