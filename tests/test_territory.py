"""The territorial reference: every commune, EPCI, département and région of France, from the npm package
@etalab/decoupage-administratif 6.0.0, used to reconcile (SIREN of a commune or EPCI, commune names) and to roll up
(territory-members, money-by-territory, territorial-coverage). Expected figures are those of the pinned package."""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from dtkg.errors import InputError
from dtkg.importers import import_scdl
from dtkg.importers.reconcile import resolve_commune_name
from dtkg.load import load_dataset, ox_store
from dtkg.namespaces import DTKG, IGEO, SCHEMA
from dtkg.query import run_query
from dtkg.territory import commune, find_communes, load_reference
from dtkg.territory.generate import SHA256, TARBALL, generate
from dtkg.territory.layer import graph_iri
from dtkg.validation import validate

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "territory"
BASE = "https://w3id.org/dtkg/id/"
CUD_MEMBERS = ["59016", "59094", "59107", "59131", "59155", "59159", "59183", "59260", "59271", "59272", "59273",
               "59340", "59359", "59532", "59576", "59588", "59668"]


def iri(local: str) -> URIRef:
    return URIRef(BASE + local)


# ------------------------------------------------------------------------------------------------ the reference


def test_the_reference_holds_every_current_commune_epci_departement_and_region():
    ref = load_reference()
    assert (len(ref.communes), len(ref.epcis), len(ref.departements), len(ref.regions)) == (34969, 1255, 109, 26)
    assert ref.source["version"] == "6.0.0" and ref.source["sha256"] == SHA256
    bourbourg = ref.communes["59094"]
    assert (bourbourg.name, bourbourg.departement, bourbourg.region, bourbourg.siren) == \
        ("Bourbourg", "59", "32", "215900945")
    assert bourbourg.postal_codes == ("59630",)
    assert (bourbourg.population, bourbourg.population_year, bourbourg.epci) == (6931, 2023, "245900428")
    cud = ref.epcis["245900428"]
    assert (cud.name, cud.kind, list(cud.members)) == ("CU de Dunkerque", "CU", CUD_MEMBERS)
    assert cud.population == sum(ref.communes[m].population for m in CUD_MEMBERS) == 191478
    # Mayotte's legal populations are those of its 2017 census; the overseas collectivities' have no year
    assert {ref.communes[c].population_year for c in ref.communes if c.startswith("976")} == {2017}
    assert ref.communes["97502"].population_year is None


def test_the_seed_bodies_keep_their_iris():
    ref = load_reference()
    assert ref.organisation_local("215900945") == "organisation/commune-bourbourg"
    assert ref.organisation_local("245900428") == "organisation/cud"
    assert ref.organisation_local("200027159") == "organisation/siren-200027159"  # Dunkerque
    assert ref.organisation_local("200053742") is None  # a région's SIREN is not in the package


def test_the_source_document_records_package_version_digest_and_licence(seed):
    rows = list(seed.query("""
        PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX dtkg: <https://w3id.org/dtkg/ontology#>
        PREFIX schema: <https://schema.org/>
        SELECT ?sha ?licence ?version ?id WHERE { ?s dtkg:sha256 ?sha ; dcterms:license ?licence ;
            schema:version ?version ; dcterms:identifier ?id FILTER (?s = <%ssource/decoupage-administratif>) }"""
                          % BASE))
    assert [(str(r.sha), str(r.licence), str(r.version), str(r.id)) for r in rows] == [
        (SHA256, "https://www.etalab.gouv.fr/licence-ouverte-open-licence", "6.0.0",
         "npm:@etalab/decoupage-administratif@6.0.0")]


# ------------------------------------------------------------------------------------------------ names


def test_find_communes_by_name_narrowed_by_departement_or_postal_code():
    assert [(c.insee, c.departement) for c in find_communes("Bailleul")] == [("59043", "59"), ("61023", "61"),
                                                                             ("80051", "80")]
    assert [c.insee for c in find_communes("BAILLEUL", postal_code="59270")] == ["59043"]
    assert [c.insee for c in find_communes("bailleul", departement="80")] == ["80051"]
    assert find_communes("Bailleul", departement="62") == []
    hazebrouck = find_communes("hazebrouck")
    assert [(c.insee, c.name, c.departement, c.postal_codes, c.population) for c in hazebrouck] == [
        ("59295", "Hazebrouck", "59", ("59190",), 21912)]
    assert [c.insee for c in find_communes("Saint Georges sur l’Aa")] == ["59532"]  # hyphens, apostrophes
    assert find_communes("Atlantis") == []
    assert commune("59183").name == "Dunkerque" and commune("99999") is None


