"""Site generation time against graph size: `dtkg.site.write_site` on synthetic graphs (benchmarks/generate.py).

    python benchmarks/bench_site.py [--sizes 10000 100000] [--runs 3] [--network-views 50]

Prints, per size: triples, pages written, median seconds over the runs, seconds per 1,000 triples (flat when
generation is linear), the largest page and the whole site's size. Loading the graph is not counted. The number
of interactive network views is fixed (--network-views), so that the ratio measures the pages themselves.
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
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--network-views", type=int, default=50)
    args = parser.parse_args()

    from dtkg.load import load_dataset
    from dtkg.site import write_site
    from dtkg.summary import count_triples

    print(f"{'triples':>9} {'pages':>7} {'median s':>9} {'s/1k triples':>13} {'largest page':>13} {'site MB':>8}")
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
            site_mb = sum(p.stat().st_size for p in result.path.rglob("*") if p.is_file()) / 1e6
            median = statistics.median(times)
            print(f"{triples:>9} {result.total_pages:>7} {median:>9.2f} {median / triples * 1000:>13.4f} "
                  f"{result.largest_page / 1e6:>10.2f} MB {site_mb:>8.1f}", flush=True)


if __name__ == "__main__":
    main()
