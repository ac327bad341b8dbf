"""The import report: one line per problem, naming the row, the column, the value and the reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from .csvio import write_csv

ERROR = "error"
WARNING = "warning"

#: Columns of the report file (CSV, UTF-8), in English and in the order a person reads them.
REPORT_COLUMNS = ["file", "row", "column", "value", "severity", "reason"]


@dataclass(frozen=True, order=True)
class ReportEntry:
    """One problem of one row: ``row`` counts the header as row 1 (as a spreadsheet and RFC 7111 do).

    ``severity`` is ``error`` (the row is invalid and not imported) or ``warning`` (imported, but look at it).
    """

    file: str
    row: int
    column: str
    value: str
    severity: str
    reason: str

    def line(self) -> str:
        """``file, row 12, column montant, value '-5': error: an amount must be greater than 0``."""
        where = f"{self.file}, row {self.row}" if self.row else self.file
        if self.column:
            where += f", column {self.column}"
        value = f", value {self.value!r}" if self.value else (", empty" if self.column and self.row > 1 else "")
        return f"{where}{value}: {self.severity}: {self.reason}"


@dataclass
class Report:
    """Everything the importer noticed. ``errors`` are rows left out; ``warnings`` were imported."""

    entries: list[ReportEntry] = field(default_factory=list)
    # kept as entries are added, so that asking for the errors after each row costs nothing (a file of invalid rows
    # is reported in linear time)
    _errors: list[ReportEntry] = field(default_factory=list, init=False, repr=False)
    _warnings: list[ReportEntry] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        for entry in self.entries:
            self._index(entry)

    def add(self, file: str, row: int, column: str, value: str, severity: str, reason: str) -> None:
        entry = ReportEntry(file, row, column, value, severity, reason)
        self.entries.append(entry)
        self._index(entry)

    def _index(self, entry: ReportEntry) -> None:
        if entry.severity == ERROR:
            self._errors.append(entry)
        elif entry.severity == WARNING:
            self._warnings.append(entry)

    def error(self, file: str, row: int, column: str, value: str, reason: str) -> None:
        self.add(file, row, column, value, ERROR, reason)

    def warning(self, file: str, row: int, column: str, value: str, reason: str) -> None:
        self.add(file, row, column, value, WARNING, reason)

    @property
    def errors(self) -> list[ReportEntry]:
        return self._errors

    @property
    def warnings(self) -> list[ReportEntry]:
        return self._warnings

    def invalid_rows(self) -> set[tuple[str, int]]:
        """(file, row) of every row with at least one error."""
        return {(e.file, e.row) for e in self.errors}

    def sorted(self) -> list[ReportEntry]:
        """Entries by file, row, then errors before warnings."""
        return sorted(self.entries, key=lambda e: (e.file, e.row, e.severity != ERROR, e.column, e.reason, e.value))

    def lines(self) -> list[str]:
        return [e.line() for e in self.sorted()]

    def to_csv(self) -> bytes:
        """The report as CSV (columns :data:`REPORT_COLUMNS`), sorted by file and row."""
        rows = [REPORT_COLUMNS] + [[e.file, str(e.row), e.column, e.value, e.severity, e.reason]
                                   for e in self.sorted()]
        return write_csv([[inert_cell(cell) for cell in row] for row in rows])


#: First characters that make a spreadsheet read a cell as a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert_cell(text: str) -> str:
    """``text`` as a spreadsheet will show it and never run it: a cell that starts like a formula gets a leading
    apostrophe (values and column names come from the imported file, so they may be crafted)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class InvalidRows(InputError):
    """Some rows are invalid and ``skip_invalid`` was not given: nothing was written. Carries the report."""

    def __init__(self, report: Report, path: Path | str, *, rows: int) -> None:
        self.report = report
        invalid = len(report.invalid_rows())
        super().__init__(f"{invalid} of {rows} row(s) are invalid ({len(report.errors)} problem(s)); nothing was "
                         "written. Fix them, or use --skip-invalid to import the valid rows and write the report.",
                         path=path)