def test_an_ambiguous_name_lists_its_candidates_and_is_resolved_by_postal_code_or_departement():
    code, why = resolve_commune_name("Bailleul")
    assert code is None
    assert why == ("3 communes are called « Bailleul »: 59043 Bailleul (département 59, code postal 59270); "
                   "61023 Bailleul (département 61, code postal 61160); 80051 Bailleul (département 80, code postal "
                   "80490); give the INSEE code, or the postal code or département to choose")
    assert resolve_commune_name("Bailleul", postal_code="61160") == ("61023", "")
    assert resolve_commune_name("Bailleul", departement="80") == ("80051", "")
    assert resolve_commune_name("Hazebrouck") == ("59295", "")
    code, why = resolve_commune_name("Bailleul", postal_code="75001")
    assert code is None and why.startswith("no commune « Bailleul » with postal code 75001; the communes of that")
    assert resolve_commune_name("Atlantis")[0] is None


# ------------------------------------------------------------------------------------------------ the layer


def test_the_linked_layer_holds_the_regions_of_the_data_and_conforms(seed):
    store = ox_store(seed)
    counts = {row[0].value: int(row[1].value) for row in store.query(
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER (STRSTARTS(STR(?c), STR(igeo:))) } GROUP BY ?c",
        prefixes={"igeo": str(IGEO)}, use_default_graph_as_union=True)}
    ref = load_reference()
    epcis = {s for s, e in ref.epcis.items() if any(ref.communes[m].region == "32" for m in e.members)}
    outside = {m for s in epcis for m in ref.epcis[s].members if ref.communes[m].region != "32"}
    assert (len(epcis), len(outside)) == (92, 49)  # EPCI of Hauts-de-France, and their communes in other régions
    assert counts == {str(IGEO.Commune): 3782 + 49, str(IGEO.Intercommunalite): 92, str(IGEO.Departement): 5,
                      str(IGEO.Region): 1}
    assert validate(seed).conforms
    # the seed's bodies are the territories' bodies
    assert (iri("organisation/commune-bourbourg"), SCHEMA.areaServed, iri("commune/59094")) in seed
    assert (iri("organisation/commune-bourbourg"), DTKG.siren, Literal("215900945")) in seed
    assert (iri("organisation/cud"), SCHEMA.areaServed, iri("epci/245900428")) in seed


def test_the_linked_layer_says_what_the_full_reference_says():
    linked = load_dataset(territory="linked")
    full = ox.Store()
    with gzip.open(REPO / "data" / "territory" / "france.nt.gz", "rb") as f:
        full.bulk_load(input=f.read(), format=ox.RdfFormat.N_TRIPLES)
    layer = [q for q in ox_store(linked).quads_for_pattern(None, None, None, ox.NamedNode(graph_iri()))]
    assert len(layer) > 35000
    missing = [q for q in layer if not any(True for _ in full.quads_for_pattern(q.subject, q.predicate, q.object))]
    assert missing == []
    assert len(full) == 580278


def test_territory_none_and_full(dtkg, tmp_path):
    none = load_dataset(territory="none")
    assert not list(ox_store(none).quads_for_pattern(None, None, None, ox.NamedNode(graph_iri())))
    full = load_dataset(territory="full")
    n = next(iter(ox_store(full).query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph_iri()}> {{ ?s ?p ?o }} }}")))
    assert int(n[0].value) == 580278 - 13  # less the 13 triples the seed itself states (its communes and bodies)
    rows = run_query(full, "territory-members", {"territory": iri("departement/2A")})
    assert len(list(rows)) == 124  # Corse-du-Sud, outside the seed's région: only in the full reference
    with pytest.raises(InputError, match="unknown territory mode 'some'"):
        load_dataset(territory="some")


# ------------------------------------------------------------------------------------------------ reconciliation


