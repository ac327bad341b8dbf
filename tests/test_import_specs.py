"""The formats as data: the TOML files describe what the importers check, the templates and the column reference
come from them, and the reference page is up to date."""

from __future__ import annotations

import csv
from pathlib import Path

from dtkg.importers import mednum, scdl, tables, write_templates
from dtkg.importers.specs import column_reference, load_format, load_tables

DOC = Path(__file__).resolve().parents[1] / "docs" / "import-formats.md"


def test_scdl_format_file_gives_the_schema_fields_and_its_requirements() -> None:
    spec = load_format("scdl")
    assert spec.names()[:3] == ("nomAttribuant", "idAttribuant", "dateConvention")
    assert len(spec.names()) == 16
    assert spec.required == ("nomAttribuant", "idAttribuant", "dateConvention", "nomBeneficiaire", "objet", "montant")
    assert "nature" in spec.schema_required and "montant" not in spec.schema_required
    assert str(spec.standard.iri) == "https://schema.data.gouv.fr/scdl/subventions/2.1.1/"
    assert scdl.FIELDS == spec.names() and scdl.STANDARD == spec.standard
    assert all(f.doc for f in spec.fields)  # every SCDL column is documented


def test_mednum_format_file_keeps_older_column_names() -> None:
    spec = load_format("mednum")
    assert spec.spellings()["courriels"] == ("courriels", "courriel")
    assert spec.spellings()["modalites_acces"] == ("modalites_acces", "modalite_acces")
    assert spec.required == ("id", "nom", "commune")
    assert set(spec.kept_as_is) <= set(spec.names())
    assert mednum.FIELDS == spec.spellings()


def test_tables_share_the_source_and_quote_columns() -> None:
    spec = load_tables()
    assert [t.key for t in spec.tables] == ["sources", "organisations", "people", "places", "roles", "grants"]
    for t in spec.tables[1:]:
        assert t.columns[-2:] == (spec.shared["source"], spec.shared["quote"])
    assert tables.SPECS["roles"].files == ("roles.csv", "fonctions.csv")


def test_templates_are_written_from_the_format_file(tmp_path: Path) -> None:
    written = write_templates(tmp_path / "en", lang="en")
    by_name = {p.name: p for p in written}
    for t in load_tables().tables:
        with by_name[t.en_file].open(encoding="utf-8", newline="") as fh:
            assert next(csv.reader(fh)) == [c.en for c in t.columns]


def test_the_column_reference_is_up_to_date() -> None:
    text = column_reference()
    assert DOC.read_text(encoding="utf-8") == text, "run: python scripts/write_import_formats.py"
    for name in ("scdl", "mednum"):
        for field in load_format(name).fields:
            assert f"`{field.name}`" in text
    for t in load_tables().tables:
        for c in t.columns:
            assert f"| `{c.fr}` | `{c.en}` |" in text


def test_run_import_runs_each_format_of_the_registry(tmp_path: Path) -> None:
    import datetime as dt

    import pytest

    from dtkg.errors import InputError
    from dtkg.importers import FORMATS, run_import

    fixtures = Path(__file__).parent / "fixtures" / "import"
    when = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    inputs = {"scdl": fixtures / "scdl-valid.csv", "mednum": fixtures / "mednum-valid.csv",
              "table": fixtures / "tables-fictional"}
    assert set(FORMATS) == set(inputs)
    for kind, source in inputs.items():
        result = run_import(kind, source, tmp_path / kind, imported_at=when, skip_invalid=True)
        assert result.kind == kind and result.output.name.startswith(f"{kind}-")
        expected = fixtures / "expected" / f"{'tables-fictional' if kind == 'table' else source.stem}.ttl"
        assert result.output.read_bytes() == expected.read_bytes()
    with pytest.raises(InputError, match="unknown import format 'csv'"):
        run_import("csv", inputs["scdl"], tmp_path / "x")


def test_every_format_of_the_registry_is_a_command_with_its_help() -> None:
    from click.testing import CliRunner

    from dtkg.cli import cli
    from dtkg.importers import FORMATS

    for kind, fmt in FORMATS.items():
        out = CliRunner().invoke(cli, ["import", kind, "--help"])
        assert out.exit_code == 0, out.output
        assert fmt.help.splitlines()[0] in " ".join(out.output.split())  # rewrapped to the terminal
        assert ("--strict" in out.output) == fmt.strict
        assert ("--template" in out.output) == fmt.templates
