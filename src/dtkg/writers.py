"""Export: deterministic Turtle, N-Triples, N-Quads and TriG (same input, same bytes), plus JSON-LD and RDF/XML.

rdflib's own Turtle serializer orders blank nodes by their random identifiers, so two runs over the same data give
different files and noisy diffs. This writer sorts subjects, predicates and objects, writes blank nodes that hang
from one place inline (``[ … ]``) in a position fixed by their content, and numbers the remaining ones by their
content, so that a data folder under version control diffs cleanly.

The writer works on plain tuples rather than rdflib terms, and reads an Oxigraph store directly, so that exporting
a million triples takes seconds rather than minutes.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from .errors import InputError

#: Formats accepted by :func:`serialize`, with the file ending used by ``dtkg export``.
FORMATS = {"turtle": ".ttl", "nt": ".nt", "nquads": ".nq", "trig": ".trig", "jsonld": ".jsonld", "xml": ".rdf"}

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

# A term is a tuple: (0, iri) | (1, lexical form, language, datatype) | (2, blank node id).
Term = tuple
Triple = tuple[Term, Term, Term]


def _escape(text: str) -> str:
    return _NEEDS_ESCAPE.sub(lambda m: _ESCAPES[m.group()], text)


def _iri(text: str) -> str:
    if _IRI_FORBIDDEN.search(text):
        text = _IRI_FORBIDDEN.sub(lambda m: f"\\u{ord(m.group()):04X}", text)
    return f"<{text}>"


# ------------------------------------------------------------------ terms in

def from_rdflib(term) -> Term:
    """The tuple form of an rdflib term (plain and ``xsd:string`` literals are the same literal, as in RDF 1.1)."""
    if isinstance(term, URIRef):
        return (0, str(term))
    if isinstance(term, Literal):
        dt = str(term.datatype) if term.datatype is not None and not term.language else ""
        return (1, str(term), term.language or "", "" if dt == _XSD + "string" else dt)
    if isinstance(term, BNode):
        return (2, str(term))
    return (0, str(term))


def from_oxigraph(term) -> Term:
    """The tuple form of a pyoxigraph term."""
    if isinstance(term, ox.NamedNode):
        return (0, term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return (1, term.value, term.language, "")
        dt = term.datatype.value
        return (1, term.value, "", "" if dt == _XSD + "string" else dt)
    if isinstance(term, ox.BlankNode):
        return (2, term.value)
    raise InputError(f"cannot export the term {term!r}")


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

class _Writer:
    """Renders a set of triples as sorted Turtle."""

    def __init__(self, triples: Iterable[Triple], prefixes: dict[str, str]) -> None:
        self.by_ns = {ns: prefix for prefix, ns in prefixes.items()}
        self.names: dict[str, str] = {}
        self.used: set[str] = set()
        out: dict[Term, list[tuple[Term, Term]]] = defaultdict(list)
        incoming: dict[Term, int] = defaultdict(int)
        for s, p, o in triples:
            out[s].append((p, o))
            if o[0] == 2:
                incoming[o] += 1
        self.out, self.incoming = out, incoming
        self.labels: dict[Term, str] = {}
        self.written: set[Term] = set()  # blank nodes already written (inline or as a block)

    # -------------------------------------------------------------- terms

    def name(self, iri: str) -> str:
        cached = self.names.get(iri)
        if cached is not None:
            if ":" in cached and not cached.startswith("<"):
                self.used.add(cached.split(":", 1)[0])
            return cached
        best = None
        for i in range(len(iri) - 1, 0, -1):
            if iri[i] in "/#":
                prefix = self.by_ns.get(iri[: i + 1])
                if prefix is not None and iri[i + 1:] and _PN_LOCAL.match(iri[i + 1:]):
                    best = f"{prefix}:{iri[i + 1:]}"
                    break
        if best is None:
            best = _iri(iri)
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
        out = f'"{_escape(lex)}"'
        if lang:
            return f"{out}@{lang}"
        if dt:
            return f"{out}^^{self.name(dt)}"
        return out

    def term(self, node: Term, depth: int) -> str:
        kind = node[0]
        if kind == 0:
            return self.name(node[1])
        if kind == 1:
            return self.literal(node)
        if node in self.labels:
            return self.labels[node]
        items = self.collection(node)
        if items is not None:
            return "( " + " ".join(self.term(i, depth + 1) for i in items) + " )"
        return self.inline(node, depth)

    # -------------------------------------------------------------- structures

    def collection(self, node: Term) -> list[Term] | None:
        """The items of a well-formed RDF list starting at ``node``, or None."""
        items: list[Term] = []
        current = node
        seen: set[Term] = set()
        while current != _NIL:
            if current[0] != 2 or current in seen or current in self.labels:
                return None
            pairs = self.out.get(current, [])
            if len(pairs) != 2 or {p for p, _ in pairs} != {_FIRST, _REST}:
                return None
            if current is not node and self.incoming.get(current, 0) != 1:
                return None
            seen.add(current)
            items.append(next(o for p, o in pairs if p == _FIRST))
            current = next(o for p, o in pairs if p == _REST)
        return items

    def predicate_list(self, subject: Term, depth: int) -> list[str]:
        by_pred: dict[Term, list[Term]] = defaultdict(list)
        for p, o in self.out.get(subject, ()):
            by_pred[p].append(o)
        lines = []
        for p in sorted(by_pred, key=lambda p: (p != _TYPE, p != _LABEL, p[1])):
            verb = "a" if p == _TYPE else self.name(p[1])
            named = sorted(o for o in by_pred[p] if o[0] != 2)
            rendered = [self.term(o, depth + 1) for o in named]
            rendered += sorted(self.term(o, depth + 1) for o in by_pred[p] if o[0] == 2)
            joined = ", ".join(rendered)
            if len(rendered) > 1 and (len(joined) > 100 or "\n" in joined):
                joined = (",\n" + "    " * (depth + 2)).join(rendered)
            lines.append(f"{verb} {joined}")
        return lines

    def inline(self, node: Term, depth: int) -> str:
        self.written.add(node)
        parts = self.predicate_list(node, depth)
        if not parts:
            return "[]"
        pad = "    " * (depth + 1)
        return "[\n" + pad + (" ;\n" + pad).join(parts) + "\n" + "    " * depth + "]"

    def block(self, head: str, subject: Term) -> str:
        self.written.add(subject)
        return head + "\n    " + " ;\n    ".join(self.predicate_list(subject, 0)) + " .\n"

    def render(self) -> str:
        blanks = [s for s in self.out if s[0] == 2]
        self._label([b for b in blanks if self.incoming.get(b, 0) > 1])
        named = sorted(s for s in self.out if s[0] == 0)
        blocks = [self.block(self.name(s[1]), s) for s in named]
        # Unreferenced blank nodes (annotations, inferred statements): placed by their own content.
        roots = sorted(self.block("[]", r) for r in blanks if self.incoming.get(r, 0) == 0)
        labelled_blocks = [self.block(self.labels[b], b) for b in sorted(self.labels, key=self._number)]
        # Blank nodes still unwritten hang from a cycle of blank nodes: label one node of it and write it out.
        while True:
            left = [b for b in blanks if b not in self.written and b not in self.labels]
            if not left:
                break
            first = min(left, key=self._signature)
            self.labels[first] = f"_:b{len(self.labels)}"
            labelled_blocks.append(self.block(self.labels[first], first))
        return "\n".join(blocks + roots + labelled_blocks)

    def _number(self, b: Term) -> int:
        return int(self.labels[b][3:])

    def _signature(self, b: Term) -> str:
        return repr(sorted((p[1], o if o[0] != 2 else (2, "")) for p, o in self.out.get(b, ())))

    def _label(self, nodes: list[Term]) -> None:
        """Number shared blank nodes by what they say (their triples with other nodes blanked), then by position."""

        for b in sorted(set(nodes), key=self._signature):
            self.labels[b] = f"_:b{len(self.labels)}"

    def header(self, prefixes: dict[str, str]) -> str:
        return "".join(f"@prefix {p}: <{prefixes[p]}> .\n" for p in sorted(self.used)) + "\n"


def _prefixes_of(graph: Graph) -> dict[str, str]:
    return {p: str(ns) for p, ns in graph.namespaces() if p}


def to_turtle(graph: Graph, prefixes: dict[str, str] | None = None) -> str:
    """Deterministic Turtle for ``graph``: only the prefixes it uses, subjects in IRI order, ``a`` first."""
    prefixes = prefixes if prefixes is not None else _prefixes_of(graph)
    writer = _Writer(triples_of(graph), prefixes)
    body = writer.render()
    return writer.header(prefixes) + body


def turtle_of_triples(triples: Iterable[Triple], prefixes: dict[str, str]) -> str:
    """Deterministic Turtle for triples already in tuple form (see :data:`Term`), as :func:`to_turtle` writes
    them: for callers that build tuples directly and need no rdflib graph (the importers)."""
    writer = _Writer(triples, prefixes)
    body = writer.render()
    return writer.header(prefixes) + body


def to_trig(ds: Graph, prefixes: dict[str, str] | None = None) -> str:
    """Deterministic TriG: one ``GRAPH`` block per named graph, in IRI order."""
    prefixes = prefixes if prefixes is not None else _prefixes_of(ds)
    used: set[str] = set()
    blocks = []
    for gid, triples in sorted(graphs_of(ds).items()):
        writer = _Writer(triples, prefixes)
        body = writer.render()
        name = writer.name(gid[1]) if gid != (0, "") else ""
        used |= writer.used
        inner = "\n".join("    " + line if line else "" for line in body.rstrip("\n").split("\n"))
        blocks.append(f"{'GRAPH ' + name + ' ' if name else ''}{{\n{inner}\n}}\n")
    header = "".join(f"@prefix {p}: <{prefixes[p]}> .\n" for p in sorted(used))
    return header + "\n" + "\n".join(blocks)


# ------------------------------------------------------------------ N-Triples, N-Quads

def _nt(term: Term, labels: dict[Term, str]) -> str:
    kind = term[0]
    if kind == 0:
        return _iri(term[1])
    if kind == 2:
        return labels[term]
    _, lex, lang, dt = term
    out = f'"{_escape(lex)}"'
    if lang:
        return f"{out}@{lang}"
    return f"{out}^^<{dt}>" if dt else out


def _blank_labels(triples: set[Triple], prefix: str) -> dict[Term, str]:
    """Stable labels: blank nodes numbered in the order the deterministic Turtle output shows them."""
    writer = _Writer(triples, {})
    writer.render()
    order: dict[Term, str] = {}
    # walk subjects in output order: named subjects, then roots by their text, then labelled nodes
    named = sorted(s for s in writer.out if s[0] == 0)
    roots = [r for _, r in sorted((writer.block("[]", r), r) for r in writer.out
                                  if r[0] == 2 and writer.incoming.get(r, 0) == 0)]
    labelled = sorted(writer.labels, key=writer._number)

    def walk(node: Term) -> None:
        if node[0] == 2:
            if node in order:
                return
            order[node] = f"_:{prefix}{len(order)}"
        for _, o in sorted(writer.out.get(node, ()), key=lambda po: (po[0], writer.term(po[1], 0) if po[1][0] == 2 else po[1])):
            if o[0] == 2 and o not in order:
                walk(o)

    for subject in [*named, *roots, *labelled]:
        walk(subject)
    return order


def to_ntriples(graph: Graph) -> str:
    """Deterministic N-Triples: sorted lines, blank nodes numbered as in the Turtle export."""
    triples = triples_of(graph)
    labels = _blank_labels(triples, "b") if any(t[0][0] == 2 or t[2][0] == 2 for t in triples) else {}
    return "".join(sorted({f"{_nt(s, labels)} {_nt(p, labels)} {_nt(o, labels)} .\n" for s, p, o in triples}))


def to_nquads(ds: Graph) -> str:
    """Deterministic N-Quads: sorted lines, blank nodes numbered per graph as in the Turtle export."""
    lines: set[str] = set()
    for index, (gid, triples) in enumerate(sorted(graphs_of(ds).items())):
        labels = _blank_labels(triples, f"g{index}b")
        g_text = "" if gid == (0, "") else " " + _iri(gid[1])
        lines |= {f"{_nt(s, labels)} {_nt(p, labels)} {_nt(o, labels)}{g_text} .\n" for s, p, o in triples}
    return "".join(sorted(lines))


# ------------------------------------------------------------------ entry points

def serialize(data: Dataset | Graph, fmt: str = "turtle") -> bytes:
    """``data`` in format ``fmt`` (see :data:`FORMATS`) as UTF-8 bytes.

    Turtle, N-Triples, N-Quads and TriG are deterministic. Turtle, N-Triples, JSON-LD and RDF/XML are written from
    the union of all graphs; TriG and N-Quads keep the named graphs.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "trig":
        return to_trig(data).encode("utf-8")
    if fmt == "nquads":
        return to_nquads(data).encode("utf-8")
    if fmt == "turtle":
        return to_turtle(data).encode("utf-8")
    if fmt == "nt":
        return to_ntriples(data).encode("utf-8")
    graph = _canonical_graph(data)
    if fmt == "jsonld":
        return to_jsonld(graph)
    xml = graph.serialize(format="pretty-xml", encoding="utf-8")
    # rdflib declares the namespaces in the order of a set of IRIs (which changes with the hash seed): sorted here
    return re.sub(rb"(?<=<rdf:RDF\n)(?:  xmlns:[^\n]*\n)+",
                  lambda m: b"".join(sorted(m.group().splitlines(keepends=True))), xml, count=1)


