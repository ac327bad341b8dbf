"""Human-readable names for resources: what every report, table and view shows instead of a bare IRI."""

from __future__ import annotations

import functools
import weakref

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS
from rdflib.term import Node

from .namespaces import SCHEMA

_LABEL_PROPERTIES = (RDFS.label, SKOS.prefLabel, SCHEMA.name)


def label_of(graph: Graph, node: Node, lang: str = "fr") -> str:
    """The best label of ``node``: its ``rdfs:label`` (then ``skos:prefLabel``, ``schema:name``) in ``lang``,
    else in English, else in any language, else a short form of the IRI.

    French comes first because the sources and the people who read the graph are French-speaking.
    """
    if isinstance(node, Literal):
        return str(node)
    for prop in _LABEL_PROPERTIES:
        labels = [o for o in graph.objects(node, prop) if isinstance(o, Literal)]
        if labels:
            for wanted in (lang, "en", None, ""):
                for lit in sorted(labels):
                    if (lit.language or "") == (wanted or "") or wanted is None:
                        return str(lit)
    return short_name(graph, node)


def short_name(graph: Graph, node: Node) -> str:
    """``prefix:local`` for an IRI in a bound namespace, else the IRI; ``_:id`` for a blank node.

    The graph's prefixes are read once per graph (see :func:`prefix_table`): reading ``Graph.namespaces()`` costs
    ~85 µs, and views and reports name hundreds of thousands of terms.
    """
    if isinstance(node, BNode):
        return f"_:{node}"
    if isinstance(node, URIRef):
        text = str(node)  # plain str: URIRef.startswith is a Python method, str's is not
        for ns, prefix in prefix_table(graph):
            if text.startswith(ns):
                local = text[len(ns):]
                if local and all(c.isalnum() or c in "-_." for c in local):
                    return f"{prefix}:{local}"
        return text
    return str(node)


_PREFIXES: "weakref.WeakKeyDictionary[Graph, tuple[object, tuple[tuple[str, str], ...]]]" = \
    weakref.WeakKeyDictionary()


def prefix_table(graph: Graph) -> tuple[tuple[str, str], ...]:
    """``((namespace, prefix), ...)`` of ``graph``, longest namespace first, computed once per graph and
    namespace manager. A program that binds a prefix to a graph it already named terms of calls
    :func:`forget_prefixes` (dtkg binds prefixes only while loading, before any name is asked)."""
    manager = graph.namespace_manager
    cached = _PREFIXES.get(graph)
    if cached is not None and cached[0] is manager:
        return cached[1]
    pairs: dict[str, str] = {}
    for prefix, ns in graph.namespaces():
        ns = str(ns)
        if ns:
            pairs.setdefault(ns, prefix)  # the first prefix bound to a namespace names it
    table = tuple(sorted(pairs.items(), key=lambda item: (-len(item[0]), item[0])))
    try:
        _PREFIXES[graph] = (manager, table)
    except TypeError:  # a graph that cannot be weakly referenced is not cached
        pass
    return table


def forget_prefixes(graph: Graph) -> None:
    """Drop the cached prefixes of ``graph`` (after binding a new prefix to it)."""
    _PREFIXES.pop(graph, None)


@functools.lru_cache(maxsize=1)
def shipped_labels() -> dict[tuple[URIRef, str], str]:
    """``{(term, language): label}`` from the ontology (``ontology/dtkg.ttl``) and the labels of the standard
    vocabularies' terms the data uses (``ontology/labels.ttl``), read once: the names every view and report gives
    properties and classes, in French and English, whatever graph they are drawn from."""
    from .resources import ontology_file

    labels: dict[tuple[URIRef, str], str] = {}
    for path in (ontology_file(), ontology_file().with_name("labels.ttl")):
        if not path.is_file():
            continue
        g = Graph().parse(path, format="turtle")
        for term, label in g.subject_objects(RDFS.label):
            if isinstance(term, URIRef) and isinstance(label, Literal) and label.language:
                labels.setdefault((term, label.language), str(label))
    return labels


def term_label(graph: Graph, term: Node, lang: str = "fr") -> str:
    """The name of a property or class in ``lang`` (``fr`` or ``en``): the ontology's label
    (:func:`shipped_labels`), else the label ``graph`` gives it, else its short name."""
    if isinstance(term, URIRef):
        shipped = shipped_labels()
        label = shipped.get((term, lang)) or shipped.get((term, "en" if lang != "en" else "fr"))
        if label is not None:
            return label
    return label_of(graph, term, lang)


def anchor_of(graph: Graph, node: Node, depth: int = 4) -> tuple[Node, str]:
    """For a blank node, the named resource it hangs from and the path to it (``grant:x`` and ``schema:amount``),
    so that a report about an amount or a quote names the grant or the fact a person can find.

    Web annotations hang from their ``oa:hasBody`` and inferred statements from their ``rdf:subject``.
    """
    anchor, steps = anchor_steps(graph, node, depth)
    return anchor, "/".join(short_name(graph, step) if isinstance(step, URIRef) else step for step in steps)


def anchor_steps(graph: Graph, node: Node, depth: int = 4) -> tuple[Node, list]:
    """:func:`anchor_of` with the path as a list: the predicates followed (``URIRef``), or ``"^oa:hasBody"`` /
    ``"^rdf:subject"`` for the inverse hops; the views name each step by its label."""
    from rdflib.namespace import RDF

    from .namespaces import OA

    path: list = []
    current = node
    for _ in range(depth):
        if not isinstance(current, BNode):
            break
        parent = next(iter(graph.subject_predicates(current)), None)
        if parent is not None:
            path.insert(0, parent[1])
            current = parent[0]
            continue
        body = graph.value(current, OA.hasBody) or graph.value(current, RDF.subject)
        if body is None:
            break
        path.insert(0, "^oa:hasBody" if graph.value(current, OA.hasBody) is not None else "^rdf:subject")
        current = body
    return current, path


def describe(graph: Graph, node: Node) -> tuple[str, str]:
    """``(label, short name)`` of a node for reports; blank nodes are described from their named anchor."""
    if isinstance(node, BNode):
        anchor, path = anchor_of(graph, node)
        if anchor is not node:
            return f"{label_of(graph, anchor)} → {path}", f"{short_name(graph, anchor)} → {path}"
    return label_of(graph, node), short_name(graph, node)
