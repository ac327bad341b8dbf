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
from .load import ox_store
from .namespaces import DTKG, OA
from .terms import to_rdflib


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
  ?selector oa:exact ?exact ; a oa:TextQuoteSelector .
  ?target oa:hasSelector ?selector ; oa:hasSource ?source .
  ?source <https://w3id.org/dtkg/ontology#localFile> ?file .
  ?annotation oa:hasTarget ?target ; oa:hasBody ?body .
  OPTIONAL { ?selector oa:prefix ?prefix } OPTIONAL { ?selector oa:suffix ?suffix }
}"""
# One basic graph pattern opened by the rare ``oa:exact``, the OPTIONALs last: Oxigraph cannot move a pattern across
# an OPTIONAL, so with the annotation pattern after them (the former form) it joined every annotation of the graph
# (16 s at 1M triples, ~170 s at 10M) where this form takes about a millisecond.

_SIRENS = "SELECT ?o ?siren WHERE { ?o <https://w3id.org/dtkg/ontology#siren> ?siren }"


def _select(graph: Graph, query: str) -> Iterator[tuple[Node | None, ...]]:
    """The rows of a SELECT query on ``graph`` (union of its graphs) as tuples of rdflib terms.

    When ``graph`` lives in Oxigraph, the query goes to Oxigraph directly: rdflib's store wrapper converts every
    term of every row on the way, which is most of the cost of these checks on a large graph.
    """
    store = ox_store(graph)
    if store is None:
        yield from graph.query(query)
        return
    result = store.query(query, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    for row in result:
        yield tuple(to_rdflib(row[name]) if row[name] is not None else None for name in names)


def check_sources(graph: Graph, folders: Iterable[Path]) -> Iterator[SourceProblem]:
    """Yield every source whose local copy is missing or changed, and every quote not found verbatim in it.

    Two SPARQL queries fetch what is needed, so that the check costs the same on a large store as on a small one.
    """
    folders = list(folders)
    texts: dict[Node, str] = {}
    for source, rel, expected in sorted(_select(graph, _SOURCES), key=lambda r: str(r[0])):
        path = next((Path(f) / str(rel) for f in folders if (Path(f) / str(rel)).is_file()), None)
        if path is None:
            yield SourceProblem(source, DTKG.localFile, f"local copy {rel} not found in the data folders", rel)
            continue
        if expected is not None and sha256_of(path) != str(expected):
            yield SourceProblem(source, DTKG.sha256,
                                f"{path} has changed: its SHA-256 is {sha256_of(path)}", expected)
        texts[source] = _read_text(path)
    for body, source, exact, prefix, suffix in _select(graph, _QUOTES):
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
    store = ox_store(graph)
    if store is None:
        rows = [(o, siren) for o, siren in graph.query(_SIRENS) if not siren_is_valid(str(siren))]
    else:  # 7 000 SIRENs at 1M triples: only the failing ones become rdflib terms
        rows = [(to_rdflib(r["o"]), to_rdflib(r["siren"]))
                for r in store.query(_SIRENS, use_default_graph_as_union=True) if not siren_is_valid(r["siren"].value)]
    for org, siren in sorted(rows, key=lambda r: (str(r[0]), str(r[1]))):
        yield SourceProblem(org, DTKG.siren, f"SIREN {siren} fails the Luhn checksum", siren)
