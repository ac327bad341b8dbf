"""Benchmark of `dtkg reconcile grants`: 100,000 published (imported) grants against 1,000 announced ones.

    python benchmarks/bench_reconcile_grants.py [--published 100000] [--announced 1000] [--runs 3] [--no-write]

A synthetic data folder is generated in a temporary folder: 50 funders, 20,000 beneficiary organisations (SIREN
numbers), --published grants derived from an SCDL-like source (dcterms:conformsTo a standard) with a decision date
and a period, and --announced grants derived from a press-like source, 80 % of which repeat a published grant (same
funder, beneficiary, amount, year) and 20 % of which are announced only. Each run calls
`dtkg.reconcile_grants.reconcile_grants` (propose and write the review file) in a fresh Python process and reports
the time to load the folder, to read the grants, to match them, and the whole call. In the same process, the
matching is also run without blocking (every announced grant against every published grant) on a slice of
--naive-published published grants, to give the speed-up of blocking by funder and beneficiary as a ratio measured
in one run. The script prints a table and writes the section between <!-- reconcile-grants:start --> and
<!-- reconcile-grants:end --> of docs/benchmarks.md (unless --no-write).
"""

from __future__ import annotations

import argparse
import os
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import machine  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "benchmarks.md"
START, END = "<!-- reconcile-grants:start -->", "<!-- reconcile-grants:end -->"
B = "https://w3id.org/dtkg/id/"

PREFIXES = """@prefix schema: <https://schema.org/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix dtkg: <https://w3id.org/dtkg/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix ex: <https://w3id.org/dtkg/id/> .
"""


