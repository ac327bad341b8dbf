"""Term conversion: rdflib, Oxigraph and the writers' tuples agree, with the xsd:string rule applied once."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import XSD

from dtkg.errors import InputError
from dtkg.terms import (
    ToOxigraph, plain, to_oxigraph, to_rdflib, triples_to_store, tuple_of_oxigraph, tuple_of_rdflib,
)

TERMS = [
    URIRef("http://example.org/a"),
    Literal("plain"),
    Literal("bonjour", lang="fr"),
    Literal("42", datatype=XSD.integer),
    Literal("2020-01-01", datatype=XSD.date),
    Literal("not a date", datatype=XSD.date),  # ill-formed literals cross unchanged
    BNode("b1"),
]


@pytest.mark.parametrize("term", TERMS, ids=str)
def test_rdflib_to_oxigraph_and_back_is_the_same_term(term):
    back = to_rdflib(to_oxigraph(term))
    assert back == term and type(back) is type(term)
    assert tuple_of_oxigraph(to_oxigraph(term)) == tuple_of_rdflib(term)


def test_a_typed_xsd_string_comes_back_plain_everywhere():
    typed = Literal("x", datatype=XSD.string)
    assert to_rdflib(ox.Literal("x", datatype=ox.NamedNode(str(XSD.string)))) == Literal("x")
    assert plain(typed) == Literal("x") and plain(typed).datatype is None
    assert tuple_of_rdflib(typed) == tuple_of_rdflib(Literal("x")) == (1, "x", "", "")
    assert tuple_of_oxigraph(ox.Literal("x")) == (1, "x", "", "")


def test_blank_nodes_keep_their_identifier_or_get_one_node_per_identifier():
    convert = ToOxigraph()
    assert convert(BNode("b1")).value == "b1"
    odd = BNode("not valid for oxigraph!")
    assert convert(odd) is convert(odd)  # one node for one identifier
    assert convert(odd) != convert(BNode("another one!"))


def test_graph_names_and_stores():
    assert isinstance(to_oxigraph(DATASET_DEFAULT_GRAPH_ID), ox.DefaultGraph)
    assert to_rdflib(ox.DefaultGraph()) == DATASET_DEFAULT_GRAPH_ID
    a, p = URIRef("http://example.org/a"), URIRef("http://example.org/p")
    store = triples_to_store([(a, p, Literal("x")), (a, p, BNode("b"))])
    assert len(store) == 2
    assert {to_rdflib(q.object) for q in store} == {Literal("x"), BNode("b")}


def test_an_unsupported_term_is_a_clear_error():
    triple = ox.Triple(ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/p"), ox.Literal("x"))
    with pytest.raises(InputError, match="RDF-star"):
        to_rdflib(triple)
    with pytest.raises(InputError, match="cannot export"):
        tuple_of_oxigraph(triple)
