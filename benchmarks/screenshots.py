"""Save the pictures of the docs: dtkg's pages from the seed data, as headless Chromium shows them, offline.

    python benchmarks/screenshots.py network [--select LABEL] [-o docs/network.png]
    python benchmarks/screenshots.py extract [-o docs/extract-review.png]
    python benchmarks/screenshots.py site [-o docs]
    python benchmarks/screenshots.py all [-o docs]

network: the actors view (the page `dtkg build` writes, out/network.html) with the node LABEL (default: Région
Hauts-de-France) selected, so that the picture shows the panel with facts, links and the source quotes.
extract: the review page `dtkg extract <seed text> --date 2019-09-28` writes.
site: four pages of the static site: site-actor.png (the Communauté Urbaine de Dunkerque), site-flux.png,
site-map.png (the Nord's popup open) and site-time.png (as of 2018-12-31).
all: the three above into one folder.

Every page is opened with every network request blocked; a page that fetches anything or logs an error stops the
script before its picture is written. Uses Debian's Chromium through Playwright (see benchmarks/browser.py).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser import launch, open_offline, wait_drawn  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
SEED_TEXT = REPO / "data" / "sources" / "2019-09-28-inauguration-atelier-bourbourg.fr.txt"
SELECT = "Région Hauts-de-France"


def shoot(browser: Any, page_path: Path, target: Path, *, width: int, height: int,
          prepare: Callable[[Any], None] | None = None, full_page: bool = False) -> Path:
    """Open ``page_path`` offline, let ``prepare`` act on the view, and save the picture to ``target``; refuse a
    page that fetched anything or logged an error (nothing is written then)."""
    view = open_offline(browser, page_path, width=width, height=height)
    try:
        view.page.wait_for_load_state("load")
        if prepare is not None:
            prepare(view)
        png = view.page.screenshot(full_page=full_page)
        if view.requests or view.errors:
            raise SystemExit(f"{page_path.name}: the page fetched {view.requests} or logged errors {view.errors}")
    finally:
        view.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(png)
    return target


def network(browser: Any, output: Path, select: str | None = SELECT) -> list[Path]:
    """The seed actors view with the node labelled ``select`` selected (none if ``select`` is empty)."""
    from dtkg.load import load_dataset
    from dtkg.network import plain_graph, to_networkx
    from dtkg.views import write_html

    def prepare(view: Any) -> None:
        wait_drawn(view)
        if select:
            index = view.page.evaluate("(l) => dtkgView.data.nodes.findIndex(n => n[0] === l)", select)
            if index < 0:
                raise SystemExit(f"no node labelled {select!r} in the actors view")
            view.page.evaluate("(i) => dtkgView.selectNode(i)", index)
        view.page.wait_for_timeout(200)

    with tempfile.TemporaryDirectory() as tmp:
        page_path = write_html(to_networkx(plain_graph(load_dataset()), "actors"), Path(tmp) / "network.html")
        return [shoot(browser, page_path, output, width=1400, height=860, prepare=prepare)]


def extract_review(browser: Any, output: Path) -> list[Path]:
    """The review page of the seed text's draft (``dtkg extract`` into a temporary folder)."""
    from dtkg.extract import extract_files

    with tempfile.TemporaryDirectory() as tmp:
        result = extract_files([SEED_TEXT], tmp, date=_dt.date(2019, 9, 28))
        return [shoot(browser, result.drafts[0].folder / "review.html", output, width=1200, height=1000)]


def site(browser: Any, out_dir: Path) -> list[Path]:
    """An actor page, the money flows, the map and the time line of the seed site, into ``out_dir``."""
    from dtkg.load import load_dataset
    from dtkg.site import write_site

    def as_of(date: str) -> Callable[[Any], None]:
        return lambda view: view.page.fill("#asof", date)

    def nord_popup(view: Any) -> None:
        view.page.wait_for_selector("html[data-drawn=true]")
        view.page.evaluate("(() => { const c = dtkgMap.circles['59'].getLatLng(); "
                           "dtkgMap.map.setView([c.lat + 35, c.lng + 40], 0.5); })()")
        view.page.evaluate("dtkgMap.open('59')")
        view.page.wait_for_timeout(400)

    shots = [("site-actor.png", "organisation/organisation-cud.html", None, False),
             ("site-flux.png", "flux.html", None, True),
             ("site-map.png", "carte.html", nord_popup, False),
             ("site-time.png", "chronologie.html", as_of("2018-12-31"), True)]
    with tempfile.TemporaryDirectory() as tmp:
        root = write_site(load_dataset(), Path(tmp) / "site", network_views=0).path
        return [shoot(browser, root / page, out_dir / name, width=1000, height=800, prepare=prepare, full_page=full)
                for name, page, prepare, full in shots]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="{network,extract,site,all}")
    one = commands.add_parser("network", help="the actors view, a node selected")
    one.add_argument("-o", "--output", type=Path, default=DOCS / "network.png", help="PNG to write")
    one.add_argument("--select", default=SELECT, help="label of the node to select ('' for none)")
    one = commands.add_parser("extract", help="the review page of `dtkg extract`")
    one.add_argument("-o", "--output", type=Path, default=DOCS / "extract-review.png", help="PNG to write")
    one = commands.add_parser("site", help="four pages of the static site")
    one.add_argument("-o", "--out", type=Path, default=DOCS, help="folder of the four PNG files")
    one = commands.add_parser("all", help="every picture above, into one folder")
    one.add_argument("-o", "--out", type=Path, default=DOCS, help="folder of the PNG files")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            if args.command == "network":
                written = network(browser, args.output, args.select or None)
            elif args.command == "extract":
                written = extract_review(browser, args.output)
            elif args.command == "site":
                written = site(browser, args.out)
            else:
                written = (network(browser, args.out / "network.png") + extract_review(browser, args.out /
                           "extract-review.png") + site(browser, args.out))
        finally:
            browser.close()
    for path in written:
        print(f"Wrote {path}")


if __name__ == "__main__":
    main()
