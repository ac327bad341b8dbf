"""Export in every format: deterministic Turtle, N-Triples, N-Quads and TriG (same input, same bytes), plus JSON-LD
and RDF/XML, written atomically (:func:`export`) or returned as bytes (:func:`serialize`).

The Turtle itself is rendered by :mod:`dtkg.turtle`: from the store one subject at a time when the graph is held by
Oxigraph, from tuples otherwise.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef

from .atomic import write_atomic
from .errors import InputError
from .formats import RDF_FORMATS
from .terms import Term, Triple
from .terms import tuple_of_oxigraph as from_oxigraph
from .terms import tuple_of_rdflib as from_rdflib
from .turtle import TurtleWriter, escaped, graphs_of, iri_text, store_turtle, triples_of, utf8_pieces

#: Formats accepted by :func:`serialize`, with the file ending used by ``dtkg export`` (see :mod:`dtkg.formats`).
FORMATS = RDF_FORMATS

def _turtle_writer(data: Graph, prefixes: dict[str, str]) -> TurtleWriter:
    """A writer holding every distinct triple of ``data`` (the union of its graphs)."""
    from .load import ox_store

    store = ox_store(data)
    writer = TurtleWriter((), prefixes)
    if store is not None:
        writer.add_store(store)
    else:
        writer.add_all((from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in data.triples((None, None, None)))
    return writer


def _prefixes_of(graph: Graph) -> dict[str, str]:
    return {p: str(ns) for p, ns in graph.namespaces() if p}


def to_turtle(graph: Graph, prefixes: dict[str, str] | None = None) -> str:
    """Deterministic Turtle for ``graph``: only the prefixes it uses, subjects in IRI order, ``a`` first."""
    return "".join(turtle_chunks(graph, prefixes))


def turtle_chunks(graph: Graph, prefixes: dict[str, str] | None = None, size: int = 1 << 20) -> Iterator[str]:
    """:func:`to_turtle` in pieces of about ``size`` characters, so that a large export is written as it is
    encoded rather than held twice (as text and as bytes)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    for piece in turtle_bytes(graph, prefixes, size):
        text = decoder.decode(piece)
        if text:
            yield text


def turtle_bytes(graph: Graph, prefixes: dict[str, str] | None = None, size: int = 1 << 20) -> Iterator[bytes]:
    """:func:`to_turtle` as UTF-8 pieces of about ``size`` bytes. A graph held by Oxigraph is read one subject at a
    time (:class:`StoreTurtleWriter`): the writer's memory does not grow with the graph."""
    prefixes = prefixes if prefixes is not None else _prefixes_of(graph)
    from .load import ox_store

    store = ox_store(graph)
    if store is not None:
        streamed = store_turtle(store, prefixes, size)
        if streamed is not None:
            yield from streamed
            return
    writer = _turtle_writer(graph, prefixes)
    writer.consume = True
    blocks = writer.blocks()
    del writer.out, writer.texts  # what is left once every subject is written
    yield writer.header(prefixes).encode("utf-8")
    yield from utf8_pieces(blocks, size)


def to_trig(ds: Graph, prefixes: dict[str, str] | None = None) -> str:
    """Deterministic TriG: one ``GRAPH`` block per named graph, in IRI order."""
    prefixes = prefixes if prefixes is not None else _prefixes_of(ds)
    used: set[str] = set()
    blocks = []
    for gid, writer in _graph_writers(ds, prefixes):
        body = writer.render()
        name = writer.name(gid[1]) if gid != (0, "") else ""
        used |= writer.used
        inner = "\n".join("    " + line if line else "" for line in body.rstrip("\n").split("\n"))
        blocks.append(f"{'GRAPH ' + name + ' ' if name else ''}{{\n{inner}\n}}\n")
    header = "".join(f"@prefix {p}: <{prefixes[p]}> .\n" for p in sorted(used))
    return header + "\n" + "\n".join(blocks)


