"""Scale benchmark: dtkg against plain rdflib and raw pyoxigraph on synthetic national graphs of 10k to 10M triples.

Usage::

    nice python benchmarks/bench_scale.py --targets --profile   # the final pass: every performance target at 10k,
                                                                # 100k, 1M (3 runs) and 10M (1 run), a profile of
                                                                # each missed one, tables up to 1M; writes the doc
    python benchmarks/bench_scale.py --quick               # 10k and 100k, 1 run, short time-outs, prints an
                                                           # estimate of the final pass (minutes)
    nice python benchmarks/bench_scale.py --no-targets     # the comparison tables only, 10k to 10M, 3 runs
    python benchmarks/bench_scale.py --sizes 100k,1M --runs 5 --tools dtkg,pyoxigraph --no-write
    python benchmarks/bench_scale.py --report benchmarks/data/scale-results-<date>.json   # re-render the doc only

The performance targets (``benchmarks/scale_targets.py``, every step in its own process with its peak memory and a
time-out of ``--stop-at`` times its target): ``dtkg build --no-views`` against raw bulk_load + dump (time, peak
memory), the Turtle export step against Oxigraph's dump, ``dtkg build`` with views against without, every saved query
through ``run_query`` against raw pyoxigraph (``benchmarks/bench_queries.py``), ``dtkg build --no-views --store``
against on-disk bulk_load + optimize (and its peak), ``dtkg import scdl`` of 100 000 rows (``bench_import.py``'s
file), validation against the load, the provenance checks alone. ``--resume`` goes on measure by measure.

The data sets are made by ``benchmarks/generate.py`` and cached in ``benchmarks/data/scale-<size>/`` (git-ignored);
every tool reads the same files: the ontology, the seed data and the generated folder. For each size and run, each
tool runs in its own fresh Python process (so that its peak memory, VmHWM, is its own):

- **dtkg** (public functions only): ``load_dataset`` + ``validate`` (= the build without writing), ``export`` to
  Turtle, then the five saved queries through ``run_query`` with parameters bound (``queries/*.rq``), every row
  consumed as rdflib terms;
- **plain rdflib**: ``Graph().parse`` of each file, ``serialize(format="turtle")``, the naive form of each question
  (``benchmarks/naive/*.rq``) and the saved form (``queries/*.rq``) with rdflib's engine and ``initBindings``;
- **raw pyoxigraph**: ``Store().bulk_load`` of each file, ``store.dump(format=RdfFormat.TURTLE)``, the naive forms via
  ``store.query`` with ``substitutions``, and (to separate engine time from dtkg's own costs) the saved forms too,
  with parameters bound as dtkg binds them (a ``VALUES`` block);
- **dtkg build()**: ``dtkg.build(…, views=False)`` in its own process (load, validate, write graph.ttl, summary).

The five questions: a point lookup (``organisation-by-siren``), an aggregate per funder (``total-by-funder``), a path
query (``funding-paths``), a full scan with ORDER BY (``grants``) and a 2-hop neighbourhood (``neighbourhood``).
A step that runs longer than its time-out is stopped (the worker is killed and restarted for the remaining steps) and
reported as "> N s"; it is not retried in later runs. rdflib is not run above ``--rdflib-max`` (default 1M triples);
the report says how long and how much memory it would need, extrapolated from the largest size it ran.

Results: a table per size on standard output, the raw numbers in ``benchmarks/data/scale-results-<date>.json``, and
(unless ``--no-write``, the default for ``--quick``) the section between ``<!-- scale:start -->`` and
``<!-- scale:end -->`` of ``docs/benchmarks.md``: machine, versions, date, a table of medians per size, and the
scale targets checked at 1M triples. A log of the run goes to ``benchmarks/data/bench_scale.log``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DATA = HERE / "data"
DOC = REPO / "docs" / "benchmarks.md"
START, END = "<!-- scale:start -->", "<!-- scale:end -->"
LOG = DATA / "bench_scale.log"

SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000, "10M": 10_000_000}
TOOLS = ("dtkg", "rdflib", "pyoxigraph", "dtkg-build")
MAIN_TOOLS = ("dtkg", "rdflib", "pyoxigraph")
#: (saved query name, what it measures, its parameter and the manifest entry that gives the value)
QUESTIONS = (
    ("organisation-by-siren", "point lookup", "siren", "probe_siren"),
    ("total-by-funder", "aggregate per funder", None, None),
    ("funding-paths", "path query", "funder", "probe_funder"),
    ("grants", "full scan + ORDER BY", None, None),
    ("neighbourhood", "2-hop neighbourhood", "focus", "probe_focus"),
)
AGGREGATES_AND_SCANS = ("total-by-funder", "grants")


# ====================================================================== worker (runs in a fresh process)

def _memory() -> dict[str, int]:
    """Peak (VmHWM) and current (VmRSS) resident memory of this process, in KiB."""
    out = {}
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(("VmHWM:", "VmRSS:")):
                key, value = line.split(":", 1)
                out[key] = int(value.split()[0])
    return {"hwm_kb": out.get("VmHWM", 0), "rss_kb": out.get("VmRSS", 0)}


def _with_values(query: str, bindings: dict[str, tuple[str, str]]) -> str:
    """A saved query with its parameters bound as dtkg binds them (a VALUES block opening the WHERE group), for the
    raw pyoxigraph run of the saved form (which must not import dtkg, so as not to count its memory)."""
    if not bindings:
        return query
    lines = [line for line in query.splitlines() if not line.lstrip().startswith("#")]
    text = "\n".join(lines)
    at = text.index("WHERE {") + len("WHERE {")
    terms = []
    for kind, value in bindings.values():
        terms.append(f"<{value}>" if kind == "iri" else '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return (text[:at] + f" VALUES ({' '.join('?' + n for n in bindings)}) {{ ({' '.join(terms)}) }} " + text[at:])


def worker(spec: dict, emit) -> None:
    """Run ``spec["steps"]`` for ``spec["tool"]``; ``emit`` one dict per event (start, done, error)."""
    import gc

    tool, steps = spec["tool"], spec["steps"]
    params: dict[str, tuple[str, str]] = spec["params"]  # name -> ("iri"|"literal", value)
    queries_dir, naive_dir = Path(spec["queries"]), Path(spec["naive"])
    export_path = Path(spec["export_to"])
    state: dict = {}

    def bound(name: str) -> dict[str, tuple[str, str]]:
        return {p: params[p] for q, _, p, _ in QUESTIONS if q == name and p is not None}

    if tool == "dtkg":
        import inspect

        from rdflib import Literal, URIRef

        from dtkg.writers import export
        from dtkg.load import load_dataset
        from dtkg.query import run_query
        from dtkg.validation import validate

        def rdf(kind: str, value: str):
            return URIRef(value) if kind == "iri" else Literal(value)

        def do(step: str):
            if step == "load":
                kwargs = {"engine": "oxigraph"} if "engine" in inspect.signature(load_dataset).parameters else {}
                state["ds"] = load_dataset([spec["data"]], seed=True, **kwargs)
                return None
            if step == "validate":
                report = validate(state["ds"])
                if not report.conforms:
                    raise RuntimeError("the data does not conform: " + "; ".join(report.lines()[:5]))
                return report.checked_triples
            if step == "export":
                export(state["ds"], export_path, "turtle")
                return export_path.stat().st_size
            if step == "warmup":
                return len(list(run_query(state["ds"], "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1")))
            name = step.split(":", 1)[1]
            values = {p: rdf(*v) for p, v in bound(name).items()}
            return len(list(run_query(state["ds"], name, values or None)))

        state["api"] = "load_dataset(engine=…)" if "engine" in inspect.signature(load_dataset).parameters else "old"
    elif tool == "dtkg-build":
        import inspect
        import shutil

        from dtkg.pipeline import build

        def do(step: str):
            out = export_path.with_suffix(".out")
            kwargs = {"views": False} if "views" in inspect.signature(build).parameters else {}
            try:
                result = build([spec["data"]], out, seed=True, **kwargs)
                return sum(p.stat().st_size for p in result.outputs)
            finally:
                shutil.rmtree(out, ignore_errors=True)
    elif tool == "rdflib":
        from rdflib import Graph, Literal, URIRef, Variable

        def do(step: str):
            if step == "load":
                g = Graph()
                for path in spec["files"]:
                    g.parse(path, format="turtle")
                state["g"] = g
                return len(g)
            if step == "export":
                state["g"].serialize(destination=str(export_path), format="turtle")
                return export_path.stat().st_size
            if step == "warmup":
                return len(list(state["g"].query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1")))
            kind, name = step.split(":", 1)
            folder = queries_dir if kind == "saved" else naive_dir
            text = (folder / f"{name}.rq").read_text(encoding="utf-8")
            bindings = {Variable(p): (URIRef(v) if k == "iri" else Literal(v)) for p, (k, v) in bound(name).items()}
            return len(list(state["g"].query(text, initBindings=bindings)))
    elif tool == "pyoxigraph":
        import pyoxigraph as ox

        def do(step: str):
            if step == "load":
                store = ox.Store()
                for path in spec["files"]:
                    store.bulk_load(path=path, format=ox.RdfFormat.TURTLE)
                state["store"] = store
                return len(store)
            if step == "export":
                state["store"].dump(str(export_path), ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph())
                return export_path.stat().st_size
            if step == "warmup":
                return len(list(state["store"].query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1")))
            kind, name = step.split(":", 1)
            if kind == "saved":
                text = _with_values((queries_dir / f"{name}.rq").read_text(encoding="utf-8"), bound(name))
                return len([tuple(s) for s in state["store"].query(text)])
            text = (naive_dir / f"{name}.rq").read_text(encoding="utf-8")
            subs = {ox.Variable(p): (ox.NamedNode(v) if k == "iri" else ox.Literal(v))
                    for p, (k, v) in bound(name).items()}
            return len([tuple(s) for s in state["store"].query(text, substitutions=subs)])
    else:
        raise ValueError(f"unknown tool {tool!r}")

    careful = spec.get("careful", True)  # garbage collection before each step, repeated quick queries
    emit({"event": "ready", **_memory()})
    for step in steps:
        if careful:
            gc.collect()
        emit({"event": "start", "step": step})
        started = time.perf_counter()
        try:
            result = do(step)
            seconds = time.perf_counter() - started
            if careful and ":" in step and seconds < 1.0:  # a quick query: the median of 3 in this process
                emit({"event": "first", "step": step, "seconds": seconds})
                times = [seconds]
                for _ in range(2):
                    gc.collect()
                    again = time.perf_counter()
                    do(step)
                    times.append(time.perf_counter() - again)
                seconds = sorted(times)[1]
        except Exception as exc:  # noqa: BLE001 - reported, the run goes on
            emit({"event": "error", "step": step, "error": f"{type(exc).__name__}: {exc}"[:500]})
            if step == "load":
                return
            continue
        emit({"event": "done", "step": step, "seconds": seconds, "result": result, **_memory()})
        if step == "export":
            export_path.unlink(missing_ok=True)
    emit({"event": "end", "api": state.get("api"), **_memory()})


def _worker_main(spec_path: str, fd: int) -> None:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    with os.fdopen(fd, "w", buffering=1) as out:
        def emit(event: dict) -> None:
            out.write(json.dumps(event) + "\n")
            out.flush()
        worker(spec, emit)


# ====================================================================== parent

def log(message: str) -> None:
    line = f"[{dt.datetime.now():%H:%M:%S}] {message}"
    print(line, flush=True)
    LOG.parent.mkdir(parents=True, exist_ok=True)  # benchmarks/data/ is not in a fresh checkout
    with LOG.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def dataset(size: str, seed: int = 0) -> tuple[Path, dict]:
    """The cached synthetic data set for ``size`` (generated when missing or made for another size or seed)."""
    folder = DATA / f"scale-{size}"
    manifest_path = folder / "manifest.json"
    if manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("target_triples") == SIZES[size] and manifest.get("seed") == seed:
            return folder, manifest
    sys.path.insert(0, str(HERE))
    from generate import generate

    log(f"generating {size} triples into {folder}")
    manifest = generate(SIZES[size], folder, seed=seed)
    log(f"generated {manifest['triples']} triples in {len(manifest['files'])} files in {manifest['seconds']} s")
    return folder, manifest


def input_files(folder: Path) -> list[str]:
    """The files every tool reads: the ontology, the seed data and the generated folder (what dtkg loads)."""
    seed = sorted(str(p) for p in (REPO / "data").rglob("*.ttl"))
    return [str(REPO / "ontology" / "dtkg.ttl"), *seed, *sorted(str(p) for p in folder.glob("*.ttl"))]


def steps_for(tool: str) -> list[str]:
    """The steps of each tool, slow-prone queries last (a stopped step costs a reload for the steps after it)."""
    queries = [q for q, _, _, _ in QUESTIONS]
    if tool == "dtkg":
        return ["load", "validate", "warmup", *(f"query:{q}" for q in queries), "export"]
    if tool == "dtkg-build":
        return ["build"]
    return ["load", "export", "warmup", *(f"saved:{q}" for q in queries), *(f"naive:{q}" for q in queries)]


def run_worker(tool: str, steps: list[str], spec: dict, timeouts: dict[str, float]) -> dict:
    """Run one worker process; returns {step: {...}} plus "peak_kb"; kills it when a step exceeds its time-out and
    starts a new one for the steps after it (reloading the data, which is then not counted)."""
    results: dict[str, dict] = {}
    peak = 0
    pending = list(steps)
    first = True
    while pending:
        todo = pending if first else ["load", *pending]
        spec_file = Path(tempfile.mkstemp(prefix="bench-spec-", suffix=".json", dir=DATA)[1])
        spec_file.write_text(json.dumps({**spec, "tool": tool, "steps": todo}), encoding="utf-8")
        read_fd, write_fd = os.pipe()
        with LOG.open("a", encoding="utf-8") as logfh:
            proc = subprocess.Popen([sys.executable, __file__, "--worker", str(spec_file), str(write_fd)],
                                    pass_fds=(write_fd,), stdout=logfh, stderr=logfh, start_new_session=True)
        os.close(write_fd)
        buffer = b""
        current, deadline = None, time.monotonic() + timeouts["load"]
        ended = timed_out = False
        try:
            while True:
                wait = max(0.0, deadline - time.monotonic())
                ready, _, _ = select.select([read_fd], [], [], min(wait, 5.0))
                if not ready:
                    if time.monotonic() >= deadline:
                        timed_out = True
                        break
                    continue
                chunk = os.read(read_fd, 65536)
                if not chunk:
                    break  # the worker ended (or crashed)
                buffer += chunk
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    event = json.loads(line)
                    kind = event["event"]
                    peak = max(peak, event.get("hwm_kb", 0))
                    if kind == "start":
                        current = event["step"]
                        limit = timeouts["query"] if ":" in current else timeouts["load"]
                        deadline = time.monotonic() + limit
                    elif kind == "first":  # a query under 1 s, run twice more for a median
                        deadline = time.monotonic() + 60.0
                    elif kind == "done":
                        deadline = time.monotonic() + timeouts["load"]  # between steps (garbage collection)
                        step = event["step"]
                        if first or step != "load":
                            results[step] = {"s": event["seconds"], "result": event["result"],
                                             "rss_kb": event["rss_kb"], "hwm_kb": event["hwm_kb"]}
                        else:
                            results.setdefault("reload", {"s": event["seconds"]})
                        if step in pending:
                            pending.remove(step)
                        log(f"  {tool:10s} {step:32s} {event['seconds']:10.3f} s  result={event['result']}  "
                            f"peak={event['hwm_kb'] / 1024:.0f} MiB")
                        current = None
                    elif kind == "error":
                        step = event["step"]
                        results[step] = {"error": event["error"]}
                        log(f"  {tool:10s} {step:32s} ERROR {event['error']}")
                        if step in pending:
                            pending.remove(step)
                        if step == "load":
                            pending.clear()
                    elif kind == "end":
                        results["api"] = event.get("api")
                        ended = True
                if ended:
                    break
        finally:
            os.close(read_fd)
            if proc.poll() is None and not ended:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            spec_file.unlink(missing_ok=True)
        first = False
        if ended or not pending:
            break
        if current is None:  # ended between steps without saying so
            for step in pending:
                results[step] = {"error": f"worker exited with code {proc.returncode}"}
            break
        if timed_out:
            limit = timeouts["query"] if ":" in current else timeouts["load"]
            results[current] = {"timeout": limit}
            log(f"  {tool:10s} {current:32s} stopped after {limit:.0f} s")
        else:  # crashed in a step (out of memory...): the steps after it run in a new worker
            results[current] = {"error": f"worker exited with code {proc.returncode}"}
            log(f"  {tool:10s} {current:32s} CRASHED (exit code {proc.returncode})")
        pending.remove(current)
        if current == "load":
            break
    results["peak_kb"] = peak
    return results


def machine() -> dict:
    import pyoxigraph
    import rdflib

    cpu = ""
    with open("/proc/cpuinfo", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kb = 0
    with open("/proc/meminfo", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    try:
        from importlib.metadata import version

        oxrdflib_version = version("oxrdflib")
    except Exception:  # noqa: BLE001
        oxrdflib_version = "?"
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                                check=False).stdout.strip()
    except OSError:
        commit = ""
    return {"nproc": os.cpu_count(), "ram_gib": round(mem_kb / 1024 / 1024, 1), "cpu": cpu,
            "python": platform.python_version(), "rdflib": rdflib.__version__, "pyoxigraph": pyoxigraph.__version__,
            "oxrdflib": oxrdflib_version, "platform": platform.platform(), "commit": commit,
            "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"), "loadavg_start": _loadavg()}


def _loadavg() -> str:
    try:
        return Path("/proc/loadavg").read_text(encoding="ascii").split(" ")[0]
    except OSError:
        return "?"


def start_results(args) -> dict:
    """A new results file, or the saved one given with ``--resume`` (runs are then added to it)."""
    if args.resume:  # add runs to a saved results file (--runs is then the total wanted per size)
        results = json.loads(args.resume.read_text(encoding="utf-8"))
        results["meta"].setdefault("resumed", []).append(
            {"date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"), "sizes": args.sizes, "tools": args.tools,
             "loadavg_start": _loadavg()})
        return results
    return {"meta": {**machine(), "runs": args.runs, "query_timeout": args.query_timeout,
                     "step_timeout": args.step_timeout, "rdflib_max": args.rdflib_max,
                     "nice": os.nice(0), "targets": args.targets, "quick": args.quick,
                     "command": " ".join(["python", "benchmarks/bench_scale.py", *sys.argv[1:]])}, "sizes": {}}


def run(args, results: dict, sizes: list[str]) -> dict:
    """The comparison tables: dtkg, plain rdflib and raw pyoxigraph, each tool in its own process per run."""
    DATA.mkdir(parents=True, exist_ok=True)
    results.setdefault("sizes", {})
    timeouts = {"load": args.step_timeout, "query": args.query_timeout}
    for size in sizes:
        size_started = time.monotonic()
        folder, manifest = dataset(size)
        files = input_files(folder)
        params = {}
        for _, _, name, key in QUESTIONS:
            if name is not None:
                params[name] = ("literal" if name == "siren" else "iri", manifest[key])
        entry = results["sizes"].get(size) or {
            "triples_generated": manifest["triples"], "files": len(files),
            "bytes": sum(Path(f).stat().st_size for f in files), "counts": manifest["counts"],
            "params": params, "runs": []}
        results["sizes"][size] = entry
        tools = [t for t in args.tools if not (t == "rdflib" and SIZES[size] > SIZES[args.rdflib_max])]
        stopped: dict[str, set[str]] = {t: set() for t in tools}  # steps that timed out: not retried
        for previous in entry["runs"]:
            for tool in tools:
                for step, value in previous.get(tool, {}).items():
                    if isinstance(value, dict) and "timeout" in value:
                        stopped[tool].add(step)
        first_run = len(entry["runs"])
        wanted = args.table_runs
        for run_index in range(first_run, max(wanted, first_run) if args.resume else first_run + wanted):
            log(f"{size}: run {run_index + 1}/{max(wanted, first_run + 1)}")
            one = {}
            for tool in tools:
                steps = [s for s in steps_for(tool) if s not in stopped[tool] and f"{tool}:{s}" not in args.skip]
                spec = {"data": str(folder), "files": files, "params": params, "queries": str(REPO / "queries"),
                        "naive": str(HERE / "naive"), "careful": not args.quick,
                        "export_to": str(DATA / f"export-{tool}-{os.getpid()}.ttl")}
                tool_started = time.monotonic()
                one[tool] = run_worker(tool, steps, spec, timeouts)
                results.setdefault("tool_seconds", {}).setdefault(size, {}).setdefault(tool, []).append(
                    time.monotonic() - tool_started)
                for step, value in one[tool].items():
                    if isinstance(value, dict) and "timeout" in value:
                        stopped[tool].add(step)
                for step in stopped[tool]:
                    one[tool].setdefault(step, {"timeout": args.query_timeout if ":" in step else args.step_timeout})
            entry["runs"].append(one)
            _save(results, args)
        done = len(entry["runs"]) - first_run
        if done:  # seconds per run of the tables at this size (for the estimate of a final pass)
            results.setdefault("tables_seconds", {}).setdefault(size, []).append(
                (time.monotonic() - size_started) / done)
        _save(results, args)
    return results


def _save(results: dict, args) -> None:
    path = args.results_path
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


# ====================================================================== summarising

def medians(entry: dict, tool: str) -> dict[str, dict]:
    """Per step: the median seconds over runs (or the time-out / error), the result (rows, bytes), the peak."""
    out: dict[str, dict] = {}
    runs = [r[tool] for r in entry["runs"] if tool in r]
    if not runs:
        return out
    steps = []
    for r in runs:
        steps += [s for s in r if isinstance(r[s], dict) and s not in steps]
    for step in steps:
        values = [r[step] for r in runs if step in r]
        timings = [v["s"] for v in values if "s" in v]
        timeouts = [v["timeout"] for v in values if "timeout" in v]
        errors = [v["error"] for v in values if "error" in v]
        if timeouts:
            out[step] = {"timeout": max(timeouts)}
        elif errors and not timings:
            out[step] = {"error": errors[0]}
        else:
            out[step] = {"s": statistics.median(timings), "n": len(timings),
                         "result": values[-1].get("result")}
    # peak memory: over the runs that did every step (a run may skip the export, see --skip)
    complete = [r for r in runs if "export" in r] or runs
    peaks = [r["peak_kb"] for r in complete if r.get("peak_kb")]
    if peaks:
        out["peak"] = {"kb": statistics.median(peaks)}
    return out


def _fmt_s(value: dict | None, unit: str = "s") -> str:
    if not value:
        return "—"
    if "timeout" in value:
        return f"> {value['timeout']:.0f} s (stopped)"
    if "error" in value:
        return "error"
    seconds = value["s"]
    if unit == "ms":
        return f"{seconds * 1000:,.1f}" if seconds < 10 else f"{seconds * 1000:,.0f}"
    return f"{seconds:,.2f}" if seconds < 100 else f"{seconds:,.0f}"


def _mib(kb: float) -> str:
    return f"{kb / 1024:,.0f}"


def _build(m: dict) -> dict | None:
    """dtkg's build time: load + validate."""
    if "s" in m.get("load", {}) and "s" in m.get("validate", {}):
        return {"s": m["load"]["s"] + m["validate"]["s"]}
    return m.get("validate") or m.get("load")


