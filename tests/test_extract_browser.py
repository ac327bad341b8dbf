"""review.html of `dtkg extract` in a real browser (Debian's headless Chromium, network blocked): it loads offline,
a label with markup stays text, and clicking a highlighted span brings its row into view as the target."""

from __future__ import annotations

import sys

import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from browser import open_offline  # noqa: E402

pytestmark = pytest.mark.browser


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
