"""SHACL validation of any RDF data against any shapes, with a standard ``sh:ValidationReport``.

Two engines, each for what it does right and fast (measured in ``docs/benchmarks.md``):

* SHACL Core goes to the ``shacl`` package (a Rust validator that passes the whole W3C SHACL Core test suite). It is
  given the data as N-Triples, so literals keep the lexical form and datatype they had in the files when the data
  comes from files (``dtkg shacl``); Oxigraph-backed datasets are handed over as Oxigraph stores them.
* SHACL-SPARQL constraints (``sh:sparql``) are compiled into SPARQL queries by :mod:`dtkg.shacl` and run on
  Oxigraph, which evaluates dtkg's multi-hop constraints in milliseconds where the Core engine takes minutes. They
  are removed from the shapes the Core engine sees. A SPARQL constraint in a place the compiler does not handle
  (inside a property shape, behind ``sh:node``, with ``$PATH`` or ``$shapesGraph``) is refused with
  :class:`~dtkg.shacl.UnsupportedShape`, never skipped.
"""

from __future__ import annotations

import json
import re
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from .errors import InputError
from .shacl import UnsupportedShape, _Compiler, _expand_closures, _closure
from .sparql_text import term_text

_FORMATS = {".ttl": "turtle", ".nt": "nt", ".n3": "n3", ".rdf": "xml", ".xml": "xml", ".owl": "xml",
            ".jsonld": "json-ld", ".json": "json-ld", ".trig": "trig", ".nq": "nquads"}
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


@dataclass(frozen=True)
class Finding:
    """One validation result, with rdflib terms (``path`` is the node of ``sh:resultPath`` in ``report``)."""

    focus: Node
    path: Node | None
    value: Node | None
    shape: Node | None
    component: Node
    severity: Node
    message: str