def generate(folder: Path, published: int, announced: int, seed: int = 7) -> None:
    """Write the synthetic data folder (see the module's docstring)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    orgs = [PREFIXES]
    for i in range(50):
        orgs.append(f'ex:f{i} a org:Organization ; rdfs:label "Financeur {i}"@fr ; dtkg:siren "{100000000 + i}" .')
    for i in range(20_000):
        orgs.append(f'ex:b{i} a org:Organization ; rdfs:label "Bénéficiaire {i}"@fr ; dtkg:siren "{200000000 + i}" .')
    (folder / "organisations.ttl").write_text("\n".join(orgs) + "\n", encoding="utf-8")
    grants = [PREFIXES, 'ex:open a dtkg:SourceDocument ; dcterms:conformsTo <https://schema.data.gouv.fr/scdl/subventions/2.1.1/> .']
    chosen = []
    for i in range(published):
        funder, beneficiary = rng.randrange(50), rng.randrange(20_000)
        amount = rng.randrange(100, 500_000)
        year = rng.randrange(2015, 2025)
        grants.append(
            f'ex:p{i} a schema:MonetaryGrant ; rdfs:label "Subvention {i}"@fr ; schema:funder ex:f{funder} ; '
            f'dtkg:beneficiary ex:b{beneficiary} ; schema:fundedItem ex:b{beneficiary} ; '
            f'schema:amount [ a schema:MonetaryAmount ; schema:value {amount}.00 ; schema:currency "EUR" ] ; '
            f'dcterms:date "{year}-03-01"^^xsd:date ; schema:startDate "{year}-04-01"^^xsd:date ; '
            f'schema:endDate "{year + rng.randrange(0, 3)}-03-31"^^xsd:date ; prov:wasDerivedFrom ex:open .')
        if len(chosen) < announced * 4 // 5 and rng.random() < announced / published:
            chosen.append((funder, beneficiary, amount, year))
    (folder / "published.ttl").write_text("\n".join(grants) + "\n", encoding="utf-8")
    press = [PREFIXES, 'ex:press a dtkg:SourceDocument ; dcterms:title "Communiqué"@fr .']
    while len(chosen) < announced:
        chosen.append((rng.randrange(50), rng.randrange(20_000), rng.randrange(100, 500_000), 2020))
    for i, (funder, beneficiary, amount, year) in enumerate(chosen):
        press.append(
            f'ex:a{i} a schema:MonetaryGrant ; rdfs:label "Aide annoncée {i}"@fr ; schema:funder ex:f{funder} ; '
            f'dtkg:beneficiary ex:b{beneficiary} ; schema:fundedItem ex:b{beneficiary} ; '
            f'schema:amount [ a schema:MonetaryAmount ; schema:value {amount}.00 ; schema:currency "EUR" ] ; '
            f'schema:startDate "{year}"^^xsd:gYear ; prov:wasDerivedFrom ex:press .')
    (folder / "announced.ttl").write_text("\n".join(press) + "\n", encoding="utf-8")


def one_run(folder: str, naive_published: int) -> dict:
    """Run in a fresh process: time each step of reconcile_grants, and naive all-pairs matching on a slice."""
    from dtkg.load import load_dataset
    from dtkg.reconcile_grants import _compare, find_candidates, grant_records, reconcile_grants

    out: dict = {}
    t = time.perf_counter()
    ds = load_dataset([folder], seed=False, ontology=False)
    out["load"] = time.perf_counter() - t
    t = time.perf_counter()
    grants = grant_records(ds)
    out["read"] = time.perf_counter() - t
    t = time.perf_counter()
    candidates, _ = find_candidates(grants, ds)
    out["match"] = time.perf_counter() - t
    out["candidates"] = len(candidates)
    out["auto"] = sum(c.status == "auto" for c in candidates)
    t = time.perf_counter()
    reconcile_grants(folder, graph=ds, review_path=Path(folder) / "review.csv")
    out["call"] = time.perf_counter() - t
    # blocked against naive on the same slice of published grants, in this run
    announced = [g for g in grants.values() if not g.published]
    # the slice holds the published grants that have an announced match, then others up to its size
    matched = {c.published.iri for c in candidates}
    sliced = [grants[i] for i in sorted(matched)] + [g for g in grants.values()
                                                     if g.published and g.iri not in matched]
    sliced = sliced[:naive_published]
    subset = {g.iri: g for g in announced + sliced}
    t = time.perf_counter()
    find_candidates(subset, ds)
    blocked = time.perf_counter() - t
    t = time.perf_counter()
    naive = 0
    for a in announced:
        for p in sliced:
            if a.funder == p.funder and a.beneficiary == p.beneficiary and _compare(a, p, subset) is not None:
                naive += 1
    out["naive_time"] = time.perf_counter() - t
    out["blocked_time"] = blocked
    out["naive_pairs"] = naive
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--published", type=int, default=100_000)
    parser.add_argument("--announced", type=int, default=1_000)
    parser.add_argument("--naive-published", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--one-run", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_run:
        print(json.dumps(one_run(args.one_run, args.naive_published)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        t = time.perf_counter()
        generate(folder, args.published, args.announced)
        generated = time.perf_counter() - t
        runs = []
        for _ in range(args.runs):
            done = subprocess.run([sys.executable, __file__, "--one-run", str(folder),
                                   "--naive-published", str(args.naive_published)],
                                  check=True, capture_output=True, text=True)
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    ratio = statistics.median(r["naive_time"] / r["blocked_time"] for r in runs)
    import dtkg
    import pyoxigraph
    m = machine()
    lines = [
        f"{args.published:,} published grants against {args.announced:,} announced ones (generated in "
        f"{generated:.1f} s), medians of {args.runs} runs, each in a fresh process.",
        "",
        "| step | time |",
        "| --- | ---: |",
        f"| load the folder (Oxigraph) | {med['load']:.2f} s |",
        f"| read the grants (`grant_records`) | {med['read']:.2f} s |",
        f"| match, blocked by funder and beneficiary (`find_candidates`) | {med['match']:.2f} s |",
        f"| whole `reconcile_grants` call on the loaded graph (read, match, review file) | {med['call']:.2f} s |",
        f"| **load + whole call** | **{med['load'] + med['call']:.2f} s** |",
        "",
        f"{int(med['candidates'])} candidate pairs, {int(med['auto'])} unambiguous; peak memory "
        f"{med['peak_mb']:.0f} MB. Blocking against every pair, measured in each run on {args.announced:,} "
        f"announced × {args.naive_published:,} published grants: {med['naive_time']:.2f} s against "
        f"{med['blocked_time']:.3f} s, **{ratio:.0f}× faster** (the same {int(med['naive_pairs'])} pairs found).",
        "",
        f"Machine: {m['cpus']} CPUs ({m['cpu']}), {m['ram']}, {m['os']}; Python {sys.version.split()[0]}, "
        f"dtkg {dtkg.__version__}, pyoxigraph {pyoxigraph.__version__}; load average {os.getloadavg()[0]:.1f} "
        "when the runs ended (2 or more: the machine was shared, absolute times are upper bounds).",
    ]
    table = "\n".join(lines)
    print(table)
    if not args.no_write:
        text = DOC.read_text(encoding="utf-8")
        section = f"{START}\n{table}\n{END}"
        if START in text:
            text = text[:text.index(START)] + section + text[text.index(END) + len(END):]
        else:
            text = text.rstrip("\n") + ("\n\n## Reconciliation of grants (`dtkg reconcile grants`, "
                                        "`benchmarks/bench_reconcile_grants.py`)\n\n" + section + "\n")
        DOC.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
