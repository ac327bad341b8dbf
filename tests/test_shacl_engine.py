"""The SPARQL validator (dtkg.shacl, run on Oxigraph) reports what pyshacl, the reference, reports."""

from __future__ import annotations

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from dtkg.load import load_dataset, union_graph
from dtkg.namespaces import DTKG, IGEO, OA, ORG, SCHEMA
from dtkg.shacl import UnsupportedShape, compile_shapes
from dtkg.validation import load_shapes, validate
from conftest import BASE

GRANT = URIRef(f"{BASE}grant/region-investissement-tiers-lieux")
PART = URIRef(f"{BASE}grant/region-atelier-investissement-annee-1")
EVENT = URIRef(f"{BASE}event/inauguration-atelier-2019-09-28")


def amount(g, grant=GRANT):
    return g.value(grant, SCHEMA.amount)


MUTATIONS = {
    "negative amount": lambda g: g.set((amount(g), SCHEMA.value, Literal("-5", datatype=XSD.decimal))),
    "amount as text": lambda g: g.set((amount(g), SCHEMA.value, Literal("trente mille"))),
    "bad currency": lambda g: g.set((amount(g), SCHEMA.currency, Literal("euros"))),
    "two amounts": lambda g: g.add((GRANT, SCHEMA.amount, amount(g, PART))),
    "no amount": lambda g: g.remove((GRANT, SCHEMA.amount, None)),
    "share too big": lambda g: g.set((amount(g, PART), SCHEMA.value, Literal("31000.00", datatype=XSD.decimal))),
    "funder not an organisation": lambda g: g.set((GRANT, SCHEMA.funder, URIRef(f"{BASE}place/atelier-bourbourg"))),
    "start after end": lambda g: g.set((URIRef(f"{BASE}grant/region-cud-fonctionnement-2019-2021"), SCHEMA.startDate,
                                        Literal("2022", datatype=XSD.gYear))),
    "date as plain text": lambda g: g.set((EVENT, SCHEMA.startDate, Literal("28/09/2019"))),
    "label without language": lambda g: g.set((URIRef(f"{BASE}organisation/msa"), RDFS.label, Literal("MSA"))),
    "missing label": lambda g: g.remove((URIRef(f"{BASE}person/serge-roger"), RDFS.label, None)),
    "bad insee code": lambda g: g.set((URIRef(f"{BASE}commune/59183"), IGEO.codeINSEE, Literal("591830"))),
    "bad siren pattern": lambda g: g.set((URIRef(f"{BASE}organisation/cud"), DTKG.siren, Literal("24590042"))),
    "place without commune": lambda g: g.remove((URIRef(f"{BASE}place/sparklab-dunkerque"), SCHEMA.containedInPlace, None)),
    "blank node organisation": lambda g: g.add((BNode("x1"), RDF.type, ORG.Organization)),
    "no quote for a grant": lambda g: [g.remove((a, OA.hasBody, GRANT)) for a in list(g.subjects(OA.hasBody, GRANT))],
    "head without membership": lambda g: g.add((URIRef(f"{BASE}person/serge-roger"), ORG.headOf,
                                                URIRef(f"{BASE}organisation/msa"))),
    "inferred triple missing": lambda g: g.remove((EVENT, SCHEMA.startDate, None)),
    "latitude out of range": lambda g: g.add((URIRef(f"{BASE}place/sparklab-dunkerque"), SCHEMA.latitude,
                                              Literal("91.5", datatype=XSD.decimal))),
}


def reports(graph, engine="sparql"):
    def key(report):
        return {(v.focus, v.path, v.value) for v in report.violations}, {(v.focus, v.message) for v in report.violations}
    return key(validate(graph, engine=engine)), key(validate(graph, engine="pyshacl"))


@pytest.mark.parametrize("engine", ["sparql", "shacl"])
@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_same_report_as_pyshacl(name, engine):
    g = union_graph(load_dataset())
    MUTATIONS[name](g)
    (ours_where, ours_messages), (ref_where, ref_messages) = reports(g, engine)
    assert ours_where, f"{name}: no violation found"
    assert ours_where == ref_where
    # messages: the shapes' own sh:message texts are identical; pyshacl words its own defaults differently
    shapes_messages = {str(m) for m in load_shapes().objects(None, URIRef("http://www.w3.org/ns/shacl#message"))}
    assert {m for m in ours_messages if m[1] in shapes_messages} == {m for m in ref_messages if m[1] in shapes_messages}


def test_seed_conforms_on_every_engine(seed):
    assert validate(seed, engine="sparql").violations == validate(seed, engine="pyshacl").violations == []
    assert validate(seed, engine="shacl").violations == []


def test_unknown_shape_feature_is_refused():
    shapes = load_shapes()
    shapes.add((URIRef("https://w3id.org/dtkg/shapes#GrantShape"), URIRef("http://www.w3.org/ns/shacl#closed"),
                Literal(True)))
    with pytest.raises(UnsupportedShape, match="shacl#closed"):
        compile_shapes(shapes)
