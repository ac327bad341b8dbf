"""review.html of `dtkg extract` in a real browser (Debian's headless Chromium, network blocked): it loads offline,
a label with markup stays text, and clicking a highlighted span brings its row into view as the target."""

from __future__ import annotations

import sys

import pytest

from conftest import REPO, in_ci

sys.path.insert(0, str(REPO / "benchmarks"))
from browser import chromium_path, launch, open_offline  # noqa: E402

pytestmark = pytest.mark.browser


def _unavailable(reason: str) -> None:
    if in_ci():
        pytest.fail(f"{reason}: CI=true, so the browser tests must run (install Debian's chromium)")
    pytest.skip(f"{reason} (these tests never skip on CI)")


@pytest.fixture(scope="module")
def browser():
    if chromium_path() is None:
        _unavailable("Chromium is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


def test_review_page_offline_escaped_and_linked(browser, tmp_path):
    from dtkg.extract import extract_files

    text = tmp_path / "communique.txt"
    text.write_text("La Région Hauts-de-France accorde une subvention de 5 000 euros à l’association "
                    "« Les <img src=x onerror=\"window.__pwned=1\"> du Code », présidée par Jeanne DUVAL.\n",
                    encoding="utf-8")
    (draft,) = extract_files([text], tmp_path / "out").drafts
    view = open_offline(browser, draft.folder / "review.html")
    try:
        page = view.page
        assert page.evaluate("window.__pwned") is None
        assert page.locator("img").count() == 0
        assert "<img src=x" in page.locator("table").first.inner_text()
        amount = page.locator("a.m.amount").first
        assert amount.inner_text() == "5 000 euros"
        amount.click()
        assert page.evaluate("location.hash") == "#subventions-2"
        assert page.locator("tr:target").inner_text().startswith("region-hauts-de-france")
        assert view.requests == [] and view.errors == []
    finally:
        view.close()
