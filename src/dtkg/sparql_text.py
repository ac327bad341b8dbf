"""Reading SPARQL text without a full parser: finding keywords outside strings, IRIs and comments, and binding
parameters as a ``VALUES`` block of serialised RDF terms.

Binding through ``VALUES`` works the same on every engine (rdflib, Oxigraph, any remote endpoint). Values are written
by an RDF term serialiser that escapes every character that could end a literal or an IRI, so a parameter can never
change the query's structure; IRIs with characters that are not allowed in IRIs are refused.
"""

from __future__ import annotations

import functools
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
    position = _outer_position(query)
    names = list(bindings)
    values = (f" VALUES ({' '.join('?' + n for n in names)}) "
              f"{{ ({' '.join(term_text(bindings[n]) for n in names)}) }} ")
    return query[:position] + values + query[position:]


@functools.lru_cache(maxsize=256)
def _outer_position(query: str) -> int:
    """Where the outermost WHERE group of ``query`` opens (just after its ``{``), found once per query text."""
    masked = mask(query)
    where = re.search(r"(?<![\w:?$])WHERE(?![\w:])\s*\{", masked, re.IGNORECASE)
    if where is None:
        form = re.search(r"(?<![\w:?$])(SELECT|ASK)(?![\w:])[^{]*\{", masked, re.IGNORECASE)
        if form is None:
            raise InputError("parameters need a query with a WHERE clause")
        return form.end()
    return where.end()


# ------------------------------------------------------------------ VALUES where Oxigraph starts from it
#
# A VALUES block opening the outermost group is joined with everything, but Oxigraph evaluates a sub-select on its own
# first: territory-members listed every territory's communes (4 s at a million triples) before keeping one territory's
# (1 ms with the block inside the sub-select). The block is therefore also written at the start of each sub-select
# where it provably changes nothing but the time:
#
# - the sub-select projects the variable as it is (not ``(… AS ?v)``), has no LIMIT or OFFSET, and sits where the
#   outer block is joined with it: in the outermost group or in nested groups and UNION branches, never in OPTIONAL,
#   MINUS, EXISTS or GRAPH, and every sub-select around it meets the same conditions (the same variable, in scope);
# - in its body the variable is bound on every solution before anything reads it: its first occurrence is in a triple
#   pattern of the body, or in a group, UNION or sub-select of the body that binds it in every branch.
#
# Then restricting the sub-select's solutions to the bound value before or after its body gives the same solutions
# (joins, left joins, BIND, FILTER, MINUS, DISTINCT and grouping by the variable act on each solution, or on groups
# of one value), and the outer block, still written, is joined with the same solutions. Anything else is left to the
# outer block alone.

_NOT_JOINED = {"OPTIONAL", "MINUS", "EXISTS"}
_RESETS = {"VALUES", "GRAPH", "SERVICE", "BIND", "FILTER"}


