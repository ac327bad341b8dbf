"""The registry of import formats: what ``dtkg import <kind>`` offers, and :func:`run_import`, the one way to run
any of them.

Each entry names the function that imports the format and how the engine converts it (both imported on first
use, so that reading the registry, as the command line does at start-up, loads neither rdflib nor the importers),
what it reads (a file or a folder), which options it takes, and the help text of its command. A new format is a new
entry here plus its description (``formats/<kind>.toml``) and the converter of its rows (a
:class:`~dtkg.importers.running.Conversion`); the command line and the engine need no new code.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ImportFormat:
    """One format of ``dtkg import``."""

    kind: str  # the command's name, and the first part of the output's name (imports/<kind>-<name>.ttl)
    function: str  # "module:function" of the importer, relative to dtkg.importers
    conversion: str  # "module:name" of its Conversion (how the engine opens and converts it)
    help: str  # the command's help text (click's format: \b before a block kept as it is)
    reads_folder: bool = False  # a folder of CSV files (else one CSV file)
    strict: bool = False  # takes --strict
    progress: bool = False  # shows a progress bar on the command line
    templates: bool = False  # takes --template OUTDIR and --lang (write the empty templates)

    def importer(self) -> Callable[..., Any]:
        """The public function that imports the format (``import_scdl``…)."""
        return _load(self.function)

    def engine(self) -> Any:
        """How the import engine opens and converts the format (a :class:`~dtkg.importers.running.Conversion`)."""
        return _load(self.conversion)


def _load(reference: str) -> Any:
    """The object a ``"module:name"`` reference (relative to dtkg.importers) names, its module imported now."""
    module, name = reference.split(":")
    return getattr(importlib.import_module(f".{module}", __package__), name)


FORMATS: dict[str, ImportFormat] = {
    f.kind: f
    for f in (
        ImportFormat(
            kind="scdl", function="scdl:import_scdl", conversion="scdl:CONVERSION", strict=True, progress=True,
            help="""Import grants published with the SCDL Subventions schema (2.x) as schema:MonetaryGrant.

    Funders and beneficiaries are identified by SIREN (the first 9 digits of idAttribuant/idBeneficiaire) or by
    rnaBeneficiaire, and are the same resources as the organisations of the data with that number. Amounts may
    be written 6421.00 or "6 421,00"; dates YYYY-MM-DD or DD/MM/YYYY (YYYY/MM/DD with a warning).

    \b
    Examples:
      dtkg import scdl subventions-2023.csv --data data
      dtkg import scdl export.csv --skip-invalid --report rejets.csv
    """),
        ImportFormat(
            kind="mednum", function="mednum:import_mednum", conversion="mednum:CONVERSION", strict=True,
            progress=True,
            help="""Import places of digital mediation (lieux de médiation numérique, standard 1.x) as org:Site/schema:Place.

    Each place is put in its commune (code_insee), with its address, coordinates, services (SKOS concepts),
    typology (TIERS_LIEUX makes it a dtkg:TiersLieu) and operating organisation (pivot: SIRET or RNA).
    Multi-valued cells are separated by | (or ;).

    \b
    Example:
      dtkg import mednum lieux-de-mediation-numerique.csv --data data
    """),
        ImportFormat(
            kind="table", function="tables:import_tables", conversion="tables:CONVERSION", reads_folder=True,
            templates=True,
            help="""Import the facts of a press release written in CSV tables (no RDF to write).

    DIR holds any of sources.csv, organisations.csv, personnes.csv (people.csv), lieux.csv (places.csv),
    roles.csv and subventions.csv (grants.csv), one header row each; column names may be French or English.
    Rows refer to each other by their id, and to the resources of the data by their id (cud,
    region-hauts-de-france…) or SIREN. Each row may name its source and quote it word for word.

    \b
    Examples:
      dtkg import table --template mes-tableaux        # write the empty templates
      dtkg import table mes-tableaux --data data       # import them once filled in
    """),
    )
}


def run_import(kind: str, path: Path | str, data_dir: Path | str = "data", **options: Any):
    """Import ``path`` (a CSV file, or a folder of tables for ``table``) into ``data_dir`` as the format ``kind``
    (``scdl``, ``mednum``, ``table``); ``options`` are those of :class:`~dtkg.importers.outputs.ImportChoices`
    the format takes (``skip_invalid``, ``dry_run``, ``report_path``, ``strict``…). Returns its
    :class:`~dtkg.importers.outputs.ImportResult`."""
    try:
        fmt = FORMATS[kind]
    except KeyError:
        from ..errors import InputError

        raise InputError(f"unknown import format {kind!r}: choose one of {', '.join(FORMATS)}") from None
    from .running import run_format

    return run_format(fmt, path, data_dir, options)


__all__ = ["ImportFormat", "FORMATS", "run_import"]
