"""Query parameters given by name: ``--param funder="Région Hauts-de-France"`` means the Région, not the string.

A parameter typed as plain text (no ``<…>``, no ``prefix:``, no Turtle quotes) is looked up in the graph as an
exact label (``rdfs:label``, ``skos:prefLabel``, ``schema:name``), acronym (``skos:altLabel``), SIREN, RNA number or
INSEE code. One resource found: the parameter is bound to its IRI. Several: the candidates are listed and nothing
runs. None: the text stays a string, with a warning. Whoever wants the string itself writes it in Turtle syntax
(``'"Région Hauts-de-France"'`` or ``'"…"@fr'``). The values found are bound as terms by
:func:`dtkg.sparql_text.bind_values`, never written into the query text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from .errors import InputError
from .labels import label_of, short_name
from .query import parse_param, run_query

#: Properties whose value names a resource, with the word used in messages.
NAMING_PROPERTIES: dict[str, str] = {
    "http://www.w3.org/2000/01/rdf-schema#label": "label",
    "http://www.w3.org/2004/02/skos/core#prefLabel": "label",
    "https://schema.org/name": "name",
    "http://www.w3.org/2004/02/skos/core#altLabel": "acronym or other name",
    "https://w3id.org/dtkg/ontology#siren": "SIREN",
    "https://w3id.org/dtkg/ontology#rna": "RNA number",
    "http://rdf.insee.fr/def/geo#codeINSEE": "INSEE code",
    "http://www.w3.org/ns/org#identifier": "identifier",  # last: SIREN and RNA are repeated here
}

_LOOKUP = ("SELECT DISTINCT ?s ?p WHERE { ?s ?p ?v FILTER (isIRI(?s) && ?p IN ("
           + ", ".join(f"<{p}>" for p in NAMING_PROPERTIES) + ")) } ORDER BY ?s")
_TEXT_USE = re.compile(
    r"(?:(?:rdfs:label|skos:\w*Label|schema:name|dtkg:siren|dtkg:rna|igeo:codeINSEE|org:identifier|"
    + "|".join(re.escape(f"<{p}>") for p in NAMING_PROPERTIES) + r")\s+|"
    r"\b(?:STRLANG|STR|LCASE|UCASE|CONTAINS|STRSTARTS|STRENDS|REGEX|LANG)\s*\(\s*)\?(\w+)", re.IGNORECASE)
_TEXT_DOC = re.compile(r"^#\s*param(?:eter)?:\s*\??(\w+)\b[^\n]*\bplain text\b", re.IGNORECASE | re.MULTILINE)
_USED = "ASK { { ?t ?p ?o } UNION { ?s ?p ?t } }"
_LANGS = (None, "fr", "en")


@dataclass
class ResolvedParams:
    """The bindings to run a query with, and what a person should be told about how they were read."""

    bindings: dict[str, Node] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def is_plain_text(value: str, term: Node) -> bool:
    """True when ``value`` was typed as bare text (no IRI, no Turtle quotes): the case looked up by name."""
    return isinstance(term, Literal) and not value.lstrip().startswith('"') and term.datatype is None \
        and term.language is None


def find_by_name(graph: Graph, text: str) -> list[tuple[URIRef, str]]:
    """The resources that ``text`` names exactly (label in French, English or no language, acronym, SIREN, RNA,
    INSEE code), each with the kind of name that matched; one lookup per literal form, each bound, never pasted."""
    found: dict[URIRef, str] = {}
    rank = list(NAMING_PROPERTIES)  # the most specific kind of name is the one reported
    for lang in _LANGS:
        for row in run_query(graph, _LOOKUP, {"v": Literal(text, lang=lang)}):
            subject, prop = row[0], str(row[1])
            if subject not in found or rank.index(prop) < rank.index(found[subject]):
                found[subject] = prop
    return sorted((subject, NAMING_PROPERTIES[prop]) for subject, prop in found.items())


def is_used(graph: Graph, term: Node) -> bool:
    """True when ``term`` appears in the graph as a subject or an object."""
    return bool(run_query(graph, _USED, {"t": term}).askAnswer)


def text_params(query: str) -> set[str]:
    """Variables that ``query`` reads as text, not as a resource: values of a label, SIREN, RNA or INSEE code
    (``dtkg:siren ?siren``), arguments of string functions (``STRLANG(?topic, "fr")``), or parameters documented
    as "plain text" in the header of a saved query. Plain text given for them stays text."""
    return set(_TEXT_USE.findall(query)) | set(_TEXT_DOC.findall(query))


def pattern_variables(query: str) -> set[str] | None:
    """Variables that appear in the graph patterns of ``query`` (outside FILTER, BIND and other parentheses), i.e.
    the ones that can stand for a resource; None when the query has no WHERE group to look at."""
    from .sparql_text import mask

    masked = mask(query)
    start = masked.find("{")
    if start < 0:
        return None
    body, depth = [], 0
    for char in masked[start:]:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif depth == 0:
            body.append(char)
    return set(re.findall(r"[?$](\w+)", "".join(body)))


def resolve_params(graph: Graph, params: Iterable[str], query: str = "") -> ResolvedParams:
    """Read ``name=value`` parameters (see :func:`dtkg.query.parse_param`) and resolve plain text to the resource
    it names in ``graph``, except for the variables that ``query`` reads as text (see :func:`text_params`).

    Raises :class:`InputError` when a plain text names several resources, listing them with their IRIs so that
    the person can pick one.
    """
    out = ResolvedParams()
    as_text = text_params(query)
    in_patterns = pattern_variables(query) if query else None
    for raw in params:
        name, term = parse_param(raw)
        value = raw.split("=", 1)[1]
        as_resource = name not in as_text and (in_patterns is None or name in in_patterns)
        if is_plain_text(value, term) and as_resource:
            hits = find_by_name(graph, value)
            legal = [hit for hit in hits if hit[1] in ("SIREN", "RNA number")]
            if len(hits) > 1 and len(legal) == 1:
                # a SIREN or RNA number names one legal person; an EPCI's territory has the SIREN of its body as its
                # code, and is reached by its own IRI (epci:245900428)
                hits = legal
            if len(hits) == 1:
                iri, kind = hits[0]
                out.bindings[name] = iri
                out.notes.append(f"?{name}: {value!r} is the {kind} of {short_name(graph, iri)} "
                                 f"({label_of(graph, iri)}); bound to that resource")
                continue
            if len(hits) > 1:
                listed = "\n".join(f"  {short_name(graph, iri)}  {label_of(graph, iri)}  (by {kind})"
                                   for iri, kind in hits[:20])
                more = f"\n  … and {len(hits) - 20} more" if len(hits) > 20 else ""
                raise InputError(f"--param {name}={value!r} names {len(hits)} resources; give one of them "
                                 f"(--param {name}=<prefix:name>):\n{listed}{more}")
            out.bindings[name] = term
            if not is_used(graph, term):
                out.warnings.append(f"?{name}: {value!r} matches nothing in the graph (no label, acronym, SIREN, "
                                    f"RNA or INSEE code, no value); bound as the string {term.n3()}")
            continue
        out.bindings[name] = term
        if isinstance(term, URIRef) and not is_used(graph, term):
            out.warnings.append(f"?{name}: {term.n3()} does not appear in the graph, so the query will find "
                                f"nothing through it (check the spelling, or `dtkg query --list`)")
    return out
