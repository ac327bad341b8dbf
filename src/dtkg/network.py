"""RDF → networkx: the graph of resources and links that the network views draw and that analysis works on.

A knowledge graph stores a grant as a resource with a funder, a recipient and an amount hanging from a blank
node; a person's role as an ``org:Membership`` resource. That is right for querying and wrong for looking at a
network of actors, where a grant *is* a link from a funder to a recipient. :func:`to_networkx` therefore offers
two projections of the same triples:

``full``
    every resource and its links as stored: grants, memberships, amounts and concepts are nodes.
``actors`` (the default)
    organisations, people, places, communes, networks of places, events, strategies and calls for projects are
    nodes; each grant becomes one funder → recipient edge labelled and weighted by its amount
    (``90 000 € fonctionnement 2019–2021``) and each membership one person → organisation edge labelled by the
    role. Concepts (roles, kinds of grants, activities, strategic axes...) are not nodes: they are listed among
    the facts of the node that points to them, so nothing that was stored is lost.

In both projections the provenance machinery (source documents, ``prov:wasDerivedFrom``, web annotations and
inferred statements) is not drawn; it is attached instead to what it is about: each node and collapsed edge
carries the exact quotes of the source behind it (``quotes``) and the reasoning of the facts that were deduced.
Nothing is invented: unnamed people keep the labels the data gives them.

The result is a plain ``networkx.MultiDiGraph`` usable on its own for analysis. Node ids are IRIs (blank nodes
get a stable id built from the resource they hang from). Node attributes: ``iri``, ``label``, ``type`` (one of
:data:`NODE_TYPES`), ``rdf_types``, ``facts`` (``[(name, value), ...]``), ``quotes``; grants also ``amount`` and
``currency``. Edge attributes: ``predicate``, ``label``, ``kind`` (``link``, ``grant`` or ``membership``),
``weight``; collapsed edges also ``resource`` (the grant or membership), ``facts`` and ``quotes``, and grant edges
``amount``, ``currency`` and ``part_of`` (the larger grant a share belongs to).
"""

from __future__ import annotations

import difflib
import random
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

import networkx as nx
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from .errors import InputError
from .labels import anchor_of, label_of, short_name
from .namespaces import DTKG, IGEO, OA, ORG, SCHEMA
from .summary import format_amount

#: The node types, in legend order. ``membership`` and ``amount`` only occur in the full projection.
NODE_TYPES = (
    "organisation", "person", "place", "commune", "network", "grant", "event", "strategy", "call",
    "membership", "amount", "concept", "other",
)

#: French names of the node types, for legends and panels.
TYPE_LABELS = {
    "organisation": "Organisation", "person": "Personne", "place": "Lieu", "commune": "Commune",
    "network": "Réseau de lieux", "grant": "Aide financière", "event": "Événement", "strategy": "Stratégie",
    "call": "Appel à projets", "membership": "Appartenance (rôle)", "amount": "Montant", "concept": "Concept",
    "other": "Autre",
}

#: How each node type is drawn (colour, vis-network shape), shared by the HTML views and the GEXF export so that
#: Gephi shows the same colours. Colours come from colour-blind-safe palettes (Okabe–Ito, Tol); types that share a
#: shape differ in colour.
TYPE_STYLES: dict[str, tuple[str, str]] = {
    "organisation": ("#0072B2", "square"), "person": ("#E69F00", "dot"), "place": ("#009E73", "diamond"),
    "commune": ("#56B4E9", "triangle"), "network": ("#117733", "hexagon"), "grant": ("#D55E00", "star"),
    "event": ("#CC79A7", "triangleDown"), "strategy": ("#882255", "hexagon"), "call": ("#AA4499", "star"),
    "membership": ("#999933", "square"), "amount": ("#DDCC77", "diamond"), "concept": ("#A0A0A0", "dot"),
    "other": ("#5F5F5F", "dot"),
}

