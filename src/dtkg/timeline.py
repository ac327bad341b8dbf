"""Dates and positions for the Gephi export: GEXF's dynamic ``start``/``end`` and node positions.

Grants (``schema:startDate``/``schema:endDate``, else the decision's ``dcterms:date``), roles
(``schema:startDate``/``schema:endDate``) and events (``schema:startDate``, ``schema:endDate`` or the same day) have
dates; places have coordinates (``schema:latitude``/``schema:longitude``). A partial date covers its whole period:
``2019`` starts on 2019-01-01 and, as an end, ends on 2019-12-31. What has no date is there all the time, as in the
sources; nothing is invented.
"""

from __future__ import annotations

import calendar
from decimal import Decimal

import networkx as nx
from rdflib import Graph

_DATES = """
PREFIX schema: <https://schema.org/>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?r ?kind ?value WHERE {
  { ?r schema:startDate ?value BIND ("start" AS ?kind) }
  UNION { ?r schema:endDate ?value BIND ("end" AS ?kind) }
  UNION { ?r a schema:MonetaryGrant ; dcterms:date ?value BIND ("date" AS ?kind) }
  UNION { ?r a schema:Event BIND ("event" AS ?kind) BIND ("" AS ?value) }
  FILTER (isIRI(?r))
}
"""
_PLACES = """
PREFIX schema: <https://schema.org/>
SELECT ?r ?lat ?lon WHERE { ?r schema:latitude ?lat ; schema:longitude ?lon FILTER (isIRI(?r)) }
"""

#: GEXF positions are planar: degrees of longitude and latitude times this (an equirectangular map).
POSITION_SCALE = 100.0


def as_start(text: str) -> str | None:
    """``2019`` → ``2019-01-01``, ``2019-03`` → ``2019-03-01``, a date stays (time and zone dropped)."""
    return _expand(text, first=True)


def as_end(text: str) -> str | None:
    """``2019`` → ``2019-12-31``, ``2019-02`` → ``2019-02-28``, a date stays."""
    return _expand(text, first=False)


def _expand(text: str, *, first: bool) -> str | None:
    parts = text[:10].split("-")
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        return None
    if len(numbers) == 1:
        return f"{numbers[0]:04d}-01-01" if first else f"{numbers[0]:04d}-12-31"
    if len(numbers) == 2:
        year, month = numbers
        day = 1 if first else calendar.monthrange(year, month)[1]
        return f"{year:04d}-{month:02d}-{day:02d}"
    return "{:04d}-{:02d}-{:02d}".format(*numbers[:3])


def periods(data: Graph) -> dict[str, tuple[str | None, str | None]]:
    """``{iri: (start, end)}`` for every resource with a date; an event with one date lasts that day."""
    from .query import run_query

    found: dict[str, dict[str, list[str]]] = {}
    for resource, kind, value in run_query(data, _DATES):
        found.setdefault(str(resource), {}).setdefault(str(kind), []).append(str(value))
    out: dict[str, tuple[str | None, str | None]] = {}
    for resource, dates in found.items():
        begin = min(dates.get("start") or dates.get("date") or [""]) or None
        finish = max(dates.get("end") or [""]) or None
        if finish is None and "event" in dates and "start" in dates:
            finish = begin  # an event with one date lasts that day
        if begin or finish:
            out[resource] = (as_start(begin) if begin else None, as_end(finish) if finish else None)
    return out


def coordinates(data: Graph) -> dict[str, tuple[float, float]]:
    """``{iri: (latitude, longitude)}`` of the places that have both."""
    from .query import run_query

    return {str(r): (float(Decimal(str(lat))), float(Decimal(str(lon)))) for r, lat, lon in run_query(data, _PLACES)}


def add_timeline(g: nx.MultiDiGraph, data: Graph) -> nx.MultiDiGraph:
    """Put ``start``/``end`` on the nodes and links of ``g`` that stand for a dated resource (a link's key is the
    IRI of the grant or role it draws), and ``lat``/``lon`` on the places with coordinates; returns ``g``."""
    dated = periods(data)
    where = coordinates(data)
    for node, attrs in g.nodes(data=True):
        iri = str(attrs.get("iri", node))
        for name, value in zip(("start", "end"), dated.get(iri, (None, None))):
            if value:
                attrs[name] = value
        if iri in where:
            attrs["lat"], attrs["lon"] = where[iri]
    for _, _, key, attrs in g.edges(keys=True, data=True):
        for name, value in zip(("start", "end"), dated.get(str(key), (None, None))):
            if value:
                attrs[name] = value
    return g
