"""Save docs/network.png: the actors view of the seed data as headless Chromium shows it, offline.

    python benchmarks/screenshot.py [--select LABEL] [-o docs/network.png]

The page is the one `dtkg build` writes (out/network.html), opened with every network request blocked; the node
LABEL (default: Région Hauts-de-France) is selected so that the picture shows the panel with facts, links and
the source quotes. Uses Debian's Chromium through Playwright (see benchmarks/browser.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser import launch, open_offline, wait_drawn  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def screenshot(output: Path, select: str | None = "Région Hauts-de-France", width: int = 1400,
               height: int = 860) -> Path:
    """Render the seed actors view and save a PNG of the page to ``output``."""
    from playwright.sync_api import sync_playwright

    from dtkg.load import load_dataset
    from dtkg.network import plain_graph, to_networkx
    from dtkg.views import write_html

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        page_path = write_html(to_networkx(plain_graph(load_dataset()), "actors"), Path(tmp) / "network.html")
        browser = launch(playwright)
        try:
            view = open_offline(browser, page_path, width=width, height=height)
            wait_drawn(view)
            if select:
                index = view.page.evaluate("(l) => dtkgView.data.nodes.findIndex(n => n[0] === l)", select)
                if index < 0:
                    raise SystemExit(f"no node labelled {select!r} in the actors view")
                view.page.evaluate("(i) => dtkgView.selectNode(i)", index)
            view.page.wait_for_timeout(200)
            if view.requests or view.errors:
                raise SystemExit(f"the page fetched {view.requests} or logged errors {view.errors}")
            output.parent.mkdir(parents=True, exist_ok=True)
            view.page.screenshot(path=str(output))
            view.close()
        finally:
            browser.close()
    return output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", type=Path, default=REPO / "docs" / "network.png", help="PNG to write")
    parser.add_argument("--select", default="Région Hauts-de-France", help="label of the node to select ('' for none)")
    args = parser.parse_args()
    print(f"Wrote {screenshot(args.output, args.select or None)}")


if __name__ == "__main__":
    main()