#: rdf:type → node type, first match wins (a place that is also an organisation is an organisation). A
#: ``skos:ConceptScheme`` is a strategy when someone adopted it (``dcterms:creator``), otherwise it is a
#: controlled vocabulary (roles, kinds of grants...) and counts as a concept: see :func:`node_type`.
TYPE_RULES: tuple[tuple[URIRef, str], ...] = (
    (ORG.Organization, "organisation"),
    (FOAF.Person, "person"),
    (ORG.Site, "place"),
    (IGEO.Commune, "commune"),
    (SCHEMA.MonetaryGrant, "grant"),
    (SCHEMA.Event, "event"),
    (DTKG.Strategy, "strategy"),
    (DTKG.CallForProjects, "call"),
    (DTKG.PlaceNetwork, "network"),
    (ORG.Membership, "membership"),
    (SCHEMA.MonetaryAmount, "amount"),
    (SKOS.ConceptScheme, "strategy"),
    (SKOS.Concept, "concept"),
    (SCHEMA.Organization, "organisation"),
    (FOAF.Organization, "organisation"),
    (SCHEMA.Person, "person"),
    (SCHEMA.Place, "place"),
)

#: Node types kept as nodes by the ``actors`` projection (grants and memberships become edges).
ACTOR_TYPES = frozenset({"organisation", "person", "place", "commune", "network", "event", "strategy", "call"})

PROJECTIONS = ("actors", "full")

# Resources that describe the data rather than the world: never drawn (quotes and reasoning go into the panel).
_MACHINERY_TYPES = frozenset({
    OA.Annotation, OA.SpecificResource, OA.TextQuoteSelector, RDF.Statement, DTKG.InferredStatement,
    DTKG.SourceDocument, OWL.Ontology, OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty,
    OWL.AnnotationProperty, RDF.Property, SH.NodeShape, SH.PropertyShape,
})
_SKIPPED_PREDICATES = frozenset({
    RDF.type, PROV.wasDerivedFrom, RDF.subject, RDF.predicate, RDF.object, RDFS.subClassOf, RDFS.subPropertyOf,
    RDFS.domain, RDFS.range,
})
_SKIPPED_NAMESPACES = (str(OA), str(SH), str(OWL))
# Literal properties that name a resource: they make its label, not its facts.
_NAME_PREDICATES = frozenset({RDFS.label, SKOS.prefLabel, SCHEMA.name, FOAF.name, FOAF.givenName, FOAF.familyName})

#: French names of the properties the data uses most (other properties use their ontology label, else
#: ``prefix:name``).
PREDICATE_LABELS: dict[URIRef, str] = {
    SCHEMA.funder: "financeur", SCHEMA.fundedItem: "finance", DTKG.beneficiary: "bénéficiaire",
    DTKG.sameDecisionAs: "même décision que", SCHEMA.amount: "montant",
    SCHEMA.value: "valeur", SCHEMA.currency: "devise", SCHEMA.startDate: "début", SCHEMA.endDate: "fin",
    SCHEMA.duration: "durée", SCHEMA.description: "description", DCTERMS.description: "description",
    SCHEMA.location: "lieu", SCHEMA.about: "sujet", SCHEMA.attendee: "participant",
    SCHEMA.containedInPlace: "situé à", SCHEMA.areaServed: "territoire", SCHEMA.audience: "public",
    SCHEMA.url: "adresse web", DCTERMS.isPartOf: "fait partie de", PROV.hadMember: "a pour membre",
    DCTERMS.creator: "auteur", DCTERMS.issued: "date", DCTERMS.date: "date", DCTERMS.type: "nature",
    DCTERMS.title: "titre", ORG.member: "membre", ORG.organization: "organisation", ORG.role: "rôle",
    ORG.headOf: "dirige", ORG.identifier: "identifiant", PROV.actedOnBehalfOf: "a agi au nom de",
    PROV.qualifiedDelegation: "délégation", PROV.agent: "agent", PROV.hadActivity: "activité",
    SKOS.hasTopConcept: "axe", SKOS.inScheme: "dans", SKOS.topConceptOf: "axe de", SKOS.notation: "numéro",
    SKOS.altLabel: "autre nom", SKOS.scopeNote: "note", SKOS.editorialNote: "note éditoriale",
    SKOS.related: "voir aussi", SKOS.definition: "définition",
    IGEO.codeINSEE: "code INSEE", RDFS.comment: "commentaire",
}


# ---------------------------------------------------------------------------------------------- describing


def node_type(graph: Graph, node: Node) -> str:
    """The node type of ``node`` (see :data:`TYPE_RULES`), ``"other"`` when none of its rdf:types is known."""
    types = set(graph.objects(node, RDF.type))
    for cls, key in TYPE_RULES:
        if cls in types:
            if cls == SKOS.ConceptScheme and graph.value(node, DCTERMS.creator) is None:
                return "concept"
            return key
    return "other"