def test_scdl_grants_to_a_commune_and_a_ville_go_to_their_bodies_without_duplicates(tmp_path):
    data = tmp_path / "data"
    result = import_scdl(FIXTURES / "scdl-communes.csv", data)
    notes = [line for line in result.report.lines()] if hasattr(result.report, "lines") else []
    assert not [n for n in notes if "duplicate" in n], notes
    assert result.rows_invalid == 0
    ds = load_dataset([data])
    assert validate(ds, source_dirs=[REPO / "data", data]).conforms
    recipients = {str(r.recipient): str(r.total) for r in run_query(ds, """
        PREFIX schema: <https://schema.org/>
        SELECT ?recipient (SUM(?v) AS ?total) WHERE { ?g a schema:MonetaryGrant ; schema:fundedItem ?recipient ;
           schema:amount/schema:value ?v ; schema:description ?d FILTER (CONTAINS(STR(?d), "test fictif")) }
        GROUP BY ?recipient""")}
    assert recipients == {BASE + "organisation/commune-bourbourg": "13862", BASE + "organisation/siren-200027159":
                          "88252", BASE + "organisation/cud": "19500"}
    dunkerque = iri("organisation/siren-200027159")
    assert (dunkerque, SCHEMA.areaServed, iri("commune/59183")) in ds
    assert (dunkerque, DTKG.siren, Literal("200027159")) in ds
    labels = {str(o) for o in ds.objects(iri("organisation/commune-bourbourg"), URIRef(
        "http://www.w3.org/2000/01/rdf-schema#label"))}
    assert labels == {"Commune de Bourbourg", "Municipality of Bourbourg"}  # the seed's body, not a second one


# ------------------------------------------------------------------------------------------------ saved queries


def test_territory_members_of_the_cud_are_its_17_communes(dtkg):
    result = dtkg("query", "territory-members", "--param", "territory=organisation:cud", "--format", "csv")
    assert result.code == 0, result
    lines = result.out.splitlines()
    assert lines[0] == "insee,communeLabel,population,populationYear,commune"
    assert [line.split(",")[0] for line in lines[1:]] == CUD_MEMBERS
    assert lines[2] == f"59094,Bourbourg,6931,2023,{BASE}commune/59094"
    same = dtkg("query", "territory-members", "--param", "territory=epci:245900428", "--format", "csv")
    assert same.out == result.out


def test_territory_members_of_a_departement_and_a_region(seed):
    ref = load_reference()
    nord = [str(r.insee) for r in run_query(seed, "territory-members", {"territory": iri("departement/59")})]
    assert nord == sorted(c for c, x in ref.communes.items() if x.departement == "59") and len(nord) == 647
    hdf = list(run_query(seed, "territory-members", {"territory": iri("region/32")}))
    assert len(hdf) == 3782 and sum(int(r.population) for r in hdf) == 5992194


def test_money_by_territory_rolls_up_an_import(seed, tmp_path):
    def table(ds):
        return [(str(r.level), str(r.territory)[len(BASE):], str(r.total), int(r.grants), int(r.population),
                 str(r.perInhabitant)) for r in run_query(ds, "money-by-territory")]

    assert table(seed) == [("EPCI", "epci/245900428", "120000", 2, 191478, "0.63"),
                           ("département", "departement/59", "120000", 2, 2615635, "0.05"),
                           ("région", "region/32", "120000", 2, 5992194, "0.02")]
    data = tmp_path / "data"
    import_scdl(FIXTURES / "scdl-communes.csv", data)
    # + 13 862 (Bourbourg) + 88 252 (Dunkerque) + 19 500 (the CUD) = 241 614 €; 241 614 / 191 478 = 1.2618…
    assert table(load_dataset([data])) == [("EPCI", "epci/245900428", "241614", 5, 191478, "1.26"),
                                           ("département", "departement/59", "241614", 5, 2615635, "0.09"),
                                           ("région", "region/32", "241614", 5, 5992194, "0.04")]


def test_coverage_counts_uncovered_population(seed):
    rows = list(run_query(seed, "territorial-coverage", {"territory": iri("organisation/cud")}))
    assert [(str(r.insee), int(r.places), r.covered.toPython()) for r in rows[:3]] == [
        ("59094", 1, True), ("59183", 1, True), ("59016", 0, False)]
    assert len(rows) == 17
    ref = load_reference()
    uncovered = sum(ref.communes[c].population for c in CUD_MEMBERS if c not in ("59094", "59183"))
    assert {(int(r.communesWithout), int(r.populationNotCovered)) for r in rows} == {(15, uncovered)}
    assert uncovered == 98284


