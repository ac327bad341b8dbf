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


def test_the_import_functions_take_the_choices_of_their_format_and_no_other(tmp_path: Path) -> None:
    import pytest

    from dtkg.importers import ImportChoices, import_scdl, import_tables

    fixtures = Path(__file__).parent / "fixtures" / "import"
    with pytest.raises(TypeError, match=r"import_tables\(\) got an unexpected keyword argument 'strict'"):
        import_tables(fixtures / "tables-fictional", tmp_path / "data", strict=True)  # no standard to be strict about
    with pytest.raises(TypeError, match=r"import_scdl\(\) got an unexpected keyword argument 'skip'"):
        import_scdl(fixtures / "scdl-valid.csv", tmp_path / "data", skip=True)
    assert not (tmp_path / "data").exists()
    choices = ImportChoices.of({"report_path": str(tmp_path / "r.csv"), "dry_run": True}, caller="f")
    assert choices.report_path == tmp_path / "r.csv" and choices.dry_run and choices.seed and not choices.strict
    assert ImportChoices(report_path="").report_path is None  # type: ignore[arg-type]


def test_every_format_checks_its_rows_through_the_one_row_reader(tmp_path: Path) -> None:
    """The checks every format makes (required cells, cells beyond the header, the standard's fields with
    ``strict``) are made once, by the row reader, and reported the same way for a file and for a table."""
    from dtkg.importers import import_mednum, import_scdl, import_tables

    scdl = tmp_path / "scdl.csv"
    header = ("nomAttribuant,idAttribuant,dateConvention,referenceDecision,nomBeneficiaire,idBeneficiaire,objet,"
              "montant,nature,conditionsVersement\n")
    scdl.write_text(header + "Ville,24590042800013,2024-01-01,A,Asso,,Projet,100,aide en nature,unique,de trop\n"
                    "Ville,24590042800013,2024-01-01,B,,,Projet 2,100,aide en nature,unique\n"
                    "Ville,24590042800013,2024-01-01,C,Asso,,Projet 3,100,,unique\n"
                    "Ville,24590042800013,2024-01-01,D,Asso,,Projet 4,100,aide en nature,unique\n", encoding="utf-8")
    for strict in (True, False):
        result = import_scdl(scdl, tmp_path / "a", skip_invalid=True, strict=strict, dry_run=True)
        lines = result.report.lines()
        assert any("row 2" in line and "error: has 1 more cell(s) than the header" in line
                   and "check the separators" in line for line in lines)
        assert any("row 3" in line and "nomBeneficiaire" in line and "error: required field is empty" in line
                   for line in lines)
        severity = "error" if strict else "warning"
        assert any("row 4" in line and f"nature, empty: {severity}: required by SCDL Subventions 2.1 but empty" in line
                   for line in lines)
        rows = {row for _, row in result.report.invalid_rows()} - {1}  # row 1: the header's missing columns
        assert rows == ({2, 3, 4} if strict else {2, 3})
        assert result.rows_imported == (1 if strict else 2)

    mednum = tmp_path / "lieux.csv"
    mednum.write_text("id,nom,commune,code_insee,date_maj\nL1,,Lille,59350,2024-01-01\n", encoding="utf-8")
    result = import_mednum(mednum, tmp_path / "b", skip_invalid=True, dry_run=True)
    assert any("nom" in line and "required field is empty" in line for line in result.report.lines())

    tables = tmp_path / "tables"
    tables.mkdir()
    (tables / "organisations.csv").write_text("id,nom\nasso-x,\n", encoding="utf-8")
    result = import_tables(tables, tmp_path / "c", skip_invalid=True, dry_run=True)
    assert any("organisations.csv" in line and "row 2" in line and "required field is empty" in line
               for line in result.report.lines())