def predicate_label(graph: Graph, predicate: URIRef) -> str:
    """The French name of a property: :data:`PREDICATE_LABELS`, else its label in the ontology, else its short
    name. Used for edge labels and for the names of facts."""
    return PREDICATE_LABELS.get(predicate) or label_of(graph, predicate)


def _is_machinery(graph: Graph, node: Node) -> bool:
    return any(t in _MACHINERY_TYPES for t in graph.objects(node, RDF.type))


def _skipped(predicate: URIRef) -> bool:
    return predicate in _SKIPPED_PREDICATES or str(predicate).startswith(_SKIPPED_NAMESPACES)


class _Describer:
    """Looks up labels, types, facts and quotes of resources in a context graph, with indexes built once
    (annotations and inferred statements), so that describing n resources costs O(n) lookups."""

    def __init__(self, context: Graph) -> None:
        self.g = context
        self.quotes: dict[Node, list[str]] = defaultdict(list)
        for annotation in context.subjects(RDF.type, OA.Annotation):
            exacts = [str(exact) for target in context.objects(annotation, OA.hasTarget)
                      for selector in context.objects(target, OA.hasSelector)
                      for exact in context.objects(selector, OA.exact)]
            for body in context.objects(annotation, OA.hasBody):
                self.quotes[body].extend(sorted(exacts))
        for quotes in self.quotes.values():  # annotations are blank nodes: their order changes from run to run
            quotes.sort()
        self.inferred: dict[Node, list[tuple[str, str]]] = defaultdict(list)
        for statement in context.subjects(RDF.type, RDF.Statement):
            subject, predicate = context.value(statement, RDF.subject), context.value(statement, RDF.predicate)
            comment = context.value(statement, RDFS.comment)
            if subject is not None and predicate is not None and comment is not None:
                self.inferred[subject].append((f"déduit ({predicate_label(context, predicate)})", str(comment)))
        for reasons in self.inferred.values():
            reasons.sort()
        self._types: dict[Node, str] = {}
        self._labels: dict[Node, str] = {}
        self._ids: dict[Node, str] = {}
        self._used_ids: set[str] = set()

    def type(self, node: Node) -> str:
        if node not in self._types:
            self._types[node] = node_type(self.g, node)
        return self._types[node]

    def label(self, node: Node) -> str:
        if node not in self._labels:
            self._labels[node] = self._make_label(node)
        return self._labels[node]

    def _make_label(self, node: Node) -> str:
        amount = self.amount(node) if isinstance(node, BNode) else None
        if amount is not None:
            return format_amount(*amount)
        if isinstance(node, BNode):
            anchor, path = anchor_of(self.g, node)
            if anchor is not node:
                return f"{label_of(self.g, anchor)} → {path}"
            kinds = sorted(short_name(self.g, t) for t in self.g.objects(node, RDF.type))
            return kinds[0] if kinds else "(nœud anonyme)"
        return label_of(self.g, node)

    def node_id(self, node: Node) -> str:
        """IRIs are their own id; a blank node gets ``<anchor IRI>/<path>`` so that ids do not change between
        loads (rdflib gives blank nodes new random names each time)."""
        if node in self._ids:
            return self._ids[node]
        if isinstance(node, BNode):
            anchor, path = anchor_of(self.g, node)
            base = f"{anchor}/{path}" if anchor is not node and path else f"_:{node}"
            candidate, n = base, 1
            while candidate in self._used_ids:
                n += 1
                candidate = f"{base}#{n}"
        else:
            candidate = str(node)
        self._ids[node] = candidate
        self._used_ids.add(candidate)
        return candidate

    def amount(self, node: Node) -> tuple[Decimal, str] | None:
        """``(value, currency)`` of a ``schema:MonetaryAmount`` node, or of the amount of a grant."""
        target = node
        if self.g.value(node, SCHEMA.value) is None:
            target = self.g.value(node, SCHEMA.amount)
            if target is None:
                return None
        value = self.g.value(target, SCHEMA.value)
        if value is None:
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return None
        return number, str(self.g.value(target, SCHEMA.currency) or "EUR")

    def literal_facts(self, node: Node) -> list[tuple[str, str]]:
        """The literal values of ``node`` (in French when the data has French), named in French, sorted."""
        by_predicate: dict[URIRef, list[Literal]] = defaultdict(list)
        for p, o in self.g.predicate_objects(node):
            if isinstance(o, Literal) and p not in _NAME_PREDICATES and not _skipped(p):
                by_predicate[p].append(o)
        facts = []
        for p, values in by_predicate.items():
            french = [v for v in values if v.language == "fr"] or [v for v in values if not v.language] or values
            name = predicate_label(self.g, p)
            facts.extend((name, str(v)) for v in sorted(french))
        amount = self.amount(node) if self.type(node) == "grant" else None
        if amount is not None:
            facts.append((predicate_label(self.g, SCHEMA.amount), format_amount(*amount)))
        facts.sort()
        return facts + self.inferred.get(node, [])

    def value_text(self, node: Node) -> str:
        """How a linked resource that is not drawn reads as a fact: its label, with its notation if any
        (``1 — garantir l'équité…``); a blank node reads as the list of its own links."""
        if isinstance(node, Literal):
            return str(node)
        if isinstance(node, BNode) and self.amount(node) is None:
            parts = [f"{predicate_label(self.g, p)} : {self.label(o) if not isinstance(o, Literal) else o}"
                     for p, o in sorted(self.g.predicate_objects(node)) if not _skipped(p)]
            kinds = sorted(short_name(self.g, t) for t in self.g.objects(node, RDF.type))
            return (kinds[0] + " " if kinds else "") + "(" + " ; ".join(parts) + ")"
        notation = self.g.value(node, SKOS.notation)
        label = self.label(node)
        return f"{notation} — {label}" if notation is not None else label

    def node_attrs(self, node: Node) -> dict:
        attrs = {
            "iri": str(node) if isinstance(node, URIRef) else self.node_id(node),
            "label": self.label(node),
            "type": self.type(node),
            "rdf_types": sorted(short_name(self.g, t) for t in self.g.objects(node, RDF.type)),
            "facts": self.literal_facts(node),
            "quotes": list(self.quotes.get(node, [])),
            "short": short_name(self.g, node) if isinstance(node, URIRef) else self.node_id(node),
        }
        if attrs["type"] in ("grant", "amount"):
            amount = self.amount(node)
            if amount is not None:
                attrs["amount"], attrs["currency"] = float(amount[0]), amount[1]
        return attrs


