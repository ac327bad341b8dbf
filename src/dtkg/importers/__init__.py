"""Importers of real open data into the data folder: SCDL grants, places of digital mediation, and the CSV tables an
officer fills in from a press release.

Every importer reads a CSV file as it comes (UTF-8 with or without BOM, or Windows-1252; ``,`` ``;`` or tab),
checks every row, reconciles organisations (SIREN, RNA) and communes (INSEE code) with the seed data and the data
folder, and writes one deterministic Turtle file per source under ``<data>/imports/``, with a copy of the source
and its SHA-256, so that ``dtkg build`` picks the facts up and a reviewer sees them as a diff::

    from dtkg.importers import import_scdl, import_mednum, import_tables
    result = import_scdl("tests/fixtures/import/scdl-valid.csv", "data")   # → data/imports/scdl-scdl-valid.ttl
    print(result.summary()); print("\\n".join(result.report.lines()))

A row with an error (bad SIRET checksum, amount not a positive number, impossible date, missing required field…)
stops the import before anything is written (:class:`InvalidRows`, with the report), unless ``skip_invalid=True``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports

# Public names and the module that defines each, imported on first use: the command line reads the registry of
# formats at start-up without loading rdflib and the importers.
_EXPORTS = {
    "ImportResult": "outputs", "ImportChoices": "outputs", "CsvRow": "csvio", "CsvTable": "csvio", "read_csv": "csvio",
    "import_mednum": "mednum", "InvalidRows": "report", "Report": "report", "ReportEntry": "report",
    "import_scdl": "scdl", "TABLES": "tables", "import_tables": "tables", "write_templates": "tables",
    "FORMATS": "registry", "ImportFormat": "registry", "run_import": "registry",
}

__all__ = [
    "import_scdl", "import_mednum", "import_tables", "write_templates", "read_csv", "ImportResult", "Report",
    "ReportEntry", "InvalidRows", "CsvTable", "CsvRow", "TABLES", "FORMATS", "ImportFormat", "run_import",
    "ImportChoices",
]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())


if TYPE_CHECKING:  # pragma: no cover
    from .csvio import CsvRow, CsvTable, read_csv
    from .mednum import import_mednum
    from .outputs import ImportChoices, ImportResult
    from .registry import FORMATS, ImportFormat, run_import
    from .report import InvalidRows, Report, ReportEntry
    from .scdl import import_scdl
    from .tables import TABLES, import_tables, write_templates
