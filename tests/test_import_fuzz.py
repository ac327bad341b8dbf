"""Property-based tests: whatever the rows say, the importers either import them (reporting bad rows) or stop
with a clear error (:class:`InputError` naming the file) — never a crash, never a half-written folder."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph

from dtkg.errors import InputError
from dtkg.importers import ImportResult, import_mednum, import_scdl, import_tables
from dtkg.importers.scdl import FIELDS as SCDL_FIELDS

#: Values that look like the real thing, good and bad, mixed with random text.
PLAUSIBLE = [
    "", " ", "6 421,00", "6421.00", "-5", "0", "beaucoup", "1e9", "2019-02-30", "2019-06-12", "14/10/2019",
    "2019-01-01/2018-01-01", "2019-01-01/2020-12-31", "24590042800013", "24590042800014", "20005374200017",
    "245900428", "W595000001", "W12", "00000000000000", "oui", "non", "1.00", "0.4", "45", "150", "59094", "2A004",
    "5909", "51,03", "200", "aide en numéraire", "aide en nature;aide en numéraire", "TIERS_LIEUX|ASSO",
    "Prendre en main un ordinateur|Jeunes", "Région Hauts-de-France", "L’Atelier", "a\nb", '"', "é" * 300,
]
cells = st.one_of(st.sampled_from(PLAUSIBLE), st.text(max_size=25))
ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "utf-16"]
MEDNUM_HEADER = (Path(__file__).parent / "fixtures" / "import" / "mednum-valid.csv").read_text(
    encoding="utf-8").splitlines()[0].split(",")


def render(header: list[str], rows: list[list[str]], delimiter: str, encoding: str, raw: bool) -> bytes:
    if raw:  # no quoting at all: separators and line breaks inside cells break the rows
        text = "\n".join(delimiter.join(r) for r in [header, *rows])
    else:
        buf = io.StringIO(newline="")
        csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows([header, *rows])
        text = buf.getvalue()
    return text.encode(encoding, errors="replace")


FIXTURES = Path(__file__).parent / "fixtures" / "import"


def _valid_rows(name: str) -> list[list[str]]:
    with (FIXTURES / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))[1:]


@st.composite
def mutated(draw, valid: list[list[str]]) -> list[str]:
    """A valid row of a fixture with a few cells replaced: most rows then get far enough to be converted."""
    row = list(draw(st.sampled_from(valid)))
    for _ in range(draw(st.integers(0, 3))):
        row[draw(st.integers(0, len(row) - 1))] = draw(cells)
    return row


def tables(fields: tuple[str, ...] | list[str], valid: list[list[str]] | None = None):
    row = st.lists(cells, max_size=len(fields) + 2)
    header = st.lists(st.sampled_from([*fields, "x", "Nom", ""]), min_size=1, max_size=len(fields) + 2)
    if valid is not None:  # the fixture's own header, with rows that are mostly valid
        row = st.one_of(row, mutated(valid), mutated(valid))
        header = st.one_of(st.just(list(fields)), st.just(list(fields)), st.permutations(list(fields)), header)
    return st.tuples(
        header, st.lists(row, max_size=6),
        st.sampled_from([",", ";", "\t"]), st.sampled_from(ENCODINGS), st.booleans(),
        st.booleans(), st.booleans(),
    )


def check(importer, header, rows, delimiter, encoding, raw, skip_invalid, write, name="fuzz.csv") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(render(header, rows, delimiter, encoding, raw))
        data = Path(tmp) / "data"
        try:
            result = importer(path, data, skip_invalid=skip_invalid, dry_run=not write)
        except InputError as exc:  # a clear error: it names the file, and nothing is written
            assert str(exc).startswith(str(path)), exc
            assert not data.exists()
            return
        assert isinstance(result, ImportResult)
        assert result.rows_imported + result.rows_invalid <= result.rows_read
        if write:
            Graph().parse(result.output, format="turtle")  # what was written is well-formed Turtle
        else:
            assert not data.exists()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(SCDL_FIELDS, _valid_rows("scdl-valid.csv")))
def test_random_scdl_rows_never_crash_the_importer(case) -> None:
    check(import_scdl, *case)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(MEDNUM_HEADER, _valid_rows("mednum-valid.csv")))
def test_random_mednum_rows_never_crash_the_importer(case) -> None:
    check(import_mednum, *case)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["organisations.csv", "lieux.csv", "roles.csv", "subventions.csv", "sources.csv",
                        "people.csv"]),
       tables(("identifiant", "nom", "siren", "code_insee", "personne", "organisation", "role", "financeur",
               "beneficiaire", "montant", "debut", "fin", "source", "citation", "titre", "fichier")))
def test_random_table_rows_never_crash_the_importer(name, case) -> None:
    header, rows, delimiter, encoding, raw, skip_invalid, write = case
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "tables"
        folder.mkdir()
        (folder / name).write_bytes(render(header, rows, delimiter, encoding, raw))
        data = Path(tmp) / "data"
        try:
            result = import_tables(folder, data, skip_invalid=skip_invalid, dry_run=not write)
        except InputError as exc:
            assert str(exc).startswith(str(folder)), exc
            assert not data.exists()
            return
        if write:
            Graph().parse(result.output, format="turtle")
