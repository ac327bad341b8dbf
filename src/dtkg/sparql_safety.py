"""The safety check every query passes before any engine or parser sees it: no ``SERVICE``, no update or ``LOAD``,
no nesting deeper than :data:`MAX_DEPTH`, no text longer than :data:`MAX_QUERY_LENGTH`.

Used alike by the command line and the library (:func:`dtkg.query.run_query`) and by ``dtkg serve``. The check reads
the query as the engines do, with a SPARQL lexer, not with a keyword mask. The lexer is a loop over one regular
expression: it never recurses, so a query of any depth is measured safely.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .errors import InputError

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


def spans(text: str, pattern: re.Pattern = _TOKENS[1]) -> list[tuple[str, str, int]] | None:
    """The terminals of ``text`` as read by Oxigraph, as (kind, text, start offset), without white space and
    comments; None when a character starts no terminal (a caller that rewrites the query then leaves it alone)."""
    out: list[tuple[str, str, int]] = []
    position, end = 0, len(text)
    while position < end:
        match = pattern.match(text, position)
        if match is None or match.end() == position:
            return None
        kind = match.lastgroup if match.lastgroup != "prefix" else "pname"
        if kind not in ("ws", "comment"):
            out.append((kind, match.group(), position))
        position = match.end()
    return out


def is_one_term(text: str) -> bool:
    """True when ``text`` (an RDF term as :func:`dtkg.sparql_text.term_text` writes it) reads as one literal or IRI
    in every way an engine may read it (:func:`readings`): no keyword, bracket or comment can come out of it, so a
    query that holds it where another term stood has the same safety verdict."""
    if "\x00" in text:
        return False
    for found in _lexings(text):
        kinds = [kind for kind, _ in found]
        if kinds[:1] not in (["string"], ["iri"]):
            return False
        if kinds[0] == "iri" and len(kinds) > 1:
            return False
        if kinds[1:] not in ([], ["langtag"], ["punct", "iri"]) or (len(kinds) == 3 and found[1][1] != "^^"):
            return False
    return True


def _lexings(query: str) -> Iterator[list[tuple[str, str]]]:
    """The tokens of every way an engine may read ``query``: as written, with codepoint escapes read inside strings
    and IRIs (Oxigraph); and with the escapes replaced first (the grammar, rdflib), in both ways of treating an
    escaped backslash, then lexed by the grammar's terminals."""
    raw, *replaced = readings(query)
    yield tokens(raw, _TOKENS[1])
    for text in replaced or [raw]:
        yield tokens(text, _TOKENS[0])


def forbidden_keyword(query: str) -> str | None:
    """The first keyword of :data:`FORBIDDEN` that an engine could read in ``query`` (in any of its
    :func:`readings`), or None.

    Oxigraph reads a keyword without looking at what follows it, so ``SERVICESILENT <…> {…}`` is ``SERVICE SILENT``
    and ``service:a {…}`` is ``SERVICE :a {…}`` (both call the URL, as the tests show): a name that starts with
    ``SERVICE`` is refused, and so is a prefixed name whose prefix starts with it when a group ``{`` follows (after
    an optional ``SILENT``), the only place where the engine can take it for a ``SERVICE`` clause. ``service:x`` as
    a subject or object is harmless. The update keywords are refused as names: a query parser does not read them at
    all, and refusing them says so clearly."""
    for found in _lexings(query):
        for index, (kind, value) in enumerate(found):
            if kind == "name":
                upper = value.upper()
                if upper.startswith("SERVICE"):
                    return "SERVICE"
                if upper in FORBIDDEN:
                    return upper
            elif kind == "pname" and value.split(":", 1)[0].upper().startswith("SERVICE"):
                after = [v for _, v in found[index + 1:index + 3]]
                if after[:1] == ["{"] or (after[:1] and after[0].upper() == "SILENT" and after[1:2] == ["{"]):
                    return "SERVICE"
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


def safety_problem(query: str, max_depth: int = MAX_DEPTH) -> tuple[str, str] | None:
    """Why ``query`` must not run on a read-only, offline engine, as (kind, message) with kind ``size``,
    ``service``, ``update`` or ``depth``; None when it may run."""
    if len(query) > MAX_QUERY_LENGTH:
        return "size", f"the query is {len(query):,} characters long; at most {MAX_QUERY_LENGTH:,} are accepted"
    if "\x00" in query:
        return "size", "the query holds a NUL character"
    depth = nesting_depth(query)
    if depth > max_depth:
        return "depth", (f"the query is nested too deeply: its brackets go {depth} levels deep; "
                         f"at most {max_depth} are accepted")
    keyword = forbidden_keyword(query)
    if keyword == "SERVICE":
        return "service", "SERVICE is refused: queries never reach other endpoints"
    if keyword is not None:
        return "update", ("only read queries (SELECT, ASK, CONSTRUCT, DESCRIBE) are allowed; "
                          f"updates and LOAD are refused ({keyword})")
    return None


def replace_escapes(text: str) -> str:
    """``text`` with every ``\\uXXXX`` / ``\\UXXXXXXXX`` replaced by its character, as SPARQL 1.1 section 19.2
    says a parser must do before reading the query. An escape naming no valid character is left as it is."""
    return _UCHAR.sub(_codepoint, text)


def check_safe(text: str, max_depth: int = MAX_DEPTH) -> None:
    """Raise :class:`InputError` unless ``text`` is a query that can neither reach the network (``SERVICE``), nor
    change data (updates, ``LOAD``), nor nest deeper than ``max_depth``, however an engine reads its escapes."""
    problem = safety_problem(text, max_depth)
    if problem is not None:
        raise InputError(problem[1])
