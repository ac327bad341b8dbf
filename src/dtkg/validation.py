"""Validation: SHACL shapes plus the provenance checks of :mod:`dtkg.provenance`, as one readable report."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Dataset, Graph
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from .labels import describe, label_of, short_name
from .errors import InputError
from .load import to_oxigraph, union_graph
from .provenance import SourceProblem, check_identifiers, check_sources
from .resources import seed_data_dir, shapes_file


@dataclass(frozen=True, order=True)
class Violation:
    """One problem, said the way a person fixes it: which resource, which property, what is wrong."""

    focus_label: str
    focus: str
    path: str
    message: str
    value: str = ""
    severity: str = "Violation"

    def line(self) -> str:
        """``label (prefix:name) — property: message [value]`` on one line."""
        value = f" [value: {self.value}]" if self.value else ""
        focus = f"{self.focus_label} ({self.focus})" if self.focus_label != self.focus else self.focus
        return f"{focus} — {self.path}: {self.message}{value}"


@dataclass
class Report:
    """The outcome of :func:`validate`: ``conforms`` is False when any violation was found."""

    violations: list[Violation] = field(default_factory=list)
    checked_triples: int = 0

    @property
    def conforms(self) -> bool:
        return not any(v.severity == "Violation" for v in self.violations)

    def lines(self) -> list[str]:
        """The report as readable lines, sorted by resource."""
        return [v.line() for v in sorted(self.violations)]


def load_shapes(path: Path | None = None) -> Graph:
    """The SHACL shapes graph (``ontology/shapes.ttl`` unless ``path`` is given)."""
    return Graph().parse(path or shapes_file(), format="turtle")


def validate(
    data: Dataset | Graph,
    *,
    source_dirs: Iterable[Path | str] | None = None,
    shapes: Graph | None = None,
    engine: str = "shacl",
) -> Report:
    """Validate ``data`` against the SHACL shapes and check its sources and quotes.

    ``engine="shacl"`` (default) is the engine of ``dtkg shacl`` (:mod:`dtkg.shacl_check`: SHACL Core by the
    ``shacl`` package, SPARQL constraints on Oxigraph), complete and fast; ``engine="sparql"`` evaluates the subset
    of SHACL that dtkg's own shapes use as SPARQL queries on Oxigraph (see :mod:`dtkg.shacl`); ``engine="pyshacl"``
    uses pyshacl, the reference implementation, for small graphs. All give the same report on dtkg's shapes. ``source_dirs`` are the data folders in which ``dtkg:localFile`` paths are looked up (default: the
    seed data folder). The ontology may be part of ``data``: the shapes only target instances.
    """
    folders = [Path(d) for d in source_dirs] if source_dirs is not None else [seed_data_dir()]
    shapes_graph = shapes if shapes is not None else load_shapes()
    if engine == "pyshacl":
        graph = union_graph(data) if isinstance(data, Dataset) else data
        found = _pyshacl(graph, shapes_graph)
        checked = len(graph)
    elif engine == "shacl":
        from concurrent.futures import ThreadPoolExecutor

        from .shacl_check import validate_graph

        store = to_oxigraph(data)
        graph = data
        # The provenance checks only read the graph: they run while the Core engine, which releases the GIL,
        # validates in its own thread.
        with ThreadPoolExecutor(1, thread_name_prefix="dtkg-provenance") as pool:
            checks = pool.submit(_provenance_problems, graph, folders)
            results = validate_graph(store, shapes_graph).graph
            problems = checks.result()
        found = {_from_shacl(graph, results, r) for r in results.subjects(RDF.type, SH.ValidationResult)}
        checked = len(store)
    elif engine == "sparql":
        from .shacl import compile_shapes

        store = to_oxigraph(data)
        graph = data
        found = set()
        for result in compile_shapes(shapes_graph).run(store):
            found.add(_violation(graph, result.focus, result.path, result.value, result.message))
        checked = len(store)
    else:
        raise InputError(f"unknown validation engine {engine!r}; choose shacl, sparql or pyshacl")
    if engine != "shacl":
        problems = _provenance_problems(graph, folders)
    for problem in problems:
        focus_label, focus = describe(graph, problem.focus)
        found.add(Violation(focus_label=focus_label, focus=focus, path=short_name(graph, problem.prop),
                            message=problem.message, value=str(problem.value) if problem.value is not None else ""))
    return Report(violations=sorted(found), checked_triples=checked)


def _provenance_problems(graph: Graph, folders: list[Path]) -> list[SourceProblem]:
    return [*check_sources(graph, folders), *check_identifiers(graph)]


def _pyshacl(graph: Graph, shapes: Graph) -> set[Violation]:
    from pyshacl import validate as shacl_validate  # imported here: pyshacl is slow to import

    _, results, _ = shacl_validate(graph, shacl_graph=shapes, inference="none", abort_on_first=False,
                                   allow_warnings=True, advanced=True)
    return {_from_shacl(graph, results, r) for r in results.subjects(RDF.type, SH.ValidationResult)}


def _violation(graph: Graph, focus: Node, path: Node | None, value: Node | None, message: str) -> Violation:
    focus_label, focus_name = describe(graph, focus)
    if path is None:
        path_text = "(resource)"
    elif hasattr(path, "iri"):  # shacl.InversePath
        path_text = "^" + short_name(graph, path.iri)
    else:
        path_text = short_name(graph, path)
    return Violation(
        focus_label=focus_label, focus=focus_name, path=path_text, message=message,
        value=_value_text(graph, value) if value is not None and value != focus else "",
    )


def _value_text(graph: Graph, value: Node) -> str:
    if isinstance(value, BNode):
        return describe(graph, value)[1]
    return label_of(graph, value)


def _from_shacl(graph: Graph, results: Graph, result: Node) -> Violation:
    focus = results.value(result, SH.focusNode)
    path = results.value(result, SH.resultPath)
    value = results.value(result, SH.value)
    message = results.value(result, SH.resultMessage)
    severity = results.value(result, SH.resultSeverity)
    if path is None:
        path_text = "(resource)"
    elif isinstance(path, Node) and (path, SH.inversePath, None) in results:
        path_text = "^" + short_name(graph, results.value(path, SH.inversePath))
    else:
        path_text = short_name(graph, path)
    focus_label, focus_name = describe(graph, focus)
    return Violation(
        focus_label=focus_label,
        focus=focus_name,
        path=path_text,
        message=str(message) if message is not None else _component_message(results.value(result,
                                                                               SH.sourceConstraintComponent)),
        value=_value_text(graph, value) if value is not None and value != focus else "",
        severity=short_name(graph, severity).split(":")[-1] if severity is not None else "Violation",
    )


def _component_message(component: Node | None) -> str:
    """``does not satisfy sh:minCount`` for a result without ``sh:message`` (the wording of :mod:`dtkg.shacl`)."""
    if component is None:
        return "does not conform"
    name = str(component).rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
    return f"does not satisfy sh:{name[:1].lower()}{name[1:]}"