def _order(term) -> tuple:
    if isinstance(term, Literal):
        return (2, str(term), term.language or "", str(term.datatype or ""))
    return (1 if isinstance(term, BNode) else 0, str(term), "", "")


class _SortedGraph(Graph):
    """A graph whose listings come sorted: rdflib's RDF/XML writer walks subjects and their properties in the order
    of its store's indexes, which changes with the hash seed."""

    def subjects(self, predicate=None, object=None, unique=False):  # noqa: A002 - rdflib's parameter names
        return iter(sorted(set(super().subjects(predicate, object, unique=True)), key=_order))

    def predicate_objects(self, subject=None, unique=False):
        return iter(sorted(set(super().predicate_objects(subject, unique=True)),
                           key=lambda po: (_order(po[0]), _order(po[1]))))

    def objects(self, subject=None, predicate=None, unique=False):
        return iter(sorted(set(super().objects(subject, predicate, unique=True)), key=_order))


def _canonical_graph(data: Graph) -> Graph:
    """The union of ``data`` as a fresh rdflib graph whose triples are added in sorted order and whose blank nodes
    are named as in the N-Triples export, so that rdflib's JSON-LD and RDF/XML writers (which follow the order of
    their store and print blank node ids) give the same bytes in every process, whatever the hash seed."""
    triples = triples_of(data)
    labels = _blank_labels(triples, "b") if any(t[0][0] == 2 or t[2][0] == 2 for t in triples) else {}

    def term(t: Term):
        if t[0] == 0:
            return URIRef(t[1])
        if t[0] == 2:
            return BNode(labels[t][2:])
        return Literal(t[1], lang=t[2] or None, datatype=URIRef(t[3]) if t[3] else None)

    out = _SortedGraph()
    for prefix, ns in data.namespaces():
        out.bind(prefix, ns, override=True, replace=True)
    for s, p, o in sorted(triples):
        out.add((term(s), term(p), term(o)))
    return out


