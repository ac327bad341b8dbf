"""No query reaches the network and none crashes a parser: the check reads a query in every way an engine may.

Every query of the corpus below is one that Oxigraph, run without the check, evaluates by calling the URL its
SERVICE names (or would, but for a syntax error the check need not know about): the corpus is asserted against a
canary server on the loopback, first through raw pyoxigraph (the attack is real), then through dtkg's command line
and its endpoint's gate (the attack is refused, and the canary hears nothing).
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from dtkg.errors import InputError
from dtkg.sparql_safety import MAX_DEPTH, check_safe, safety_problem
from hostile import canary as hostile_canary


class Canary:
    """The shared loopback canary (tests/hostile.py), kept open for the module: ``url`` to call, ``hits`` heard."""

    def __init__(self, base: str, hits: list[str]) -> None:
        self.url, self.hits = f"{base}/sparql", hits


@pytest.fixture(scope="module")
def canary():
    with hostile_canary() as (base, hits):
        yield Canary(base, hits)


def corpus(url: str) -> dict[str, str]:
    """Disguised SERVICE calls: escapes, comments, prefixed names, nesting, sub-queries, case."""
    c = f"<{url}>"
    return {
        "plain": f"SELECT * WHERE {{ SERVICE {c} {{ ?s ?p ?o }} }}",
        "mixed case": f"select * where {{ sErViCe {c} {{ ?s ?p ?o }} }}",
        "silent": f"SELECT * WHERE {{ SERVICE SILENT {c} {{ ?s ?p ?o }} }}",
        "glued to its IRI": f"SELECT*WHERE{{SERVICE{c}{{?s ?p ?o}}}}",
        "glued to SILENT": f"SELECT * WHERE {{ SERVICESILENT {c} {{ ?s ?p ?o }} }}",
        "escaped IRI hides a comment": f"SELECT * WHERE {{ BIND(<http://x/\\u0041#> AS ?q) SERVICE {c} {{ ?s ?p ?o }} }}",
        "escaped name hides a comment": f"PREFIX ex: <http://x/> SELECT * WHERE {{ BIND(ex:a\\#b AS ?q) "
                                        f"SERVICE {c} {{ ?s ?p ?o }} }}",
        "escaped quote ends a string": f"SELECT * WHERE {{ ?s ?p ?o FILTER(\"a\\u005C\" != '' && EXISTS {{ "
                                       f"SERVICE {c} {{ ?s ?p ?o }} }}) # \"\n}}",
        "inside NOT EXISTS": f"SELECT * WHERE {{ ?s ?p ?o FILTER NOT EXISTS {{ ?s ?p ?o . FILTER NOT EXISTS "
                             f"{{ SERVICE {c} {{ ?s ?p ?o }} }} }} }}",
        "inside a sub-query": f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE {c} {{ ?s ?p ?o }} }} }} }}",
        "after a comment line": f"SELECT * WHERE {{ # SERVICE in a comment is harmless\n SERVICE {c} {{ ?s ?p ?o }} }}",
        "after a long string": f'SELECT * WHERE {{ BIND("""x"y""z""" AS ?q) SERVICE {c} {{ ?s ?p ?o }} }}',
        "inside OPTIONAL": f"SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ SERVICE {c} {{ ?s ?p ?o }} }} }}",
        "a service: prefix before a group": f"PREFIX service: {c} PREFIX : {c} SELECT * WHERE {{ service:a {{ ?s ?p ?o }} }}",
    }


@pytest.fixture(scope="module")
def attacks(canary) -> dict[str, str]:
    """The corpus, each query shown to reach the canary when run on Oxigraph without the check."""
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("o")))
    for name, query in corpus(canary.url).items():
        before = len(canary.hits)
        try:
            list(store.query(query))
        except Exception:  # noqa: BLE001 - the canary answers nothing a client can read; only the call counts
            pass
        assert len(canary.hits) > before, f"{name}: the unchecked engine did not call out, so it proves nothing"
    canary.hits.clear()
    return corpus(canary.url)


def test_the_command_line_refuses_every_disguise(dtkg, canary, attacks):
    for name, query in attacks.items():
        result = dtkg("query", query)
        assert result.code == 2, name
        assert "SERVICE is refused" in result.err, name
    assert canary.hits == []


def test_the_shared_check_refuses_every_disguise(canary, attacks):
    for name, query in attacks.items():
        with pytest.raises(InputError, match="SERVICE is refused: queries never reach other endpoints"):
            check_safe(query)
    assert canary.hits == []


@pytest.mark.parametrize("harmless", [
    'SELECT * WHERE { ?s ?p "SERVICE" }',
    "SELECT * WHERE { ?s ?p 'SERVICE \\' SERVICE' } # SERVICE <http://x/> {}",
    "SELECT ?service WHERE { ?service a <http://example.org/Service> }",
    'PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:service ?o }',
    'PREFIX service: <http://example.org/> SELECT * WHERE { service:x ?p ?o }',
    'SELECT * WHERE { ?s ?p """a "SERVICE" in a long string""" }',
])
def test_the_word_in_strings_iris_comments_and_names_is_harmless(dtkg, harmless):
    assert safety_problem(harmless) is None
    assert dtkg("query", harmless, "--format", "csv").code == 0


@pytest.mark.parametrize("update", [
    "INSERT DATA { <http://e/a> <http://e/b> 1 }",
    "LOAD <http://127.0.0.1:9/x.ttl>",
    "DELETE WHERE { ?s ?p ?o }",
    "PREFIX x: <http://x/>\nDROP ALL",
    "clear all",
])
def test_updates_and_load_are_refused(dtkg, update):
    result = dtkg("query", update)
    assert result.code == 2
    assert "refused" in result.err


@pytest.mark.parametrize("depth", [300, 2000])
def test_over_deep_queries_are_refused_before_any_parser(dtkg, depth):
    query = "ASK { FILTER(" + "(" * depth + "1" + ")" * depth + ") }"
    result = dtkg("query", query)
    assert result.code == 2
    assert result.err.strip() == (f"error: the query is nested too deeply: its brackets go {depth + 2} levels deep; "
                                  f"at most {MAX_DEPTH} are accepted")
    assert safety_problem(query)[0] == "depth"


def test_deep_but_allowed_queries_run(dtkg):
    depth = MAX_DEPTH - 2
    query = "ASK { FILTER(" + "(" * depth + "true" + ")" * depth + ") }"
    result = dtkg("query", query)
    assert result.code == 0, result
    assert result.out.strip() == "true"


def test_bound_parameters_cannot_smuggle_a_keyword(dtkg, canary):
    smuggled = dtkg("query", "SELECT ?x WHERE { BIND(?v AS ?x) }", "--param",
                    f'v=\\u0022) }} SERVICE <{canary.url}> {{ ?s ?p ?o }} #', "--format", "csv")
    assert smuggled.code in (0, 2), smuggled  # refused by some reading, or bound as one string: never run
    assert canary.hits == []
    plain = dtkg("query", "SELECT ?x WHERE { BIND(?v AS ?x) }", "--param", "v=C:\\users\\u0041", "--format", "csv")
    assert plain.code == 0, plain
    assert plain.out.splitlines()[1] == "C:\\users\\u0041"  # a backslash-u in a value stays as it was typed
