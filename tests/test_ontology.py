"""The ontology declares only what standard vocabularies lack, documents it in French and English, and aligns it."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from dtkg.namespaces import DTKG
from dtkg.resources import ontology_file

STANDARD = ("http://www.w3.org/ns/org#", "https://schema.org/", "http://xmlns.com/foaf/0.1/",
            "http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/ns/prov#", "http://purl.org/dc/terms/",
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#")


def ontology() -> Graph:
    return Graph().parse(ontology_file(), format="turtle")


def dtkg_terms(g: Graph) -> set[URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return {s for k in kinds for s in g.subjects(RDF.type, k) if str(s).startswith(str(DTKG))}


def test_every_term_has_french_and_english_label_and_comment():
    g = ontology()
    terms = dtkg_terms(g)
    assert len(terms) >= 15
    for term in terms:
        langs = {l.language for l in g.objects(term, RDFS.label)}
        assert {"fr", "en"} <= langs, term
        comments = {c.language for c in g.objects(term, RDFS.comment)}
        assert {"fr", "en"} <= comments, term


def test_every_term_is_aligned_with_a_standard_term():
    g = ontology()
    for term in dtkg_terms(g):
        supers = set(g.transitive_objects(term, RDFS.subClassOf)) | set(g.transitive_objects(term, RDFS.subPropertyOf))
        supers.discard(term)
        if (term, RDF.type, OWL.DatatypeProperty) in g and not supers:
            # datatype properties of dtkg's own source documents (local file, digest) have no standard parent;
            # they must at least have a domain
            assert g.value(term, RDFS.domain) is not None, term
            continue
        assert any(str(s).startswith(STANDARD) for s in supers), f"{term} is not aligned: {supers}"


def test_organisation_classes_are_subclasses_of_org_organization():
    g = ontology()
    org = URIRef("http://www.w3.org/ns/org#FormalOrganization")
    for cls in (DTKG.PublicBody, DTKG.LocalAuthority, DTKG.Intercommunality, DTKG.Association):
        assert org in set(g.transitive_objects(cls, RDFS.subClassOf)), cls
