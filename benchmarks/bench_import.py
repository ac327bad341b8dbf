"""Benchmark of `dtkg import scdl`: rows per second for a synthetic SCDL Subventions file of 100,000 rows.

    python benchmarks/bench_import.py [--rows 100000] [--runs 3] [--baseline GIT-REF] [--profile] [--no-write]

The file is generated into a temporary folder (synthetic grants: SIRET numbers with valid checksums, funders among
the seed's Région and CUD and 48 others, 20,000 beneficiaries, every SCDL 2.1 field filled, some amounts written
the French way "12 345,67"), then imported --runs times, each time into a fresh data folder and in a fresh Python
process (so that the peak memory of each run is its own). The script prints a table and writes the section
between <!-- import:start --> and <!-- import:end --> of docs/benchmarks.md (unless --no-write).

With --baseline, the same file is also imported by the code of that git revision (extracted with ``git archive``),
runs of the two alternating, so that the ratio after/before is measured in one session even on a loaded machine;
the import time is fixed (``SOURCE_DATE_EPOCH``) so that the two outputs can be compared byte for byte. With
--profile, one more run of the current code under cProfile gives the functions where the time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import filecmp
import os
import pstats
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


def run_once(csv_path: Path, data_dir: Path, profile: Path | None = None) -> dict:
    """Import in this process; report time, timings by phase and peak memory (KiB)."""
    from dtkg.importers import import_scdl

    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    if profile is not None:
        profiler = cProfile.Profile()
        result = profiler.runcall(import_scdl, csv_path, data_dir)
        profiler.dump_stats(str(profile))
    else:
        result = import_scdl(csv_path, data_dir)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime - cpu_before, "rows": result.rows_imported,
            "timings": result.timings,
            "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            "bytes": result.output.stat().st_size, "output": str(result.output)}


#: The import time of every run (seconds since 1970), so that two runs give byte-comparable files.
EPOCH = "1700000000"


def child(csv_path: Path, data: Path, src: Path | None = None, profile: Path | None = None) -> dict:
    """One import in a fresh process: of the current code, or of the source tree ``src`` (a baseline)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    if src is not None:
        env["PYTHONPATH"] = str(src)
    command = [sys.executable, __file__, "--child", str(csv_path), str(data)]
    if profile is not None:
        command += ["--child-profile", str(profile)]
    out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=REPO, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def extract(ref: str, folder: Path) -> Path:
    """The package as it is at git revision ``ref`` (sources and the data it ships), under ``folder``."""
    folder.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", ref, "src", "data", "ontology", "queries"], cwd=REPO, check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder / "src"


def profile_lines(path: Path, top: int = 12) -> list[str]:
    """The ``top`` functions by own time in a cProfile dump, as Markdown table rows (share of the total)."""
    stats = pstats.Stats(str(path))
    total = stats.total_tt  # type: ignore[attr-defined]
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:top]  # type: ignore[attr-defined]
    lines = ["| function | own time (share) | calls |", "|---|---:|---:|"]
    for (filename, line, name), (_, calls, own, _, _) in rows:
        where = filename.split("/src/", 1)[-1] if "/src/" in filename else Path(filename).name
        label = f"`{where}:{line}({name})`" if line else f"`{name}`"
        lines.append(f"| {label} | {100 * own / total:.0f} % | {calls:,} |".replace(",", " "))
    return lines




