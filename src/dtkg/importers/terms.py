"""The vocabularies the importers write, with each term made once.

rdflib builds a new ``URIRef`` at every ``SCHEMA.amount``; an import of 100,000 rows asks for millions of terms, so
the importers use these caching views of the same namespaces (same IRIs as :mod:`dtkg.namespaces`).
"""

from __future__ import annotations

import functools

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS as _DCTERMS
from rdflib.namespace import FOAF as _FOAF
from rdflib.namespace import OWL as _OWL
from rdflib.namespace import PROV as _PROV
from rdflib.namespace import RDF as _RDF
from rdflib.namespace import RDFS as _RDFS
from rdflib.namespace import SKOS as _SKOS
from rdflib.namespace import XSD as _XSD

from .. import namespaces as _ns


class Terms:
    """``Terms(ns).name`` is ``ns.name``, made on first use and kept."""

    def __init__(self, namespace: Namespace | str) -> None:
        self._base = str(namespace)

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("__"):
            raise AttributeError(name)
        term = URIRef(self._base + name)
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> URIRef:
        return getattr(self, name)

    def __str__(self) -> str:
        return self._base


RDF = Terms(_RDF)
RDFS = Terms(_RDFS)
SKOS = Terms(_SKOS)
XSD = Terms(_XSD)
DCTERMS = Terms(_DCTERMS)
PROV = Terms(_PROV)
FOAF = Terms(_FOAF)
OWL = Terms(_OWL)
SCHEMA = Terms(_ns.SCHEMA)
OA = Terms(_ns.OA)
ORG = Terms(_ns.ORG)
DTKG = Terms(_ns.DTKG)
IGEO = Terms(_ns.IGEO)


_XSD_STRING = str(_XSD.string)


@functools.lru_cache(maxsize=1 << 16)
def lit(text: str, lang: str | None = None, datatype: URIRef | None = None) -> tuple[int, str, str, str]:
    """The literal ``text`` (with ``lang`` or ``datatype``) in the Turtle writer's tuple form
    (:data:`dtkg.writers.Term`: ``(1, lexical form, language, datatype)``), made once per distinct value.

    The importers only write literals, never query them, so they skip rdflib's ``Literal``, which parses every
    typed value it makes; the lexical form is kept as written (``6421.00``), and ``xsd:string`` is the plain
    literal, as in RDF 1.1."""
    if lang:
        return (1, text, lang, "")
    if datatype is None:
        return (1, text, "", "")
    dt = str(datatype)
    return (1, text, "", "" if dt == _XSD_STRING else dt)