class _Shape:
    """The terminals of a query with the partner of every bracket: enough to tell groups and sub-selects apart."""

    def __init__(self, found: list[tuple[str, str, int]]) -> None:
        self.tokens = found
        self.partner: dict[int, int] = {}
        stack: list[int] = []
        pairs = {")": "(", "}": "{", "]": "["}
        for index, (kind, value, _) in enumerate(found):
            if kind != "punct":
                continue
            if value in "({[":
                stack.append(index)
            elif value in ")}]":
                if not stack or found[stack[-1]][1] != pairs[value]:
                    raise ValueError("unbalanced")
                self.partner[stack.pop()] = index
        if stack:
            raise ValueError("unbalanced")

    def value(self, index: int) -> str:
        return self.tokens[index][1] if 0 <= index < len(self.tokens) else ""

    def upper(self, index: int) -> str:
        return self.value(index).upper() if 0 <= index < len(self.tokens) and self.tokens[index][0] == "name" else ""

    def is_open(self, index: int, bracket: str) -> bool:
        return self.tokens[index][0] == "punct" and self.tokens[index][1] == bracket

    def joined(self, index: int) -> bool:
        """Whether the group opened at ``index`` is joined with what surrounds it (not OPTIONAL, MINUS, EXISTS, GRAPH)."""
        return self.upper(index - 1) not in _NOT_JOINED and self.upper(index - 2) not in ("GRAPH", "SERVICE") \
            and self.upper(index - 1) not in ("GRAPH", "SERVICE")

    def sub_select(self, index: int) -> tuple[set[str], int, bool] | None:
        """For a group opened at ``index`` that is a sub-select: (variables projected as they are, index of the
        body's ``{``, whether it has LIMIT or OFFSET); None for a plain group."""
        if self.upper(index + 1) != "SELECT":
            return None
        plain: set[str] = set()
        position, depth = index + 2, 0
        while position < self.partner[index]:
            kind, value, _ = self.tokens[position]
            if kind == "punct" and value == "(":
                depth += 1
            elif kind == "punct" and value == ")":
                depth -= 1
            elif kind == "punct" and value == "{" and depth == 0:
                break
            elif kind == "var" and depth == 0:
                plain.add(value[1:])
            position += 1
        else:
            return None
        tail = range(self.partner[position] + 1, self.partner[index])
        limited = any(self.upper(i) in ("LIMIT", "OFFSET") for i in tail)
        return plain, position, limited

    def mentions(self, start: int, end: int, name: str) -> bool:
        return any(kind == "var" and value[1:] == name for kind, value, _ in self.tokens[start:end])

    def binds(self, open_index: int, name: str) -> bool:
        """Whether every solution of the group opened at ``open_index`` binds ``?name`` before anything in it reads
        the variable (see the comment above)."""
        position, end, plain_triple = open_index + 1, self.partner[open_index], True
        while position < end:
            kind, value, _ = self.tokens[position]
            if kind == "punct" and value == "(":
                if self.mentions(position, self.partner[position], name):
                    return False  # read in an expression first
                position = self.partner[position] + 1
                continue
            if kind == "punct" and value == "{":
                branches, last = [position], self.partner[position]
                while self.upper(last + 1) == "UNION" and self.is_open(last + 2, "{"):
                    branches.append(last + 2)
                    last = self.partner[last + 2]
                if self.mentions(position, last, name):
                    return self.joined(position) and all(self._branch_binds(b, name) for b in branches)
                position, plain_triple = last + 1, True
                continue
            if kind == "name" and value.upper() in _RESETS:
                plain_triple = False
            elif kind == "punct" and value in ".}":
                plain_triple = True
            elif kind == "var" and value[1:] == name:
                return plain_triple
            position += 1
        return False

    def _branch_binds(self, open_index: int, name: str) -> bool:
        inner = self.sub_select(open_index)
        if inner is None:
            return self.binds(open_index, name)
        plain, body, _ = inner
        return name in plain and self.binds(body, name)

    def inner_positions(self, open_index: int, name: str, out: list[int]) -> None:
        """Offsets (just after a sub-select body's ``{``) where a block binding ``?name`` may also be written, in the
        group opened at ``open_index`` and the groups joined with it."""
        position, end = open_index + 1, self.partner[open_index]
        while position < end:
            kind, value, _ = self.tokens[position]
            if kind == "punct" and value in "([":
                position = self.partner[position] + 1
                continue
            if kind == "punct" and value == "{":
                close = self.partner[position]
                if self.joined(position):
                    inner = self.sub_select(position)
                    if inner is None:
                        self.inner_positions(position, name, out)
                    else:
                        plain, body, limited = inner
                        if name in plain and not limited and self.binds(body, name):
                            _, text, start = self.tokens[body]
                            out.append(start + len(text))
                            self.inner_positions(body, name, out)
                position = close + 1
                continue
            position += 1


def inner_values_positions(query: str, names: list[str]) -> dict[int, list[str]]:
    """Where (character offsets) a ``VALUES`` block for some of ``names`` may also open a sub-select of ``query``
    with the same answer (see the comment above), each with the names it may bind; empty when in doubt."""
    from .sparql_safety import spans

    found = spans(query)
    if not found:
        return {}
    try:
        shape = _Shape(found)
    except ValueError:
        return {}
    forms = [shape.upper(i) for i in range(len(found)) if shape.upper(i) in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")]
    if not forms or forms[0] not in ("SELECT", "ASK"):
        return {}
    outer = next((i for i, (kind, value, _) in enumerate(found) if kind == "punct" and value == "{"), None)
    if outer is None:
        return {}
    out: dict[int, list[str]] = {}
    for name in names:
        positions: list[int] = []
        shape.inner_positions(outer, name, positions)
        for position in positions:
            out.setdefault(position, []).append(name)
    return out


def place_values(query: str, bindings: Mapping[str, Node]) -> str:
    """``query`` with its parameters bound as :func:`bind_values` binds them (a ``VALUES`` block opening the
    outermost group: the answer is defined by it), and the same block, for the variables it may bind, opening each
    sub-select that Oxigraph would otherwise evaluate for every value (see :func:`inner_values_positions`)."""
    if not bindings:
        return query
    names = list(bindings)
    for name in names:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise InputError(f"{name!r} is not a valid variable name")
    texts = {name: term_text(bindings[name]) for name in names}
    # the outer block opens the outermost group, before every sub-select: the blocks are written last first
    outer = _outer_position(query)
    inner = _inner_positions(query, tuple(names))
    if inner and inner[-1][0] < outer:  # a query whose outer group has no WHERE: the outer block alone, as before
        inner = ()
    blocks = [*inner, (outer, tuple(names))]
    text = query
    for position, here in blocks:
        block = f" VALUES ({' '.join('?' + n for n in here)}) {{ ({' '.join(texts[n] for n in here)}) }} "
        text = text[:position] + block + text[position:]
    return text


@functools.lru_cache(maxsize=256)
def _inner_positions(query: str, names: tuple[str, ...]) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """:func:`inner_values_positions`, last first, kept per query and names (the query is read once, not per value)."""
    found = inner_values_positions(query, list(names))
    return tuple((position, tuple(here)) for position, here in sorted(found.items(), reverse=True))
