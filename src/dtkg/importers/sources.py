"""The source files of an import as the graph describes them (name, copy, checksum, encoding, standard, import
time), and the import time itself: renewed only when what determines the output (the fingerprint) changes, so that
importing the same file again gives a byte-identical file."""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef
from rdflib.term import Node

from .csvio import CsvTable
from .specs import Standard
from .terms import DCTERMS, DTKG, FOAF, OWL, PROV, RDF, RDFS, SCHEMA, XSD, lit

#: Bump when the importers change what they write for the same input: the import time is then renewed.
FORMAT_VERSION = "1"

#: Folder of the data folder that holds imports, and the sub-folder that keeps copies of their sources.
IMPORTS_DIR = "imports"
SOURCES_DIR = "imports/sources"


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


__all__ = ["SourceInfo", "describe_source", "import_time", "previous_import_time", "fingerprint", "FORMAT_VERSION",
           "IMPORTS_DIR", "SOURCES_DIR"]
