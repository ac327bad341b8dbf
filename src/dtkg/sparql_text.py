"""Reading SPARQL text without a full parser: finding keywords outside strings, IRIs and comments, and binding
parameters as a ``VALUES`` block of serialised RDF terms.

Binding through ``VALUES`` works the same on every engine (rdflib, Oxigraph, any remote endpoint). Values are written
by an RDF term serialiser that escapes every character that could end a literal or an IRI, so a parameter can never
change the query's structure; IRIs with characters that are not allowed in IRIs are refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from .errors import InputError

# Strings (long and short, both quotes), IRIs, comments: the parts of a query where keywords do not count.
_OPAQUE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r"|<[^<>\"{}|^`\\\s]*>|#[^\n]*",
)
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def mask(query: str) -> str:
    """``query`` with strings, IRIs and comments blanked out (same length), so keywords can be found by position."""
    return _OPAQUE.sub(lambda m: " " * len(m.group()), query)


def term_text(term: Node) -> str:
    """An RDF term in SPARQL/N-Triples syntax, escaped so that it cannot end early."""
    if isinstance(term, URIRef):
        if _IRI_FORBIDDEN.search(str(term)):
            raise InputError(f"{str(term)!r} is not a valid IRI (spaces and <>\"{{}}|^`\\ are not allowed)")
        return f"<{term}>"
    if isinstance(term, Literal):
        value = str(term)
        chars = []
        for i, c in enumerate(value):
            if c in "uU" and i and value[i - 1] == "\\":
                # ``\\u0022`` would become ``\\"`` where the \\uXXXX escapes are replaced before parsing (SPARQL 1.1
                # section 19.2): the letter is escaped too, so both readings give back the same value
                chars.append("\\U00000075" if c == "u" else "\\U00000055")
            else:
                chars.append(_ESCAPES.get(c, c))
        text = '"' + "".join(chars) + '"'
        if term.language:
            if not re.fullmatch(r"[A-Za-z]+(?:-[A-Za-z0-9]+)*", term.language):
                raise InputError(f"{term.language!r} is not a language tag")
            return f"{text}@{term.language}"
        if term.datatype is not None and term.datatype != XSD.string:
            return f"{text}^^{term_text(URIRef(term.datatype))}"
        return text
    if isinstance(term, BNode):
        raise InputError("a blank node cannot be a query parameter; use an IRI or a literal")
    raise InputError(f"cannot bind {term!r}")


def bind_values(query: str, bindings: Mapping[str, Node]) -> str:
    """``query`` with ``VALUES (?a ?b) { (term term) }`` as the first element of its outermost WHERE group, so that
    every part of the query sees the bound variables (as rdflib's initBindings do)."""
    if not bindings:
        return query
    for name in bindings:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise InputError(f"{name!r} is not a valid variable name")
    masked = mask(query)
    where = re.search(r"(?<![\w:?$])WHERE(?![\w:])\s*\{", masked, re.IGNORECASE)
    if where is None:
        form = re.search(r"(?<![\w:?$])(SELECT|ASK)(?![\w:])[^{]*\{", masked, re.IGNORECASE)
        if form is None:
            raise InputError("parameters need a query with a WHERE clause")
        position = form.end()
    else:
        position = where.end()
    names = list(bindings)
    values = (f" VALUES ({' '.join('?' + n for n in names)}) "
              f"{{ ({' '.join(term_text(bindings[n]) for n in names)}) }} ")
    return query[:position] + values + query[position:]
