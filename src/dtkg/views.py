"""Interactive network views: one self-contained HTML file per view, readable offline, safe with any label.

The page is rendered by pyvis's template machinery (``Network.set_template_dir``) with dtkg's own template,
because pyvis's stock template is never fully offline (it loads Bootstrap and, by default, vis-network from CDNs)
and inserts some data as raw HTML. Ours:

- inlines the vis-network script and style that ship inside the pyvis package, and forbids every fetch with a
  Content-Security-Policy (``default-src 'none'``; scripts are allowed by their SHA-256 hashes only, so that even
  an injected inline event handler would not run);
- embeds the graph as JSON in a ``<script type="application/json">`` with ``<``, ``>`` and ``&`` escaped, and builds
  legend, search results and the selected-node panel with ``textContent``: no data ever reaches ``innerHTML``;
- keeps large graphs usable: above :data:`LAYOUT_THRESHOLD` nodes, positions are computed here (a linear-time
  layout, see :func:`layout_positions`) and physics is off, so that the browser only draws.

Generation is linear in the size of the graph: node and edge lists are built as plain lists and handed to the
template, never through pyvis's ``add_node``/``add_edge``/``from_nx``, which are quadratic (and ``from_nx``
changes its input).
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from .analysis import analyse, is_analysed, node_sizes, paused_gc, write_network
from .errors import InputError
from .styles import link_kinds, node_types, type_labels, type_styles
from .summary import format_amount

#: Above this many nodes, positions are precomputed and physics is off (physics stalls the browser beyond).
LAYOUT_THRESHOLD = 500

#: The vis-network build inside the pyvis package that the page inlines.
VIS_VERSION = "9.1.2"

#: What ``write_view`` writes for each file ending.
VIEW_FORMATS = {".html": "html", ".htm": "html", ".graphml": "graphml", ".gexf": "gexf"}

_TEMPLATES = Path(__file__).resolve().parent / "templates"
_GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))

_SIZE_NOTES = {
    "betweenness": "Taille des nœuds : intermédiarité (betweenness) dans cette vue.",
    "degree": "Taille des nœuds : centralité de degré (nombre de voisins).",
    "received": "Taille des nœuds : montant des aides reçues.",
    "given": "Taille des nœuds : montant des aides accordées.",
}


# ---------------------------------------------------------------------------------------------- layout


def layout_positions(g: nx.MultiDiGraph, spacing: float = 70.0) -> dict:
    """Positions ``{node: (x, y)}`` for large graphs, computed in O(n + m).

    networkx's force-directed layouts cost O(n²) per iteration (and need numpy/scipy, which dtkg does not depend
    on), so this layout uses the communities of :func:`dtkg.analysis.analyse` instead: each community is a disc
    whose nodes are laid on a sunflower spiral in breadth-first order from its best-connected node (so neighbours
    sit close together and the hub is in the middle), and the discs are packed in rows, largest first.
    """
    members: dict[int, list] = defaultdict(list)
    for node, data in g.nodes(data=True):
        members[int(data.get("community", 0))].append(node)
    step = spacing * 0.62  # sunflower radius step: nearest neighbours end up about `spacing` apart
    discs = []
    for community, nodes in members.items():
        order = _bfs_order(g, nodes, community)
        radius = step * math.sqrt(len(order)) + spacing * 0.5
        discs.append((radius, str(order[0]), order))
    discs.sort(key=lambda d: (-d[0], d[1]))
    total = sum((2 * r + spacing) ** 2 for r, _, _ in discs)
    row_width = max(math.sqrt(total) * 1.15, 2 * discs[0][0] + spacing) if discs else 0.0
    positions: dict = {}
    x = y = row_height = 0.0
    for radius, _, order in discs:
        size = 2 * radius + spacing
        if x > 0 and x + size > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        cx, cy = x + size / 2, y + size / 2
        for i, node in enumerate(order):
            r = step * math.sqrt(i)
            positions[node] = (cx + r * math.cos(i * _GOLDEN_ANGLE), cy + r * math.sin(i * _GOLDEN_ANGLE))
        x += size
        row_height = max(row_height, size)
    if positions:  # centre the drawing on the origin, where vis-network looks first
        mx = (min(p[0] for p in positions.values()) + max(p[0] for p in positions.values())) / 2
        my = (min(p[1] for p in positions.values()) + max(p[1] for p in positions.values())) / 2
        positions = {n: (px - mx, py - my) for n, (px, py) in positions.items()}
    return positions


def _bfs_order(g: nx.MultiDiGraph, nodes: list, community: int) -> list:
    """``nodes`` in breadth-first order from the one with most links, following links inside the community."""
    inside = set(nodes)
    ranked = sorted(nodes, key=lambda n: (-g.degree(n), str(n)))
    seen: set = set()
    order: list = []
    for start in ranked:
        if start in seen:
            continue
        seen.add(start)
        queue = [start]
        head = 0
        while head < len(queue):
            node = queue[head]
            head += 1
            order.append(node)
            for nxt in (*g.successors(node), *g.predecessors(node)):
                if nxt in inside and nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
    return order


# ---------------------------------------------------------------------------------------------- HTML


def _raw_text_safe(text: str, element: str) -> str:
    """``text`` safe inside a ``<script>`` or ``<style>`` element: ``</script`` (or ``</style``) cannot close it
    early. In JavaScript the sequence can only sit in a string, a regular expression or a comment, where
    ``<\\/`` means the same; the inlined libraries contain none today."""
    import re

    return re.sub(f"</({element})", r"<\\/\1", text, flags=re.IGNORECASE)


def json_for_script(value: object) -> str:
    """JSON that can sit inside ``<script type="application/json">``: ``<``, ``>``, ``&`` and the two line
    separators JavaScript rejects are written as ``\\u`` escapes, so no label can close the element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                         ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


