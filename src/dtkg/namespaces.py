"""Namespaces and default IRIs, in one place so that every module spells them the same way."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SH, SKOS, XSD

DTKG = Namespace("https://w3id.org/dtkg/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
IGEO = Namespace("http://rdf.insee.fr/def/geo#")
OA = Namespace("http://www.w3.org/ns/oa#")
VANN = Namespace("http://purl.org/vocab/vann/")

#: The base under which the data mints its IRIs (``…/id/organisation/cud``). Data files are written with this
#: base; :func:`dtkg.load.load_dataset` rewrites it when another base is configured.
DEFAULT_BASE = "https://w3id.org/dtkg/id/"

#: The ontology's own IRI, also used as the name of the graph that holds it.
ONTOLOGY_IRI = "https://w3id.org/dtkg/ontology"

#: Prefixes bound on every graph dtkg writes, so that exports and query results read well.
PREFIXES: dict[str, str] = {
    "dtkg": str(DTKG),
    "org": str(ORG),
    "schema": str(SCHEMA),
    "igeo": str(IGEO),
    "oa": str(OA),
    "foaf": str(FOAF),
    "skos": str(SKOS),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "sh": str(SH),
}

#: Kinds of resources the data mints, as the path segment after the base (``…/id/<kind>/<slug>``).
RESOURCE_KINDS = (
    "organisation", "person", "membership", "place", "commune", "network", "grant", "call",
    "strategy", "event", "source", "role", "grant-kind", "activity", "audience", "topic",
    "epci", "departement", "region",
)


def data_prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """Prefixes for the data's own IRIs under ``base`` (``organisation:`` → ``<base>organisation/``)."""
    return {kind.replace("-", ""): f"{base}{kind}/" for kind in RESOURCE_KINDS}
