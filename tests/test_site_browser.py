"""The static site in headless Chromium with the network blocked: every kind of page renders and fetches
nothing, search finds people and identifiers, the Sankey's flows add up to the funders' totals, and injected
labels stay text on every page."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import REPO
from dtkg.site import write_site
from dtkg.summary import summarize
from test_site import INJECTED_TTL, INJECTION, SCRIPT_BREAK

sys.path.insert(0, str(REPO / "benchmarks"))
from browser import open_offline  # noqa: E402

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory, seed) -> Path:
    return write_site(seed, tmp_path_factory.mktemp("site") / "site", network_views=3).path


@pytest.fixture()
def opened(browser):
    pages = []

    def open_page(path: Path):
        page = open_offline(browser, path)
        pages.append(page)
        return page

    yield open_page
    for page in pages:
        assert page.requests == [], f"the page tried to fetch {page.requests}"
        assert page.errors == [], f"the page logged errors: {page.errors}"
        assert page.dialogs == [], f"the page opened dialogs: {page.dialogs}"
        assert page.page.evaluate("window.__pwned === undefined")
        page.close()


def test_every_kind_of_page_renders_offline(opened, site):
    kinds = ["organisation", "person", "place", "commune", "network", "grant", "event", "strategy", "call", "source"]
    for kind in kinds:
        path = sorted((site / kind).glob("*.html"))[0]
        view = opened(path)
        assert view.page.locator("h1#label").inner_text().strip(), path
        assert view.page.locator("article.fiche").get_attribute("data-kind") == kind
    for name in ("index.html", "flux.html", "liste-person.html"):
        assert opened(site / name).page.locator("h1").count() == 1


def search(view, text: str) -> list[str]:
    view.page.fill("#q", text)
    return view.page.locator("#results a").all_inner_texts()


def test_search_finds_people_and_identifiers(opened, site):
    view = opened(site / "index.html")
    assert search(view, "kerkhof") == ["Isabelle Kerkhof"]
    assert search(view, "245900428") == ["Communauté Urbaine de Dunkerque"]
    assert "Communauté Urbaine de Dunkerque" in search(view, "CUD")
    assert search(view, "l’atelier")[0] == "L'ATELIER"
    assert search(view, "zzzz") == [] and view.page.locator("#count").inner_text() == "Aucun résultat."
    search(view, "kerkhof")
    view.page.press("#q", "Enter")
    view.page.wait_for_url("**/person/*.html")
    assert view.page.locator("h1#label").inner_text() == "Isabelle Kerkhof"


def test_sankey_flows_add_up_to_the_funders_totals(opened, site, seed):
    view = opened(site / "flux.html")
    flows = view.page.evaluate("""[...document.querySelectorAll('#sankey path.whole')]
                                  .map(p => p.getAttribute('data-amount'))""")
    shares = view.page.evaluate("""[...document.querySelectorAll('#sankey path.share')]
                                   .map(p => p.getAttribute('data-amount'))""")
    total = sum(f.total for f in summarize(seed).funders)
    assert sum(Decimal(f) for f in flows) == total == Decimal("120000")
    assert shares == ["6421"]  # drawn inside its grant, from the whole's recipient onwards
    assert view.page.locator("#flows tbody tr").count() == 3
    page = view.page
    page.select_option("#sankey-year", "2019")
    amounts = page.evaluate("[...document.querySelectorAll('#sankey path')].map(p => p.getAttribute('class') + ' ' + p.getAttribute('data-amount'))")
    assert amounts == ["whole 90000"]
    assert page.locator("#sankey-total").inner_text() == "Total des aides dessinées : 90 000 €"
    page.select_option("#sankey-year", "")
    region = page.locator("#sankey-funder option", has_text="Région Hauts-de-France").get_attribute("value")
    page.select_option("#sankey-funder", region)
    assert page.locator("#sankey path").count() == 3
    with page.expect_download() as info:
        page.click("#export-svg")
    saved = info.value.path()
    svg = Path(saved).read_text(encoding="utf-8")
    assert svg.startswith("<svg") and svg.count("<path") == 3 and "Région Hauts-de-France" in svg


def test_injected_labels_stay_inert_on_every_page(browser, tmp_path):
    from dtkg.load import load_dataset

    data = tmp_path / "data"
    data.mkdir()
    (data / "injected.ttl").write_text(INJECTED_TTL, encoding="utf-8")
    root = write_site(load_dataset([data]), tmp_path / "site", network_views=2).path
    pages = sorted(root.rglob("*.html"))
    assert len(pages) > 40
    for path in pages:
        view = open_offline(browser, path)
        try:
            page = view.page
            if path.name == "index.html":
                page.fill("#q", "img src")
                assert page.locator("#results a").all_inner_texts() == [INJECTION, INJECTION]  # organisation, place
                page.fill("#q", "999999999")
                assert page.locator("#results a").all_inner_texts() == [INJECTION]
            if path.name == "carte.html":
                page.wait_for_selector("html[data-drawn=true]")
                items = page.evaluate("[...dtkgMap.open('59').querySelectorAll('li > a, li > span:first-child')]"
                                      ".map(e => e.textContent)")
                assert INJECTION in items and SCRIPT_BREAK in items, items
                assert page.locator("#areas").inner_text().count(INJECTION) == 1
            if "injected" in path.name and path.parent.name == "organisation":
                assert page.locator("h1#label").inner_text() == INJECTION
                assert SCRIPT_BREAK in page.locator("body").inner_text()
            assert page.evaluate("document.querySelectorAll('img, iframe, b').length") == 0, path
            assert page.evaluate("window.__pwned === undefined"), path
            assert view.requests == [] and view.dialogs == [] and view.errors == [], (path, view.errors)
        finally:
            view.close()


def test_map_shows_places_and_their_funding_offline(opened, site):
    view = opened(site / "carte.html")
    page = view.page
    page.wait_for_selector("html[data-drawn=true]")
    assert page.locator(".leaflet-overlay-pane path").count() == 96 + 1  # the départements, one circle (Nord)
    assert page.locator(".leaflet-tooltip").all_inner_texts() == ["Nord — 120 000 €"]
    assert page.locator(".leaflet-tile").count() == 0
    page.locator(".leaflet-overlay-pane path.leaflet-interactive").click(force=True)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert "Nord (59)" in text and "Aides reçues : 120 000 €" in text
    assert "L'ATELIER (Lieu) : 6 421 €" in text and "Bourbourg (Commune)" in text
    # Leaflet pans the map to show the popup; a pointer click during that animation can land beside the link, so
    # the link is activated where it is (the navigation is the link's own, not the map's).
    popup.get_by_role("link", name="L'ATELIER").dispatch_event("click")
    page.wait_for_url("**/place/*.html")
    assert page.locator("h1#label").inner_text() == "L'ATELIER"


def test_split_search_and_time_line_work_offline(opened, tmp_path, seed, monkeypatch):
    """With the limits lowered, the seed's search index is split into pages by word and the time line by year:
    typing on the index goes to the page of the query's rarest word, which finds the same answers."""
    import dtkg.site as site_module

    for name, value in (("SEARCH_INLINE_MAX", 100), ("SHARD_ROWS", 3), ("TIME_PAGE", 2)):
        monkeypatch.setattr(site_module, name, value)
    root = write_site(seed, tmp_path / "split", network_views=0).path
    view = opened(root / "index.html")
    page = view.page
    page.fill("#q", "kerkhof")
    page.wait_for_url("**/recherche/k*.html?q=kerkhof")
    page.wait_for_function("window.dtkgSearch && dtkgSearch.ready")
    assert page.locator("#results a").all_inner_texts() == ["Isabelle Kerkhof"]
    assert page.input_value("#q") == "kerkhof"
    page.fill("#q", "245900428")
    page.wait_for_url("**/recherche/2*.html?q=245900428")
    page.wait_for_function("window.dtkgSearch && dtkgSearch.ready")
    assert page.locator("#results a").all_inner_texts() == ["Communauté Urbaine de Dunkerque"]
    page.locator("#results a").first.click()
    page.wait_for_url("**/organisation/*.html")
    assert page.locator("h1#label").inner_text() == "Communauté Urbaine de Dunkerque"
    years = opened(root / "chronologie.html").page
    assert years.locator("ul.kinds a").all_inner_texts() == ["2016", "2018", "2019"]
    years.get_by_role("link", name="2019").click()
    years.wait_for_url("**/chronologie-2019.html")
    event = years.locator("#timeline tbody tr", has_text="Inauguration de L'ATELIER")
    assert event.is_visible()
    years.fill("#asof", "2018-12-31")
    assert not event.is_visible()


