"""Which in-memory engine should dtkg use by default? Oxigraph (pyoxigraph through oxrdflib) or rdflib's memory store.

Usage::

    python benchmarks/bench_engines.py [--sizes 10000,100000,1000000] [--runs 3] [--write]

For each size, on the same synthetic files (``benchmarks/generate.py``), each engine loads the data, runs three saved
queries (an aggregate, a point lookup, a full scan with ORDER BY) and exports Turtle, each measurement in a fresh
subprocess; medians of ``--runs`` runs. ``--write`` puts the table in docs/benchmarks.md between
``<!-- engines:start -->`` and ``<!-- engines:end -->``.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from machine import machine  # noqa: E402

STEPS = ("load", "total-by-funder", "organisation-by-siren", "grants", "export")

CHILD = r"""
import json, sys, time
from pathlib import Path
from dtkg.load import load_dataset
from dtkg.query import run_query
from dtkg.writers import serialize
from rdflib import Literal
folder, engine, siren = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
out = {}
t = time.perf_counter(); ds = load_dataset([folder], engine=engine); out["load"] = time.perf_counter() - t
for name, params in (("total-by-funder", None), ("organisation-by-siren", {"siren": Literal(siren)}), ("grants", None)):
    t = time.perf_counter(); rows = len(run_query(ds, name, params)); out[name] = time.perf_counter() - t
t = time.perf_counter(); serialize(ds, "turtle"); out["export"] = time.perf_counter() - t
print(json.dumps(out))
"""


def measure(folder: Path, engine: str, siren: str, runs: int) -> dict[str, float]:
    samples: dict[str, list[float]] = {step: [] for step in STEPS}
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", CHILD, str(folder), engine, siren], capture_output=True,
                              text=True, check=True)
        for step, seconds in json.loads(done.stdout.strip().splitlines()[-1]).items():
            samples[step].append(seconds)
    return {step: statistics.median(values) for step, values in samples.items()}


def describe() -> str:
    import pyoxigraph
    import rdflib

    m = machine()
    return (f"{m['cpus']} cores ({m['cpu']}), {m['ram']}; Python {platform.python_version()}, "
            f"rdflib {rdflib.__version__}, pyoxigraph {pyoxigraph.__version__}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="write the table into docs/benchmarks.md")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    lines = [f"Machine: {describe()}; {time.strftime('%Y-%m-%d')}; medians of {args.runs} runs, seconds.", "",
             "| triples | engine | " + " | ".join(STEPS) + " |", "|---" * (len(STEPS) + 2) + "|"]
    verdict = []
    for size in sizes:
        folder = HERE / "data" / f"engines-{size}"
        if not (folder / "manifest.json").exists():
            generate(size, folder)
        manifest = json.loads((folder / "manifest.json").read_text())
        siren = manifest.get("probe_siren", "245900428")
        results = {engine: measure(folder, engine, siren, args.runs) for engine in ("oxigraph", "memory")}
        for engine, row in results.items():
            lines.append(f"| {size:,} | {engine} | " + " | ".join(f"{row[s]:.3f}" for s in STEPS) + " |")
        faster = all(results["oxigraph"][s] <= results["memory"][s] for s in STEPS)
        ratios = ", ".join(f"{s} ×{results['memory'][s] / max(results['oxigraph'][s], 1e-9):.1f}" for s in STEPS)
        verdict.append(f"- {size:,} triples: Oxigraph {'faster at every step' if faster else 'NOT faster at every step'}"
                       f" (memory ÷ Oxigraph: {ratios})")
        print("\n".join(lines[-2:]), flush=True)
    text = "\n".join(lines + [""] + verdict) + "\n"
    print(text)
    if args.write:
        doc = HERE.parent / "docs" / "benchmarks.md"
        content = doc.read_text(encoding="utf-8")
        start, end = "<!-- engines:start -->", "<!-- engines:end -->"
        if start not in content:
            content += f"\n{start}\n{end}\n"
        before, rest = content.split(start, 1)
        after = rest.split(end, 1)[1]
        section = (f"{start}\n## In-memory engine: Oxigraph or rdflib\n\n`python benchmarks/bench_engines.py --write`\n\n"
                   f"{text}{end}")
        doc.write_text(before + section + after, encoding="utf-8")


if __name__ == "__main__":
    main()
