"""Benchmark of `dtkg import scdl`: rows per second for a synthetic SCDL Subventions file of 100,000 rows.

    python benchmarks/bench_import.py [--rows 100000] [--runs 3] [--no-write]

The file is generated into a temporary folder (synthetic grants: SIRET numbers with valid checksums, funders among
the seed's Région and CUD and 48 others, 20,000 beneficiaries, every SCDL 2.1 field filled, some amounts written
the French way "12 345,67"), then imported --runs times, each time into a fresh data folder and in a fresh Python
process (so that the peak memory of each run is its own). The script prints a table and writes the section
between <!-- import:start --> and <!-- import:end --> of docs/benchmarks.md (unless --no-write).
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
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

from dtkg.identifiers import luhn_check_digit  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "benchmarks.md"
START, END = "<!-- import:start -->", "<!-- import:end -->"

FIELDS = ["nomAttribuant", "idAttribuant", "dateConvention", "referenceDecision", "nomBeneficiaire", "idBeneficiaire",
          "rnaBeneficiaire", "objet", "montant", "nature", "conditionsVersement", "datesPeriodeVersement", "idRAE",
          "notificationUE", "pourcentageSubvention", "dispositifAide"]


def siren(rng: random.Random) -> str:
    body = f"{rng.randrange(10_000_000, 99_999_999):08d}"
    return body + luhn_check_digit(body)


def siret(rng: random.Random, of: str) -> str:
    body = of + f"{rng.randrange(0, 9999):04d}"
    return body + luhn_check_digit(body)


def generate(path: Path, rows: int, seed: int = 42) -> None:
    """A synthetic SCDL Subventions 2.1 file of ``rows`` valid rows."""
    rng = random.Random(seed)
    funders = [("Région Hauts-de-France", "20005374200017"), ("Communauté Urbaine de Dunkerque", "24590042800013")]
    funders += [(f"Collectivité synthétique {i}", siret(rng, siren(rng))) for i in range(48)]
    beneficiaries = [(f"Association synthétique {i}", siret(rng, siren(rng))) for i in range(20_000)]
    natures = ["aide en numéraire", "aide en nature", "aide en numéraire;aide en nature"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(FIELDS)
        for i in range(rows):
            funder = funders[rng.randrange(len(funders))]
            name, ident = beneficiaries[rng.randrange(len(beneficiaries))]
            year = rng.randrange(2017, 2024)
            month, day = rng.randrange(1, 13), rng.randrange(1, 29)
            cents = rng.randrange(10_000, 50_000_000)
            amount = f"{cents // 100}.{cents % 100:02d}"
            if i % 4 == 0:  # some amounts the French way
                amount = f"{cents // 100:,}".replace(",", " ") + f",{cents % 100:02d}"
            writer.writerow([
                funder[0], funder[1], f"{year}-{month:02d}-{day:02d}", f"DEL-{year}-{i:06d}", name, ident, "",
                f"Objet synthétique n° {i} : soutien au projet numérique", amount, natures[i % 3],
                "unique" if i % 2 else "échelonné",
                f"{year}-{month:02d}-{day:02d}" if i % 2 else f"{year}-{month:02d}-{day:02d}/{year + 1}-{month:02d}-01",
                "", "non", "1.00", f"Dispositif synthétique {i % 25}" if i % 5 == 0 else "",
            ])


def run_once(csv_path: Path, data_dir: Path) -> dict:
    """Import in this process; report time, timings by phase and peak memory (KiB)."""
    from dtkg.importers import import_scdl

    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    result = import_scdl(csv_path, data_dir)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime - cpu_before, "rows": result.rows_imported,
            "timings": result.timings,
            "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            "bytes": result.output.stat().st_size}




def section(rows: int, runs: list[dict], info: dict[str, str], versions: dict[str, str], csv_bytes: int) -> str:
    seconds = statistics.median(r["seconds"] for r in runs)
    cpu = statistics.median(r.get("cpu", 0.0) for r in runs)
    phases = ["read", "index", "convert", "serialise", "write"]
    median_phase = {p: statistics.median(r["timings"].get(p, 0.0) for r in runs) for p in phases}
    peak = max(r["maxrss_kib"] for r in runs) / 1024
    out = runs[0]["bytes"] / 1024 / 1024
    lines = [
        "## Import of SCDL grants (`dtkg import scdl`)",
        "",
        f"Produced by `python benchmarks/bench_import.py --rows {rows} --runs {len(runs)}`: a synthetic SCDL "
        f"Subventions file of {rows} valid rows ({csv_bytes / 1024 / 1024:.1f} MiB, every field filled, a quarter of "
        "the amounts written `12 345,67`) imported into a fresh data folder, each run in a fresh process; "
        f"median of {len(runs)} runs.",
        "",
        f"Machine: {info['cpus']} CPUs ({info['cpu']}), {info['ram']} RAM, {info['os']}; Python {versions['python']}, "
        f"rdflib {versions['rdflib']}, pyoxigraph {versions['pyoxigraph']}.",
        "",
        "| rows | time (s) | CPU time (s) | rows per second | peak memory (MiB) | Turtle written (MiB) |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {rows} | {seconds:.1f} | {cpu:.1f} | {rows / seconds:,.0f} | {peak:,.0f} | {out:,.1f} |".replace(",", " "),
        "",
        "Time by phase (median, seconds): " + ", ".join(f"{p} {median_phase[p]:.1f}" for p in phases) + ".",
        "Reading is decoding and parsing the CSV; index is reading the seed and the data folder to reconcile "
        "identifiers; convert is checking every row and building its triples; serialise is the conversion of the "
        "triples to the writer's tuple form and the deterministic Turtle writer (`dtkg.writers`); write is the "
        "atomic writing of the Turtle file, the source's "
        "copy and the report. Each row gives about 40 triples (the grant, its amount, two `schema:PropertyValue`s "
        "and the annotation that points to its row).",
        "",
        "Runs: " + ", ".join(f"{r['seconds']:.1f} s" for r in runs) + ".",
    ]
    return "\n".join(lines) + "\n"


def write_section(text: str) -> None:
    doc = DOC.read_text(encoding="utf-8")
    if START not in doc or END not in doc:
        raise SystemExit(f"{DOC} lacks the markers {START} … {END}")
    before, rest = doc.split(START, 1)
    _, after = rest.split(END, 1)
    DOC.write_text(f"{before}{START}\n{text}{END}{after}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print the table without updating the docs")
    parser.add_argument("--child", nargs=2, metavar=("CSV", "DATA"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_once(Path(args.child[0]), Path(args.child[1]))))
        return
    import pyoxigraph
    import rdflib

    versions = {"python": platform.python_version(), "rdflib": rdflib.__version__,
                "pyoxigraph": pyoxigraph.__version__}
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "subventions-synthetiques.csv"
        started = time.perf_counter()
        generate(csv_path, args.rows)
        size = csv_path.stat().st_size
        print(f"generated {args.rows} rows in {time.perf_counter() - started:.1f} s ({size:,} bytes)")
        runs = []
        for i in range(args.runs):
            data = Path(tmp) / f"data-{i}"
            out = subprocess.run([sys.executable, __file__, "--child", str(csv_path), str(data)], check=True,
                                 capture_output=True, text=True, cwd=REPO)
            run = json.loads(out.stdout.strip().splitlines()[-1])
            runs.append(run)
            print(f"run {i + 1}: {run['seconds']:.1f} s (CPU {run['cpu']:.1f} s), "
                  f"{args.rows / run['seconds']:,.0f} rows/s, "
                  f"peak {run['maxrss_kib'] / 1024:,.0f} MiB, phases " +
                  ", ".join(f"{k} {v:.1f}" for k, v in run["timings"].items()))
        text = section(args.rows, runs, machine(), versions, csv_path.stat().st_size)
    print()
    print(text)
    if not args.no_write:
        write_section(text)
        print(f"updated {DOC}")


if __name__ == "__main__":
    main()
