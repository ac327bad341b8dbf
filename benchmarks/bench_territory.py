"""What does the territorial reference cost? `dtkg build` on the seed without it and with the linked layer (default),
and the time and memory of loading the whole reference (all of France) into Oxigraph.

Usage::

    python benchmarks/bench_territory.py [--runs 5]

Every measurement runs in a fresh subprocess (wall time; peak resident memory from the kernel); the build modes are
interleaved in one run so that their ratio holds on a shared machine. Prints a table; medians of ``--runs`` runs.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from machine import machine  # noqa: E402

LOAD = r"""
import gzip, io, json, resource, sys, time
import pyoxigraph as ox
from dtkg.territory.layer import full_file
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
store = ox.Store()
with open(full_file(), "rb") as raw:
    store.bulk_load(input=io.BufferedReader(gzip.GzipFile(fileobj=raw), buffer_size=1 << 22),
                    format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode("https://w3id.org/dtkg/id/graph/territory"))
seconds = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "mib": (after - before) / 1024, "triples": len(store)}))
"""


def build_time(mode: str, out: Path) -> float:
    start = time.perf_counter()
    subprocess.run([str(Path(sys.executable).parent / "dtkg"), "build", "--territory", mode, "--out", str(out)],
                   check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    times: dict[str, list[float]] = {"none": [], "linked": []}
    loads = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.runs):
            for mode in times:
                times[mode].append(build_time(mode, Path(tmp) / mode))
            loads.append(json.loads(subprocess.run([sys.executable, "-c", LOAD], check=True, capture_output=True,
                                                   text=True).stdout))
    m = machine()
    import pyoxigraph

    print(f"machine: {m['cpus']} CPUs ({m['cpu']}), {m['ram']}, {m['os']}; Python {platform.python_version()}, "
          f"pyoxigraph {pyoxigraph.__version__}; medians of {args.runs} runs")
    print("| measurement | median | min | max |")
    print("|---|---|---|---|")
    for mode, values in times.items():
        print(f"| `dtkg build --territory {mode}` (seed) | {statistics.median(values):.2f} s | {min(values):.2f} s "
              f"| {max(values):.2f} s |")
    base = statistics.median(times["none"])
    print(f"| linked − none (same run) | {statistics.median(times['linked']) - base:+.2f} s | | |")
    secs = [x["seconds"] for x in loads]
    mibs = [x["mib"] for x in loads]
    print(f"| load the whole reference into Oxigraph ({loads[0]['triples']} triples) | {statistics.median(secs):.2f} s "
          f"| {min(secs):.2f} s | {max(secs):.2f} s |")
    print(f"| memory added by that load (peak RSS) | {statistics.median(mibs):.0f} MiB | {min(mibs):.0f} MiB "
          f"| {max(mibs):.0f} MiB |")


if __name__ == "__main__":
    main()