def test_policy_blocks_any_fetch(browser, site):
    view = open_offline(browser, site / "index.html")
    try:
        outcome = view.page.evaluate("fetch('https://example.org/x').then(() => 'fetched', () => 'blocked')")
        assert outcome == "blocked" and view.requests == []
    finally:
        view.close()


def test_date_filter_hides_what_comes_later(opened, site):
    view = opened(site / "chronologie.html")
    page = view.page
    event = page.locator("#timeline tbody tr", has_text="Inauguration de L'ATELIER")
    grant = page.locator("#timeline tbody tr", has_text="Aide régionale en fonctionnement")
    strategy = page.locator("#timeline tbody tr", has_text="Feuille de route numérique")
    assert event.is_visible() and grant.is_visible()
    page.fill("#asof", "2018-12-31")
    assert not event.is_visible() and not grant.is_visible() and strategy.is_visible()
    assert page.locator("#asof-count").inner_text() == "3 fait(s) au 2018-12-31 sur 5"
    page.fill("#asof", "2022-01-01")  # the 2019-2021 grant is over by then: shown, marked as ended
    assert grant.is_visible() and "ended" in (grant.get_attribute("class") or "")
    assert event.is_visible()


def test_query_page_sends_saved_queries_to_its_endpoint_only(browser, tmp_path, seed):
    """The editor page loads YASGUI offline with one tab per saved query; running a tab posts the query to the
    endpoint and nowhere else (the endpoint is played by the route below, answering with dtkg's own engine)."""
    import time
    from urllib.parse import parse_qs

    from dtkg.query import run_query, saved_queries
    from dtkg.site import write_query_page

    endpoint = "http://127.0.0.1:9/sparql"
    page_path = write_query_page(tmp_path, endpoint)
    context = browser.new_context(offline=False, service_workers="block")
    posted, blocked, errors = [], [], []

    def route(r):
        url = r.request.url
        if url.startswith("file:"):
            r.continue_()
        elif url == endpoint and r.request.method == "POST":
            query = parse_qs(r.request.post_data or "")["query"][0]
            posted.append(query)
            body = run_query(seed, query).serialize(format="json")
            r.fulfill(status=200, body=body, headers={"Content-Type": "application/sparql-results+json",
                                                      "Access-Control-Allow-Origin": "*"})
        else:
            blocked.append(url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(page_path.as_uri())
        for _ in range(150):
            if page.evaluate("!!(window.dtkgQuery && dtkgQuery.ready)"):
                break
            time.sleep(0.2)
        names = page.evaluate("dtkgQuery.yasgui.persistentConfig.getTabs().map(id => dtkgQuery.yasgui.getTab(id).getName())")
        assert names == [q.name for q in saved_queries()]
        tab = names.index("total-by-funder")
        page.evaluate("(i) => dtkgQuery.yasgui.selectTabId(dtkgQuery.yasgui.persistentConfig.getTabs()[i])", tab)
        page.evaluate("dtkgQuery.yasgui.getTab().getYasqe().query()")
        page.locator(".yasr table tbody tr").first.wait_for(timeout=20000)
        assert posted and "SUM(?amount)" in posted[0]
        assert "Région Hauts-de-France" in page.locator(".yasr table").inner_text()
        assert blocked == [] and errors == []
    finally:
        context.close()
