"""`dtkg serve` serves the site of the graph at / and a SPARQL editor over its own read-only endpoint: the files
of the site and nothing outside them, read with GET only; the editor runs a saved query on the same origin."""

from __future__ import annotations

import socket
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO
from dtkg.query import saved_queries
from dtkg.site import write_site
from servers import dtkg_serve

sys.path.insert(0, str(REPO / "benchmarks"))


@pytest.fixture(scope="module")
def served(seed_store: Path):
    with dtkg_serve(seed_store, "--workers", "1", "--site-network-views", "2") as (url, process):
        yield url.rsplit("/", 1)[0], process


def get(url: str, method: str = "GET") -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, method=method, data=b"x" if method == "POST" else None)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def raw(base: str, target: str) -> bytes:
    """The status line of a GET of ``target`` sent as is (no client normalises its dots)."""
    host, port = base.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        return sock.recv(200).split(b"\r\n")[0]


def test_site_and_editor_are_served_next_to_the_endpoint(served):
    base, process = served
    status, headers, body = get(base + "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b"Acteurs de la transition num" in body and b'href="/requetes.html"' in body
    status, _, body = get(base + "/carte.html")
    assert status == 200 and b"L&#39;ATELIER" in body
    status, headers, body = get(base + "/flux.csv")
    assert status == 200 and headers["Content-Type"].startswith("text/csv") and b"6421" in body
    status, _, body = get(base + "/requetes.html")
    assert status == 200 and (b"connect-src &#39;self&#39;" in body or b"connect-src 'self'" in body)
    for query in saved_queries():
        assert query.name.encode() in body
    status, _, body = get(base + "/sparql?query=ASK%7B%7D")
    assert status == 200 and b"true" in body


def test_nothing_outside_the_site_is_served(served, seed_store):
    base, _ = served
    for target in ("/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/.dtkg-site", "/carte.html%00.png",
                   "/..%2f..%2fetc%2fpasswd", "/person/..%5c..%5cetc", "/nope.html"):
        assert raw(base, target).startswith(b"HTTP/1.1 404"), target
    assert get(base + "/carte.html", "POST")[0] == 405
    assert get(base + "/requetes.html", "PUT")[0] == 403
    status, _, body = get(base + "/update?update=CLEAR%20ALL", "POST")
    assert status == 403


def test_a_given_site_is_served_and_a_folder_that_is_not_one_refused(seed_store, tmp_path, seed):
    site = write_site(seed, tmp_path / "mine", network_views=0).path
    (site / "index.html").write_text("<!DOCTYPE html><title>mine</title>", encoding="utf-8")
    with dtkg_serve(seed_store, "--workers", "1", "--site", str(site)) as (url, _):
        base = url.rsplit("/", 1)[0]
        assert get(base + "/")[2] == b"<!DOCTYPE html><title>mine</title>"
        assert get(base + "/requetes.html")[0] == 200
    with dtkg_serve(seed_store, "--workers", "1", "--no-site") as (url, _):
        assert b"read-only SPARQL 1.1 endpoint" in get(url.rsplit("/", 1)[0] + "/")[2]
    exe = Path(sys.executable).parent / "dtkg"
    import subprocess

    done = subprocess.run([str(exe), "serve", "--store", str(seed_store), "--site", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "not a site written by `dtkg site`" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.browser
def test_editor_runs_a_saved_query_against_dtkg_serve(browser, served):
    """The editor page, from `dtkg serve`, runs the saved query total-by-funder on the same origin's /sparql and
    shows its rows; nothing is requested from any other origin."""
    base, _ = served
    context = browser.new_context(service_workers="block")
    outside, errors, posted = [], [], []

    def route(r):
        if r.request.url.startswith(base + "/"):
            if r.request.url.startswith(base + "/sparql"):
                posted.append(r.request.method)
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(base + "/")
        page.get_by_role("link", name="éditeur de requêtes").click()
        page.wait_for_url("**/requetes.html")
        for _ in range(150):
            if page.evaluate("!!(window.dtkgQuery && dtkgQuery.ready)"):
                break
            time.sleep(0.2)
        names = page.evaluate("dtkgQuery.yasgui.persistentConfig.getTabs().map(id => dtkgQuery.yasgui.getTab(id).getName())")
        assert names == [q.name for q in saved_queries()]
        page.evaluate("(i) => dtkgQuery.yasgui.selectTabId(dtkgQuery.yasgui.persistentConfig.getTabs()[i])",
                      names.index("total-by-funder"))
        page.evaluate("dtkgQuery.yasgui.getTab().getYasqe().query()")
        page.locator(".yasr table tbody tr").first.wait_for(timeout=30000)
        table = page.locator(".yasr table").inner_text()
        assert "Région Hauts-de-France" in table and "120000" in table.replace(" ", "").replace("\u202f", "")
        assert posted == ["POST"] and outside == [] and errors == []
        page.goto(base + "/carte.html")
        page.wait_for_selector("html[data-drawn=true]")
        assert page.locator(".leaflet-tooltip").all_inner_texts() == ["Nord — 120 000 €"]
        assert outside == [] and errors == []
    finally:
        context.close()
