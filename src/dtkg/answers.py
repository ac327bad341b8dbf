"""Oxigraph's SELECT answers for Python callers: as an rdflib ``Result`` whose rows are converted only as they are
read (one conversion per distinct term), or as plain Python values with no rdflib term at all (:func:`python_value`).
"""

from __future__ import annotations

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.query import Result

from .errors import InputError
from .terms import string_literal

_XSD_STRING = str(XSD.string)


def python_value(term):
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        cast = _PYTHON_CASTS.get(term.datatype.value)
        if cast is not None:
            try:
                return cast(term.value)
            except (ValueError, ArithmeticError):
                return term.value  # ill-formed: kept as written
        return term.value
    return str(term)


def _boolean(text: str) -> bool:
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise ValueError(text)


def _decimal(text: str):
    from decimal import Decimal

    return Decimal(text)


_XSD_NS = "http://www.w3.org/2001/XMLSchema#"
_PYTHON_CASTS = {_XSD_NS + "integer": int, _XSD_NS + "double": float, _XSD_NS + "decimal": _decimal,
                 _XSD_NS + "boolean": _boolean}



class RdflibTerms:
    """Oxigraph terms as rdflib terms, each distinct term converted once per result (a full scan repeats the same
    organisations, labels and datatypes on many rows: building an rdflib ``Literal`` costs more than the lookup).
    Plain strings come back without ``xsd:string``, as rdflib's own parsers give them (see ``dtkg.load``).

    IRIs, plain strings and language-tagged strings are built directly, with the attributes ``Literal(text)`` and
    ``Literal(text, lang=…)`` would give them (a string is its own value: nothing to parse or normalise; Oxigraph's
    IRIs and language tags are valid); typed literals go through ``Literal`` (it parses and normalises the value),
    with one ``URIRef`` per datatype."""

    def __init__(self) -> None:
        import pyoxigraph as ox

        self._named = ox.NamedNode
        self._literal = ox.Literal
        self._seen: dict = {}
        self._datatypes: dict = {}

    def __call__(self, term):
        if term is None:
            return None
        try:
            return self._seen[term]
        except KeyError:
            pass
        kind = type(term)
        if kind is self._named:
            out = str.__new__(URIRef, term.value)  # Oxigraph's IRIs are valid: skip URIRef's check of the text
        elif kind is self._literal:
            language = term.language
            if language or term.datatype.value == _XSD_STRING:
                out = string_literal(term.value, language or None)
            else:
                datatype = term.datatype.value
                known = self._datatypes.get(datatype)
                if known is None:
                    known = self._datatypes[datatype] = URIRef(datatype)
                out = Literal(term.value, datatype=known)
        else:
            out = self._other(term)
        self._seen[term] = out
        return out

    def _other(self, term):
        import pyoxigraph as ox

        if isinstance(term, ox.BlankNode):
            return BNode(term.value)
        raise InputError(f"unexpected term in a query result: {term!r}")

    def row(self, solution) -> tuple:
        return tuple(map(self, solution))


class OxigraphResult(Result):
    """A SELECT answer of Oxigraph, read to the end inside the time limit but converted to rdflib terms only as the
    caller reads it: iterating gives the same :class:`~rdflib.query.ResultRow` objects as rdflib's ``Result`` (one
    conversion per distinct term), ``bindings`` the same list of dicts (built on first use), and
    :func:`query_rows` reads the Oxigraph terms without any conversion."""

    def __init__(self, names: list, rows: list[tuple]) -> None:
        super().__init__("SELECT")
        self.vars = names
        self.raw_rows: list[tuple] | None = rows
        self._rows: list[tuple] | None = None
        self._convert = RdflibTerms()

    def _converted(self) -> list[tuple]:
        if self._rows is None:
            row = self._convert.row
            self._rows = [row(solution) for solution in self.raw_rows or ()]
        return self._rows

    @property  # type: ignore[override]
    def bindings(self):
        if self._bindings is None:
            names = self.vars
            self._bindings = [dict(zip(names, row)) for row in self._converted()]
        return Result.bindings.fget(self)

    @bindings.setter
    def bindings(self, value) -> None:
        self.raw_rows = None
        Result.bindings.fset(self, value)

    def __iter__(self):
        if self._bindings is not None or not self.vars:
            yield from super().__iter__()
            return
        from rdflib.query import ResultRow

        labels = {str(name): index for index, name in enumerate(self.vars)}
        make = tuple.__new__
        for values in self._converted():
            row = make(ResultRow, values)
            row.labels = labels.copy()
            yield row

    def __len__(self) -> int:
        if self._bindings is None and self.raw_rows is not None:
            return len(self.raw_rows)
        return super().__len__()