class ShaclReport:
    """A standard ``sh:ValidationReport`` as an rdflib graph, with its results as :class:`Finding` objects."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        node = graph.value(None, RDF.type, SH.ValidationReport)
        self.node = node
        self.findings = [self._finding(r) for r in graph.objects(node, SH.result)]

    def _finding(self, r: Node) -> Finding:
        g = self.graph
        return Finding(focus=g.value(r, SH.focusNode), path=g.value(r, SH.resultPath), value=g.value(r, SH.value),
                       shape=g.value(r, SH.sourceShape), component=g.value(r, SH.sourceConstraintComponent),
                       severity=g.value(r, SH.resultSeverity) or SH.Violation,
                       message=str(g.value(r, SH.resultMessage) or ""))

    @property
    def conforms(self) -> bool:
        """True when there is no result at all (SHACL 3.6.1: warnings and infos also make conforms false)."""
        return not self.findings

    def path_text(self, path: Node | None) -> str:
        """The result path in SPARQL property-path syntax (``^<p>``, ``<p>/<q>``, ``(<p>)*``…)."""
        return _path_text(self.graph, path) if path is not None else ""

    def turtle(self) -> str:
        """The report in Turtle, written by Oxigraph: rdflib's Turtle writer prints an ill-formed boolean such as
        ``"none"^^xsd:boolean`` as a bare ``none``, which is not Turtle."""
        from .terms import to_oxigraph as to_ox

        ordered = sorted(self.graph, key=lambda t: (t[0] != self.node, str(t[0]), t[1] != RDF.type, str(t[1]),
                                                    str(t[2])))
        triples = [ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in ordered]
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE,
                            prefixes={"sh": str(SH), "xsd": str(XSD), "rdf": str(RDF)}).decode("utf-8")

    def as_json(self) -> str:
        """The report as JSON: ``{"conforms": …, "results": [{focusNode, resultPath, value, …}]}``."""
        rows = [{"focusNode": _n3(f.focus), "resultPath": self.path_text(f.path) or None,
                 "value": _n3(f.value) if f.value is not None else None,
                 "sourceShape": _n3(f.shape) if f.shape is not None else None,
                 "sourceConstraintComponent": str(f.component), "resultSeverity": str(f.severity),
                 "resultMessage": f.message} for f in self.findings]
        rows.sort(key=lambda r: json.dumps(r, sort_keys=True))
        return json.dumps({"conforms": self.conforms, "results": rows}, indent=2, ensure_ascii=False) + "\n"

    def text(self) -> str:
        """One line per result: severity, focus node, path, message, value; then a summary line."""
        lines = []
        for f in self.findings:
            where = f" {self.path_text(f.path)}" if f.path is not None else ""
            value = f" [value: {_n3(f.value)}]" if f.value is not None else ""
            component = str(f.component).rsplit("#", 1)[-1]
            lines.append(f"{str(f.severity).rsplit('#', 1)[-1]}: {_n3(f.focus)}{where}: "
                         f"{f.message or component}{value}")
        lines.sort()
        lines.append("conforms" if self.conforms else f"{len(self.findings)} result(s): does not conform")
        return "\n".join(lines) + "\n"


def _n3(term: Node) -> str:
    return term.n3() if term is not None else ""


def _path_text(g: Graph, path: Node) -> str:
    if isinstance(path, URIRef):
        return f"<{path}>"
    if (path, RDF.first, None) in g:
        return "(" + "/".join(_path_text(g, p) for p in Collection(g, path)) + ")"
    for prop, fmt in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "({})*"), (SH.oneOrMorePath, "({})+"),
                      (SH.zeroOrOnePath, "({})?")):
        inner = g.value(path, prop)
        if inner is not None:
            return fmt.format(_path_text(g, inner))
    alt = g.value(path, SH.alternativePath)
    if alt is not None:
        return "(" + "|".join(_path_text(g, p) for p in Collection(g, alt)) + ")"
    return path.n3()


# ---------------------------------------------------------------------------------------------------- reading files


def read_graph(paths: Iterable[Path]) -> Graph:
    """Parse RDF files (format from the extension, Turtle by default) into one rdflib graph, original terms kept.

    rdflib keeps each literal's lexical form and datatype as written, which is what ``sh:datatype`` must see
    (``"abc"^^xsd:integer`` is ill-formed, ``"1"^^xsd:byte`` is a byte): Oxigraph would canonicalise them, and so
    would rdflib's literal normalisation (``"1"^^xsd:boolean`` to ``"true"``), switched off while parsing.
    """
    with literal_forms_kept():
        return _read(paths)


@contextmanager
def literal_forms_kept() -> Iterator[None]:
    """Within this block rdflib keeps literals as written (no normalisation, no noise about ill-formed ones).

    Ill-formed literals are data to report (``sh:datatype``), not parse errors, and ``"1"^^xsd:boolean`` is not
    the term ``true``.
    """
    import logging
    import warnings

    import rdflib

    term_log = logging.getLogger("rdflib.term")
    normalize, level = rdflib.NORMALIZE_LITERALS, term_log.level
    rdflib.NORMALIZE_LITERALS = False
    term_log.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            yield
    finally:
        rdflib.NORMALIZE_LITERALS = normalize
        term_log.setLevel(level)


def _read(paths: Iterable[Path]) -> Graph:
    g = Graph()
    for path in paths:
        path = Path(path)
        if not path.is_file():
            raise InputError(f"{path}: no such file")
        fmt = _FORMATS.get(path.suffix.lower(), "turtle")
        try:
            if fmt in ("trig", "nquads"):
                from rdflib import Dataset

                ds = Dataset()
                ds.parse(path, format=fmt)
                for s, p, o, _ in ds.quads():
                    g.add((s, p, o))
            else:
                g.parse(path, format=fmt)
        except Exception as exc:  # rdflib raises many kinds of parse errors
            raise InputError(f"{path}: not valid {fmt}: {exc}") from None
    return g


# ---------------------------------------------------------------------------------------------------- validation


def validate_graph(data: Graph | ox.Store, shapes: Graph) -> ShaclReport:
    """Validate ``data`` against ``shapes`` and return the standard validation report.

    ``data`` is an rdflib graph (its terms are given to the Core engine as they are) or an Oxigraph store (its
    union of graphs). Raises :class:`~dtkg.shacl.UnsupportedShape` for a SHACL-SPARQL constraint placed where it
    cannot be evaluated, and :class:`~dtkg.errors.InputError` for shapes the Core engine cannot read.

    The hand-over of the data and the Core engine run in a worker thread while the SPARQL constraints run on
    Oxigraph in this one: Oxigraph's dump and the Core engine release the GIL, so on a machine with two cores the
    constraints cost no extra time (measured in ``docs/benchmarks.md``).
    """
    import shacl as core  # the Rust SHACL Core engine

    sparql_shapes = _sparql_constraints(shapes)
    core_shapes = Graph()
    for triple in shapes:
        if triple[1] != SH.sparql:
            core_shapes.add(triple)
    with tempfile.TemporaryDirectory(prefix="dtkg-shacl-") as tmp:
        if isinstance(data, ox.Store):
            store: ox.Store | None = data
            path = Path(tmp) / "data.nt"
            _add_canary_shape(core_shapes)

            def data_text() -> str:
                return path.read_text(encoding="utf-8")

            def run(compiled):
                _dump(data, path)
                return compiled.validate_file(str(path), allow_warnings=False)
        else:
            store = None
            text = data.serialize(format="nt")
            if "_:" in text:  # see _report_graph: a canary blank node, first in the data, calibrates the renaming
                text = f'_:dtkgcanary <{_CANARY}> "" .\n' + text
                _add_canary_shape(core_shapes)

            def data_text() -> str:
                return text

            def run(compiled):
                return compiled.validate_text(text, format="ntriples", allow_warnings=False)
        try:
            compiled = core.Shapes.from_text(core_shapes.serialize(format="nt"), format="ntriples")
        except ValueError as exc:
            raise InputError(f"the shapes could not be read: {exc}") from None
        outcome: dict[str, object] = {}

        def core_run() -> None:
            try:
                outcome["report"] = run(compiled)
            except BaseException as exc:  # handed to the calling thread
                outcome["error"] = exc

        worker = threading.Thread(target=core_run, name="dtkg-shacl-core", daemon=True)
        worker.start()
        try:
            found = []
            if sparql_shapes:
                if store is None:
                    from .load import to_oxigraph

                    store = to_oxigraph(data)
                found = _run_sparql(sparql_shapes, shapes, store)
        finally:
            worker.join()
        error = outcome.get("error")
        if isinstance(error, ValueError):
            raise InputError(f"the shapes could not be read: {error}") from None
        if error is not None:
            raise error
        graph = _report_graph(outcome["report"].serialize("ntriples"), data_text)
    node = graph.value(None, RDF.type, SH.ValidationReport)
    for result in found:
        _add_result(graph, node, result)
    graph.set((node, SH.conforms, Literal(not any(graph.objects(node, SH.result)))))
    graph.bind("sh", SH)
    return ShaclReport(graph)


def _dump(store: ox.Store, path: Path) -> None:
    """Write the union of ``store``'s graphs to ``path`` as N-Triples, the canary blank node first.

    Oxigraph dumps each graph straight to the file (no SPARQL CONSTRUCT, no Python string of the whole graph) and
    the Core engine reads the file itself: measured at 1M triples, this hand-over takes a fraction of the time of
    the former CONSTRUCT, serialise, decode and copy. A triple held in several graphs is written once per graph;
    the engine reads a set of triples, so the union is the same.
    """
    with path.open("wb") as fh:
        fh.write(f'_:dtkgcanary <{_CANARY}> "" .\n'.encode("ascii"))
        for graph in [*store.named_graphs(), ox.DefaultGraph()]:
            store.dump(fh, format=ox.RdfFormat.N_TRIPLES, from_graph=graph)


def _add_canary_shape(shapes: Graph) -> None:
    shapes.add((URIRef(_CANARY + "-shape"), SH.targetSubjectsOf, URIRef(_CANARY)))
    shapes.add((URIRef(_CANARY + "-shape"), SH.nodeKind, SH.IRI))


_DATA_BNODE = re.compile(r"0_b(\d+)")
_CANARY = "urn:x-dtkg:blank-node-canary"


def _report_graph(report: str, data: Callable[[], str]) -> Graph:
    """The Core engine's report as an rdflib graph whose focus nodes and values are the data's own blank nodes.

    The engine renames the blank nodes of the data graph ``0_bN`` with N counting up in the order they first appear
    in the N-Triples it was given (subject before object), from an offset that depends on the shapes. A canary blank
    node put first in the data, and a shape that reports it, give the offset; reading the data text in the same
    order then maps every label back, so a result about a blank node can be traced to it. The canary's own result
    is dropped. (Checked by the tests against pyshacl on dtkg's shapes and on the W3C suite.) ``data`` gives the
    data text, read only when a result names a blank node of the data.
    """
    from .terms import to_rdflib

    labels: list[str] | None = None
    parsed = list(ox.parse(report.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
    canary_results = {q.subject for q in parsed if q.predicate.value == str(SH.sourceShape)
                      and getattr(q.object, "value", "") == _CANARY + "-shape"}
    offset = 0
    for q in parsed:
        if q.subject in canary_results and q.predicate.value == str(SH.focusNode):
            offset = int(_DATA_BNODE.fullmatch(q.object.value).group(1))
    parsed = [q for q in parsed if q.subject not in canary_results and q.object not in canary_results]

    def term(t):
        nonlocal labels
        if isinstance(t, ox.BlankNode):
            m = _DATA_BNODE.fullmatch(t.value)
            if m:
                if labels is None:
                    labels = _blank_labels(data())
                index = int(m.group(1)) - offset
                if not 0 <= index < len(labels):
                    raise RuntimeError(f"blank node _:{t.value} of the validation report is not in the data")
                return BNode(labels[index])
            return BNode("report_" + t.value)
        return to_rdflib(t)

    g = Graph()
    with literal_forms_kept():
        for q in parsed:
            g.add((term(q.subject), term(q.predicate), term(q.object)))
    return g


def _blank_labels(ntriples: str) -> list[str]:
    seen: dict[str, None] = {}
    for line in ntriples.splitlines():
        if line.startswith("_:"):
            seen.setdefault(line[2:line.index(" ")], None)
        if line.endswith(" .") and " _:" in line:
            tail = line[:-2].rstrip()
            start = tail.rfind(" _:")
            if start > 0 and " " not in tail[start + 1:]:
                seen.setdefault(tail[start + 3:], None)
    return list(seen)


def _active(shapes: Graph, node: Node) -> bool:
    return shapes.value(node, SH.deactivated) != Literal(True)


def _sparql_constraints(shapes: Graph) -> list[tuple[Node, Node]]:
    """(shape, constraint) for every active ``sh:sparql`` constraint; refuses the ones that cannot be evaluated."""
    out = []
    referenced = set(shapes.objects(None, SH.node)) | set(shapes.objects(None, SH.property)) \
        | set(shapes.objects(None, SH.qualifiedValueShape)) | set(shapes.objects(None, SH["not"]))
    for coll_prop in (SH["and"], SH["or"], SH.xone):
        for head in shapes.objects(None, coll_prop):
            referenced.update(Collection(shapes, head))
    for shape, constraint in shapes.subject_objects(SH.sparql):
        if not _active(shapes, shape) or not _active(shapes, constraint):
            continue
        select = shapes.value(constraint, SH.select)
        if select is None:
            raise UnsupportedShape(f"shape {shape}: sh:sparql without sh:select is not supported")
        if shape in referenced or shapes.value(shape, SH.path) is not None:
            raise UnsupportedShape(f"shape {shape}: sh:sparql in a property shape or a shape used by another shape "
                                   "is not supported")
        if re.search(r"\$(PATH|shapesGraph|currentShape)\b", str(select)):
            raise UnsupportedShape(f"shape {shape}: $PATH, $shapesGraph and $currentShape in sh:sparql are not "
                                   "supported")
        out.append((shape, constraint))
    return out


def _target_pattern(shapes: Graph, shape: Node) -> str | None:
    """A SPARQL pattern binding ?this to every focus node of ``shape`` (all SHACL target kinds)."""
    parts = []
    classes = list(shapes.objects(shape, SH.targetClass))
    if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")) \
            in shapes:
        classes.append(shape)
    if classes:
        parts.append(f"{{ VALUES ?target {{ {_closure(classes)} }} ?this "
                     f"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ?target }}")
    nodes = list(shapes.objects(shape, SH.targetNode))
    if nodes:
        parts.append("{ VALUES ?this { " + " ".join(term_text(n) for n in nodes) + " } }")
    for p in shapes.objects(shape, SH.targetSubjectsOf):
        parts.append(f"{{ SELECT DISTINCT ?this WHERE {{ ?this {term_text(p)} [] }} }}")
    for p in shapes.objects(shape, SH.targetObjectsOf):
        parts.append(f"{{ SELECT DISTINCT ?this WHERE {{ [] {term_text(p)} ?this }} }}")
    if not parts:
        return None
    return " UNION ".join(parts)


@dataclass(frozen=True)
class _SparqlResult:
    focus: Node
    shape: Node
    constraint: Node
    severity: Node
    message: str


def _run_sparql(constraints: list[tuple[Node, Node]], shapes: Graph, store: ox.Store) -> list[_SparqlResult]:
    from .terms import to_rdflib

    compiler = _Compiler(shapes)
    closures: dict[str, str] = {}
    found = []
    for shape, constraint in constraints:
        target = _target_pattern(shapes, shape)
        if target is None:
            continue  # a shape without targets has no focus nodes of its own
        check = compiler.compile_sparql(constraint, target)
        query = _expand_closures(check.query, store, closures)
        severity = shapes.value(shape, SH.severity) or SH.Violation
        for row in store.query(query, use_default_graph_as_union=True):
            message = check.message
            for var in check.template_vars:
                term = row[var]
                message = message.replace("{?" + var + "}", term.value if term is not None else "")
                message = message.replace("{$" + var + "}", term.value if term is not None else "")
            found.append(_SparqlResult(to_rdflib(row["this"]), shape, constraint, severity, message))
    return found


def _add_result(report: Graph, node: Node, result: _SparqlResult) -> None:
    r = BNode()
    report.add((node, SH.result, r))
    report.add((r, RDF.type, SH.ValidationResult))
    report.add((r, SH.focusNode, result.focus))
    report.add((r, SH.sourceShape, result.shape))
    report.add((r, SH.sourceConstraint, result.constraint))
    report.add((r, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
    report.add((r, SH.resultSeverity, result.severity))
    report.add((r, SH.resultMessage, Literal(result.message)))


def validate_files(data: Iterable[Path], shapes: Iterable[Path] = ()) -> ShaclReport:
    """Validate RDF files against shapes files (default: the shapes held in the data files themselves)."""
    data_graph = read_graph(data)
    shapes_list = list(shapes)
    shapes_graph = read_graph(shapes_list) if shapes_list else data_graph
    return validate_graph(data_graph, shapes_graph)
