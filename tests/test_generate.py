"""The synthetic data generator of the scale benchmark: about the requested size, deterministic, and valid for dtkg
(SHACL shapes, SIREN checksums) together with the seed data."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from dtkg.load import load_dataset
from dtkg.provenance import siren_is_valid
from dtkg.query import run_query
from dtkg.validation import validate
from conftest import REPO


def _generator():
    spec = importlib.util.spec_from_file_location("dtkg_bench_generate", REPO / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("synthetic")
    return out, _generator().generate(10_000, out, seed=0)


def _store(folder: Path) -> ox.Store:
    store = ox.Store()
    for path in sorted(folder.glob("*.ttl")):
        store.bulk_load(path=path, format=ox.RdfFormat.TURTLE)
    return store


def test_size_is_as_requested(generated):
    folder, manifest = generated
    store = _store(folder)
    assert len(store) == manifest["triples"]  # the generator counts exactly what it writes
    assert 9_000 <= len(store) <= 11_000
    counts = manifest["counts"]
    assert counts["grants"] > 5 * counts["communes"] and counts["organisations"] > counts["communes"]
    assert all(counts[k] > 0 for k in ("communes", "organisations", "people", "memberships", "places", "networks",
                                       "grants", "shares"))


def test_passes_dtkg_validation_with_the_seed_data(generated):
    folder, _ = generated
    ds = load_dataset([folder])
    report = validate(ds)
    assert report.conforms, report.lines()[:20]
    assert report.violations == []


def test_identifiers_are_valid_and_unique(generated):
    folder, manifest = generated
    store = _store(folder)
    sirens = [s["s"].value for s in store.query(
        "SELECT ?s WHERE { ?o <https://w3id.org/dtkg/ontology#siren> ?s }")]
    assert len(sirens) == manifest["counts"]["organisations"] == len(set(sirens))
    assert all(siren_is_valid(s) for s in sirens)
    codes = [s["c"].value for s in store.query("SELECT ?c WHERE { ?x <http://rdf.insee.fr/def/geo#codeINSEE> ?c }")]
    assert len(codes) == len(set(codes)) == manifest["counts"]["communes"]
    assert all(re.fullmatch(r"[0-9]{5}", c) for c in codes) and not {"59094", "59183"} & set(codes)


def test_deterministic(generated, tmp_path):
    folder, manifest = generated
    again = _generator().generate(10_000, tmp_path, seed=0)
    assert again["files"] == manifest["files"]
    for name in manifest["files"]:
        assert (tmp_path / name).read_bytes() == (folder / name).read_bytes()


def test_probes_answer_the_benchmark_questions(generated):
    folder, manifest = generated
    ds = load_dataset([folder])
    from rdflib import Literal, URIRef

    assert len(list(run_query(ds, "organisation-by-siren", {"siren": Literal(manifest["probe_siren"])}))) == 1
    assert len(list(run_query(ds, "neighbourhood", {"focus": URIRef(manifest["probe_focus"])}))) > 5
    assert len(list(run_query(ds, "funding-paths", {"funder": URIRef(manifest["probe_funder"])}))) > 0
    assert len(list(run_query(ds, "total-by-funder"))) > 10
