"""Validation: SHACL shapes plus the provenance checks of :mod:`dtkg.provenance`, as one readable report."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from .labels import describe, label_of, short_name
from .load import union_graph
from .provenance import check_identifiers, check_sources
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
) -> Report:
    """Validate ``data`` against the SHACL shapes and check its sources and quotes.

    ``source_dirs`` are the data folders in which ``dtkg:localFile`` paths are looked up (default: the seed data
    folder). The ontology may be part of ``data``: the shapes only target instances.
    """
    from pyshacl import validate as shacl_validate  # imported here: pyshacl is slow to import

    graph = union_graph(data) if isinstance(data, Dataset) else data
    folders = [Path(d) for d in source_dirs] if source_dirs is not None else [seed_data_dir()]
    _, results, _ = shacl_validate(
        graph, shacl_graph=shapes if shapes is not None else load_shapes(), inference="none",
        abort_on_first=False, allow_warnings=True, advanced=True,
    )
    report = Report(checked_triples=len(graph))
    found = {_from_shacl(graph, results, r) for r in results.subjects(RDF.type, SH.ValidationResult)}
    for problem in [*check_sources(graph, folders), *check_identifiers(graph)]:
        focus_label, focus = describe(graph, problem.focus)
        found.add(Violation(focus_label=focus_label, focus=focus, path=short_name(graph, problem.prop),
                            message=problem.message, value=str(problem.value) if problem.value is not None else ""))
    report.violations = sorted(found)
    return report


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
        message=str(message) if message is not None else "does not conform",
        value=label_of(graph, value) if value is not None and value != focus else "",
        severity=short_name(graph, severity).split(":")[-1] if severity is not None else "Violation",
    )
