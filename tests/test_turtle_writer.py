"""The Turtle writer: the same bytes from every process, hash seed and engine, and every structure written once."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic

from dtkg.load import new_dataset
from dtkg.writers import serialize, to_turtle

EX = "http://example.org/"

# Blank nodes of every kind the writer places: inline chains, shared nodes (labelled), cycles, unreferenced roots
# ordered by their text, an RDF list, several objects per predicate, and literals that need escapes.
DATA = textwrap.dedent("""\
    @prefix ex: <http://example.org/> .
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    ex:s a ex:T, ex:A ; ex:p [ ex:q [ ex:r "quote \\" and \\\\ and\\nnewline" ] ] ;
        ex:list ( 1 "two" ex:three [ ex:x 4 ] ) ;
        ex:many 1.5, true, "x", "2020-01-01"^^xsd:date, "y"@fr, ex:z ;
        ex:bn [ ex:w 1 ], [ ex:w 0 ] .
    ex:t ex:p _:shared .
    ex:u ex:p _:shared .
    _:shared ex:v 3 .
    _:c1 ex:next _:c2 . _:c2 ex:next _:c1 .
    [ ex:k "root b" ; ex:in [ ex:w 1 ] ] .
    [ ex:k "root a" ; ex:in [ ex:w 0 ] ] .
    [ ex:k "root c" ] .
""")

SCRIPT = textwrap.dedent("""\
    import sys
    import pyoxigraph as ox
    from dtkg.load import new_dataset
    from dtkg.writers import serialize
    store = ox.Store()
    store.load(sys.stdin.buffer.read(), ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("http://example.org/g"))
    sys.stdout.buffer.write(serialize(new_dataset(store=store), "turtle"))
""")


def _graph() -> Graph:
    return Graph().parse(data=DATA, format="turtle")


def test_turtle_bytes_are_the_same_across_processes_and_hash_seeds():
    """Blank node identifiers and set orders change with the process and its hash seed; the bytes must not."""
    outputs = set()
    for seed in ("0", "1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        outputs.add(subprocess.run([sys.executable, "-c", SCRIPT], input=DATA.encode(), env=env, check=True,
                                   capture_output=True).stdout)
    assert len(outputs) == 1
    text = outputs.pop().decode("utf-8")
    assert isomorphic(Graph().parse(data=text, format="turtle"), _graph())


def test_oxigraph_and_rdflib_engines_write_the_same_bytes():
    """The writer reads Oxigraph directly or goes through rdflib: the same data gives the same file."""
    import pyoxigraph as ox

    store = ox.Store()
    store.load(DATA.encode(), ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(EX + "g"))
    from_oxigraph = serialize(new_dataset(store=store), "turtle")
    memory = new_dataset(engine="memory")
    for triple in _graph():
        memory.graph(URIRef(EX + "g")).add(triple)
    assert serialize(memory, "turtle") == from_oxigraph


def test_a_triple_in_two_graphs_is_written_once():
    import pyoxigraph as ox

    store = ox.Store()
    for name in ("g1", "g2"):
        store.load(DATA.encode(), ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(EX + name))
    store.add(ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.Literal("dup"), ox.NamedNode(EX + "g1")))
    store.add(ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.Literal("dup"), ox.NamedNode(EX + "g2")))
    text = serialize(new_dataset(store=store), "turtle").decode("utf-8")
    assert text.count('"dup"') == 1
    assert text.count("\n<http://example.org/s>\n    a <http://example.org/A>, <http://example.org/T> ;") == 1
    assert text.count('"root a"') == 2  # blank nodes of two loads are two nodes


def test_rdf_lists_are_written_once():
    """A list written as ``( … )`` is not written again as labelled blank nodes (that would add a second list)."""
    g = Graph()
    head = BNode()
    Collection(g, head, [Literal(1), Literal("two"), URIRef(EX + "three")])
    g.add((URIRef(EX + "s"), URIRef(EX + "list"), head))
    text = to_turtle(g, {"ex": EX})
    assert 'ex:list ( 1 "two" ex:three )' in text
    assert "_:b" not in text and "rdf:first" not in text and "22-rdf-syntax-ns#first" not in text
    back = Graph().parse(data=text, format="turtle")
    assert len(back) == len(g) and isomorphic(back, g)


# The same kinds of blank nodes without the cycle, plus what only a store can hold: a triple in the default graph and
# in a named one, a shared node pointed at twice by one subject, a list that is not well formed, and a predicate
# whose objects are too long for one line.
STREAMED = DATA.replace("_:c1 ex:next _:c2 . _:c2 ex:next _:c1 .\n", "") + textwrap.dedent("""\
    ex:v ex:p _:twice ; ex:q _:twice .
    _:twice ex:w "twice" .
    ex:w ex:broken _:l1 .
    _:l1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> 1 ;
        <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> _:l2 .
    _:l2 <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> 2, 3 ;
        <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> <http://www.w3.org/1999/02/22-rdf-syntax-ns#nil> .
    ex:long ex:label "a label long enough to need its own line, a label long enough", "and a second long label" .
""")


def test_the_store_is_read_one_subject_at_a_time_into_the_same_bytes():
    """The writer that streams subjects from Oxigraph writes the bytes of the writer holding every triple (which
    rdflib graphs go through), and is the one used for a store without cycles of blank nodes."""
    import pyoxigraph as ox

    from dtkg.terms import to_rdflib
    from dtkg.turtle import store_turtle
    from dtkg.writers import turtle_bytes

    store = ox.Store()
    store.load(STREAMED.encode(), ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(EX + "g"))
    store.load(STREAMED.encode(), ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())  # new blank nodes: twice the roots
    store.add(ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.Literal("dup"), ox.NamedNode(EX + "g")))
    store.add(ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.Literal("dup"), ox.DefaultGraph()))
    prefixes = {"ex": EX, "xsd": "http://www.w3.org/2001/XMLSchema#"}
    streamed = store_turtle(store, prefixes, 64)
    assert "_:c1" in DATA and "_:c1" not in STREAMED
    assert streamed is not None  # no cycle: not handed to the in-memory writer
    text = b"".join(streamed).decode("utf-8")
    memory = Graph()  # the union of the graphs, blank nodes kept
    for quad in store:
        memory.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    assert b"".join(turtle_bytes(memory, prefixes)).decode("utf-8") == text
    assert text.count('"dup"') == 1
    # the two shared nodes of each load, labelled and written once each
    assert [text.count(f"\n_:b{i}\n") for i in range(4)] == [1, 1, 1, 1] and "_:b4" not in text
    assert "ex:list ( 1" in text and "rdf-syntax-ns#first> 2, 3" in text
    assert isomorphic(Graph().parse(data=text, format="turtle"), memory)


def test_the_streamed_turtle_is_the_same_across_processes_and_hash_seeds():
    """Subjects read from the store one at a time (no cycle of blank nodes: the streaming writer) give the same
    bytes whatever the process and its hash seed."""
    streamed = "b''.join(__import__('dtkg.turtle').turtle.store_turtle(store, {'ex': '" + EX + "'}, 1 << 20))"
    script = SCRIPT.replace('serialize(new_dataset(store=store), "turtle")', streamed)
    assert script != SCRIPT
    outputs = set()
    for seed in ("0", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        outputs.add(subprocess.run([sys.executable, "-c", script], input=STREAMED.encode(), env=env, check=True,
                                   capture_output=True).stdout)
    assert len(outputs) == 1
    text = outputs.pop().decode("utf-8")
    assert text.startswith("@prefix ex: <http://example.org/> .\n") and "_:b1" in text
    assert isomorphic(Graph().parse(data=text, format="turtle"), Graph().parse(data=STREAMED, format="turtle"))
