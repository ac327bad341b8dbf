"""Persistent stores: built atomically, reused without reloading, never left half-built."""

from __future__ import annotations

from pathlib import Path

import pytest

from dtkg.errors import InputError
from dtkg.load import is_store, open_store


def test_build_into_a_store_and_query_it(dtkg, tmp_path: Path):
    store = tmp_path / "store"
    built = dtkg("build", "--store", str(store), "--out", str(tmp_path / "out"))
    assert built.code == 0, built
    assert is_store(store)
    answer = dtkg("query", "total-by-funder", "--store", str(store), "--format", "csv")
    assert answer.out.splitlines()[1].endswith(",Région Hauts-de-France,EUR,120000,2")
    # the store is used as it is: data folders given later are not read
    assert dtkg("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--store", str(store), "--format",
                "csv").out.splitlines()[1] == str(len(open_store(store)))


def test_rebuild_replaces_the_content(dtkg, tmp_path: Path):
    store = tmp_path / "store"
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "alias.ttl").write_text('@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n'
                                     '<https://w3id.org/dtkg/id/organisation/msa> skos:altLabel "MSA Nord"@fr .\n')
    ask = "ASK { ?o <http://www.w3.org/2004/02/skos/core#altLabel> \"MSA Nord\"@fr }"
    assert dtkg("build", "--store", str(store), "--data", str(extra), "--out", str(tmp_path / "o1")).code == 0
    assert dtkg("query", ask, "--store", str(store)).out == "true\n"
    assert dtkg("build", "--store", str(store), "--out", str(tmp_path / "o2")).code == 0
    assert dtkg("query", ask, "--store", str(store)).out == "false\n"


@pytest.mark.parametrize("bad_file, expected_code", [
    ('@prefix ex: <http://example.org/> .\nex:a ex:b "broken .\n', 2),
    ('@prefix schema: <https://schema.org/> .\n<https://w3id.org/dtkg/id/grant/x> a schema:MonetaryGrant .\n', 1),
])
def test_failed_build_leaves_the_previous_store(dtkg, tmp_path: Path, bad_file: str, expected_code: int):
    store = tmp_path / "store"
    assert dtkg("build", "--store", str(store), "--out", str(tmp_path / "o1")).code == 0
    before = len(open_store(store))
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "facts.ttl").write_text(bad_file)
    result = dtkg("build", "--store", str(store), "--data", str(bad), "--out", str(tmp_path / "o2"))
    assert result.code == expected_code
    assert len(open_store(store)) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_not_a_store(tmp_path: Path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(InputError, match="is not a dtkg store"):
        open_store(tmp_path)


def test_query_timeout(dtkg):
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    result = dtkg("query", slow, "--timeout", "0.5")
    assert result.code == 3
    assert "did not finish within 0.5 s" in result.err
