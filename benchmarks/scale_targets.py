"""The performance targets of the scale benchmark: each step in its own process, as ratios measured in one run.

Used by ``benchmarks/bench_scale.py --targets`` (see its docstring for the command line). Each measure runs in a
fresh child process, so that its wall time and its peak memory (``ru_maxrss`` from ``wait4``) are its own; a step
longer than its time-out is stopped and reported as "> N s". Commands a user runs (``dtkg build``, ``dtkg import
scdl``) run as the installed ``dtkg`` executable; library steps (export, validation, provenance checks) run as
``python benchmarks/scale_targets.py --step NAME ARGS`` and time their own part. The saved queries are measured by
``benchmarks/bench_queries.py`` (every saved query through ``run_query`` against raw pyoxigraph on the same store),
run as a child with ``--json``. With ``--profile`` a missed target's step runs once more under cProfile, in its own
process, and the report gives the top of that profile (cumulative time, and own time by module).
"""

from __future__ import annotations

import cProfile
import json
import os
import pstats
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

#: the measures at a size; those of the 10M targets run at every size, the others up to 1M
MEASURES_SMALL = ("raw", "build", "build-views", "export", "validate", "queries", "provenance")
MEASURES_DISK = ("raw-disk", "build-store", "provenance")
MB = 1024 * 1024


# ====================================================================== steps (run in a child process)

@contextmanager
def _measured(out: dict, key: str, profile: cProfile.Profile | None):
    """Time the block into ``out[key]`` (seconds); profile it when a profiler is given."""
    if profile is not None:
        profile.enable()
    started = time.perf_counter()
    try:
        yield
    finally:
        out[key] = time.perf_counter() - started
        if profile is not None:
            profile.disable()


