"""A summary of a graph: how many triples, organisations, people, places and grants, and money per funder."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import Graph


_COUNTS = """
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX schema: <https://schema.org/>
SELECT
  (COUNT(DISTINCT ?o) AS ?organisations) (COUNT(DISTINCT ?p) AS ?people)
  (COUNT(DISTINCT ?s) AS ?places) (COUNT(DISTINCT ?g) AS ?grants)
WHERE {
  { ?o a org:Organization } UNION { ?p a foaf:Person } UNION { ?s a org:Site } UNION { ?g a schema:MonetaryGrant }
}
"""

@dataclass(frozen=True)
class FunderTotal:
    """Money given by one funder in one currency, counting each grant once (shares are inside their grant)."""

    funder: str
    label: str
    currency: str
    total: Decimal
    grants: int


@dataclass
class Summary:
    """Counts of the main kinds of resources and the totals per funder."""

    triples: int
    organisations: int
    people: int
    places: int
    grants: int
    funders: list[FunderTotal] = field(default_factory=list)
    #: Triples of the territorial layer (counted in ``triples`` too) and the communes it holds.
    territory_triples: int = 0
    communes: int = 0


def summarize(graph: Graph) -> Summary:
    """Count what ``graph`` holds (a ``Dataset`` counts the union of its graphs)."""
    from .query import run_query

    row = next(iter(graph.query(_COUNTS)))
    # the saved question `total-by-funder` (queries/total-by-funder.rq), written so that engines plan it well
    funders = [
        FunderTotal(str(r.funder), str(r.funderLabel), str(r.currency), Decimal(str(r.total)), int(r.grants))
        for r in run_query(graph, "total-by-funder")
    ]
    return Summary(
        triples=count_triples(graph),
        organisations=int(row.organisations),
        people=int(row.people),
        places=int(row.places),
        grants=int(row.grants),
        funders=funders,
        **_territory_counts(graph),
    )


def _territory_counts(graph: Graph) -> dict[str, int]:
    """Triples of the territorial layer and its communes (zero when the graph has no such layer)."""
    from .load import ox_store

    store = ox_store(graph)
    if store is None:
        return {}
    triples = store.query('SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } '
                          'FILTER (STRENDS(STR(?g), "/graph/territory")) }')
    communes = store.query("SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a <http://rdf.insee.fr/def/geo#Commune> }",
                           use_default_graph_as_union=True)
    return {"territory_triples": int(next(iter(triples))[0].value), "communes": int(next(iter(communes))[0].value)}


def count_triples(graph: Graph) -> int:
    """Distinct triples of ``graph`` (a ``Dataset`` counts the union of its graphs), counted by the engine."""
    from .load import ox_store

    store = ox_store(graph)
    if store is None:
        return len(graph)
    rows = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
    return int(next(iter(rows))[0].value)


def format_amount(value: Decimal | float | int, currency: str = "EUR") -> str:
    """An amount written the French way: ``6 421 €``, ``90 000 €``, ``1 234,50 €``.

    Plain spaces, so that the text is found by whoever searches for it; views keep amounts on one line with CSS.
    """
    amount = Decimal(str(value))
    whole = int(amount)
    cents = abs(amount - whole)
    digits = f"{abs(whole):,}".replace(",", " ")
    sign = "-" if amount < 0 else ""
    text = f"{sign}{digits}"
    if cents:
        text += "," + f"{cents:.2f}"[2:]
    symbol = {"EUR": "€", "USD": "$", "GBP": "£"}.get(currency, currency)
    return f"{text} {symbol}"
