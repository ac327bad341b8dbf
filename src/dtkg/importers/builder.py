"""The graph of one import, built triple by triple with the seed data's modelling conventions, and its triples in
the writers' tuple form."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from ..errors import InputError
from ..terms import Term
from ..terms import tuple_of_rdflib as from_rdflib
from ..turtle import TurtleWriter
from .common import output_prefixes
from .known import KnownData
from .reconcile import OrgMatch, Reconciler
from .terms import DCTERMS, DTKG, IGEO, OA, ORG, PROV, RDF, RDFS, SCHEMA, SKOS, XSD, lit
from .values import OrgId, decimal_lexical, normalise_name

if TYPE_CHECKING:  # pragma: no cover
    from .report import Report

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


def blank_tuple() -> Term:
    """A new blank node in tuple form (same counter as :func:`blank`, so that the two never meet)."""
    return (2, f"i{next(_BLANK_IDS)}")


class Iris:
    """``Iris(ns).name`` is the IRI ``ns.name`` in the writers' tuple form, made on first use and kept: the tuple
    twin of :class:`dtkg.importers.terms.Terms`."""

    def __init__(self, namespace: object) -> None:
        self._base = str(namespace)

    def __getattr__(self, name: str) -> Term:
        if name.startswith("__"):
            raise AttributeError(name)
        term = (0, self._base + name)
        setattr(self, name, term)
        return term


T_RDF, T_RDFS, T_SKOS, T_DCTERMS, T_PROV = Iris(RDF), Iris(RDFS), Iris(SKOS), Iris(DCTERMS), Iris(PROV)
T_SCHEMA, T_OA, T_ORG, T_DTKG, T_IGEO = Iris(SCHEMA), Iris(OA), Iris(ORG), Iris(DTKG), Iris(IGEO)
_T_RFC7111: Term = (0, str(RFC7111))
_T_XSD_DECIMAL = str(XSD.decimal)

class _ImportWriter(TurtleWriter):
    """The Turtle writer for one import. The writer keeps the text of every term it renders; most literals of an
    import occur once (a grant's title and description, a row number), so only short ones (codes, dates, amounts,
    which recur) keep theirs: the text of a large import is then not held twice while it is rendered."""

    def text(self, node: Term) -> str:
        found = self.texts.get(node)
        if found is not None:
            return found
        if node[0] == 0:
            found = self.name(node[1])
        else:
            found = self.literal(node)
            if len(node[1]) > 24:
                return found
        self.texts[node] = found
        return found


#: Triples waiting in the builder's lists before they go to the Turtle writer's index, which drops duplicates: a
#: small batch keeps the memory of an import close to that of its distinct triples.
_BATCH = 200_000


class Builder:
    """The graph of one import, built triple by triple with the seed data's conventions.

    Facts about resources the data already knows are added without overwriting: a known organisation keeps its
    label (another name from the file becomes a ``skos:altLabel``) and its identifiers.

    Triples come in two ways: :attr:`add` takes rdflib terms (or tuple terms), converted in batches; :attr:`put`
    takes triples already in the writers' tuple form (:data:`dtkg.terms.Term`), which is how the row writers and
    this class state the millions of triples of a large file without making an rdflib term for each. Both go in
    batches to the deterministic Turtle writer, which keeps each distinct triple once; the Turtle is rendered once,
    and the graph (:attr:`g`) is read back from it when asked for.
    """

    def __init__(self, reconciler: Reconciler) -> None:
        self.triples: list[tuple[Node, Node, Node]] = []
        self.tuples: list[tuple[Term, Term, Term]] = []
        self.r = reconciler
        self.known: KnownData = reconciler.known
        self._names: dict[URIRef, set[str]] = {}
        self._labelled: set[URIRef] = set()
        self._declared: set[URIRef] = set()
        self._stated: set[tuple] = set()
        self._terms: dict[Node, Term] = {}
        self._writer: TurtleWriter | None = None
        self._turtle: tuple[str, list[bytes]] | None = None
        self._graph: Graph | None = None
        #: add one triple (rdflib terms, or tuple terms); converted to tuples in batches
        self.add: Callable[[tuple[Node, Node, Node]], None] = self.triples.append
        #: add one triple of tuple terms (see :meth:`term`)
        self.put: Callable[[tuple[Term, Term, Term]], None] = self.tuples.append

    def term(self, node: Node | Term) -> Term:
        """The tuple form of an rdflib term (a tuple is returned as it is), converted once per distinct term: the
        IRIs of organisations, places and concepts come from the reconciliation as rdflib terms and recur on many
        rows. An IRI no store would load stops the import: it must never reach a data folder."""
        if type(node) is tuple:
            return node  # type: ignore[return-value]
        found = self._terms.get(node)
        if found is not None:
            return found
        converted = from_rdflib(node)
        if converted[0] == 0 and _IRI_FORBIDDEN.search(converted[1]):
            raise InputError(f"{str(node)!r} is not a valid IRI; nothing was written")
        self._terms[node] = converted
        return converted

    def _flush(self) -> None:
        """Hand the waiting triples to the writer's index (which drops duplicates) and empty the lists."""
        if self._writer is None:
            self._prefixes = output_prefixes()
            self._writer = _ImportWriter((), self._prefixes)
        if self.triples:
            self._writer.add_all(_as_tuples(self.triples))
            self.triples.clear()
        if self.tuples:
            self._writer.add_all(self.tuples)
            self.tuples.clear()

    def _flush_if_large(self) -> None:
        if len(self.tuples) + len(self.triples) >= _BATCH:
            self._flush()

    @property
    def g(self) -> Graph:
        """The import's triples as a graph (an Oxigraph-backed ``Dataset``, as :func:`dtkg.load.load_dataset`
        gives), read from its Turtle on first use; nothing may be added afterwards. Oxigraph keeps values, not
        lexical forms: ``6421.00`` reads back as ``6421``; the Turtle file keeps the form written."""
        if self._graph is None:
            import pyoxigraph as ox

            from ..load import new_dataset

            store = ox.Store()
            store.bulk_load(b"".join(self.turtle("")), format=ox.RdfFormat.TURTLE)
            self._graph = new_dataset(store=store)
        return self._graph

    # ------------------------------------------------------------------------------ provenance

    def row_annotation(self, source: URIRef, row: int, bodies: Iterable[URIRef]) -> None:
        """``[] a oa:Annotation ; oa:hasBody …`` targeting row ``row`` of ``source`` (RFC 7111 ``row=N``)."""
        bodies = list(dict.fromkeys(bodies))
        if not bodies:
            return
        selector = self._annotation(source, bodies, T_OA.FragmentSelector)
        self.put((selector, T_DCTERMS.conformsTo, _T_RFC7111))
        self.put((selector, T_RDF.value, (1, f"row={row}", "", "")))
        self._flush_if_large()

    def quote_annotation(self, source: URIRef, exact: str, bodies: Iterable[URIRef]) -> None:
        """An annotation whose target quotes ``exact`` from ``source`` (checked verbatim by ``dtkg validate``)."""
        selector = self._annotation(source, dict.fromkeys(bodies), T_OA.TextQuoteSelector)
        self.put((selector, T_OA.exact, lit(exact)))
        self._flush_if_large()

    def _annotation(self, source: URIRef, bodies: Iterable[URIRef], selector_type: Term) -> Term:
        """``[] a oa:Annotation`` of ``bodies`` whose target is ``source`` through a new selector of
        ``selector_type``; returns the selector, for the caller to say what it selects."""
        put, term = self.put, self.term
        ann, target, selector = blank_tuple(), blank_tuple(), blank_tuple()
        put((ann, T_RDF.type, T_OA.Annotation))
        put((ann, T_OA.motivatedBy, T_OA.identifying))
        has_body = T_OA.hasBody
        for body in bodies:
            put((ann, has_body, term(body)))
        put((ann, T_OA.hasTarget, target))
        put((target, T_RDF.type, T_OA.SpecificResource))
        put((target, T_OA.hasSource, term(source)))
        put((target, T_OA.hasSelector, selector))
        put((selector, T_RDF.type, selector_type))
        return selector

    # ------------------------------------------------------------------------------ names

    def name(self, iri: URIRef, text: str, *, lang: str = "fr", from_file: bool = True) -> None:
        """Give ``iri`` the name ``text``: its ``rdfs:label`` when it has none yet, else (when ``from_file``, and the
        name differs from its known names once accents, case and punctuation are set aside) a ``skos:altLabel``."""
        has_label = iri in self._labelled or self.known.has_label(iri)
        if not has_label:
            self.put((self.term(iri), T_RDFS.label, lit(text, lang=lang)))
            self._labelled.add(iri)
            if from_file:  # a name made by the importer (a grant's title) is never compared: skip the work
                self._names.setdefault(iri, set()).add(normalise_name(text))
            return
        if not from_file:
            return
        key = normalise_name(text)
        names = self._names.setdefault(iri, set())
        if key and key not in names and key not in self.known.name_keys(iri):
            self.put((self.term(iri), T_SKOS.altLabel, lit(text, lang=lang)))
            names.add(key)

    # ------------------------------------------------------------------------------ resources

    def organisation(self, match: OrgMatch, org_id: OrgId, name: str | None, source: URIRef,
                     *, placeholder: str | None = None) -> None:
        """State what the file says of an organisation: ``org:Organization``, its identifiers (a known organisation
        keeps its own), its name, and that it comes from ``source``.

        The same statement made again (the same organisation, identifiers, name and source on another row) adds
        nothing new, so it is skipped: a funder named on thousands of rows is described once."""
        said = (match.iri, org_id, name, source, placeholder)
        if said in self._stated:
            return
        self._stated.add(said)
        iri, put = match.iri, self.put
        t = self.term(iri)
        put((t, T_RDF.type, T_ORG.Organization))
        if org_id:
            put((t, T_RDF.type, T_ORG.FormalOrganization))
        if org_id.rna:
            put((t, T_RDF.type, T_DTKG.Association))
        if org_id.siren and self.known.siren_of(iri) in (None, org_id.siren):
            put((t, T_DTKG.siren, lit(org_id.siren)))
            put((t, T_ORG.identifier, lit(org_id.siren)))
        if org_id.rna and self.known.rna_of(iri) in (None, org_id.rna):
            put((t, T_DTKG.rna, lit(org_id.rna)))
            put((t, T_ORG.identifier, lit(org_id.rna)))
        if name:
            self.name(iri, name)
        elif placeholder and not (iri in self._labelled or self.known.has_label(iri)):
            self.name(iri, placeholder, from_file=False)
            put((t, T_RDFS.comment, lit("Nom inconnu : la source ne donne que son identifiant.", lang="fr")))
        put((t, T_PROV.wasDerivedFrom, self.term(source)))

    def commune(self, code: str, name: str | None, source: URIRef) -> tuple[URIRef, bool]:
        """The commune with INSEE ``code``, declared (with ``name``) when the data does not know it yet.

        Returns its IRI and whether this is the first time the run declares it (to annotate it with the row)."""
        iri, known = self.r.commune(code)
        first = self.r.first_time(iri)
        put, t = self.put, self.term(iri)
        put((t, T_RDF.type, T_IGEO.Commune))
        put((t, T_RDF.type, T_SCHEMA.AdministrativeArea))
        put((t, T_RDF.type, T_SCHEMA.Place))
        put((t, T_IGEO.codeINSEE, lit(code)))
        if name:
            self.name(iri, name)
            if not known and first:
                put((t, T_SCHEMA.name, lit(name, lang="fr")))
        put((t, T_PROV.wasDerivedFrom, self.term(source)))
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

    def amount(self, subject: URIRef, value: Decimal, currency: str = "EUR") -> tuple[Term, Term] | None:
        """``schema:amount [ a schema:MonetaryAmount ; schema:value … ; schema:currency … ]`` unless the data
        already gives ``subject`` an amount (a grant stated by two files keeps one amount).

        Returns the amount's node and value when added, else None."""
        if self.known.amounts.get(subject):
            return None
        node = blank_tuple()
        lexical = (1, decimal_lexical(value, places=2), "", _T_XSD_DECIMAL)
        put = self.put
        put((self.term(subject), T_SCHEMA.amount, node))
        put((node, T_RDF.type, T_SCHEMA.MonetaryAmount))
        put((node, T_SCHEMA.value, lexical))
        put((node, T_SCHEMA.currency, lit(currency)))
        return node, lexical

    def property_value(self, subject: URIRef, name: str, value: Term, *,
                       prop: URIRef = SCHEMA.additionalProperty) -> None:
        """``schema:additionalProperty [ a schema:PropertyValue ; schema:propertyID "name" ; schema:value … ]``: a
        field of the source that no standard property fits, kept under its own name."""
        node = blank_tuple()
        put = self.put
        put((self.term(subject), self.term(prop), node))
        put((node, T_RDF.type, T_SCHEMA.PropertyValue))
        put((node, T_SCHEMA.propertyID, lit(name)))
        put((node, T_SCHEMA.value, value))

    # ------------------------------------------------------------------------------ output

    def turtle(self, header: str) -> list[bytes]:
        """The triples as deterministic Turtle (lexical forms as written: ``6421.00``), after a comment ``header``,
        in pieces of about a megabyte (the file's content is their concatenation; a writer of
        :mod:`dtkg.atomic` takes them as they are).

        Rendered once (nothing may be added afterwards): each subject's index entry is let go as it is written and
        the text is encoded piece by piece, so that the triples, the text and the bytes are never all held whole."""
        if self._turtle is None:
            self._flush()
            self.add = self.put = _frozen  # type: ignore[assignment]
            writer, self._writer = self._writer, None
            assert writer is not None
            writer.consume = True
            blocks = writer.blocks()  # rendered first: the header lists only the prefixes the blocks use
            del writer.out, writer.texts
            blocks.reverse()  # popped from the end, in output order, each let go once encoded
            chunks = [(header + writer.header(self._prefixes)).encode("utf-8")]
            batch: list[str] = []
            size = 0
            first = True
            while blocks:
                block = blocks.pop()
                if not first:
                    batch.append("\n")
                first = False
                batch.append(block)
                size += len(block)
                if size >= 1 << 20:
                    chunks.append("".join(batch).encode("utf-8"))
                    batch, size = [], 0
            chunks.append("".join(batch).encode("utf-8"))
            self._turtle = (header, chunks)
            return chunks
        previous, chunks = self._turtle
        if header != previous:
            chunks = [header.encode("utf-8") + chunks[0][len(previous.encode("utf-8")):], *chunks[1:]]
        return chunks


__all__ = ["Builder", "Iris", "RFC7111", "blank", "blank_tuple"]


class RowWriter:
    """What a format's row writer starts from: the import's builder (and its reconciler), the IRI of the source
    document every fact points back to, and the report that notes what a row could not say."""

    def __init__(self, builder: Builder, source: URIRef, report: "Report", file: str) -> None:
        self.b = builder
        self.r = builder.r
        self.source = source
        self.report = report
        self.file = file