# ------------------------------------------------------------------------------------------------ views


def test_views_draw_only_the_territories_linked_to_actors(seed):
    from dtkg.network import ego_view, plain_graph, to_networkx
    from dtkg.territory.views import territories

    graph = plain_graph(seed)
    assert territories(graph) == {iri("commune/59094"), iri("commune/59183"), iri("epci/245900428")}
    full = to_networkx(graph, "full")
    assert BASE + "commune/59016" not in full  # Armbouts-Cappel: in the CUD, but no actor there
    focus = ego_view(full, BASE + "epci/245900428", 1)
    assert {BASE + "commune/59094", BASE + "commune/59183"} <= set(focus.nodes)


# ------------------------------------------------------------------------------------------------ regeneration


def _tarball(tmp_path: Path) -> Path | None:
    """The pinned tarball: $DTKG_TERRITORY_TARBALL, else `npm pack` (None when npm or the registry is missing)."""
    given = os.environ.get("DTKG_TERRITORY_TARBALL")
    if given:
        return Path(given)
    if shutil.which("npm") is None:
        return None
    try:
        subprocess.run(["npm", "pack", "@etalab/decoupage-administratif@6.0.0", "--silent"], cwd=tmp_path,
                       check=True, capture_output=True, timeout=300)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        return None
    return tmp_path / TARBALL


def test_regenerating_the_reference_gives_the_shipped_bytes(tmp_path):
    tarball = _tarball(tmp_path)
    if tarball is None:
        if os.environ.get("CI") == "true" and shutil.which("npm"):
            pytest.fail("npm is installed but `npm pack @etalab/decoupage-administratif@6.0.0` failed")
        pytest.skip("needs npm and the npm registry (or DTKG_TERRITORY_TARBALL) to regenerate the reference")
    assert hashlib.sha256(tarball.read_bytes()).hexdigest() == SHA256
    out = tmp_path / "out"
    counts = generate(tarball, out, REPO / "data")
    assert counts == {"communes": 34969, "epci": 1255, "departements": 109, "regions": 26, "triples": 580278}
    for name in ("index.json.gz", "france.nt.gz"):
        assert (out / "territory" / name).read_bytes() == (REPO / "data" / "territory" / name).read_bytes(), name


def test_a_wrong_tarball_is_refused(tmp_path):
    bad = tmp_path / TARBALL
    bad.write_bytes(b"not the package")
    with pytest.raises(InputError, match="is not that of @etalab/decoupage-administratif@6.0.0"):
        generate(bad, tmp_path / "out", REPO / "data")


def test_a_mednum_row_without_insee_code_finds_its_commune_by_name_and_postal_code(tmp_path):
    from rdflib import Graph

    from dtkg.importers import InvalidRows, import_mednum

    path = tmp_path / "lieux.csv"
    path.write_text("id,nom,commune,code_postal,adresse,date_maj,services\n"
                    "t1,Lieu fictif,Hazebrouck,,1 rue fictive,2024-01-01,Prendre en main un ordinateur\n"
                    "t2,Autre lieu fictif,Bailleul,59270,1 rue fictive,2024-01-01,Prendre en main un ordinateur\n"
                    "t3,Troisième lieu fictif,Bailleul,,1 rue fictive,2024-01-01,Prendre en main un ordinateur\n",
                    encoding="utf-8")
    with pytest.raises(InvalidRows) as info:
        import_mednum(path, tmp_path / "data")
    [error] = info.value.report.errors
    assert (error.row, error.column) == (4, "code_insee")
    assert "3 communes are called « Bailleul »: 59043 Bailleul (département 59" in error.reason
    result = import_mednum(path, tmp_path / "data", skip_invalid=True)
    g = Graph().parse(result.output, format="turtle")
    assert g.value(iri("place/mednum-t1"), SCHEMA.containedInPlace) == iri("commune/59295")
    assert g.value(iri("place/mednum-t2"), SCHEMA.containedInPlace) == iri("commune/59043")
