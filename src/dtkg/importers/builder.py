"""The graph of one import, built triple by triple with the seed data's modelling conventions, and its triples in
the writers' tuple form."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from decimal import Decimal

from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from ..errors import InputError
from ..terms import Term
from ..terms import tuple_of_rdflib as from_rdflib
from ..terms import tuples_to_store as _to_oxigraph
from ..writers import turtle_of_triples
from .reconcile import KnownData, OrgMatch, Reconciler
from .terms import DCTERMS, DTKG, IGEO, OA, ORG, PROV, RDF, RDFS, SCHEMA, SKOS, XSD, lit
from .values import OrgId, decimal_lexical, normalise_name

#: RFC 7111 (URI fragment identifiers for text/csv): what a row selector (``row=12``) conforms to.
RFC7111 = URIRef("http://tools.ietf.org/rfc/rfc7111")

_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _frozen(triple: tuple[Node, Node, Node]) -> None:
    raise RuntimeError("the import's graph is built: no triple can be added any more")


def _as_tuples(triples: list[tuple[Node, Node, Node]]) -> set[tuple[Term, Term, Term]]:
    """The distinct triples in the writers' tuple form, each term converted once.

    Literals come already in tuple form (:func:`~dtkg.importers.terms.lit`); the other terms are rdflib's. The
    importers reuse term objects (namespace terms, cached literals, the IRI of a grant in each of its triples),
    so the conversion is cached by object identity (the cache keeps the objects alive): a dictionary look-up per
    term rather than rdflib's hashing and type checks. An IRI no store would load stops the import here: it must
    never reach a data folder."""
    cache: dict[int, tuple[Node, Term]] = {}
    out: set[tuple[Term, Term, Term]] = set()
    add = out.add
    get = cache.get

    def convert(term: Node | Term) -> Term:
        converted = term if type(term) is tuple else from_rdflib(term)
        if converted[0] == 0 and _IRI_FORBIDDEN.search(converted[1]):
            raise InputError(f"{str(term)!r} is not a valid IRI; nothing was written")
        cache[id(term)] = (term, converted)
        return converted

    for s, p, o in triples:
        hs, hp, ho = get(id(s)), get(id(p)), get(id(o))
        add((hs[1] if hs is not None else convert(s), hp[1] if hp is not None else convert(p),
             ho[1] if ho is not None else convert(o)))
    return out


_BLANK_IDS = itertools.count()


def blank() -> BNode:
    """A new blank node (a counter is much cheaper than rdflib's UUID-based identifiers)."""
    return BNode(f"i{next(_BLANK_IDS)}")


class Builder:
    """The graph of one import, built triple by triple with the seed data's conventions.

    Facts about resources the data already knows are added without overwriting: a known organisation keeps its
    label (another name from the file becomes a ``skos:altLabel``) and its identifiers.
    """

    def __init__(self, reconciler: Reconciler) -> None:
        self.triples: list[tuple[Node, Node, Node]] = []
        self.r = reconciler
        self.known: KnownData = reconciler.known
        self._names: dict[URIRef, set[str]] = {}
        self._labelled: set[URIRef] = set()
        self._declared: set[URIRef] = set()
        self._graph: Graph | None = None
        self._tuples: set[tuple[Term, Term, Term]] | None = None
        #: add one triple (rdflib terms); triples are kept in a list and loaded into a store at the end, which is
        #: several times faster than adding them one by one to an rdflib graph
        self.add: Callable[[tuple[Node, Node, Node]], None] = self.triples.append

    @property
    def g(self) -> Graph:
        """The import's triples as a graph (an Oxigraph-backed ``Dataset``, as :func:`dtkg.load.load_dataset`
        gives), built on first use; nothing may be added afterwards. Oxigraph keeps values, not lexical forms:
        ``6421.00`` reads back as ``6421``; the Turtle file keeps the form written."""
        if self._graph is None:
            from ..load import new_dataset

            self._graph = new_dataset(store=_to_oxigraph(self.freeze()))
        return self._graph

    def freeze(self) -> set[tuple[Term, Term, Term]]:
        """The distinct triples in tuple form (see :func:`_as_tuples`); nothing may be added afterwards, and the
        rdflib terms are let go, which halves the memory the output needs."""
        if self._tuples is None:
            self._tuples = _as_tuples(self.triples)
            self.triples = []
            self.add = _frozen  # type: ignore[assignment]
        return self._tuples

    # ------------------------------------------------------------------------------ provenance

    def row_annotation(self, source: URIRef, row: int, bodies: Iterable[URIRef]) -> None:
        """``[] a oa:Annotation ; oa:hasBody …`` targeting row ``row`` of ``source`` (RFC 7111 ``row=N``)."""
        bodies = list(dict.fromkeys(bodies))
        if not bodies:
            return
        selector = self._annotation(source, bodies, OA.FragmentSelector)
        self.add((selector, DCTERMS.conformsTo, RFC7111))
        self.add((selector, RDF.value, lit(f"row={row}")))

    def quote_annotation(self, source: URIRef, exact: str, bodies: Iterable[URIRef]) -> None:
        """An annotation whose target quotes ``exact`` from ``source`` (checked verbatim by ``dtkg validate``)."""
        selector = self._annotation(source, dict.fromkeys(bodies), OA.TextQuoteSelector)
        self.add((selector, OA.exact, lit(exact)))

    def _annotation(self, source: URIRef, bodies: Iterable[URIRef], selector_type: URIRef) -> BNode:
        """``[] a oa:Annotation`` of ``bodies`` whose target is ``source`` through a new selector of
        ``selector_type``; returns the selector, for the caller to say what it selects."""
        add = self.add
        ann, target, selector = blank(), blank(), blank()
        add((ann, RDF.type, OA.Annotation))
        add((ann, OA.motivatedBy, OA.identifying))
        for body in bodies:
            add((ann, OA.hasBody, body))
        add((ann, OA.hasTarget, target))
        add((target, RDF.type, OA.SpecificResource))
        add((target, OA.hasSource, source))
        add((target, OA.hasSelector, selector))
        add((selector, RDF.type, selector_type))
        return selector

    # ------------------------------------------------------------------------------ names

    def name(self, iri: URIRef, text: str, *, lang: str = "fr", from_file: bool = True) -> None:
        """Give ``iri`` the name ``text``: its ``rdfs:label`` when it has none yet, else (when ``from_file``, and the
        name differs from its known names once accents, case and punctuation are set aside) a ``skos:altLabel``."""
        has_label = iri in self._labelled or self.known.has_label(iri)
        if not has_label:
            self.add((iri, RDFS.label, lit(text, lang=lang)))
            self._labelled.add(iri)
            if from_file:  # a name made by the importer (a grant's title) is never compared: skip the work
                self._names.setdefault(iri, set()).add(normalise_name(text))
            return
        if not from_file:
            return
        key = normalise_name(text)
        names = self._names.setdefault(iri, set())
        if key and key not in names and key not in self.known.name_keys(iri):
            self.add((iri, SKOS.altLabel, lit(text, lang=lang)))
            names.add(key)

    # ------------------------------------------------------------------------------ resources

    def organisation(self, match: OrgMatch, org_id: OrgId, name: str | None, source: URIRef,
                     *, placeholder: str | None = None) -> None:
        """State what the file says of an organisation: ``org:Organization``, its identifiers (a known organisation
        keeps its own), its name, and that it comes from ``source``."""
        iri, add = match.iri, self.add
        add((iri, RDF.type, ORG.Organization))
        if org_id:
            add((iri, RDF.type, ORG.FormalOrganization))
        if org_id.rna:
            add((iri, RDF.type, DTKG.Association))
        if org_id.siren and self.known.siren_of(iri) in (None, org_id.siren):
            add((iri, DTKG.siren, lit(org_id.siren)))
            add((iri, ORG.identifier, lit(org_id.siren)))
        if org_id.rna and self.known.rna_of(iri) in (None, org_id.rna):
            add((iri, DTKG.rna, lit(org_id.rna)))
            add((iri, ORG.identifier, lit(org_id.rna)))
        if name:
            self.name(iri, name)
        elif placeholder and not (iri in self._labelled or self.known.has_label(iri)):
            self.name(iri, placeholder, from_file=False)
            add((iri, RDFS.comment, lit("Nom inconnu : la source ne donne que son identifiant.", lang="fr")))
        add((iri, PROV.wasDerivedFrom, source))

    def commune(self, code: str, name: str | None, source: URIRef) -> tuple[URIRef, bool]:
        """The commune with INSEE ``code``, declared (with ``name``) when the data does not know it yet.

        Returns its IRI and whether this is the first time the run declares it (to annotate it with the row)."""
        iri, known = self.r.commune(code)
        first = self.r.first_time(iri)
        add = self.add
        add((iri, RDF.type, IGEO.Commune))
        add((iri, RDF.type, SCHEMA.AdministrativeArea))
        add((iri, RDF.type, SCHEMA.Place))
        add((iri, IGEO.codeINSEE, lit(code)))
        if name:
            self.name(iri, name)
            if not known and first:
                add((iri, SCHEMA.name, lit(name, lang="fr")))
        add((iri, PROV.wasDerivedFrom, source))
        return iri, first

    def scheme(self, iri: URIRef, label_fr: str, label_en: str) -> None:
        """Declare a SKOS concept scheme the data does not have yet."""
        if iri in self._declared or self.known.exists(iri):
            return
        self._declared.add(iri)
        self.add((iri, RDF.type, SKOS.ConceptScheme))
        for text, lang in ((label_fr, "fr"), (label_en, "en")):
            self.add((iri, RDFS.label, lit(text, lang=lang)))
            self.add((iri, SKOS.prefLabel, lit(text, lang=lang)))

    def concept(self, scheme: URIRef, kind: str, label: str, source: URIRef, *, notation: str | None = None,
                local: str | None = None) -> URIRef:
        """The concept of ``scheme`` labelled ``label`` (an existing one with that label, else a new one); with
        ``local``, the concept ``<base><kind>/<local>`` (for coded values such as ``TIERS_LIEUX``)."""
        iri, known = self.r.concept(scheme, kind, label, local)
        if known or iri in self._declared:
            return iri
        self._declared.add(iri)
        add = self.add
        add((iri, RDF.type, SKOS.Concept))
        add((iri, RDFS.label, lit(label, lang="fr")))
        add((iri, SKOS.prefLabel, lit(label, lang="fr")))
        add((iri, SKOS.inScheme, scheme))
        if notation:
            add((iri, SKOS.notation, lit(notation)))
        add((iri, PROV.wasDerivedFrom, source))
        self._labelled.add(iri)
        return iri

    def amount(self, subject: URIRef, value: Decimal, currency: str = "EUR") -> tuple[BNode, Term] | None:
        """``schema:amount [ a schema:MonetaryAmount ; schema:value … ; schema:currency … ]`` unless the data
        already gives ``subject`` an amount (a grant stated by two files keeps one amount).

        Returns the amount's node and value when added, else None."""
        if self.known.amounts.get(subject):
            return None
        node = blank()
        lexical = lit(decimal_lexical(value, places=2), datatype=XSD.decimal)
        self.add((subject, SCHEMA.amount, node))
        self.add((node, RDF.type, SCHEMA.MonetaryAmount))
        self.add((node, SCHEMA.value, lexical))
        self.add((node, SCHEMA.currency, lit(currency)))
        return node, lexical

    def property_value(self, subject: URIRef, name: str, value: Term, *,
                       prop: URIRef = SCHEMA.additionalProperty) -> None:
        """``schema:additionalProperty [ a schema:PropertyValue ; schema:propertyID "name" ; schema:value … ]``: a
        field of the source that no standard property fits, kept under its own name."""
        node = blank()
        self.add((subject, prop, node))
        self.add((node, RDF.type, SCHEMA.PropertyValue))
        self.add((node, SCHEMA.propertyID, lit(name)))
        self.add((node, SCHEMA.value, value))

    # ------------------------------------------------------------------------------ output

    def turtle(self, header: str) -> bytes:
        """The triples as deterministic Turtle (lexical forms as written: ``6421.00``), after a comment ``header``."""
        from .common import output_prefixes  # common imports this module

        return (header + turtle_of_triples(self.freeze(), output_prefixes())).encode("utf-8")


__all__ = ["Builder", "RFC7111", "blank"]
