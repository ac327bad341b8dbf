"""The safety check every query passes before any engine or parser sees it: no ``SERVICE``, no update or ``LOAD``,
no nesting deeper than :data:`MAX_DEPTH`.

The check reads the query as the engines do, with a SPARQL lexer (IRIs, the four kinds of strings with their
escapes, comments, prefixed names with ``\\``-escapes, variables, blank nodes, numbers, punctuation), not with a
keyword mask. Engines disagree on one point: the SPARQL 1.1 grammar (section 19.2) replaces ``\\uXXXX`` and
``\\UXXXXXXXX`` escapes in the whole text before parsing (rdflib does), while Oxigraph reads them only inside IRIs and
strings. A query such as ``FILTER("a\\u005C" != '' && EXISTS { SERVICE <…> {…} } # "`` is one string for the first
reading and a ``SERVICE`` call for the second, so the text is lexed both ways and refused when either reading holds a
forbidden keyword, goes too deep, or cannot be lexed at all.

The lexer is a loop over one regular expression: it never recurses, so a query of any depth is measured safely.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .errors import InputError

#: Deepest nesting of ``(``, ``{`` and ``[`` accepted. Real queries stay far below it; past a few hundred levels
#: both engines' parsers overflow their stacks.
MAX_DEPTH = 64

#: Keywords that would reach the network or change data. None of them can be a bare word in a read query.
FORBIDDEN = {
    "SERVICE": "SERVICE is refused: queries never reach other endpoints",
    **{word: "only read queries (SELECT, ASK, CONSTRUCT, DESCRIBE) are allowed; updates and LOAD are refused"
       for word in ("LOAD", "INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")},
}

_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_PN_LOCAL_ESC = r"\\[_~.\-!$&'()*+,;=/?#@%]"
_NAME_CHAR = r"[\w\-\u00B7\u0300-\u036F\u203F-\u2040]"
_TOKEN = re.compile(
    r"(?P<space>[ \t\r\n]+)"
    r"|(?P<comment>#[^\r\n]*)"
    rf"|(?P<iri><(?:[^<>\"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)"
    r'|(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\r\n]|\\.)*"'
    r"|'(?:[^'\\\r\n]|\\.)*')"
    r"|(?P<var>[?$]" + _NAME_CHAR + r"+)"
    r"|(?P<bnode>_:" + _NAME_CHAR + r"(?:" + _NAME_CHAR + r"|\.(?=" + _NAME_CHAR + r"))*)"
    r"|(?P<pname>(?:[^\W\d_]" + r"(?:" + _NAME_CHAR + r"|\.(?=" + _NAME_CHAR + r"))*)?:"
    r"(?:" + _NAME_CHAR + r"|:|%[0-9A-Fa-f]{2}|" + _PN_LOCAL_ESC + r"|\.+(?=[\w\-:%\\]))*)"
    r"|(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)"
    r"|(?P<number>[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<open>[({\[])|(?P<close>[)}\]])"
    r"|(?P<punct>\^\^|&&|\|\||!=|<=|>=|[.,;*=<>!+\-/|^?a])",
)
_ESCAPE = re.compile(_UCHAR)


def replace_escapes(text: str) -> str:
    """``text`` with every ``\\uXXXX`` / ``\\UXXXXXXXX`` replaced by its character, as SPARQL 1.1 section 19.2 says
    a parser must do before reading the query. An escape naming no valid character is left as it is."""

    def one(match: re.Match[str]) -> str:
        code = int(match.group()[2:], 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return match.group()
        return chr(code)

    return _ESCAPE.sub(one, text)


def tokens(text: str) -> Iterator[tuple[str, str, int]]:
    """(kind, text, offset) of each token of ``text``, whitespace and comments left out.

    Raises :class:`InputError` at the first character that starts no SPARQL token (an unterminated string, say).
    """
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            line = text.count("\n", 0, position) + 1
            column = position - (text.rfind("\n", 0, position) + 1) + 1
            raise InputError(f"malformed SPARQL at line {line}, column {column}: cannot read "
                             f"{text[position:position + 20]!r}")
        kind = match.lastgroup or ""
        if kind not in ("space", "comment"):
            yield kind, match.group(), position
        position = match.end()


def _check_reading(text: str, max_depth: int) -> None:
    depth = 0
    for kind, value, offset in tokens(text):
        if kind == "open":
            depth += 1
            if depth > max_depth:
                raise InputError(f"the query is nested too deeply (more than {max_depth} levels of (), {{}} or [])")
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind == "word" and value.upper() in FORBIDDEN:
            raise InputError(FORBIDDEN[value.upper()])


def check_safe(text: str, max_depth: int = MAX_DEPTH) -> None:
    """Raise :class:`InputError` unless ``text`` is a query that can neither reach the network (``SERVICE``), nor
    change data (updates, ``LOAD``), nor nest deeper than ``max_depth``, however an engine reads its escapes."""
    if "\x00" in text:
        raise InputError("the query holds a NUL character")
    replaced = replace_escapes(text)
    errors = []
    for reading in (text, replaced) if replaced != text else (text,):
        try:
            _check_reading(reading, max_depth)
        except InputError as exc:
            errors.append(exc)
    if errors:  # a refused keyword says more than a character the lexer cannot read
        raise next((e for e in errors if not e.reason.startswith("malformed")), errors[0])
