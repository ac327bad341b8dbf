"""`dtkg shacl DATA… [--shapes] [--format]`: the standard report, exit codes, refusals, and the suite runner's teeth."""

from __future__ import annotations

import json

from click.testing import CliRunner
from rdflib import Graph, Literal
from rdflib.namespace import RDF, SH

from dtkg.cli import cli
from shacl_suite import cases, judge

SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:AgeShape a sh:NodeShape ; sh:targetClass ex:Person ;
  sh:property [ sh:path ex:age ; sh:datatype xsd:byte ; sh:maxCount 1 ] .
"""
DATA = """@prefix ex: <http://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:ann a ex:Person ; ex:age "42"^^xsd:byte .
ex:bob a ex:Person ; ex:age "300"^^xsd:byte .
ex:cid a ex:Person ; ex:age "abc"^^xsd:integer .
"""


def run(tmp_path, data, shapes=None, *extra):
    (tmp_path / "data.ttl").write_text(data)
    args = ["shacl", str(tmp_path / "data.ttl"), *extra]
    if shapes is not None:
        (tmp_path / "shapes.ttl").write_text(shapes)
        args += ["--shapes", str(tmp_path / "shapes.ttl")]
    return CliRunner().invoke(cli, args)


def test_turtle_report_is_a_standard_validation_report(tmp_path):
    result = run(tmp_path, DATA, SHAPES, "--format", "turtle")
    assert result.exit_code == 1
    g = Graph().parse(data=result.stdout, format="turtle")
    report = g.value(None, RDF.type, SH.ValidationReport)
    assert g.value(report, SH.conforms) == Literal(False)
    found = {(str(g.value(r, SH.focusNode)).rsplit("/", 1)[-1], str(g.value(r, SH.value)))
             for r in g.objects(report, SH.result)}
    # a valid byte kept as a byte (Oxigraph would have made it an xsd:integer); 300 is not a byte; "abc" is not a byte
    assert found == {("bob", "300"), ("cid", "abc")}
    for r in g.objects(report, SH.result):
        assert g.value(r, SH.sourceConstraintComponent) == SH.DatatypeConstraintComponent
        assert g.value(r, SH.resultSeverity) == SH.Violation
        assert str(g.value(r, SH.resultPath)) == "http://example.org/age"


def test_conforming_data_exits_0_and_json_format(tmp_path):
    result = run(tmp_path, DATA.split("ex:bob")[0], SHAPES, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"conforms": True, "results": []}


def test_shapes_default_to_the_data_files(tmp_path):
    result = run(tmp_path, SHAPES + DATA.split("\n", 1)[1])
    assert result.exit_code == 1
    assert "DatatypeConstraintComponent" in result.stdout and "[value: \"300\"" in result.stdout


def test_bad_input_exits_2_with_the_file_named(tmp_path):
    result = run(tmp_path, "this is not turtle", SHAPES)
    assert result.exception.exit_code == 2  # what `dtkg` (cli.main) exits with
    assert "data.ttl" in str(result.exception)


def test_unsupported_sparql_placement_is_refused(tmp_path):
    shapes = SHAPES.replace("sh:maxCount 1 ]", "sh:maxCount 1 ; sh:sparql [ sh:select \"SELECT $this WHERE { }\" ] ]")
    result = run(tmp_path, DATA, shapes)
    assert result.exception.exit_code == 2
    assert "not supported" in str(result.exception)


def test_sparql_constraint_with_any_target(tmp_path):
    shapes = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
    ex:S a sh:NodeShape ; sh:targetNode ex:bob ; sh:targetSubjectsOf ex:knows ;
      sh:sparql [ sh:message "{$this} is too old" ;
                  sh:select "SELECT $this WHERE { $this <http://example.org/age> ?a FILTER (STR(?a) = '300') }" ] ."""
    result = run(tmp_path, DATA + "ex:ann ex:knows ex:cid .\n", shapes, "--format", "json")
    assert result.exit_code == 1
    rows = json.loads(result.stdout)["results"]
    assert [(r["focusNode"], r["resultMessage"]) for r in rows] == [("<http://example.org/bob>",
                                                                     "http://example.org/bob is too old")]


def test_the_suite_runner_catches_a_silent_conforms():
    def silent(data, shapes):
        return 0, "[] a <http://www.w3.org/ns/shacl#ValidationReport> ; <http://www.w3.org/ns/shacl#conforms> true ."

    outcomes = [judge(case, silent)[0] for case in cases()]
    assert outcomes.count("wrong") >= 70 and "refused" not in outcomes