def _csp_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def _pyvis_lib() -> Path:
    import pyvis

    return Path(pyvis.__file__).resolve().parent / "lib" / f"vis-{VIS_VERSION}"


def _metrics(data: dict) -> list:
    """``[links, degree centrality, betweenness, community, money received, money given]``: numbers that the page
    formats, and amounts already written the French way (``6 421 €``, empty when zero)."""
    received, given = data.get("received") or 0.0, data.get("given") or 0.0
    return [int(data.get("degree", 0)), round(float(data.get("degree_centrality", 0.0)), 4),
            round(float(data.get("betweenness", 0.0)), 4), int(data.get("community", 0)),
            format_amount(round(received, 2)) if received else "", format_amount(round(given, 2)) if given else ""]


def _pairs(items: object) -> list[list[str]]:
    return [[str(k), str(v)] for k, v in (items or [])]


def view_data(g: nx.MultiDiGraph, *, title: str = "", size_by: str = "betweenness",
              layout_threshold: int = LAYOUT_THRESHOLD) -> dict:
    """The JSON the page reads: types and kinds of links present (for the legend, with their styles), nodes
    ``[label, type, size, x, y]``, edges ``[from, to, label, width, roundness]`` and the panel's details
    (``edgeInfo``: ``[kind, facts, quotes, style]``, where style is the link kind of :mod:`dtkg.styles`), built in
    one pass over ``g``.

    ``g`` is analysed first when it is not already (see :func:`dtkg.analysis.analyse`).
    """
    with paused_gc():
        return _view_data(g, title=title, size_by=size_by, layout_threshold=layout_threshold)