def jsonld_context(graph: Graph) -> dict[str, str]:
    """The ``@context`` of a JSON-LD export: dtkg's prefixes and the data's own (``organisation:``…, under the base
    the graph was loaded with), so that keys read ``schema:amount`` and ids ``organisation:cud``."""
    from .namespaces import PREFIXES, data_prefixes

    context = {**PREFIXES, **data_prefixes()}
    kinds = set(data_prefixes())
    context.update({prefix: str(ns) for prefix, ns in graph.namespaces() if prefix in kinds})
    return dict(sorted(context.items()))


def to_jsonld(graph: Graph) -> bytes:
    """JSON-LD compacted with :func:`jsonld_context` (expanded JSON-LD, with full IRIs everywhere, is not read by
    people); the same graph as the other formats, as a JSON-LD processor expanding the context shows."""
    import json

    data = graph.serialize(format="json-ld", context=jsonld_context(graph), auto_compact=True, encoding="utf-8")
    document = json.loads(data)
    if isinstance(document, dict) and isinstance(document.get("@graph"), list):  # rdflib lists nodes in hash order
        document["@graph"].sort(key=lambda node: json.dumps(node, sort_keys=True, ensure_ascii=False))
    return json.dumps(document, indent=2, separators=(",", ": "), sort_keys=True, ensure_ascii=False).encode("utf-8")


