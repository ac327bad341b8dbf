"""`dtkg import table`: the tables an officer fills in from a press release, their templates and their docs.

tests/fixtures/import/tables-fictional/ is a fictional press release and its tables, written for these tests;
examples/tables/ holds real facts of the seed's press text.
"""

from __future__ import annotations

import re
from decimal import Decimal
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import FOAF, RDF, RDFS, SKOS, XSD

from dtkg.errors import InputError
from dtkg.importers import TABLES, InvalidRows, import_tables, write_templates
from dtkg.load import iter_folders, load_dataset
from dtkg.namespaces import DTKG, OA, ORG, SCHEMA
from dtkg.query import run_query
from dtkg.validation import validate

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "import"
BASE = "https://w3id.org/dtkg/id/"
CUD = URIRef(BASE + "organisation/cud")


def assert_valid(data: Path) -> None:
    ds = load_dataset([data])
    report = validate(ds, source_dirs=[f for f, _ in iter_folders([data])])
    assert report.conforms, "\n".join(report.lines())


def quotes(g: Graph, resource: URIRef) -> set[tuple[str, str]]:
    """(source, exact words) of the quote annotations of ``resource``."""
    out = set()
    for annotation in g.subjects(OA.hasBody, resource):
        target = g.value(annotation, OA.hasTarget)
        selector = g.value(target, OA.hasSelector)
        exact = g.value(selector, OA.exact)
        if exact is not None:
            out.add((str(g.value(target, OA.hasSource)), str(exact)))
    return out


