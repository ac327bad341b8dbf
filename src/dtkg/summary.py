"""A summary of a graph: how many triples, organisations, people, places and grants, and money per funder."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import Graph

from .labels import label_of

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

# A share of a larger grant (dcterms:isPartOf) is already counted in that grant: only whole grants are summed.
_PER_FUNDER = """
PREFIX schema: <https://schema.org/>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?funder ?currency (SUM(?value) AS ?total) (COUNT(?grant) AS ?grants)
WHERE {
  ?grant a schema:MonetaryGrant ; schema:funder ?funder ; schema:amount [ schema:value ?value ; schema:currency ?currency ] .
  FILTER NOT EXISTS { ?grant dcterms:isPartOf ?whole . ?whole a schema:MonetaryGrant }
}
GROUP BY ?funder ?currency
ORDER BY DESC(?total) ?funder
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


def summarize(graph: Graph) -> Summary:
    """Count what ``graph`` holds (a ``Dataset`` counts the union of its graphs)."""
    row = next(iter(graph.query(_COUNTS)))
    funders = [
        FunderTotal(str(r.funder), label_of(graph, r.funder), str(r.currency), Decimal(str(r.total)), int(r.grants))
        for r in graph.query(_PER_FUNDER)
    ]
    return Summary(
        triples=len(graph),
        organisations=int(row.organisations),
        people=int(row.people),
        places=int(row.places),
        grants=int(row.grants),
        funders=funders,
    )


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
