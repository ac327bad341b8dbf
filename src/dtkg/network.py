"""The views of a dataset: which graph ``dtkg view`` and ``dtkg build`` draw.

A view is the projection of the data (:mod:`dtkg.projection`), or of the triples a SPARQL CONSTRUCT query builds,
narrowed to the neighbourhood of a node when asked (:mod:`dtkg.search`). The names of the projection, search and
styles modules are re-exported here, so that ``dtkg.network`` stays the one place to import views from.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
from rdflib import Graph

from .errors import InputError
from .projection import ACTOR_TYPES, PROJECTIONS, TYPE_RULES, node_type, predicate_label, to_networkx
from .search import ego_view, find_node, normalise


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


def network_view(data: Graph, *, projection: str | None = None, focus: str | None = None, depth: int | None = None,
                 query: str | None = None) -> nx.MultiDiGraph:
    """The graph a view draws: the ``projection`` of ``data`` (``actors`` by default), or of the result of the
    CONSTRUCT ``query`` (``full`` by default), narrowed to the ego network of ``focus`` when given."""
    if depth is not None and focus is None:
        raise InputError("--depth needs --focus (the node to start from)")
    if projection is not None and projection not in PROJECTIONS:
        raise InputError(f"unknown projection {projection!r}; choose one of {', '.join(PROJECTIONS)}")
    context = plain_graph(data)
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
    "network_view",
]
