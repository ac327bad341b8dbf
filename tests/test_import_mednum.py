"""`dtkg import mednum`: places of digital mediation (standard 1.x) become places in their communes.

tests/fixtures/import/mednum-*.csv are fictional places written for these tests (see their README).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from dtkg.importers import InvalidRows, import_mednum, import_scdl
from dtkg.load import iter_folders, load_dataset
from dtkg.namespaces import DTKG, IGEO, OA, ORG, SCHEMA
from dtkg.query import run_query
from dtkg.validation import validate

FIXTURES = Path(__file__).parent / "fixtures" / "import"
BASE = "https://w3id.org/dtkg/id/"
CUD = URIRef(BASE + "organisation/cud")


def place(local: str) -> URIRef:
    return URIRef(f"{BASE}place/mednum-{local}")


@pytest.fixture()
def imported(tmp_path: Path):
    data = tmp_path / "data"
    result = import_mednum(FIXTURES / "mednum-valid.csv", data)
    return data, result, Graph().parse(result.output, format="turtle")


def test_places_are_in_their_communes_with_coordinates_and_services(imported) -> None:
    data, result, g = imported
    assert (result.rows_read, result.rows_imported) == (3, 3)
    dunkerque = place("test-lieu-2")
    assert {RDF.type: set(g.objects(dunkerque, RDF.type))}[RDF.type] == {ORG.Site, SCHEMA.Place, DTKG.TiersLieu}
    assert g.value(dunkerque, RDFS.label) == Literal("Espace numérique fictif de Dunkerque", lang="fr")
    # the seed's commune of Dunkerque (INSEE 59183), the same node
    assert g.value(dunkerque, SCHEMA.containedInPlace) == URIRef(BASE + "commune/59183")
    assert g.value(dunkerque, SCHEMA.latitude) == Literal("51.0343", datatype=XSD.decimal)  # written "51,0343"
    assert g.value(dunkerque, SCHEMA.longitude) == Literal("2.3768", datatype=XSD.decimal)
    address = g.value(dunkerque, SCHEMA.address)
    assert g.value(address, SCHEMA.streetAddress) == Literal("1 rue fictive, Bâtiment B")
    assert g.value(address, SCHEMA.postalCode) == Literal("59140")
    assert set(g.objects(dunkerque, SCHEMA.email)) == {Literal("contact@exemple.invalid"),
                                                      Literal("accueil@exemple.invalid")}
    assert len(set(g.objects(dunkerque, SCHEMA.url))) == 2  # "a|b"
    assert g.value(dunkerque, SCHEMA.dateModified) == Literal("2023-06-15", datatype=XSD.date)
    # services as SKOS concepts of the activity scheme
    service = URIRef(BASE + "activity/utiliser-le-numerique-au-quotidien")
    assert set(g.objects(dunkerque, DTKG.activity)) == {service}
    assert (service, RDF.type, SKOS.Concept) in g
    assert g.value(service, SKOS.inScheme) == URIRef(BASE + "activity")
    assert g.value(service, SKOS.prefLabel) == Literal("Utiliser le numérique au quotidien", lang="fr")
    # typology codes as concepts; "Jeunes" is the seed's audience concept
    assert set(g.objects(dunkerque, DCTERMS.type)) == {URIRef(BASE + "place-type/tiers-lieux"),
                                                      URIRef(BASE + "place-type/asso")}
    assert URIRef(BASE + "audience/jeunes") in set(g.objects(dunkerque, SCHEMA.audience))
    assert (URIRef(BASE + "audience/jeunes"), RDF.type, SKOS.Concept) not in g  # not declared again


def test_the_operator_is_the_seed_organisation_with_that_siret(imported) -> None:
    _, _, g = imported
    dunkerque = place("test-lieu-2")
    assert g.value(dunkerque, ORG.siteOf) == CUD  # pivot 24590042800013 → SIREN 245900428
    assert (CUD, ORG.hasSite, dunkerque) in g
    assert not list(g.objects(CUD, RDFS.label))
    assert g.value(place("test-lieu-1"), ORG.siteOf) is None  # pivot 00000000000000: no operator


def test_a_new_commune_is_declared_with_its_insee_code(imported) -> None:
    _, _, g = imported
    gravelines = URIRef(BASE + "commune/59273")
    assert (gravelines, RDF.type, IGEO.Commune) in g
    assert g.value(gravelines, IGEO.codeINSEE) == Literal("59273")
    assert g.value(gravelines, RDFS.label) == Literal("Gravelines", lang="fr")
    bourbourg = URIRef(BASE + "commune/59094")
    assert not list(g.objects(bourbourg, RDFS.label))  # the seed's commune keeps its label


def test_every_place_knows_its_row(imported) -> None:
    _, _, g = imported
    for local, row in (("test-lieu-1", "row=2"), ("test-lieu-2", "row=3"), ("test-lieu-3", "row=4")):
        [annotation] = list(g.subjects(OA.hasBody, place(local)))
        selector = g.value(g.value(annotation, OA.hasTarget), OA.hasSelector)
        assert g.value(selector, RDF.value) == Literal(row)


def test_a_place_with_the_name_of_a_seed_place_in_the_same_commune_is_reported(imported) -> None:
    _, result, g = imported
    [warning] = result.report.warnings
    assert (warning.row, warning.column, warning.value) == (2, "nom", "L’Atelier")
    assert "possible duplicate of place:atelier-bourbourg" in warning.reason
    assert (place("test-lieu-1"), RDF.type, ORG.Site) in g  # imported as its own place, not merged


def test_places_validate_and_are_found_by_queries(imported) -> None:
    data, _, _ = imported
    ds = load_dataset([data])
    report = validate(ds, source_dirs=[f for f, _ in iter_folders([data])])
    assert report.conforms, report.lines()
    rows = run_query(ds, """
        PREFIX org: <http://www.w3.org/ns/org#>
        PREFIX schema: <https://schema.org/>
        SELECT ?p WHERE { ?p a org:Site ; schema:containedInPlace <https://w3id.org/dtkg/id/commune/59183> }""")
    assert {str(r.p) for r in rows} == {BASE + "place/sparklab-dunkerque", str(place("test-lieu-2"))}


def test_an_operator_known_from_another_import_is_the_same_node(tmp_path: Path) -> None:
    data = tmp_path / "data"
    import_scdl(FIXTURES / "scdl-valid.csv", data)  # the club with RNA W595000001 is a beneficiary there
    g = Graph().parse(import_mednum(FIXTURES / "mednum-valid.csv", data).output, format="turtle")
    club = URIRef(BASE + "organisation/rna-W595000001")
    assert g.value(place("test-lieu-3"), ORG.siteOf) == club
    assert not list(g.objects(club, RDFS.label))  # named by the SCDL file; no placeholder name here


def test_invalid_places_are_reported_with_row_column_value_and_reason(tmp_path: Path) -> None:
    with pytest.raises(InvalidRows) as info:
        import_mednum(FIXTURES / "mednum-invalid.csv", tmp_path / "data")
    found = {(e.row, e.column, e.value): e.reason for e in info.value.report.errors}
    assert set(found) == {(2, "code_insee", "5909"), (3, "latitude", "123.5"), (4, "pivot", "24590042800014"),
                          (5, "date_maj", "2023-13-01"), (6, "nom", ""), (8, "id", "good-1")}
    assert "INSEE commune code" in found[(2, "code_insee", "5909")]
    assert "between -90 and 90" in found[(3, "latitude", "123.5")]
    assert "SIRET checksum" in found[(4, "pivot", "24590042800014")]
    assert "not a date that exists" in found[(5, "date_maj", "2023-13-01")]
    assert "required field is empty" in found[(6, "nom", "")]
    assert "same id as row 7" in found[(8, "id", "good-1")]
    assert not (tmp_path / "data").exists()
    result = import_mednum(FIXTURES / "mednum-invalid.csv", tmp_path / "data", skip_invalid=True)
    assert result.rows_imported == 1 and result.report_file.is_file()


def test_a_commune_name_known_to_the_data_can_stand_for_a_missing_code(tmp_path: Path) -> None:
    path = tmp_path / "lieux.csv"
    path.write_text("id,nom,commune,code_postal,adresse,date_maj,services\n"
                    "x1,Lieu fictif,Dunkerque,59140,1 rue fictive,2024-01-01,Prendre en main un ordinateur\n"
                    "x2,Autre lieu fictif,Ville Inconnue,59999,1 rue fictive,2024-01-01,"
                    "Prendre en main un ordinateur\n",
                    encoding="utf-8")
    with pytest.raises(InvalidRows) as info:
        import_mednum(path, tmp_path / "data")
    [error] = info.value.report.errors
    assert (error.row, error.column) == (3, "code_insee")
    result = import_mednum(path, tmp_path / "data", skip_invalid=True)
    g = Graph().parse(result.output, format="turtle")
    assert g.value(place("x1"), SCHEMA.containedInPlace) == URIRef(BASE + "commune/59183")


def test_cli_mednum(dtkg, tmp_path: Path) -> None:
    result = dtkg("import", "mednum", str(FIXTURES / "mednum-valid.csv"), "--data", str(tmp_path / "data"))
    assert result.code == 0, result
    assert "Read 3 rows: 3 imported, 1 warning." in result.out
    assert "mednum-valid.csv, row 2, column nom, value 'L’Atelier': warning: possible duplicate" in result.err


def test_a_name_found_later_replaces_the_placeholder_of_an_operator(tmp_path: Path) -> None:
    data = tmp_path / "data"
    g = Graph().parse(import_mednum(FIXTURES / "mednum-valid.csv", data).output, format="turtle")
    club = URIRef(BASE + "organisation/rna-W595000001")
    assert g.value(club, RDFS.label) == Literal("Association RNA W595000001", lang="fr")  # the file gives no name
    later = Graph().parse(import_scdl(FIXTURES / "scdl-valid.csv", data).output, format="turtle")
    assert later.value(club, RDFS.label) == Literal("Club Fictif des Aidants", lang="fr")  # a label, not an altLabel
    assert later.value(club, SKOS.altLabel) is None
    ds = load_dataset([data])
    labels = {str(r.label) for r in run_query(ds, "organisations") if str(r.organisation) == str(club)}
    assert "Club Fictif des Aidants" in labels
