"""A runner for the W3C SHACL Core test suite (vendored in tests/w3c-shacl-core, see its README for origin and
licence): each test's data and shapes go through an engine that returns (exit code, Turtle report), and the report
is compared with the expected one: ``sh:conforms`` and the multiset of (focus node, result path, value, source
shape, constraint component, severity), blank nodes compared as blank nodes and paths by their structure.

Outcomes: ``pass``; ``refused`` (exit code 2 and a message naming what is not supported); ``wrong`` (anything else).
Used by tests/test_w3c_shacl.py for dtkg and by benchmarks/bench_shacl.py for the other engines.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

SUITE = Path(__file__).parent / "w3c-shacl-core"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SHT = "http://www.w3.org/ns/shacl-test#"


@dataclass(frozen=True)
class Case:
    name: str
    data: Path
    shapes: Path | None  # None: the shapes are in the data file
    expected: Graph
    report: object  # the expected report node, or sht:Failure


def cases(manifest: Path = SUITE / "manifest.ttl") -> Iterator[Case]:
    from dtkg.shacl_check import literal_forms_kept

    with literal_forms_kept():  # compare literals as written: "none"^^xsd:boolean is not false
        g = Graph().parse(manifest, format="turtle")
    for inc in sorted(g.objects(None, URIRef(MF + "include")), key=str):
        yield from cases(Path(str(inc).removeprefix("file://")))
    for entry in g.objects(None, URIRef(MF + "entries")):
        for test in Collection(g, entry):
            yield _case(manifest, g, test)


def _case(file: Path, g: Graph, test: URIRef) -> Case:
    action = g.value(test, URIRef(MF + "action"))
    data = Path(str(g.value(action, URIRef(SHT + "dataGraph"))).removeprefix("file://"))
    shapes = Path(str(g.value(action, URIRef(SHT + "shapesGraph"))).removeprefix("file://"))
    return Case(name=f"{file.parent.name}/{file.stem}", data=data, shapes=None if shapes == data else shapes,
                expected=g, report=g.value(test, URIRef(MF + "result")))


def _term(g: Graph, t) -> object:
    if t is None:
        return None
    if isinstance(t, BNode):
        if (t, RDF.first, None) in g:
            return ("seq", tuple(_term(g, x) for x in Collection(g, t)))
        for p in (SH.inversePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath):
            inner = g.value(t, p)
            if inner is not None:
                return (str(p), _term(g, inner))
        alt = g.value(t, SH.alternativePath)
        if alt is not None:
            return ("alt", tuple(_term(g, x) for x in Collection(g, alt)))
        return "_:blank"
    if isinstance(t, URIRef):
        return str(t)
    return (str(t), str(t.datatype or ""), t.language or "")


def summary(g: Graph, report) -> tuple[bool, Counter]:
    """(conforms, multiset of result keys) of a validation report node in ``g``."""
    conforms = g.value(report, SH.conforms).toPython()
    keys = Counter()
    for r in g.objects(report, SH.result):
        keys[tuple(_term(g, g.value(r, p)) for p in (SH.focusNode, SH.resultPath, SH.value, SH.sourceShape,
                                                      SH.sourceConstraintComponent, SH.resultSeverity))] += 1
    return bool(conforms), keys


Engine = Callable[[Path, "Path | None"], tuple[int, str]]


def judge(case: Case, engine: Engine) -> tuple[str, str]:
    """(outcome, detail) of one case: pass, refused or wrong."""
    try:
        code, out = engine(case.data, case.shapes)
    except Exception as exc:  # an engine that crashes answers nothing: wrong, with the reason
        return "wrong", f"crashed: {type(exc).__name__}: {exc}"
    if case.report == URIRef(SHT + "Failure"):
        return ("pass", "") if code == 2 else ("wrong", f"expected a failure, exit {code}")
    if code == 2:
        return ("refused", out.strip()) if "not supported" in out or "unsupported" in out else \
            ("wrong", f"exit 2 without naming an unsupported feature: {out.strip()}")
    from dtkg.shacl_check import literal_forms_kept

    with literal_forms_kept():
        got = Graph().parse(data=out, format="turtle")
    report = got.value(None, RDF.type, SH.ValidationReport)
    if report is None:
        return "wrong", "no sh:ValidationReport in the output"
    expected = summary(case.expected, case.report)
    actual = summary(got, report)
    if actual != expected:
        return "wrong", f"expected {expected}, got {actual}"
    if code != (0 if expected[0] else 1):
        return "wrong", f"exit code {code} for conforms={expected[0]}"
    return "pass", ""


def dtkg_engine(data: Path, shapes: Path | None) -> tuple[int, str]:
    """``dtkg shacl DATA [--shapes SHAPES] --format turtle`` through the command line (in this process)."""
    from click.testing import CliRunner

    from dtkg.cli import cli

    args = ["shacl", str(data), "--format", "turtle"] + (["--shapes", str(shapes)] if shapes else [])
    result = CliRunner().invoke(cli, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        from dtkg.errors import DtkgError

        if isinstance(result.exception, DtkgError):
            return result.exception.exit_code, str(result.exception)
        raise result.exception
    return result.exit_code, result.stdout


def pyshacl_engine(data: Path, shapes: Path | None) -> tuple[int, str]:
    """pyshacl 0.40 (the reference implementation), as its command line runs it."""
    from pyshacl import validate

    conforms, report, _ = validate(str(data), shacl_graph=str(shapes or data), inference="none",
                                   data_graph_format="turtle", shacl_graph_format="turtle")
    return (0 if conforms else 1), report.serialize(format="turtle")


def run(engine: Engine) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {"pass": [], "refused": [], "wrong": []}
    for case in cases():
        outcome, detail = judge(case, engine)
        out[outcome].append((case.name, detail))
    return out


if __name__ == "__main__":
    engine = {"dtkg": dtkg_engine, "pyshacl": pyshacl_engine}[sys.argv[1] if len(sys.argv) > 1 else "dtkg"]
    result = run(engine)
    for name, detail in result["wrong"] + result["refused"]:
        print(name, detail[:300])
    print({k: len(v) for k, v in result.items()})
