"""Save the README's pictures of the static site: an actor page, the money flows, the map and the time line, as
headless Chromium shows them offline.

    python benchmarks/site_screenshots.py [-o docs]

Writes docs/site-actor.png (the Communauté Urbaine de Dunkerque), docs/site-flux.png, docs/site-map.png (the Nord's
popup open) and docs/site-time.png (as of 2018-12-31) from the seed data. Uses Debian's Chromium through Playwright (see benchmarks/browser.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser import launch, open_offline  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def screenshots(out_dir: Path) -> list[Path]:
    """Build the seed site in a temporary folder and save the three pictures into ``out_dir``."""
    from playwright.sync_api import sync_playwright

    from dtkg.load import load_dataset
    from dtkg.site import write_site

    shots = [("site-actor.png", "organisation/organisation-cud.html", None),
             ("site-flux.png", "flux.html", None),
             ("site-map.png", "carte.html", None),
             ("site-time.png", "chronologie.html", "2018-12-31")]
    written = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        root = write_site(load_dataset(), Path(tmp) / "site", network_views=0).path
        browser = launch(playwright)
        try:
            for name, page_path, date in shots:
                view = open_offline(browser, root / page_path, width=1000, height=800)
                if date:
                    view.page.fill("#asof", date)
                if name == "site-map.png":
                    view.page.wait_for_selector("html[data-drawn=true]")
                    view.page.evaluate("(() => { const c = dtkgMap.circles['59'].getLatLng(); "
                                       "dtkgMap.map.setView([c.lat + 35, c.lng + 40], 0.5); })()")
                    view.page.evaluate("dtkgMap.open('59')")
                    view.page.wait_for_timeout(400)
                target = out_dir / name
                view.page.screenshot(path=str(target), full_page=name not in ("site-actor.png", "site-map.png"))
                if view.requests or view.errors:
                    raise SystemExit(f"{page_path}: requests {view.requests}, errors {view.errors}")
                view.close()
                written.append(target)
        finally:
            browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--out", type=Path, default=REPO / "docs")
    args = parser.parse_args()
    for path in screenshots(args.out):
        print(f"Wrote {path}")


if __name__ == "__main__":
    main()