def comparison(rows: int, runs: list[dict], base: list[dict], ref: str, same: bool, load: tuple[float, float]
               ) -> list[str]:
    """The table of the current code against a baseline measured in the same session."""

    def med(items: list[dict], key: str) -> float:
        return statistics.median(r[key] for r in items)

    def peak(items: list[dict]) -> float:
        return max(r["maxrss_kib"] for r in items) / 1024

    lines = [
        f"Measured against `{ref}` in the same session, runs alternating (load average {load[0]:.1f} at the start, "
        f"{load[1]:.1f} at the end: **a loaded machine**, so the wall times are inflated and the ratios are the "
        "figures to read; the CPU time of each process is inflated far less). The outputs of the two are "
        + ("**byte for byte identical**" if same else "**different**") + " (`filecmp` on the Turtle written).",
        "",
        "| rows | code | wall time (s) | CPU time (s) | peak memory (MiB) | convert (s) | serialise (s) |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for name, items in ((f"before (`{ref}`)", base), ("after", runs)):
        conv = statistics.median(r["timings"].get("convert", 0.0) for r in items)
        ser = statistics.median(r["timings"].get("serialise", 0.0) for r in items)
        lines.append(f"| {rows} | {name} | {med(items, 'seconds'):.1f} | {med(items, 'cpu'):.1f} | "
                     f"{peak(items):,.0f} | {conv:.1f} | {ser:.1f} |".replace(",", " "))
    lines.append(f"| {rows} | ratio after/before | {med(runs, 'seconds') / med(base, 'seconds'):.2f} | "
                 f"**{med(runs, 'cpu') / med(base, 'cpu'):.2f}** | **{peak(runs) / peak(base):.2f}** | | |")
    return lines + [""]


def section(rows: int, runs: list[dict], info: dict[str, str], versions: dict[str, str], csv_bytes: int,
            compared: list[str] | None = None, profiled: list[str] | None = None) -> str:
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
        "identifiers; convert is checking every row and building its triples (handed in batches to the Turtle "
        "writer's index); serialise is the rendering of the deterministic Turtle (`dtkg.writers`); write is the "
        "atomic writing of the Turtle file, the source's "
        "copy and the report. Each row gives about 40 triples (the grant, its amount, two `schema:PropertyValue`s "
        "and the annotation that points to its row).",
        "",
        "Runs: " + ", ".join(f"{r['seconds']:.1f} s" for r in runs) + ".",
    ]
    if compared:
        lines += ["", *compared]
    if profiled:
        lines += ["", "Where the time goes now (cProfile of one more run of the current code, functions by own "
                  "time; the profiler roughly doubles the time of small calls):", "", *profiled]
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
    parser.add_argument("--baseline", metavar="GIT-REF", help="also import with the code of this revision, runs "
                        "alternating, and report the ratios after/before")
    parser.add_argument("--profile", action="store_true", help="one more run under cProfile: where the time goes")
    parser.add_argument("--child", nargs=2, metavar=("CSV", "DATA"), help=argparse.SUPPRESS)
    parser.add_argument("--child-profile", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        profile = Path(args.child_profile) if args.child_profile else None
        print(json.dumps(run_once(Path(args.child[0]), Path(args.child[1]), profile)))
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
        src = extract(args.baseline, Path(tmp) / "baseline") if args.baseline else None
        load_start = os.getloadavg()[0]
        runs, base = [], []
        for i in range(args.runs):
            for code, found in ((src, base), (None, runs)) if src is not None else ((None, runs),):
                data = Path(tmp) / f"data-{'base' if code else 'new'}-{i}"
                run = child(csv_path, data, code)
                found.append(run)
                print(f"{'baseline' if code else 'current'} run {i + 1}: {run['seconds']:.1f} s "
                      f"(CPU {run['cpu']:.1f} s), {args.rows / run['seconds']:,.0f} rows/s, "
                      f"peak {run['maxrss_kib'] / 1024:,.0f} MiB, phases " +
                      ", ".join(f"{k} {v:.1f}" for k, v in run["timings"].items()))
        compared = None
        if src is not None:
            same = filecmp.cmp(base[0]["output"], runs[0]["output"], shallow=False)
            compared = comparison(args.rows, runs, base, args.baseline, same, (load_start, os.getloadavg()[0]))
        profiled = None
        if args.profile:
            dump = Path(tmp) / "import.prof"
            child(csv_path, Path(tmp) / "data-profile", None, dump)
            profiled = profile_lines(dump)
        text = section(args.rows, runs, machine(), versions, csv_path.stat().st_size, compared, profiled)
    print()
    print(text)
    if not args.no_write:
        write_section(text)
        print(f"updated {DOC}")


if __name__ == "__main__":
    main()
