"""The command line as a user meets it: the main job, errors without tracebacks, help everywhere."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from dtkg.cli import cli


def test_build_writes_the_graph_and_prints_a_summary(dtkg, tmp_path: Path, seed_graph):
    out = tmp_path / "out"
    result = dtkg("build", "--out", str(out))
    assert result.code == 0, result
    assert isomorphic(Graph().parse(out / "graph.ttl", format="turtle"), seed_graph)
    lines = result.out
    assert f"Wrote {out / 'graph.ttl'}" in lines
    assert f"│ triples                           │ {len(seed_graph)}" in lines
    assert "│ organisations                     │ 6 " in lines
    assert "│ people                            │ 7 " in lines
    assert "│ places                            │ 2 " in lines
    assert "│ grants                            │ 3 " in lines
    assert "│ granted by Région Hauts-de-France │ 120 000 € (2 grants)" in lines


def test_build_rejects_a_malformed_file_and_writes_nothing(dtkg, tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.ttl").write_text("previous build")
    bad = tmp_path / "extra"
    bad.mkdir()
    (bad / "new-facts.ttl").write_text('@prefix ex: <http://example.org/> .\nex:a ex:b "oops .\n', encoding="utf-8")
    result = dtkg("build", "--data", str(bad), "--out", str(out))
    assert result.code == 2
    assert result.err.strip() == (f"error: {bad / 'new-facts.ttl'}:2: bad turtle syntax: newline found in string "
                                  "literal (near: 'ex:a ex:b \"oops .')")
    assert "Traceback" not in result.err
    assert (out / "graph.ttl").read_text() == "previous build"
    assert sorted(p.name for p in out.iterdir()) == ["graph.ttl"]


def test_build_rejects_invalid_data_and_names_the_resource(dtkg, tmp_path: Path):
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "grant.ttl").write_text("""
@prefix schema: <https://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/dtkg/id/grant/test> a schema:MonetaryGrant ;
    rdfs:label "Aide sans montant"@fr ;
    schema:funder <https://w3id.org/dtkg/id/organisation/cud> .
