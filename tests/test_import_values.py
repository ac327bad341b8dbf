"""Reading real-world values and CSV files: amounts, dates, identifiers, encodings, separators, row numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from dtkg.errors import InputError
from dtkg.importers.csvio import read_csv, sniff_delimiter
from dtkg.importers.values import (
    ValueProblem, decimal_lexical, normalise_name, parse_amount, parse_date, parse_insee, parse_org_id, parse_period,
    parse_rna, parse_siren, parse_siret, siret_is_valid, slugify, split_multi,
)


@pytest.mark.parametrize("text, expected", [
    ("6421.00", "6421.00"), ("6 421,00", "6421.00"), ("6\u00a0421,00", "6421.00"), ("6\u202f421,00", "6421.00"),
    ("6 421", "6421"), ("6.421,00", "6421.00"), ("6,421.00", "6421.00"), ("1 234 567,5", "1234567.5"),
    ("6421 €", "6421"), ("90 000 euros", "90000"), ("0,5", "0.5"), ("+12", "12"),
])
def test_amounts_as_people_write_them(text: str, expected: str) -> None:
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text, reason", [
    ("-500", "greater than 0"), ("0", "greater than 0"), ("0,00", "greater than 0"), ("beaucoup", "not a number"),
    ("12abc", "not a number"), ("1.2.3", "not a number"), ("2,459E+13", "scientific notation"), ("", "not a number"),
    ("NaN", "not a number"), ("Infinity", "not a number"),
])
def test_bad_amounts_say_why(text: str, reason: str) -> None:
    with pytest.raises(ValueProblem, match=reason):
        parse_amount(text)


def test_decimal_lexical_keeps_cents() -> None:
    assert decimal_lexical(Decimal("6421"), places=2) == "6421.00"
    assert decimal_lexical(Decimal("12000.5"), places=2) == "12000.50"
    assert decimal_lexical(Decimal("0.125"), places=2) == "0.125"
    assert decimal_lexical(Decimal("1E+3")) == "1000.0"


@pytest.mark.parametrize("text, expected", [
    ("2019-09-28", dt.date(2019, 9, 28)), ("28/09/2019", dt.date(2019, 9, 28)), ("1/2/2020", dt.date(2020, 2, 1)),
    ("2019-09-28T00:00:00", dt.date(2019, 9, 28)), ("2019-09-28 10:30:00+02:00", dt.date(2019, 9, 28)),
    ("2020-02-29", dt.date(2020, 2, 29)),
])
def test_dates(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text, reason", [
    ("2019-02-30", "not a date that exists"), ("2021-02-29", "not a date that exists"),
    ("31/04/2020", "not a date that exists"), ("2019-13-01", "not a date that exists"),
    ("28 septembre 2019", "is not a date"), ("09/28/2019", "not a date that exists"), ("2019", "is not a date"),
])
def test_impossible_dates(text: str, reason: str) -> None:
    with pytest.raises(ValueProblem, match=reason):
        parse_date(text)


def test_periods() -> None:
    assert parse_period("2019-01-01/2021-12-31") == (dt.date(2019, 1, 1), dt.date(2021, 12, 31))
    assert parse_period("2017-12-14_2018-12-14") == (dt.date(2017, 12, 14), dt.date(2018, 12, 14))  # SCDL 1.x
    assert parse_period("2019-07-01") == (dt.date(2019, 7, 1), dt.date(2019, 7, 1))
    with pytest.raises(ValueProblem, match="ends before it starts"):
        parse_period("2020-01-01/2019-01-01")


def test_siret_checksum_and_siren() -> None:
    assert parse_siret("24590042800013") == "24590042800013"
    assert parse_siret("245 900 428 00013") == "24590042800013"
    assert parse_siren("24590042800013") == "245900428"  # a SIRET is cut to its SIREN
    assert parse_siren("200053742") == "200053742"
    with pytest.raises(ValueProblem, match="checksum"):
        parse_siret("24590042800014")
    with pytest.raises(ValueProblem, match="14 digits.*leading 0"):
        parse_siret("2459004280001")
    with pytest.raises(ValueProblem, match="scientific notation"):
        parse_siret("2.45900428E+13")
    with pytest.raises(ValueProblem, match="looks like a SIREN"):
        parse_siret("245900428")
    with pytest.raises(ValueProblem, match="SIREN checksum"):
        parse_siren("245900429")


def test_la_poste_siret_follows_its_own_rule() -> None:
    assert siret_is_valid("35600000049837")  # digits sum to a multiple of 5; fails the Luhn checksum
    assert not siret_is_valid("35600000049838")
    assert parse_siret("35600000049837") == "35600000049837"


def test_rna_insee_and_pivots() -> None:
    assert parse_rna("w595012345") == "W595012345"
    with pytest.raises(ValueProblem, match="W followed by 9"):
        parse_rna("W12")
    assert parse_insee("59094") == "59094"
    assert parse_insee("2a004") == "2A004"
    with pytest.raises(ValueProblem, match="leading 0"):
        parse_insee("1053")
    pivot = parse_org_id("24590042800013")
    assert (pivot.siren, pivot.siret, pivot.rna) == ("245900428", "24590042800013", None)
    assert parse_org_id("W595000001").rna == "W595000001"
    with pytest.raises(ValueProblem, match="neither a SIRET"):
        parse_org_id("12345")


def test_names_and_lists() -> None:
    assert normalise_name("L’ATELIER") == normalise_name("l'Atelier") == "l atelier"
    assert normalise_name("Communauté  Urbaine de Dunkerque") == "communaute urbaine de dunkerque"
    assert slugify("Aide en numéraire") == "aide-en-numeraire"
    assert split_multi("Jeunes| Seniors ;Jeunes|") == ["Jeunes", "Seniors"]


# ---------------------------------------------------------------------------------------------------- CSV files


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_utf8_bom_semicolon_and_rows_numbered_like_a_spreadsheet(tmp_path: Path) -> None:
    text = 'a;b\n1;"deux\nlignes"\n\n3;4\n'
    table = read_csv(write(tmp_path, "t.csv", b"\xef\xbb\xbf" + text.encode("utf-8")))
    assert (table.encoding, table.delimiter, table.header) == ("utf-8-sig", ";", ["a", "b"])
    assert [(r.number, r.values) for r in table.rows] == [(2, {"a": "1", "b": "deux\nlignes"}),
                                                          (4, {"a": "3", "b": "4"})]
    assert table.utf8_bytes().startswith(b"\xef\xbb\xbf")  # kept byte for byte


def test_windows_1252_is_recognised_and_the_copy_is_utf8(tmp_path: Path) -> None:
    table = read_csv(write(tmp_path, "t.csv", "nom;montant\r\nSociété générale;6\u00a0421,00\r\n".encode("cp1252")))
    assert table.encoding == "windows-1252"
    assert table.rows[0].values == {"nom": "Société générale", "montant": "6\u00a0421,00"}
    assert table.utf8_bytes().decode("utf-8") == "nom;montant\r\nSociété générale;6\u00a0421,00\r\n"


def test_separators() -> None:
    assert sniff_delimiter("a,b,c") == ","
    assert sniff_delimiter("a;b;c") == ";"
    assert sniff_delimiter("a\tb") == "\t"
    assert sniff_delimiter('"a;b",c') == ","
    assert sniff_delimiter("seul") == ","


def test_short_and_long_rows(tmp_path: Path) -> None:
    table = read_csv(write(tmp_path, "t.csv", b"a,b,c\n1,2\n1,2,3,4\n1,2,3,,\n"))
    assert table.rows[0].values == {"a": "1", "b": "2", "c": ""}
    assert table.rows[1].extra == ("4",)
    assert table.rows[2].extra == ()  # empty trailing cells are harmless


@pytest.mark.parametrize("data, message", [
    (b"", "is empty"),
    (b"   \n", "is empty"),
    (b"a,b,a\n1,2,3\n", "appears twice"),
    (b'a,b\n"unterminated,2\n3,4\n', "not valid CSV"),
    (b"\x00\x01binary", "NUL bytes"),
    (b",,\n1,2\n", "no header"),
])
def test_unreadable_files_are_input_errors(tmp_path: Path, data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        read_csv(write(tmp_path, "bad.csv", data))
    assert info.value.path == tmp_path / "bad.csv"


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot be read"):
        read_csv(tmp_path / "absent.csv")
    with pytest.raises(InputError, match="folder"):
        read_csv(tmp_path)
