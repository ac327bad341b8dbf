"""How long `dtkg import scdl` takes to report a file in which every row is invalid.

A file of garbage must cost time in proportion to its rows: the report is what a user reads, and a flood of bad rows
must not keep a machine busy for minutes. Each size is a fresh SCDL file whose rows all fail the same checks
(SIRET, date, amount, RNA…); the import is run in this process, medians of several runs.

    python benchmarks/bench_invalid_rows.py                 # 10 000, 50 000 and 150 000 rows, 3 runs each
    python benchmarks/bench_invalid_rows.py --no-write      # print the table only
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from machine import machine  # noqa: E402

HEADER = (REPO / "tests" / "fixtures" / "import" / "scdl-valid.csv").read_text(encoding="utf-8").splitlines()[0]
GARBAGE = "X,1,2019-02-30,R,Y,2,W1,o,-5,n,u,p,i,non,7,d\n"
START, END = "<!-- invalid-rows:start -->", "<!-- invalid-rows:end -->"


def one_run(rows: int, folder: Path) -> tuple[float, int]:
    """Seconds to report ``rows`` garbage rows, and the number of problems reported."""
    from dtkg.importers import import_scdl
    from dtkg.importers.report import InvalidRows

    path = folder / f"garbage-{rows}.csv"
    path.write_text(HEADER + "\n" + GARBAGE * rows, encoding="utf-8")
    start = time.perf_counter()
    try:
        import_scdl(path, folder / "data")
    except InvalidRows as exc:
        problems = len(exc.report.errors)
    else:
        raise AssertionError("the garbage was imported")
    return time.perf_counter() - start, problems


def _machine_line() -> str:
    import platform

    import dtkg

    m = machine()
    return (f"{m['cpus']} CPUs ({m['cpu']}), {m['ram']}, {m['os']}; Python {platform.python_version()}, "
            f"dtkg {dtkg.__version__}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000,150000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="do not write docs/benchmarks.md")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    lines = ["| invalid rows | problems reported | time (median) | rows per second |", "| ---: | ---: | ---: | ---: |"]
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            runs = [one_run(rows, Path(tmp)) for _ in range(args.runs)]
            seconds = statistics.median(t for t, _ in runs)
            lines.append(f"| {rows:,} | {runs[0][1]:,} | {seconds:.1f} s | {rows / seconds:,.0f} |")
            print(lines[-1], flush=True)
    table = "\n".join(lines)
    print(table)
    if not args.no_write:
        doc = REPO / "docs" / "benchmarks.md"
        text = doc.read_text(encoding="utf-8")
        block = (f"{START}\n`python benchmarks/bench_invalid_rows.py`: `dtkg import scdl` on files whose every row is "
                 f"invalid, medians of {args.runs} runs.\n\n{table}\n\n"
                 f"Machine: {_machine_line()}.\n{END}")
        if START in text:
            text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
        else:
            text = text.rstrip("\n") + "\n\n## Reporting invalid rows (`benchmarks/bench_invalid_rows.py`)\n\n" + block + "\n"
        doc.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