def _graph_writers(ds: Graph, prefixes: dict[str, str]) -> list[tuple[Term, TurtleWriter]]:
    """One writer per non-empty graph of ``ds`` (the default graph is ``(0, "")``), in graph order."""
    from .load import ox_store

    store = ox_store(ds)
    if store is None:
        return [(gid, TurtleWriter(triples, prefixes)) for gid, triples in sorted(graphs_of(ds).items())]
    found = []
    for graph in [ox.DefaultGraph(), *store.named_graphs()]:
        writer = TurtleWriter((), prefixes)
        writer.add_store(store, graph)
        if writer.out:
            found.append(((0, "") if isinstance(graph, ox.DefaultGraph) else from_oxigraph(graph), writer))
    return sorted(found, key=lambda pair: pair[0])


# ------------------------------------------------------------------ N-Triples, N-Quads

def _nt(term: Term, labels: dict[Term, str]) -> str:
    kind = term[0]
    if kind == 0:
        return iri_text(term[1])
    if kind == 2:
        return labels[term]
    _, lex, lang, dt = term
    out = f'"{escaped(lex)}"'
    if lang:
        return f"{out}@{lang}"
    return f"{out}^^<{dt}>" if dt else out


def _blank_labels(triples: set[Triple], prefix: str) -> dict[Term, str]:
    """Stable labels: blank nodes numbered in the order the deterministic Turtle output shows them."""
    writer = TurtleWriter(triples, {})
    writer.render()
    order: dict[Term, str] = {}
    # walk subjects in output order: named subjects, then roots by their text, then labelled nodes
    named = sorted(s for s in writer.out if s[0] == 0)
    roots = [r for _, r in sorted((writer.block("[]", r), r) for r in writer.out
                                  if r[0] == 2 and writer.incoming.get(r, 0) == 0)]
    labelled = sorted(writer.labels, key=writer._number)

    def key(po: tuple[Term, Term]) -> tuple:
        p, o = po
        return (p, 1, writer.term(o, 0)) if o[0] == 2 else (p, 0, o)

    def walk(node: Term) -> None:
        if node[0] == 2:
            if node in order:
                return
            order[node] = f"_:{prefix}{len(order)}"
        for _, o in sorted(writer.pairs(node), key=key):
            if o[0] == 2 and o not in order:
                walk(o)

    for subject in [*named, *roots, *labelled]:
        walk(subject)
    return order


def to_ntriples(graph: Graph) -> str:
    """Deterministic N-Triples: sorted lines, blank nodes numbered as in the Turtle export."""
    triples = triples_of(graph)
    labels = _blank_labels(triples, "b") if any(t[0][0] == 2 or t[2][0] == 2 for t in triples) else {}
    return "".join(sorted({f"{_nt(s, labels)} {_nt(p, labels)} {_nt(o, labels)} .\n" for s, p, o in triples}))


def to_nquads(ds: Graph) -> str:
    """Deterministic N-Quads: sorted lines, blank nodes numbered per graph as in the Turtle export."""
    lines: set[str] = set()
    for index, (gid, triples) in enumerate(sorted(graphs_of(ds).items())):
        labels = _blank_labels(triples, f"g{index}b")
        g_text = "" if gid == (0, "") else " " + iri_text(gid[1])
        lines |= {f"{_nt(s, labels)} {_nt(p, labels)} {_nt(o, labels)}{g_text} .\n" for s, p, o in triples}
    return "".join(sorted(lines))


# ------------------------------------------------------------------ entry points

