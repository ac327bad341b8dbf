"""Exact answers on the seed data of the saved queries that the scale benchmark (benchmarks/bench_scale.py) times:
a point lookup, a 2-hop neighbourhood and a path query. tests/test_queries.py imports these tests so that its check
"every saved query has an exact-answer test" sees them."""

from __future__ import annotations

from decimal import Decimal

from rdflib import BNode, Literal, URIRef

from dtkg.query import run_query
from conftest import BASE

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
OA = "http://www.w3.org/ns/oa#"
NETWORK = f"{BASE}network/tiers-lieux-numerique-dunkerque-bourbourg"
NETWORK_LABEL = "Réseau de tiers-lieux du numérique de Dunkerque et Bourbourg"
REGION = f"{BASE}organisation/region-hauts-de-france"


def rows_of(ds, name, **params) -> list[tuple]:
    """The rows of a saved query as plain Python values; blank nodes (annotations, amounts) become ``"_:"``."""
    def value(v):
        if v is None:
            return None
        if isinstance(v, BNode):
            return "_:"
        return v.toPython() if isinstance(v, Literal) else str(v)

    return [tuple(value(v) for v in row) for row in run_query(ds, name, params or None)]


def test_organisation_by_siren(seed):
    rows = rows_of(seed, "organisation-by-siren", siren=Literal("245900428"))
    assert [r[:3] for r in rows] == [(f"{BASE}organisation/cud", "Communauté Urbaine de Dunkerque", "245900428")]
    assert set(rows[0][3].split(", ")) == {"établissement public de coopération intercommunale",
                                          "personne morale de droit public"}
    everyone = rows_of(seed, "organisation-by-siren")
    # the Commune de Bourbourg's SIREN comes from the territorial reference (commune 59094's body)
    assert [r[:3] for r in everyone] == [(f"{BASE}organisation/cud", "Communauté Urbaine de Dunkerque", "245900428"),
                                         (f"{BASE}organisation/commune-bourbourg", "Commune de Bourbourg", "215900945"),
                                         (REGION, "Région Hauts-de-France", "200053742")]
    assert set(everyone[2][3].split(", ")) == {"collectivité territoriale", "personne morale de droit public"}
    assert rows_of(seed, "organisation-by-siren", siren=Literal("245900429")) == []
    assert rows_of(seed, "organisation-by-siren", siren=Literal('245900428" || true || "')) == []


def test_neighbourhood(seed):
    rows = rows_of(seed, "neighbourhood", focus=URIRef(f"{BASE}place/sparklab-dunkerque"))
    assert rows == [
        (1, "in", f"{OA}hasBody", None, "_:", None),
        (1, "in", "http://www.w3.org/ns/prov#hadMember", None, NETWORK, NETWORK_LABEL),
        (1, "out", "http://purl.org/dc/terms/isPartOf", None, NETWORK, NETWORK_LABEL),
        (1, "out", "https://schema.org/containedInPlace", None, f"{BASE}commune/59183", "Dunkerque"),
        (2, "in", "http://purl.org/dc/terms/isPartOf", NETWORK, f"{BASE}place/atelier-bourbourg", "L'ATELIER"),
        # the territorial reference: Dunkerque is a commune of the CU de Dunkerque, in the Nord
        (2, "in", "http://rdf.insee.fr/def/geo#subdivisionDirecte", f"{BASE}commune/59183", f"{BASE}epci/245900428",
         "CU de Dunkerque"),
        (2, "in", f"{OA}hasBody", NETWORK, "_:", None),
        (2, "in", "https://schema.org/fundedItem", NETWORK, f"{BASE}grant/region-investissement-tiers-lieux",
         "Aide régionale à l'investissement pour le réseau de tiers-lieux du numérique (30 000 €)"),
        (2, "in", "https://w3id.org/dtkg/ontology#supportedProject", NETWORK, f"{BASE}call/tiers-lieu-du-numerique-2018",
         "Appel à projets « Tiers lieu du numérique » (2018)"),
        (2, "out", "http://rdf.insee.fr/def/geo#subdivisionDe", f"{BASE}commune/59183", f"{BASE}departement/59", "Nord"),
        (2, "out", f"{OA}hasTarget", "_:", "_:", None),
        (2, "out", f"{OA}motivatedBy", "_:", f"{OA}identifying", None),
        (2, "out", "http://www.w3.org/ns/prov#hadMember", NETWORK, f"{BASE}place/atelier-bourbourg", "L'ATELIER"),
    ]
    # rdf:type and prov:wasDerivedFrom are not links, and the second step stops at controlled vocabularies
    grant = rows_of(seed, "neighbourhood", focus=URIRef(f"{BASE}grant/region-atelier-investissement-annee-1"))
    assert not any(r[2] in (f"{RDF}type", "http://www.w3.org/ns/prov#wasDerivedFrom") for r in grant)
    assert (1, "out", "http://purl.org/dc/terms/type", None, f"{BASE}grant-kind/investissement", "investissement") in grant
    assert not any(r[3] == f"{BASE}grant-kind/investissement" for r in grant)


def test_funding_paths(seed):
    atelier = (f"{BASE}place/atelier-bourbourg", "L'ATELIER", f"{BASE}commune/59094", "Bourbourg", "59094")
    sparklab = (f"{BASE}place/sparklab-dunkerque", "SPARKLAB", f"{BASE}commune/59183", "Dunkerque", "59183")
    region = (REGION, "Région Hauts-de-France")
    expected = [
        (*region, f"{BASE}grant/region-investissement-tiers-lieux", Decimal("30000"), NETWORK, *atelier),
        (*region, f"{BASE}grant/region-atelier-investissement-annee-1", Decimal("6421"), None, *atelier),
        (*region, f"{BASE}grant/region-investissement-tiers-lieux", Decimal("30000"), NETWORK, *sparklab),
    ]
    assert rows_of(seed, "funding-paths", funder=URIRef(REGION)) == expected
    assert rows_of(seed, "funding-paths") == expected  # the Region is the only funder of places in the seed data
    assert rows_of(seed, "funding-paths", funder=URIRef(f"{BASE}organisation/cud")) == []
