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
``weight``, ``link_kind`` (the family of a plain link's property, see :mod:`dtkg.styles`); collapsed edges also ``resource`` (the grant or membership), ``facts`` and ``quotes``, and grant edges
``amount``, ``currency`` and ``part_of`` (the larger grant a share belongs to).
"""


from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

import networkx as nx
from rdflib import BNode, Graph, Literal, URIRef
from rdflib import namespace as _rdflib_namespaces
from rdflib.namespace import FOAF, OWL, PROV, SH
from rdflib.term import Node

from . import namespaces as _dtkg_namespaces
from .errors import InputError
from .labels import anchor_of, anchor_steps, label_of, short_name, term_label
from .namespaces import IGEO


class _Terms:
    """A namespace whose terms are made once: ``SCHEMA.value`` on an rdflib namespace builds a new ``URIRef`` on
    every access, and describing a view asks for the same few terms hundreds of thousands of times."""

    def __init__(self, namespace: Any) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> URIRef:
        term = getattr(self._namespace, name)
        setattr(self, name, term)
        return term


DCTERMS, RDF, RDFS, SKOS = (_Terms(getattr(_rdflib_namespaces, n)) for n in ("DCTERMS", "RDF", "RDFS", "SKOS"))
DTKG, OA, ORG, SCHEMA = (_Terms(getattr(_dtkg_namespaces, n)) for n in ("DTKG", "OA", "ORG", "SCHEMA"))
from .styles import link_kind, node_types
from .summary import format_amount


def __getattr__(name: str) -> Any:
    """``NODE_TYPES``: the node types in legend order, read from the styles file on first use."""
    if name == "NODE_TYPES":
        return node_types()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

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
_SKIPPED_NAMESPACES = (str(_dtkg_namespaces.OA), str(SH), str(OWL))
# Literal properties that name a resource: they make its label, not its facts.
_NAME_PREDICATES = frozenset({RDFS.label, SKOS.prefLabel, SCHEMA.name, FOAF.name, FOAF.givenName, FOAF.familyName})

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


def predicate_label(graph: Graph, predicate: URIRef, lang: str = "fr") -> str:
    """The name of a property in ``lang``: its ``rdfs:label`` in the ontology (``ontology/dtkg.ttl`` for dtkg's
    terms, ``ontology/labels.ttl`` for the standard vocabularies'), else in ``graph``, else its short name. Used for
    edge labels and for the names of facts."""
    return term_label(graph, predicate, lang)


def _machinery(graph: Graph) -> set[Node]:
    """Every resource of ``graph`` typed as provenance or vocabulary machinery, found once by type rather than by
    asking the types of each end of each link."""
    return {s for t in _MACHINERY_TYPES for s in graph.subjects(RDF.type, t)}


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
        self.machinery = _machinery(context)
        self._types: dict[Node, str] = {}
        self._labels: dict[Node, str] = {}
        self._short: dict[Node, str] = {}
        self._names: dict[Node, str] = {}
        self._ids: dict[Node, str] = {}
        self._used_ids: set[str] = set()

    def type(self, node: Node) -> str:
        if node not in self._types:
            self._types[node] = node_type(self.g, node)
        return self._types[node]

    def short(self, term: Node) -> str:
        """:func:`dtkg.labels.short_name` of ``term``, computed once per term (predicates and classes recur on
        most resources)."""
        name = self._short.get(term)
        if name is None:
            name = self._short[term] = short_name(self.g, term)
        return name

    def name(self, predicate: URIRef) -> str:
        """:func:`predicate_label` of ``predicate``, computed once per predicate."""
        name = self._names.get(predicate)
        if name is None:
            name = self._names[predicate] = predicate_label(self.g, predicate)
        return name

    def label(self, node: Node) -> str:
        if node not in self._labels:
            self._labels[node] = self._make_label(node)
        return self._labels[node]

    def _make_label(self, node: Node) -> str:
        amount = self.amount(node) if isinstance(node, BNode) else None
        if amount is not None:
            return format_amount(*amount)
        if isinstance(node, BNode):
            anchor, steps = anchor_steps(self.g, node)
            if anchor is not node:
                path = " / ".join(self.name(s) if isinstance(s, URIRef) else s for s in steps)
                return f"{label_of(self.g, anchor)} → {path}"
            kinds = sorted(term_label(self.g, t) for t in self.g.objects(node, RDF.type))
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
            name = self.name(p)
            facts.extend((name, str(v)) for v in sorted(french))
        amount = self.amount(node) if self.type(node) == "grant" else None
        if amount is not None:
            facts.append((self.name(SCHEMA.amount), format_amount(*amount)))
        facts.sort()
        return facts + self.inferred.get(node, [])

    def value_text(self, node: Node) -> str:
        """How a linked resource that is not drawn reads as a fact: its label, with its notation if any
        (``1 — garantir l'équité…``); a blank node reads as the list of its own links."""
        if isinstance(node, Literal):
            return str(node)
        if isinstance(node, BNode) and self.amount(node) is None:
            parts = [f"{self.name(p)} : {self.label(o) if not isinstance(o, Literal) else o}"
                     for p, o in sorted(self.g.predicate_objects(node)) if not _skipped(p)]
            kinds = sorted(term_label(self.g, t) for t in self.g.objects(node, RDF.type))
            return (kinds[0] + " " if kinds else "") + "(" + " ; ".join(parts) + ")"
        notation = self.g.value(node, SKOS.notation)
        label = self.label(node)
        return f"{notation} — {label}" if notation is not None else label

    def node_attrs(self, node: Node) -> dict:
        attrs = {
            "iri": str(node) if isinstance(node, URIRef) else self.node_id(node),
            "label": self.label(node),
            "type": self.type(node),
            "rdf_types": sorted(self.short(t) for t in self.g.objects(node, RDF.type)),
            "facts": self.literal_facts(node),
            "quotes": list(self.quotes.get(node, [])),
            "short": self.short(node) if isinstance(node, URIRef) else self.node_id(node),
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
        if s in describer.machinery or o in describer.machinery:
            continue
        yield s, p, o


def _typed_resources(graph: Graph, describer: _Describer) -> Iterable[Node]:
    """Resources that ``graph`` types with a known type, so that an unlinked organisation still shows."""
    for s in set(graph.subjects(RDF.type, None)):
        if s not in describer.machinery and describer.type(s) != "other":
            yield s


def to_networkx(graph: Graph, projection: str = "actors", *, context: Graph | None = None,
                hidden: set | None = None) -> nx.MultiDiGraph:
    """The network of ``graph`` in the given projection (``"actors"`` or ``"full"``, see the module docstring).

    ``context`` is where labels, types, facts and quotes are looked up (default: ``graph`` itself); it lets a
    CONSTRUCT result, which holds only the constructed triples, be drawn with the labels of the whole dataset.
    A ``Dataset`` is read as the union of its graphs. The input graphs are not changed. ``hidden`` is the set of
    territories left out (:func:`dtkg.territory.views.hidden_territories` of ``graph`` when not given; callers that
    draw several projections of one graph compute it once).
    """
    if projection not in PROJECTIONS:
        raise InputError(f"unknown projection {projection!r}; choose one of {', '.join(PROJECTIONS)}")
    from .territory.views import hidden_territories

    ctx = context if context is not None else graph
    d = _Describer(ctx)
    if hidden is None:  # the territorial reference: only the territories actors link to are drawn
        hidden = hidden_territories(graph)
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
            out.add_edge(d.node_id(s), d.node_id(o), key=d.short(p), predicate=str(p),
                         label=d.name(p), kind="link", link_kind=link_kind(p), weight=1.0)
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
        extra = [(d.name(p), d.value_text(o)) for p, o in outgoing.get(node, [])
                 if o not in kept and o not in collapsed]
        attrs["facts"] = attrs["facts"] + sorted(set(extra))
        out.add_node(d.node_id(node), **attrs)
    for s, p, o in links:
        if s in kept and o in kept:
            out.add_edge(d.node_id(s), d.node_id(o), key=d.short(p), predicate=str(p),
                         label=d.name(p), kind="link", link_kind=link_kind(p), weight=1.0)
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
    facts += sorted({(d.name(p), d.value_text(o)) for p, o in outgoing.get(resource, [])
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


__all__ = [
    "NODE_TYPES", "TYPE_RULES", "ACTOR_TYPES", "PROJECTIONS", "node_type", "predicate_label", "to_networkx",
]
