"""`dtkg import scdl`: SCDL Subventions files become grants of the graph, next to the seed data, with provenance.

The fixtures under tests/fixtures/import/ are fictional grants written for these tests (see their README), with
the published SCDL field names; only the SIREN of the Région and of the CUD are real, to test reconciliation.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from dtkg.errors import InputError
from dtkg.importers import InvalidRows, import_scdl
from dtkg import atomic
from dtkg.importers import scdl as scdl_module
from dtkg.load import iter_folders, load_dataset
from dtkg.namespaces import DTKG, OA, ORG, SCHEMA
from dtkg.query import run_query
from dtkg.validation import validate

FIXTURES = Path(__file__).parent / "fixtures" / "import"
BASE = "https://w3id.org/dtkg/id/"
CUD = URIRef(BASE + "organisation/cud")
REGION = URIRef(BASE + "organisation/region-hauts-de-france")
WHEN = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)


def turtle(path: Path) -> Graph:
    """The Turtle file an import wrote, parsed as written (lexical forms kept)."""
    return Graph().parse(path, format="turtle")


def grant_with(g: Graph, purpose: str) -> URIRef:
    found = [s for s in g.subjects(SCHEMA.description, Literal(purpose, lang="fr"))
             if (s, RDF.type, SCHEMA.MonetaryGrant) in g and (s, DCTERMS.isPartOf, None) not in g]
    assert len(found) == 1, found
    return found[0]


def amount_of(g: Graph, grant: URIRef) -> tuple[str, str]:
    node = g.value(grant, SCHEMA.amount)
    return str(g.value(node, SCHEMA.value)), str(g.value(node, SCHEMA.currency))


def rows_of(g: Graph, resource: URIRef) -> set[str]:
    """The RFC 7111 row selectors of the annotations whose body is ``resource``."""
    out = set()
    for annotation in g.subjects(OA.hasBody, resource):
        target = g.value(annotation, OA.hasTarget)
        selector = g.value(target, OA.hasSelector)
        if (selector, RDF.type, OA.FragmentSelector) in g:
            assert (selector, DCTERMS.conformsTo, URIRef("http://tools.ietf.org/rfc/rfc7111")) in g
            out.add(str(g.value(selector, RDF.value)))
    return out


def assert_valid(data: Path) -> None:
    ds = load_dataset([data])
    report = validate(ds, source_dirs=[folder for folder, _ in iter_folders([data])])
    assert report.conforms, "\n".join(report.lines())


def test_grants_are_reconciled_with_the_seed_organisations(tmp_path: Path) -> None:
    result = import_scdl(FIXTURES / "scdl-valid.csv", tmp_path / "data", imported_at=WHEN)
    assert (result.rows_read, result.rows_imported, result.rows_invalid) == (6, 6, 0)
    assert result.output == tmp_path / "data" / "imports" / "scdl-scdl-valid.ttl"
    g = turtle(result.output)

    grant = grant_with(g, "Animation du réseau de tiers-lieux numériques (test fictif)")
    # idAttribuant 20005374200017 and idBeneficiaire 24590042800013: the seed's Région and CUD, same nodes
    assert g.value(grant, SCHEMA.funder) == REGION
    assert g.value(grant, SCHEMA.fundedItem) == CUD
    assert amount_of(g, grant) == ("12000.50", "EUR")
    assert g.value(grant, DCTERMS.date) == Literal("2019-06-12", datatype=XSD.date)
    assert g.value(grant, SCHEMA.startDate) == g.value(grant, SCHEMA.endDate) == Literal("2019-07-01",
                                                                                         datatype=XSD.date)
    assert g.value(grant, DCTERMS.identifier) == Literal("CP-2019-TEST-001")
    assert g.value(grant, DCTERMS.type) == URIRef(BASE + "grant-kind/aide-en-numeraire")
    assert rows_of(g, grant) == {"row=2"}
    assert (grant, PROV.wasDerivedFrom, URIRef(BASE + "source/scdl-scdl-valid")) in g

    # known organisations keep their labels and identifiers; the file only adds that it mentions them
    assert (CUD, DTKG.siren, Literal("245900428")) in g and (CUD, ORG.identifier, Literal("245900428")) in g
    assert not list(g.objects(CUD, RDFS.label)) and not list(g.objects(CUD, SKOS.altLabel))
    assert rows_of(g, CUD) == {"row=2"} and rows_of(g, REGION) == {"row=2"}

    # a new organisation is minted from its SIREN (the first 9 digits of its SIRET) or its RNA number
    association = URIRef(BASE + "organisation/siren-123456782")
    assert g.value(association, RDFS.label) == Literal("Association Fictive du Numérique", lang="fr")
    assert g.value(association, DTKG.siren) == Literal("123456782")
    club = URIRef(BASE + "organisation/rna-W595000001")
    assert (club, RDF.type, DTKG.Association) in g and g.value(club, DTKG.rna) == Literal("W595000001")
    in_kind = grant_with(g, "Prêt de matériel informatique (test fictif)")
    assert g.value(in_kind, SCHEMA.fundedItem) == club
    assert g.value(in_kind, DCTERMS.type) == URIRef(BASE + "grant-kind/aide-en-nature")


def test_a_grant_shared_by_two_beneficiaries(tmp_path: Path) -> None:
    g = turtle(import_scdl(FIXTURES / "scdl-valid.csv", tmp_path / "data", imported_at=WHEN).output)
    purpose = Literal("Programme partagé d’inclusion numérique (test fictif)", lang="fr")
    grants = set(g.subjects(SCHEMA.description, purpose))
    whole = grant_with(g, str(purpose))
    shares = grants - {whole}
    assert amount_of(g, whole) == ("10000.00", "EUR")
    # the decision is paid to no single organisation: its beneficiaries are those of its shares
    assert set(g.objects(whole, SCHEMA.fundedItem)) == set() and g.value(whole, DTKG.beneficiary) is None
    assert {g.value(s, DTKG.beneficiary): amount_of(g, s)[0] for s in shares} == {
        CUD: "6000.00", URIRef(BASE + "organisation/siren-123456782"): "4000.00"}
    assert {g.value(s, SCHEMA.fundedItem) for s in shares} == {g.value(s, DTKG.beneficiary) for s in shares}
    for share in shares:
        assert g.value(share, DCTERMS.isPartOf) == whole
        node = g.value(share, SCHEMA.amount)
        statement = g.value(predicate=RDF.subject, object=node)
        assert (statement, RDF.type, DTKG.InferredStatement) in g
        assert "pourcentageSubvention" in str(g.value(statement, RDFS.comment))


def test_the_source_file_is_described_and_kept(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = import_scdl(FIXTURES / "scdl-valid.csv", data, imported_at=WHEN)
    g = turtle(result.output)
    source = URIRef(BASE + "source/scdl-scdl-valid")
    assert (source, RDF.type, DTKG.SourceDocument) in g
    assert g.value(source, DCTERMS.title) == Literal("scdl-valid.csv")
    assert g.value(source, PROV.generatedAtTime) == Literal("2024-01-02T03:04:05Z", datatype=XSD.dateTime)
    copy = data / str(g.value(source, DTKG.localFile))
    assert copy == data / "imports" / "sources" / "scdl-scdl-valid.csv"
    assert copy.read_bytes() == (FIXTURES / "scdl-valid.csv").read_bytes()
    assert str(g.value(source, DTKG.sha256)) == hashlib.sha256(copy.read_bytes()).hexdigest()
    standard = g.value(source, DCTERMS.conformsTo)
    assert standard == URIRef("https://schema.data.gouv.fr/scdl/subventions/2.1.1/")
    assert g.value(standard, OWL.versionInfo) == Literal("2.1.1")
    assert set(result.written) == {result.output, copy, result.report_file}


def test_imported_grants_validate_and_appear_in_queries_next_to_the_seed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    import_scdl(FIXTURES / "scdl-valid.csv", data)
    import_scdl(FIXTURES / "scdl-windows1252.csv", data)
    assert_valid(data)
    ds = load_dataset([data])
    totals = {str(r.funder): (Decimal(str(r.total)), int(r.grants)) for r in run_query(ds, "total-by-funder")}
    # seed: 90 000 + 30 000 (the 6 421 share is inside the 30 000); files: 12 000.50 + 1 500 + 3 000 + 10 000
    # (the 6 000 / 4 000 shares are inside the 10 000) + 6 421
    assert totals[str(REGION)] == (Decimal("152921.50"), 7)
    assert totals[str(CUD)] == (Decimal("17500.50"), 2)
    recipients = {str(r.recipientLabel) for r in run_query(ds, "grants")}
    assert {"Communauté Urbaine de Dunkerque", "Association Fictive du Numérique",
            "Club Fictif des Aidants"} <= recipients


def test_importing_the_same_file_twice_gives_the_same_bytes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = import_scdl(FIXTURES / "scdl-valid.csv", data)  # import time: now
    before = {p: p.read_bytes() for p in sorted((data / "imports").rglob("*")) if p.is_file()}
    second = import_scdl(FIXTURES / "scdl-valid.csv", data)  # same input: the recorded time is kept
    after = {p: p.read_bytes() for p in sorted((data / "imports").rglob("*")) if p.is_file()}
    assert first.output == second.output
    assert before == after
    assert not [p for p in (data / "imports").rglob(".*")]  # no temporary file left behind


def test_windows_1252_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = import_scdl(FIXTURES / "scdl-windows1252.csv", data, imported_at=WHEN)
    assert result.encodings == ["windows-1252"]
    g = turtle(result.output)
    equipment = grant_with(g, "Équipement d'un espace numérique (test fictif)")
    assert amount_of(g, equipment) == ("6421.00", "EUR")  # written "6 421,00" with a no-break space
    assert g.value(equipment, DCTERMS.date) == Literal("2019-10-14", datatype=XSD.date)  # 14/10/2019
    assert g.value(equipment, SCHEMA.fundedItem) == CUD  # "COMMUNAUTE URBAINE DE DUNKERQUE"
    assert not list(g.objects(CUD, SKOS.altLabel))  # the same name once case and accents are set aside
    home = grant_with(g, "Médiation numérique à domicile (test fictif)")
    assert amount_of(g, home) == ("12500.50", "EUR")  # "12 500,5"
    assert g.value(home, SCHEMA.startDate) is None  # empty optional fields add nothing
    # the copy is the file in UTF-8 (rows unchanged), and says what the original was
    source = URIRef(BASE + "source/scdl-scdl-windows1252")
    copy = data / str(g.value(source, DTKG.localFile))
    assert copy.read_bytes().decode("utf-8") == (FIXTURES / "scdl-windows1252.csv").read_bytes().decode("cp1252")
    comment = str(g.value(source, RDFS.comment))
    original = hashlib.sha256((FIXTURES / "scdl-windows1252.csv").read_bytes()).hexdigest()
    assert "windows-1252" in comment and original in comment and "point-virgule" in comment
    warned = {(e.row, e.column) for e in result.report.warnings}
    assert {(3, "conditionsVersement"), (3, "datesPeriodeVersement"), (3, "notificationUE"),
            (3, "pourcentageSubvention")} == warned
    assert_valid(data)


def test_utf8_with_bom_and_an_unknown_column(tmp_path: Path) -> None:
    result = import_scdl(FIXTURES / "scdl-bom.csv", tmp_path / "data", imported_at=WHEN)
    assert result.encodings == ["utf-8-sig"]
    g = turtle(result.output)
    grant = grant_with(g, "Fête du numérique (test fictif)")
    assert g.value(grant, SCHEMA.funder) == CUD  # the first column is read despite the byte-order mark
    assert amount_of(g, grant) == ("2000.00", "EUR")
    [entry] = result.report.entries
    assert (entry.row, entry.column, entry.severity) == (1, "commentaireInterne", "warning")
    assert "unknown column" in entry.reason
    assert "à vérifier" not in result.output.read_text(encoding="utf-8")


EXPECTED_ERRORS = {
    (2, "idAttribuant", "20005374200018", "fails the SIRET checksum"),
    (3, "montant", "-500", "an amount must be greater than 0"),
    (4, "montant", "beaucoup", "is not a number"),
    (5, "dateConvention", "2019-02-30", "is not a date that exists"),
    (6, "objet", "", "required field is empty"),
    (7, "rnaBeneficiaire", "W12", "an RNA number is W followed by 9 digits"),
    (8, "datesPeriodeVersement", "2020-07-01/2019-07-01", "the period ends before it starts"),
}


def _errors(report) -> set[tuple[int, str, str, str]]:
    out = set()
    for e in report.errors:
        reason = next((r for *_, r in EXPECTED_ERRORS if e.reason.startswith(r)), e.reason)
        out.add((e.row, e.column, e.value, reason))
    return out


def test_invalid_rows_are_reported_and_nothing_is_written(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with pytest.raises(InvalidRows) as info:
        import_scdl(FIXTURES / "scdl-invalid.csv", data)
    assert _errors(info.value.report) == EXPECTED_ERRORS
    assert all(e.file == "scdl-invalid.csv" for e in info.value.report.entries)
    assert "7 of 8 row(s) are invalid" in str(info.value) and "nothing was written" in str(info.value)
    assert not data.exists()


def test_skip_invalid_imports_the_valid_rows_and_writes_the_report(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = import_scdl(FIXTURES / "scdl-invalid.csv", data, skip_invalid=True)
    assert (result.rows_read, result.rows_imported, result.rows_invalid) == (8, 1, 7)
    g = turtle(result.output)
    grants = set(g.subjects(RDF.type, SCHEMA.MonetaryGrant))
    assert len(grants) == 1
    assert g.value(next(iter(grants)), SCHEMA.description) == Literal("Ligne valide (test fictif)", lang="fr")
    assert result.report_file == data / "imports" / "scdl-scdl-invalid.report.csv"
    rows = list(csv.DictReader(io.StringIO(result.report_file.read_text(encoding="utf-8"))))
    # a value that starts like a formula is written with a leading apostrophe, so that a spreadsheet shows it
    assert {(int(r["row"]), r["column"], r["value"]) for r in rows} == {
        (row, column, "'" + value if value.startswith("-") else value) for row, column, value, _ in EXPECTED_ERRORS}
    assert all(r["severity"] == "error" and r["reason"] for r in rows)
    assert_valid(data)


def test_the_report_can_go_to_a_file_of_its_own(tmp_path: Path) -> None:
    report = tmp_path / "rejets.csv"
    with pytest.raises(InvalidRows):
        import_scdl(FIXTURES / "scdl-invalid.csv", tmp_path / "data", report_path=report)
    assert not (tmp_path / "data").exists()
    assert report.read_text(encoding="utf-8").splitlines()[0] == "file,row,column,value,severity,reason"
    assert len(report.read_text(encoding="utf-8").splitlines()) == 8


def test_strict_makes_fields_the_schema_requires_errors(tmp_path: Path) -> None:
    with pytest.raises(InvalidRows) as info:
        import_scdl(FIXTURES / "scdl-windows1252.csv", tmp_path / "data", strict=True)
    assert {(e.row, e.column) for e in info.value.report.errors} == {
        (3, "conditionsVersement"), (3, "datesPeriodeVersement"), (3, "notificationUE"), (3, "pourcentageSubvention")}


def test_a_possible_duplicate_without_identifier_is_reported_not_merged(tmp_path: Path) -> None:
    result = import_scdl(FIXTURES / "scdl-valid.csv", tmp_path / "data")
    [duplicate] = [e for e in result.report.warnings if "possible duplicate of organisation:msa" in e.reason]
    assert (duplicate.row, duplicate.column, duplicate.value) == (5, "nomBeneficiaire", "Mutualité Sociale Agricole")
    g = turtle(result.output)
    grant = grant_with(g, "Soutien à la médiation numérique en milieu rural (test fictif)")
    recipient = g.value(grant, SCHEMA.fundedItem)
    assert recipient != URIRef(BASE + "organisation/msa")
    assert str(recipient).startswith(BASE + "organisation/nom-mutualite-sociale-agricole-")
    # and a call named like the seed's call is reported too
    assert any("possible duplicate of call:tiers-lieu-du-numerique-2018" in e.reason and e.row == 2
               for e in result.report.warnings)


def test_a_repeated_row_becomes_another_grant_with_a_warning(tmp_path: Path) -> None:
    lines = (FIXTURES / "scdl-valid.csv").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "repeated.csv"
    path.write_text("\n".join([lines[0], lines[1], lines[1]]) + "\n", encoding="utf-8")
    result = import_scdl(path, tmp_path / "data")
    g = turtle(result.output)
    assert len(set(g.subjects(RDF.type, SCHEMA.MonetaryGrant))) == 2
    assert any(e.row == 3 and "as row 2" in e.reason for e in result.report.warnings)


def test_the_same_grant_in_two_files_keeps_one_amount(tmp_path: Path) -> None:
    data = tmp_path / "data"
    other = tmp_path / "export-region.csv"
    shutil.copy(FIXTURES / "scdl-valid.csv", other)
    import_scdl(FIXTURES / "scdl-valid.csv", data)
    result = import_scdl(other, data)
    g = turtle(result.output)
    grant = grant_with(g, "Animation du réseau de tiers-lieux numériques (test fictif)")
    assert g.value(grant, SCHEMA.amount) is None  # already stated by the first file
    assert_valid(data)


def test_a_crash_half_way_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    calls = {"n": 0}
    original = scdl_module._ScdlWriter.write

    def failing(self, row):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("simulated crash")
        return original(self, row)

    monkeypatch.setattr(scdl_module._ScdlWriter, "write", failing)
    with pytest.raises(RuntimeError, match="simulated crash"):
        import_scdl(FIXTURES / "scdl-valid.csv", data)
    assert not data.exists() or not any(data.rglob("*"))


def test_a_failure_while_moving_files_into_place_restores_the_previous_import(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    source = tmp_path / "subventions.csv"
    shutil.copy(FIXTURES / "scdl-valid.csv", source)
    import_scdl(source, data)
    before = {p: p.read_bytes() for p in data.rglob("*") if p.is_file()}
    source.write_bytes((FIXTURES / "scdl-bom.csv").read_bytes())  # a new version of the file
    real_replace = os.replace
    moves = {"n": 0}

    def flaky_replace(src, dst):
        if not str(src).endswith(".bak"):
            moves["n"] += 1
            if moves["n"] == 3:  # after the source copy and the report are in place, before the Turtle file
                raise OSError("disk full")
        return real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", flaky_replace)
    with pytest.raises(OSError, match="disk full"):
        import_scdl(source, data)
    after = {p: p.read_bytes() for p in data.rglob("*") if p.is_file()}
    assert after == before


def test_a_file_that_is_not_scdl_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "autre.csv"
    path.write_text("nom,montant\nX,12\n", encoding="utf-8")
    with pytest.raises(InputError, match="lacks the column.*nomAttribuant") as info:
        import_scdl(path, tmp_path / "data")
    assert info.value.line == 1
    assert not (tmp_path / "data").exists()


def test_column_names_in_another_case_are_read_with_a_warning(tmp_path: Path) -> None:
    text = (FIXTURES / "scdl-valid.csv").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "minuscules.csv"
    path.write_text("\n".join([text[0].lower(), text[1]]) + "\n", encoding="utf-8")
    result = import_scdl(path, tmp_path / "data")
    assert result.rows_imported == 1
    assert any(e.row == 1 and e.column == "nomattribuant" and "nomAttribuant" in e.reason
               for e in result.report.warnings)


# ---------------------------------------------------------------------------------------------------- command line


def test_cli_imports_and_prints_where_it_wrote(dtkg, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = dtkg("import", "scdl", str(FIXTURES / "scdl-valid.csv"))  # default data folder: ./data
    assert result.code == 0, result
    assert "Read 6 rows: 6 imported, 3 warnings." in result.out
    assert f"Wrote {Path('data') / 'imports' / 'scdl-scdl-valid.ttl'}" in result.out
    assert "possible duplicate of organisation:msa" in result.err
    check = dtkg("validate", "--data", "data")
    assert check.code == 0, check
    totals = dtkg("query", "total-by-funder", "--data", "data", "--format", "csv")
    # seed 120 000 + the file's 12 000.50, 1 500, 3 000 and 10 000 (its shares are inside the 10 000)
    assert f"{REGION},Région Hauts-de-France,EUR,146500.5,6" in totals.out
    assert f"{CUD},Communauté Urbaine de Dunkerque,EUR,5000,1" in totals.out


def test_cli_invalid_file_exit_code_2_and_the_report(dtkg, tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = dtkg("import", "scdl", str(FIXTURES / "scdl-invalid.csv"), "--data", str(data))
    assert result.code == 2, result
    assert ("scdl-invalid.csv, row 3, column montant, value '-500': error: an amount must be greater than 0"
            in result.err)
    assert "nothing was written" in result.err and "Traceback" not in result.err
    assert not data.exists()
    skipped = dtkg("import", "scdl", str(FIXTURES / "scdl-invalid.csv"), "--data", str(data), "--skip-invalid")
    assert skipped.code == 0, skipped
    assert "Read 8 rows: 1 imported, 7 invalid (left out)." in skipped.out
    assert f"Wrote {data / 'imports' / 'scdl-scdl-invalid.report.csv'}" in skipped.out


def test_cli_dry_run_writes_nothing(dtkg, tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = dtkg("import", "scdl", str(FIXTURES / "scdl-valid.csv"), "--data", str(data), "--dry-run")
    assert result.code == 0, result
    assert "Dry run: nothing written" in result.out
    assert not data.exists()


def test_cli_missing_file(dtkg, tmp_path: Path) -> None:
    result = dtkg("import", "scdl", str(tmp_path / "absent.csv"), "--data", str(tmp_path / "data"))
    assert result.code == 2
    assert "absent.csv: cannot be read" in result.err


@pytest.mark.parametrize("command", [[], ["scdl"], ["mednum"], ["table"]])
def test_cli_help_everywhere(dtkg, command: list[str]) -> None:
    result = dtkg("import", *command, "--help")
    assert result.code == 0
    assert "Usage: dtkg import" in result.out
    for option in (["--data", "--skip-invalid", "--dry-run", "--report"] if command else ["scdl", "mednum", "table"]):
        assert option in result.out


def test_both_ways_of_reading_the_data_folder_agree(tmp_path: Path) -> None:
    """Reconciliation reads RDF files with Oxigraph (fast) or rdflib: the index must be the same."""
    from dtkg.importers.known import _index_oxigraph, _index_rdflib
    from dtkg.load import data_files, parse_quads

    data = tmp_path / "data"
    import_scdl(FIXTURES / "scdl-valid.csv", data)
    for folder, _ in iter_folders([data]):
        for path in data_files(folder):
            fast, slow = _index_oxigraph(parse_quads(path), folder), _index_rdflib(path, folder)
            for name in ("subjects", "siren", "rna", "insee", "types", "scheme", "contained_in", "local_file"):
                assert dict(getattr(fast, name)) == dict(getattr(slow, name)) if name != "subjects" else \
                    fast.subjects == slow.subjects, (path, name)
            for name in ("names", "labels"):
                assert {k: sorted(v) for k, v in getattr(fast, name).items()} == \
                       {k: sorted(v) for k, v in getattr(slow, name).items()}, (path, name)

            def amounts(idx):
                return {grant: {(Decimal(str(idx.amount_parts[n][SCHEMA.value])),
                                 str(idx.amount_parts[n].get(SCHEMA.currency))) for n in nodes}
                        for grant, nodes in idx.amount_node.items()}

            assert amounts(fast) == amounts(slow), path


def test_the_result_graph_can_be_queried(tmp_path: Path) -> None:
    result = import_scdl(FIXTURES / "scdl-valid.csv", tmp_path / "data", dry_run=True)
    rows = list(result.graph.query("SELECT (COUNT(?g) AS ?n) WHERE { ?g a <https://schema.org/MonetaryGrant> }"))
    assert int(rows[0][0]) == 7  # four grants, and one shared by two beneficiaries (the whole and two shares)
    assert (CUD, DTKG.siren, Literal("245900428")) in result.graph
    assert result.timings.keys() >= {"read", "index", "convert", "serialise"}


# ---------------------------------------------------------------------------------------------------- real-file quirks

def test_year_first_dates_with_slashes_are_read_with_a_warning(tmp_path: Path) -> None:
    text = (FIXTURES / "scdl-bom.csv").read_text(encoding="utf-8-sig").splitlines()
    path = tmp_path / "departement.csv"
    path.write_text("\n".join([text[0], text[1].replace("2022-09-01", "2022/09/01")
                                                .replace(",2022-10-01,", ",2022/10/01,")]) + "\n", encoding="utf-8")
    result = import_scdl(path, tmp_path / "data")
    assert result.rows_imported == 1
    warned = {(e.column, e.value): e.reason for e in result.report.warnings}
    assert "read as 2022-09-01" in warned[("dateConvention", "2022/09/01")]
    assert "read as 2022-10-01" in warned[("datesPeriodeVersement", "2022/10/01")]
    g = turtle(result.output)
    grant = grant_with(g, "Fête du numérique (test fictif)")
    assert g.value(grant, DCTERMS.date) == Literal("2022-09-01", datatype=XSD.date)


def test_a_bom_followed_by_windows_1252_is_read_and_reported(tmp_path: Path) -> None:
    raw = (FIXTURES / "scdl-bom.csv").read_bytes()
    header, _, rows = raw.partition(b"\n")
    path = tmp_path / "export-tableur.csv"
    path.write_bytes(header + b"\n" + rows.decode("utf-8").encode("cp1252"))
    result = import_scdl(path, tmp_path / "data")
    assert result.rows_imported == 1
    assert "Fête du numérique (test fictif)" in result.output.read_text(encoding="utf-8")
    assert any(e.row == 1 and "byte-order mark but continues in Windows-1252" in e.reason
               for e in result.report.warnings)


def test_enumeration_values_in_another_case_are_read_with_a_warning(tmp_path: Path) -> None:
    text = (FIXTURES / "scdl-bom.csv").read_text(encoding="utf-8-sig").splitlines()
    path = tmp_path / "majuscules.csv"
    path.write_text("\n".join([text[0], text[1].replace(",aide en numéraire,unique,", ",Aide en numéraire,Unique,")])
                    + "\n", encoding="utf-8")
    result = import_scdl(path, tmp_path / "data")
    assert result.rows_imported == 1
    warned = {(e.column, e.value): e.reason for e in result.report.warnings}
    assert "'aide en numéraire'" in warned[("nature", "Aide en numéraire")]
    assert "'unique'" in warned[("conditionsVersement", "Unique")]