def _view_data(g: nx.MultiDiGraph, *, title: str, size_by: str, layout_threshold: int) -> dict:
    if not is_analysed(g):
        g = analyse(g)
    n = g.number_of_nodes()
    big = n > layout_threshold
    sizes = node_sizes(g, size_by)
    positions = layout_positions(g) if big else {}
    present = {d.get("type", "other") for _, d in g.nodes(data=True)}
    known = node_types()
    ordered_types = [t for t in known if t in present] + sorted(present - set(known))
    type_index = {t: i for i, t in enumerate(ordered_types)}
    counts: dict[str, int] = defaultdict(int)
    index: dict = {}
    nodes, node_info = [], []
    pivots = g.graph.get("betweenness_pivots")
    for node, data in g.nodes(data=True):
        kind = data.get("type", "other")
        counts[kind] += 1
        index[node] = len(nodes)
        row: list = [str(data.get("label", node)), type_index[kind], round(sizes[node], 1)]
        if big:
            x, y = positions[node]
            row += [round(x), round(y)]
        nodes.append(row)
        node_info.append([str(data.get("iri", node)), _pairs(data.get("facts")),
                          [str(q) for q in data.get("quotes") or []], _metrics(data)])
    amounts = [float(d.get("amount", 0.0)) for _, _, d in g.edges(data=True) if d.get("kind") == "grant"]
    top_amount = max(amounts, default=0.0)
    pair_seen: dict[tuple, int] = defaultdict(int)
    edges, edge_info = [], []
    link_counts: dict[str, int] = defaultdict(int)
    for a, b, data in g.edges(data=True):
        pair = (a, b) if str(a) <= str(b) else (b, a)
        rank = pair_seen[pair]
        pair_seen[pair] += 1
        width = 1.0
        if data.get("kind") == "grant" and top_amount > 0:
            width = round(1.5 + 5.0 * math.sqrt(float(data.get("amount", 0.0)) / top_amount), 1)
        edges.append([index[a], index[b], str(data.get("label", "")), width, round(0.25 * rank, 2)])
        kind = str(data.get("kind", "link"))
        style = kind if kind in ("grant", "membership") else str(data.get("link_kind") or "link")
        link_counts[style] += 1
        edge_info.append([kind, _pairs(data.get("facts")), [str(q) for q in data.get("quotes") or []], style])
    labels, styles = type_labels(), type_styles()
    types = [{"key": t, "label": labels.get(t, t), "color": styles.get(t, styles["other"])[0],
              "shape": styles.get(t, styles["other"])[1], "count": counts[t]} for t in ordered_types]
    kinds = link_kinds()
    unknown = sorted(set(link_counts) - set(kinds))
    links = [dict(kinds.get(k, kinds["link"]), key=k, count=link_counts[k])
             for k in [k for k in kinds if link_counts.get(k)] + unknown]
    return {"title": title, "types": types, "links": links, "nodes": nodes, "edges": edges, "nodeInfo": node_info,
            "edgeInfo": edge_info, "physics": not big, "edgeLabels": not big,
            "betweennessEstimated": pivots is not None and pivots < n,
            "sizeNote": _SIZE_NOTES.get(size_by, "")}


def default_title(g: nx.MultiDiGraph) -> str:
    """A title that says what the view shows: the projection, the focus of an ego view."""
    projection = g.graph.get("projection", "actors")
    base = "Réseau des acteurs" if projection == "actors" else "Graphe complet"
    if g.graph.get("synthetic"):
        base = "Réseau synthétique"
    focus = g.graph.get("focus")
    if focus is not None and focus in g:
        label = g.nodes[focus].get("label", focus)
        return f"{base} autour de {label} (profondeur {g.graph.get('depth', 1)})"
    return base


def view_html(g: nx.MultiDiGraph, *, title: str | None = None, size_by: str = "betweenness",
              layout_threshold: int = LAYOUT_THRESHOLD) -> str:
    """The self-contained HTML page of the view ``g`` (a graph from :mod:`dtkg.network`, analysed or not).

    Nothing in the page is fetched: vis-network is inlined and the Content-Security-Policy forbids any request.
    """
    from jinja2 import Environment, FileSystemLoader
    from markupsafe import Markup
    from pyvis import __version__ as pyvis_version
    from pyvis.network import Network

    from . import __version__

    heading = title if title is not None else default_title(g)
    data = view_data(g, title=heading, size_by=size_by, layout_threshold=layout_threshold)
    n, m = len(data["nodes"]), len(data["edges"])
    subtitle = (f"{n} nœud{'s' if n != 1 else ''}, {m} lien{'s' if m != 1 else ''}"
                + (" — positions précalculées" if not data["physics"] else ""))

    net = Network(height="100%", width="100%", directed=True, heading=heading, cdn_resources="in_line")
    net.set_template_dir(str(_TEMPLATES) + "/", "network.html")
    # pyvis's environment does not escape; ours does, so that the title and subtitle are always text.
    net.templateEnv = Environment(loader=FileSystemLoader(str(_TEMPLATES)), autoescape=True)
    net.options = {"physics": {"enabled": data["physics"]}}
    lib = _pyvis_lib()
    vis_js = _raw_text_safe((lib / "vis-network.min.js").read_text(encoding="utf-8"), "script")
    vis_css = _raw_text_safe((lib / "vis-network.css").read_text(encoding="utf-8"), "style")
    app_js = _raw_text_safe((_TEMPLATES / "network.js").read_text(encoding="utf-8"), "script")
    app_css = _raw_text_safe((_TEMPLATES / "network.css").read_text(encoding="utf-8"), "style")
    csp = ("default-src 'none'; " f"script-src {_csp_hash(vis_js)} {_csp_hash(app_js)}; "
           "style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'none'; "
           "base-uri 'none'; form-action 'none'")
    _, _, heading, _, _, _ = net.get_network_data()
    template = net.templateEnv.get_template(net.path)
    return template.render(
        heading=heading, subtitle=subtitle, csp=csp, version=__version__, pyvis_version=pyvis_version,
        vis_version=VIS_VERSION, vis_js=Markup(vis_js), vis_css=Markup(vis_css), app_js=Markup(app_js),
        app_css=Markup(app_css), data_json=Markup(json_for_script(data)),
    )


