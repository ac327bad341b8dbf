"""Analysis of a network view: who is central, which groups form, where the money goes; and export for Gephi.

Measures are computed on the projection a person looks at (see :mod:`dtkg.network`), with links taken in both
directions: a person → organisation membership ties the two whichever way it is stored, and a directed
betweenness would make every organisation that has no outgoing link look peripheral.

Betweenness is exact on small views and estimated from a fixed budget of shortest-path searches on large ones
(seeded, so reproducible), so that analysing a 20,000-node view takes seconds rather than hours.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import networkx as nx

from .errors import InputError
from .styles import type_labels, type_styles

#: How many node and edge visits the betweenness estimate may spend: ``k`` pivots cost about k × (n + m).
#: Views whose exact betweenness (n pivots) fits in the budget get the exact value.
BETWEENNESS_BUDGET = 500_000
#: Never estimate betweenness from fewer pivots than this.
MIN_PIVOTS = 8

#: Above this many nodes, communities are found by fast label propagation (seeded) instead of Louvain: Louvain's
#: cost grows faster than the view (about 1 s at 20,000 nodes, 20 s at 60,000), label propagation's in proportion.
LOUVAIN_MAX_NODES = 50_000

#: What node sizes can show: centralities or money (EUR) received or given.
SIZE_MEASURES = ("betweenness", "degree", "received", "given")

#: Formats that :func:`write_network` writes, with their file endings (both open in Gephi).
NETWORK_FORMATS = {"graphml": ".graphml", "gexf": ".gexf"}


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while building many small containers that form no cycles.

    Each full collection walks every live object, and collections are triggered by allocations: building a
    20,000-node view would otherwise cost more per node than a 1,000-node one. Reference counting still frees
    everything; the collector's previous state is restored afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def undirected(g: nx.MultiDiGraph) -> nx.Graph:
    """``g`` as a simple undirected graph (parallel links merged), which is what centralities and communities
    are defined on."""
    u = nx.Graph()
    u.add_nodes_from(g)
    u.add_edges_from((a, b) for a, b in g.edges() if a != b)
    return u


def betweenness(u: nx.Graph, *, budget: int = BETWEENNESS_BUDGET, seed: int = 0) -> tuple[dict, int]:
    """Normalised betweenness centrality of the undirected graph ``u`` and the number of pivots used
    (``len(u)`` when exact). Above the budget it is estimated from ``budget / (n + m)`` random pivots."""
    n, m = u.number_of_nodes(), u.number_of_edges()
    if n * (n + m) <= budget:
        return nx.betweenness_centrality(u, normalized=True), n
    k = min(n, max(MIN_PIVOTS, budget // (n + m)))
    return nx.betweenness_centrality(u, k=k, normalized=True, seed=seed), k


def communities(u: nx.Graph, *, seed: int = 0, louvain_max: int | None = None) -> dict:
    """Community number of each node: 0 is the largest community, ties broken by the smallest node id, so that
    numbers are stable from one run to the next.

    Communities are Louvain's (modularity, seeded) up to ``louvain_max`` nodes (:data:`LOUVAIN_MAX_NODES`); above, fast label propagation's
    (Traag & Šubelj 2023, seeded): linear in the size of the view, with smaller communities than Louvain's (each
    node joins the label most of its neighbours carry), which is what a layout of very large views needs."""
    if u.number_of_nodes() == 0:
        return {}
    if not u.number_of_edges():
        found = [{n} for n in u]
    elif u.number_of_nodes() > (LOUVAIN_MAX_NODES if louvain_max is None else louvain_max):
        found = list(nx.community.fast_label_propagation_communities(u, seed=seed))
    else:
        found = nx.community.louvain_communities(u, seed=seed)
    ordered = sorted(found, key=lambda c: (-len(c), min(map(str, c))))
    return {node: index for index, members in enumerate(ordered) for node in members}


BENEFICIARY = "https://w3id.org/dtkg/ontology#beneficiary"
SAME_DECISION = "https://w3id.org/dtkg/ontology#sameDecisionAs"


def money(g: nx.MultiDiGraph, currency: str = "EUR") -> tuple[dict, dict]:
    """``(received, given)``: total of the grants each node received and gave, in ``currency``.

    Works on both projections: grant edges (``actors``) or grant nodes with their ``schema:funder`` and
    ``dtkg:beneficiary`` links (``full``), counted as the saved queries total-by-funder and total-by-recipient
    count them: only organisations paid receive money (what a grant is earmarked for receives nothing more), a
    share counts for its beneficiary only when its decision names none, and an announced grant reconciled with its
    published record (``dtkg:sameDecisionAs``) counts through that record.
    """
    received = dict.fromkeys(g, 0.0)
    given = dict.fromkeys(g, 0.0)
    for a, b, data in g.edges(data=True):
        if data.get("kind") == "grant" and data.get("currency", currency) == currency and "amount" in data:
            if data.get("counts_received", True):
                received[b] += data["amount"]
            if data.get("counts_given", not data.get("part_of")):
                given[a] += data["amount"]
    for node, data in g.nodes(data=True):
        if data.get("type") != "grant" or data.get("currency") != currency or "amount" not in data:
            continue
        links = {(d.get("predicate"), other) for _, other, d in g.out_edges(node, data=True)}
        wholes = [o for p, o in links if p == "http://purl.org/dc/terms/isPartOf" and g.nodes[o].get("type") == "grant"]
        if any(p == SAME_DECISION for p, _ in links):
            continue  # an announced grant counted through its published record
        whole_paid = any(d.get("predicate") in (BENEFICIARY, SAME_DECISION)
                         for w in wholes for _, _, d in g.out_edges(w, data=True))
        for predicate, other in links:
            if predicate == BENEFICIARY and not whole_paid:
                received[other] += data["amount"]
            elif predicate == "https://schema.org/funder" and not wholes:
                given[other] += data["amount"]
    return received, given


def analyse(g: nx.MultiDiGraph, *, seed: int = 0, budget: int = BETWEENNESS_BUDGET) -> nx.MultiDiGraph:
    """A copy of ``g`` whose nodes carry ``degree`` (number of links), ``degree_centrality``, ``betweenness``,
    ``community``, ``received`` and ``given`` (EUR); ``g.graph["betweenness_pivots"]`` says how many shortest-path
    searches the betweenness used (the node count when exact). ``g`` itself is not changed."""
    with paused_gc():
        return _analyse(g, seed=seed, budget=budget)


def _analyse(g: nx.MultiDiGraph, *, seed: int, budget: int) -> nx.MultiDiGraph:
    out = g.copy()
    u = undirected(g)
    n = u.number_of_nodes()
    degree_centrality = nx.degree_centrality(u) if n > 1 else dict.fromkeys(u, 0.0)
    between, pivots = betweenness(u, budget=budget, seed=seed)
    community = communities(u, seed=seed)
    if n > LOUVAIN_MAX_NODES and u.number_of_edges():
        out.graph["community_method"] = "label propagation"
    received, given = money(g)
    for node, data in out.nodes(data=True):
        data.update(degree=g.degree(node), degree_centrality=degree_centrality[node], betweenness=between[node],
                    community=community[node], received=received[node], given=given[node])
    out.graph.update(betweenness_pivots=pivots, communities=len(set(community.values())))
    return out


def is_analysed(g: nx.MultiDiGraph) -> bool:
    """Whether every node of ``g`` carries the measures of :func:`analyse`."""
    return all("betweenness" in d and "community" in d for _, d in g.nodes(data=True))


def node_sizes(g: nx.MultiDiGraph, by: str = "betweenness", smallest: float = 10.0,
               largest: float = 48.0) -> dict:
    """Size of each node for drawing: from ``smallest`` to ``largest`` as the square root of the measure ``by``
    (one of :data:`SIZE_MEASURES`), so that area, not radius, grows with the value. ``g`` must be analysed."""
    if by not in SIZE_MEASURES:
        raise InputError(f"unknown size measure {by!r}; choose one of {', '.join(SIZE_MEASURES)}")
    key = "degree_centrality" if by == "degree" else by
    values = {n: float(d.get(key, 0.0) or 0.0) for n, d in g.nodes(data=True)}
    top = max(values.values(), default=0.0)
    if top <= 0:
        return dict.fromkeys(values, (smallest + largest) / 4)
    return {n: smallest + (largest - smallest) * math.sqrt(max(v, 0.0) / top) for n, v in values.items()}


# ---------------------------------------------------------------------------------------------- GraphML / GEXF


def _text(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return "\n".join(": ".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v) for v in value)
    return str(value)


def _scalar(value: object) -> str | int | float | bool:
    return value if isinstance(value, (str, int, float, bool)) else _text(value)


def flat_copy(g: nx.MultiDiGraph, sizes: Mapping | None = None, *, gexf: bool = False) -> nx.MultiDiGraph:
    """A copy of ``g`` whose attributes are all strings or numbers, as GraphML and GEXF require: lists of facts
    (``name: value``) and quotes become lines of text; ``type_label`` and ``size`` are added, and for GEXF the
    ``viz`` colour and size that Gephi shows."""
    out = nx.MultiDiGraph()
    for key, value in g.graph.items():
        out.graph[key] = _scalar(value)
    TYPE_LABELS, TYPE_STYLES = type_labels(), type_styles()  # noqa: N806 (the display data, read once)
    for node, data in g.nodes(data=True):
        attrs = {k: _scalar(v) for k, v in data.items() if v is not None}
        kind = str(data.get("type", "other"))
        attrs["type_label"] = TYPE_LABELS.get(kind, kind)
        if sizes is not None:
            attrs["size"] = float(sizes[node])
        if gexf:
            colour = TYPE_STYLES.get(kind, TYPE_STYLES["other"])[0]
            r, gr, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
            attrs["viz"] = {"color": {"r": r, "g": gr, "b": b, "a": 1.0}, "size": float(attrs.get("size", 10.0))}
            if "lat" in attrs and "lon" in attrs:  # see dtkg.timeline: places with coordinates keep their position
                from .timeline import POSITION_SCALE

                attrs["viz"]["position"] = {"x": float(attrs["lon"]) * POSITION_SCALE,
                                            "y": float(attrs["lat"]) * POSITION_SCALE, "z": 0.0}
        out.add_node(node, **attrs)
    for a, b, key, data in g.edges(keys=True, data=True):
        attrs = {k: _scalar(v) for k, v in data.items() if v is not None and k != "type"}
        out.add_edge(a, b, key=str(key), **attrs)
    return out


def network_bytes(g: nx.MultiDiGraph, fmt: str) -> bytes:
    """``g`` (analysed, so that Gephi gets the measures) as GraphML or GEXF, UTF-8."""
    if fmt not in NETWORK_FORMATS:
        raise InputError(f"unknown network format {fmt!r}; choose one of {', '.join(NETWORK_FORMATS)}")
    if not is_analysed(g):
        g = analyse(g)
    flat = flat_copy(g, node_sizes(g), gexf=fmt == "gexf")
    lines = nx.generate_graphml(flat, encoding="utf-8") if fmt == "graphml" else nx.generate_gexf(flat)
    text = "\n".join(lines) + "\n"
    if not text.lstrip().startswith("<?xml"):
        text = '<?xml version="1.0" encoding="utf-8"?>\n' + text
    return text.encode("utf-8")


def write_network(g: nx.MultiDiGraph, path: Path | str, fmt: str | None = None) -> Path:
    """Write ``g`` with its measures as GraphML or GEXF (``fmt`` defaults to the file ending), atomically."""
    from .writers import write_atomic

    path = Path(path)
    if fmt is None:
        fmt = {suffix: name for name, suffix in NETWORK_FORMATS.items()}.get(path.suffix.lower())
        if fmt is None:
            raise InputError(f"cannot tell the network format from the ending {path.suffix!r}; "
                             f"use {' or '.join(NETWORK_FORMATS.values())}", path=path)
    return write_atomic(path, network_bytes(g, fmt))


def export_network(data, path: Path | str | None, fmt: str, projection: str = "actors") -> bytes | Path:
    """What ``dtkg export --format graphml|gexf`` does: the ``projection`` of ``data`` (an rdflib graph or
    dataset), analysed, written to ``path`` (atomically), or returned as bytes when ``path`` is None."""
    from .network import plain_graph, to_networkx

    graph = plain_graph(data)
    g = analyse(to_networkx(graph, projection))
    if fmt == "gexf":
        from .timeline import add_timeline

        add_timeline(g, graph)  # dynamic start/end and positions, for Gephi's timeline and map
    if path is None:
        return network_bytes(g, fmt)
    return write_network(g, path, fmt)


__all__ = [
    "BETWEENNESS_BUDGET", "LOUVAIN_MAX_NODES", "SIZE_MEASURES", "NETWORK_FORMATS", "paused_gc", "undirected", "betweenness",
    "communities", "money",
    "analyse", "is_analysed", "node_sizes", "flat_copy", "network_bytes", "write_network", "export_network",
]
