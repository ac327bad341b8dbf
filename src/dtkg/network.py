"""The views of a dataset: which graph ``dtkg view`` and ``dtkg build`` draw.

A view is the projection of the data (:mod:`dtkg.projection`), or of the triples a SPARQL CONSTRUCT query builds,
narrowed to the neighbourhood of a node when asked (:mod:`dtkg.search`). The names of the projection, search and
styles modules are re-exported here, so that ``dtkg.network`` stays the one place to import views from.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import networkx as nx
from rdflib import BNode, Graph, Literal, URIRef

from .errors import InputError
from .projection import ACTOR_TYPES, PROJECTIONS, TYPE_RULES, node_type, predicate_label, to_networkx
from .terms import XSD_STRING, string_literal
from .search import ego_view, find_node, normalise
from .triple_index import TripleIndex


def __getattr__(name: str) -> Any:
    """The display data of :mod:`dtkg.styles` under their former constant names, read on first use."""
    from . import styles

    lazy = {"NODE_TYPES": styles.node_types, "TYPE_LABELS": styles.type_labels, "TYPE_STYLES": styles.type_styles}
    if name in lazy:
        return lazy[name]()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def construct_view(data: Graph, query: str, projection: str = "full", *,
                   context: Graph | None = None) -> nx.MultiDiGraph:
    """The network of the triples a SPARQL CONSTRUCT query builds from ``data`` (``query`` is SPARQL text, a
    ``.rq`` path or a saved query's name), described with the labels, types and quotes of ``data`` (or of
    ``context`` when given, e.g. an in-memory copy of it).

    ``projection`` is ``"full"`` by default: the constructed triples are drawn as they are.
    """
    from .query import resolve_query, run_query

    text = resolve_query(query)
    result = run_query(data, text)
    if result.type != "CONSTRUCT" or result.graph is None:
        name = f" {query!r}" if "\n" not in query and len(query) < 200 else ""
        raise InputError(f"a view needs a CONSTRUCT query; the query{name} is a {result.type} query")
    return to_networkx(result.graph, projection, context=context if context is not None else data)


def plain_graph(data: Graph) -> Graph:
    """``data`` as an in-memory rdflib ``Graph``: a dataset (rdflib's or Oxigraph's) is copied into one union
    graph once, because building a view asks many small questions and those are fastest in memory. Territories
    that no actor links to are left out (see :mod:`dtkg.territory.views`)."""
    from rdflib import Dataset

    from .load import union_graph

    if not isinstance(data, Dataset):
        return data
    from .load import ox_store
    from .territory.views import drop_unlinked_territories, visible_union  # territories: only those actors link to

    store = ox_store(data)
    if store is not None:
        g = visible_union(store)
        for prefix, ns in data.namespaces():
            g.bind(prefix, ns, override=True, replace=True)
        return g
    return drop_unlinked_territories(union_graph(data))


def view_graph(data: Graph) -> Graph | TripleIndex:
    """What the views of ``data`` are drawn from: for a dataset held by Oxigraph, a :class:`TripleIndex` built in
    one pass over the store (the triples of all graphs, each once, as rdflib terms), without the territories no
    actor links to; otherwise :func:`plain_graph`. It answers the projection's look-ups several times faster than
    an rdflib ``Graph`` and costs a fraction of copying the store into one; the views drawn are the same."""
    from rdflib import Dataset

    from .load import ox_store

    store = ox_store(data) if isinstance(data, Dataset) else None
    if store is None:
        return plain_graph(data)
    names = Graph()  # the prefixes plain_graph's copy would have: rdflib's own, then the dataset's
    for prefix, ns in data.namespaces():
        names.bind(prefix, ns, override=True, replace=True)
    return TripleIndex(_rdflib_triples(store, _hidden_in_store(store)), namespaces=list(names.namespaces()))


def _hidden_in_store(store) -> set:
    """:func:`dtkg.territory.views.hidden_territories` of the union of the graphs of ``store``, as Oxigraph terms,
    asked of Oxigraph (a few queries) rather than of a copy of every triple: the territories no actor links to and
    the bodies only the reference knows."""
    import pyoxigraph as ox
    from rdflib.namespace import RDF

    from .territory.views import _BODY_FACTS, TERRITORY_CLASSES
    from .namespaces import IGEO, SCHEMA

    def select(query: str) -> list:
        return list(store.query(query, use_default_graph_as_union=True))

    classes = " ".join(f"<{c}>" for c in TERRITORY_CLASSES)
    territories = {r[0] for r in select(f"SELECT DISTINCT ?t WHERE {{ VALUES ?c {{ {classes} }} ?t a ?c "
                                        "FILTER(isIRI(?t)) }")}
    if len(territories) <= 1:
        return set()
    facts = ", ".join(f"<{p}>" for p in sorted(_BODY_FACTS))
    bodies = {r[0] for r in select(
        f"SELECT ?b WHERE {{ {{ SELECT DISTINCT ?b WHERE {{ ?b <{SCHEMA.areaServed}> ?x FILTER(isIRI(?b)) }} }} "
        f"FILTER NOT EXISTS {{ ?y ?q ?b }} FILTER NOT EXISTS {{ ?b ?p ?z FILTER(?p NOT IN ({facts})) }} }}")}
    linked = {o for s, o in select(f"SELECT DISTINCT ?s ?o WHERE {{ VALUES ?c {{ {classes} }} ?o a ?c . ?s ?p ?o "
                                   "FILTER(isIRI(?o)) }")
              if s not in territories and s not in bodies}
    epci = ox.NamedNode(str(IGEO.Intercommunalite))
    for e, commune in select(f"SELECT DISTINCT ?e ?k WHERE {{ ?e <{IGEO.subdivisionDirecte}> ?k . "
                             f"?e <{RDF.type}> <{epci.value}> }}"):
        if commune in linked:
            linked.add(e)
    return (territories - linked) | bodies


def _rdflib_triples(store, hidden: set = frozenset()) -> Iterator[tuple]:  # type: ignore[assignment]
    """The triples of every graph of ``store`` as rdflib terms, each triple once, leaving out those about a
    ``hidden`` resource (Oxigraph terms).

    Each graph is read as Oxigraph's N-Triples dump (written in Rust, one triple per line, every term in one
    canonical form), so a triple found in several graphs is the same line, and each distinct term is converted to
    rdflib once from its text (:func:`_term_of`): reading the store quad by quad costs more in crossing from Rust
    to Python than all of this.
    """
    import pyoxigraph as ox

    hidden_text = {str(term) for term in hidden}
    terms: dict[str, object] = {}
    seen: set[str] = set()
    for graph in [ox.DefaultGraph(), *sorted(store.named_graphs(), key=str)]:
        text = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph).decode("utf-8")
        for line in text.split("\n"):  # not splitlines(): a literal may hold U+2028, which Oxigraph writes as is
            if not line or line in seen:
                continue
            seen.add(line)
            s, p, o = line[:-2].split(" ", 2)
            if s in hidden_text or o in hidden_text:
                continue
            rs = terms.get(s)
            if rs is None:
                rs = terms[s] = _term_of(s)
            rp = terms.get(p)
            if rp is None:
                rp = terms[p] = _term_of(p)
            ro = terms.get(o)
            if ro is None:
                ro = terms[o] = _term_of(o)
            yield rs, rp, ro


_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape(text: str) -> str:
    """The string an N-Triples string literal's text stands for (``\\n``, ``\\"``, ``\\uXXXX``…)."""
    import re

    def one(match: re.Match) -> str:
        code = match.group(1)
        if code[0] in "uU":
            return chr(int(code[1:], 16))
        return _ESCAPES.get(code, code)

    return re.sub(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", one, text)


def _term_of(text: str):
    """The rdflib term of one N-Triples term as Oxigraph writes it, as :func:`dtkg.terms.to_rdflib` converts
    the same Oxigraph term (plain strings without ``xsd:string``)."""
    if text[0] == "<":
        return URIRef(text[1:-1])
    if text[0] == "_":
        return BNode(text[2:])
    end = text.rindex('"')
    lexical = text[1:end]
    if "\\" in lexical:
        lexical = _unescape(lexical)
    rest = text[end + 1:]
    if rest.startswith("@"):
        return string_literal(lexical, rest[1:])
    if rest.startswith("^^<") and rest[3:-1] != XSD_STRING:
        return Literal(lexical, datatype=URIRef(rest[3:-1]))
    return string_literal(lexical, None)


def network_view(data: Graph, *, projection: str | None = None, focus: str | None = None, depth: int | None = None,
                 query: str | None = None) -> nx.MultiDiGraph:
    """The graph a view draws: the ``projection`` of ``data`` (``actors`` by default), or of the result of the
    CONSTRUCT ``query`` (``full`` by default), narrowed to the ego network of ``focus`` when given."""
    if depth is not None and focus is None:
        raise InputError("--depth needs --focus (the node to start from)")
    if projection is not None and projection not in PROJECTIONS:
        raise InputError(f"unknown projection {projection!r}; choose one of {', '.join(PROJECTIONS)}")
    context = view_graph(data)
    if query is not None:
        g = construct_view(data, query, projection or "full", context=context)
    else:
        g = to_networkx(context, projection or "actors")
    if focus is not None:
        g = ego_view(g, focus, 1 if depth is None else depth)
    return g


__all__ = [
    "NODE_TYPES", "TYPE_LABELS", "TYPE_STYLES", "TYPE_RULES", "ACTOR_TYPES", "PROJECTIONS", "node_type",
    "predicate_label", "to_networkx", "normalise", "find_node", "ego_view", "construct_view", "plain_graph",
    "view_graph", "network_view",
]
