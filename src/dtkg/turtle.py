"""Deterministic Turtle: the same triples give the same bytes, whatever the order they come in.

rdflib's own Turtle serializer orders blank nodes by their random identifiers, so two runs over the same data give
different files and noisy diffs. This writer sorts subjects, predicates and objects, writes blank nodes that hang
from one place inline (``[ … ]``) in a position fixed by their content, and numbers the remaining ones by their
content, so that a data folder under version control diffs cleanly.

It works on plain tuples (:data:`dtkg.terms.Term`) rather than rdflib terms. :class:`TurtleWriter` holds the
triples it is given; :class:`StoreTurtleWriter` reads an Oxigraph store one subject at a time and writes the same
bytes, so that exporting ten million triples does not hold them in Python. :mod:`dtkg.writers` chooses between them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib import Dataset, Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from .errors import InputError
from .terms import Term, Triple
from .terms import tuple_of_oxigraph as from_oxigraph
from .terms import tuple_of_rdflib as from_rdflib

_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_TYPE = (0, _RDF + "type")
_LABEL = (0, "http://www.w3.org/2000/01/rdf-schema#label")
_FIRST, _REST, _NIL = (0, _RDF + "first"), (0, _RDF + "rest"), (0, _RDF + "nil")
_PN_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?[0-9]*\.[0-9]+$")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_NEEDS_ESCAPE = re.compile(r'[\\"\n\r\t\b\f]')
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')

def escaped(text: str) -> str:
    return _NEEDS_ESCAPE.sub(lambda m: _ESCAPES[m.group()], text)


def iri_text(text: str) -> str:
    if _IRI_FORBIDDEN.search(text):
        text = _IRI_FORBIDDEN.sub(lambda m: f"\\u{ord(m.group()):04X}", text)
    return f"<{text}>"


# ------------------------------------------------------------------ terms in

def triples_of(data: Graph) -> set[Triple]:
    """Every distinct triple of ``data`` (a ``Dataset`` gives the union of its graphs) as tuples."""
    from .load import ox_store

    store = ox_store(data)
    if store is not None:
        return {(from_oxigraph(q.subject), from_oxigraph(q.predicate), from_oxigraph(q.object)) for q in store}
    return {(from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in data.triples((None, None, None))}


def graphs_of(data: Graph) -> dict[Term, set[Triple]]:
    """The triples of each graph of ``data`` (the default graph is ``(0, "")``)."""
    from .load import ox_store

    out: dict[Term, set[Triple]] = defaultdict(set)
    store = ox_store(data)
    if store is not None:
        for q in store:
            g = (0, "") if isinstance(q.graph_name, ox.DefaultGraph) else from_oxigraph(q.graph_name)
            out[g].add((from_oxigraph(q.subject), from_oxigraph(q.predicate), from_oxigraph(q.object)))
        return dict(out)
    if isinstance(data, Dataset):
        for graph in data.graphs():
            gid = graph.identifier
            key = (0, "") if gid == DATASET_DEFAULT_GRAPH_ID else from_rdflib(gid)
            out[key] |= {(from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in graph}
        return {k: v for k, v in out.items() if v}
    return {(0, ""): triples_of(data)}


# ------------------------------------------------------------------ Turtle

# What a subject says: ``{predicate: object}``, or ``{predicate: {object, …}}`` when it has several objects.
Description = dict


class TurtleWriter:
    """Renders a set of triples as sorted Turtle.

    Each subject's description is a dict from predicate to its object (a set of objects when there are several), so
    that the million-triple case costs one dict entry per triple and duplicate triples vanish as they arrive. Every
    distinct term is rendered once (:meth:`text`).
    """

    def __init__(self, triples: Iterable[Triple] = (), prefixes: dict[str, str] | None = None) -> None:
        self.by_ns = {ns: prefix for prefix, ns in (prefixes or {}).items()}
        self.names: dict[str, str] = {}
        self.used: set[str] = set()
        self.out: dict[Term, Description] = {}
        self.incoming: dict[Term, int] = {}
        self.texts: dict[Term, str] = {}
        self.labels: dict[Term, str] = {}
        self.written: set[Term] = set()  # blank nodes already written (inline, as a block or in a collection)
        #: When true, a subject's description is dropped once it is written, so that the triples and the text are
        #: not both held whole (set by :func:`turtle_chunks`, which needs neither afterwards).
        self.consume = False
        self.add_all(triples)

    def add_all(self, triples: Iterable[Triple]) -> None:
        """Add ``triples`` (tuple terms); a triple seen before is ignored."""
        out, incoming = self.out, self.incoming
        for s, p, o in triples:
            d = out.get(s)
            if d is None:
                out[s] = {p: o}
            else:
                cur = d.get(p)
                if cur is None:
                    d[p] = o
                elif type(cur) is set:
                    if o in cur:
                        continue
                    cur.add(o)
                elif cur == o:
                    continue
                else:
                    d[p] = {cur, o}
            if o[0] == 2:
                incoming[o] = incoming.get(o, 0) + 1

    def add_store(self, store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph | None = None) -> None:
        """Add the triples of ``store`` (of one graph, or of all): :meth:`add_all` read straight from Oxigraph,
        each distinct term converted once. (The Turtle of a whole store is streamed by :func:`turtle_bytes`; this
        serves TriG, one writer per graph, and graphs with blank-node cycles.)"""
        cache: dict = {}
        get = cache.get

        def term(t: ox.NamedNode | ox.BlankNode | ox.Literal) -> Term:
            converted = get(t)
            if converted is None:
                converted = cache[t] = from_oxigraph(t)
            return converted

        self.add_all((term(s), term(p), term(o)) for s, p, o, _ in store.quads_for_pattern(None, None, None, graph))

    def pairs(self, subject: Term) -> list[tuple[Term, Term]]:
        """The (predicate, object) pairs of ``subject``."""
        found = []
        for p, objects in (self._peek(subject) or {}).items():
            if type(objects) is set:
                found += [(p, o) for o in objects]
            else:
                found.append((p, objects))
        return found

    def _peek(self, subject: Term) -> Description | None:
        """What ``subject`` says, left in place (None when it says nothing)."""
        return self.out.get(subject)

    def _take(self, subject: Term) -> Description | None:
        """What ``subject`` says, for writing it (dropped from :attr:`out` when :attr:`consume` is set)."""
        return self.out.pop(subject, None) if self.consume else self.out.get(subject)

    # -------------------------------------------------------------- terms

    def name(self, iri: str) -> str:
        cached = self.names.get(iri)
        if cached is not None:
            return cached
        best = None
        i = len(iri)
        while True:  # the separators ("/" or "#") from the last one back, the first character left out
            i = max(iri.rfind("/", 1, i), iri.rfind("#", 1, i))
            if i < 1:
                break
            prefix = self.by_ns.get(iri[: i + 1])
            if prefix is not None and iri[i + 1:] and _PN_LOCAL.match(iri[i + 1:]):
                best = f"{prefix}:{iri[i + 1:]}"
                break
        if best is None:
            best = iri_text(iri)
        else:
            self.used.add(best.split(":", 1)[0])
        self.names[iri] = best
        return best

    def literal(self, term: Term) -> str:
        _, lex, lang, dt = term
        if dt == _XSD + "integer" and _INTEGER.match(lex):
            return lex
        if dt == _XSD + "decimal" and _DECIMAL.match(lex):
            return lex
        if dt == _XSD + "boolean" and lex in ("true", "false"):
            return lex
        out = f'"{escaped(lex)}"'
        if lang:
            return f"{out}@{lang}"
        if dt:
            return f"{out}^^{self.name(dt)}"
        return out

    def text(self, node: Term) -> str:
        """The Turtle text of an IRI or a literal (each distinct term is rendered once)."""
        found = self.texts.get(node)
        if found is None:
            found = self.texts[node] = self.name(node[1]) if node[0] == 0 else self.literal(node)
        return found

    def term(self, node: Term, depth: int) -> str:
        if node[0] != 2:
            return self.text(node)
        label = self.labels.get(node)
        if label is not None:
            return label
        items = self.collection(node)
        if items is not None:
            return "( " + " ".join(self.term(i, depth + 1) for i in items) + " )"
        return self.inline(node, depth)

    # -------------------------------------------------------------- structures

    def collection(self, node: Term) -> list[Term] | None:
        """The items of a well-formed RDF list starting at ``node``, or None. The list's nodes count as written."""
        items: list[Term] = []
        nodes: list[Term] = []
        current = node
        seen: set[Term] = set()
        while current != _NIL:
            if current[0] != 2 or current in seen or current in self.labels:
                return None
            d = self._peek(current)
            if d is None or len(d) != 2:
                return None
            first, rest = d.get(_FIRST), d.get(_REST)
            if first is None or rest is None or type(first) is set or type(rest) is set:
                return None
            if current is not node and self.incoming.get(current, 0) != 1:
                return None
            seen.add(current)
            nodes.append(current)
            items.append(first)
            current = rest
        self.written.update(nodes)
        if self.consume:
            for done in nodes:
                del self.out[done]
        return items

    def predicate_list(self, subject: Term, depth: int) -> list[str]:
        d = self._take(subject)
        if not d:
            return []
        lines = []
        verbs, texts = self.verbs, self.texts
        for p in (sorted(d, key=self.ranks.__getitem__) if len(d) > 1 else d):
            objects = d[p]
            if type(objects) is not set:
                if objects[0] == 2:
                    lines.append(f"{verbs[p]} {self.term(objects, depth + 1)}")
                else:
                    text = texts.get(objects)
                    lines.append(f"{verbs[p]} {text if text is not None else self.text(objects)}")
                continue
            rendered = [self.text(o) for o in sorted(o for o in objects if o[0] != 2)]
            rendered += sorted(self.term(o, depth + 1) for o in objects if o[0] == 2)
            joined = ", ".join(rendered)
            if len(joined) > 100 or "\n" in joined:
                joined = (",\n" + "    " * (depth + 2)).join(rendered)
            lines.append(f"{verbs[p]} {joined}")
        return lines

    def _prepare(self) -> None:
        """Rank and render every predicate once: ``a`` first, then ``rdfs:label``, then by IRI."""
        predicates = set().union(*self.out.values()) if self.out else set()
        self.ranks = {p: (p != _TYPE, p != _LABEL, p[1]) for p in predicates}
        # a verb is rendered when first written: a prefix counts as used only once it is in the output
        self.verbs = _Verbs(self)

    def inline(self, node: Term, depth: int) -> str:
        self.written.add(node)
        return _bracketed(self.predicate_list(node, depth), depth)

    def block(self, head: str, subject: Term) -> str:
        self.written.add(subject)
        return _statement(head, self.predicate_list(subject, 0))

    def blocks(self) -> list[str]:
        """The subject blocks in output order: named subjects by IRI, unreferenced blank nodes by their text,
        then labelled blank nodes by number."""
        self._prepare()
        incoming = self.incoming
        blanks = [s for s in self.out if s[0] == 2]
        self._label([b for b in blanks if incoming.get(b, 0) > 1])
        named = sorted(s for s in self.out if s[0] == 0)
        block = self.block
        name = self.name
        blocks = [block(name(s[1]), s) for s in named]
        # Unreferenced blank nodes (annotations, inferred statements): placed by their own content.
        roots = [block("[]", r) for r in blanks if r not in incoming]
        roots.sort()
        labelled_blocks = [block(self.labels[b], b) for b in sorted(self.labels, key=self._number)]
        # Blank nodes still unwritten hang from a cycle of blank nodes: label one node of it and write it out.
        left = blanks
        while True:
            left = [b for b in left if b not in self.written and b not in self.labels]
            if not left:
                break
            first = min(left, key=self._signature)
            self.labels[first] = f"_:b{len(self.labels)}"
            labelled_blocks.append(block(self.labels[first], first))
        blocks += roots
        blocks += labelled_blocks
        return blocks

    def render(self) -> str:
        return "\n".join(self.blocks())

    def _number(self, b: Term) -> int:
        return int(self.labels[b][3:])

    def _signature(self, b: Term) -> str:
        return repr(sorted((p[1], o if o[0] != 2 else (2, "")) for p, o in self.pairs(b)))

    def _label(self, nodes: list[Term]) -> None:
        """Number shared blank nodes by what they say (their triples with other nodes blanked), then by position."""

        for b in sorted(set(nodes), key=self._signature):
            self.labels[b] = f"_:b{len(self.labels)}"

    def header(self, prefixes: dict[str, str]) -> str:
        return "".join(f"@prefix {p}: <{prefixes[p]}> .\n" for p in sorted(self.used)) + "\n"


