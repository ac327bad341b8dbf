"""Build and Turtle export against raw pyoxigraph, as ratios measured in one run (`dtkg build --no-views`).

Usage::

    nice python benchmarks/bench_build.py                      # 1M triples, 3 runs, writes the doc section
    python benchmarks/bench_build.py --sizes 100k --runs 1 --no-write
    python benchmarks/bench_build.py --sizes 10M --runs 1 --store   # on-disk stores: build --store vs bulk_load + optimize

Every measure runs in its own fresh process, so that its peak memory (``ru_maxrss`` of that child) is its own; the
runs interleave the tools, so that a shared machine's load falls on all of them alike. Per run:

- **raw**: ``Store().bulk_load`` of every input file (the ontology, the seed data, the generated folder), then
  ``store.dump`` to Turtle (in memory); or, with ``--store``, ``Store(DIR).bulk_load`` + ``optimize``;
- **export**: dtkg's ``load_dataset`` then ``export(ds, "graph.ttl")`` (the export step alone is timed, and the
  resident memory it adds is recorded), and in the same process Oxigraph's own ``dump`` of the same store, for the
  export ratio measured side by side;
- **build**: the command ``dtkg build --no-views`` (``--store DIR`` with ``--store``) as a user runs it.

The data sets are those of ``bench_scale.py`` (``benchmarks/data/scale-<size>/``, made by ``generate.py``).
Results go to standard output and (unless ``--no-write``) to the section between ``<!-- build:start -->`` and
``<!-- build:end -->`` of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DOC = REPO / "docs" / "benchmarks.md"
START, END = "<!-- build:start -->", "<!-- build:end -->"

RAW = """
import json, sys, time, pyoxigraph as ox
files, store_dir = json.loads(sys.argv[1]), sys.argv[2]
t = time.perf_counter()
store = ox.Store(store_dir) if store_dir else ox.Store()
for f in files:
    store.bulk_load(path=f, format=ox.RdfFormat.TURTLE)
load = time.perf_counter() - t
t = time.perf_counter()
if store_dir:
    store.optimize(); store.flush()
    print(json.dumps({"load": load, "optimize": time.perf_counter() - t}))
else:
    data = store.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph())
    print(json.dumps({"load": load, "dump": time.perf_counter() - t, "bytes": len(data)}))
"""

EXPORT = """
import json, os, sys, time, pyoxigraph as ox
from dtkg.load import load_dataset, ox_store
from dtkg.writers import export
t = time.perf_counter()
ds = load_dataset([sys.argv[1]])
load = time.perf_counter() - t
def rss():  # resident MiB now (the export's own memory is what it adds to the loaded store)
    return int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
before = rss()
t = time.perf_counter()
export(ds, sys.argv[2], "turtle")
seconds = time.perf_counter() - t
grown = rss() - before
t = time.perf_counter()
data = ox_store(ds).dump(format=ox.RdfFormat.TRIG)
dump = time.perf_counter() - t
print(json.dumps({"load": load, "export": seconds, "dump": dump, "export_rss": grown}))
"""


def run(argv: list[str]) -> tuple[dict, float, int]:
    """Run a child process; its JSON output (if any), wall time and peak resident memory in MiB."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO)
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if status != 0:
        raise RuntimeError(f"{argv[:3]} failed: {err.decode()[-2000:]}")
    lines = [line for line in out.decode().splitlines() if line.startswith("{")]
    return (json.loads(lines[-1]) if lines else {}), wall, usage.ru_maxrss // 1024


def measure(size: str, runs: int, on_disk: bool) -> dict:
    sys.path.insert(0, str(HERE))
    from bench_scale import dataset, input_files

    folder, manifest = dataset(size)
    files = input_files(folder)
    dtkg = str(Path(sys.executable).with_name("dtkg"))
    results: dict[str, list] = {"raw": [], "export": [], "build": []}
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        for i in range(runs):
            store_dir = str(Path(tmp) / "raw-store") if on_disk else ""
            raw, wall, peak = run([sys.executable, "-c", RAW, json.dumps(files), store_dir])
            results["raw"].append({**raw, "wall": wall, "peak": peak})
            shutil.rmtree(Path(tmp) / "raw-store", ignore_errors=True)
            if not on_disk:
                exp, wall, peak = run([sys.executable, "-c", EXPORT, str(folder), str(Path(tmp) / "graph.ttl")])
                results["export"].append({**exp, "wall": wall, "peak": peak})
            argv = [dtkg, "build", "--data", str(folder), "--out", str(Path(tmp) / "out"), "--no-views"]
            if on_disk:
                argv += ["--store", str(Path(tmp) / "store")]
            _, wall, peak = run(argv)
            results["build"].append({"wall": wall, "peak": peak})
            shutil.rmtree(Path(tmp) / "store", ignore_errors=True)
            print(f"{size} run {i + 1}: " + json.dumps({k: v[-1] for k, v in results.items() if v}), flush=True)
    return {"size": size, "triples": manifest["triples"], "on_disk": on_disk, "runs": results}


