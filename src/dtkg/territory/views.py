"""Which territories a network view draws: those linked to the actors, not the thousands of the reference.

A view of the seed must not become a map of France. A territory is drawn when a resource that is not a territory
links to it (a place in a commune, a body serving its commune or EPCI), and so is the EPCI of such a commune, so that
a view focused on an EPCI shows those of its communes that hold places or actors. Everything else the territorial
layer says is left out of the view (it stays in the graph, for queries).
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS

from ..namespaces import DTKG, IGEO, ORG, SCHEMA

TERRITORY_CLASSES = (IGEO.Commune, IGEO.Intercommunalite, IGEO.Departement, IGEO.Region)


def territories(graph: Graph) -> set[URIRef]:
    """The resources of ``graph`` typed as a commune, EPCI, département or région."""
    return {s for cls in TERRITORY_CLASSES for s in graph.subjects(RDF.type, cls) if isinstance(s, URIRef)}


def linked_territories(graph: Graph, *, ignore: set[URIRef] = frozenset()) -> set[URIRef]:  # type: ignore[assignment]
    """The territories a view draws (see the module docstring); links from ``ignore`` do not count."""
    all_territories = territories(graph)
    kept: set[URIRef] = set()
    for s, _, o in graph.triples((None, None, None)):  # a Dataset iterates over quads
        if o in all_territories and s not in all_territories and s not in ignore and not isinstance(o, Literal):
            kept.add(o)  # type: ignore[arg-type]
    for commune in list(kept):
        for epci in graph.subjects(IGEO.subdivisionDirecte, commune):
            if (epci, RDF.type, IGEO.Intercommunalite) in graph:
                kept.add(epci)  # type: ignore[arg-type]
    return kept


#: What the reference says of a body; a body with nothing else (no role, grant, place…) is not an actor of the data.
_BODY_FACTS = {RDF.type, SCHEMA.areaServed, PROV.wasDerivedFrom, RDFS.label, DTKG.siren, ORG.identifier}


def reference_bodies(graph: Graph) -> set[URIRef]:
    """Bodies of communes and EPCI that only the reference describes (``--territory full`` has 36 000 of them):
    nothing links to them and they say nothing but what the reference says."""
    objects = {o for o in graph.objects() if isinstance(o, URIRef)}
    out = set()
    for body in set(graph.subjects(SCHEMA.areaServed, None)):
        if isinstance(body, URIRef) and body not in objects and \
                all(p in _BODY_FACTS for p in graph.predicates(body, None)):
            out.add(body)
    return out


def hidden_territories(graph: Graph) -> set[URIRef]:
    """The territories of ``graph`` that a view leaves out, with the bodies only the reference knows (none when the
    graph has no territorial layer)."""
    all_territories = territories(graph)
    if len(all_territories) <= 1:
        return set()
    bodies = reference_bodies(graph)
    return (all_territories - linked_territories(graph, ignore=bodies)) | bodies


def drop_unlinked_territories(graph: Graph) -> Graph:
    """Remove from ``graph`` (in place) every triple about a territory that no actor links to; returns ``graph``."""
    all_territories = territories(graph)
    if not all_territories:
        return graph
    hidden = all_territories - linked_territories(graph)
    for node in hidden:
        graph.remove((node, None, None))
        graph.remove((None, None, node))
    return graph


def visible_union(store) -> Graph:
    """The union of the graphs of an Oxigraph ``store`` as an rdflib ``Graph``, without the territories that no actor
    links to: the same as ``drop_unlinked_territories(union_graph(...))``, but the thousands of hidden triples are
    never copied into rdflib."""
    import pyoxigraph as ox

    from ..terms import to_rdflib

    classes = {ox.NamedNode(str(c)) for c in TERRITORY_CLASSES}
    rdf_type = ox.NamedNode(str(RDF.type))
    member = ox.NamedNode(str(IGEO.subdivisionDirecte))
    epci_class = ox.NamedNode(str(IGEO.Intercommunalite))
    triples = {(q.subject, q.predicate, q.object) for q in store}
    kinds = {s for s, p, o in triples if p == rdf_type and o in classes}
    area_served = ox.NamedNode(str(SCHEMA.areaServed))
    body_facts = {ox.NamedNode(str(p)) for p in _BODY_FACTS}
    objects = {o for _, _, o in triples}
    candidates = {s for s, p, o in triples if p == area_served and o in kinds and s not in objects}
    bodies = candidates - {s for s, p, _ in triples if s in candidates and p not in body_facts}
    kept = {o for s, p, o in triples if o in kinds and s not in kinds and s not in bodies}
    epcis = {s for s, p, o in triples if p == rdf_type and o == epci_class}
    kept |= {s for s, p, o in triples if p == member and o in kept and s in epcis}
    hidden = (kinds - kept) | bodies
    g = Graph()
    terms: dict = {}  # each term converted once: predicates, classes and linked resources recur on many triples
    for s, p, o in triples:
        if s not in hidden and o not in hidden:
            g.add(tuple(terms[t] if t in terms else terms.setdefault(t, to_rdflib(t)) for t in (s, p, o)))
    return g
