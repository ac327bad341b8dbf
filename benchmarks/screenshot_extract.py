"""Save docs/extract-review.png: the review page `dtkg extract` writes for the seed's press text, as headless
Chromium shows it, offline.

    python benchmarks/screenshot_extract.py [-o docs/extract-review.png]

The draft is written into a temporary folder (`dtkg extract <seed text> --date 2019-09-28`), its review.html opened
with every network request blocked. Uses Debian's Chromium through Playwright (see benchmarks/browser.py).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser import launch, open_offline  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SEED_TEXT = REPO / "data" / "sources" / "2019-09-28-inauguration-atelier-bourbourg.fr.txt"


def screenshot(output: Path, width: int = 1200, height: int = 1000) -> Path:
    """Write the seed text's draft and save a PNG of its review page to ``output``."""
    from playwright.sync_api import sync_playwright

    from dtkg.extract import extract_files

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        result = extract_files([SEED_TEXT], tmp, date=_dt.date(2019, 9, 28))
        page_path = result.drafts[0].folder / "review.html"
        browser = launch(playwright)
        try:
            view = open_offline(browser, page_path, width=width, height=height)
            view.page.wait_for_load_state("load")
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
    parser.add_argument("-o", "--output", type=Path, default=REPO / "docs" / "extract-review.png", help="PNG to write")
    args = parser.parse_args()
    print(f"Wrote {screenshot(args.output)}")


if __name__ == "__main__":
    main()
