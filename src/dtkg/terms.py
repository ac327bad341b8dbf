"""Term conversion between rdflib, Oxigraph and the writers' tuples: the one place that knows how terms cross.

Three models of an RDF term meet in dtkg: rdflib's (``URIRef``, ``Literal``, ``BNode``; what the public API takes and
returns), Oxigraph's (``pyoxigraph.NamedNode``…; what the engine stores and queries) and the writers' plain tuples
(sortable and cheap, see :data:`Term`). Every crossing goes through this module, so that the one rule they must
agree on is written once:

- **A plain string is** ``xsd:string``. RDF 1.1 makes ``"x"`` and ``"x"^^xsd:string`` the same literal; rdflib
  compares them as different terms and Oxigraph gives every plain string back with the datatype. Terms coming from
  Oxigraph are therefore given to rdflib without it (:func:`plain`), so that they equal the terms rdflib's own
  parsers make, whichever engine holds the data; the writers' tuples carry no datatype for them.
- **A blank node keeps its identifier** where the other side accepts it, so that a node read back from Oxigraph is
  the rdflib node that went in (validation reports name their focus nodes that way).
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from .errors import InputError

#: The datatype of plain strings (see the module's first rule).
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

# A writer term is a tuple: (0, iri) | (1, lexical form, language, datatype) | (2, blank node id); a plain string has
# the datatype "" (as has a language-tagged string). Tuples sort IRIs before literals, literals by their text.
Term = tuple
Triple = tuple[Term, Term, Term]


# ------------------------------------------------------------------ rdflib

def plain(term: Node) -> Node:
    """``term`` with an ``xsd:string`` datatype dropped (any other term unchanged)."""
    if type(term) is Literal and term.datatype is not None and str(term.datatype) == XSD_STRING:
        return Literal(str(term))
    return term


def to_rdflib(term) -> Node:
    """The rdflib term for a pyoxigraph term (a graph name included: the default graph is rdflib's default graph
    identifier); plain strings come back without ``xsd:string``."""
    kind = type(term)
    if kind is ox.NamedNode:
        return URIRef(term.value)
    if kind is ox.Literal:
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value) if datatype == XSD_STRING else Literal(term.value, datatype=URIRef(datatype))
    if kind is ox.BlankNode:
        return BNode(term.value)
    if kind is ox.DefaultGraph:
        return DATASET_DEFAULT_GRAPH_ID
    if term is None:
        return None
    raise InputError(f"cannot convert the term {term!r} (RDF-star triples are not supported)")


class ToOxigraph:
    """rdflib terms to pyoxigraph terms, each IRI made once (an import converts millions of terms, most repeated).

    A blank node keeps its identifier when Oxigraph accepts it, and otherwise gets one new node per identifier.
    """

    def __init__(self) -> None:
        self._named: dict[str, ox.NamedNode] = {}
        self._blank: dict[str, ox.BlankNode] = {}

    def iri(self, text: str) -> ox.NamedNode:
        node = self._named.get(text)
        if node is None:
            node = self._named[text] = ox.NamedNode(text)
        return node

    def __call__(self, term):
        if isinstance(term, URIRef):
            if term == DATASET_DEFAULT_GRAPH_ID:
                return ox.DefaultGraph()
            return self.iri(str(term))
        if isinstance(term, Literal):
            if term.language:
                return ox.Literal(str(term), language=term.language)
            if term.datatype is not None:
                return ox.Literal(str(term), datatype=self.iri(str(term.datatype)))
            return ox.Literal(str(term))
        if isinstance(term, BNode):
            key = str(term)
            node = self._blank.get(key)
            if node is None:
                try:
                    node = ox.BlankNode(key)
                except ValueError:
                    node = ox.BlankNode()
                self._blank[key] = node
            return node
        if term is None:
            return ox.DefaultGraph()
        identifier = getattr(term, "identifier", None)  # a Graph given as a graph name
        if identifier is not None:
            return self(identifier)
        raise InputError(f"cannot convert the term {term!r}")

    def quad(self, s: Node, p: Node, o: Node, graph: Node | None = None) -> ox.Quad:
        return ox.Quad(self(s), self(p), self(o), self(graph))


def to_oxigraph(term):
    """The pyoxigraph term for one rdflib term (use :class:`ToOxigraph` to convert many)."""
    return ToOxigraph()(term)


def triples_to_store(triples: Iterable[tuple[Node, Node, Node]], store: ox.Store | None = None) -> ox.Store:
    """An Oxigraph store (``store``, or a new in-memory one) holding ``triples`` in its default graph."""
    convert = ToOxigraph()
    out = store if store is not None else ox.Store()
    out.bulk_extend(ox.Quad(convert(s), convert(p), convert(o)) for s, p, o in triples)
    return out


# ------------------------------------------------------------------ writer tuples

def tuple_of_rdflib(term: Node) -> Term:
    """The writer tuple of an rdflib term."""
    if isinstance(term, URIRef):
        return (0, str(term))
    if isinstance(term, Literal):
        dt = str(term.datatype) if term.datatype is not None and not term.language else ""
        return (1, str(term), term.language or "", "" if dt == XSD_STRING else dt)
    if isinstance(term, BNode):
        return (2, str(term))
    return (0, str(term))


def tuple_of_oxigraph(term) -> Term:
    """The writer tuple of a pyoxigraph term."""
    kind = type(term)
    if kind is ox.NamedNode:
        return (0, term.value)
    if kind is ox.Literal:
        if term.language:
            return (1, term.value, term.language, "")
        dt = term.datatype.value
        return (1, term.value, "", "" if dt == XSD_STRING else dt)
    if kind is ox.BlankNode:
        return (2, term.value)
    raise InputError(f"cannot export the term {term!r}")


_FAST_LANGUAGES: dict[str | None, bool] = {}


def string_literal(lexical: str, language: str | None) -> Literal:
    """``Literal(lexical, lang=language)``, made directly when rdflib would make exactly that.

    A string literal is its text and its language; rdflib's constructor, general enough for any Python value,
    spends most of its ~10 µs looking for a datatype a string does not have, and a view converts hundreds of
    thousands of them. The direct way is used only after checking, once per language, that it gives a literal
    equal in every slot to the constructor's (otherwise the constructor is used: a future rdflib stays correct).
    """
    fast = _FAST_LANGUAGES.get(language)
    if fast is None:
        sample = "Échantillon 1"
        expected = Literal(sample, lang=language)
        made = _direct_literal(sample, language)
        fast = _FAST_LANGUAGES[language] = all(getattr(made, slot, None) == getattr(expected, slot, None)
                                          for slot in Literal.__slots__) and made == expected
    return _direct_literal(lexical, language) if fast else Literal(lexical, lang=language)


def _direct_literal(lexical: str, language: str | None) -> Literal:
    literal = str.__new__(Literal, lexical)
    literal._language = language
    literal._datatype = None
    literal._value = lexical
    literal._ill_typed = None
    return literal
