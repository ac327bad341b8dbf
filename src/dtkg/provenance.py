"""Checks of provenance that SHACL cannot express: local copies of sources, their digests, and quotes that must
appear word for word in them."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.term import Node

from .identifiers import siren_is_valid
from .namespaces import DTKG, OA


@dataclass(frozen=True)
class SourceProblem:
    """One problem with a source or a quote: ``focus`` is the resource to fix, ``prop`` the property at fault."""

    focus: Node
    prop: Node
    message: str
    value: Node | None = None


def sha256_of(path: Path) -> str:
    """Hexadecimal SHA-256 digest of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


_SOURCES = """
SELECT ?source ?file ?sha WHERE {
  ?source a <https://w3id.org/dtkg/ontology#SourceDocument> ; <https://w3id.org/dtkg/ontology#localFile> ?file .
  OPTIONAL { ?source <https://w3id.org/dtkg/ontology#sha256> ?sha }
}"""

_QUOTES = """
PREFIX oa: <http://www.w3.org/ns/oa#>
SELECT ?body ?source ?exact ?prefix ?suffix WHERE {
  ?source <https://w3id.org/dtkg/ontology#localFile> ?file .
  ?target oa:hasSource ?source ; oa:hasSelector ?selector .
  ?selector a oa:TextQuoteSelector ; oa:exact ?exact .
  OPTIONAL { ?selector oa:prefix ?prefix } OPTIONAL { ?selector oa:suffix ?suffix }
  ?annotation oa:hasTarget ?target ; oa:hasBody ?body .
}"""


def check_sources(graph: Graph, folders: Iterable[Path]) -> Iterator[SourceProblem]:
    """Yield every source whose local copy is missing or changed, and every quote not found verbatim in it.

    Two SPARQL queries fetch what is needed, so that the check costs the same on a large store as on a small one.
    """
    folders = list(folders)
    texts: dict[Node, str] = {}
    for source, rel, expected in sorted(graph.query(_SOURCES), key=lambda r: str(r[0])):
        path = next((Path(f) / str(rel) for f in folders if (Path(f) / str(rel)).is_file()), None)
        if path is None:
            yield SourceProblem(source, DTKG.localFile, f"local copy {rel} not found in the data folders", rel)
            continue
        if expected is not None and sha256_of(path) != str(expected):
            yield SourceProblem(source, DTKG.sha256,
                                f"{path} has changed: its SHA-256 is {sha256_of(path)}", expected)
        texts[source] = _read_text(path)
    for body, source, exact, prefix, suffix in graph.query(_QUOTES):
        if source in texts and f"{prefix or ''}{exact}{suffix or ''}" not in texts[source]:
            yield SourceProblem(body, OA.exact, "quote not found word for word in its source", Literal(str(exact)))


def _read_text(path: Path) -> str:
    """A source's text: UTF-8, or Windows-1252 as spreadsheets often save it (quotes are compared as text)."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def check_identifiers(graph: Graph) -> Iterator[SourceProblem]:
    """Yield every SIREN number whose checksum is wrong (SHACL only checks that it has 9 digits)."""
    rows = graph.query("SELECT ?o ?siren WHERE { ?o <https://w3id.org/dtkg/ontology#siren> ?siren }")
    for org, siren in sorted(rows, key=lambda r: (str(r[0]), str(r[1]))):
        if not siren_is_valid(str(siren)):
            yield SourceProblem(org, DTKG.siren, f"SIREN {siren} fails the Luhn checksum", siren)