def test_a_fictional_press_release_in_tables(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = import_tables(FIXTURES / "tables-fictional", data)
    assert (result.rows_read, result.rows_imported, result.report.entries) == (7, 7, [])
    assert result.output == data / "imports" / "table-tables-fictional.ttl"
    g = Graph().parse(result.output, format="turtle")
    press = URIRef(BASE + "source/communique-test-fictif")

    # the press release: described, kept with its digest; quotes are checked against it by dtkg validate
    assert g.value(press, DTKG.localFile) == Literal("imports/sources/table-tables-fictional/communique-test.txt")
    assert (data / "imports/sources/table-tables-fictional/communique-test.txt").is_file()
    assert g.value(press, SCHEMA.url) is None and g.value(press, RDFS.label) is not None

    # organisations: the CUD by its SIREN is the seed's node; a new association by its id, with its RNA number
    octets = URIRef(BASE + "organisation/petits-octets-fictif")
    assert (octets, RDF.type, DTKG.Association) in g and g.value(octets, DTKG.rna) == Literal("W595999999")
    assert quotes(g, octets) == {(str(press), "l’association Les Petits Octets (fictive)")}
    assert (CUD, DTKG.siren, Literal("245900428")) in g
    assert not list(g.objects(CUD, RDFS.label))  # "CUD" is already one of its names: nothing added
    assert not list(g.objects(CUD, SKOS.altLabel))

    # a person (English column names), her role (a new role concept) and that she heads the association
    camille = URIRef(BASE + "person/camille-exemple-fictive")
    assert g.value(camille, FOAF.givenName) == Literal("Camille")
    membership = URIRef(BASE + "membership/camille-exemple-fictive-petits-octets-fictif")
    assert g.value(membership, ORG.member) == camille and g.value(membership, ORG.organization) == octets
    role = g.value(membership, ORG.role)
    assert role == URIRef(BASE + "role/presidente") and g.value(role, SKOS.inScheme) == URIRef(BASE + "role")
    assert (camille, ORG.headOf, octets) in g

    # the place, in a new commune, run by the association; "activités inclusives" is the seed's concept
    fabrique = URIRef(BASE + "place/fabrique-fictive")
    assert (fabrique, RDF.type, DTKG.TiersLieu) in g
    assert g.value(fabrique, SCHEMA.containedInPlace) == URIRef(BASE + "commune/59273")
    assert g.value(fabrique, ORG.siteOf) == octets
    assert URIRef(BASE + "activity/activites-inclusives") in set(g.objects(fabrique, DTKG.activity))

    # the grant: funder given by SIREN, amount "7 500", kind = the seed's concept, year only
    [grant] = list(g.subjects(RDF.type, SCHEMA.MonetaryGrant))
    assert g.value(grant, SCHEMA.funder) == CUD and g.value(grant, SCHEMA.fundedItem) == octets
    node = g.value(grant, SCHEMA.amount)
    assert g.value(node, SCHEMA.value) == Literal("7500.00", datatype=XSD.decimal)
    assert g.value(grant, SCHEMA.startDate) == Literal("2024", datatype=XSD.gYear)
    assert quotes(g, grant) == {(str(press), "son aide de 7 500 euros en fonctionnement")}
    from rdflib.namespace import DCTERMS

    assert g.value(grant, DCTERMS.type) == URIRef(BASE + "grant-kind/fonctionnement")
    assert_valid(data)


def test_the_filled_example_only_restates_facts_of_the_seed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = import_tables(REPO / "examples" / "tables", data)
    assert result.rows_imported == 6 and not result.report.entries
    assert_valid(data)
    seed, both = load_dataset(), load_dataset([data])
    count = """SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?t VALUES ?t {
        <http://www.w3.org/ns/org#Organization> <http://xmlns.com/foaf/0.1/Person> <http://www.w3.org/ns/org#Site>
        <https://schema.org/MonetaryGrant> <http://www.w3.org/ns/org#Membership> } }"""
    assert int(next(iter(run_query(both, count))).n) == int(next(iter(run_query(seed, count))).n)
    totals = {str(r.funder): Decimal(str(r.total)) for r in run_query(both, "total-by-funder")}
    assert totals == {str(r.funder): Decimal(str(r.total)) for r in run_query(seed, "total-by-funder")}
    g = Graph().parse(result.output, format="turtle")
    grant = URIRef(BASE + "grant/region-atelier-investissement-annee-1")
    assert g.value(grant, SCHEMA.amount) is None  # the seed states its amount
    assert quotes(g, grant) == {(BASE + "source/2019-09-28-inauguration-atelier-bourbourg",
                                 "C’est au titre de l’investissement qu’est d’ailleurs soutenu l’ATELIER avec une "
                                 "aide de 6 421 euros de la Région pour la première année")}


def test_invalid_tables_are_reported_and_nothing_is_written(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with pytest.raises(InvalidRows) as info:
        import_tables(FIXTURES / "tables-invalid", data)
    found = {(e.file, e.row, e.column): e.reason for e in info.value.report.errors}
    assert set(found) == {
        ("sources.csv", 2, "date"), ("organisations.csv", 2, "siren"), ("organisations.csv", 3, "identifiant"),
        ("organisations.csv", 3, "type"), ("roles.csv", 2, "personne"), ("subventions.csv", 2, "citation"),
        ("subventions.csv", 2, "fin"), ("subventions.csv", 2, "montant"), ("subventions.csv", 3, "citation")}
    assert "unknown person" in found[("roles.csv", 2, "personne")]
    assert "not found word for word" in found[("subventions.csv", 2, "citation")]
    assert "typographic apostrophe" in found[("subventions.csv", 3, "citation")]
    assert str(info.value).startswith(str(FIXTURES / "tables-invalid"))
    assert not data.exists()


def test_rows_that_refer_to_an_invalid_row_are_left_out_with_it(tmp_path: Path) -> None:
    folder = tmp_path / "tables"
    folder.mkdir()
    (folder / "organisations.csv").write_text("identifiant,nom,siren\nfictive,Organisation Fictive,123456789\n",
                                              encoding="utf-8")
    (folder / "personnes.csv").write_text("identifiant,prenom,nom\npers-fictive,Alex,Fictif\n", encoding="utf-8")
    (folder / "roles.csv").write_text("personne,organisation,role\npers-fictive,fictive,trésorier\n",
                                      encoding="utf-8")
    result = import_tables(folder, tmp_path / "data", skip_invalid=True)
    assert {(e.file, e.row) for e in result.report.errors} == {("organisations.csv", 2), ("roles.csv", 2)}
    assert result.rows_imported == 1  # the person
    assert_valid(tmp_path / "data")


def test_a_reference_to_a_refused_row_says_which_row_not_unknown(tmp_path: Path) -> None:
    # One bad quote in organisations.csv: the place that the organisation runs refers to a row that is in the
    # tables, so the place's error must send the reader to that row, not say the id is unknown.
    folder = tmp_path / "tables"
    shutil.copytree(FIXTURES / "tables-fictional", folder)
    orgs = folder / "organisations.csv"
    orgs.write_text(orgs.read_text(encoding="utf-8").replace("l’association Les Petits Octets",
                                                             "l'association Les Petits Octets"), encoding="utf-8")
    with pytest.raises(InvalidRows) as info:
        import_tables(folder, tmp_path / "data")
    found = {(e.file, e.row, e.column): e.reason for e in info.value.report.errors}
    assert "not found word for word" in found[("organisations.csv", 2, "citation")]
    knock_on = found[("lieux.csv", 2, "gestionnaire")]
    assert knock_on == "refers to organisations.csv row 2, which is invalid (see above)"
    assert not any("unknown organisation" in reason for reason in found.values())


def test_a_grant_that_contradicts_the_data_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "tables"
    folder.mkdir()
    (folder / "grants.csv").write_text("id,funder,recipient,amount\n"
                                       "region-atelier-investissement-annee-1,region-hauts-de-france,"
                                       "atelier-bourbourg,7000\n", encoding="utf-8")
    with pytest.raises(InvalidRows) as info:
        import_tables(folder, tmp_path / "data")
    [error] = info.value.report.errors
    assert (error.file, error.row, error.column, error.value) == ("grants.csv", 2, "amount", "7000")
    assert "6421.00 EUR" in error.reason


def test_a_folder_without_tables(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="none of the table files"):
        import_tables(tmp_path, tmp_path / "data")
    (tmp_path / "grants.csv").write_text("id\n", encoding="utf-8")
    (tmp_path / "subventions.csv").write_text("identifiant\n", encoding="utf-8")
    with pytest.raises(InputError, match="both"):
        import_tables(tmp_path, tmp_path / "data")


def test_the_shipped_templates_are_the_ones_the_code_writes(tmp_path: Path) -> None:
    for lang, shipped in (("fr", REPO / "templates" / "tables"), ("en", REPO / "templates" / "tables" / "en")):
        written = write_templates(tmp_path / lang, lang=lang)
        assert sorted(p.name for p in written) == sorted(p.name for p in shipped.glob("*.csv"))
        for path in written:
            assert path.read_bytes() == (shipped / path.name).read_bytes(), path.name
    with pytest.raises(InputError, match="already exists"):
        write_templates(tmp_path / "fr")


def test_every_column_is_documented_in_french_and_english_in_the_docs() -> None:
    section = (REPO / "docs" / "importing.md").read_text(encoding="utf-8")
    for spec in TABLES:
        assert spec.fr_file in section and spec.en_file in section, spec.key
        for column in spec.columns:
            assert re.search(rf"`{re.escape(column.fr)}`\s*/\s*`{re.escape(column.en)}`", section), \
                f"{spec.fr_file}: {column.fr} / {column.en}"


def test_cli_templates_then_import(dtkg, tmp_path: Path) -> None:
    out = tmp_path / "mes-tableaux"
    result = dtkg("import", "table", "--template", str(out), "--lang", "en")
    assert result.code == 0, result
    assert f"Wrote {out / 'grants.csv'}" in result.out
    empty = dtkg("import", "table", str(out), "--data", str(tmp_path / "data"))
    assert empty.code == 2, empty  # the empty templates hold no rows: said, and nothing written
    assert "the tables have no rows" in empty.err
    assert not (tmp_path / "data").exists()
    missing = dtkg("import", "table", "--data", str(tmp_path / "data"))
    assert missing.code == 2 and "give the folder of tables" in missing.err


def test_every_importer_then_build_shows_the_facts_in_the_views(dtkg, tmp_path: Path) -> None:
    """The issue's "done when": imports from the command line, then `dtkg build` validates them with the seed data
    and the network views show the imported grants and places next to the seed's."""
    data, out = tmp_path / "data", tmp_path / "out"
    for command in (["scdl", str(FIXTURES / "scdl-valid.csv")], ["scdl", str(FIXTURES / "scdl-windows1252.csv")],
                    ["mednum", str(FIXTURES / "mednum-valid.csv")], ["table", str(FIXTURES / "tables-fictional")],
                    ["table", str(REPO / "examples" / "tables")]):
        result = dtkg("import", *command, "--data", str(data))
        assert result.code == 0, result
    built = dtkg("build", "--data", str(data), "--out", str(out))
    assert built.code == 0, built
    assert re.search(r"granted by Région Hauts-de-France\s*│ 152 921,50 € \(7 grants\)", built.out), built.out
    views = "".join(p.read_text(encoding="utf-8") for p in out.glob("*.html"))
    for label in ("Espace numérique fictif de Dunkerque", "La Fabrique Fictive", "Association Fictive du Numérique",
                  "L'ATELIER", "Communauté Urbaine de Dunkerque"):
        assert label in views or label.replace("'", "&#x27;") in views or label.replace("'", "\\u0027") in views, label
