"""Human-readable names for resources: what every report, table and view shows instead of a bare IRI."""

from __future__ import annotations

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
    """``prefix:local`` for an IRI in a bound namespace, else the IRI; ``_:id`` for a blank node."""
    if isinstance(node, BNode):
        return f"_:{node}"
    if isinstance(node, URIRef):
        best = ""
        best_prefix = ""
        for prefix, ns in graph.namespaces():
            ns = str(ns)
            if node.startswith(ns) and len(ns) > len(best):
                local = node[len(ns):]
                if local and all(c.isalnum() or c in "-_." for c in local):
                    best, best_prefix = ns, prefix
        if best:
            return f"{best_prefix}:{node[len(best):]}"
        return str(node)
    return str(node)


def anchor_of(graph: Graph, node: Node, depth: int = 4) -> tuple[Node, str]:
    """For a blank node, the named resource it hangs from and the path to it (``grant:x`` and ``schema:amount``),
    so that a report about an amount or a quote names the grant or the fact a person can find.

    Web annotations hang from their ``oa:hasBody`` and inferred statements from their ``rdf:subject``.
    """
    from rdflib.namespace import RDF

    from .namespaces import OA

    path: list[str] = []
    current = node
    for _ in range(depth):
        if not isinstance(current, BNode):
            break
        parent = next(iter(graph.subject_predicates(current)), None)
        if parent is not None:
            path.insert(0, short_name(graph, parent[1]))
            current = parent[0]
            continue
        body = graph.value(current, OA.hasBody) or graph.value(current, RDF.subject)
        if body is None:
            break
        path.insert(0, "^oa:hasBody" if graph.value(current, OA.hasBody) is not None else "^rdf:subject")
        current = body
    return current, "/".join(path)


def describe(graph: Graph, node: Node) -> tuple[str, str]:
    """``(label, short name)`` of a node for reports; blank nodes are described from their named anchor."""
    if isinstance(node, BNode):
        anchor, path = anchor_of(graph, node)
        if anchor is not node:
            return f"{label_of(graph, anchor)} → {path}", f"{short_name(graph, anchor)} → {path}"
    return label_of(graph, node), short_name(graph, node)
