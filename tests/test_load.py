"""Loading: one named graph per file, clear errors on bad input, configurable base."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import RDFS

from dtkg.errors import InputError
from dtkg.load import load_dataset
from conftest import BASE


def test_one_named_graph_per_file(seed):
    names = {str(g.identifier) for g in seed.graphs() if len(g)}
    assert names == {
        "https://w3id.org/dtkg/ontology",
        f"{BASE}graph/2019-09-28-inauguration-atelier-bourbourg.ttl",
        f"{BASE}graph/reference.ttl", f"{BASE}graph/sources.ttl", f"{BASE}graph/vocabularies.ttl",
        f"{BASE}graph/territory",  # the territorial layer (dtkg.territory.layer)
    }


def test_extra_data_folder_is_added(tmp_path: Path):
    extra = tmp_path / "mine"
    extra.mkdir()
    (extra / "more.ttl").write_text(
        '@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
        f'<{BASE}organisation/cud> rdfs:label "CU de Dunkerque"@fr .\n', encoding="utf-8")
    ds = load_dataset([extra])
    labels = {str(l) for l in ds.objects(URIRef(f"{BASE}organisation/cud"), RDFS.label)}
    assert "CU de Dunkerque" in labels and "Communauté Urbaine de Dunkerque" in labels
    assert URIRef(f"{BASE}graph/mine/more.ttl") in {g.identifier for g in ds.graphs()}


def test_malformed_turtle_names_file_and_line(tmp_path: Path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "broken.ttl").write_text(
        '@prefix ex: <http://example.org/> .\n'
        'ex:a ex:b ex:c .\n'
        'ex:d ex:e "unterminated .\n'
        'ex:f ex:g ex:h .\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_dataset([bad])
    assert err.value.path == bad / "broken.ttl"
    assert err.value.line == 3
    assert str(err.value).startswith(f"{bad / 'broken.ttl'}:3: bad turtle syntax")


def test_missing_statement_end_is_reported_on_the_next_line(tmp_path: Path):
    (tmp_path / "x.ttl").write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c\nex:d ex:e ex:f .\n')
    with pytest.raises(InputError) as err:
        load_dataset([tmp_path], seed=False, ontology=False)
    assert err.value.line == 3 and "expected '.'" in str(err.value)


def test_unbound_prefix(tmp_path: Path):
    (tmp_path / "x.ttl").write_text('ex:a ex:b ex:c .\n')
    with pytest.raises(InputError, match=r'x.ttl:1: .*Prefix "ex:" not bound'):
        load_dataset([tmp_path], seed=False, ontology=False)


def test_non_utf8_file(tmp_path: Path):
    (tmp_path / "latin1.ttl").write_bytes(
        b'@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n<http://e/a> rdfs:label "R\xe9gion"@fr .\n')
    with pytest.raises(InputError, match=r"latin1.ttl:2: is not UTF-8"):
        load_dataset([tmp_path], seed=False, ontology=False)


def test_missing_folder(tmp_path: Path):
    with pytest.raises(InputError, match="no such folder"):
        load_dataset([tmp_path / "nope"])


def test_configured_base_rewrites_data_iris_only():
    ds = load_dataset(base="https://data.example.fr/dtkg/")
    cud = URIRef("https://data.example.fr/dtkg/organisation/cud")
    assert (cud, RDFS.label, None) in ds
    assert not list(ds.triples((URIRef(f"{BASE}organisation/cud"), None, None)))
    # the vocabulary keeps its own IRIs
    assert list(ds.triples((URIRef("https://w3id.org/dtkg/ontology#TiersLieu"), RDFS.label, None)))


def test_bad_base_is_refused():
    with pytest.raises(InputError, match="must start with http"):
        load_dataset(base="data.example.fr")
