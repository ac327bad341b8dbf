"""SHACL validation: dtkg's engine choices on a generated graph, and the W3C SHACL Core suite through one runner.

Usage::

    python benchmarks/bench_shacl.py --triples 100k --runs 3 [--engines shacl,sparql] [--suite]

For each size, a graph is generated with ``benchmarks/generate.py`` (seed data included, as ``dtkg validate`` sees
it), loaded into Oxigraph, broken in a few places (``--errors N`` organisations get a second, malformed SIREN), and validated with ``dtkg.validation.validate(…, engine=E)`` in one process per engine and run (time,
peak RSS of that process). Every engine must report the same (focus, path) set. ``--suite`` also runs the W3C suite
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

    ds = load_dataset([folder], seed=True)
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
    print(json.dumps({"s": took, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "violations": len(report.violations), "keys": keys, "triples": report.checked_triples}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", default="100k")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--errors", type=int, default=20)
    parser.add_argument("--engines", default="shacl,sparql")
    parser.add_argument("--suite", action="store_true")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], args.child[1], int(args.child[2]))
        return
    sys.path.insert(0, str(HERE))
    from generate import _size, generate

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
                         max(r["rss_mb"] for r in results), results[0]["violations"]))
    first = next(iter(keys.values()))
    print(f"| engine | triples | validate (s, median of {args.runs}) | peak RSS of the process (MB) | violations "
          "| same (focus, path) set |")
    print("|---|---|---|---|---|---|")
    for engine, triples, s, rss, n in rows:
        print(f"| {engine} | {triples} | {s:.2f} | {rss:.0f} | {n} | {'yes' if keys[engine] == first else 'NO'} |")
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
