"""Headless Chromium for the network views: the launch flags, an offline page, and waiting for the drawing.

Shared by the browser tests (tests/test_views_browser.py), the screenshot script and the view benchmark. It uses
Debian's Chromium (``/usr/bin/chromium``, or ``$DTKG_CHROMIUM``) through Playwright: never a downloaded browser.
Every request a page makes to anything but a ``file:`` URL is aborted and recorded, so that a test can assert
that a view fetched nothing.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Flags for a headless Chromium that makes no network traffic of its own.
LAUNCH_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_path() -> str | None:
    """The Chromium to drive: ``$DTKG_CHROMIUM`` when set (and only it), else ``/usr/bin/chromium``, else
    ``chromium`` on the PATH; None when there is none."""
    chosen = os.environ.get("DTKG_CHROMIUM")
    candidates = [chosen] if chosen else ["/usr/bin/chromium", shutil.which("chromium")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def launch(playwright: Any) -> Any:
    """A headless Chromium browser (raises when there is none: callers decide whether that skips or fails)."""
    path = chromium_path()
    if path is None:
        raise FileNotFoundError("no Chromium found (install Debian's chromium or set DTKG_CHROMIUM)")
    return playwright.chromium.launch(executable_path=path, headless=True, args=LAUNCH_ARGS)


@dataclass
class OfflinePage:
    """A page whose non-file requests are blocked; ``requests`` lists each one it tried, ``errors`` the console
    errors and uncaught exceptions, ``dialogs`` any alert/confirm/prompt it opened."""

    page: Any
    context: Any
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def close(self) -> None:
        self.context.close()


def open_offline(browser: Any, path: Path | str, *, width: int = 1400, height: int = 900) -> OfflinePage:
    """Open the file ``path`` in a new context where every non-``file:`` request is aborted and recorded."""
    context = browser.new_context(viewport={"width": width, "height": height}, offline=True,
                                  service_workers="block")
    page = context.new_page()
    result = OfflinePage(page=page, context=context)

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith("file:"):
            r.continue_()
        else:
            result.requests.append(url)
            r.abort()

    context.route("**/*", route)
    page.on("console", lambda msg: result.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: result.errors.append(str(exc)))

    def dialog(d: Any) -> None:
        result.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    page.goto(Path(path).resolve().as_uri())
    return result


def wait_drawn(view: OfflinePage, timeout_ms: float = 60_000) -> float:
    """Wait until the view has finished its first drawing; returns when that was, in ms since navigation.

    Fails at once, with the page's messages, when the page reports an error instead of drawing.
    """
    import time

    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        if view.errors:
            raise AssertionError(f"the page reported errors instead of drawing: {view.errors}")
        if view.page.evaluate("document.documentElement.getAttribute('data-drawn') === 'true'"):
            return float(view.page.evaluate("window.dtkgView.drawnAt"))
        if time.monotonic() > deadline:
            raise TimeoutError(f"the view did not finish drawing within {timeout_ms / 1000:.0f} s")
        view.page.wait_for_timeout(50)
