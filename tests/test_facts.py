"""Every fact of the Bourbourg press text is in the graph and answerable with standard terms (ORG, schema.org,
FOAF, SKOS, PROV-O, Dublin Core, INSEE geo), over the exported out/graph.ttl as a client would see it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import FOAF, RDFS, XSD

from dtkg.pipeline import build

PREFIXES = """
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX igeo: <http://rdf.insee.fr/def/geo#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Graph:
    """out/graph.ttl as written by the main job, parsed back by a plain rdflib client."""
    out = tmp_path_factory.mktemp("out")
    build([], out)
    return Graph().parse(out / "graph.ttl", format="turtle")


def rows(g: Graph, query: str) -> list[tuple]:
    return [tuple(r) for r in g.query(PREFIXES + query)]


def ask(g: Graph, query: str) -> bool:
    return bool(g.query(PREFIXES + "ASK {" + query + "}").askAnswer)


def test_region_and_its_president(exported: Graph):
    found = rows(exported, """
        SELECT ?siren ?pname ?role WHERE {
          ?r a org:Organization ; rdfs:label "Région Hauts-de-France"@fr ; org:identifier ?siren .
          ?m a org:Membership ; org:organization ?r ; org:member ?p ; org:role/skos:prefLabel ?role .
          ?p a foaf:Person ; foaf:name ?pname ; org:headOf ?r .
          FILTER (lang(?role) = "fr") }""")
    assert found == [(Literal("200053742"), Literal("Xavier Bertrand"), Literal("président", lang="fr"))]


def test_cud_vice_president_with_exact_portfolio(exported: Graph):
    found = rows(exported, """
        SELECT ?siren ?name ?role ?portfolio WHERE {
          ?cud a org:Organization ; skos:altLabel "CUD"@fr ; org:identifier ?siren .
          ?m org:organization ?cud ; org:member/foaf:name ?name ; org:role/rdfs:label ?role ;
             <https://w3id.org/dtkg/ontology#portfolio> ?portfolio .
          FILTER (lang(?role) = "fr") }""")
    assert found == [(Literal("245900428"), Literal("Isabelle Kerkhof"), Literal("vice-présidente", lang="fr"),
                      Literal("au développement de la solidarité intercommunale, au schéma de mutualisation et au "
                              "numérique", lang="fr"))]
    topics = {str(t) for (t,) in rows(exported, """
        SELECT ?t WHERE { ?m org:member/foaf:name "Isabelle Kerkhof" ; dcterms:subject|<https://w3id.org/dtkg/ontology#portfolioTopic> ?c .
                          ?c skos:prefLabel ?t FILTER (lang(?t) = "fr") }""")}
    assert topics == {"développement de la solidarité intercommunale", "schéma de mutualisation", "numérique"}


@pytest.mark.parametrize("org_label, role", [
    ("Commune de Bourbourg", "maire"),
    ("Mutualité Sociale Agricole", "vice-président"),
    ("Andyvie", "président"),
    ("Centre socio-éducatif", "directrice"),
])
def test_the_other_roles(exported: Graph, org_label: str, role: str):
    assert ask(exported, f"""
        ?o a org:Organization ; rdfs:label "{org_label}"@fr .
        ?m a org:Membership ; org:organization ?o ; org:member ?p ; org:role ?r .
        ?r a skos:Concept ; skos:prefLabel "{role}"@fr .
        ?p a foaf:Person ; rdfs:label ?l .""")


def test_named_people_of_the_text(exported: Graph):
    names = {str(n) for (n,) in rows(exported, "SELECT ?n WHERE { ?p a foaf:Person ; foaf:name ?n }")}
    assert names == {"Xavier Bertrand", "Isabelle Kerkhof", "Serge Roger", "Florence Timmerman"}


def test_unnamed_people_stay_unnamed(exported: Graph):
    """The author, the mayor and the MSA vice-president are not named by the text: no name is invented."""
    people = set(exported.subjects(URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), FOAF.Person))
    assert len(people) == 7
    unnamed = [p for p in people if exported.value(p, FOAF.name) is None]
    assert len(unnamed) == 3
    for p in unnamed:
        assert exported.value(p, FOAF.familyName) is None and exported.value(p, FOAF.givenName) is None
        labels = {str(l) for l in exported.objects(p, RDFS.label) if l.language == "fr"}
        assert len(labels) == 1 and "non nommé" in labels.pop()


def test_andyvie_is_an_association_and_heads(exported: Graph):
    assert ask(exported, """
        ?a a org:Organization, <https://w3id.org/dtkg/ontology#Association> ; rdfs:label "Andyvie"@fr .
        ?p foaf:name "Serge Roger" ; org:headOf ?a .""")
    assert ask(exported, """?p foaf:name "Florence Timmerman" ; org:headOf/rdfs:label "Centre socio-éducatif"@fr .""")