# ---------------------------------------------------------------------------------------------- projections


def _links(graph: Graph, describer: _Describer) -> Iterable[tuple[Node, URIRef, Node]]:
    """The triples of ``graph`` that link two drawable resources (no literals, no provenance machinery)."""
    for s, p, o in graph.triples((None, None, None)):
        if isinstance(o, Literal) or _skipped(p):
            continue
        if _is_machinery(describer.g, s) or _is_machinery(describer.g, o):
            continue
        yield s, p, o


def _typed_resources(graph: Graph, describer: _Describer) -> Iterable[Node]:
    """Resources that ``graph`` types with a known type, so that an unlinked organisation still shows."""
    for s in set(graph.subjects(RDF.type, None)):
        if not _is_machinery(describer.g, s) and describer.type(s) != "other":
            yield s


def to_networkx(graph: Graph, projection: str = "actors", *, context: Graph | None = None) -> nx.MultiDiGraph:
    """The network of ``graph`` in the given projection (``"actors"`` or ``"full"``, see the module docstring).

    ``context`` is where labels, types, facts and quotes are looked up (default: ``graph`` itself); it lets a
    CONSTRUCT result, which holds only the constructed triples, be drawn with the labels of the whole dataset.
    A ``Dataset`` is read as the union of its graphs. The input graphs are not changed.
    """
    if projection not in PROJECTIONS:
        raise InputError(f"unknown projection {projection!r}; choose one of {', '.join(PROJECTIONS)}")
    from .territory.views import hidden_territories

    ctx = context if context is not None else graph
    d = _Describer(ctx)
    hidden = hidden_territories(graph)  # the territorial reference: only the territories actors link to are drawn
    links = [(s, p, o) for s, p, o in _links(graph, d) if s not in hidden and o not in hidden]
    resources: dict[Node, None] = {}
    for s, _, o in links:
        resources.setdefault(s)
        resources.setdefault(o)
    for s in _typed_resources(graph, d):
        if s not in hidden:
            resources.setdefault(s)

    out = nx.MultiDiGraph(projection=projection)
    if projection == "full":
        for node in resources:
            out.add_node(d.node_id(node), **d.node_attrs(node))
        for s, p, o in links:
            out.add_edge(d.node_id(s), d.node_id(o), key=short_name(ctx, p), predicate=str(p),
                         label=predicate_label(ctx, p), kind="link", weight=1.0)
        return _in_order(out)
    return _in_order(_actors(out, links, resources, d))


