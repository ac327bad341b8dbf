"""What the site says, read once from the graph (:class:`SiteModel`): the actors that get a page, the grants with
their funders, recipients and shares, the roles, the quotes of the sources, and the dated items of the time line
(:func:`dated_items`). :mod:`dtkg.site` writes the pages from it, within its page bounds."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF

from .namespaces import DTKG, OA, SCHEMA

#: Node types that get a page, in the order the index lists them.
PAGE_TYPES = ("organisation", "person", "place", "commune", "network", "grant", "event", "strategy", "call")

# ---------------------------------------------------------------------------------------------- model


@dataclass
class Grant:
    """One grant as an actor page lists it."""

    resource: str
    funder: str
    recipient: str
    amount: Decimal
    currency: str
    year: str
    label: str
    part_of: str


@dataclass
class Role:
    """One membership: a person in an organisation with a role and, when the source gives it, a period."""

    resource: str
    member: str
    organisation: str
    role: str
    start: str
    end: str


@dataclass
class Quote:
    """The exact words of a source behind a fact."""

    text: str
    source: str
    about: str


@dataclass
class Entry:
    """A page of the site: one resource (or one source document)."""

    key: str
    kind: str
    label: str
    href: str
    iri: str
    facts: list = field(default_factory=list)
    quotes: list = field(default_factory=list)


# ---------------------------------------------------------------------------------------------- reading


def _slug(text: str, used: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-").lower()[:80] or "page"
    candidate, n = base, 1
    while candidate in used:
        n += 1
        candidate = f"{base}-{n}"
    used.add(candidate)
    return candidate


def _year(graph: Graph, resource: str) -> str:
    node = URIRef(resource)
    for p in (SCHEMA.startDate, SCHEMA.endDate, DCTERMS.date):
        value = graph.value(node, p)
        if value is not None:
            return str(value)[:4]
    return ""


def _decimal(value: float) -> Decimal:
    """An amount as the data wrote it (``30000``, not ``30000.0``)."""
    number = Decimal(str(value)).normalize()
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number


def _annotation_sources(graph: Graph) -> dict[tuple[str, str], str]:
    """``(fact IRI, exact quote) → source IRI`` for every web annotation, so a quote can name its document."""
    found: dict[tuple[str, str], str] = {}
    for annotation in graph.subjects(RDF.type, OA.Annotation):
        for target in graph.objects(annotation, OA.hasTarget):
            source = graph.value(target, OA.hasSource)
            for selector in graph.objects(target, OA.hasSelector):
                for exact in graph.objects(selector, OA.exact):
                    for body in graph.objects(annotation, OA.hasBody):
                        found[(str(body), str(exact))] = str(source) if source is not None else ""
    return found


class SiteModel:
    """Everything the pages show, read once from the graph (linear in its size)."""

    def __init__(self, graph: Graph) -> None:
        from .network import to_networkx

        self.graph = graph
        self.full = to_networkx(graph, "full")
        self.actors = to_networkx(graph, "actors")
        self.entries: dict[str, Entry] = {}
        self.quote_sources = _annotation_sources(graph)
        used: set[str] = set()
        for node, data in self.full.nodes(data=True):
            kind = data.get("type", "other")
            if kind not in PAGE_TYPES:
                continue
            if kind == "commune" and self.full.degree(node) == 0:
                continue  # a territory nothing links to: no page (35 000 communes would otherwise each get one)
            slug = _slug(str(data.get("short", node)), used)
            self.entries[node] = Entry(key=node, kind=kind, label=str(data.get("label", node)),
                                       href=f"{kind}/{slug}.html", iri=str(data.get("iri", node)),
                                       facts=list(data.get("facts") or []), quotes=list(data.get("quotes") or []))
        self.sources: dict[str, Entry] = {}
        for source in sorted(graph.subjects(RDF.type, DTKG.SourceDocument)):
            title = graph.value(source, DCTERMS.title)
            from .labels import label_of

            label = str(title) if title is not None else label_of(graph, source)
            facts = [(name, str(graph.value(source, p))) for name, p in
                     (("date", DCTERMS.date), ("éditeur", DCTERMS.publisher), ("adresse", SCHEMA.url),
                      ("adresse", DCTERMS.source)) if graph.value(source, p) is not None]
            self.sources[str(source)] = Entry(key=str(source), kind="source", label=label,
                                              href=f"source/{_slug(label, used)}.html", iri=str(source), facts=facts)
        self.grants_by_actor: dict[str, list[Grant]] = defaultdict(list)
        self.roles_by_actor: dict[str, list[Role]] = defaultdict(list)
        self.grants: list[Grant] = []
        for a, b, data in self.actors.edges(data=True):
            if data.get("kind") == "grant" and "amount" in data:
                grant = Grant(resource=str(data.get("resource", "")), funder=a, recipient=b,
                              amount=_decimal(data["amount"]), currency=str(data.get("currency", "EUR")),
                              year=_year(graph, str(data.get("resource", ""))), label=str(data.get("label", "")),
                              part_of=str(data.get("part_of", "")))
                self.grants.append(grant)
                self.grants_by_actor[a].append(grant)
                self.grants_by_actor[b].append(grant)
            elif data.get("kind") == "membership":
                resource = URIRef(str(data.get("resource", "")))
                start, end = graph.value(resource, SCHEMA.startDate), graph.value(resource, SCHEMA.endDate)
                role = Role(resource=str(resource), member=a, organisation=b, role=str(data.get("label", "")),
                            start=str(start) if start is not None else "", end=str(end) if end is not None else "")
                self.roles_by_actor[a].append(role)
                self.roles_by_actor[b].append(role)
        self.quotes_by_source: dict[str, list[Quote]] = defaultdict(list)
        for (fact, text), source in sorted(self.quote_sources.items()):
            self.quotes_by_source[source].append(Quote(text=text, source=source, about=fact))

    # -------------------------------------------------------------- helpers for the pages

    def link(self, node: str) -> dict:
        """``{label, href}`` of a node (``href`` empty when the node has no page)."""
        entry = self.entries.get(node) or self.sources.get(node)
        if entry is not None:
            return {"label": entry.label, "href": entry.href, "kind": entry.kind}
        data = self.full.nodes[node] if node in self.full else self.actors.nodes.get(node, {})
        return {"label": str(data.get("label", node)), "href": "", "kind": data.get("type", "other")}

    def quotes_of(self, node: str) -> list[Quote]:
        return [Quote(text=q, source=self.quote_sources.get((node, q), ""), about=node)
                for q in self.full.nodes[node].get("quotes") or []] if node in self.full else []


def _bound(value: str, end: bool) -> str:
    """A date, year or year-month as the first (or last, when ``end``) day it covers: ``2019`` → ``2019-01-01``."""
    text = value[:10]
    if re.fullmatch(r"\d{4}", text):
        return f"{text}-12-31" if end else f"{text}-01-01"
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return f"{text}-31" if end else f"{text}-01"  # "-31" compares after every day of the month
    return text


def dated_items(model: SiteModel) -> list[dict]:
    """Pages and roles with a date (start, end, issue), oldest first: what the time line shows and the as-of
    filter narrows. Items without a date are not listed: the source does not say when they happened."""
    items = []
    graph = model.graph
    for node, entry in model.entries.items():
        ref = URIRef(node)
        start = graph.value(ref, SCHEMA.startDate) or graph.value(ref, DCTERMS.issued) or graph.value(ref, DCTERMS.date)
        end = graph.value(ref, SCHEMA.endDate)
        if start is None and end is None:
            continue
        items.append({"link": model.link(node), "kind": entry.kind, "what": entry.label,
                      "start": str(start) if start is not None else "", "end": str(end) if end is not None else ""})
    seen = set()
    for roles in model.roles_by_actor.values():
        for role in roles:
            if role.resource in seen or not (role.start or role.end):
                continue
            seen.add(role.resource)
            items.append({"link": model.link(role.member), "kind": "membership",
                          "what": f"{role.role} — {model.link(role.organisation)['label']}",
                          "start": role.start, "end": role.end})
    for item in items:
        item["from"] = _bound(item["start"], False) if item["start"] else ""
        item["to"] = _bound(item["end"], True) if item["end"] else ""
    items.sort(key=lambda i: (i["from"] or i["to"], i["what"]))
    return items

