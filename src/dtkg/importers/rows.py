"""One row of a CSV file as the importers check it: its cells by field name, and its problems reported with the
file, row, column and value, so that every importer reports the same way."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from rdflib import URIRef

from .csvio import CsvRow
from .quirks import year_first_dates
from .report import Report
from .values import ValueProblem

T = TypeVar("T")


class RowContext:
    """Cell access and problem reporting for one row.

    ``cols`` maps each field to the column of the file that holds it; ``column_of`` names the column of a field the
    file lacks (a table's French column name; by default the field's own name); ``source`` is the resource that
    describes the file, which the row's facts are derived from. ``errors`` counts the row's errors: a row with one is
    left out."""

    __slots__ = ("row", "cols", "report", "file", "errors", "source", "_column_of")

    def __init__(self, row: CsvRow, cols: dict[str, str], report: Report, file: str,
                 column_of: Callable[[str], str] | None = None, source: URIRef | None = None) -> None:
        self.row, self.cols, self.report, self.file, self.source = row, cols, report, file, source
        self.errors = 0
        self._column_of = column_of

    @property
    def number(self) -> int:
        return self.row.number

    def cell(self, name: str) -> str:
        """The cell of field ``name``, stripped (``""`` when the file has no such column)."""
        column = self.cols.get(name)
        return self.row.get(column) if column else ""

    def column(self, name: str) -> str:
        """The column a problem with field ``name`` is reported under."""
        column = self.cols.get(name)
        if column:
            return column
        return self._column_of(name) if self._column_of is not None else name

    def problem(self, name: str, reason: str, value: str | None = None, *, severity: str = "error") -> None:
        """Report a problem of field ``name`` (its cell is the value shown unless ``value`` is given)."""
        if severity == "error":
            self.errors += 1
        self.report.add(self.file, self.row.number, self.column(name), self.cell(name) if value is None else value,
                        severity, reason)

    def error(self, name: str, reason: str, value: str | None = None) -> None:
        self.problem(name, reason, value)

    def warning(self, name: str, reason: str, value: str | None = None) -> None:
        self.problem(name, reason, value, severity="warning")

    def parse(self, name: str, parser: Callable[[str], T], *, year_first: bool = False) -> T | None:
        """The cell of ``name`` read by ``parser`` (None when empty, or when refused: the reason is reported).
        ``year_first``: a date written ``2023/01/31`` is read as ``2023-01-31``, with a warning."""
        text = self.cell(name)
        if not text:
            return None
        if year_first and (iso := year_first_dates(text)) is not None:
            self.warning(name, f"date written year first with slashes: read as {iso}")
            text = iso
        try:
            return parser(text)
        except ValueProblem as exc:
            self.error(name, str(exc))
            return None

    def check_filled(self, required: tuple[str, ...] | list[str]) -> None:
        """An error for each field of ``required`` whose cell is empty."""
        for name in required:
            if not self.cell(name):
                self.error(name, "required field is empty")

    def check_extra_cells(self, hint: str) -> None:
        """An error when the row has more cells than the header has columns (``hint`` says what to check)."""
        if self.row.extra:
            self.error("", f"has {len(self.row.extra)} more cell(s) than the header has columns{hint}",
                       value=" | ".join(self.row.extra))