def _in_order(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """``g`` with nodes and edges in id order: rdflib returns triples in an order that changes from run to run,
    and views, exports and tests should not."""
    out = nx.MultiDiGraph(**g.graph)
    out.add_nodes_from(sorted(g.nodes(data=True), key=lambda item: item[0]))
    out.add_edges_from(sorted(g.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2]))))
    return out


def _actors(out: nx.MultiDiGraph, links: list[tuple[Node, URIRef, Node]], resources: dict[Node, None],
            d: _Describer) -> nx.MultiDiGraph:
    ctx = d.g
    outgoing: dict[Node, list[tuple[URIRef, Node]]] = defaultdict(list)
    for s, p, o in links:
        outgoing[s].append((p, o))

    def collapsible(node: Node) -> bool:
        kind = d.type(node)
        if kind == "grant":
            return ctx.value(node, SCHEMA.funder) is not None and _grant_target(ctx, node) is not None
        if kind == "membership":
            return ctx.value(node, ORG.member) is not None and ctx.value(node, ORG.organization) is not None
        return False

    # Grants or memberships that lack one end stay nodes: drawing half an edge would invent the other end.
    kept = {n for n in resources if d.type(n) in ACTOR_TYPES or (d.type(n) in ("grant", "membership")
                                                                    and not collapsible(n))}
    collapsed = [n for n in resources if d.type(n) in ("grant", "membership") and collapsible(n)]
    # An announced grant reconciled with its published record (dtkg:sameDecisionAs) is one link: the published
    # grant's, whose panel carries the quotes of both sources.
    merged: dict[Node, list[Node]] = defaultdict(list)
    for n in list(collapsed):
        published = ctx.value(n, DTKG.sameDecisionAs)
        if published is not None and published in collapsed:
            merged[published].append(n)
            collapsed.remove(n)
    for node in resources:
        if node not in kept:
            continue
        attrs = d.node_attrs(node)
        extra = [(predicate_label(ctx, p), d.value_text(o)) for p, o in outgoing.get(node, [])
                 if o not in kept and o not in collapsed]
        attrs["facts"] = attrs["facts"] + sorted(set(extra))
        out.add_node(d.node_id(node), **attrs)
    for s, p, o in links:
        if s in kept and o in kept:
            out.add_edge(d.node_id(s), d.node_id(o), key=short_name(ctx, p), predicate=str(p),
                         label=predicate_label(ctx, p), kind="link", weight=1.0)
    for resource in collapsed:
        _add_collapsed(out, resource, kept, outgoing, d, merged.get(resource, []))
    return out


def _grant_target(ctx: Graph, grant: Node) -> Node | None:
    """Where a grant's link goes: the organisation paid (dtkg:beneficiary), else what it funds."""
    beneficiary = ctx.value(grant, DTKG.beneficiary)
    if beneficiary is not None:
        return beneficiary
    items = sorted(ctx.objects(grant, SCHEMA.fundedItem))
    return items[0] if items else None


def _counts(ctx: Graph, grant: Node) -> tuple[bool, bool]:
    """``(given, received)``: whether a grant's amount counts for its funder, and for its link's target, by the
    rules of the saved queries total-by-funder and total-by-recipient (each decision once)."""
    if ctx.value(grant, DTKG.sameDecisionAs) is not None:
        return False, False
    whole = ctx.value(grant, DCTERMS.isPartOf)
    if whole is None or (whole, RDF.type, SCHEMA.MonetaryGrant) not in ctx:
        return True, ctx.value(grant, DTKG.beneficiary) is not None
    return False, (ctx.value(grant, DTKG.beneficiary) is not None and ctx.value(whole, DTKG.beneficiary) is None
                   and ctx.value(whole, DTKG.sameDecisionAs) is None)