def median(rows: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def report(all_results: list[dict], load: tuple[float, float]) -> str:
    import pyoxigraph
    import rdflib

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                            text=True).stdout.strip()
    lines = [
        "## Build and Turtle export against raw pyoxigraph (`benchmarks/bench_build.py`)",
        "",
        f"Machine: {os.cpu_count()} CPUs, Linux {platform.release()}; Python {platform.python_version()}, "
        f"rdflib {rdflib.__version__}, pyoxigraph {pyoxigraph.__version__}; dtkg at {commit}; "
        f"{dt.datetime.now():%Y-%m-%d %H:%M}. Load average {load[0]:.1f} at the start and {load[1]:.1f} at the end "
        "(the machine is shared: absolute times vary, the ratios are measured in one run with the tools "
        "interleaved). Medians; peak memory is the child process's maximum resident size.",
        "",
    ]
    for res in all_results:
        raw, exp, build = res["runs"]["raw"], res["runs"]["export"], res["runs"]["build"]
        n = len(raw)
        lines.append(f"#### {res['size']} triples ({res['triples']:,} generated + seed and ontology; "
                     f"{'on-disk stores; ' if res['on_disk'] else ''}medians of {n} run{'s' if n > 1 else ''})")
        lines.append("")
        lines.append("| measure | dtkg | raw pyoxigraph | ratio | target |")
        lines.append("| --- | ---: | ---: | ---: | --- |")
        if res["on_disk"]:
            raw_t = median(raw, "load") + median(raw, "optimize")
            b, bp, rp = median(build, "wall"), median(build, "peak"), median(raw, "peak")
            lines.append(f"| `dtkg build --no-views --store` vs on-disk bulk_load + optimize (s) | {b:.1f} | "
                         f"{raw_t:.1f} | {b / raw_t:.2f} × | ≤ 2.5 × {'✔' if b / raw_t <= 2.5 else '✘'} |")
            lines.append(f"| peak memory (MiB) | {bp:,.0f} | {rp:,.0f} | {bp / rp:.2f} × | ≤ 2 GiB "
                         f"{'✔' if bp <= 2048 else '✘'} |")
        else:
            raw_t = median(raw, "load") + median(raw, "dump")
            e, d = median(exp, "export"), median(exp, "dump")
            b, bp, rp = median(build, "wall"), median(build, "peak"), median(raw, "peak")
            lines.append(f"| Turtle export step vs Oxigraph `dump` of the same store (s) | {e:.2f} | {d:.2f} | "
                         f"{e / d:.2f} × | ≤ 3 × {'✔' if e / d <= 3 else '✘'} |")
            lines.append(f"| `dtkg build --no-views` vs bulk_load + dump (s) | {b:.2f} | {raw_t:.2f} "
                         f"({median(raw, 'load'):.2f} + {median(raw, 'dump'):.2f}) | {b / raw_t:.2f} × | "
                         f"≤ 2 × {'✔' if b / raw_t <= 2 else '✘'} |")
            lines.append(f"| peak memory of the build (MiB) | {bp:,.0f} | {rp:,.0f} | {bp / rp:.2f} × | ≤ 1.5 × "
                         f"{'✔' if bp / rp <= 1.5 else '✘'} |")
            if all("export_rss" in r for r in exp):
                lines.append(f"| resident memory the export step adds (MiB) | {median(exp, 'export_rss'):,.0f} | | | |")
            lines.append(f"| dtkg `load_dataset` alone (s) | {median(exp, 'load'):.2f} | {median(raw, 'load'):.2f} | "
                         f"{median(exp, 'load') / median(raw, 'load'):.2f} × | |")
        lines.append("")
    return "\n".join(lines) + "\n"


def write_doc(text: str) -> None:
    doc = DOC.read_text(encoding="utf-8")
    block = START + "\n" + text + END
    if START in doc and END in doc:
        doc = doc[: doc.index(START)] + block + doc[doc.index(END) + len(END):]
    else:
        doc = doc.rstrip("\n") + "\n\n" + block + "\n"
    DOC.write_text(doc, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1M", help="comma-separated sizes among 10k, 100k, 1M, 10M")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--store", action="store_true", help="on-disk stores (the 10M target)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    start_load = os.getloadavg()[0]
    results = [measure(size, args.runs, args.store) for size in args.sizes.split(",")]
    text = report(results, (start_load, os.getloadavg()[0]))
    print(text)
    out = HERE / "data" / f"build-results-{dt.datetime.now():%Y%m%d-%H%M}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    if not args.no_write:
        write_doc(text)


if __name__ == "__main__":
    main()
