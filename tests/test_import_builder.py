"""The import builder: triples stated as tuples and as rdflib terms give one graph, rendered once, read back whole."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import URIRef

from dtkg.errors import InputError
from dtkg.load import ox_store
from dtkg.importers import import_scdl
from dtkg.importers.builder import T_RDF, T_SCHEMA, Builder, Iris, blank, blank_tuple
from dtkg.importers.known import KnownData
from dtkg.importers.reconcile import Reconciler
from dtkg.importers.terms import RDF, RDFS, SCHEMA, lit

FIXTURES = Path(__file__).parent / "fixtures" / "import"
WHEN = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)


def _builder(tmp_path: Path) -> Builder:
    return Builder(Reconciler(KnownData(tmp_path, seed=False)))


def _triples(data: bytes) -> set[tuple[str, str, str]]:
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in ox.parse(data, format=ox.RdfFormat.TURTLE)
            if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}


def test_tuple_and_rdflib_triples_are_one_graph(tmp_path: Path):
    b = _builder(tmp_path)
    grant = URIRef("https://example.org/grant/g1")
    b.add((grant, RDF.type, SCHEMA.MonetaryGrant))
    b.put((b.term(grant), T_RDF.type, T_SCHEMA.MonetaryGrant))  # the same triple in tuple form: kept once
    b.put(((0, str(grant)), Iris(RDFS).label, lit("Subvention", lang="fr")))
    node = blank_tuple()
    b.put((b.term(grant), T_SCHEMA.amount, node))
    b.put((node, T_SCHEMA.value, lit("6421.00", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal"))))
    old = blank()
    b.add((grant, SCHEMA.sponsor, old))
    b.add((old, RDFS.label, lit("x")))
    text = b"".join(b.turtle("# one\n")).decode("utf-8")
    assert text.startswith("# one\n@prefix")
    assert text.count("a schema:MonetaryGrant") == 1
    assert "schema:value 6421.00" in text  # the lexical form as written
    assert "schema:sponsor [\n" in text and "schema:amount [\n" in text  # both blank nodes written inline
    assert len(b.g) == 6
    with pytest.raises(RuntimeError):
        b.put((b.term(grant), T_RDF.type, T_SCHEMA.Grant))  # rendered: nothing may be added


def test_rendered_once_whatever_the_header(tmp_path: Path):
    b = _builder(tmp_path)
    b.put(((0, "https://example.org/a"), T_RDF.type, T_SCHEMA.Thing))
    first = b"".join(b.turtle("# first\n"))
    second = b"".join(b.turtle("# second header\n"))
    assert first.removeprefix(b"# first\n") == second.removeprefix(b"# second header\n")


def test_an_invalid_iri_stops_the_import(tmp_path: Path):
    b = _builder(tmp_path)
    with pytest.raises(InputError, match="not a valid IRI"):
        b.term(URIRef("https://example.org/a b"))


def test_the_graph_holds_what_the_file_says(tmp_path: Path):
    result = import_scdl(FIXTURES / "scdl-valid.csv", tmp_path / "data", imported_at=WHEN)
    written = result.output.read_bytes()
    store = ox_store(result.graph)
    assert store is not None
    in_graph = {(str(q.subject), str(q.predicate), str(q.object)) for q in store
                if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}
    assert in_graph == _triples(written)
    assert len(in_graph) > 20
    assert len(store) == sum(1 for _ in ox.parse(written, format=ox.RdfFormat.TURTLE))
