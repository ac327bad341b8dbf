"""The saved competency questions and their exact answers on the seed data; parameters are bound safely."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from dtkg.errors import InputError
from dtkg.query import parse_param, run_query, saved_queries
from dtkg.results import format_result
from conftest import BASE


def answer(ds, name, **params) -> list[tuple]:
    return [tuple(None if v is None else v.toPython() if isinstance(v, Literal) else str(v) for v in row)
            for row in run_query(ds, name, params or None)]


def test_at_least_twelve_documented_saved_queries():
    saved = saved_queries()
    assert len(saved) >= 12
    for s in saved:
        assert s.question.endswith("?") or "?" in s.question, s.name
        assert s.text.lstrip().startswith("#"), s.name


def test_every_saved_query_has_an_exact_answer_test():
    tested = {name[len("test_"):].replace("_", "-") for name in globals() if name.startswith("test_")}
    missing = {s.name for s in saved_queries()} - tested
    assert not missing, f"saved queries without a test: {missing}"


def test_funding_by_place(seed):
    assert answer(seed, "funding-by-place") == [
        ("L'ATELIER", "Région Hauts-de-France", Decimal("6421.00"), "EUR", "investissement",
         f"{BASE}grant/region-atelier-investissement-annee-1")]


def test_total_by_funder(seed):
    assert answer(seed, "total-by-funder") == [
        (f"{BASE}organisation/region-hauts-de-france", "Région Hauts-de-France", "EUR", Decimal("120000.00"), 2)]


def test_total_by_recipient(seed):
    # only the organisation paid receives money: the CUD, paid the 90 000 € and (inferred: laureate of the call) the
    # 30 000 €; the network and L'ATELIER are what the money is earmarked for (earmarked-funding), not recipients
    assert answer(seed, "total-by-recipient") == [
        (f"{BASE}organisation/cud", "Communauté Urbaine de Dunkerque", "EUR", Decimal("120000.00"), 2)]


def test_earmarked_funding(seed):
    assert answer(seed, "earmarked-funding") == [
        (f"{BASE}network/tiers-lieux-numerique-dunkerque-bourbourg",
         "Réseau de tiers-lieux du numérique de Dunkerque et Bourbourg", "Région Hauts-de-France",
         Decimal("30000.00"), "EUR", f"{BASE}grant/region-investissement-tiers-lieux", None,
         "Communauté Urbaine de Dunkerque"),
        (f"{BASE}place/atelier-bourbourg", "L'ATELIER", "Région Hauts-de-France", Decimal("6421.00"), "EUR",
         f"{BASE}grant/region-atelier-investissement-annee-1", f"{BASE}grant/region-investissement-tiers-lieux",
         "Communauté Urbaine de Dunkerque")]


def test_money_by_year(seed):
    # the 90 000 € start in 2019 (inferred from "versée sur 3 ans jusqu'en 2021"); the 30 000 € has no date
    assert answer(seed, "money-by-year") == [
        (None, f"{BASE}organisation/region-hauts-de-france", "Région Hauts-de-France", f"{BASE}organisation/cud",
         "Communauté Urbaine de Dunkerque", "EUR", Decimal("30000.00"), 1),
        ("2019", f"{BASE}organisation/region-hauts-de-france", "Région Hauts-de-France", f"{BASE}organisation/cud",
         "Communauté Urbaine de Dunkerque", "EUR", Decimal("90000.00"), 1)]


def test_grants_announced_not_published(seed):
    # the seed is a press account: both decisions are announced and none is published (the 6 421 € is a share)
    source = f"{BASE}source/2019-09-28-inauguration-atelier-bourbourg"
    rows = answer(seed, "grants-announced-not-published")
    assert [(r[0], r[2], r[4], r[6]) for r in rows] == [
        (f"{BASE}organisation/region-hauts-de-france", f"{BASE}grant/region-cud-fonctionnement-2019-2021",
         Decimal("90000.00"), source),
        (f"{BASE}organisation/region-hauts-de-france", f"{BASE}grant/region-investissement-tiers-lieux",
         Decimal("30000.00"), source)]


def test_grants_published_not_announced(seed):
    assert answer(seed, "grants-published-not-announced") == []  # no open-data file in the seed


def test_roles_by_person(seed):
    assert answer(seed, "roles-by-person") == [
        ("Serge Roger", "président", "Andyvie", None, True),
        ("Florence Timmerman", "directrice", "Centre socio-éducatif", None, True),
        ("Isabelle Kerkhof", "vice-présidente", "Communauté Urbaine de Dunkerque",
         "au développement de la solidarité intercommunale, au schéma de mutualisation et au numérique", False),
        ("Maire de Bourbourg en septembre 2019 (non nommé)", "maire", "Commune de Bourbourg", None, True),
        ("Vice-président de la Mutualité Sociale Agricole en septembre 2019 (non nommé)", "vice-président",
         "Mutualité Sociale Agricole", None, False),
        ("Xavier Bertrand", "président", "Région Hauts-de-France", None, True)]


def test_strategy_axes(seed):
    rows = answer(seed, "strategy-axes")
    assert [(r[0], r[3], r[4]) for r in rows] == [
        ("Feuille de route numérique de la Région Hauts-de-France", "1", "garantir l'équité d'accès au très haut débit"),
        ("Feuille de route numérique de la Région Hauts-de-France", "2", "réussir le pari des usages et de l'innovation"),
        ("Feuille de route numérique de la Région Hauts-de-France", "3",
         "relever le défi de l'emploi en s'appuyant sur le numérique"),
        ("Feuille de route numérique de la Région Hauts-de-France", "4", "fédérer les acteurs de la transition numérique"),
        ("Stratégie numérique de la Communauté Urbaine de Dunkerque", "1",
         "Renforcer l'attractivité économique et résidentielle"),
        ("Stratégie numérique de la Communauté Urbaine de Dunkerque", "2", "Améliorer les services publics du quotidien"),
        ("Stratégie numérique de la Communauté Urbaine de Dunkerque", "3",
         "Faire évoluer les pratiques pour transformer le quotidien")]
    assert {(r[1], str(r[2])) for r in rows} == {("Région Hauts-de-France", "2016"),
                                                 ("Communauté Urbaine de Dunkerque", "2016")}


def test_network_places(seed):
    network = "Réseau de tiers-lieux du numérique de Dunkerque et Bourbourg"
    assert answer(seed, "network-places") == [(network, "L'ATELIER", "Bourbourg", "59094"),
                                              (network, "SPARKLAB", "Dunkerque", "59183")]


def test_event_attendees(seed):
    rows = answer(seed, "event-attendees")
    assert {(r[0], str(r[1]), r[2]) for r in rows} == {
        ("Inauguration de L'ATELIER, tiers-lieu numérique de Bourbourg", "2019-09-28", "L'ATELIER")}
    assert [(r[3], r[4], r[5]) for r in rows] == [
        ("Auteur du compte rendu de l'inauguration de L'ATELIER (non nommé)", None, None),
        ("Florence Timmerman", "directrice", "Centre socio-éducatif"),
        ("Isabelle Kerkhof", "vice-présidente", "Communauté Urbaine de Dunkerque"),
        ("Maire de Bourbourg en septembre 2019 (non nommé)", "maire", "Commune de Bourbourg"),
        ("Serge Roger", "président", "Andyvie"),
        ("Vice-président de la Mutualité Sociale Agricole en septembre 2019 (non nommé)", "vice-président",
         "Mutualité Sociale Agricole")]


def test_grants_by_call(seed):
    call = "Appel à projets « Tiers lieu du numérique » (2018)"
    cud = "Communauté Urbaine de Dunkerque"
    assert [(r[0], r[1], r[3]) for r in answer(seed, "grants-by-call")] == [
        (call, cud, Decimal("90000.00")), (call, cud, Decimal("30000.00")), (call, cud, Decimal("6421.00"))]


def test_quote_behind_fact(seed):
    rows = answer(seed, "quote-behind-fact", fact=URIRef(f"{BASE}grant/region-cud-fonctionnement-2019-2021"))
    assert [r[2] for r in rows] == [
        "Ce soutien se traduit par une aide régionale en fonctionnement de 90 000 euros versée sur 3 ans jusqu’en 2021 "
        "à la Communauté Urbaine de Dunkerque"]
    assert str(rows[0][4]) == "2019-09-28"
    everything = answer(seed, "quote-behind-fact")
    assert len(everything) == 29 and len({r[0] for r in everything}) == 24


def test_organisations(seed):
    rows = answer(seed, "organisations")
    assert [(r[1], r[2]) for r in rows] == [
        ("Andyvie", None), ("Centre socio-éducatif", None), ("Communauté Urbaine de Dunkerque", "245900428"),
        ("Commune de Bourbourg", "215900945"),  # from the territorial reference: the body of commune 59094
        ("Mutualité Sociale Agricole", None), ("Région Hauts-de-France", "200053742")]
    kinds = {r[1]: set(r[3].split(", ")) for r in rows}
    assert kinds["Andyvie"] == {"association"}
    assert kinds["Région Hauts-de-France"] == {"collectivité territoriale", "personne morale de droit public"}
    assert kinds["Mutualité Sociale Agricole"] == {"organisation"}


def test_inferred_facts(seed):
    rows = answer(seed, "inferred-facts")
    assert [(r[0].rsplit("/", 2)[-2], r[1].rsplit("/", 1)[-1].split("#")[-1]) for r in rows] == [
        ("call", "creator"), ("event", "startDate"), ("grant", "isPartOf"), ("grant", "awardedUnder"),
        ("grant", "startDate"), ("grant", "fundedItem"), ("grant", "beneficiary"), ("source", "date")]


def test_calls_for_projects(seed):
    rows = answer(seed, "calls-for-projects")
    assert [(r[0], str(r[1]), r[2], r[3], r[4]) for r in rows] == [
        ("Appel à projets « Tiers lieu du numérique » (2018)", "2018", "Région Hauts-de-France",
         "Communauté Urbaine de Dunkerque", "Réseau de tiers-lieux du numérique de Dunkerque et Bourbourg")]


def test_heads_of_organisations(seed):
    assert answer(seed, "heads-of-organisations") == [
        ("Andyvie", "Serge Roger", "président"), ("Centre socio-éducatif", "Florence Timmerman", "directrice"),
        ("Commune de Bourbourg", "Maire de Bourbourg en septembre 2019 (non nommé)", "maire"),
        ("Région Hauts-de-France", "Xavier Bertrand", "président")]


def test_place_activities(seed):
    rows = answer(seed, "place-activities")
    assert {r[0] for r in rows} == {"L'ATELIER"} and {r[2] for r in rows} == {"jeunes"}
    assert [r[1] for r in rows] == [
        "activités inclusives", "développement de la confiance", "incitation à innover et à aller de l'avant",
        "le numérique comme créateur de lien social et de proximité", "sensibilisation à l'entrepreneuriat"]


def test_representations(seed):
    assert answer(seed, "representations") == [
        ("Auteur du compte rendu de l'inauguration de L'ATELIER (non nommé)", "Xavier Bertrand",
         "Inauguration de L'ATELIER, tiers-lieu numérique de Bourbourg")]


def test_grants(seed):
    rows = answer(seed, "grants")
    assert [(r[0].rsplit("/", 1)[-1], r[2], r[3], r[5], r[6] and str(r[6]), r[7] and str(r[7]), r[10])
            for r in rows] == [
        ("region-cud-fonctionnement-2019-2021", "Communauté Urbaine de Dunkerque", Decimal("90000.00"),
         "fonctionnement", "2019", "2021", None),
        ("region-investissement-tiers-lieux", "Communauté Urbaine de Dunkerque", Decimal("30000.00"),
         "investissement", None, None, "Réseau de tiers-lieux du numérique de Dunkerque et Bourbourg"),
        ("region-atelier-investissement-annee-1", None, Decimal("6421.00"), "investissement", None, None,
         "L'ATELIER")]
    assert rows[2][8] == f"{BASE}grant/region-investissement-tiers-lieux"


def test_portfolio_holders(seed):
    assert answer(seed, "portfolio-holders", topic=Literal("numérique")) == [
        ("numérique", "Isabelle Kerkhof", "vice-présidente", "Communauté Urbaine de Dunkerque")]
    assert len(answer(seed, "portfolio-holders")) == 3


# ------------------------------------------------------------------ binding and safety

def test_parameters_are_bound_not_pasted(seed):
    """A value crafted to break out of a string literal is just a string that matches nothing."""
    hostile = 'numérique") || true || STR("'
    assert answer(seed, "portfolio-holders", topic=Literal(hostile)) == []
    name, term = parse_param(f"topic={hostile}")
    assert (name, term) == ("topic", Literal(hostile))


@pytest.mark.parametrize("text, expected", [
    ("fact=<https://w3id.org/dtkg/id/place/atelier-bourbourg>", URIRef(f"{BASE}place/atelier-bourbourg")),
    ("fact=https://w3id.org/dtkg/id/place/atelier-bourbourg", URIRef(f"{BASE}place/atelier-bourbourg")),
    ("fact=place:atelier-bourbourg", URIRef(f"{BASE}place/atelier-bourbourg")),
    ('label="L\'ATELIER"@fr', Literal("L'ATELIER", lang="fr")),
    ('amount="6421.00"^^xsd:decimal', Literal("6421.00", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal"))),
    ("topic=numérique", Literal("numérique")),
    ("note=à voir: plus tard", Literal("à voir: plus tard")),
])
def test_parse_param(text, expected):
    assert parse_param(text)[1] == expected


def test_bad_parameter():
    with pytest.raises(InputError, match="name=value"):
        parse_param("no equals sign")


@pytest.mark.parametrize("query, message", [
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE is refused"),
    ("INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }", "only read queries"),
    ("LOAD <http://example.org/data.ttl>", "only read queries"),
    ("SELECT ?s WHERE { ?s ?p }", "malformed SPARQL"),
    ("no-such-query", "is not a SPARQL query, a .rq file or a saved query"),
])
def test_refused_queries(seed, query, message):
    with pytest.raises(InputError, match=message):
        run_query(seed, query)


def test_result_formats(seed):
    q = "SELECT ?label WHERE { <https://w3id.org/dtkg/id/place/atelier-bourbourg> <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    res = run_query(seed, q)
    assert format_result(res, "csv") == "label\r\nL'ATELIER\r\n"
    assert format_result(run_query(seed, q), "tsv") == "?label\n\"L'ATELIER\"@fr\n"
    data = json.loads(format_result(run_query(seed, q), "json"))
    assert data["head"]["vars"] == ["label"]
    assert data["results"]["bindings"] == [{"label": {"type": "literal", "value": "L'ATELIER", "xml:lang": "fr"}}]
    table = format_result(run_query(seed, q), "table", seed)
    assert "L'ATELIER" in table and "1 row" in table
    ask = run_query(seed, "ASK { ?s a <https://schema.org/MonetaryGrant> }")
    assert format_result(ask, "json") == '{"head": {}, "boolean": true}\n'


def test_construct_gives_turtle(seed):
    res = run_query(seed, "CONSTRUCT { ?p <http://www.w3.org/2000/01/rdf-schema#label> ?l } WHERE { "
                          "?p a <http://www.w3.org/ns/org#Site> ; <http://www.w3.org/2000/01/rdf-schema#label> ?l }")
    text = format_result(res, "table", seed)
    assert "@prefix place: <https://w3id.org/dtkg/id/place/> ." in text
    assert "place:atelier-bourbourg\n    rdfs:label \"L'ATELIER\"@fr ." in text
from test_queries_scale import test_funding_paths  # noqa: E402,F401
from test_queries_scale import test_neighbourhood  # noqa: E402,F401
from test_queries_scale import test_organisation_by_siren  # noqa: E402,F401


# The territorial questions: exact answers on the seed with its territorial layer (test_territory.py adds an import).
def test_territory_members(seed):
    rows = answer(seed, "territory-members", territory=URIRef(BASE + "organisation/cud"))
    assert [r[0] for r in rows] == ["59016", "59094", "59107", "59131", "59155", "59159", "59183", "59260", "59271",
                                    "59272", "59273", "59340", "59359", "59532", "59576", "59588", "59668"]
    assert rows[1] == ("59094", "Bourbourg", 6931, Literal("2023", datatype=XSD.gYear), f"{BASE}commune/59094")
    assert sum(r[2] for r in rows) == 191478


YEAR = Literal("2023", datatype=XSD.gYear)  # the census year of the legal populations


def test_money_by_territory(seed):
    assert answer(seed, "money-by-territory") == [
        ("EPCI", f"{BASE}epci/245900428", "CU de Dunkerque", "EUR", Decimal("120000"), 2, 191478, YEAR,
         Decimal("0.63")),
        ("département", f"{BASE}departement/59", "Nord", "EUR", Decimal("120000"), 2, 2615635, YEAR, Decimal("0.05")),
        ("région", f"{BASE}region/32", "Hauts-de-France", "EUR", Decimal("120000"), 2, 5992194, YEAR,
         Decimal("0.02"))]


def test_territorial_coverage(seed):
    rows = answer(seed, "territorial-coverage", territory=URIRef(BASE + "epci/245900428"))
    assert rows[:3] == [("59094", "Bourbourg", 6931, 1, True, 15, 98284, f"{BASE}commune/59094"),
                        ("59183", "Dunkerque", 86263, 1, True, 15, 98284, f"{BASE}commune/59183"),
                        ("59016", "Armbouts-Cappel", 2077, 0, False, 15, 98284, f"{BASE}commune/59016")]
    assert len(rows) == 17 and sum(r[2] for r in rows if not r[4]) == 98284