def serialize(data: Dataset | Graph, fmt: str = "turtle") -> bytes:
    """``data`` in format ``fmt`` (see :data:`FORMATS`) as UTF-8 bytes.

    Turtle, N-Triples, N-Quads and TriG are deterministic. Turtle, N-Triples, JSON-LD and RDF/XML are written from
    the union of all graphs; TriG and N-Quads keep the named graphs.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "trig":
        return to_trig(data).encode("utf-8")
    if fmt == "nquads":
        return to_nquads(data).encode("utf-8")
    if fmt == "turtle":
        return b"".join(turtle_bytes(data))
    if fmt == "nt":
        return to_ntriples(data).encode("utf-8")
    graph = _canonical_graph(data)
    if fmt == "jsonld":
        return to_jsonld(graph)
    xml = graph.serialize(format="pretty-xml", encoding="utf-8")
    # rdflib declares the namespaces in the order of a set of IRIs (which changes with the hash seed): sorted here
    return re.sub(rb"(?<=<rdf:RDF\n)(?:  xmlns:[^\n]*\n)+",
                  lambda m: b"".join(sorted(m.group().splitlines(keepends=True))), xml, count=1)


def _order(term) -> tuple:
    if isinstance(term, Literal):
        return (2, str(term), term.language or "", str(term.datatype or ""))
    return (1 if isinstance(term, BNode) else 0, str(term), "", "")


class _SortedGraph(Graph):
    """A graph whose listings come sorted: rdflib's RDF/XML writer walks subjects and their properties in the order
    of its store's indexes, which changes with the hash seed."""

    def subjects(self, predicate=None, object=None, unique=False):  # noqa: A002 - rdflib's parameter names
        return iter(sorted(set(super().subjects(predicate, object, unique=True)), key=_order))

    def predicate_objects(self, subject=None, unique=False):
        return iter(sorted(set(super().predicate_objects(subject, unique=True)),
                           key=lambda po: (_order(po[0]), _order(po[1]))))

    def objects(self, subject=None, predicate=None, unique=False):
        return iter(sorted(set(super().objects(subject, predicate, unique=True)), key=_order))


def _canonical_graph(data: Graph) -> Graph:
    """The union of ``data`` as a fresh rdflib graph whose triples are added in sorted order and whose blank nodes
    are named as in the N-Triples export, so that rdflib's JSON-LD and RDF/XML writers (which follow the order of
    their store and print blank node ids) give the same bytes in every process, whatever the hash seed."""
    triples = triples_of(data)
    labels = _blank_labels(triples, "b") if any(t[0][0] == 2 or t[2][0] == 2 for t in triples) else {}

    def term(t: Term):
        if t[0] == 0:
            return URIRef(t[1])
        if t[0] == 2:
            return BNode(labels[t][2:])
        return Literal(t[1], lang=t[2] or None, datatype=URIRef(t[3]) if t[3] else None)

    out = _SortedGraph()
    for prefix, ns in data.namespaces():
        out.bind(prefix, ns, override=True, replace=True)
    for s, p, o in sorted(triples):
        out.add((term(s), term(p), term(o)))
    return out


def jsonld_context(graph: Graph) -> dict[str, str]:
    """The ``@context`` of a JSON-LD export: dtkg's prefixes and the data's own (``organisation:``…, under the base
    the graph was loaded with), so that keys read ``schema:amount`` and ids ``organisation:cud``."""
    from .namespaces import PREFIXES, data_prefixes

    context = {**PREFIXES, **data_prefixes()}
    kinds = set(data_prefixes())
    context.update({prefix: str(ns) for prefix, ns in graph.namespaces() if prefix in kinds})
    return dict(sorted(context.items()))


def to_jsonld(graph: Graph) -> bytes:
    """JSON-LD compacted with :func:`jsonld_context` (expanded JSON-LD, with full IRIs everywhere, is not read by
    people); the same graph as the other formats, as a JSON-LD processor expanding the context shows."""
    import json

    data = graph.serialize(format="json-ld", context=jsonld_context(graph), auto_compact=True, encoding="utf-8")
    document = json.loads(data)
    if isinstance(document, dict) and isinstance(document.get("@graph"), list):  # rdflib lists nodes in hash order
        document["@graph"].sort(key=lambda node: json.dumps(node, sort_keys=True, ensure_ascii=False))
    return json.dumps(document, indent=2, separators=(",", ": "), sort_keys=True, ensure_ascii=False).encode("utf-8")


def export(data: Dataset | Graph, path: Path | str, fmt: str | None = None) -> Path:
    """Serialise ``data`` to ``path`` atomically; the format defaults to the one the file ending names."""
    path = Path(path)
    if fmt is None:
        by_suffix = {suffix: name for name, suffix in FORMATS.items()}
        fmt = by_suffix.get(path.suffix, "turtle")
    if fmt == "turtle":  # written as it is encoded: a large graph is never held as one string and its bytes
        return write_atomic(path, turtle_bytes(data))
    return write_atomic(path, serialize(data, fmt))


def iter_formats() -> Iterable[str]:
    """The export format names, for help texts."""
    return FORMATS.keys()
