"""What the views are drawn from when the data is in Oxigraph: a TripleIndex read from the store in one pass must
hold the same triples (the same rdflib terms, slot for slot) and answer the same look-ups as an rdflib Graph, so
that the views drawn from it are the views drawn from a Graph."""

from __future__ import annotations

import networkx as nx
import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from dtkg.load import ox_store
from dtkg.network import _rdflib_triples, plain_graph, to_networkx, view_graph
from dtkg.namespaces import SCHEMA
from dtkg.terms import to_rdflib
from dtkg.territory.views import hidden_territories, visible_union
from dtkg.triple_index import TripleIndex


def _key(term) -> tuple:
    """A term with everything rdflib keeps about it (a literal's slots: language, datatype, value, ill-typed)."""
    slots = tuple(repr(getattr(term, s, None)) for s in Literal.__slots__) if isinstance(term, Literal) else ()
    return type(term), str(term), slots


def _keys(triples) -> set:
    return {tuple(map(_key, t)) for t in triples}


HOSTILE = ['a"b\\c\nd\re\tf\u2028g\x85h\x01i\x7fj', "plain", "", "é ü 中文 🙂", "\\u0041 not an escape", '"', "x .",
           "ends with space "]


def test_store_triples_convert_as_to_rdflib_does():
    """Escapes, line separators, languages, datatypes (xsd:string dropped), blank nodes, a triple in two graphs."""
    store = ox.Store()
    graphs = [ox.NamedNode("http://g/1"), ox.NamedNode("http://g/2"), ox.DefaultGraph()]
    subject = ox.NamedNode("http://x/é")
    for i, text in enumerate(HOSTILE):
        for graph in graphs:
            store.add(ox.Quad(subject, ox.NamedNode(f"http://p/{i}"), ox.Literal(text), graph))
        store.add(ox.Quad(subject, ox.NamedNode(f"http://q/{i}"), ox.Literal(text, language="fr"), graphs[0]))
        store.add(ox.Quad(ox.BlankNode("b1"), ox.NamedNode(f"http://r/{i}"),
                          ox.Literal(text, datatype=ox.NamedNode("http://dt")), graphs[2]))
    store.add(ox.Quad(subject, RDF_TYPE, ox.NamedNode("http://c"), graphs[1]))
    store.add(ox.Quad(subject, ox.NamedNode("http://n"),
                      ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")), graphs[1]))
    store.add(ox.Quad(subject, ox.NamedNode("http://s"),
                      ox.Literal("s", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#string")), graphs[1]))
    ours = list(_rdflib_triples(store))
    expected = {(to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)) for q in store}
    assert len(ours) == len(expected) == 3 * len(HOSTILE) + 3  # each triple once, whatever its graphs
    assert _keys(ours) == _keys(expected)
    assert Literal(HOSTILE[0]) in {o for _, _, o in ours}


RDF_TYPE = ox.NamedNode(str(RDF.type))


def test_view_graph_is_the_visible_union(seed):
    """The index of the seed store holds the triples of visible_union (territories no actor links to left out)."""
    index = view_graph(seed)
    assert isinstance(index, TripleIndex)
    union = visible_union(ox_store(seed))
    assert len(index) == len(union) > 500
    assert _keys(index) == _keys(union)
    assert dict(index.namespaces()) == dict(plain_graph(seed).namespaces())


def test_index_answers_as_a_graph(seed):
    """Every look-up the projection, labels and territories use gives what rdflib's Graph gives."""
    graph = plain_graph(seed)
    index = TripleIndex(graph, namespaces=graph.namespaces())
    assert len(index) == len(graph)
    subjects = sorted(set(graph.subjects()), key=str)[:80]
    objects = sorted(set(graph.objects()), key=str)[:80]
    predicates = sorted(set(graph.predicates()), key=str)
    for s in subjects:
        assert set(index.predicate_objects(s)) == set(graph.predicate_objects(s))
        assert set(index.predicates(s, None)) == set(graph.predicates(s, None))
        for p in predicates[:20] + [RDF.type, RDFS.label]:
            assert set(index.objects(s, p)) == set(graph.objects(s, p))
            assert (index.value(s, p) is None) == (graph.value(s, p) is None)
            assert index.value(s, p) in set(graph.objects(s, p)) | {None}
    for o in objects:
        assert set(index.subject_predicates(o)) == set(graph.subject_predicates(o))
        assert set(index.subjects(RDF.type, o)) == set(graph.subjects(RDF.type, o))
    for p in predicates:
        assert set(index.subject_objects(p)) == set(graph.subject_objects(p))
        assert set(index.subjects(p, None)) == set(graph.subjects(p, None))
    for t in list(graph)[:200]:
        assert t in index
        assert (t[0], t[1], URIRef("http://example.org/nothing")) not in index
    assert set(index) == set(graph)
    assert set(index.objects()) == set(graph.objects())


def test_remove_resources():
    a, b, c = URIRef("http://x/a"), URIRef("http://x/b"), BNode("c")
    triples = [(a, RDF.type, SCHEMA.Place), (a, RDFS.label, Literal("A")), (b, SCHEMA.location, a),
               (c, SCHEMA.about, a), (c, RDFS.label, Literal("C")), (a, SCHEMA.sameAs, a)]
    index = TripleIndex(triples + triples[:2])  # a triple given twice is kept once
    assert len(index) == len(triples)
    index.remove_resources({a})
    assert set(index) == {(c, RDFS.label, Literal("C"))} and len(index) == 1
    assert list(index.subjects(RDF.type, SCHEMA.Place)) == [] and list(index.subject_predicates(a)) == []
    assert list(index.predicate_objects(b)) == []


def _graph_data(g: nx.MultiDiGraph) -> tuple:
    return list(g.nodes(data=True)), list(g.edges(keys=True, data=True)), dict(g.graph)


@pytest.mark.parametrize("projection", ["actors", "full"])
def test_views_from_the_index_are_the_views_from_a_graph(seed, projection):
    index, graph = view_graph(seed), plain_graph(seed)
    hidden = hidden_territories(graph)
    assert hidden_territories(index) == hidden
    from_index = to_networkx(index, projection, hidden=hidden)
    from_graph = to_networkx(graph, projection, hidden=hidden)
    assert from_index.number_of_nodes() > 20
    assert _graph_data(from_index) == _graph_data(from_graph)


def test_view_graph_of_a_plain_graph_is_the_graph(seed_graph):
    assert view_graph(seed_graph) is seed_graph
    assert isinstance(seed_graph, Graph)
