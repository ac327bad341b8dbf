"""Reading CSV files as they come from spreadsheets and open-data portals.

Encodings: UTF-8 with or without a byte-order mark, UTF-16 with a byte-order mark (Excel's "Unicode text"), and
otherwise Windows-1252 (what Excel writes on a French Windows). Separators: ``,``, ``;`` or tab, chosen from the
header line. Rows are numbered as a spreadsheet shows them and as RFC 7111 (``#row=N``) counts them: the header is
row 1, the first data row is row 2; a quoted cell spanning several lines is still one row.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError

#: Most columns a header may name: the standards have a few dozen; far more means a wrong file or separator.
MAX_COLUMNS = 1000

#: Separators recognised in the header line, in order of preference when counts are equal.
SEPARATORS = (",", ";", "\t", "|")


@dataclass(frozen=True)
class CsvRow:
    """One data row: its number (header = row 1) and its cells by column name (missing cells are ``""``)."""

    number: int
    values: dict[str, str]
    extra: tuple[str, ...] = ()  # cells beyond the header's columns

    def get(self, column: str) -> str:
        """The cell of ``column`` with surrounding spaces removed (``""`` when the column is absent)."""
        return self.values.get(column, "").strip()


@dataclass
class CsvTable:
    """A CSV file read into memory, with how it was read (for provenance and for the report)."""

    path: Path
    raw: bytes
    text: str
    encoding: str
    delimiter: str
    header: list[str]
    rows: list[CsvRow] = field(default_factory=list)

    @property
    def sha256(self) -> str:
        """SHA-256 of the file's bytes as received."""
        return hashlib.sha256(self.raw).hexdigest()

    @property
    def is_utf8(self) -> bool:
        """True when the file was UTF-8 (with or without BOM), so that it can be kept byte for byte."""
        return self.encoding in ("utf-8", "utf-8-sig")

    def utf8_bytes(self) -> bytes:
        """The file as UTF-8 bytes: its own bytes when it was UTF-8, else its text re-encoded (rows unchanged)."""
        return self.raw if self.is_utf8 else self.text.encode("utf-8")


def decode(raw: bytes, path: Path | str = "<bytes>") -> tuple[str, str]:
    """The text of ``raw`` and the encoding used: UTF-8 (BOM or not), UTF-16 (with BOM), else Windows-1252."""
    if raw.startswith(codecs.BOM_UTF8):
        try:
            return raw[len(codecs.BOM_UTF8):].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            from .quirks import BOM_THEN_CP1252, decode_bom_then_cp1252

            mixed = decode_bom_then_cp1252(raw)  # a UTF-8 header, then a Windows-1252 export: read, and reported
            if mixed is not None:
                return mixed[0], BOM_THEN_CP1252
            raise InputError(f"starts with a UTF-8 byte-order mark but is not UTF-8 (byte 0x{raw[exc.start + 3]:02x} "
                             f"at offset {exc.start + 3})", path=path) from exc
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise InputError("starts with a UTF-16 byte-order mark but is not UTF-16", path=path) from exc
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        # the five bytes Windows-1252 leaves undefined: the file is in some other 8-bit encoding
        return raw.decode("latin-1"), "iso-8859-1"


def sniff_delimiter(first_line: str) -> str:
    """The separator of a CSV file, from its header line: the most frequent of ``,`` ``;`` tab ``|`` outside
    quotes (``,`` when the header has a single column)."""
    counts = {sep: 0 for sep in SEPARATORS}
    quoted = False
    for ch in first_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(SEPARATORS, key=lambda s: (counts[s], -SEPARATORS.index(s)))
    return best if counts[best] else ","


def _first_record(text: str) -> str:
    """The header line (a quoted header cell may contain a line break)."""
    quoted = False
    for i, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
        elif ch in "\r\n" and not quoted:
            return text[:i]
    return text


def read_csv(path: Path | str, *, raw: bytes | None = None) -> CsvTable:
    """Read ``path`` (encoding and separator detected) into a :class:`CsvTable`.

    Raises :class:`~dtkg.errors.InputError` naming the file (and line) when it cannot be read as CSV: empty file,
    no header, a column name given twice, an unterminated quoted cell.
    """
    path = Path(path)
    if raw is None:
        try:
            raw = path.read_bytes()
        except IsADirectoryError as exc:
            raise InputError("is a folder, not a CSV file", path=path) from exc
        except OSError as exc:
            raise InputError(f"cannot be read: {exc.strerror}", path=path) from exc
    text, encoding = decode(raw, path)
    if "\x00" in text:
        raise InputError("contains NUL bytes: it is not a text (CSV) file; export the spreadsheet as CSV", path=path)
    if not text.strip():
        raise InputError("is empty: a CSV file needs a header row naming its columns", path=path)
    delimiter = sniff_delimiter(_first_record(text))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True,
                        strict=True)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise InputError(f"is not valid CSV: {exc}", path=path, line=reader.line_num) from exc
    if not records or not any(cell.strip() for cell in records[0]):
        raise InputError("has no header row naming its columns", path=path, line=1)
    if len(records[0]) > MAX_COLUMNS:
        raise InputError(f"has {len(records[0]):,} columns in its header; at most {MAX_COLUMNS:,} are read "
                         f"(is the separator {sniff_delimiter(_first_record(text))!r} right?)", path=path, line=1)
    header = [cell.strip().lstrip("\ufeff").strip() for cell in records[0]]
    while header and not header[-1]:  # trailing separators after the last column name
        header.pop()
    seen: set[str] = set()
    for index, name in enumerate(header):
        if not name:
            raise InputError(f"column {index + 1} of the header has no name", path=path, line=1)
        if name in seen:
            raise InputError(f"the column {name!r} appears twice in the header", path=path, line=1)
        seen.add(name)
    rows: list[CsvRow] = []
    width = len(header)
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # a blank line: still counted, so that row numbers match the spreadsheet
        cells = record[:width] + [""] * (width - len(record))
        extra = tuple(c for c in record[width:])
        kept_extra = extra if any(c.strip() for c in extra) else ()
        rows.append(CsvRow(number, dict(zip(header, cells, strict=True)), kept_extra))
    return CsvTable(path=path, raw=raw, text=text, encoding=encoding, delimiter=delimiter, header=header, rows=rows)


def require_rows(table: CsvTable) -> CsvTable:
    """``table``, or an :class:`InputError` when it has a header and no data row (an import of nothing is a mistake
    worth saying, not an empty file to write)."""
    if not table.rows:
        raise InputError("has a header but no rows: nothing to import", path=table.path)
    return table


def write_csv(rows: list[list[str]], delimiter: str = ",") -> bytes:
    """CSV bytes (UTF-8, ``\\n`` line ends) for reports and templates. A row with a carriage return in a cell is
    written fully quoted (the csv module quotes only the characters of its own line end)."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    quoted = csv.writer(buf, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for row in rows:
        (quoted if any("\r" in cell for cell in row) else writer).writerow(row)
    return buf.getvalue().encode("utf-8")