def write_atomic(path: Path | str, data: bytes | Iterable[bytes]) -> Path:
    """Write ``data`` (bytes, or chunks of bytes) to ``path`` through a temporary file in the same folder, then
    rename it into place. A crash or an error half-way leaves the previous file (or no file), never a truncated one.
    """
    path = Path(path)
    if not isinstance(data, (bytes, bytearray)) and not _is_chunks(data):
        raise TypeError(f"write_atomic takes bytes, not {type(data).__name__}")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes the file private; outputs get the usual permissions
        with os.fdopen(fd, "wb") as fh:
            if isinstance(data, (bytes, bytearray)):
                fh.write(data)
            else:
                for chunk in data:
                    fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _is_chunks(data: object) -> bool:
    return isinstance(data, Iterator) or (isinstance(data, (list, tuple)) and all(isinstance(c, bytes) for c in data))


def export(data: Dataset | Graph, path: Path | str, fmt: str | None = None) -> Path:
    """Serialise ``data`` to ``path`` atomically; the format defaults to the one the file ending names."""
    path = Path(path)
    if fmt is None:
        by_suffix = {suffix: name for name, suffix in FORMATS.items()}
        fmt = by_suffix.get(path.suffix, "turtle")
    return write_atomic(path, serialize(data, fmt))


def iter_formats() -> Iterable[str]:
    """The export format names, for help texts."""
    return FORMATS.keys()
