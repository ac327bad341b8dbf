"""SHACL validation: dtkg's engine choices on a generated graph, and the W3C SHACL Core suite through one runner.

Usage::

    python benchmarks/bench_shacl.py --triples 100k --runs 3 [--engines shacl,sparql] [--suite]
    python benchmarks/bench_shacl.py --triples 10M --provenance     # the provenance checks alone

For each size, a graph is generated with ``benchmarks/generate.py`` (seed data included, as ``dtkg validate`` sees
it), loaded into Oxigraph, broken in a few places (``--errors N`` organisations get a second, malformed SIREN), and validated with ``dtkg.validation.validate(…, engine=E)`` in one process per engine and run (time,
peak RSS of that process; the load of the same process is timed too, for the ratio validate / load). Every engine
must report the same (focus, path) set. ``--provenance`` times :func:`dtkg.provenance.check_sources` and
``check_identifiers`` alone on the generated graph plus the seed, bulk-loaded into Oxigraph, and the former form of
the quote query beside the current one (``--former`` adds it; it takes minutes at 10M). ``--suite`` also runs the W3C suite
through ``tests/shacl_suite.py`` for dtkg and pyshacl. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent


def _child(folder: str, engine: str, errors: int) -> None:
    from dtkg.load import load_dataset, ox_store
    from dtkg.validation import validate

    start = time.perf_counter()
    ds = load_dataset([folder], seed=True)
    load_s = time.perf_counter() - start
    store = ox_store(ds)
    import pyoxigraph as ox

    from dtkg.namespaces import DTKG

    orgs = [r["o"] for r in store.query(
        "SELECT DISTINCT ?o WHERE { ?o a <http://www.w3.org/ns/org#Organization> } ORDER BY ?o LIMIT %d" % errors,
        use_default_graph_as_union=True)]
    for o in orgs:  # a malformed SIREN: a pattern violation (and one value too many) per organisation
        store.add(ox.Quad(o, ox.NamedNode(str(DTKG.siren)), ox.Literal("12x")))
    start = time.perf_counter()
    report = validate(ds, engine=engine)
    took = time.perf_counter() - start
    keys = sorted({(v.focus, v.path) for v in report.violations})
    print(json.dumps({"s": took, "load_s": load_s, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "violations": len(report.violations), "keys": keys, "triples": report.checked_triples}))


FORMER_QUOTES = """
PREFIX oa: <http://www.w3.org/ns/oa#>
SELECT ?body ?source ?exact ?prefix ?suffix WHERE {
  ?source <https://w3id.org/dtkg/ontology#localFile> ?file .
  ?target oa:hasSource ?source ; oa:hasSelector ?selector .
  ?selector a oa:TextQuoteSelector ; oa:exact ?exact .
  OPTIONAL { ?selector oa:prefix ?prefix } OPTIONAL { ?selector oa:suffix ?suffix }
  ?annotation oa:hasTarget ?target ; oa:hasBody ?body .
}"""


def _provenance(triples: int, runs: int, former: bool) -> None:
    """Time the provenance checks of ``dtkg validate`` on a generated graph plus the seed (bulk-loaded)."""
    import pyoxigraph as ox

    from generate import generate

    from dtkg.load import data_files, new_dataset
    from dtkg.provenance import _QUOTES, check_identifiers, check_sources
    from dtkg.resources import seed_data_dir

    with tempfile.TemporaryDirectory() as tmp:
        generate(triples, Path(tmp), seed=0)
        store = ox.Store()
        start = time.perf_counter()
        for path in [*data_files(Path(tmp)), *data_files(seed_data_dir())]:
            if path.suffix == ".ttl":
                store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(path.as_uri()))
        load_s = time.perf_counter() - start
    ds = new_dataset(store=store)
    print(f"{len(store)} quads bulk-loaded in {load_s:.1f} s")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        problems = [*check_sources(ds, [seed_data_dir()]), *check_identifiers(ds)]
        times.append(time.perf_counter() - start)
    print(f"| checks | triples | time (s, median of {runs}) | problems |\n|---|---|---|---|")
    print(f"| check_sources + check_identifiers | {len(store)} | {statistics.median(times):.3f} | {len(problems)} |")
    for name, query in ((("former quote query", FORMER_QUOTES),) if former else ()) + (("quote query", _QUOTES),):
        start = time.perf_counter()
        n = len(list(store.query(query, use_default_graph_as_union=True)))
        print(f"| {name} alone ({n} rows) | {len(store)} | {time.perf_counter() - start:.3f} | |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", default="100k")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--errors", type=int, default=20)
    parser.add_argument("--engines", default="shacl,sparql")
    parser.add_argument("--suite", action="store_true")
    parser.add_argument("--provenance", action="store_true", help="time the provenance checks alone")
    parser.add_argument("--former", action="store_true", help="with --provenance: also the former quote query")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], args.child[1], int(args.child[2]))
        return
    sys.path.insert(0, str(HERE))
    from generate import _size, generate

    if args.provenance:
        _provenance(_size(args.triples), args.runs, args.former)
        return

    with tempfile.TemporaryDirectory() as tmp:
        generate(_size(args.triples), Path(tmp), seed=0)
        rows, keys = [], {}
        for engine in args.engines.split(","):
            results = []
            for _ in range(args.runs):
                out = subprocess.run([sys.executable, __file__, "--child", tmp, engine, str(args.errors)],
                                     capture_output=True, text=True, check=True).stdout
                results.append(json.loads(out.strip().splitlines()[-1]))
            keys[engine] = results[0]["keys"]
            rows.append((engine, results[0]["triples"], statistics.median(r["s"] for r in results),
                         max(r["rss_mb"] for r in results), results[0]["violations"],
                         statistics.median(r["load_s"] for r in results),
                         statistics.median(r["s"] / r["load_s"] for r in results)))
    first = next(iter(keys.values()))
    print(f"| engine | triples | validate (s, median of {args.runs}) | peak RSS of the process (MB) | violations "
          "| same (focus, path) set | load (s) | validate / load |")
    print("|---|---|---|---|---|---|---|---|")
    for engine, triples, s, rss, n, load_s, ratio in rows:
        print(f"| {engine} | {triples} | {s:.2f} | {rss:.0f} | {n} | {'yes' if keys[engine] == first else 'NO'} | "
              f"{load_s:.2f} | {ratio:.2f} |")
    if len(rows) > 1:
        print(f"\n{rows[0][0]} / {rows[1][0]}: {rows[0][2] / rows[1][2]:.2f} (medians of one run)")
    if args.suite:
        sys.path.insert(0, str(HERE.parent / "tests"))
        from shacl_suite import dtkg_engine, pyshacl_engine, run

        print("\n| engine | W3C SHACL Core: pass | refused | wrong | time (s) |\n|---|---|---|---|---|")
        for name, engine in (("dtkg shacl", dtkg_engine), ("pyshacl", pyshacl_engine)):
            start = time.perf_counter()
            result = run(engine)
            took = time.perf_counter() - start
            print(f"| {name} | {len(result['pass'])} | {len(result['refused'])} | {len(result['wrong'])} | "
                  f"{took:.1f} |")


if __name__ == "__main__":
    main()
