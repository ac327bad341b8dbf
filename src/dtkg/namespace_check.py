"""Namespaces that a query names but the data does not use, while a well-known twin of them is used.

``PREFIX schema: <http://schema.org/>`` finds nothing in data written with ``https://schema.org/``, and SPARQL says
nothing about it: the query runs and returns no rows. The twins checked are the http/https pair and the variants
with and without a trailing ``/`` or ``#`` (``http://purl.org/dc/terms`` for ``…/terms/``).
"""

from __future__ import annotations

import re

from rdflib import Graph

from .sparql_text import mask

_PREFIX = re.compile(r"PREFIX\s+([\w.-]*):\s*<([^>]*)>", re.IGNORECASE)
_IRI = re.compile(r"<([a-z][a-z0-9+.-]*:[^<>\s]*)>", re.IGNORECASE)


def twins(namespace: str) -> list[str]:
    """The namespaces people confuse with ``namespace``: the other scheme, and the other ending (``/``, ``#``, none)."""
    scheme, sep, rest = namespace.partition("://")
    if not sep or scheme not in ("http", "https"):
        return []
    stem = rest.rstrip("/#")
    out = []
    for other_scheme in ("http", "https"):
        for ending in ("", "/", "#"):
            candidate = f"{other_scheme}://{stem}{ending}"
            if candidate != namespace:
                out.append(candidate)
    return out


def query_namespaces(query: str) -> set[str]:
    """The namespaces ``query`` uses: its declared prefixes that appear in its body, and the namespace part of the
    full IRIs it writes (up to the last ``/`` or ``#``)."""
    body = mask(query)  # same length as the query: the declarations are blanked at their places
    for declaration in _PREFIX.finditer(query):
        body = body[: declaration.start()] + " " * len(declaration.group(0)) + body[declaration.end():]
    found = set()
    for prefix, iri in _PREFIX.findall(query):
        if re.search(rf"(?<![\w.-]){re.escape(prefix)}:", body):
            found.add(iri)
    for iri in _IRI.findall(_PREFIX.sub(" ", query)):
        cut = max(iri.rfind("/"), iri.rfind("#"))
        if cut > len("https://"):
            found.add(iri[: cut + 1])
    return found


def data_namespaces(graph: Graph) -> set[str]:
    """Namespaces of the predicates and classes of ``graph`` (what a query's patterns name)."""
    from .query import run_query

    used = set()
    for row in run_query(graph, "SELECT DISTINCT ?p WHERE { { ?s ?p ?o } UNION { ?s a ?p } }"):
        iri = str(row[0])
        cut = max(iri.rfind("/"), iri.rfind("#"))
        used.add(iri[: cut + 1])
    return used


def namespace_warnings(graph: Graph, query: str) -> list[str]:
    """One warning per namespace of ``query`` that ``graph`` does not use although a twin of it is used."""
    wanted = query_namespaces(query)
    if not wanted:
        return []
    used = data_namespaces(graph)

    def uses(ns: str) -> bool:
        return ns in used

    out = []
    for ns in sorted(wanted):
        if uses(ns):
            continue
        twin = next((t for t in twins(ns) if uses(t)), None)
        if twin is not None:
            out.append(f"the query uses <{ns}>, which the data does not; the data uses <{twin}> "
                       f"(change the PREFIX or IRI, or the query will find nothing there)")
    return out
