"""Reading SPARQL text without a full parser: finding keywords outside strings, IRIs and comments, and binding
parameters as a ``VALUES`` block of serialised RDF terms.

Binding through ``VALUES`` works the same on every engine (rdflib, Oxigraph, any remote endpoint). Values are written
by an RDF term serialiser that escapes every character that could end a literal or an IRI, so a parameter can never
change the query's structure; IRIs with characters that are not allowed in IRIs are refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

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


# ------------------------------------------------------------------ what the engine will read
#
# A safety check must read a query as the engine that runs it does. SPARQL replaces the codepoint escapes \uXXXX and
# \UXXXXXXXX before parsing (SPARQL 1.1 Query, 19.2), so "<http://x/\u0041#>" is one IRI to the engine although its
# raw text holds a "#" that a naive reader takes for the start of a comment. The check below tokenises the query as
# the grammar's terminals define them, after that replacement, and errs on the side of refusing: it reads the text in
# every way an engine might (raw, escapes replaced, escapes replaced except after a backslash) and refuses a forbidden
# keyword found in any of them; text it cannot tokenise is skipped one character at a time, so that a keyword behind
# it is still seen.

#: Keywords a read-only, offline query never needs: SERVICE reaches other endpoints, the others change data.
FORBIDDEN = ("SERVICE", "LOAD", "INSERT", "DELETE", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD")
#: Deepest nesting of (), {} and [] accepted; deeper queries are refused before any parser sees them (parsers recurse,
#: and a few thousand levels overflow an engine's stack).
MAX_DEPTH = 64
#: Longest query text accepted (characters): the saved queries are a few thousand; reading time grows with length.
MAX_QUERY_LENGTH = 100_000

_ECHAR = r"""\\[tbnrf\\"']"""
_UCHAR_TEXT = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PN_CHARS = r"[\w\-\u00B7\u0300-\u036F\u203F-\u2040]"


def _token_pattern(escape: str) -> re.Pattern:
    """The terminals, with ``escape`` as what may follow a backslash inside strings (and IRIs)."""
    strings = (
        "\'\'\'(?:(?:\'|\'\')?(?:[^\'\\\\]|" + escape + "))*\'\'\'"
        + '|"""(?:(?:"|"")?(?:[^"\\\\]|' + escape + '))*"""'
        + "|\'(?:[^\'\\\\\\n\\r]|" + escape + ")*\'"
        + '|"(?:[^"\\\\\\n\\r]|' + escape + ')*"'
    )
    iri_escape = "|" + _UCHAR_TEXT if _UCHAR_TEXT in escape else ""
    return re.compile(
        r"(?P<ws>\s+)"
        r"|(?P<comment>#[^\r\n]*)"
        rf"|(?P<iri><(?:[^<>\"{{}}|^`\\\x00-\x20]{iri_escape})*>)"
        rf"|(?P<string>{strings})"
        rf"|(?P<var>[?$]{_PN_CHARS}+)"
        r"|(?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)"
        rf"|(?P<bnode>_:(?:{_PN_CHARS}|[.])*)"
        rf"|(?P<pname>(?P<prefix>[^\W\d_](?:[\w.\-\u00B7]*[\w\-\u00B7])?)?:(?:{_PN_CHARS}|[:.]|{_PLX})*)"
        r"|(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
        r"|(?P<name>[^\W\d_]\w*)"
        r"|(?P<punct>\^\^|\|\||&&|!=|<=|>=|[{}()\[\];,.=<>!+\-*/^|?])",
    )


#: Two ways to read strings and IRIs: the grammar's (ECHAR only: codepoint escapes were replaced before parsing) and
#: Oxigraph's (which reads \uXXXX inside strings and IRIs as it lexes them, so "a\u005C" ends after the backslash).
_TOKENS = (_token_pattern(_ECHAR), _token_pattern(f"(?:{_ECHAR}|{_UCHAR_TEXT})"))
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_UCHAR_OR_PAIR = re.compile(r"\\\\|\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _codepoint(match: re.Match) -> str:
    if match.group(0) == "\\\\":
        return match.group(0)
    value = int(match.group(1) or match.group(2), 16)
    return chr(value) if value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF else match.group(0)


def readings(query: str) -> list[str]:
    """The texts an engine may parse for ``query``: as written, with every codepoint escape replaced, and with the
    escapes replaced except where the backslash is itself escaped."""
    return list(dict.fromkeys([query, _UCHAR.sub(_codepoint, query), _UCHAR_OR_PAIR.sub(_codepoint, query)]))


def tokens(text: str, pattern: re.Pattern = _TOKENS[1]) -> list[tuple[str, str]]:
    """The SPARQL terminals of ``text`` as (kind, text) pairs, without white space and comments; a character that
    starts no terminal is returned as ("unknown", char) and reading goes on after it."""
    out: list[tuple[str, str]] = []
    position, end = 0, len(text)
    while position < end:
        match = pattern.match(text, position)
        if match is None or match.end() == position:
            out.append(("unknown", text[position]))
            position += 1
            continue
        kind = match.lastgroup if match.lastgroup != "prefix" else "pname"
        if kind not in ("ws", "comment"):
            out.append((kind, match.group()))
        position = match.end()
    return out


def _lexings(query: str) -> Iterator[list[tuple[str, str]]]:
    """The tokens of every reading of ``query``, lexed both ways (see :data:`_TOKENS`)."""
    for text in readings(query):
        for pattern in _TOKENS:
            yield tokens(text, pattern)


def forbidden_keyword(query: str) -> str | None:
    """The first keyword of :data:`FORBIDDEN` that an engine could read in ``query`` (in any of its
    :func:`readings`), or None. A name, prefix or language tag that starts with one counts too: an engine may read
    ``SERVICE:x`` as the keyword before the prefixed name ``:x``."""
    for found in _lexings(query):
        for kind, value in found:
            if kind == "name":
                word = value
            elif kind == "pname":
                word = value.split(":", 1)[0]
            elif kind == "langtag":
                word = value[1:]
            else:
                continue
            upper = word.upper()
            for keyword in FORBIDDEN:
                if upper.startswith(keyword):
                    return keyword
    return None


def nesting_depth(query: str) -> int:
    """The deepest nesting of brackets ((), {}, []) in any reading of ``query``, counted without recursion."""
    deepest = 0
    for found in _lexings(query):
        depth = 0
        for kind, value in found:
            if kind == "punct" and value in "({[":
                depth += 1
                deepest = max(deepest, depth)
            elif kind == "punct" and value in ")}]":
                depth = max(depth - 1, 0)
    return deepest


def safety_problem(query: str) -> tuple[str, str] | None:
    """Why ``query`` must not run on a read-only, offline engine, as (kind, message) with kind ``service``,
    ``update`` or ``depth``; None when it may run."""
    depth = nesting_depth(query)
    if depth > MAX_DEPTH:
        return "depth", f"the query nests brackets {depth} levels deep; at most {MAX_DEPTH} are accepted"
    keyword = forbidden_keyword(query)
    if keyword == "SERVICE":
        return "service", "SERVICE is refused: queries never reach other endpoints"
    if keyword is not None:
        return "update", ("only read queries (SELECT, ASK, CONSTRUCT, DESCRIBE) are allowed; "
                          f"updates and LOAD are refused ({keyword})")
    return None


def term_text(term: Node) -> str:
    """An RDF term in SPARQL/N-Triples syntax, escaped so that it cannot end early."""
    if isinstance(term, URIRef):
        if _IRI_FORBIDDEN.search(str(term)):
            raise InputError(f"{str(term)!r} is not a valid IRI (spaces and <>\"{{}}|^`\\ are not allowed)")
        return f"<{term}>"
    if isinstance(term, Literal):
        text = '"' + "".join(_ESCAPES.get(c, c) for c in str(term)) + '"'
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