""", encoding="utf-8")
    out = tmp_path / "out"
    result = dtkg("build", "--data", str(extra), "--out", str(out))
    assert result.code == 1
    assert "Aide sans montant (grant:test) — schema:amount: a grant has exactly one schema:amount" in result.err
    # a grant that names no beneficiary is only a warning (its money is counted as paid to an unidentified
    # beneficiary), not one of the violations
    assert "3 violation(s)" in result.err and "beneficiary" not in result.err
    assert not out.exists()


def test_validate(dtkg, data_copy: Path):
    ok = dtkg("validate")
    assert ok.code == 0 and ok.out.startswith("Valid: ")
    ttl = data_copy / "reference.ttl"
    ttl.write_text(ttl.read_text(encoding="utf-8").replace('igeo:codeINSEE "59094"', 'igeo:codeINSEE "5909"'),
                   encoding="utf-8")
    bad = dtkg("validate", "--no-seed", "--data", str(data_copy), "--territory", "none")
    assert bad.code == 1
    assert bad.out.splitlines() == ["Bourbourg (commune:59094) — igeo:codeINSEE: a commune has exactly one INSEE code: "
                                    "5 characters, digits (2A/2B for Corsica) [value: 5909]"]
    # with the territorial reference, commune:59094 also has its true code: two codes, and one of them malformed
    both = dtkg("validate", "--no-seed", "--data", str(data_copy))
    assert both.code == 1
    assert both.out.splitlines() == [
        "Bourbourg (commune:59094) — igeo:codeINSEE: a commune has exactly one INSEE code: 5 characters, digits "
        "(2A/2B for Corsica)",
        "Bourbourg (commune:59094) — igeo:codeINSEE: a commune has exactly one INSEE code: 5 characters, digits "
        "(2A/2B for Corsica) [value: 5909]"]


def test_query_saved_by_name_in_every_format(dtkg):
    table = dtkg("query", "network-places")
    assert table.code == 0
    assert "SPARKLAB" in table.out and "59183" in table.out and "2 rows" in table.out
    csv_out = dtkg("query", "network-places", "--format", "csv").out.splitlines()
    assert csv_out[0] == "networkLabel,placeLabel,communeLabel,codeINSEE"
    assert csv_out[1] == "Réseau de tiers-lieux du numérique de Dunkerque et Bourbourg,L'ATELIER,Bourbourg,59094"
    tsv_out = dtkg("query", "network-places", "--format", "tsv").out.splitlines()
    assert tsv_out[0] == "?networkLabel\t?placeLabel\t?communeLabel\t?codeINSEE"
    data = json.loads(dtkg("query", "network-places", "--format", "json").out)
    assert [b["codeINSEE"]["value"] for b in data["results"]["bindings"]] == ["59094", "59183"]


def test_query_file_string_and_param(dtkg, tmp_path: Path):
    rq = tmp_path / "people.rq"
    rq.write_text("PREFIX foaf: <http://xmlns.com/foaf/0.1/>\nSELECT ?n WHERE { ?p foaf:name ?n } ORDER BY ?n\n")
    assert dtkg("query", str(rq), "--format", "csv").out.splitlines() == [
        "n", "Florence Timmerman", "Isabelle Kerkhof", "Serge Roger", "Xavier Bertrand"]
    inline = dtkg("query", "SELECT ?n WHERE { ?p <http://xmlns.com/foaf/0.1/name> ?n FILTER (?n = ?who) }",
                  "--param", "who=Serge Roger", "--format", "csv")
    assert inline.out.splitlines() == ["n", "Serge Roger"]
    quote = dtkg("query", "quote-behind-fact", "--param", "fact=place:sparklab-dunkerque", "--format", "csv")
    assert "du SPARKLAB à Dunkerque" in quote.out


def test_query_errors_are_clear(dtkg, tmp_path: Path):
    missing = dtkg("query", str(tmp_path / "nope.rq"))
    assert missing.code == 2 and missing.err.startswith(f"error: {tmp_path / 'nope.rq'}: no such query file")
    service = dtkg("query", "SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }")
    assert service.code == 2 and "SERVICE is refused" in service.err
    nothing = dtkg("query")
    assert nothing.code == 2 and "give a QUERY" in nothing.err


def test_query_list(dtkg):
    listing = dtkg("query", "--list")
    assert listing.code == 0
    assert "total-by-funder" in listing.out and "How much has each funder granted in total?" in listing.out


def test_construct_prints_turtle(dtkg):
    result = dtkg("query", "CONSTRUCT { ?s a <http://www.w3.org/ns/org#Site> } WHERE { ?s a <http://www.w3.org/ns/org#Site> }")
    assert result.code == 0
    assert "place:atelier-bourbourg\n    a org:Site ." in result.out


def test_export_to_stdout_and_file(dtkg, tmp_path: Path, seed_graph):
    stdout = dtkg("export")
    assert stdout.code == 0 and stdout.out.startswith("@prefix ")
    target = tmp_path / "graph.trig"
    written = dtkg("export", "-o", str(target))
    assert written.code == 0 and target.read_text(encoding="utf-8").count("GRAPH ") == 6  # 5 files + the territorial layer
    nt = tmp_path / "graph.txt"
    assert dtkg("export", "--format", "nt", "-o", str(nt)).code == 0
    assert isomorphic(Graph().parse(nt, format="nt"), seed_graph)


def test_base_option(dtkg):
    result = dtkg("--base", "https://data.example.fr/id/", "query",
                  "SELECT ?o WHERE { ?o <https://w3id.org/dtkg/ontology#siren> \"245900428\" }", "--format", "csv")
    assert result.out.splitlines() == ["o", "https://data.example.fr/id/organisation/cud"]
    bad = dtkg("--base", "nope", "build")
    assert bad.code == 2 and "must start with http" in bad.err


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield prefix + (name,), command
        if isinstance(command, click.Group):
            yield from all_commands(command, prefix + (name,))


def test_every_command_has_help(dtkg):
    commands = list(all_commands(cli))
    assert {"build", "validate", "query", "export"} <= {path[0] for path, _ in commands}
    for path, command in commands:
        result = dtkg(*path, "--help")
        assert result.code == 0, path
        assert "Usage: dtkg " + " ".join(path) in result.out
        assert (command.help or "").strip(), path
        for param in command.params:
            if isinstance(param, click.Option) and param.name != "help":
                assert param.help, f"{' '.join(path)} {param.opts[0]} has no help text"


def test_console_script_is_installed():
    """The `dtkg` console script of pyproject.toml runs (as the README's install command provides it)."""
    exe = Path(sys.executable).parent / "dtkg"
    result = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "dtkg, version 0.1.0"


def test_build_and_validate_say_the_same_count_and_build_says_it_wrote_the_store(dtkg, tmp_path: Path):
    from dtkg.load import load_dataset
    from dtkg.summary import count_triples

    triples = count_triples(load_dataset())
    checked = dtkg("validate")
    built = dtkg("build", "--store", str(tmp_path / "store"), "--out", str(tmp_path / "out"), "--no-views")
    assert checked.code == 0 and built.code == 0, built
    line = checked.out.splitlines()[0]
    assert line == built.out.splitlines()[0]
    assert line.startswith(f"Valid: {triples} triples (ontology, seed and data folders")
    assert f"Wrote the store {tmp_path / 'store'} ({triples} triples" in built.out
    assert (tmp_path / "store").is_dir()