def step(name: str, args: dict, profile: cProfile.Profile | None = None) -> dict:
    """Run one library step; only the part named by the step is timed (and profiled)."""
    out: dict = {}
    if name == "raw":  # raw pyoxigraph in memory: bulk_load of every input file, then dump to a Turtle file
        import pyoxigraph as ox

        with _measured(out, "load", profile):
            store = ox.Store()
            for path in args["files"]:
                store.bulk_load(path=path, format=ox.RdfFormat.TURTLE)
        with _measured(out, "dump", profile):
            store.dump(args["out"], ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph())
        out["bytes"] = Path(args["out"]).stat().st_size
        return out
    if name == "raw-disk":  # raw pyoxigraph on disk: bulk_load + optimize
        import pyoxigraph as ox

        with _measured(out, "load", profile):
            store = ox.Store(args["store"])
            for path in args["files"]:
                store.bulk_load(path=path, format=ox.RdfFormat.TURTLE)
        with _measured(out, "optimize", profile):
            store.optimize()
            store.flush()
        return out
    if name == "cli":  # a dtkg command in this process (for profiling it)
        from dtkg.cli import main

        with _measured(out, "run", profile):
            try:
                main(args["argv"])
            except SystemExit as exc:
                out["exit"] = exc.code
        return out

    import dtkg

    with _measured(out, "load", None):
        ds = dtkg.load_dataset([args["data"]], seed=True)
    if name == "export":  # dtkg's Turtle export against Oxigraph's dump of the same quads
        with _measured(out, "export", profile):
            dtkg.export(ds, args["out"], "turtle")
        out["bytes"] = Path(args["out"]).stat().st_size
        Path(args["out"]).unlink()
        store = _store_of(ds, args["files"])
        with _measured(out, "dump", None):
            import pyoxigraph as ox

            store.dump(args["out"], ox.RdfFormat.TRIG)
        out["dump_bytes"] = Path(args["out"]).stat().st_size
        return out
    if name == "validate":
        with _measured(out, "validate", profile):
            report = dtkg.validate(ds, source_dirs=[args["data"], _seed_dir()])
        out["violations"] = len(report.violations)
        return out
    if name == "provenance":  # the checks of sources, quotes and SIREN checksums alone
        from dtkg.provenance import check_identifiers, check_sources

        with _measured(out, "checks", profile):
            problems = [*check_sources(ds, [Path(args["data"]), _seed_dir()]), *check_identifiers(ds)]
        out["problems"] = len(problems)
        return out
    if name == "query":  # one saved query through run_query, repeated (for profiling it)
        from rdflib import Literal, URIRef

        values = {k: (URIRef(v) if kind == "iri" else Literal(v)) for k, (kind, v) in args["values"].items()}
        dtkg.run_query(ds, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1")
        with _measured(out, "queries", profile):
            for _ in range(args["repeat"]):
                rows = len(list(dtkg.run_query(ds, args["query"], values or None)))
        out["rows"] = rows
        return out
    raise ValueError(f"unknown step {name!r}")


def _seed_dir() -> Path:
    from dtkg.resources import seed_data_dir

    return seed_data_dir()


def _store_of(ds, files: list[str]):
    """The Oxigraph store behind ``ds`` (or, should that ever be out of reach, the same files bulk-loaded)."""
    try:
        from dtkg.load import ox_store

        store = ox_store(ds)
        if store is not None:
            return store
    except ImportError:
        pass
    import pyoxigraph as ox

    store = ox.Store()
    for path in files:
        store.bulk_load(path=path, format=ox.RdfFormat.TURTLE)
    return store


def child_main(argv: list[str]) -> int:
    """``--step NAME ARGS_JSON [--profile OUT]``: run a step, print its figures as one JSON line."""
    name, args = argv[1], json.loads(argv[2])
    profile_to = argv[4] if len(argv) > 4 and argv[3] == "--profile" else None
    profile = cProfile.Profile() if profile_to else None
    if profile is not None:  # stopped by its time-out: keep the profile of what ran so far
        def stop(signum, frame):  # noqa: ARG001
            profile.disable()
            profile.dump_stats(profile_to)
            os._exit(0)

        signal.signal(signal.SIGTERM, stop)
    out = step(name, args, profile)
    if profile is not None:
        profile.dump_stats(profile_to)
    print(json.dumps(out), flush=True)
    return 0


# ====================================================================== the parent: one child per measure

def run_child(argv: list[str], timeout: float, log, grace: float = 0.0) -> dict:
    """Run ``argv`` in its own process group; its JSON line (if any), wall time, peak memory (MiB), or a time-out."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, stdout=out, stderr=err, cwd=REPO, start_new_session=True)
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                if grace:  # ask first (a profiled step writes what it has), then kill
                    os.kill(proc.pid, signal.SIGTERM)
                    end = time.perf_counter() + grace
                    while time.perf_counter() < end and not os.wait4(proc.pid, os.WNOHANG)[0]:
                        time.sleep(0.1)
                    else:
                        if time.perf_counter() >= end:
                            os.killpg(proc.pid, signal.SIGKILL)
                            os.wait4(proc.pid, 0)
                    return {"timeout": timeout}
                os.killpg(proc.pid, signal.SIGKILL)
                os.wait4(proc.pid, 0)
                proc.returncode = -9
                out.seek(0)
                return {"timeout": timeout, "stdout": out.read().decode(errors="replace")[-20000:]}
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if proc.returncode != 0:
        log(f"    failed (exit {proc.returncode}): {stderr.strip()[-600:]}")
        return {"error": f"exit {proc.returncode}: {stderr.strip()[-300:]}"}
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    record = json.loads(lines[-1]) if lines else {}
    return {**record, "wall": wall, "peak_mib": usage.ru_maxrss / 1024}


def _dtkg() -> str:
    return str(Path(sys.executable).with_name("dtkg"))


def _library(name: str, args: dict) -> list[str]:
    return [sys.executable, str(Path(__file__)), "--step", name, json.dumps(args)]


def command(measure: str, ctx: dict) -> tuple[list[str], Path | None]:
    """The command line of ``measure`` and a path to remove afterwards."""
    tmp = Path(ctx["tmp"])
    data, files = ctx.get("data", ""), ctx.get("files", [])
    if measure == "raw":
        return _library("raw", {"files": files, "out": str(tmp / "raw.ttl")}), tmp / "raw.ttl"
    if measure == "raw-disk":
        return _library("raw-disk", {"files": files, "store": str(tmp / "raw-store")}), tmp / "raw-store"
    if measure in ("build", "build-views", "build-store"):
        return [_dtkg(), *build_args(measure, data, tmp)], tmp / "out"
    if measure == "export":
        return _library("export", {"data": data, "files": files, "out": str(tmp / "export.ttl")}), tmp / "export.ttl"
    if measure in ("validate", "provenance"):
        return _library(measure, {"data": data}), None
    if measure == "queries":
        return ([sys.executable, str(HERE / "bench_queries.py"), "--size", ctx["size"], "--runs",
                 str(ctx["query_runs"]), "--budget", str(ctx.get("query_budget", 5.0)), "--json",
                 str(tmp / "queries.json")], tmp / "queries.json")
    if measure == "import":
        return [_dtkg(), "import", "scdl", ctx["csv"], "--data", str(tmp / "import-data")], tmp / "import-data"
    raise ValueError(measure)


def build_args(measure: str, data: str, tmp: Path) -> list[str]:
    argv = ["build", "--data", data, "--out", str(tmp / "out")]
    if measure != "build-views":
        argv.append("--no-views")
    if measure == "build-store":
        argv += ["--store", str(tmp / "store")]
    return argv


def measure_one(measure: str, ctx: dict, timeout: float, log) -> dict:
    if measure == "queries":
        return measure_queries(ctx, timeout, log)
    argv, cleanup = command(measure, ctx)
    record = run_child(argv, timeout, log)
    record.pop("stdout", None)
    _clean(cleanup, ctx)
    return record


def _clean(cleanup: Path | None, ctx: dict) -> None:
    for path in (cleanup, Path(ctx["tmp"]) / "store"):
        if path is not None:
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)


def measure_queries(ctx: dict, timeout: float, log) -> dict:
    """Every saved query by ``bench_queries.py``; when it is stopped, the query it was on is reported as stopped and
    the queries after it are measured by a new process (``--only``), so one slow query does not hide the others."""
    from dtkg import saved_queries

    names = [q.name for q in saved_queries() if q.name not in ctx.get("skip_queries", ())]
    measured: list[dict] = []
    stopped: list[str] = []
    record: dict = {"wall": 0.0, "peak_mib": 0.0}
    todo = list(names)
    while todo:
        argv, cleanup = command("queries", ctx)
        if todo != names:
            argv += ["--only", ",".join(todo)]
        one = run_child(argv, timeout, log)
        if "timeout" in one:
            got = _query_lines(one.get("stdout", ""))
        elif "error" in one:
            record["error"] = one["error"]
            break
        else:
            path = Path(ctx["tmp"]) / "queries.json"
            saved = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
            got = [{k: q.get(k) for k in ("name", "rows", "dtkg_s", "raw_s", "raw_form")}
                   for q in saved.get("queries", [])]
            record["wall"] += one["wall"]
            record["peak_mib"] = max(record["peak_mib"], one["peak_mib"])
        _clean(cleanup, ctx)
        measured += got
        done = {q["name"] for q in got}
        todo = [n for n in todo if n not in done]
        if "timeout" not in one:
            break
        stuck = todo.pop(0) if todo else None  # bench_queries.py goes through the saved queries in order
        if stuck:
            stopped.append(stuck)
            log(f"    `{stuck}` stopped the saved queries after {timeout:.0f} s; the next ones in a new process")
    record["queries"] = measured
    if stopped:
        record["stopped_queries"] = stopped
        record["query_timeout"] = timeout
    return record


_QUERY_LINE = re.compile(r"^(?P<name>[\w-]+)\s+(?P<rows>\d+) rows\s+run_query\s+(?P<mine>[\d.,]+) ms\s+raw\s+"
                         r"(?P<raw>[\d.,]+) ms \((?P<form>\w+)\)")


def _query_lines(stdout: str) -> list[dict]:
    """The queries that ``bench_queries.py`` printed before it was stopped (one line per query)."""
    out = []
    for line in stdout.splitlines():
        m = _QUERY_LINE.match(line)
        if m:
            out.append({"name": m["name"], "rows": int(m["rows"]), "dtkg_s": float(m["mine"].replace(",", "")) / 1000,
                        "raw_s": float(m["raw"].replace(",", "")) / 1000, "raw_form": m["form"]})
    return out


# ====================================================================== targets and their ratios

def _med(runs: list[dict], measure: str, key: str) -> float | None:
    values = sorted(r[measure][key] for r in runs if isinstance(r.get(measure), dict) and key in r[measure])
    if not values:
        return None
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def _stopped(runs: list[dict], measure: str) -> float | None:
    """The time-out of a stopped measure (in any run), else None."""
    outs = [r[measure]["timeout"] for r in runs if isinstance(r.get(measure), dict) and "timeout" in r[measure]]
    return max(outs) if outs else None


def _error(runs: list[dict], measure: str) -> str | None:
    errs = [r[measure]["error"] for r in runs if isinstance(r.get(measure), dict) and "error" in r[measure]]
    return errs[0] if errs else None


def evaluate(runs: list[dict], size: str, import_runs: list[dict], rows: int) -> list[dict]:
    """Every target at ``size``: id, what, measured, reference, ratio (or value), limit, met (True/False/None), step.

    A stopped step counts as a miss with "more than" its time-out. ``step`` names the measure a profile explains."""
    out: list[dict] = []

    def add(tid, what, value, ref, limit, unit, step, note="", absolute=False):
        met = None if value is None or (ref is None and not absolute) else (
            (value if absolute else value / ref) <= limit)
        out.append({"id": tid, "what": what, "value": value, "ref": ref, "limit": limit, "unit": unit,
                    "met": met, "step": step, "note": note, "absolute": absolute})

    def seconds(measure: str, key: str = "wall") -> tuple[float | None, str]:
        value = _med(runs, measure, key)
        if value is not None:
            return value, ""
        stop = _stopped(runs, measure)
        if stop is not None:
            return stop, f"stopped after {stop:.0f} s"
        err = _error(runs, measure)
        return None, (f"failed: {err}" if err else "not measured")

    raw_load, raw_dump = _med(runs, "raw", "load"), _med(runs, "raw", "dump")
    raw_t = raw_load + raw_dump if raw_load is not None and raw_dump is not None else None
    build, note = seconds("build")
    add("build-time", "`dtkg build --no-views` ≤ 2 × (raw bulk_load + dump)", build, raw_t, 2.0, "s", "build",
        note or (f"raw: {raw_load:.2f} + {raw_dump:.2f} s" if raw_t else ""))
    add("build-memory", "peak memory of `dtkg build --no-views` ≤ 1.5 × raw", _med(runs, "build", "peak_mib"),
        _med(runs, "raw", "peak_mib"), 1.5, "MiB", "build")
    export, note = seconds("export", "export")
    add("export", "Turtle export step ≤ 3 × Oxigraph dump of the same store", export, _med(runs, "export", "dump"),
        3.0, "s", "export", note)
    views, note = seconds("build-views")
    add("views", "`dtkg build` with views ≤ 2 × without views", views, build, 2.0, "s", "build-views", note)
    queries = [r["queries"].get("queries") or [] for r in runs if isinstance(r.get("queries"), dict)]
    queries = [qs for qs in queries if qs]
    names = []
    for qs in queries:
        names += [q["name"] for q in qs if q["name"] not in names]
    for name in names:
        mine = _median([q["dtkg_s"] for qs in queries for q in qs if q["name"] == name])
        raw = _median([q["raw_s"] for qs in queries for q in qs if q["name"] == name])
        form = next((q.get("raw_form") for qs in queries for q in qs if q["name"] == name), "")
        rows_n = next((q.get("rows") for qs in queries for q in qs if q["name"] == name), None)
        overhead = (mine - raw) * 1000
        add(f"query:{name}", f"`{name}` via `run_query` ≤ 2 × raw, overhead ≤ 2 ms", mine * 1000, raw * 1000, 2.0,
            "ms", f"query:{name}", (f"{rows_n:,} rows; " if rows_n is not None else "")
            + f"raw: {form}; overhead {overhead:,.2f} ms")
        out[-1]["met"] = out[-1]["met"] and overhead <= 2.0
        out[-1]["overhead_ms"] = overhead
        if name == "organisation-by-siren":
            add("point-lookup", "point lookup (`organisation-by-siren`) ≤ 3 ms per call", mine * 1000, None, 3.0,
                "ms", f"query:{name}", absolute=True)
    stuck = {n: r["queries"].get("query_timeout") for r in runs if isinstance(r.get("queries"), dict)
             for n in r["queries"].get("stopped_queries", [])}
    for name, limit in stuck.items():
        add(f"query:{name}", f"`{name}` via `run_query` ≤ 2 × raw, overhead ≤ 2 ms", None, None, 2.0, "ms",
            f"query:{name}", f"stopped: `bench_queries.py` ran past {limit:.0f} s on this query")
        out[-1]["met"] = False
    if not names and not stuck:
        _, note = seconds("queries")
        add("queries", "every saved query through `run_query` ≤ 2 × raw pyoxigraph, ≤ 2 ms overhead", None, None,
            2.0, "ms", "queries", note)
    valid, note = seconds("validate", "validate")
    add("validation", "validation ≤ 1 × the load", valid, _med(runs, "validate", "load"), 1.0, "s", "validate",
        note or (f"raw bulk_load {raw_load:.2f} s" if raw_load else ""))
    disk_load, disk_opt = _med(runs, "raw-disk", "load"), _med(runs, "raw-disk", "optimize")
    disk = disk_load + disk_opt if disk_load is not None and disk_opt is not None else None
    store, note = seconds("build-store")
    add("store-time", "`dtkg build --no-views --store` ≤ 2.5 × on-disk bulk_load + optimize", store, disk, 2.5, "s",
        "build-store", note or (f"raw: {disk_load:.1f} + {disk_opt:.1f} s" if disk else ""))
    add("store-memory", "peak memory of `dtkg build --no-views --store` ≤ 2 GiB", _med(runs, "build-store",
        "peak_mib"), None, 2048.0, "MiB", "build-store", absolute=True)
    checks, note = seconds("provenance", "checks")
    add("provenance", "provenance checks (sources, quotes, SIREN checksums) ≤ 10 s", checks, None, 10.0, "s",
        "provenance", note, absolute=True)
    if import_runs:
        wall, note = seconds_of(import_runs, "import")
        add("import-time", f"`dtkg import scdl` of {rows:,} rows ≤ 15 s", wall, None, 15.0, "s", "import", note,
            absolute=True)
        add("import-memory", f"peak memory of `dtkg import scdl` of {rows:,} rows ≤ 1 GiB",
            _med(import_runs, "import", "peak_mib"), None, 1024.0, "MiB", "import", absolute=True)
    for t in out:  # a stopped step is a miss
        if t["note"].startswith("stopped") and t["value"] is not None:
            t["met"], t["stopped"] = False, True
    return out


def seconds_of(runs: list[dict], measure: str) -> tuple[float | None, str]:
    value = _med(runs, measure, "wall")
    if value is not None:
        return value, ""
    stop = _stopped(runs, measure)
    return (stop, f"stopped after {stop:.0f} s") if stop is not None else (None, _error(runs, measure) or "not measured")


def _median(values: list[float]) -> float:
    values = sorted(values)
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


# ====================================================================== profiles

def profile_command(t: dict, ctx: dict, out: Path) -> list[str] | None:
    """The command that re-runs the step behind target ``t`` under cProfile, in its own process."""
    measure = t["step"]
    tmp = Path(ctx["tmp"])
    tail = ["--profile", str(out)]
    if measure in ("build", "build-views", "build-store"):
        return _library("cli", {"argv": build_args(measure, ctx["data"], tmp)}) + tail
    if measure == "import":
        return _library("cli", {"argv": ["import", "scdl", ctx["csv"], "--data", str(tmp / "import-data")]}) + tail
    if measure == "export":
        return _library("export", {"data": ctx["data"], "files": ctx["files"], "out": str(tmp / "export.ttl")}) + tail
    if measure in ("validate", "provenance"):
        return _library(measure, {"data": ctx["data"]}) + tail
    if measure.startswith("query:"):
        name = measure.split(":", 1)[1]
        each = (t.get("value") or 100.0) / 1000  # seconds per call: about 5 s of calls in the profile
        return _library("query", {"data": ctx["data"], "query": name, "values": ctx["params"].get(name, {}),
                                  "repeat": max(1, min(20, int(5 / max(each, 1e-3))))}) + tail
    return None


def summarise(prof: Path, top: int = 12) -> dict:
    """Top functions by cumulative time and own time by module, from a cProfile file."""
    stats = pstats.Stats(str(prof))
    total = stats.total_tt
    entries = []
    modules: dict[str, float] = {}
    for (file, line, func), (_, calls, own, cum, _) in stats.stats.items():
        where = _module(file)
        label = f"{where}:{func}" if where != "~" else func
        entries.append({"function": label, "calls": calls, "cum_s": cum, "own_s": own})
        modules[where if where != "~" else _builtin_owner(func)] = modules.get(
            where if where != "~" else _builtin_owner(func), 0.0) + own
    skip = ("<built-in method builtins.exec>", "<string>:<module>")
    widest = max((e["cum_s"] for e in entries), default=0.0)
    cumulative = [e for e in sorted(entries, key=lambda e: -e["cum_s"])
                  if e["function"] not in skip  # not the wrappers of the whole step (all of it, none of their own)
                  and not (e["cum_s"] >= 0.9 * widest and e["own_s"] < 0.1 * e["cum_s"])
                  and not e["function"].startswith(("scale_targets:", "cProfile", "click.", "dtkg.cli:"))]
    return {"total_s": total, "cumulative": cumulative[:top],
            "modules": sorted(({"module": m, "own_s": s} for m, s in modules.items()), key=lambda e: -e["own_s"])[:8]}


def _module(file: str) -> str:
    """``dtkg.writers`` for .../src/dtkg/writers.py, ``rdflib.term`` for .../site-packages/rdflib/term.py."""
    if file == "~":
        return "~"
    path = Path(file)
    parts = list(path.with_suffix("").parts)
    for anchor in ("site-packages", "src", "benchmarks", "lib"):
        if anchor in parts:
            parts = parts[len(parts) - parts[::-1].index(anchor):]
            break
    else:
        parts = parts[-2:]
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(p for p in parts if not p.startswith("python3")) or file


def _builtin_owner(func: str) -> str:
    """``pyoxigraph`` for "<method 'query' of 'pyoxigraph.Store' objects>", else "built-ins"."""
    if " of '" in func:
        owner = func.split(" of '", 1)[1].split("'", 1)[0]
        return owner.split(".")[0] + " (native)"
    return "built-ins"


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
