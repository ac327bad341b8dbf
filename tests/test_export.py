"""Export: deterministic bytes, lossless round trips, atomic writes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from dtkg.writers import FORMATS, export, serialize, to_turtle, write_atomic

PARSERS = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld", "xml": "xml"}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_round_trip_is_isomorphic(seed, seed_graph, fmt):
    data = serialize(seed, fmt)
    if fmt in ("trig", "nquads"):
        back = Dataset(default_union=True)
        back.parse(data=data, format=fmt)
        assert {g.identifier for g in back.graphs() if len(g)} == {g.identifier for g in seed.graphs() if len(g)}
        graph = Graph()
        for t in back.triples((None, None, None)):
            graph.add(t)
    else:
        graph = Graph().parse(data=data, format=PARSERS[fmt])
    assert isomorphic(graph, seed_graph)


def test_turtle_is_deterministic_across_processes(tmp_path: Path):
    """Same input, same bytes: two fresh interpreters with different hash seeds write identical files."""
    script = "import sys; from dtkg import load_dataset, serialize; sys.stdout.buffer.write(serialize(load_dataset(), sys.argv[1]))"
    for fmt in ("turtle", "nt", "trig", "nquads"):
        outputs = set()
        for seed in ("1", "2"):
            env = {**os.environ, "PYTHONHASHSEED": seed}
            outputs.add(subprocess.run([sys.executable, "-c", script, fmt], env=env, check=True,
                                       capture_output=True).stdout)
        assert len(outputs) == 1, fmt


def test_turtle_declares_only_used_prefixes_and_reads_well(seed):
    text = serialize(seed, "turtle").decode("utf-8")
    assert text.startswith("@prefix ")
    assert "@prefix sh:" not in text  # bound but unused
    assert "organisation:cud\n    a dcterms:" not in text
    assert "organisation:cud\n    a org:FormalOrganization,\n        org:Organization,\n" in text


def test_blank_node_structures_round_trip():
    g = Graph()
    ex = "http://example.org/"
    a, b, shared = BNode(), BNode(), BNode()
    g.add((URIRef(ex + "s"), URIRef(ex + "p"), a))
    g.add((a, URIRef(ex + "q"), b))
    g.add((b, URIRef(ex + "r"), Literal('quote " and \\ and\nnewline')))
    g.add((URIRef(ex + "t"), URIRef(ex + "p"), shared))  # referenced twice: needs a label
    g.add((URIRef(ex + "u"), URIRef(ex + "p"), shared))
    g.add((shared, URIRef(ex + "v"), Literal(3)))
    c1, c2 = BNode(), BNode()  # a cycle of blank nodes
    g.add((c1, URIRef(ex + "next"), c2))
    g.add((c2, URIRef(ex + "next"), c1))
    text = to_turtle(g, {"ex": ex})
    assert isomorphic(Graph().parse(data=text, format="turtle"), g)


def test_write_atomic_leaves_no_partial_file(tmp_path: Path):
    target = tmp_path / "graph.ttl"
    target.write_text("previous")

    class Boom(bytes):
        pass

    with pytest.raises(TypeError):
        write_atomic(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"


def test_export_picks_format_from_suffix(seed, tmp_path: Path):
    path = export(seed, tmp_path / "g.nt")
    assert path.read_text(encoding="utf-8").splitlines()[0].endswith(" .")
    assert isomorphic(Graph().parse(path, format="nt"), Graph().parse(export(seed, tmp_path / "g.ttl"), format="turtle"))