def _ratio(a: dict | None, b: dict | None) -> float | None:
    if not a or not b or "s" not in a or "s" not in b or b["s"] <= 0:
        return None
    return a["s"] / b["s"]


def size_table(size: str, entry: dict) -> list[str]:
    d, r, o, b = (medians(entry, t) for t in TOOLS)
    n_runs = max((len([x for x in entry["runs"] if t in x]) for t in MAIN_TOOLS), default=0)
    lines = [f"#### {size} triples ({entry['triples_generated']:,} generated + seed and ontology; {entry['files']} "
             f"files, {entry['bytes'] / 1e6:,.0f} MB of Turtle; medians of {n_runs} run{'s' if n_runs != 1 else ''})",
             "",
             "| measure | dtkg (saved query) | plain rdflib (naive form) | plain rdflib (saved form) | "
             "raw pyoxigraph (naive form) | raw pyoxigraph (saved form) | rows |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]

    def cell(m: dict, step: str, unit: str = "s") -> str:
        if not m:
            return "not run" if m is r else "—"
        value = m.get(step)
        text = _fmt_s(value, unit)
        if value and value.get("n") and value["n"] < n_runs:
            text += f" ({value['n']} run{'s' if value['n'] != 1 else ''})"
        return text

    build = _build(d)
    build_text = _fmt_s(build)
    if d.get("load", {}).get("s") is not None and d.get("validate", {}).get("s") is not None:
        build_text += f" ({d['load']['s']:.2f} + {d['validate']['s']:.2f})"
    rdflib_load = f"{cell(r, 'load')} (parse only)" if r else "not run"
    lines.append(f"| build: load + validate (s) | {build_text} | {rdflib_load} | | {cell(o, 'load')} (bulk_load) | | |")
    if b.get("build"):
        n_build = b["build"].get("n", 0)
        runs_note = f", {n_build} run{'s' if n_build != 1 else ''}" if n_build and n_build != n_runs else ""
        lines.append(f"| `dtkg.build()`: load, validate, write graph.ttl, summary (s{runs_note}) | "
                     f"{_fmt_s(b['build'])} | | | | | |")
    for name, what, _, _ in QUESTIONS:
        cells = ((d, f"query:{name}"), (r, f"naive:{name}"), (r, f"saved:{name}"), (o, f"naive:{name}"),
                 (o, f"saved:{name}"))
        rows = {m.get(step, {}).get("result") for m, step in cells if m.get(step, {}).get("result") is not None}
        rows_text = ", ".join(f"{x:,}" for x in sorted(rows)) + (" ⚠ differ" if len(rows) > 1 else "")
        lines.append(f"| {what}: `{name}` (ms) | " + " | ".join(cell(m, step, "ms") for m, step in cells)
                     + f" | {rows_text} |")
    lines.append(f"| export to Turtle (s) | {cell(d, 'export')} | {cell(r, 'export')} | | {cell(o, 'export')} | | |")
    peaks = [(_mib(m["peak"]["kb"]) if m.get("peak") else ("not run" if m is r else "—")) for m in (d, r, o)]
    lines.append(f"| peak memory (MiB) | {peaks[0]} | {peaks[1]} | | {peaks[2]} | | |")
    before = _peak_before_export(entry)
    if before:
        lines.append(f"| peak memory before the export (MiB) | {_mib(before)} | | | | | |")
    if b.get("peak"):
        lines.append(f"| peak memory of `dtkg.build()` (MiB) | {_mib(b['peak']['kb'])} | | | | | |")
    return lines


def _peak_before_export(entry: dict) -> float | None:
    """dtkg's peak memory after build and queries, before the export (the median over runs)."""
    peaks = []
    for run in entry["runs"]:
        steps = run.get("dtkg", {})
        before = [v["hwm_kb"] for k, v in steps.items() if k != "export" and isinstance(v, dict) and "hwm_kb" in v]
        if before:
            peaks.append(max(before))
    return statistics.median(peaks) if peaks else None


def _faster(*values: dict | None) -> dict | None:
    """The faster of several medians (a finished one beats a stopped one)."""
    finished = [v for v in values if v and "s" in v]
    if finished:
        return min(finished, key=lambda v: v["s"])
    stopped = [v for v in values if v and "timeout" in v]
    return stopped[0] if stopped else None


def targets(entry: dict, size: str) -> list[str]:
    d, r, o, _ = (medians(entry, t) for t in TOOLS)
    out = [f"Earlier checks at {size} triples (saved queries against the naive forms, dtkg against rdflib):", ""]

    def mark(ok: bool | None) -> str:
        return "✔" if ok else ("✘" if ok is not None else "?")

    build = _build(d)
    ratio = _ratio(build, o.get("load"))
    if ratio is None:
        out.append("- ? build (load + validate) ≤ 1.5 × raw pyoxigraph bulk load: not measured")
    else:
        out.append(f"- {mark(ratio <= 1.5)} build (load + validate) ≤ 1.5 × raw pyoxigraph bulk load: {ratio:.2f} × "
                   f"({build['s']:.2f} s vs {o['load']['s']:.2f} s)")
        if ratio > 1.5 and "s" in d.get("load", {}) and "s" in d.get("validate", {}):
            out[-1] += (f" — dtkg's load alone is {d['load']['s'] / o['load']['s']:.2f} ×; validation adds "
                        f"{d['validate']['s']:.2f} s ({d['validate']['s'] / o['load']['s']:.2f} × the bulk load)")
    for name, what, _, _ in QUESTIONS:
        mine = d.get(f"query:{name}")
        best = _faster(r.get(f"naive:{name}"), o.get(f"naive:{name}"))
        if mine is None or "s" not in mine or best is None:
            out.append(f"- ? {what} (`{name}`): not measured")
            continue
        if "timeout" in best:
            out.append(f"- ✔ {what} (`{name}`) at least as fast as the naive forms: {mine['s'] * 1000:,.1f} ms "
                       f"vs > {best['timeout']:.0f} s")
            continue
        ratio = mine["s"] / best["s"]
        line = (f"- {mark(ratio <= 1.0)} {what} (`{name}`) at least as fast as the faster naive form: "
                f"{mine['s'] * 1000:,.1f} ms vs {best['s'] * 1000:,.1f} ms ({ratio:.2f} ×)")
        saved = o.get(f"saved:{name}")
        if ratio > 1.0 and saved and "s" in saved:
            line += (f" — Oxigraph runs the saved form in {saved['s'] * 1000:,.1f} ms; the other "
                     f"{(mine['s'] - saved['s']) * 1000:,.1f} ms are dtkg's own (query check, rdflib result terms)")
        out.append(line)
    for name in AGGREGATES_AND_SCANS:
        mine = d.get(f"query:{name}")
        theirs = _faster(r.get(f"naive:{name}"), r.get(f"saved:{name}"))
        if not mine or not theirs or "s" not in mine:
            out.append(f"- ? `{name}` ≥ 20 × faster than rdflib: not measured")
            continue
        if "timeout" in theirs:
            out.append(f"- ✔ `{name}` ≥ 20 × faster than rdflib: rdflib > {theirs['timeout']:.0f} s with either form")
            continue
        ratio = theirs["s"] / mine["s"]
        out.append(f"- {mark(ratio >= 20)} `{name}` ≥ 20 × faster than rdflib (its faster form): {ratio:,.1f} × "
                   f"({mine['s']:.3f} s vs {theirs['s']:.2f} s)")
    if d.get("peak") and o.get("peak"):
        ratio = d["peak"]["kb"] / o["peak"]["kb"]
        out.append(f"- {mark(ratio <= 2)} peak memory ≤ 2 × raw pyoxigraph: {ratio:.2f} × "
                   f"({_mib(d['peak']['kb'])} MiB vs {_mib(o['peak']['kb'])} MiB)")
        before = _peak_before_export(entry)
        if ratio > 2 and before:
            out[-1] += (f" — before its Turtle export dtkg peaks at {_mib(before)} MiB "
                        f"({before / o['peak']['kb']:.2f} ×): the export holds every triple as Python objects")
    return out


HOW_TO_RUN = """\
How to run it (from the repository, with the development install active; the data sets are generated once by
`benchmarks/generate.py` and cached in a git-ignored folder next to the scripts, with the results files):

- `nice python benchmarks/bench_scale.py --targets --profile`: the final pass: every performance target at 10k,
  100k and 1M triples (3 runs) and 10M (1 run), each step in its own process, then a cProfile of the step of each
  missed target, then the comparison tables up to 1M (plain rdflib up to 100k); writes this section. About 30 min
  on an idle 2-core machine when the targets are met (each missed step is stopped at `--stop-at` × its target).
- `python benchmarks/bench_scale.py --quick`: 10k and 100k, 1 run, an import of 10 000 rows, prints the report and
  an estimate of the final pass, leaves this file alone (a few minutes).
- `--resume FILE.json` continues an interrupted run (a measure already in the file is not run again);
  `--report FILE.json` re-renders this section from a results file; `--no-targets` runs the comparison tables
  only (all tools, 10k to 10M, as before); `--sizes`, `--runs`, `--runs-10M`, `--stop-at` adjust a run.
"""


#: plain rdflib at 1M, from the full run of 2026-11-26 (dtkg at f010565, load average 0.6 to 1.0, medians of 3);
#: quoted when a run leaves rdflib out above 100k (it takes 12 min per run at 1M)
FORMER_RDFLIB_1M = (
    "Plain rdflib at 1M triples, from the full run of 2026-11-26 (not re-run: 12 min per run): parse 24.46 s, "
    "Turtle export 20.58 s, peak 1,286 MiB; `organisation-by-siren` 2,390.6 ms (naive form) and 17.2 ms (saved "
    "form); `total-by-funder` > 300 s (naive) and 3,899.9 ms (saved); `funding-paths` 4,612.8 and 287.9 ms; "
    "`grants` 15,447 and 15,237 ms; `neighbourhood` > 300 s and 2,806.4 ms.")


def _loaded(meta: dict) -> bool:
    try:
        return max(float(meta.get("loadavg_start", 0)), float(meta.get("loadavg_end", 0))) > (meta.get("nproc") or 1)
    except ValueError:
        return False


def report(results: dict) -> str:
    meta = results["meta"]
    lines = [
        "## Scale: the performance targets, and dtkg against plain rdflib and raw pyoxigraph from 10k to 10M "
        "triples (`benchmarks/bench_scale.py`)",
        "",
        HOW_TO_RUN,
        f"Machine: {meta['nproc']} CPUs ({meta['cpu']}), {meta['ram_gib']} GiB RAM, {meta['platform']}.  ",
        f"Python {meta['python']}, rdflib {meta['rdflib']}, pyoxigraph {meta['pyoxigraph']}, oxrdflib "
        f"{meta['oxrdflib']}; dtkg at commit {meta['commit'] or '?'} plus the working tree; {meta['date']}.  ",
        f"Command: `{meta.get('command', 'python benchmarks/bench_scale.py')}`. "
        f"Load average {meta.get('loadavg_start', '?')} at the start and {meta.get('loadavg_end', '?')} at the end "
        f"(the machine is shared), niceness {meta.get('nice', 0)}"
        + (f"; {meta['seconds'] / 60:.0f} min in all" if meta.get("seconds") else "") + ".",
        *(["**Measured on a loaded machine** (load average above the number of CPUs): absolute times are "
           "inflated; read the ratios, each measured in one run."] if _loaded(meta) else []),
        *([f"**Not the final pass**: sizes {', '.join(results.get('targets', {}).get('sizes', {}))} only; the 1M "
           "and 10M targets are read at the largest size that was run."]
          if results.get("targets") and not {"1M", "10M"} <= set(results["targets"].get("sizes", {})) else []),
        *(f"Runs added on {r['date']} (load average {r.get('loadavg_start', '?')}): sizes {', '.join(r['sizes'])}, "
          f"tools {', '.join(r['tools'])}.  " for r in meta.get("resumed", [])),
        "",
        *targets_report(results),
    ]
    if not results.get("sizes"):
        return "\n".join(lines).rstrip("\n") + "\n"
    lines += [
        "### Comparison tables",
        "",
        f"Time-outs: {meta['query_timeout']:.0f} s per query, {meta['step_timeout']:.0f} s per load or export. "
        "Synthetic national graphs from `benchmarks/generate.py` (organisations with SIREN, communes with INSEE "
        "codes, places and networks, people and roles, grants with a heavy tail of funders, every fact with its "
        "annotation), loaded with the ontology and the seed data by every tool. Each tool runs in a fresh process "
        "per run; times are medians, memory is the median of the peak resident size (VmHWM) of the process. "
        "dtkg runs its saved queries through `run_query` (rows consumed as rdflib terms) after one warm-up query; "
        "rdflib and pyoxigraph run the naive forms of the same questions (`benchmarks/naive/*.rq`) and the saved "
        "forms (rdflib with `initBindings`, pyoxigraph with a VALUES block as dtkg binds parameters), which tells "
        "the engine's time from dtkg's own. A query "
        "under 1 s is the median of 3 in its process. \"rows\" are the answer sizes (they agree across tools). "
        "`dtkg.build()` (views off) is measured in its own process.",
        "",
    ]
    sizes = results["sizes"]
    measured_rdflib = [s for s in sizes if medians(sizes[s], "rdflib")]
    for size, entry in sizes.items():
        lines += size_table(size, entry)
        if not medians(entry, "rdflib") and measured_rdflib:
            ref = measured_rdflib[-1]
            m = medians(sizes[ref], "rdflib")
            factor = SIZES[size] / SIZES[ref]
            total = sum(v.get("s", v.get("timeout", 0)) for k, v in m.items() if k != "peak")
            peak = m.get("peak", {}).get("kb", 0) * factor / 1024 / 1024
            lines += ["", f"plain rdflib not run at {size}: it would take > {total * factor / 60:,.0f} min and "
                          f"> {peak:,.0f} GiB (measured at {ref}: {total / 60:,.1f} min and "
                          f"{m.get('peak', {}).get('kb', 0) / 1024 / 1024:,.1f} GiB per run, times "
                          f"{factor:.0f}, at least linear)."]
        lines.append("")
    if "1M" in sizes and not medians(sizes["1M"], "rdflib"):
        lines += [FORMER_RDFLIB_1M, ""]
    if "1M" in sizes and medians(sizes["1M"], "dtkg"):
        lines += targets(sizes["1M"], "1M")
        lines.append("")
    if "10M" in sizes:
        d = medians(sizes["10M"], "dtkg")
        build, agg = _build(d), d.get("query:total-by-funder")
        ok = bool(build and "s" in build and agg and "s" in agg)
        peak = f", peak {d['peak']['kb'] / 1024 / 1024:.1f} GiB" if d.get("peak") else ""
        lines.append(f"- {'✔' if ok else '✘'} 10M triples build and answer the aggregate on this machine: "
                     + (f"build {build['s']:.0f} s, aggregate {agg['s']:.2f} s{peak}" if ok else "see the table"))
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def write_doc(text: str) -> None:
    doc = DOC.read_text(encoding="utf-8") if DOC.is_file() else "# Benchmarks\n"
    block = f"{START}\n{text}{END}"
    if START in doc and END in doc:
        before, rest = doc.split(START, 1)
        after = rest.split(END, 1)[1]
        doc = before + block + after
    else:
        doc = doc.rstrip("\n") + "\n\n" + block + "\n"
    tmp = DOC.with_name(f".{DOC.name}.tmp")
    tmp.write_text(doc, encoding="utf-8")
    os.replace(tmp, DOC)


# ====================================================================== issue targets (each measure its own process)

TARGET_SIZES_1M = ("10k", "100k", "1M")  # where the 1M targets are measured (the largest one is reported)


def _targets_module():
    sys.path.insert(0, str(HERE))
    import scale_targets

    return scale_targets


def _timeout(measure: str, run: dict, args) -> float:
    """A measure's time-out: ``--stop-at`` times its target's limit on this run's reference (never under
    ``--min-timeout``); a step that far off its target is stopped, reported as "> N s" and not run again."""
    def wall(m: str, *keys: str) -> float | None:
        r = run.get(m) or {}
        if keys:
            return sum(r[k] for k in keys) if all(k in r for k in keys) else None
        return r.get("wall", r.get("timeout"))

    raw = wall("raw", "load", "dump")
    disk = wall("raw-disk", "load", "optimize")
    ref = raw if raw is not None else (disk / 3 if disk is not None else None)
    k = args.stop_at
    limits = {
        "build": 2.0 * ref if ref else None,
        "build-views": 2.0 * wall("build") if wall("build") else None,
        "export": 6.0 * ref if ref else None,  # load, export (≤ 3 × dump) and dump in one process
        "validate": 3.0 * ref if ref else None,
        "queries": max(100.0, 20.0 * ref) if ref else None,  # every saved query, both ways, --query-runs times
        "provenance": 3.0 * ref + 10.0 if ref else None,
        "build-store": 2.5 * disk if disk else None,
        "import": 15.0 * args.import_rows / 100_000,
    }
    limit = limits.get(measure)
    if limit is None:
        return args.step_timeout
    return min(args.step_timeout, max(args.min_timeout, k * limit))


def target_measures(size: str) -> tuple[str, ...]:
    tm = _targets_module()
    if size == "10M":
        return tm.MEASURES_DISK
    return tuple(dict.fromkeys((*tm.MEASURES_SMALL, *tm.MEASURES_DISK)))


def _context(size: str, folder: Path, manifest: dict, tmp: str, args) -> dict:
    sys.path.insert(0, str(HERE))
    from bench_queries import parameters

    return {"size": size, "data": str(folder), "files": input_files(folder), "tmp": tmp,
            "query_runs": args.query_runs, "query_budget": args.query_budget, "params": parameters(manifest),
            "csv": args.csv}


def _import_csv(rows: int) -> str:
    """The synthetic SCDL file of ``rows`` rows of bench_import.py (cached in benchmarks/data/)."""
    path = DATA / f"scdl-{rows}.csv"
    if not path.is_file():
        sys.path.insert(0, str(HERE))
        from bench_import import generate

        tmp = path.with_suffix(".tmp")
        generate(tmp, rows)
        os.replace(tmp, path)
    return str(path)


def run_targets(args, results: dict) -> None:
    """Every measure of the targets, ``--runs`` times per size (``--runs-10M`` at 10M), resumable measure by measure."""
    tm = _targets_module()
    store = results.setdefault("targets", {"sizes": {}, "import": {"rows": args.import_rows, "runs": []}})
    args.csv = _import_csv(args.import_rows)
    for size in args.sizes:
        folder, manifest = dataset(size)
        entry = store["sizes"].setdefault(size, {"triples_generated": manifest["triples"], "runs": []})
        runs = args.runs_10m if size == "10M" else args.runs
        for index in range(runs):
            if index >= len(entry["runs"]):
                entry["runs"].append({})
            run = entry["runs"][index]
            with tempfile.TemporaryDirectory(prefix="bench-targets-", dir=DATA) as tmp:
                ctx = _context(size, folder, manifest, tmp, args)
                for measure in target_measures(size):
                    if measure in run or (measure == "queries" and index and not args.queries_every_run):
                        continue  # done (resumed), or the saved queries: medians of --query-runs calls, once
                    earlier = [r[measure]["timeout"] for r in entry["runs"][:index]
                               if "timeout" in r.get(measure, {})]
                    if earlier:  # stopped in an earlier run: not run again
                        run[measure] = {"timeout": earlier[0], "not_rerun": True}
                        continue
                    ctx["skip_queries"] = [n for r in entry["runs"][:index]
                                           for n in (r.get("queries") or {}).get("stopped_queries", [])]
                    timeout = _timeout(measure, run, args)
                    log(f"{size} targets run {index + 1}/{runs}: {measure} (time-out {timeout:.0f} s)")
                    started = time.monotonic()
                    record = tm.measure_one(measure, ctx, timeout, log)
                    record["elapsed"] = time.monotonic() - started
                    run[measure] = record
                    log("    " + _brief(record))
                    _save(results, args)
    imports = store["import"]
    imports["rows"] = args.import_rows
    with tempfile.TemporaryDirectory(prefix="bench-import-", dir=DATA) as tmp:
        ctx = {"csv": args.csv, "tmp": tmp}
        for index in range(len(imports["runs"]), args.runs):
            timeout = _timeout("import", {}, args)
            earlier = [r["import"]["timeout"] for r in imports["runs"] if "timeout" in r.get("import", {})]
            if earlier:
                imports["runs"].append({"import": {"timeout": earlier[0], "not_rerun": True}})
                continue
            log(f"import scdl {args.import_rows:,} rows: run {index + 1}/{args.runs} (time-out {timeout:.0f} s)")
            started = time.monotonic()
            record = tm.measure_one("import", ctx, timeout, log)
            record["elapsed"] = time.monotonic() - started
            imports["runs"].append({"import": record})
            log("    " + _brief(record))
            _save(results, args)


def _brief(record: dict) -> str:
    keep = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in record.items() if k != "queries"}
    if "queries" in record:
        keep["queries"] = len(record["queries"])
    return json.dumps(keep)[:400]


