"""The Turtle each importer writes, byte for byte: tests/fixtures/import/expected/ holds the files written from the
import fixtures (at a fixed import time) before the importers were reorganised and made faster; any change to what
an import writes shows here as a diff to review (then the expected file is regenerated on purpose)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dtkg.importers import import_mednum, import_scdl, import_tables

FIXTURES = Path(__file__).parent / "fixtures"
EXPECTED = FIXTURES / "import" / "expected"
WHEN = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)

CASES = [
    ("scdl-valid", import_scdl, "import/scdl-valid.csv"),
    ("scdl-windows1252", import_scdl, "import/scdl-windows1252.csv"),
    ("scdl-bom", import_scdl, "import/scdl-bom.csv"),
    ("scdl-etalab-exemple", import_scdl, "scdl-decisions/etalab-exemple.csv"),
    ("scdl-region-cud-publie", import_scdl, "scdl-decisions/region-cud-publie.csv"),
    ("mednum-valid", import_mednum, "import/mednum-valid.csv"),
    ("tables-fictional", import_tables, "import/tables-fictional"),
]


@pytest.mark.parametrize(("name", "importer", "source"), CASES, ids=[c[0] for c in CASES])
def test_the_output_is_byte_identical_to_the_expected_file(tmp_path: Path, name: str, importer, source: str) -> None:
    result = importer(FIXTURES / source, tmp_path / "data", imported_at=WHEN, skip_invalid=True)
    written = result.output.read_bytes()
    expected = (EXPECTED / f"{name}.ttl").read_bytes()
    assert written == expected, f"{name}: the import's Turtle differs from {EXPECTED / name}.ttl"
    # the graph given back holds what was written: the same number of distinct triples
    from rdflib import Graph

    assert len(result.graph) == len(Graph().parse(data=expected.decode("utf-8"), format="turtle"))
