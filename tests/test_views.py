"""The HTML of the network views, read as text: self-contained, escaped, linear to build. The same pages are
opened in a real browser by test_views_browser.py."""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest

from dtkg.network import to_networkx
from dtkg.views import LAYOUT_THRESHOLD, layout_positions, view_data, view_html, write_html, write_view

from conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from synthetic import synthetic_network  # noqa: E402

INJECTION = '<img src=x onerror="window.__pwned=1;alert(1)">'
SCRIPT_BREAK = "</script><script>window.__pwned=2;alert(2)</script>"


class _Page(HTMLParser):
    """The elements of a page that could make a browser fetch or run something."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script, self._text = dict(attrs), []

    def handle_data(self, data):
        if self._script is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._text)))
            self._script = None


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def page_data(html: str) -> dict:
    scripts = [text for attrs, text in parse(html).scripts if attrs.get("id") == "dtkg-data"]
    assert len(scripts) == 1
    return json.loads(scripts[0])


@pytest.fixture(scope="module")
def actors_html(seed_graph) -> str:
    return view_html(to_networkx(seed_graph, "actors"))


def injection_graph() -> nx.MultiDiGraph:
    """A tiny view whose label, facts, quotes and IRI all try to inject markup or script."""
    g = nx.MultiDiGraph(projection="actors")
    g.add_node("javascript:alert(3)", iri="javascript:alert(3)", label=INJECTION, type="organisation",
               facts=[("<b>fait</b>", SCRIPT_BREAK)], quotes=[SCRIPT_BREAK, "<!-- <script>"])
    g.add_node("https://example.org/b", iri="https://example.org/b", label=SCRIPT_BREAK, type="person",
               facts=[], quotes=[])
    g.add_edge("https://example.org/b", "javascript:alert(3)", key="x", label=INJECTION, kind="link", weight=1.0,
               facts=[], quotes=[INJECTION])
    return g


# ---------------------------------------------------------------------------------------------- offline


def test_page_fetches_nothing_from_the_network(actors_html):
    page = parse(actors_html)
    for tag, attrs in page.tags:
        for name in ("src", "href", "srcset", "data", "action", "poster"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value, f"<{tag} {name}={value!r}> would make the browser fetch something"
        assert tag not in ("link", "iframe", "img", "object", "embed", "base")
    assert not re.search(r"""url\(\s*["']?(https?:)?//""", actors_html, re.IGNORECASE)
    assert "@import" not in actors_html
    assert all(not attrs.get("src") for attrs, _ in page.scripts)


def test_page_inlines_the_vis_network_shipped_with_pyvis(actors_html):
    import pyvis

    lib = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
    vis_js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    scripts = [text for attrs, text in parse(actors_html).scripts if attrs.get("type") is None]
    assert vis_js in scripts
    assert (lib / "vis-network.css").read_text(encoding="utf-8")[:2000] in actors_html


def test_content_security_policy_forbids_fetches_and_allows_only_our_scripts(actors_html):
    page = parse(actors_html)
    csp = next(attrs["content"] for tag, attrs in page.tags
               if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "content-security-policy")
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp and "unsafe-inline" not in csp.split(
        "script-src")[1].split(";")[0]
    executable = [text for attrs, text in page.scripts if attrs.get("type") is None]
    assert len(executable) == 2
    for text in executable:
        digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in csp


def test_page_is_utf8_and_carries_the_seed_network(actors_html):
    assert '<meta charset="utf-8">' in actors_html
    data = page_data(actors_html)
    assert len(data["nodes"]) == 22 and len(data["edges"]) == 34
    assert data["physics"] is True and data["edgeLabels"] is True
    labels = [n[0] for n in data["nodes"]]
    assert "Région Hauts-de-France" in labels  # written as UTF-8, not as \u escapes
    edges = {(labels[e[0]], labels[e[1]], e[2]) for e in data["edges"]}
    grant = ("Région Hauts-de-France", "Communauté Urbaine de Dunkerque", "90 000 € fonctionnement 2019–2021")
    assert grant in edges
    legend = {t["key"]: t["count"] for t in data["types"]}
    assert legend == {"organisation": 6, "person": 7, "place": 2, "commune": 2, "network": 1, "event": 1,
                      "strategy": 2, "call": 1}
    region = labels.index("Région Hauts-de-France")
    degree, _, betweenness, _, received, given = data["nodeInfo"][region][3]
    assert (degree, received, given) == (7, "", "120 000 €") and 0 < betweenness < 1


# ---------------------------------------------------------------------------------------------- escaping


def test_labels_cannot_inject_markup_or_close_the_script():
    html = view_html(injection_graph(), title="<b>titre</b> & co")
    assert "<img" not in html
    assert SCRIPT_BREAK not in html and "<!-- <script>" not in html
    page = parse(html)
    assert [tag for tag, _ in page.tags].count("script") == 3
    assert not any(tag in ("img", "b") for tag, _ in page.tags)
    assert "&lt;b&gt;titre&lt;/b&gt; &amp; co" in html
    data = page_data(html)
    assert INJECTION in [n[0] for n in data["nodes"]] and SCRIPT_BREAK in [n[0] for n in data["nodes"]]


def test_the_page_script_never_uses_inner_html():
    js = (Path(__import__("dtkg").__file__).parent / "templates" / "network.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in js


# ---------------------------------------------------------------------------------------------- large graphs


def test_large_views_get_precomputed_positions_and_no_physics():
    small = view_data(synthetic_network(LAYOUT_THRESHOLD))
    assert small["physics"] is True and all(len(n) == 3 for n in small["nodes"])
    large = view_data(synthetic_network(LAYOUT_THRESHOLD + 1))
    assert large["physics"] is False and large["edgeLabels"] is False
    assert all(len(n) == 5 for n in large["nodes"])


def test_layout_keeps_nodes_apart():
    g = synthetic_network(3000)
    from dtkg.analysis import analyse

    positions = layout_positions(analyse(g), spacing=70.0)
    assert len(positions) == 3000
    cell = 20.0
    grid: dict[tuple[int, int], list[tuple[float, float]]] = {}
    for x, y in positions.values():
        grid.setdefault((int(x // cell), int(y // cell)), []).append((x, y))
    closest = math.inf
    for (cx, cy), points in grid.items():
        near = [p for dx in (-1, 0, 1) for dy in (-1, 0, 1) for p in grid.get((cx + dx, cy + dy), [])]
        for p in points:
            for q in near:
                if p is not q:
                    closest = min(closest, math.dist(p, q))
    assert closest >= 20.0  # sunflower spirals: no two nodes on top of each other


def test_generation_does_not_use_pyvis_quadratic_api_nor_change_its_input(monkeypatch):
    from pyvis.network import Network

    def refuse(*args, **kwargs):
        raise AssertionError("add_node/add_edge/from_nx are quadratic and must not be used")

    for name in ("add_node", "add_nodes", "add_edge", "add_edges", "from_nx"):
        monkeypatch.setattr(Network, name, refuse)
    g = synthetic_network(800)
    before = (list(g.nodes(data=True)), list(g.edges(keys=True, data=True)))
    html = view_html(g)
    assert len(page_data(html)["nodes"]) == 800
    assert (list(g.nodes(data=True)), list(g.edges(keys=True, data=True))) == before


# ---------------------------------------------------------------------------------------------- files


def test_write_html_replaces_the_file_atomically(tmp_path, seed_graph):
    target = tmp_path / "network.html"
    target.write_text("old", encoding="utf-8")
    write_html(to_networkx(seed_graph, "actors"), target)
    assert target.read_bytes().decode("utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["network.html"]


def test_write_view_refuses_an_unknown_ending(tmp_path, seed_graph):
    from dtkg.errors import InputError

    with pytest.raises(InputError, match="cannot tell what to write"):
        write_view(to_networkx(seed_graph, "actors"), tmp_path / "network.png")


def test_build_writes_both_views(tmp_path):
    from dtkg.pipeline import build

    result = build(out_dir=tmp_path / "out")
    names = [p.name for p in result.outputs]
    assert "network.html" in names and "network-full.html" in names
    full = page_data((tmp_path / "out" / "network-full.html").read_text(encoding="utf-8"))
    assert any(t["key"] == "grant" for t in full["types"])
    assert len(page_data((tmp_path / "out" / "network.html").read_text(encoding="utf-8"))["nodes"]) == 22
