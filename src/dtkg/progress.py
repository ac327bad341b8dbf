"""Progress bars for long operations (loads, imports, pushes), shown only on a terminal and only past a second."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def progress_bar(description: str, total: int, *, unit: str = "items", enabled: bool = True,
                 delay: float = 1.0) -> Iterator[Callable[[int], None]]:
    """Yield ``advance(n)``; a rich progress bar appears on stderr once ``delay`` seconds have passed.

    Short operations print nothing, and neither does anything that is not a terminal (CI logs, pipes).
    """
    if not enabled or not sys.stderr.isatty() or total <= 0:
        yield lambda n: None
        return
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    columns = [TextColumn("{task.description}"), BarColumn(), TimeRemainingColumn()]
    if unit == "bytes":
        columns.insert(2, DownloadColumn())
    progress = Progress(*columns, transient=True)
    task = None
    start = time.monotonic()
    done = 0

    def advance(n: int) -> None:
        nonlocal task, done
        done += n
        if task is None and time.monotonic() - start >= delay:
            progress.start()
            task = progress.add_task(description, total=total, completed=done)
        elif task is not None:
            progress.update(task, completed=done)

    try:
        yield advance
    finally:
        if task is not None:
            progress.stop()