def evaluated(results: dict) -> list[tuple[str, dict]]:
    """Each target at the size it is set for (1M, 10M) or, when that size was not run, the largest one measured."""
    tm = _targets_module()
    store = results.get("targets") or {}
    sizes = store.get("sizes", {})
    imports = store.get("import", {})
    by_size = {size: tm.evaluate(e["runs"], size, imports.get("runs", []), imports.get("rows", 0))
               for size, e in sizes.items()}
    big = ("store-time", "store-memory", "provenance")
    small_sizes = [s for s in SIZES if s in sizes and s != "10M"]
    big_sizes = [s for s in SIZES if s in sizes]
    out = []
    if small_sizes:
        out += [(small_sizes[-1], t) for t in by_size[small_sizes[-1]] if t["id"] not in big]
    elif big_sizes:
        out += [(big_sizes[-1], t) for t in by_size[big_sizes[-1]] if t["id"].startswith("import")]
    if big_sizes:
        out += [(big_sizes[-1], t) for t in by_size[big_sizes[-1]] if t["id"] in big]
    return out


def profile_missed(args, results: dict) -> None:
    """Re-run the step behind each missed target once under cProfile, in its own process; keep its summary."""
    tm = _targets_module()
    profiles = results.setdefault("profiles", {})
    missed = [(size, t) for size, t in evaluated(results) if t["met"] is False]
    queries = sorted((x for x in missed if x[1]["step"].startswith("query:")),
                     key=lambda x: -(x[1].get("overhead_ms") or 0))
    keep = {id(t) for _, t in queries[:args.profile_queries]}  # the saved queries that lose the most to dtkg
    done_steps = set()
    for size, t in missed:
        if t["step"].startswith("query:") and (id(t) not in keep or t["value"] is None):
            continue  # a query stopped by its time-out spends it inside Oxigraph: nothing for a profile to show
        key = f"{size}:{t['step']}"
        if key in profiles or key in done_steps:
            continue
        done_steps.add(key)
        if SIZES[size] > SIZES[args.profile_size]:  # the same step on a smaller graph: the whole of it, in minutes
            size = args.profile_size
            key = f"{size}:{t['step']}"
            if key in profiles:
                continue
        folder, manifest = dataset(size)
        with tempfile.TemporaryDirectory(prefix="bench-profile-", dir=DATA) as tmp:
            ctx = _context(size, folder, manifest, tmp, args)
            ctx["csv"] = _import_csv(args.import_rows)
            out = Path(tmp) / "profile.prof"
            argv = tm.profile_command(t, ctx, out)
            if argv is None:
                continue
            log(f"profiling {t['step']} at {size} (time-out {args.profile_timeout:.0f} s)")
            started = time.monotonic()
            record = tm.run_child(argv, args.profile_timeout, log, grace=60.0)
            if out.is_file():
                profiles[key] = {**tm.summarise(out), "wall": time.monotonic() - started,
                                 "partial": "timeout" in record}
            else:
                profiles[key] = {"error": record.get("error") or f"stopped after {args.profile_timeout:.0f} s"}
        _save(results, args)


