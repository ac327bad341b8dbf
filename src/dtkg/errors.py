"""Errors that reach the user: each names the file (and line or row) and says what is wrong."""

from __future__ import annotations

from pathlib import Path


class DtkgError(Exception):
    """Base of every error dtkg reports to a user; the command line prints it without a traceback."""

    exit_code = 1


class InputError(DtkgError):
    """Bad input (a malformed file, an unknown query name, a bad parameter): exit code 2, nothing written."""

    exit_code = 2

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.line = line
        self.reason = message
        where = ""
        if self.path is not None:
            where = f"{self.path}:{line}: " if line is not None else f"{self.path}: "
        super().__init__(f"{where}{message}")


class ValidationFailed(DtkgError):
    """The data does not conform to the shapes; carries the report so that callers can print it."""

    exit_code = 1

    def __init__(self, report: object, *, printed: bool = False) -> None:
        self.report = report
        self.printed = printed  # True when the report's lines were already shown to the user
        super().__init__(f"the data does not conform to the shapes: {len(getattr(report, 'violations', []))} violation(s)")
