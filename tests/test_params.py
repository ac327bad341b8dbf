"""Query parameters given by name (label, acronym, SIREN, RNA, INSEE code) on the real seed data."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from dtkg.errors import InputError
from dtkg.params import resolve_params, text_params
from dtkg.query import saved_queries

ID = "https://w3id.org/dtkg/id/"
REGION = URIRef(ID + "organisation/region-hauts-de-france")
CUD = URIRef(ID + "organisation/cud")
BOURBOURG = URIRef(ID + "commune/59094")


def test_a_label_acronym_siren_or_insee_code_names_the_resource(seed):
    resolved = resolve_params(seed, ["funder=Région Hauts-de-France", "a=CUD", "b=245900428", "c=59094"])
    assert resolved.bindings == {"funder": REGION, "a": CUD, "b": CUD, "c": BOURBOURG}
    assert "acronym" in resolved.notes[1] and "SIREN" in resolved.notes[2] and "INSEE code" in resolved.notes[3]
    assert resolved.warnings == []


def test_a_turtle_literal_stays_a_string(seed):
    resolved = resolve_params(seed, ['funder="Région Hauts-de-France"@fr'])
    assert resolved.bindings["funder"] == Literal("Région Hauts-de-France", lang="fr")


def test_a_name_shared_by_two_resources_lists_both():
    g = Graph()
    for slug in ("a", "b"):
        g.add((URIRef(ID + "organisation/" + slug), RDFS.label, Literal("Mairie", lang="fr")))
    with pytest.raises(InputError) as err:
        resolve_params(g, ["funder=Mairie"])
    message = str(err.value)
    assert "names 2 resources" in message
    assert ID + "organisation/a" in message and ID + "organisation/b" in message


def test_a_parameter_that_matches_nothing_is_warned_about(seed):
    resolved = resolve_params(seed, ["funder=Région des Flandres", "x=organisation:nope"])
    assert resolved.bindings["funder"] == Literal("Région des Flandres")
    assert "matches nothing" in resolved.warnings[0]
    assert "does not appear in the graph" in resolved.warnings[1]


def test_parameters_a_query_reads_as_text_stay_text(seed):
    queries = {q.name: q.text for q in saved_queries()}
    assert "siren" in text_params(queries["organisation-by-siren"])
    assert "topic" in text_params(queries["portfolio-holders"])
    assert "funder" not in text_params(queries["funding-paths"])
    resolved = resolve_params(seed, ["siren=245900428"], queries["organisation-by-siren"])
    assert resolved.bindings["siren"] == Literal("245900428")


def test_query_command_finds_the_funder_by_name(dtkg):
    by_name = dtkg("query", "funding-paths", "--param", "funder=Région Hauts-de-France", "--format", "csv")
    by_iri = dtkg("query", "funding-paths", "--param", "funder=organisation:region-hauts-de-france",
                  "--format", "csv")
    assert by_name.code == 0, by_name
    assert by_name.out == by_iri.out and by_name.out.count("\n") > 1
    assert "bound to that resource" in by_name.err
    silent = dtkg("query", "funding-paths", "--param", "funder=Région des Flandres", "--format", "csv")
    assert silent.code == 0 and "warning:" in silent.err and "matches nothing" in silent.err


def test_a_parameter_used_only_in_a_filter_stays_text(seed):
    query = "SELECT ?n WHERE { ?p <http://xmlns.com/foaf/0.1/name> ?n FILTER (?n = ?who) }"
    assert resolve_params(seed, ["who=Région Hauts-de-France"], query).bindings["who"] == \
        Literal("Région Hauts-de-France")