def _num(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "MiB":
        return f"{value:,.0f} MiB"
    if unit == "ms":
        return f"{value:,.2f} ms" if value < 100 else f"{value:,.0f} ms"
    return f"{value:,.2f} s" if value < 100 else f"{value:,.0f} s"


def target_rows(results: dict) -> list[str]:
    """The table of every target: measured, reference, ratio, limit, met or missed."""
    rows = evaluated(results)
    if not rows:
        return []
    lines = ["| target | size | dtkg | reference | ratio | limit | met |", "| --- | --- | ---: | ---: | ---: | ---: | --- |"]
    for size, t in rows:
        at = f"{(results.get('targets') or {}).get('import', {}).get('rows', 0):,} rows" if t["id"].startswith(
            "import") else size
        more = "> " if t.get("stopped") else ""
        value = more + _num(t["value"], t["unit"])
        if t["absolute"]:
            ref, ratio, limit = "", "", _num(t["limit"], t["unit"])
        else:
            ref = _num(t["ref"], t["unit"])
            ratio = (more + f"{t['value'] / t['ref']:.2f} ×") if t["value"] is not None and t["ref"] else "—"
            limit = f"{t['limit']:g} ×"
        mark = {True: "✔", False: "✘", None: "?"}[t["met"]]
        note = f" ({t['note']})" if t["note"] else ""
        lines.append(f"| {t['what']}{note} | {at} | {value} | {ref} | {ratio} | {limit} | {mark} |")
    return lines


def ratios_by_size(results: dict) -> list[str]:
    """One line per target, one column per size: how each ratio grows with the graph."""
    tm = _targets_module()
    store = results.get("targets") or {}
    sizes = [s for s in SIZES if s in store.get("sizes", {})]
    if len(sizes) < 2:
        return []
    table: dict[str, dict[str, str]] = {}
    names: dict[str, str] = {}
    for size in sizes:
        for t in tm.evaluate(store["sizes"][size]["runs"], size, [], 0):
            if t["value"] is None:
                continue
            names.setdefault(t["id"], t["what"].split(" ≤ ")[0])
            more = "> " if t.get("stopped") else ""
            table.setdefault(t["id"], {})[size] = (more + _num(t["value"], t["unit"]) if t["absolute"] or not t["ref"]
                                                   else f"{more}{t['value'] / t['ref']:.2f} ×")
    lines = ["| measure | " + " | ".join(sizes) + " |", "| --- |" + " ---: |" * len(sizes)]
    for tid, cells in table.items():
        lines.append(f"| {names[tid]} | " + " | ".join(cells.get(s, "") for s in sizes) + " |")
    return lines


def profile_lines(results: dict) -> list[str]:
    out = []
    for key, p in (results.get("profiles") or {}).items():
        size, step = key.split(":", 1)
        if "error" in p:
            out.append(f"- `{step}` at {size}: no profile ({p['error']})")
            continue
        top = "; ".join(f"`{e['function']}` {e['cum_s']:.2f} s" for e in p["cumulative"][:8])
        mods = ", ".join(f"{m['module']} {m['own_s']:.2f} s" for m in p["modules"][:6])
        part = ", stopped by the time-out: the part that ran" if p.get("partial") else ""
        out.append(f"- `{step}` at {size} ({p['total_s']:.1f} s under cProfile{part}): top cumulative: {top}. "
                   f"Own time by module: {mods}.")
    return out


def targets_report(results: dict) -> list[str]:
    rows = target_rows(results)
    if not rows:
        return []
    store = results["targets"]
    n = {s: len(e["runs"]) for s, e in store["sizes"].items()}
    missed = [t for _, t in evaluated(results) if t["met"] is False]
    lines = ["### The performance targets (each measure in its own process, ratios measured in one run)", "",
             "Runs per size: " + ", ".join(f"{s} {k}" for s, k in n.items())
             + f"; the import {len(store['import']['runs'])}. Medians; peak memory is the child process's maximum "
             "resident size. Every step runs in a fresh process; the raw pyoxigraph reference runs in the same "
             "run, just before. A step that runs past `--stop-at` times its target is stopped (\"> N s\"). "
             "The 1M targets are read at the largest size up to 1M that was run, the 10M ones at the largest "
             "size; the saved queries are measured by `benchmarks/bench_queries.py` (best raw form, same store, "
             "same process).", "", *rows, ""]
    if "1M" not in store["sizes"]:
        lines += [f"Duration of the final pass estimated from this run: {estimate(results)}.", ""]
    by_size = ratios_by_size(results)
    if by_size:
        lines += ["Ratios (or values) by size:", "", *by_size, ""]
    if missed:
        profiles = profile_lines(results)
        lines += [f"{len(missed)} target{'s' if len(missed) != 1 else ''} missed."]
        if profiles:
            lines += [" Where the time of each missed step goes (cProfile of that step in its own process, "
                      "`--profile`):", "", *profiles, ""]
        else:
            lines += [" Run with `--profile` to see where the time of each missed step goes.", ""]
    return lines


def estimate(results: dict, plan_runs: int = 3) -> str:
    """The duration of the final pass (10k, 100k, 1M × ``plan_runs``; 10M × 1; the import × ``plan_runs``).

    Each measure's time is fitted as start-up + per-triple cost from its runs at 10k and 100k (proportional to the
    size when only one of them was run), then summed over the plan; so is the time of the comparison tables."""
    store = results.get("targets") or {}
    sizes = store.get("sizes", {})
    known = [s for s in ("10k", "100k") if s in sizes]
    if not known:
        return "no run at 10k or 100k to estimate from"

    def elapsed(size: str, measure: str) -> float | None:
        values = [r[measure]["elapsed"] for r in sizes[size]["runs"] if "elapsed" in r.get(measure, {})]
        return statistics.median(values) if values else None

    def fit(points: dict[str, float], size: str) -> float:
        if len(points) == 2:
            slope = max(0.0, (points["100k"] - points["10k"]) / (SIZES["100k"] - SIZES["10k"]))
            return max(0.0, points["10k"] - slope * SIZES["10k"]) + slope * SIZES[size]
        (base, value), = points.items()
        return value * SIZES[size] / SIZES[base]

    parts = {}
    rdflib_max = SIZES["100k"]  # the final pass (--targets) runs plain rdflib up to 100k
    for size in ("10k", "100k", "1M", "10M"):
        runs = 1 if size == "10M" else plan_runs
        total = 0.0
        for measure in target_measures(size):
            points = {s: v for s in known if (v := elapsed(s, measure)) is not None}
            if points:
                total += fit(points, size) * (1 if measure == "queries" else runs)  # queries: once per size
        if size != "10M":  # the comparison tables: 1 run, each tool up to its largest size
            for tool in ("dtkg", "pyoxigraph", "rdflib"):
                points = {s: statistics.median(v[tool]) for s, v in results.get("tool_seconds", {}).items()
                          if s in known and v.get(tool)}
                if points and not (tool == "rdflib" and SIZES[size] > rdflib_max):
                    total += fit(points, size)
        parts[size] = total
    imports = [r["import"].get("elapsed", 0) for r in store.get("import", {}).get("runs", []) if "import" in r]
    rows = store.get("import", {}).get("rows", 100_000) or 100_000
    parts["import"] = plan_runs * (statistics.median(imports) if imports else 0) * 100_000 / rows
    profiled = [(k.split(":", 1)[0], p.get("wall") or 0) for k, p in results.get("profiles", {}).items()]
    if profiled:  # the same missed steps profiled at 1M (the import: the same rows)
        parts["profiles"] = sum(min(300.0, w * (1 if "import" in k else SIZES["1M"] / SIZES[s]))
                                for (s, w), k in zip(profiled, results["profiles"]))
    total = sum(parts.values())
    raw = [r["raw"]["load"] for r in sizes.get("100k", {}).get("runs", []) if "load" in r.get("raw", {})]
    pace = (f"; the raw bulk_load of 100k took {statistics.median(raw):.2f} s in this run against 0.20 s on an idle "
            "machine (2026-11-26), which gives the slowdown to divide by" if raw else "")
    return (f"about {total / 60:.0f} min at this machine's present load{pace} (" + ", ".join(
        f"{k} {v / 60:.1f} min" for k, v in parts.items()) + f"; fitted from {' and '.join(known)}; a missed "
        "target's step is stopped at --stop-at × its target, and --profile adds one profiled run per missed step)")

# ====================================================================== command line

def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        _worker_main(argv[1], int(argv[2]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10k,100k,1M,10M", help="comma-separated, among " + ", ".join(SIZES))
    parser.add_argument("--runs", type=int, default=3, help="runs per size (default 3)")
    parser.add_argument("--runs-10M", dest="runs_10m", type=int, default=None,
                        help="runs at 10M (default: --runs; 1 with --targets)")
    parser.add_argument("--tools", default=None,
                        help="tools of the comparison tables, among " + ", ".join(TOOLS) + " (default: all; "
                        "dtkg,pyoxigraph,rdflib with --targets)")
    parser.add_argument("--quick", action="store_true",
                        help="10k and 100k, 1 run, 3 s query time-out, each query once, an import of 10 000 rows, "
                        "no doc: proves the benchmark works in a few minutes")
    parser.add_argument("--targets", action="store_true",
                        help="the performance targets first (build, export, views, saved queries, 10M store build, "
                        "import, validation, provenance checks, each in its own process), then the comparison tables "
                        "up to 1M only, plain rdflib up to 100k only, 30 s per query; 1 run at 10M")
    parser.add_argument("--no-targets", action="store_true", help="the comparison tables only")
    parser.add_argument("--profile", action="store_true",
                        help="re-run the step of each missed target once under cProfile (its own process) and put "
                        "the top of the profile in the report")
    parser.add_argument("--stop-at", type=float, default=3.0,
                        help="stop a target's step after this many times its target (default 3)")
    parser.add_argument("--min-timeout", type=float, default=60.0,
                        help="shortest time-out of a target's step, in seconds (default 60)")
    parser.add_argument("--profile-timeout", type=float, default=300.0,
                        help="seconds per profiled step; then the profile of what ran so far is kept (default 300)")
    parser.add_argument("--profile-size", default="1M",
                        help="profile a missed target's step at this size at most (default 1M: a 10M target's step "
                        "is profiled on the 1M graph)")
    parser.add_argument("--profile-queries", type=int, default=4,
                        help="profile at most this many missed saved queries, those with the largest overhead "
                        "(default 4)")
    parser.add_argument("--import-rows", type=int, default=None,
                        help="rows of the SCDL import (default 100 000; 10 000 with --quick)")
    parser.add_argument("--query-budget", type=float, default=5.0,
                        help="a saved query slower than this (seconds) is measured once (default 5)")
    parser.add_argument("--queries-every-run", action="store_true",
                        help="measure the saved queries in every run (default: in the first run of each size)")
    parser.add_argument("--table-runs", type=int, default=None,
                        help="runs of the comparison tables (default: --runs; 1 with --targets)")
    parser.add_argument("--query-runs", type=int, default=3,
                        help="runs per saved query in bench_queries.py (default 3; 1 with --quick)")
    parser.add_argument("--tables-max", default=None,
                        help="largest size of the comparison tables (default 10M; 1M with --targets)")
    parser.add_argument("--query-timeout", type=float, default=None,
                        help="seconds per query of the comparison tables (default 300; 30 with --targets)")
    parser.add_argument("--step-timeout", type=float, default=3600.0, help="seconds per load, export or step")
    parser.add_argument("--rdflib-max", default=None,
                        help="largest size rdflib runs at (default 1M; 100k with --targets)")
    parser.add_argument("--no-write", action="store_true", help="do not write docs/benchmarks.md")
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md even with --quick")
    parser.add_argument("--report", type=Path, metavar="JSON", help="only render a saved results file")
    parser.add_argument("--skip", default="", metavar="TOOL:STEP,…",
                        help="steps to leave out of these runs, e.g. dtkg:export (medians use the runs that have them)")
    parser.add_argument("--resume", type=Path, metavar="JSON",
                        help="add runs to a saved results file, up to --runs per size (e.g. after an interruption); "
                        "a target measure already in the file is not run again")
    args = parser.parse_args(argv)
    if args.report:
        results = json.loads(args.report.read_text(encoding="utf-8"))
        text = report(results)
        print(text)
        if not args.no_write:
            write_doc(text)
        return 0
    defaults = {"tools": ",".join(TOOLS), "tables_max": "10M", "query_timeout": 300.0, "rdflib_max": "1M",
                "import_rows": 100_000, "table_runs": args.runs}
    if args.targets:
        defaults.update(tools="dtkg,pyoxigraph,rdflib", tables_max="1M", query_timeout=30.0, rdflib_max="100k",
                        table_runs=1)
        args.runs_10m = 1 if args.runs_10m is None else args.runs_10m
    if args.quick:
        args.sizes, args.runs, args.runs_10m = "10k,100k", 1, 1
        defaults.update(query_timeout=3.0, import_rows=10_000)
        args.query_runs = 1
    for key, value in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.runs_10m is None:
        args.runs_10m = args.runs
    args.sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    args.tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    args.skip = {x.strip() for x in args.skip.split(",") if x.strip()}
    for s in args.sizes + [args.rdflib_max, args.tables_max]:
        if s not in SIZES:
            parser.error(f"unknown size {s!r}; choose among {', '.join(SIZES)}")
    for t in args.tools:
        if t not in TOOLS:
            parser.error(f"unknown tool {t!r}; choose among {', '.join(TOOLS)}")
    DATA.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    kind = "-quick" if args.quick else ("-targets" if args.targets else "")
    args.results_path = args.resume or DATA / f"scale-results-{stamp}{kind}.json"
    log(f"bench_scale: sizes {args.sizes}, {args.runs} run(s) ({args.runs_10m} at 10M), tools {args.tools}; "
        f"results in {args.results_path}")
    started = time.monotonic()
    results = start_results(args)
    if not args.no_targets:
        run_targets(args, results)
        if args.profile:
            profile_missed(args, results)
    table_sizes = [s for s in args.sizes if SIZES[s] <= SIZES[args.tables_max]]
    if args.tools and table_sizes:
        run(args, results, table_sizes)
    results["meta"]["loadavg_end"] = _loadavg()
    results["meta"]["seconds"] = time.monotonic() - started
    _save(results, args)
    text = report(results)
    print()
    print(text)
    if not args.no_write and (not args.quick or args.write):
        write_doc(text)
        log(f"wrote {DOC}")
    log(f"done in {time.monotonic() - started:.0f} s")
    if results.get("targets"):
        log("estimated duration of the final pass (--targets --profile, 10k/100k/1M × 3 + 10M × 1): "
            + estimate(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