def _add_collapsed(out: nx.MultiDiGraph, resource: Node, kept: set[Node],
                   outgoing: dict[Node, list[tuple[URIRef, Node]]], d: _Describer,
                   alternates: list[Node] = ()) -> None:
    """One funder → beneficiary edge for a grant (with the quotes of the announced grants reconciled with it,
    ``alternates``), one member → organisation edge for a membership."""
    ctx = d.g
    kind = d.type(resource)
    if kind == "grant":
        source, target = ctx.value(resource, SCHEMA.funder), _grant_target(ctx, resource)
        ends = (SCHEMA.funder, DTKG.beneficiary, SCHEMA.amount)
        if target != ctx.value(resource, DTKG.beneficiary):
            ends += (SCHEMA.fundedItem,)
    else:
        source, target = ctx.value(resource, ORG.member), ctx.value(resource, ORG.organization)
        ends = (ORG.member, ORG.organization)
    for end in (source, target):
        if end not in kept:  # an end that is not an actor (a concept, say) still gets a node: the edge needs it
            out.add_node(d.node_id(end), **d.node_attrs(end))
            kept.add(end)
    facts = [("ressource", d.label(resource))] + d.literal_facts(resource)
    facts += sorted({(predicate_label(ctx, p), d.value_text(o)) for p, o in outgoing.get(resource, [])
                     if p not in ends})
    attrs: dict = {"predicate": str(SCHEMA.MonetaryGrant if kind == "grant" else ORG.Membership),
                   "kind": kind, "resource": str(resource), "facts": facts,
                   "quotes": list(d.quotes.get(resource, [])), "weight": 1.0}
    for alternate in alternates:
        attrs["quotes"] += list(d.quotes.get(alternate, []))
        attrs["facts"].append(("même décision que", d.label(alternate)))
    if kind == "grant":
        attrs["counts_given"], attrs["counts_received"] = _counts(ctx, resource)
        amount = d.amount(resource)
        kinds = sorted(d.label(k) for k in ctx.objects(resource, DCTERMS.type))
        years = [str(ctx.value(resource, p))[:4] for p in (SCHEMA.startDate, SCHEMA.endDate)
                 if ctx.value(resource, p) is not None]
        parts = [format_amount(*amount)] if amount is not None else []
        parts += kinds
        if years:
            parts.append("–".join(dict.fromkeys(years)))
        attrs["label"] = " ".join(parts) or d.label(resource)
        whole = ctx.value(resource, DCTERMS.isPartOf)
        attrs["part_of"] = str(whole) if whole is not None and d.type(whole) == "grant" else ""
        if amount is not None:
            attrs["amount"], attrs["currency"] = float(amount[0]), amount[1]
            attrs["weight"] = float(amount[0])
    else:
        roles = sorted(d.label(r) for r in ctx.objects(resource, ORG.role))
        attrs["label"] = ", ".join(roles) or d.label(resource)
    out.add_edge(d.node_id(source), d.node_id(target), key=str(resource), **attrs)


# ---------------------------------------------------------------------------------------------- sub-views


