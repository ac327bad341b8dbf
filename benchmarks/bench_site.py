"""Site generation time against graph size: `dtkg.site.write_site` on synthetic graphs (benchmarks/generate.py).

    python benchmarks/bench_site.py [--sizes 10000 100000 1000000] [--runs 1] [--network-views 50]

Prints, per size: triples, pages written, median seconds over the runs, seconds per 1,000 triples (flat when
generation is linear), the largest page (and which), the largest page that is not a network view, the whole
site's size and the process's peak memory so far. Loading the graph is not counted. The number of interactive
network views is fixed (--network-views), so that the ratio measures the pages themselves.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--network-views", type=int, default=50)
    args = parser.parse_args()

    from dtkg.load import load_dataset
    from dtkg.site import write_site
    from dtkg.summary import count_triples

    import resource

    print(f"{'triples':>9} {'pages':>7} {'median s':>9} {'s/1k triples':>13} {'largest page':>13} "
          f"{'largest non-network page':>40} {'site MB':>8} {'peak RSS':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            data = Path(tmp) / f"data-{size}"
            generate(size, data, seed=0)
            ds = load_dataset([data])
            triples = count_triples(ds)
            times, result = [], None
            for run in range(args.runs):
                out = Path(tmp) / f"site-{size}"
                start = time.perf_counter()
                result = write_site(ds, out, network_views=args.network_views)
                times.append(time.perf_counter() - start)
            assert result is not None
            files = [p for p in result.path.rglob("*") if p.is_file()]
            site_mb = sum(p.stat().st_size for p in files) / 1e6
            pages = sorted((p.stat().st_size, p.relative_to(result.path).as_posix()) for p in files
                           if p.suffix == ".html" and p.parent.name != "reseau")
            other_size, other_name = pages[-1]
            median = statistics.median(times)
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
            print(f"{triples:>9} {result.total_pages:>7} {median:>9.2f} {median / triples * 1000:>13.4f} "
                  f"{result.largest_page / 1e6:>10.3f} MB {other_name[:28]:>28} {other_size / 1e6:>6.3f} MB "
                  f"{site_mb:>8.1f} {peak:>6.1f} GiB", flush=True)
            print("   pages by kind: " + ", ".join(f"{k} {v}" for k, v in sorted(result.pages.items())), flush=True)
            del ds, result


if __name__ == "__main__":
    main()
