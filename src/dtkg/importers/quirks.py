"""What real published files do that the schemas do not foresee, read with a warning rather than refused.

Found in SCDL files of French départements: dates written year first with slashes (``2018/01/30``, unambiguous),
files that start with a UTF-8 byte-order mark and continue in Windows-1252 (a spreadsheet export appended to a
UTF-8 header), and values of an enumeration that differ from the schema's only by case (``Aide en numéraire``).
"""

from __future__ import annotations

import codecs
import re

from .report import Report

#: How :func:`decode_bom_then_cp1252` names the encoding it read.
BOM_THEN_CP1252 = "windows-1252 after a UTF-8 byte-order mark"

_YEAR_FIRST = r"(\d{4})/(\d{1,2})/(\d{1,2})"
_YEAR_FIRST_DATE = re.compile(rf"^{_YEAR_FIRST}$")
_YEAR_FIRST_PERIOD = re.compile(rf"^{_YEAR_FIRST}/{_YEAR_FIRST}$")


def year_first_dates(text: str) -> str | None:
    """``2018/01/30`` → ``2018-01-30`` and ``2018/01/01/2018/12/31`` → ``2018-01-01/2018-12-31``; None when
    ``text`` is not written that way. Year first is unambiguous: no day/month confusion is possible."""
    value = text.strip()
    if m := _YEAR_FIRST_DATE.match(value):
        return "{}-{:0>2}-{:0>2}".format(*m.groups())
    if m := _YEAR_FIRST_PERIOD.match(value):
        g = m.groups()
        return "{}-{:0>2}-{:0>2}/{}-{:0>2}-{:0>2}".format(*g)
    return None


def decode_bom_then_cp1252(raw: bytes) -> tuple[str, int] | None:
    """A file that starts with a UTF-8 byte-order mark but is not UTF-8 throughout: each line read as UTF-8 when
    it is, else as Windows-1252. Returns the text and the number of Windows-1252 lines, or None when some line is
    neither (then the file is something else and is refused)."""
    if not raw.startswith(codecs.BOM_UTF8):
        return None
    lines = []
    legacy = 0
    for line in raw[len(codecs.BOM_UTF8):].splitlines(keepends=True):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            try:
                lines.append(line.decode("cp1252"))
            except UnicodeDecodeError:
                return None
            legacy += 1
    return "".join(lines), legacy


def note_encoding(encoding: str, file: str, report: Report) -> None:
    """Tell the report when the file was read with :data:`BOM_THEN_CP1252`, so that whoever published it can fix it
    and whoever reads the import knows the accents were guessed."""
    if encoding == BOM_THEN_CP1252:
        report.warning(file, 1, "", "", "the file starts with a UTF-8 byte-order mark but continues in "
                       "Windows-1252: read line by line (UTF-8 where it is, else Windows-1252); check the accents")


def case_only_difference(value: str, allowed: dict[str, str]) -> str | None:
    """The schema's spelling of ``value`` when they differ only by case (``Unique`` → ``unique``); None when
    ``value`` is spelt as the schema does or is not one of its values. ``allowed`` maps casefolded → spelling."""
    spelling = allowed.get(value.strip().casefold())
    if spelling is not None and spelling != value.strip():
        return spelling
    return None