def test_author_represented_the_president_at_the_event(exported: Graph):
    found = rows(exported, """
        SELECT ?event WHERE {
          ?author prov:actedOnBehalfOf ?president ;
                  prov:qualifiedDelegation [ prov:agent ?president ; prov:hadActivity ?event ] .
          ?president foaf:name "Xavier Bertrand" .
          ?source dcterms:creator ?author .
          ?event a schema:Event ; schema:attendee ?author . }""")
    assert len(found) == 1


def test_places_in_their_communes_with_insee_codes(exported: Graph):
    found = set(rows(exported, """
        SELECT ?name ?code WHERE {
          ?p a org:Site, schema:Place ; rdfs:label ?name ; schema:containedInPlace ?c .
          ?c a igeo:Commune ; igeo:codeINSEE ?code . }"""))
    assert found == {(Literal("L'ATELIER", lang="fr"), Literal("59094")), (Literal("SPARKLAB", lang="fr"), Literal("59183"))}


def test_network_of_tiers_lieux(exported: Graph):
    members = {str(l) for (l,) in rows(exported, """
        SELECT ?l WHERE { ?n a prov:Collection ; prov:hadMember ?p . ?p rdfs:label ?l . ?p dcterms:isPartOf ?n }""")}
    assert members == {"L'ATELIER", "SPARKLAB"}


def test_region_roadmap_2016_and_its_four_axes(exported: Graph):
    found = rows(exported, """
        SELECT ?n ?axis ?issued WHERE {
          ?s a skos:ConceptScheme ; dcterms:creator/rdfs:label "Région Hauts-de-France"@fr ; dcterms:issued ?issued ;
             skos:hasTopConcept ?a .
          ?a skos:inScheme ?s ; skos:topConceptOf ?s ; skos:notation ?n ; skos:prefLabel ?axis . }
        ORDER BY ?n""")
    assert [str(r[1]) for r in found] == [
        "garantir l'équité d'accès au très haut débit", "réussir le pari des usages et de l'innovation",
        "relever le défi de l'emploi en s'appuyant sur le numérique", "fédérer les acteurs de la transition numérique"]
    assert {r[2] for r in found} == {Literal("2016", datatype=XSD.gYear)}


def test_cud_strategy_end_2016_and_its_three_objectives(exported: Graph):
    found = rows(exported, """
        SELECT ?axis WHERE {
          ?s a skos:ConceptScheme ; dcterms:creator/org:identifier "245900428" ; dcterms:issued "2016"^^xsd:gYear ;
             skos:scopeNote ?note ; skos:hasTopConcept ?a .
          ?a skos:notation ?n ; skos:prefLabel ?axis . FILTER (CONTAINS(?note, "fin 2016")) } ORDER BY ?n""")
    assert [str(r[0]) for r in found] == ["Renforcer l'attractivité économique et résidentielle",
                                          "Améliorer les services publics du quotidien",
                                          "Faire évoluer les pratiques pour transformer le quotidien"]


def test_call_for_projects_2018_and_its_laureate(exported: Graph):
    found = rows(exported, """
        SELECT ?name ?issued WHERE {
          ?call a <https://w3id.org/dtkg/ontology#CallForProjects> ; schema:name ?name ; dcterms:issued ?issued ;
                <https://w3id.org/dtkg/ontology#laureate>/org:identifier "245900428" . }""")
    assert found == [(Literal("Tiers lieu du numérique", lang="fr"), Literal("2018", datatype=XSD.gYear))]


def grants(g: Graph) -> dict[Decimal, dict]:
    out = {}
    for grant, funder, item, value, cur, kind, start, end, part in rows(g, """
        SELECT ?g ?funder ?item ?value ?cur ?kind ?start ?end ?part WHERE {
          ?g a schema:MonetaryGrant ; schema:funder/rdfs:label ?funder ; schema:fundedItem/rdfs:label ?item ;
             schema:amount [ a schema:MonetaryAmount ; schema:value ?value ; schema:currency ?cur ] ;
             dcterms:type/skos:prefLabel ?kind ;
             <https://w3id.org/dtkg/ontology#awardedUnder> ?call .
          FILTER (lang(?funder) = "fr" && lang(?item) = "fr" && lang(?kind) = "en")
          OPTIONAL { ?g schema:startDate ?start } OPTIONAL { ?g schema:endDate ?end }
          OPTIONAL { ?g dcterms:isPartOf ?part } }"""):
        out[value.toPython()] = dict(grant=grant, funder=str(funder), item=str(item), currency=str(cur),
                                     kind=str(kind), start=start, end=end, part=part, value=value)
    return out


