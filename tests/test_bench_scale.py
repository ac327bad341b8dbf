"""The scale benchmark's target arithmetic and profile summary (benchmarks/scale_targets.py), on made-up runs."""

from __future__ import annotations

import cProfile
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

import scale_targets  # noqa: E402


def _runs() -> list[dict]:
    return [
        {"raw": {"load": 2.0, "dump": 1.0, "peak_mib": 400.0}, "build": {"wall": 5.0, "peak_mib": 700.0},
         "build-views": {"timeout": 60.0}, "export": {"export": 2.0, "dump": 1.0},
         "validate": {"load": 3.0, "validate": 2.0}, "provenance": {"checks": 12.0},
         "queries": {"queries": [{"name": "organisation-by-siren", "rows": 1, "dtkg_s": 0.004, "raw_s": 0.001,
                                  "raw_form": "substitution"}], "stopped_queries": ["grants"],
                     "query_timeout": 300.0}},
        {"raw": {"load": 2.2, "dump": 1.0, "peak_mib": 420.0}, "build": {"wall": 7.0, "peak_mib": 900.0},
         "export": {"export": 4.0, "dump": 1.0}},
    ]


def test_targets_are_ratios_of_medians_and_stopped_steps_are_misses() -> None:
    targets = {t["id"]: t for t in scale_targets.evaluate(_runs(), "1M", [{"import": {"wall": 14.0,
                                                                                       "peak_mib": 2000.0}}], 100_000)}
    build = targets["build-time"]
    assert build["value"] == 6.0 and round(build["ref"], 2) == 3.1 and build["met"] is True  # 6 / 3.1 ≤ 2
    assert targets["build-memory"]["met"] is False  # 800 MiB / 410 MiB > 1.5
    assert targets["export"]["value"] == 3.0 and targets["export"]["met"] is True  # 3 s / 1 s ≤ 3
    assert targets["views"]["met"] is False and targets["views"]["stopped"]  # stopped after 60 s
    assert targets["validation"]["met"] is True  # 2 s of validation after a load of 3 s
    point = targets["point-lookup"]
    assert point["met"] is False and round(point["value"], 1) == 4.0  # 4 ms > 3 ms
    assert targets["query:organisation-by-siren"]["met"] is False  # 4 × raw and 3 ms of overhead
    assert targets["query:grants"]["met"] is False and "stopped" in targets["query:grants"]["note"]
    assert targets["provenance"]["met"] is False  # 12 s > 10 s
    assert targets["import-time"]["met"] is True and targets["import-memory"]["met"] is False


def test_profile_summary_names_modules_and_leaves_out_the_wrappers(tmp_path: Path) -> None:
    def inner() -> int:
        return sum(sorted(range(200_000), key=lambda x: -x))

    def outer() -> int:
        return inner() + inner()

    profile = cProfile.Profile()
    profile.enable()
    outer()
    profile.disable()
    path = tmp_path / "p.prof"
    profile.dump_stats(str(path))
    summary = scale_targets.summarise(path)
    functions = [e["function"] for e in summary["cumulative"]]
    assert not any(f.endswith(":outer") for f in functions)  # the whole step: not informative
    assert any("sorted" in f for f in functions)
    assert summary["modules"][0]["own_s"] > 0
    assert scale_targets._module("/x/lib/python3.11/site-packages/rdflib/term.py") == "rdflib.term"
    assert scale_targets._module("/work/src/dtkg/writers.py") == "dtkg.writers"
