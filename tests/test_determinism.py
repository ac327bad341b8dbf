"""Every writer gives the same bytes in every process: the seed data exported in each format (RDF, GraphML, GEXF)
and every saved query's answer as CSV, TSV and JSON, written by two processes with different hash seeds (Python
orders sets and dicts of strings by a hash that changes from one process to the next unless PYTHONHASHSEED is set)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dtkg.writers import FORMATS

#: Run in a fresh interpreter: writes every output of the seed data into the folder given as argument.
WRITE_ALL = r"""
import sys
from pathlib import Path

from dtkg.analysis import export_network
from dtkg.load import load_dataset
from dtkg.query import run_query, saved_queries
from dtkg.results import format_result
from dtkg.writers import FORMATS, export
from rdflib import BNode, Literal, URIRef

ID = "https://w3id.org/dtkg/id/"
PARAMS = {  # a value for each parameter, as the exact-answer tests bind them (without one, neighbourhood walks all)
    "funding-paths": {"funder": URIRef(ID + "organisation/region-hauts-de-france")},
    "neighbourhood": {"focus": URIRef(ID + "place/sparklab-dunkerque")},
    "organisation-by-siren": {"siren": Literal("245900428")},
    "portfolio-holders": {"topic": Literal("numérique")},
    "quote-behind-fact": {"fact": URIRef(ID + "grant/region-cud-fonctionnement-2019-2021")},
    "territory-members": {"territory": URIRef(ID + "organisation/cud")},
    "territorial-coverage": {"territory": URIRef(ID + "organisation/cud")},
}
out = Path(sys.argv[1])
ds = load_dataset()
for fmt, suffix in FORMATS.items():
    export(ds, out / f"graph{suffix}", fmt)
for fmt in ("graphml", "gexf"):
    export_network(ds, out / f"network.{fmt}", fmt)
blank = []  # answers that show blank nodes: their labels are made afresh by every load, whatever the writer
for saved in saved_queries():
    result = run_query(ds, saved.name, PARAMS.get(saved.name))
    if any(isinstance(term, BNode) for row in result for term in row):
        blank.append(saved.name)
        continue
    for fmt in ("csv", "tsv", "json"):
        (out / f"{saved.name}.{fmt}").write_text(format_result(result, fmt, ds), encoding="utf-8")
(out / "with-blank-nodes.txt").write_text("\n".join(blank), encoding="utf-8")
"""


def _write_all(folder: Path, hash_seed: str) -> subprocess.Popen:
    folder.mkdir()
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    with open(folder.with_suffix(".log"), "wb") as log:  # a file, not a pipe: a full pipe would stall the writer
        return subprocess.Popen([sys.executable, "-c", WRITE_ALL, str(folder)], env=env, stdout=log, stderr=log)


def test_every_writer_gives_the_same_bytes_whatever_the_hash_seed(tmp_path: Path):
    runs = {seed: _write_all(tmp_path / f"seed-{seed}", seed) for seed in ("1", "2")}
    for seed, process in runs.items():
        process.wait(timeout=900)
        log = (tmp_path / f"seed-{seed}.log").read_text(encoding="utf-8", errors="replace")
        assert process.returncode == 0, f"PYTHONHASHSEED={seed}: {log[-2000:]}"
    first, second = (sorted(p.name for p in (tmp_path / f"seed-{s}").iterdir()) for s in runs)
    assert first == second
    expected = {f"graph{suffix}" for suffix in FORMATS.values()} | {"network.graphml", "network.gexf"}
    assert expected <= set(first)
    assert sum(name.endswith(".csv") for name in first) >= 20  # every saved query, not a few
    assert len((tmp_path / "seed-1" / "with-blank-nodes.txt").read_text(encoding="utf-8").split()) <= 2
    differ = [name for name in first
              if (tmp_path / "seed-1" / name).read_bytes() != (tmp_path / "seed-2" / name).read_bytes()]
    assert differ == [], f"these outputs depend on the hash seed: {differ}"
    for name in expected:
        assert (tmp_path / "seed-1" / name).stat().st_size > 1000, name  # real exports, not empty files