def write_html(g: nx.MultiDiGraph, path: Path | str, **options) -> Path:
    """Write :func:`view_html` of ``g`` to ``path`` atomically, in UTF-8."""
    from .writers import write_atomic

    return write_atomic(Path(path), view_html(g, **options).encode("utf-8"))


def write_view(g: nx.MultiDiGraph, path: Path | str, *, title: str | None = None,
               size_by: str = "betweenness") -> Path:
    """Write the view ``g`` as the file ending of ``path`` says: ``.html`` (the interactive page), ``.graphml``
    or ``.gexf`` (for Gephi, with the measures of :func:`dtkg.analysis.analyse`)."""
    path = Path(path)
    fmt = VIEW_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"cannot tell what to write from the ending {path.suffix!r}; "
                         f"use one of {', '.join(VIEW_FORMATS)}", path=path)
    analysed = g if is_analysed(g) else analyse(g)
    if fmt == "html":
        return write_html(analysed, path, title=title, size_by=size_by)
    return write_network(analysed, path, fmt)


@dataclass(frozen=True)
class ViewResult:
    """What :func:`view` wrote: the file and the size of the view."""

    path: Path
    nodes: int
    edges: int


def view(data, output: Path | str, *, projection: str | None = None, focus: str | None = None,
         depth: int | None = None, query: str | None = None, size_by: str = "betweenness",
         title: str | None = None) -> ViewResult:
    """What ``dtkg view`` does: build the view of ``data`` (see :func:`dtkg.network.network_view`) and write it
    to ``output`` (HTML, GraphML or GEXF by its ending)."""
    from .network import network_view

    g = network_view(data, projection=projection, focus=focus, depth=depth, query=query)
    if Path(output).suffix.lower() == ".gexf":
        from .network import plain_graph
        from .timeline import add_timeline

        add_timeline(g, plain_graph(data))  # Gephi's timeline and map, as `dtkg export --format gexf`
    path = write_view(g, output, title=title, size_by=size_by)
    return ViewResult(path=path, nodes=g.number_of_nodes(), edges=g.number_of_edges())


def write_standard_views(data, out_dir: Path | str) -> list[Path]:
    """The views ``dtkg build`` writes: ``network.html`` (actors) and ``network-full.html`` (full projection)."""
    from .network import to_networkx, view_graph
    from .territory.views import hidden_territories

    out = Path(out_dir)
    graph = view_graph(data)
    hidden = hidden_territories(graph)  # once for both projections
    return [write_view(to_networkx(graph, "actors", hidden=hidden), out / "network.html"),
            write_view(to_networkx(graph, "full", hidden=hidden), out / "network-full.html")]


__all__ = [
    "LAYOUT_THRESHOLD", "VIEW_FORMATS", "layout_positions", "json_for_script", "view_data", "default_title",
    "view_html", "write_html", "write_view", "ViewResult", "view", "write_standard_views",
]
