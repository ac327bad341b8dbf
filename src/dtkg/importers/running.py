"""Running an import, whatever its format: open the input (read, check headers, index the data folder), convert
every row through the one row reader, then write everything at once (:func:`~dtkg.importers.outputs.finish`).

A format supplies a :class:`Conversion`: how its input is opened, and the converter of its rows. Everything else
(the choices, the progress bar, the timings, the fingerprint, the writing) is the same for every format."""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..progress import progress_bar
from .csv_import import CsvImport, InputFile
from .outputs import ImportChoices, ImportPlan, ImportResult, finish
from .rows import RowContext

if TYPE_CHECKING:  # pragma: no cover
    from .registry import ImportFormat


class RowConverter:
    """The conversion of a format's rows: :meth:`convert` is given each row (already checked for the cells beyond
    the header and the required fields) and writes its facts, or keeps them for :meth:`end`, called once every row
    is read. ``imported`` counts the rows imported; ``extra_files`` are files written with the import."""

    imported: int = 0
    extra_files: Sequence[tuple[Path, bytes]] = ()

    def convert(self, ctx: RowContext, file: InputFile) -> None:
        raise NotImplementedError

    def end(self) -> None:
        """Nothing by default: the rows were written as they came."""


@dataclass(frozen=True)
class Conversion:
    """How the engine runs one format: ``open`` reads the input (a file or a folder) into a :class:`CsvImport`,
    ``converter`` makes the converter of its rows."""

    open: Callable[[Path | str, Path | str, ImportChoices], CsvImport]
    converter: Callable[[CsvImport, ImportChoices], RowConverter]


@contextlib.contextmanager
def _without_cycle_collection():
    """Pause Python's cyclic garbage collector: an import allocates millions of small objects that live until the
    end (terms, triples, the writer's indexes) and make no reference cycles, and each full collection walks all
    of them again (a quarter of the time of a 100,000-row import). Memory is still freed by reference counting."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run_format(fmt: ImportFormat, path: Path | str, data_dir: Path | str, options: dict[str, Any]) -> ImportResult:
    """Import ``path`` into ``data_dir`` as the format ``fmt`` (an entry of the registry), with the keyword
    ``options`` of :class:`ImportChoices` the format takes."""
    choices = ImportChoices.of(options, caller=fmt.function.split(":")[1], without=() if fmt.strict else ("strict",))
    conversion: Conversion = fmt.engine()
    with _without_cycle_collection():
        run = conversion.open(path, data_dir, choices)
        converter = conversion.converter(run, choices)
        with progress_bar("Importing rows", run.rows_read, enabled=choices.progress) as advance:
            for file in run.files:
                for ctx in file.rows(run.report, strict=choices.strict):
                    converter.convert(ctx, file)
                    advance(1)
        converter.end()
        run.timings["convert"] = time.perf_counter() - run.clock
        plan = ImportPlan(kind=run.kind, builder=run.builder, report=run.report, sources=[f.source for f in run.files],
                          output=run.output, data_dir=run.data_dir, header_title=run.header_title,
                          input_path=run.input_path, extra_files=converter.extra_files,
                          options=f"strict={choices.strict}" if fmt.strict else "")
        return finish(plan, choices, rows_read=run.rows_read, rows_imported=converter.imported, timings=run.timings)


__all__ = ["Conversion", "RowConverter", "run_format"]
