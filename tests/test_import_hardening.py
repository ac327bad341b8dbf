"""Imports meet hostile or careless files: formulas, crafted IRIs, empty or enormous files, floods of bad rows."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from dtkg.errors import InputError
from dtkg.importers import import_scdl, import_tables
from dtkg.importers.report import InvalidRows, Report, inert_cell

FIXTURES = Path(__file__).parent / "fixtures" / "import"
SCDL_HEADER = FIXTURES.joinpath("scdl-valid.csv").read_text(encoding="utf-8").splitlines()[0]


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://evil\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_report_cells_that_start_like_formulas_are_inert(cell: str):
    report = Report()
    report.error("f.csv", 2, cell, cell, "bad")
    rows = list(csv.reader(io.StringIO(report.to_csv().decode("utf-8"), newline="")))
    assert rows[1][2] == "'" + cell and rows[1][3] == "'" + cell  # column name and value
    assert inert_cell("6421") == "6421"


def test_a_crafted_column_name_is_inert_in_the_report(tmp_path: Path):
    path = tmp_path / "s.csv"
    path.write_text(SCDL_HEADER + ',=cmd|"/c calc"!A0\n'
                    + FIXTURES.joinpath("scdl-valid.csv").read_text(encoding="utf-8").splitlines()[1] + ",x\n",
                    encoding="utf-8")
    report = tmp_path / "report.csv"
    import_scdl(path, tmp_path / "data", report_path=report, dry_run=True)
    rows = list(csv.DictReader(io.StringIO(report.read_text(encoding="utf-8"), newline="")))
    assert [r["column"] for r in rows if "unknown column" in r["reason"]] == ["'=cmd|\"/c calc\"!A0"]


def _report_garbage(tmp_path: Path, rows: int) -> float:
    path = tmp_path / f"garbage-{rows}.csv"
    path.write_text(SCDL_HEADER + "\n" + "X,1,2019-02-30,R,Y,2,W1,o,-5,n,u,p,i,non,7,d\n" * rows, encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(InvalidRows) as info:
        import_scdl(path, tmp_path / "data")
    elapsed = time.perf_counter() - start
    assert len(info.value.report.invalid_rows()) == rows
    assert not (tmp_path / "data").exists()
    return elapsed


def test_invalid_rows_cost_linear_time(tmp_path: Path):
    """Four times the garbage rows cost about four times as long (the report used to be rebuilt for every row, which
    made 20 000 rows 22 times slower than 5 000). The time for 150 000 rows is in docs/benchmarks.md."""
    small = min(_report_garbage(tmp_path, 2_500) for _ in range(2))
    large = min(_report_garbage(tmp_path, 10_000) for _ in range(2))
    assert large / small < 7, f"{small:.2f} s for 2 500 rows, {large:.2f} s for 10 000"


def _org_table(tmp_path: Path, website: str) -> Path:
    folder = tmp_path / "release"
    folder.mkdir()
    (folder / "organisations.csv").write_text(
        "identifiant,nom,site_web\nasso-test,Association de test,\"" + website.replace('"', '""') + "\"\n",
        encoding="utf-8")
    return folder


@pytest.mark.parametrize("website", [
    "http://x/> ; <http://evil/p> <http://evil/o",
    "https://example.org/a b",
    "javascript:alert(1)",
    "example.org",
])
def test_a_cell_that_would_be_a_bad_iri_is_a_row_error(tmp_path: Path, website: str):
    folder = _org_table(tmp_path, website)
    with pytest.raises(InvalidRows) as info:
        import_tables(folder, tmp_path / "data")
    [error] = info.value.report.errors
    assert (error.row, error.column, error.value) == (2, "site_web", website)
    assert "is not a web address" in error.reason
    assert not (tmp_path / "data").exists()


def test_a_good_website_becomes_an_iri_and_the_file_parses(tmp_path: Path):
    folder = _org_table(tmp_path, "https://example.org/asso?x=1#a")
    result = import_tables(folder, tmp_path / "data")
    quads = list(ox.parse(path=str(result.output), format=ox.RdfFormat.TURTLE))
    assert ox.NamedNode("https://example.org/asso?x=1#a") in {q.object for q in quads}


def test_a_header_only_file_says_no_rows_and_writes_nothing(dtkg, tmp_path: Path):
    path = tmp_path / "empty.csv"
    path.write_text(SCDL_HEADER + "\n", encoding="utf-8")
    result = dtkg("import", "scdl", str(path), "--data", str(tmp_path / "data"))
    assert result.code == 2
    assert result.err.strip() == f"error: {path}: has a header but no rows: nothing to import"
    assert not (tmp_path / "data").exists()


def test_a_million_columns_give_a_short_message(dtkg, tmp_path: Path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(1_000_000)) + "\n" + "x\n", encoding="utf-8")
    result = dtkg("import", "scdl", str(path), "--data", str(tmp_path / "data"))
    assert result.code == 2
    assert len(result.err) < 300
    assert "1,000,000 columns" in result.err


def test_a_file_of_another_kind_lists_a_few_of_its_columns(tmp_path: Path):
    path = tmp_path / "other.csv"
    path.write_text(",".join(f"col{i}" for i in range(500)) + "\n" + ",".join("x" * 500) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        import_scdl(path, tmp_path / "data")
    assert "(480 more)" in str(info.value)
    assert len(str(info.value)) < 600