def test_the_three_grants(exported: Graph):
    found = grants(exported)
    assert set(found) == {Decimal("90000.00"), Decimal("30000.00"), Decimal("6421.00")}
    for g in found.values():
        assert g["funder"] == "Région Hauts-de-France" and g["currency"] == "EUR"
        assert g["value"].datatype == XSD.decimal
    operating = found[Decimal("90000.00")]
    assert operating["item"] == "Communauté Urbaine de Dunkerque" and operating["kind"] == "operating"
    assert operating["start"] == Literal("2019", datatype=XSD.gYear)
    assert operating["end"] == Literal("2021", datatype=XSD.gYear)
    assert ask(exported, f"<{operating['grant']}> schema:duration \"P3Y\"^^xsd:duration")
    investment = found[Decimal("30000.00")]
    assert investment["kind"] == "investment" and investment["part"] is None
    atelier = found[Decimal("6421.00")]
    assert atelier["item"] == "L'ATELIER" and atelier["kind"] == "investment"
    assert atelier["part"] == investment["grant"]
    assert "première année" in str(exported.value(atelier["grant"], URIRef("https://schema.org/description")))


def test_inauguration_event(exported: Graph):
    found = rows(exported, """
        SELECT ?date ?where (COUNT(DISTINCT ?a) AS ?n) WHERE {
          ?e a schema:Event ; schema:startDate ?date ; schema:location/rdfs:label ?where ; schema:attendee ?a .
          ?a a foaf:Person } GROUP BY ?date ?where""")
    assert found == [(Literal("2019-09-28", datatype=XSD.date), Literal("L'ATELIER", lang="fr"), Literal(6))]
    attendees = {str(n) for (n,) in rows(exported, "SELECT ?n WHERE { ?e a schema:Event ; schema:attendee/foaf:name ?n }")}
    assert attendees == {"Isabelle Kerkhof", "Serge Roger", "Florence Timmerman"}  # plus three unnamed people


def test_what_l_atelier_does(exported: Graph):
    activities = {str(l) for (l,) in rows(exported, """
        SELECT ?l WHERE { ?p rdfs:label "L'ATELIER"@fr ; <https://w3id.org/dtkg/ontology#activity>/skos:prefLabel ?l
                          FILTER (lang(?l) = "en") }""")}
    assert {"inclusive activities", "entrepreneurship awareness",
            "digital technology as a creator of social link and proximity"} <= activities
    assert ask(exported, """?p rdfs:label "L'ATELIER"@fr ; schema:audience/skos:prefLabel "jeunes"@fr""")


def test_inferred_year_is_marked_as_inferred(exported: Graph):
    assert ask(exported, """
        ?st a rdf:Statement, <https://w3id.org/dtkg/ontology#InferredStatement> ; rdf:subject ?e ;
            rdf:predicate schema:startDate ; rdf:object "2019-09-28"^^xsd:date ; rdfs:comment ?why .
        ?e a schema:Event .""")


def test_every_fact_points_to_the_source_document(exported: Graph):
    missing = rows(exported, """
        SELECT ?x WHERE {
          VALUES ?type { schema:MonetaryGrant org:Membership org:Site schema:Event skos:ConceptScheme
                         <https://w3id.org/dtkg/ontology#CallForProjects> }
          ?x a ?type .
          FILTER NOT EXISTS { ?x prov:wasDerivedFrom ?src . ?src dcterms:title ?t ; dcterms:date ?d ;
                              dcterms:language "fr" ; <https://w3id.org/dtkg/ontology#localFile> ?f }
          FILTER (?type != skos:ConceptScheme || EXISTS { ?x dcterms:creator ?c }) }""")
    assert missing == []


def test_every_named_resource_has_a_label(exported: Graph):
    unlabelled = rows(exported, """
        SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER (isIRI(?s)) FILTER NOT EXISTS { ?s rdfs:label ?l } }""")
    assert unlabelled == []
    untagged = rows(exported, """
        SELECT ?s ?l WHERE { ?s rdfs:label ?l FILTER (lang(?l) = "") }""")
    assert untagged == []


def test_fact_quotes_are_verbatim_in_the_source(exported: Graph, tmp_path: Path):
    from conftest import SOURCE_TEXT

    text = SOURCE_TEXT.read_text(encoding="utf-8")
    quotes = rows(exported, """
        SELECT ?fact ?exact WHERE { ?a a oa:Annotation ; oa:hasBody ?fact ;
                                    oa:hasTarget [ oa:hasSource ?s ; oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact ?exact ] ] }""")
    assert len(quotes) >= 25
    for fact, exact in quotes:
        assert str(exact) in text, (fact, exact)
    # every grant, role, place, event, strategy and call has at least one quote
    unquoted = rows(exported, """
        SELECT ?x WHERE {
          VALUES ?type { schema:MonetaryGrant org:Membership org:Site schema:Event
                         <https://w3id.org/dtkg/ontology#Strategy> <https://w3id.org/dtkg/ontology#CallForProjects> }
          ?x a ?type FILTER NOT EXISTS { ?a oa:hasBody ?x } }""")
    assert unquoted == []