class _Verbs(dict):
    """The text of each predicate (``a`` for ``rdf:type``), made on first use."""

    def __init__(self, writer: TurtleWriter) -> None:
        super().__init__()
        self.writer = writer

    def __missing__(self, p: Term) -> str:
        verb = self[p] = "a" if p == _TYPE else self.writer.name(p[1])
        return verb


class _CycleOfBlankNodes(Exception):
    """Some blank nodes hang only from a cycle of blank nodes: :class:`StoreTurtleWriter` leaves them to :class:`TurtleWriter`."""


_OX_NIL = ox.NamedNode(_NIL[1])
_XSD_STRING, _XSD_INTEGER, _XSD_DECIMAL, _XSD_BOOLEAN = (_XSD + t for t in ("string", "integer", "decimal", "boolean"))
_Blank = ox.BlankNode
_Named = ox.NamedNode


class StoreTurtleWriter:
    """The Turtle of :class:`TurtleWriter`, byte for byte, read from an Oxigraph store one subject at a time, so that its
    memory does not grow with the graph: named subjects come in IRI order, each with the blank nodes written inside
    it; only the unreferenced blank nodes (sorted by their text) and the shared ones (numbered) are held.

    It works on pyoxigraph's terms as they come (a subject's quads grouped by predicate, each term rendered once
    while it stays in a bounded cache) instead of converting every term. One case is left to :class:`TurtleWriter`:
    blank nodes reachable only through a cycle of blank nodes (found when fewer blank subjects were written than
    the store holds), raised as :class:`_CycleOfBlankNodes`.
    """

    #: Rendered terms kept for re-use; the cache is emptied past this size so that memory stays bounded.
    CACHE = 100_000

    def __init__(self, store: ox.Store, prefixes: dict[str, str]) -> None:
        self.store = store
        self.pattern = store.quads_for_pattern
        self.naming = TurtleWriter((), prefixes)  # its name(): prefixed names and the prefixes used
        self.texts: dict = {}  # IRI -> text
        self.literals: dict = {}  # literal -> text
        self.verbs: dict = {}  # predicate IRI -> text
        self.orders: dict = {}  # the predicates of a subject as read -> in their written order
        self.labels: dict = {}
        self.pending: dict = {}  # descriptions read ahead (an RDF list's nodes, shared nodes), written later
        self.blank_subjects_written = 0

    @property
    def used(self) -> set[str]:
        return self.naming.used

    def header(self, prefixes: dict[str, str]) -> str:
        return self.naming.header(prefixes)

    # -------------------------------------------------------------- reading

    def _fetch(self, node) -> dict:
        """What ``node`` says across every graph: ``{predicate IRI: object}``, or ``{predicate IRI: [objects]}``
        when it has several (a triple in several graphs repeats)."""
        d: dict = {}
        get = d.get
        for q in self.pattern(node, None, None, None):
            p = q.predicate.value
            cur = get(p)
            if cur is None:
                d[p] = q.object
            elif type(cur) is list:
                cur.append(q.object)
            else:
                d[p] = [cur, q.object]
        return d

    def _take(self, node) -> dict:
        """The description of a blank node, read ahead or now; counted as written."""
        d = self.pending.pop(node, None)
        if d is None:
            d = self._fetch(node)
        if d:
            self.blank_subjects_written += 1
        return d

    # -------------------------------------------------------------- terms

    def text(self, o) -> str:
        """The Turtle text of an IRI or a literal (as :meth:`TurtleWriter.text`); IRIs are kept for re-use (up to
        :attr:`CACHE` of them), literals only up to a tenth of that (most are met once)."""
        kind = type(o)
        if kind is _Named:
            texts = self.texts
            if len(texts) > self.CACHE:
                texts.clear()
                self.naming.names.clear()
            found = texts[o] = self.naming.name(o.value)
            return found
        if kind is ox.Literal:
            literals = self.literals
            if len(literals) > self.CACHE // 10:
                literals.clear()
            found = literals[o] = self._literal(o)
            return found
        raise InputError(f"cannot export the term {o!r}")

    def _literal(self, o) -> str:
        lex = o.value
        lang = o.language
        if lang:
            return f'"{escaped(lex)}"@{lang}'
        dt = o.datatype.value
        if dt == _XSD_STRING:
            return f'"{escaped(lex)}"'
        if dt == _XSD_INTEGER and _INTEGER.match(lex):
            return lex
        if dt == _XSD_DECIMAL and _DECIMAL.match(lex):
            return lex
        if dt == _XSD_BOOLEAN and lex in ("true", "false"):
            return lex
        return f'"{escaped(lex)}"^^{self.naming.name(dt)}'

    def verb(self, iri: str) -> str:
        """The text of a predicate, made when first written (a prefix counts as used only once in the output)."""
        found = self.verbs[iri] = "a" if iri == _TYPE[1] else self.naming.name(iri)
        return found

    def term(self, node, depth: int) -> str:
        if type(node) is not _Blank:
            found = self.texts.get(node) or self.literals.get(node)
            return found if found is not None else self.text(node)
        label = self.labels.get(node)
        if label is not None:
            return label
        d = self.pending.pop(node, None)
        if d is None:
            d = self._fetch(node)
        if len(d) == 2 and _FIRST[1] in d and _REST[1] in d:
            items = self.collection(node, d)
            if items is not None:
                return "( " + " ".join(self.term(i, depth + 1) for i in items) + " )"
        if d:
            self.blank_subjects_written += 1
        return self.inline(d, depth)

    # -------------------------------------------------------------- structures (as in TurtleWriter)

    def collection(self, node, d: dict) -> list | None:
        """The items of the well-formed RDF list starting at ``node`` (which says ``d``), or None: then the nodes
        read after it wait in :attr:`pending`."""
        items: list = []
        read: list = []
        current = node
        seen: set = set()
        while True:
            first, rest = d.get(_FIRST[1]), d.get(_REST[1])
            if (len(d) != 2 or first is None or rest is None
                    or type(first) is list and len(set(first)) > 1 or type(rest) is list and len(set(rest)) > 1):
                break
            # a node after the first has one triple pointing at it unless it is shared, and shared ones are labelled
            seen.add(current)
            items.append(first[0] if type(first) is list else first)
            current = rest[0] if type(rest) is list else rest
            if current == _OX_NIL:
                self.blank_subjects_written += len(seen)
                return items
            if type(current) is not _Blank or current in seen or current in self.labels:
                break
            d = self.pending.pop(current, None)
            if d is None:
                d = self._fetch(current)
            read.append((current, d))
        self.pending.update(read)
        return None

    def predicate_list(self, d: dict, depth: int) -> list[str]:
        if not d:
            return []
        lines = []
        verbs, texts, literals, term = self.verbs, self.texts, self.literals, self.term
        if len(d) > 1:
            read = tuple(d)
            order = self.orders.get(read)
            if order is None:
                if len(self.orders) > self.CACHE // 10:
                    self.orders.clear()
                order = self.orders[read] = sorted(read, key=self.rank)
        else:
            order = d
        for p in order:
            verb = verbs.get(p)
            if verb is None:
                verb = self.verb(p)
            o = d[p]
            if type(o) is list:
                objects = list(dict.fromkeys(o))
                if len(objects) == 1:
                    o = objects[0]
            if type(o) is not list:
                if type(o) is _Named:
                    text = texts.get(o)
                elif type(o) is _Blank:
                    text = term(o, depth + 1)
                else:
                    text = literals.get(o)
                lines.append(f"{verb} {text if text is not None else self.text(o)}")
                continue
            rendered = [term(o, 0) for o in sorted((o for o in objects if type(o) is not _Blank), key=from_oxigraph)]
            rendered += sorted(term(o, depth + 1) for o in objects if type(o) is _Blank)
            joined = ", ".join(rendered)
            if len(joined) > 100 or "\n" in joined:
                joined = (",\n" + "    " * (depth + 2)).join(rendered)
            lines.append(f"{verb} {joined}")
        return lines

    def rank(self, iri: str) -> tuple:
        """``a`` first, then ``rdfs:label``, then by IRI."""
        return (iri != _TYPE[1], iri != _LABEL[1], iri)

    def inline(self, d: dict, depth: int) -> str:
        return _bracketed(self.predicate_list(d, depth), depth)

    def block(self, head: str, d: dict) -> str:
        return _statement(head, self.predicate_list(d, 0))

    # -------------------------------------------------------------- writing

    def _subjects(self) -> tuple[list[str], list, list, int]:
        """The named subjects in IRI order, the unreferenced blank nodes, the shared ones (more than one triple
        points at them), and the number of blank subjects."""
        named: list[str] = []
        roots: list = []
        shared: list = []
        blanks = 0
        pattern = self.pattern
        for solution in self.store.query("SELECT DISTINCT ?s { ?s ?p ?o }", use_default_graph_as_union=True):
            s = solution[0]
            kind = type(s)
            if kind is _Named:
                named.append(s.value)
                continue
            if kind is not _Blank:
                raise InputError(f"cannot export the term {s!r}")
            blanks += 1
            pointing = pattern(None, None, s, None)
            first = next(pointing, None)
            if first is None:
                roots.append(s)
            elif next(pointing, None) is not None:  # several quads: several triples, or one in several graphs
                if len({(q.subject, q.predicate) for q in pattern(None, None, s, None)}) > 1:
                    shared.append(s)
        named.sort()
        return named, roots, shared, blanks

    def _signature(self, b) -> str:
        """As :meth:`TurtleWriter._signature`: what a shared node says, its blank objects blanked."""
        d = self.pending.get(b)
        if d is None:
            d = self.pending[b] = self._fetch(b)
        pairs = {(p, o) for p, objects in d.items() for o in (objects if type(objects) is list else [objects])}
        return repr(sorted((p, from_oxigraph(o) if type(o) is not _Blank else (2, "")) for p, o in pairs))

    def chunks(self, size: int = 1 << 20) -> Iterator[bytes]:
        """The Turtle body (without the prefixes, known only once it is written) as UTF-8 pieces of about ``size``
        bytes."""
        named, roots, shared, blanks = self._subjects()
        for b in sorted(shared, key=self._signature):
            self.labels[b] = f"_:b{len(self.labels)}"
        block, name, fetch, take = self.block, self.naming.name, self._fetch, self._take

        def texts() -> Iterator[str]:
            nonlocal named, roots
            for iri in named:
                yield block(name(iri), fetch(_Named(iri)))
            named = None
            # Unreferenced blank nodes (annotations, inferred statements): placed by their own content (code point
            # order, which is also the order of their UTF-8 bytes).
            rendered = sorted(block("[]", take(r)) for r in roots)
            roots = None
            yield from rendered
            del rendered
            for b in list(self.labels):  # in the order of their numbers
                yield block(self.labels[b], take(b))
            if self.blank_subjects_written != blanks:
                raise _CycleOfBlankNodes()

        return utf8_pieces(texts(), size)


