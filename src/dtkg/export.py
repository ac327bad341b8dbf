"""Export: deterministic Turtle, N-Triples and TriG (same input, same bytes), plus JSON-LD and RDF/XML.

rdflib's own Turtle serializer orders blank nodes by their random identifiers, so two runs over the same data give
different files and noisy diffs. This writer sorts subjects, predicates and objects, writes blank nodes that hang
from one place inline (``[ … ]``) in a position fixed by their content, and names the remaining ones in the order
they are met, so that a data folder under version control diffs cleanly.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from .errors import InputError

#: Formats accepted by :func:`serialize`, with the file ending used by ``dtkg export``.
FORMATS = {"turtle": ".ttl", "nt": ".nt", "nquads": ".nq", "trig": ".trig", "jsonld": ".jsonld", "xml": ".rdf"}

_PN_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?[0-9]*\.[0-9]+$")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _escape(text: str) -> str:
    return "".join(_ESCAPES.get(c, c) for c in text)


def _iri(term: URIRef) -> str:
    text = str(term)
    if _IRI_FORBIDDEN.search(text):
        text = _IRI_FORBIDDEN.sub(lambda m: f"\\u{ord(m.group()):04X}", text)
    return f"<{text}>"


class _Writer:
    """Renders one graph as sorted Turtle; remembers the order in which blank nodes were written."""

    def __init__(self, graph: Graph, prefixes: dict[str, str]) -> None:
        self.graph = graph
        # longest namespace first, so that the most specific prefix wins
        self.prefixes = sorted(prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        self.used: set[str] = set()
        self.bnode_order: dict[BNode, int] = {}
        incoming: dict[BNode, int] = defaultdict(int)
        for _, _, o in graph:
            if isinstance(o, BNode):
                incoming[o] += 1
        self.incoming = incoming
        self.labelled: set[BNode] = set()  # blank nodes written with an _:label rather than inline
        self.subject_order: list[Node] = []

    # -------------------------------------------------------------- terms

    def name(self, term: URIRef) -> str:
        text = str(term)
        for prefix, ns in self.prefixes:
            if text.startswith(ns):
                local = text[len(ns):]
                if local and _PN_LOCAL.match(local):
                    self.used.add(prefix)
                    return f"{prefix}:{local}"
        return _iri(term)

    def literal(self, lit: Literal) -> str:
        lex = str(lit)
        dt = lit.datatype
        if dt == XSD.integer and _INTEGER.match(lex):
            return lex
        if dt == XSD.decimal and _DECIMAL.match(lex):
            return lex
        if dt == XSD.boolean and lex in ("true", "false"):
            return lex
        out = f'"{_escape(lex)}"'
        if lit.language:
            return f"{out}@{lit.language}"
        if dt is not None and dt != XSD.string:
            return f"{out}^^{self.name(dt)}"
        return out

    def bnode_label(self, node: BNode) -> str:
        if node not in self.bnode_order:
            self.bnode_order[node] = len(self.bnode_order)
        return f"_:b{self.bnode_order[node]}"

    def term(self, node: Node, depth: int) -> str:
        if isinstance(node, URIRef):
            return self.name(node)
        if isinstance(node, Literal):
            return self.literal(node)
        if isinstance(node, BNode):
            if node in self.labelled:
                return self.bnode_label(node)
            items = self.collection(node)
            if items is not None:
                return "( " + " ".join(self.term(i, depth + 1) for i in items) + " )"
            return self.inline(node, depth)
        return _iri(URIRef(str(node)))

    # -------------------------------------------------------------- structures

    def collection(self, node: BNode) -> list[Node] | None:
        """The items of a well-formed RDF list starting at ``node``, or None."""
        items: list[Node] = []
        current: Node = node
        seen: set[Node] = set()
        while current != RDF.nil:
            if not isinstance(current, BNode) or current in seen:
                return None
            preds = set(self.graph.predicates(current))
            firsts = list(self.graph.objects(current, RDF.first))
            rests = list(self.graph.objects(current, RDF.rest))
            if preds != {RDF.first, RDF.rest} or len(firsts) != 1 or len(rests) != 1:
                return None
            if current is not node and self.incoming.get(current, 0) != 1:
                return None
            seen.add(current)
            items.append(firsts[0])
            current = rests[0]
        return items

    def predicate_list(self, subject: Node, depth: int) -> list[str]:
        by_pred: dict[Node, list[Node]] = defaultdict(list)
        for p, o in self.graph.predicate_objects(subject):
            by_pred[p].append(o)
        lines = []
        for p in sorted(by_pred, key=lambda p: (p != RDF.type, p != RDFS.label, str(p))):
            verb = "a" if p == RDF.type else self.name(p)
            objects = sorted(by_pred[p], key=_sort_key)
            rendered = [self.term(o, depth + 1) for o in objects]
            joined = ", ".join(rendered)
            if len(rendered) > 1 and (len(joined) > 100 or "\n" in joined):
                joined = (",\n" + "    " * (depth + 2)).join(rendered)
            lines.append(f"{verb} {joined}")
        return lines

    def inline(self, node: BNode, depth: int) -> str:
        parts = self.predicate_list(node, depth)
        if not parts:
            return "[]"
        pad = "    " * (depth + 1)
        return "[\n" + pad + (" ;\n" + pad).join(parts) + "\n" + "    " * depth + "]"

    def subject_block(self, subject: Node) -> str:
        head = self.name(subject) if isinstance(subject, URIRef) else self.bnode_label(subject)
        parts = self.predicate_list(subject, 0)
        return head + "\n    " + " ;\n    ".join(parts) + " .\n"

    def root_block(self, node: BNode) -> str:
        parts = self.predicate_list(node, 0)
        return "[]\n    " + " ;\n    ".join(parts) + " .\n"

    def render(self) -> str:
        subjects = set(self.graph.subjects())
        # Blank nodes that cannot be written inline (shared, or in a cycle) get labels.
        for node in subjects:
            if isinstance(node, BNode) and self.incoming.get(node, 0) > 1:
                self.labelled.add(node)
        self._break_cycles(subjects)
        named = sorted((s for s in subjects if isinstance(s, URIRef)), key=str)
        roots = [s for s in subjects if isinstance(s, BNode) and self.incoming.get(s, 0) == 0]
        blocks = [self.subject_block(s) for s in named]
        # Unreferenced blank nodes (annotations, inferred statements): placed by their own content.
        rendered_roots = sorted((self.root_block(r), i, r) for i, r in enumerate(roots))
        root_blocks = [text for text, _, _ in rendered_roots]
        labelled = sorted(self.labelled, key=lambda b: self.bnode_order.get(b, 1 << 30))
        labelled_blocks = [self.subject_block(b) for b in labelled]
        #: subjects in output order (used to number blank nodes the same way in N-Triples)
        self.subject_order = [*named, *(r for _, _, r in rendered_roots), *labelled]
        return "\n".join(blocks + root_blocks + labelled_blocks)

    def _break_cycles(self, subjects: set[Node]) -> None:
        """Label one blank node of every cycle of blank nodes, so that inlining terminates."""
        state: dict[Node, int] = {}

        def visit(node: Node) -> None:
            state[node] = 1
            for o in self.graph.objects(node, None):
                if isinstance(o, BNode) and o not in self.labelled:
                    if state.get(o) == 1:
                        self.labelled.add(o)
                    elif o not in state:
                        visit(o)
            state[node] = 2

        for node in sorted((s for s in subjects if isinstance(s, BNode)), key=str):
            if node not in state and node not in self.labelled:
                visit(node)

    def header(self, prefixes: dict[str, str]) -> str:
        return "".join(f"@prefix {p}: <{prefixes[p]}> .\n" for p in sorted(self.used)) + "\n"


def _sort_key(node: Node) -> tuple:
    if isinstance(node, URIRef):
        return (0, str(node), "", "")
    if isinstance(node, Literal):
        return (1, str(node), str(node.language or ""), str(node.datatype or ""))
    return (2, "", "", "")


def _prefixes_of(graph: Graph) -> dict[str, str]:
    return {p: str(ns) for p, ns in graph.namespaces() if p}


def to_turtle(graph: Graph, prefixes: dict[str, str] | None = None) -> str:
    """Deterministic Turtle for ``graph``: only the prefixes it uses, subjects in IRI order, ``a`` first."""
    prefixes = prefixes if prefixes is not None else _prefixes_of(graph)
    writer = _Writer(graph, prefixes)
    body = writer.render()
    return writer.header(prefixes) + body


def to_trig(ds: Dataset, prefixes: dict[str, str] | None = None) -> str:
    """Deterministic TriG: one ``GRAPH`` block per named graph, in IRI order."""
    prefixes = prefixes if prefixes is not None else _prefixes_of(ds)
    used: set[str] = set()
    blocks = []
    for gid, graph in _named_graphs(ds):
        writer = _Writer(graph, prefixes)
        body = writer.render()
        used |= writer.used
        inner = "\n".join("    " + line if line else "" for line in body.rstrip("\n").split("\n"))
        name = writer.name(gid) if gid != DATASET_DEFAULT_GRAPH_ID else ""
        blocks.append(f"{'GRAPH ' + name + ' ' if name else ''}{{\n{inner}\n}}\n")
    header = "".join(f"@prefix {p}: <{prefixes[p]}> .\n" for p in sorted(used))
    return header + "\n" + "\n".join(blocks)


def _named_graphs(ds: Dataset) -> list[tuple[URIRef, Graph]]:
    out = []
    for graph in ds.graphs():
        if len(graph):
            out.append((graph.identifier, graph))
    return sorted(out, key=lambda item: (item[0] != DATASET_DEFAULT_GRAPH_ID, str(item[0])))


def _nt_term(term: Node, labels: dict[BNode, str]) -> str:
    if isinstance(term, URIRef):
        return _iri(term)
    if isinstance(term, BNode):
        return labels[term]
    lit: Literal = term  # type: ignore[assignment]
    out = f'"{_escape(str(lit))}"'
    if lit.language:
        return f"{out}@{lit.language}"
    if lit.datatype is not None and lit.datatype != XSD.string:
        return f"{out}^^<{lit.datatype}>"
    return out


def _bnode_labels(graph: Graph, prefix: str = "b") -> dict[BNode, str]:
    """Stable blank node labels: numbered in the order the deterministic Turtle output shows them."""
    writer = _Writer(graph, {})
    writer.render()
    order: dict[BNode, str] = {}

    def walk(node: Node) -> None:
        if isinstance(node, BNode):
            if node in order:
                return
            order[node] = f"_:{prefix}{len(order)}"
        for p, o in sorted(graph.predicate_objects(node), key=lambda po: (str(po[0]), _sort_key(po[1]))):
            if isinstance(o, BNode) and o not in order:
                walk(o)

    for subject in writer.subject_order:
        walk(subject)
    return order


def to_ntriples(graph: Graph) -> str:
    """Deterministic N-Triples: sorted lines, blank nodes numbered as in the Turtle export."""
    labels = _bnode_labels(graph)
    lines = sorted({f"{_nt_term(s, labels)} {_nt_term(p, labels)} {_nt_term(o, labels)} .\n" for s, p, o in graph})
    return "".join(lines)


def to_nquads(ds: Dataset) -> str:
    """Deterministic N-Quads: sorted lines, blank nodes numbered per graph as in the Turtle export."""
    lines: set[str] = set()
    for index, (gid, graph) in enumerate(_named_graphs(ds)):
        labels = _bnode_labels(graph, prefix=f"g{index}b")
        g_text = "" if gid == DATASET_DEFAULT_GRAPH_ID else " " + _iri(gid)
        for s, p, o in graph:
            lines.add(f"{_nt_term(s, labels)} {_nt_term(p, labels)} {_nt_term(o, labels)}{g_text} .\n")
    return "".join(sorted(lines))


def serialize(data: Dataset | Graph, fmt: str = "turtle") -> bytes:
    """``data`` in format ``fmt`` (see :data:`FORMATS`) as UTF-8 bytes.

    Turtle, N-Triples, N-Quads and TriG are deterministic. Turtle, N-Triples, JSON-LD and RDF/XML are written from
    the union of all graphs; TriG and N-Quads keep the named graphs.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt in ("trig", "nquads"):
        ds = data if isinstance(data, Dataset) else _as_dataset(data)
        text = to_trig(ds) if fmt == "trig" else to_nquads(ds)
        return text.encode("utf-8")
    graph = data if not isinstance(data, Dataset) else _union(data)
    if fmt == "turtle":
        return to_turtle(graph).encode("utf-8")
    if fmt == "nt":
        return to_ntriples(graph).encode("utf-8")
    rdflib_format = {"jsonld": "json-ld", "xml": "pretty-xml"}[fmt]
    return graph.serialize(format=rdflib_format, encoding="utf-8")


def _union(ds: Dataset) -> Graph:
    from .load import union_graph

    return union_graph(ds)


def _as_dataset(graph: Graph) -> Dataset:
    ds = Dataset()
    for p, ns in graph.namespaces():
        ds.bind(p, ns)
    for t in graph:
        ds.add(t)
    return ds


def write_atomic(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename it into place.

    A crash or an error half-way leaves the previous file (or no file) rather than a truncated one.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


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
