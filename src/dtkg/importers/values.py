"""Reading the values people really write in spreadsheets: amounts with spaces and decimal commas, French dates,
SIRET numbers mangled by spreadsheets, names with typographic apostrophes.

Every parser returns the normalised value or raises :class:`ValueProblem` whose message says, in a sentence a
person can act on, why the value is refused (the importers put it in the report next to the row and column).
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..identifiers import (  # noqa: F401  (siret_is_valid: re-exported)
    insee_commune_is_valid,
    rna_is_valid,
    siren_is_valid,
    siret_is_valid,
)


class ValueProblem(ValueError):
    """A value that cannot be read; ``str(exc)`` is the reason shown in the report."""


# ---------------------------------------------------------------------------------------------------- numbers

#: Spaces people and spreadsheets put between thousands: space, no-break space, narrow no-break space, thin space.
_THOUSANDS_SPACES = re.compile(r"[ \u00a0\u202f\u2009\u2007']")
_CURRENCY = re.compile(r"(?:€|eur|euros?)$", re.IGNORECASE)
_PLAIN_NUMBER = re.compile(r"^[+-]?[0-9]+(?:\.[0-9]+)?$")
_GROUPED = re.compile(r"^[+-]?[0-9]{1,3}(?:[.,][0-9]{3})+$")


def parse_decimal(text: str) -> Decimal:
    """A number written ``6421.00``, ``6 421,00``, ``6.421,00``, ``6,421.00`` or ``6 421 €`` as a ``Decimal``.

    A single comma is a decimal comma (French usage); when both ``,`` and ``.`` appear, the last one is the decimal
    separator. Spaces, no-break spaces and narrow no-break spaces between thousands are ignored.
    """
    raw = text.strip()
    value = _CURRENCY.sub("", raw).strip()
    value = _THOUSANDS_SPACES.sub("", value)
    if not value:
        raise ValueProblem("is not a number")
    if "," in value and "." in value:
        decimal_sep = "," if value.rfind(",") > value.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        value = value.replace(thousands, "").replace(decimal_sep, ".")
    elif value.count(",") == 1:
        value = value.replace(",", ".")
    elif value.count(",") > 1 or value.count(".") > 1:
        if not _GROUPED.match(value):
            raise ValueProblem("is not a number")
        value = value.replace(",", "").replace(".", "")
    if not _PLAIN_NUMBER.match(value):
        if re.match(r"^[+-]?[0-9.]+[eE][+-]?[0-9]+$", value):
            raise ValueProblem("is written in scientific notation (a spreadsheet turned it into a number); "
                               "write it in full")
        raise ValueProblem("is not a number")
    try:
        return Decimal(value)
    except InvalidOperation as exc:  # pragma: no cover - the pattern above only lets decimals through
        raise ValueProblem("is not a number") from exc


def decimal_lexical(value: Decimal, *, places: int | None = None) -> str:
    """The canonical ``xsd:decimal`` form of ``value`` (``6421.00`` with ``places=2``; never an exponent)."""
    if places is not None and -value.as_tuple().exponent <= places:
        value = value.quantize(Decimal(1).scaleb(-places))
    text = format(value, "f")
    if "." not in text:
        text += ".0"
    return text


def parse_amount(text: str) -> Decimal:
    """An amount of money: a number greater than 0 (``6 421,00`` → ``Decimal('6421.00')``)."""
    amount = parse_decimal(text)
    if amount <= 0:
        raise ValueProblem("an amount must be greater than 0")
    return amount


def parse_coordinate(text: str, low: int, high: int, name: str) -> Decimal:
    """A latitude or longitude in decimal degrees (WGS 84), between ``low`` and ``high``."""
    value = parse_decimal(text)
    if not low <= value <= high:
        raise ValueProblem(f"a {name} is between {low} and {high} degrees")
    return value


# ---------------------------------------------------------------------------------------------------- dates

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_FR_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(text: str) -> _dt.date:
    """A calendar date written ``YYYY-MM-DD`` (ISO 8601, optionally followed by a time) or ``DD/MM/YYYY``."""
    value = text.strip()
    iso = _ISO_DATE.match(value)
    fr = _FR_DATE.match(value)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    elif fr:
        day, month, year = (int(g) for g in fr.groups())
    else:
        raise ValueProblem("is not a date (write YYYY-MM-DD, or DD/MM/YYYY)")
    try:
        return _dt.date(year, month, day)
    except ValueError as exc:
        raise ValueProblem(f"is not a date that exists ({exc})") from exc


def parse_period(text: str) -> tuple[_dt.date, _dt.date]:
    """``2019-01-01/2021-12-31`` (also with ``_`` as in SCDL 1.x) or one date, as (start, end)."""
    value = text.strip()
    for sep in ("/", "_"):
        if value.count("-") >= 4 and sep in value:
            start_text, _, end_text = value.partition(sep)
            start, end = parse_date(start_text), parse_date(end_text)
            if end < start:
                raise ValueProblem("the period ends before it starts")
            return start, end
    day = parse_date(value)
    return day, day


_YEAR = re.compile(r"^\d{4}$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_partial_date(text: str) -> tuple[str, str]:
    """A date, a year-month or a year, as ``(lexical form, XSD type name)``: ``("2019", "gYear")``.

    Press releases often give only a year ("jusqu'en 2021"): the table templates accept it.
    """
    value = text.strip()
    if _YEAR.match(value):
        return value, "gYear"
    ym = _YEAR_MONTH.match(value)
    if ym:
        year, month = int(ym.group(1)), int(ym.group(2))
        if not 1 <= month <= 12:
            raise ValueProblem("is not a month that exists")
        return f"{year:04d}-{month:02d}", "gYearMonth"
    return parse_date(value).isoformat(), "date"


_TRUE = {"oui", "o", "yes", "y", "true", "vrai", "1", "x"}
_FALSE = {"non", "n", "no", "false", "faux", "0"}


def parse_bool(text: str) -> bool:
    """``oui``/``non`` (also yes/no, true/false, vrai/faux, 1/0)."""
    value = text.strip().casefold()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueProblem("is neither oui nor non")


# ---------------------------------------------------------------------------------------------------- identifiers

_DIGITS_SEPARATORS = re.compile(r"[ \u00a0\u202f.\-]")


def _spreadsheet_hint(value: str, width: int) -> str:
    if re.match(r"^[0-9.,]+[eE]\+?[0-9]+$", value):
        return " (a spreadsheet wrote it in scientific notation; format the column as text)"
    if value.isdigit() and len(value) == width - 1:
        return " (a leading 0 may have been dropped by a spreadsheet; format the column as text)"
    return ""


_WEB_IRI = re.compile(r"https?://[^\x00-\x20<>\"{}|^`\\]+", re.IGNORECASE)


def parse_web_iri(text: str) -> str:
    r"""A web address written as an IRI (``https://…``): absolute, http or https, with none of the characters an IRI
    may not hold (spaces, ``<>"{}|^`\``). Such a cell becomes an IRI of the graph, so anything else is refused
    rather than escaped into a term that no store would load."""
    if _WEB_IRI.fullmatch(text) is None:
        raise ValueProblem("is not a web address: an absolute http(s) IRI without spaces or any of <>\"{}|^`\\")
    return text


@functools.lru_cache(maxsize=1 << 16)
def parse_siret(text: str) -> str:
    """A SIRET number: 14 digits (spaces allowed) with a valid checksum, whose first 9 digits are a valid SIREN.

    Cached: a file names the same funders and beneficiaries on many rows (a refused value raises every time)."""
    raw = text.strip()
    value = _DIGITS_SEPARATORS.sub("", raw)
    if len(value) != 14 or not value.isdigit():
        hint = _spreadsheet_hint(raw, 14)
        if len(value) == 9 and value.isdigit():
            hint = " (this looks like a SIREN: the SIRET adds the 5-digit number of the establishment)"
        raise ValueProblem("a SIRET number has 14 digits" + hint)
    if not siret_is_valid(value):
        raise ValueProblem("fails the SIRET checksum (Luhn): a digit is wrong")
    if not siren_is_valid(value[:9]):
        raise ValueProblem(f"its SIREN {value[:9]} fails the checksum (Luhn): a digit is wrong")
    return value


def parse_siren(text: str) -> str:
    """A SIREN number (9 digits with a valid checksum); a SIRET is accepted and cut to its SIREN."""
    raw = text.strip()
    value = _DIGITS_SEPARATORS.sub("", raw)
    if len(value) == 14 and value.isdigit():
        return parse_siret(value)[:9]
    if len(value) != 9 or not value.isdigit():
        raise ValueProblem("a SIREN number has 9 digits (or give the 14-digit SIRET)" + _spreadsheet_hint(raw, 9))
    if not siren_is_valid(value):
        raise ValueProblem("fails the SIREN checksum (Luhn): a digit is wrong")
    return value


def parse_rna(text: str) -> str:
    """An RNA number (national register of associations): W followed by 9 characters, e.g. ``W595012345``."""
    value = text.strip().upper().replace(" ", "")
    if not rna_is_valid(value):
        raise ValueProblem("an RNA number is W followed by 9 digits, e.g. W595012345")
    return value


@dataclass(frozen=True)
class OrgId:
    """How a file identifies an organisation: its SIREN (from a SIREN or SIRET) and/or its RNA number."""

    siren: str | None = None
    rna: str | None = None
    siret: str | None = None

    def __bool__(self) -> bool:
        return bool(self.siren or self.rna)


def parse_org_id(text: str) -> OrgId:
    """A SIRET, SIREN or RNA number, as written in a ``pivot`` or a reference column."""
    value = text.strip()
    if value.upper().startswith("W"):
        return OrgId(rna=parse_rna(value))
    digits = _DIGITS_SEPARATORS.sub("", value)
    if len(digits) == 14:
        siret = parse_siret(digits)
        return OrgId(siren=siret[:9], siret=siret)
    if len(digits) == 9:
        return OrgId(siren=parse_siren(digits))
    raise ValueProblem("is neither a SIRET (14 digits), a SIREN (9 digits) nor an RNA number (W + 9 digits)"
                       + _spreadsheet_hint(value, 14))


def parse_insee(text: str) -> str:
    """An INSEE commune code (code officiel géographique): 5 characters, ``2A``/``2B`` for Corsica."""
    value = text.strip().upper()
    if not insee_commune_is_valid(value):
        raise ValueProblem("an INSEE commune code has 5 characters, e.g. 59094 (2A004 in Corsica)"
                           + _spreadsheet_hint(value, 5))
    return value


_POSTCODE = re.compile(r"^[0-9]{5}$")


def parse_postcode(text: str) -> str:
    """A French postal code: 5 digits."""
    value = text.strip()
    if not _POSTCODE.match(value):
        raise ValueProblem("a postal code has 5 digits" + _spreadsheet_hint(value, 5))
    return value


_CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")


def parse_currency(text: str) -> str:
    """An ISO 4217 currency code (``EUR``); ``€`` is read as ``EUR``."""
    value = text.strip().upper()
    if value in ("€", "EUROS", "EURO"):
        return "EUR"
    if not _CURRENCY_CODE.match(value):
        raise ValueProblem("a currency is a 3-letter ISO 4217 code such as EUR")
    return value


# ---------------------------------------------------------------------------------------------------- names

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "´": "'", "`": "'", "«": '"', "»": '"', "“": '"',
                              "”": '"', "\u00a0": " ", "\u202f": " ", "–": "-", "—": "-"})


@functools.lru_cache(maxsize=1 << 16)
def normalise_name(text: str) -> str:
    """A name reduced for comparison: no accents, no case, punctuation as spaces, single spaces.

    ``"L’ATELIER"`` and ``"l'Atelier"`` both give ``"l atelier"``.
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain).split())


def slugify(text: str, *, max_length: int = 60) -> str:
    """A lower-case ASCII slug for IRIs: ``"Aide en numéraire"`` → ``"aide-en-numeraire"``."""
    slug = normalise_name(text).replace(" ", "-")[:max_length].strip("-")
    return slug or "x"


def clean_text(text: str) -> str:
    """A cell's text with surrounding spaces removed and runs of spaces inside reduced to one (line breaks kept)."""
    lines = [" ".join(line.split()) for line in text.strip().splitlines()]
    return "\n".join(lines).strip()


def split_multi(text: str, separators: str = "|;") -> list[str]:
    """The values of a multi-valued cell (``a|b``), stripped, empty ones and repeats left out, in order."""
    parts = re.split("[" + re.escape(separators) + "]", text)
    seen: list[str] = []
    for part in parts:
        value = clean_text(part)
        if value and value not in seen:
            seen.append(value)
    return seen