def utf8_pieces(blocks: Iterable[str], size: int) -> Iterator[bytes]:
    """``blocks`` separated by blank lines, as UTF-8 pieces of about ``size`` bytes: written as they are rendered,
    never held whole."""
    batch: list[str] = []
    length = 0
    for i, text in enumerate(blocks):
        if i:
            batch.append("\n")
        batch.append(text)
        length += len(text)
        if length >= size:
            yield "".join(batch).encode("utf-8")
            batch, length = [], 0
    if batch:
        yield "".join(batch).encode("utf-8")


def _bracketed(parts: list[str], depth: int) -> str:
    """A blank node written in place: its ``predicate ; …`` lines inside ``[ ]``, indented for ``depth``."""
    if not parts:
        return "[]"
    pad = "    " * (depth + 1)
    return "[\n" + pad + (" ;\n" + pad).join(parts) + "\n" + "    " * depth + "]"


def _statement(head: str, parts: list[str]) -> str:
    """A subject's block: its name, then one ``predicate objects`` line per predicate."""
    return head + "\n    " + " ;\n    ".join(parts) + " .\n"


def store_turtle(store: ox.Store, prefixes: dict[str, str], size: int) -> Iterator[bytes] | None:
    """The Turtle of ``store`` written by :class:`StoreTurtleWriter` (the body spooled to a temporary file, since the
    prefixes it uses come first), or None when it holds a cycle of blank nodes."""
    import tempfile

    writer = StoreTurtleWriter(store, prefixes)
    spool = tempfile.TemporaryFile()
    try:
        for chunk in writer.chunks(size):
            spool.write(chunk)
    except _CycleOfBlankNodes:
        spool.close()
        return None
    except BaseException:
        spool.close()
        raise
    return _spooled(writer.header(prefixes).encode("utf-8"), spool, size)


def _spooled(header: bytes, spool, size: int) -> Iterator[bytes]:
    with spool:
        yield header
        spool.seek(0)
        while True:
            data = spool.read(size)
            if not data:
                break
            yield data