def normalise(text: str) -> str:
    """Text folded for matching what a person types: lower case, no accents, straight apostrophes."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    return "".join(c for c in text if not unicodedata.combining(c)).casefold().strip()


def _bare(text: str) -> str:
    """:func:`normalise`, then apostrophes, hyphens and runs of spaces set aside: ``L’Atelier`` → ``l atelier``."""
    return " ".join(re.sub(r"[\W_]+", " ", normalise(text)).split())


_ARTICLE = re.compile(r"^(?:l|le|la|les|d|de|du|des)\s+")


def _partial_matches(g: nx.MultiDiGraph, focus: str) -> list[str]:
    """Nodes whose label holds what was typed, as the page's search box finds them (case, accents and
    apostrophes set aside), best first: the label itself without its article (``Atelier`` → ``L'ATELIER``),
    then labels that start with it, then labels that contain it. Returns the nodes of the first kind that has any."""
    wanted = _ARTICLE.sub("", _bare(focus))
    if not wanted:
        return []
    tiers: tuple[list[str], list[str], list[str]] = ([], [], [])
    for n, label in g.nodes(data="label"):
        if label is None:
            continue
        bare = _ARTICLE.sub("", _bare(str(label)))
        if bare == wanted or wanted.replace(" ", "") in (bare.replace(" ", ""), _bare(str(label)).replace(" ", "")):
            tiers[0].append(n)
        elif bare.startswith(wanted + " "):
            tiers[1].append(n)
        elif wanted in bare:
            tiers[2].append(n)
    return next((tier for tier in tiers if tier), [])


def find_node(g: nx.MultiDiGraph, focus: str) -> str:
    """The node that ``focus`` names: its IRI, its short name (``place:atelier-bourbourg``) or its label
    (case, accents and apostrophes do not matter).

    Raises :class:`InputError` when no node or several nodes match, listing close matches or the candidates.
    """
    if focus in g:
        return focus
    wanted = normalise(focus)
    for attr in ("short", "iri"):
        hits = [n for n, v in g.nodes(data=attr) if v == focus]
        if len(hits) == 1:
            return hits[0]
    hits = [n for n, label in g.nodes(data="label") if normalise(str(label)) == wanted]
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        listed = "; ".join(f"{g.nodes[n].get('short', n)}" for n in sorted(hits))
        raise InputError(f"--focus {focus!r} names {len(hits)} nodes; give one of their IRIs: {listed}")
    hits = _partial_matches(g, focus)
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        listed = "; ".join(f"{g.nodes[n].get('label', n)} ({g.nodes[n].get('short', n)})"
                           for n in sorted(hits, key=lambda n: str(g.nodes[n].get("label", n)))[:20])
        more = f" (and {len(hits) - 20} more)" if len(hits) > 20 else ""
        raise InputError(f"--focus {focus!r} matches {len(hits)} nodes; give more of the label or one of "
                         f"these IRIs: {listed}{more}")
    labels = {normalise(str(label)): str(label) for _, label in g.nodes(data="label")}
    close = difflib.get_close_matches(wanted, list(labels), n=5, cutoff=0.5)
    close += [k for k in labels if wanted and wanted in k and k not in close][: 5 - len(close)]
    hint = ("; did you mean: " + ", ".join(repr(labels[k]) for k in close)) if close else ""
    raise InputError(f"--focus {focus!r}: no node has this label or IRI in this view{hint}")


def ego_view(g: nx.MultiDiGraph, focus: str, depth: int = 1) -> nx.MultiDiGraph:
    """The nodes at most ``depth`` links away from ``focus`` (links followed in both directions) and every
    edge between them, as a new graph; ``focus`` is resolved by :func:`find_node`."""
    if depth < 0:
        raise InputError(f"--depth must be 0 or more, not {depth}")
    centre = find_node(g, focus)
    sub = nx.ego_graph(g, centre, radius=depth, undirected=True)
    sub.graph.update(g.graph, focus=centre, depth=depth)
    return sub


def construct_view(data: Graph, query: str, projection: str = "full", *,
                   context: Graph | None = None) -> nx.MultiDiGraph:
    """The network of the triples a SPARQL CONSTRUCT query builds from ``data`` (``query`` is SPARQL text, a
    ``.rq`` path or a saved query's name), described with the labels, types and quotes of ``data`` (or of
    ``context`` when given, e.g. an in-memory copy of it).

    ``projection`` is ``"full"`` by default: the constructed triples are drawn as they are.
    """
    from .query import resolve_query, run_query

    text = resolve_query(query)
    result = run_query(data, text)
    if result.type != "CONSTRUCT" or result.graph is None:
        name = f" {query!r}" if "\n" not in query and len(query) < 200 else ""
        raise InputError(f"a view needs a CONSTRUCT query; the query{name} is a {result.type} query")
    return to_networkx(result.graph, projection, context=context if context is not None else data)


def plain_graph(data: Graph) -> Graph:
    """``data`` as an in-memory rdflib ``Graph``: a dataset (rdflib's or Oxigraph's) is copied into one union
    graph once, because building a view asks many small questions and those are fastest in memory. Territories
    that no actor links to are left out (see :mod:`dtkg.territory.views`)."""
    from rdflib import Dataset

    from .load import union_graph

    if not isinstance(data, Dataset):
        return data
    from .load import ox_store
    from .territory.views import drop_unlinked_territories, visible_union  # territories: only those actors link to

    store = ox_store(data)
    if store is not None:
        g = visible_union(store)
        for prefix, ns in data.namespaces():
            g.bind(prefix, ns, override=True, replace=True)
        return g
    return drop_unlinked_territories(union_graph(data))


def network_view(data: Graph, *, projection: str | None = None, focus: str | None = None, depth: int | None = None,
                 query: str | None = None) -> nx.MultiDiGraph:
    """The graph a view draws: the ``projection`` of ``data`` (``actors`` by default), or of the result of the
    CONSTRUCT ``query`` (``full`` by default), narrowed to the ego network of ``focus`` when given."""
    if depth is not None and focus is None:
        raise InputError("--depth needs --focus (the node to start from)")
    if projection is not None and projection not in PROJECTIONS:
        raise InputError(f"unknown projection {projection!r}; choose one of {', '.join(PROJECTIONS)}")
    context = plain_graph(data)
    if query is not None:
        g = construct_view(data, query, projection or "full", context=context)
    else:
        g = to_networkx(context, projection or "actors")
    if focus is not None:
        g = ego_view(g, focus, 1 if depth is None else depth)
    return g


# ---------------------------------------------------------------------------------------------- synthetic data


def synthetic_network(n_nodes: int, seed: int = 0) -> nx.MultiDiGraph:
    """A reproducible random graph shaped like an ``actors`` projection (same node and edge attributes, types in
    realistic proportions, money flowing from a few funders), with about 1.6 edges per node.

    The seed data has two dozen actors; this is how views are measured and tested at 1,000 to 20,000 nodes.
    Built in O(n): each new node links to earlier nodes picked in proportion to their degree.
    """
    rng = random.Random(seed)
    shares = (("person", 0.38), ("organisation", 0.27), ("place", 0.12), ("event", 0.08), ("commune", 0.06),
              ("network", 0.04), ("strategy", 0.03), ("call", 0.02))
    g = nx.MultiDiGraph(projection="actors", synthetic=True)
    by_type: dict[str, list[str]] = defaultdict(list)
    ends: dict[str, list[str]] = defaultdict(list)  # a node appears once per edge end: degree-weighted picks
    roles = ("président", "vice-présidente", "directrice", "maire", "trésorier", "membre")
    kinds = ("fonctionnement", "investissement")

    def pick(kind: str) -> str | None:
        pool = ends[kind] if ends[kind] and rng.random() < 0.7 else by_type[kind]
        return rng.choice(pool) if pool else None

    def link(u: str, v: str, key: str, **attrs) -> None:
        g.add_edge(u, v, key=key, **attrs)
        ends[g.nodes[u]["type"]].append(u)
        ends[g.nodes[v]["type"]].append(v)

    weights = [w for _, w in shares]
    for i in range(n_nodes):
        kind = "organisation" if i < 5 else rng.choices([t for t, _ in shares], weights)[0]
        node = f"https://example.org/synthetic/{kind}/{i}"
        label = f"{kind.capitalize()} {i}"
        quotes = [f"Citation de la source au sujet de {label}."] if i % 3 == 0 else []
        g.add_node(node, iri=node, label=label, type=kind, rdf_types=[], short=f"{kind}:{i}",
                   facts=[("identifiant", str(i))], quotes=quotes)
        by_type[kind].append(node)
        if i < 5:
            continue
        if kind == "person":
            org = pick("organisation")
            if org:
                link(node, org, f"m{i}", kind="membership", predicate=str(ORG.Membership),
                     label=rng.choice(roles), weight=1.0, facts=[], quotes=quotes, resource=f"{node}#m")
        elif kind in ("organisation", "place", "network"):
            funder = pick("organisation")
            if funder and funder != node:
                value = float(rng.randrange(1, 200) * 500)
                text = f"{format_amount(value)} {rng.choice(kinds)}"
                link(funder, node, f"g{i}", kind="grant", predicate=str(SCHEMA.MonetaryGrant), label=text,
                     weight=value, amount=value, currency="EUR", part_of="", facts=[], quotes=quotes,
                     resource=f"{node}#g")
        if kind == "place":
            commune = pick("commune")
            if commune:
                link(node, commune, "schema:containedInPlace", kind="link", predicate=str(SCHEMA.containedInPlace),
                     label="situé à", weight=1.0)
        elif kind == "event":
            for _ in range(rng.randint(1, 4)):
                person = pick("person")
                if person and not g.has_edge(node, person):
                    link(node, person, "schema:attendee", kind="link", predicate=str(SCHEMA.attendee),
                         label="participant", weight=1.0)
        elif kind in ("strategy", "call", "commune"):
            org = pick("organisation")
            if org:
                link(node, org, "dcterms:creator", kind="link", predicate=str(DCTERMS.creator), label="auteur",
                     weight=1.0)
    return g


__all__ = [
    "NODE_TYPES", "TYPE_LABELS", "TYPE_STYLES", "TYPE_RULES", "ACTOR_TYPES", "PROJECTIONS", "PREDICATE_LABELS",
    "node_type",
    "predicate_label", "to_networkx", "normalise", "find_node", "ego_view", "construct_view", "plain_graph",
    "network_view",
    "synthetic_network",
]
