"""Parameters bound inside sub-selects (where Oxigraph starts from them) give the answer of the outer VALUES block,
and the safety verdict of a bound query does not depend on the value."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from dtkg.errors import InputError
from dtkg.load import load_dataset
from dtkg.query import bound_text, run_query, saved_queries
from dtkg.sparql_safety import is_one_term
from dtkg.sparql_text import bind_values, inner_values_positions, place_values, term_text

ID = "https://w3id.org/dtkg/id/"
X = URIRef("http://example.org/x")


def _inner(query: str, name: str = "v") -> int:
    return sum(name in here for here in inner_values_positions(query, [name]).values())


def test_a_sub_select_that_projects_and_binds_the_parameter_gets_it():
    assert _inner("SELECT ?n WHERE { { SELECT ?v (COUNT(?o) AS ?n) WHERE { ?v ?p ?o } GROUP BY ?v } }") == 1
    assert _inner("SELECT * { { SELECT DISTINCT ?v ?a WHERE { { ?v a ?k } UNION { ?v <p> ?a } } } ?a ?q ?r }") == 1
    # nested: every level that projects it
    assert _inner("SELECT ?a { { SELECT ?v ?a { { SELECT ?v ?a { ?v ?p ?a } } } } }") == 2


@pytest.mark.parametrize("query", [
    "SELECT ?a { { SELECT ?a WHERE { ?v ?p ?a } } }",  # not projected: another variable
    "SELECT ?a { { SELECT (?x AS ?v) ?a WHERE { ?x ?p ?a } } }",  # projected as an expression
    "SELECT ?a { { SELECT ?v ?a WHERE { ?v ?p ?a } LIMIT 5 } }",  # LIMIT: restricting first changes the answer
    "SELECT ?a { OPTIONAL { { SELECT ?v ?a WHERE { ?v ?p ?a } } } }",  # not joined with the outer block
    "SELECT ?a { FILTER EXISTS { { SELECT ?v ?a WHERE { ?v ?p ?a } } } }",
    "SELECT ?a { { SELECT ?v ?a WHERE { ?x ?p ?a OPTIONAL { ?x ?q ?v } } } }",  # maybe unbound
    "SELECT ?a { { SELECT ?v ?a WHERE { ?x ?p ?a BIND (COALESCE(?v, 1) AS ?w) ?x ?q ?v } } }",  # read before bound
    "SELECT ?a { { SELECT ?v ?a WHERE { VALUES ?v { UNDEF } ?x ?p ?a } } }",
    "SELECT ?a { { SELECT ?v ?a WHERE { { ?v ?p ?a } UNION { ?x ?p ?a } } } }",  # one branch leaves it unbound
    "SELECT ?a { { SELECT ?v ?a WHERE { ?v ?p ?a } }",  # unbalanced: left alone
])
def test_a_sub_select_where_the_answer_could_change_is_left_to_the_outer_block(query):
    assert _inner(query) == 0


def test_the_outer_block_is_always_written():
    query = "SELECT ?a { { SELECT ?v ?a WHERE { ?v ?p ?a } } }"
    text = place_values(query, {"v": X})
    assert text.count("VALUES (?v) { (<http://example.org/x>) }") == 2
    assert text.startswith(bind_values(query, {"v": X})[:len("SELECT ?a { VALUES")])


@pytest.fixture(scope="module")
def seed_ox():
    return load_dataset(seed=True, engine="oxigraph")


@pytest.mark.parametrize("name, value", [
    ("territory-members", ID + "organisation/cud"),
    ("territory-members", "https://w3id.org/dtkg/id/epci/245900428"),
    ("territorial-coverage", ID + "organisation/cud"),
])
def test_saved_queries_answer_the_same_with_the_inner_blocks(seed, seed_ox, name, value):
    text = {q.name: q.text for q in saved_queries()}[name]
    bindings = {"territory": URIRef(value)}
    assert inner_values_positions(text, ["territory"])  # the case this is for
    for graph in (seed, seed_ox):
        ours = sorted(map(tuple, run_query(graph, name, bindings)))
        outer_only = sorted(map(tuple, run_query(graph, bind_values(text, bindings))))
        assert ours == outer_only and ours


def test_the_verdict_is_the_same_for_every_value_and_tricky_values_are_read_again():
    query = "SELECT ?a { { SELECT ?v ?a WHERE { ?v ?p ?a } } }"
    for value in (Literal('x" } SERVICE <http://evil/> { ?s ?p ?o } #'), Literal("a\\u0022 } SERVICE"),
                  Literal("((((", lang="fr"), Literal("1", datatype=URIRef("http://www.w3.org/2001/XMLSchema#int"))):
        assert is_one_term(term_text(value))
        text = bound_text(query, {"v": value})
        assert "SERVICE" not in text.replace(term_text(value), "")
    assert not is_one_term('"a" } SERVICE <x> { "b"')
    with pytest.raises(InputError, match="NUL"):
        bound_text(query, {"v": Literal("a\x00b")})


def _reference(term):
    """An Oxigraph term as rdflib's own constructors build it."""
    import pyoxigraph as ox
    from rdflib import BNode

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _attributes(term):
    return (type(term), str(term), getattr(term, "language", None), getattr(term, "datatype", None),
            getattr(term, "value", None), getattr(term, "ill_typed", None))


def test_oxigraph_answers_read_as_rdflib_builds_their_terms(seed_ox):
    from dtkg.query import query_rows

    checked = 0
    focus = {"focus": URIRef(ID + "organisation/cud")}  # unbound, these list every resource or territory
    params = {"neighbourhood": focus, "territory-members": {"territory": focus["focus"]},
              "territorial-coverage": {"territory": focus["focus"]}}
    for saved in saved_queries():
        result = run_query(seed_ox, saved.name, params.get(saved.name))
        if result.type != "SELECT":
            continue
        rows = list(result)
        raw = query_rows(seed_ox, saved.name, params.get(saved.name))
        assert [str(v) for v in result.vars] == raw.variables and len(rows) == len(raw.rows) == len(result)
        for row, raw_row in zip(rows, raw.rows):
            assert [_attributes(t) for t in row] == [_attributes(_reference(t)) for t in raw_row]
            assert row.asdict() == {k: v for k, v in zip(raw.variables, map(_reference, raw_row)) if v is not None}
            checked += len(row)
        assert [dict(b) for b in result.bindings] == [dict(zip(result.vars, row)) for row in rows]
    assert checked > 1000


def test_query_rows_gives_plain_values_on_both_engines(seed, seed_ox):
    from decimal import Decimal

    from dtkg.query import query_rows

    answers = [query_rows(graph, "total-by-funder", terms="python") for graph in (seed, seed_ox)]
    assert answers[0] == answers[1]
    variables, rows = answers[0].variables, answers[0].rows
    assert variables == ["funder", "funderLabel", "currency", "total", "grants"] and rows
    for funder, label, currency, total, grants in rows:
        assert funder.startswith(ID) and isinstance(label, str) and isinstance(total, (int, Decimal))
        assert isinstance(grants, int)
    with pytest.raises(InputError, match="SELECT"):
        query_rows(seed_ox, "ASK { ?s ?p ?o }")
    with pytest.raises(InputError, match="kind of terms"):
        query_rows(seed_ox, "total-by-funder", terms="rdflib")
