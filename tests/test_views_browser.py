"""The network views in a real browser: Debian's headless Chromium, driven by Playwright, with the network blocked.

Skipped only when Chromium is missing on a developer's machine; with CI=true a missing Chromium fails the run.
Every page is opened offline: any request to something other than a file: URL is aborted and recorded, and each
test asserts that there was none, and that the page logged no error and opened no dialog.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import networkx as nx
import pytest

from conftest import REPO
from dtkg.network import to_networkx
from dtkg.views import write_html

sys.path.insert(0, str(REPO / "benchmarks"))
from browser import open_offline, wait_drawn  # noqa: E402
from synthetic import synthetic_network  # noqa: E402

pytestmark = pytest.mark.browser

INJECTION = '<img src=x onerror="window.__pwned=1;alert(1)">'
SCRIPT_BREAK = "</script><script>window.__pwned=2;alert(2)</script>"


@pytest.fixture(scope="module")
def pages(tmp_path_factory, seed_graph) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("views")
    return {
        "actors": write_html(to_networkx(seed_graph, "actors"), folder / "network.html"),
        "full": write_html(to_networkx(seed_graph, "full"), folder / "network-full.html"),
    }


@pytest.fixture()
def opened(browser):
    """Open a view offline, wait for its drawing, and check on the way out that it stayed clean."""
    views = []

    def open_view(path: Path):
        view = open_offline(browser, path)
        views.append(view)
        wait_drawn(view)
        return view

    yield open_view
    for view in views:
        assert view.requests == [], f"the page tried to fetch {view.requests}"
        assert view.errors == [], f"the page logged errors: {view.errors}"
        assert view.dialogs == [], f"the page opened dialogs: {view.dialogs}"
        assert view.page.evaluate("window.__pwned === undefined")
        view.close()


def drawn(view) -> tuple[int, int]:
    """How many nodes and edges vis-network draws (hidden ones are left out of these indices)."""
    return tuple(view.page.evaluate(
        "[dtkgView.network.body.nodeIndices.length, dtkgView.network.body.edgeIndices.length]"))


def node_id(view, label: str) -> int:
    return view.page.evaluate("(label) => dtkgView.data.nodes.findIndex(n => n[0] === label)", label)


def test_actors_view_draws_the_seed_network(opened, pages):
    view = opened(pages["actors"])
    assert drawn(view) == (22, 34)
    assert view.page.title() == "Réseau des acteurs"
    legend = view.page.locator("#legend-items li").all_inner_texts()
    assert len(legend) == 8 and any(text.startswith("Organisation") and text.endswith("6") for text in legend)


def test_full_view_draws_grant_and_amount_nodes(opened, pages, seed_graph):
    view = opened(pages["full"])
    full = to_networkx(seed_graph, "full")
    assert drawn(view) == (full.number_of_nodes(), full.number_of_edges())
    assert node_id(view, "90 000 €") >= 0
    assert view.page.locator("#legend-items", has_text="Aide financière").count() == 1


def test_search_focuses_the_right_node(opened, pages):
    view = opened(pages["actors"])
    page = view.page
    page.fill("#search-input", "l’atelier")  # typographic apostrophe, lower case: still L'ATELIER
    page.press("#search-input", "Enter")
    atelier = node_id(view, "L'ATELIER")
    assert page.evaluate("dtkgView.network.getSelectedNodes()") == [atelier]
    assert page.locator("#panel h2").inner_text() == "L'ATELIER"
    assert "l’inauguration du tiers-lieu numérique de Bourbourg, l’ATELIER" in page.locator("#panel").inner_text()
    # the camera ends on the node
    page.wait_for_function(
        """(id) => { const p = dtkgView.network.getPositions([id])[id], v = dtkgView.network.getViewPosition();
                     return Math.abs(p.x - v.x) < 1 && Math.abs(p.y - v.y) < 1; }""", arg=atelier, timeout=5000)


def test_search_lists_matches_as_text(opened, pages):
    page = opened(pages["actors"]).page
    page.fill("#search-input", "dunkerque")
    results = page.locator("#search-results li").all_inner_texts()
    assert results[0].startswith("Dunkerque")  # the exact match first, then the labels that contain the word
    assert any(r.startswith("Communauté Urbaine de Dunkerque") for r in results)
    page.locator("#search-results button").first.click()
    assert page.locator("#panel h2").inner_text() == "Dunkerque"


def test_clicking_a_node_shows_its_facts_links_and_link_quotes(opened, pages):
    view = opened(pages["actors"])
    page = view.page
    region = node_id(view, "Région Hauts-de-France")
    point = page.evaluate(
        """(id) => { const p = dtkgView.network.getPositions([id])[id];
                     const d = dtkgView.network.canvasToDOM(p);
                     const r = document.getElementById('network').getBoundingClientRect();
                     return [r.left + d.x, r.top + d.y]; }""", region)
    page.mouse.click(*point)
    panel = page.locator("#panel")
    assert panel.locator("h2").inner_text() == "Région Hauts-de-France"
    text = panel.inner_text()
    assert "Organisation" in text and "200053742" in text
    assert "120 000 €" in text  # money given, written the French way
    assert "90 000 € fonctionnement 2019–2021" in text
    assert "aide régionale en fonctionnement de 90 000 euros" in text  # the quote behind the collapsed grant


def test_selecting_an_edge_shows_its_quote(opened, pages):
    view = opened(pages["actors"])
    page = view.page
    edge = page.evaluate("dtkgView.data.edges.findIndex(e => e[2] === '90 000 € fonctionnement 2019–2021')")
    point = page.evaluate(
        """(k) => { const e = dtkgView.network.body.edges[k];
                    const p = e.edgeType.getPoint(0.5);
                    const d = dtkgView.network.canvasToDOM(p);
                    const r = document.getElementById('network').getBoundingClientRect();
                    return [r.left + d.x, r.top + d.y]; }""", edge)
    page.mouse.click(*point)
    panel = page.locator("#panel")
    assert panel.locator("h2").inner_text() == "90 000 € fonctionnement 2019–2021"
    assert "Ce soutien se traduit par une aide régionale en fonctionnement de 90 000 euros" in panel.inner_text()
    assert panel.locator("p.ends").inner_text() == "Région Hauts-de-France → Communauté Urbaine de Dunkerque"


def test_type_filter_hides_and_shows_nodes(opened, pages):
    page = opened(pages["actors"]).page
    box = page.locator("#legend-items input[data-type=person]")
    box.uncheck()
    # 7 people hidden, and with them 17 links: 6 roles, 4 org:headOf, 6 attendances, 1 actedOnBehalfOf; the three
    # organisations whose only links were roles (Mutualité Sociale Agricole, Centre socio-éducatif, Andyvie)
    # would float with no link: they are hidden too
    assert drawn_counts(page) == (12, 17)
    assert page.evaluate("dtkgView.nodes.get({filter: n => n.hidden}).length") == 10
    page.locator("#hide-floating").uncheck()  # the reader can keep them
    assert drawn_counts(page) == (15, 17)
    assert page.evaluate("dtkgView.nodes.get({filter: n => n.hidden}).length") == 7
    page.locator("#hide-floating").check()
    box.check()
    assert drawn_counts(page) == (22, 34)


RAW_NAME = re.compile(r"(?<![\w/])(org|prov|schema|dcterms|skos|foaf|igeo|rdfs|rdf|owl|dtkg|oa|vann|xsd|sh):[A-Za-z]")

LABEL_BOXES = """() => {
  const body = dtkgView.network.body, boxes = [], edgeBoxes = [];
  for (const id of body.nodeIndices) {
    const n = body.nodes[id], s = n.labelModule.size;
    if (n.options.label && s.width > 0) { boxes.push([n.options.label, s.left, s.top, s.width, s.height]); }
  }
  for (const id of body.edgeIndices) {
    const e = body.edges[id], s = e.labelModule.size;
    if (e.options.label && s.width > 0) { edgeBoxes.push([e.options.label, s.left, s.top, s.width, s.height]); }
  }
  return [boxes, edgeBoxes, dtkgView.network.getScale()];
}"""


def overlapping(boxes, others=None) -> list[tuple[str, str]]:
    """Pairs of labels whose boxes ``[label, left, top, width, height]`` overlap (in canvas units)."""
    def meet(a, b) -> bool:
        return a[1] < b[1] + b[3] and b[1] < a[1] + a[3] and a[2] < b[2] + b[4] and b[2] < a[2] + a[4]
    if others is None:
        return [(a[0], b[0]) for i, a in enumerate(boxes) for b in boxes[i + 1:] if meet(a, b)]
    return [(a[0], b[0]) for a in boxes for b in others if meet(a, b)]


@pytest.mark.parametrize("projection", ["actors", "full"])
def test_no_two_labels_overlap_at_the_default_zoom(opened, pages, projection):
    view = opened(pages[projection])
    nodes, edges, scale = view.page.evaluate(LABEL_BOXES)
    assert len(nodes) == view.page.evaluate("dtkgView.network.body.nodeIndices.length")  # every label measured
    assert scale * 14 >= 5  # labels are large enough at this zoom to be drawn (vis-network's threshold)
    assert overlapping(nodes) == []
    assert edges == []  # link labels wait for the pointer or a selection: none covers a node label
    # a selected node shows the labels of its links
    region = node_id(view, "Région Hauts-de-France")
    view.page.evaluate("(id) => dtkgView.selectNode(id)", region)
    _, edges, _ = view.page.evaluate(LABEL_BOXES)
    if projection == "actors":
        assert "90 000 € fonctionnement 2019–2021" in {e[0] for e in edges}
    assert len(edges) == view.page.evaluate(
        "(id) => dtkgView.data.edges.filter(e => e[0] === id || e[1] === id).length", region)


@pytest.mark.parametrize("projection", ["actors", "full"])
def test_no_raw_property_name_is_shown(opened, pages, projection):
    view = opened(pages[projection])
    page = view.page
    texts = page.evaluate("""() => {
      const d = dtkgView.data, out = [];
      d.nodes.forEach(n => out.push(n[0])); d.edges.forEach(e => out.push(e[2]));
      d.nodeInfo.concat(d.edgeInfo).forEach(info => info[1].forEach(p => out.push(p[0], p[1])));
      return out; }""")
    page.locator("#edge-labels").check()
    texts += page.evaluate("dtkgView.network.body.edgeIndices.map(k => dtkgView.network.body.edges[k].options.label)")
    texts += page.locator("#legend").all_inner_texts()
    for k in range(0, len(page.evaluate("dtkgView.data.nodes")), 3):  # the panel as a reader sees it
        page.evaluate("(id) => dtkgView.selectNode(id)", k)
        texts.append(page.locator("#panel").inner_text())
    raw = sorted({m.group(0) for t in texts for m in RAW_NAME.finditer(t)})
    assert raw == []
    assert "a agi au nom de" in texts or projection == "full"


def test_filtering_a_kind_of_link_hides_its_links_and_the_nodes_left_floating(opened, pages):
    view = opened(pages["full"])
    page = view.page
    before = drawn(view)
    legend = page.locator("#legend-edges li").all_inner_texts()
    assert any(text.startswith("Rôle, mandat, délégation") for text in legend)
    assert len(legend) == page.evaluate("dtkgView.data.links.length") >= 5  # one style per kind, with a legend
    page.locator("#legend-edges input[data-kind=role]").uncheck()
    state = page.evaluate("""() => {
      const net = dtkgView.network, body = net.body, shown = new Set(body.nodeIndices), degree = {};
      const edges = body.edgeIndices.map(k => [k, dtkgView.data.edgeInfo[k][3], body.edges[k].fromId, body.edges[k].toId]);
      edges.forEach(e => { degree[e[2]] = (degree[e[2]] || 0) + 1; degree[e[3]] = (degree[e[3]] || 0) + 1; });
      const linked = new Set(); dtkgView.data.edges.forEach(e => { linked.add(e[0]); linked.add(e[1]); });
      return { kinds: [...new Set(edges.map(e => e[1]))],
               dangling: edges.filter(e => !shown.has(e[2]) || !shown.has(e[3])).length,
               floating: body.nodeIndices.filter(n => linked.has(n) && !degree[n]).map(n => dtkgView.data.nodes[n][0]),
               roles: dtkgView.data.edgeInfo.filter(i => i[3] === 'role').length }; }""")
    assert "role" not in state["kinds"] and state["roles"] > 0
    assert state["dangling"] == 0 and state["floating"] == []
    after = drawn(view)
    assert after[1] == before[1] - state["roles"] and after[0] < before[0]
    page.locator("#legend-edges input[data-kind=role]").check()
    assert drawn(view) == before


def drawn_counts(page) -> tuple[int, int]:
    return tuple(page.evaluate(
        "[dtkgView.network.body.nodeIndices.length, dtkgView.network.body.edgeIndices.length]"))


def test_injected_labels_stay_text(opened, tmp_path):
    g = nx.MultiDiGraph(projection="actors")
    g.add_node("javascript:alert(3)", iri="javascript:alert(3)", label=INJECTION, type="organisation",
               facts=[("<b>fait</b>", SCRIPT_BREAK)], quotes=[SCRIPT_BREAK])
    g.add_node("https://example.org/b", iri="https://example.org/b", label=SCRIPT_BREAK, type="person",
               facts=[], quotes=[])
    g.add_edge("https://example.org/b", "javascript:alert(3)", key="x", label=INJECTION, kind="link",
               weight=1.0, facts=[], quotes=[INJECTION])
    view = opened(write_html(g, tmp_path / "injection.html", title=INJECTION))
    page = view.page
    assert drawn(view) == (2, 1)
    page.fill("#search-input", "img src")
    page.press("#search-input", "Enter")
    panel = page.locator("#panel")
    assert panel.locator("h2").inner_text() == INJECTION
    assert SCRIPT_BREAK in panel.inner_text()
    assert page.title() == INJECTION and page.locator("h1").inner_text() == INJECTION
    page.evaluate("dtkgView.selectEdge(0)")
    assert panel.locator("h2").inner_text() == INJECTION
    assert page.evaluate("dtkgView.network.body.edges[0].options.label") == INJECTION  # drawn on the canvas only
    page.locator("#edge-labels").check()
    assert page.evaluate("document.querySelectorAll('img, b, iframe').length") == 0
    assert page.evaluate("document.scripts.length") == 3


def test_content_security_policy_blocks_any_fetch(browser, pages):
    view = open_offline(browser, pages["actors"])
    try:
        wait_drawn(view)
        outcome = view.page.evaluate(
            "fetch('https://example.org/x').then(() => 'fetched', () => 'blocked')")
        assert outcome == "blocked"
        assert view.requests == []  # refused by the page's policy before any request left it
        assert any("Content Security Policy" in error for error in view.errors), view.errors
    finally:
        view.close()


def test_a_5000_node_view_finishes_drawing_within_seconds(opened, tmp_path):
    path = write_html(synthetic_network(5000), tmp_path / "synthetic-5000.html")
    view = opened(path)
    page = view.page
    assert page.evaluate("dtkgView.drawnAt") < 20_000
    assert page.evaluate("dtkgView.network.physics.options.enabled") is False
    nodes, edges = drawn(view)
    assert nodes == 5000 and edges == page.evaluate("dtkgView.data.edges.length") > 5000
    page.fill("#search-input", "Organisation 4")  # still interactive: search and select
    page.press("#search-input", "Enter")
    assert page.locator("#panel h2").inner_text() == "Organisation 4"
