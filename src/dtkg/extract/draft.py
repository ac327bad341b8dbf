"""A draft folder per text, in the format of ``dtkg import table``: the CSV tables, the text itself (the source's
file) and ``review.html`` (the text with every extracted span highlighted and linked to its row).

All the folders of one run are written together or not at all: every file is staged to a temporary file, then moved
into place (see :class:`dtkg.atomic.Staged`).
"""

from __future__ import annotations

import datetime as _dt
import html
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..atomic import Staged
from ..importers.csvio import decode, write_csv
from ..importers.tables import SPECS
from ..importers.values import decimal_lexical, slugify
from .finder import Extraction, Finder
from .linking import Gazetteer
from .model import MAX_CHARS, load_model


@dataclass
class Draft:
    """One text's draft: its folder, its tables (name → rows with the header first), what to check."""

    text_path: Path
    folder: Path
    source_id: str
    extraction: Extraction
    tables: dict[str, list[list[str]]]
    review: str
    seconds: float

    def counts(self) -> dict[str, int]:
        return {name: len(rows) - 1 for name, rows in self.tables.items()}


@dataclass
class ExtractResult:
    drafts: list[Draft] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)


def read_text(path: Path) -> str:
    """The text of a press release: UTF-8 (with or without BOM), else Windows-1252, as the importers read it."""
    if not path.is_file():
        raise InputError("no such file", path=path)
    raw = path.read_bytes()
    if len(raw) > MAX_CHARS * 4:
        raise InputError(f"is {len(raw):,} bytes: too long for a press release (at most {MAX_CHARS:,} characters); "
                         "split it into its releases".replace(",", " "), path=path)
    text, _ = decode(raw, path)
    if "\x00" in text:
        raise InputError("is not a text file: save the document's text as .txt (UTF-8)", path=path)
    if len(text) > MAX_CHARS:
        raise InputError(f"has {len(text):,} characters: too long for a press release (at most {MAX_CHARS:,}); "
                         "split it into its releases".replace(",", " "), path=path)
    if not text.strip():
        raise InputError("is empty: there is no text to read", path=path)
    return text


def extract_text(text: str, gaz: Gazetteer, *, date: _dt.date | None = None) -> Extraction:
    """Read one text (the model is loaded on first use)."""
    nlp = load_model()
    return Finder(nlp(text), gaz, date=date).run()


def _header(key: str) -> list[str]:
    return [c.fr for c in SPECS[key].columns]


def build_tables(x: Extraction, gaz: Gazetteer, *, source_id: str, source_row: list[str] | None,
                 ) -> tuple[dict[str, list[list[str]]], dict[str, tuple[str, int]]]:
    """The CSV tables of an extraction; also where each entity's row is (``key → (table, row number)``)."""
    text = x.text
    rows: dict[str, list[list[str]]] = {k: [_header(k)] for k in ("sources", "organisations", "people", "places",
                                                                    "roles", "grants")}
    where: dict[str, tuple[str, int]] = {}
    if source_row:
        rows["sources"].append(source_row)

    def cite(span: tuple[int, int]) -> str:
        return text[span[0]:span[1]].strip()

    for e in x.of_kind("organisation"):
        kind = {"collectivite": "collectivite", "intercommunalite": "intercommunalite", "association": "association",
                "organisme-public": "organisme-public"}.get(e.org_kind, "") if not e.known else ""
        rows["organisations"].append([e.id, e.name, e.acronym, "", "", kind, "", "", source_id, cite(e.cite)])
        where[e.key] = ("organisations.csv", len(rows["organisations"]))
    for e in x.of_kind("person"):
        rows["people"].append([e.id, e.given, e.family, e.label, source_id, cite(e.cite)])
        where[e.key] = ("personnes.csv", len(rows["people"]))
    for e in x.of_kind("place"):
        rows["places"].append([e.id, e.name, e.insee, e.commune or "", "", "", "", "", "oui" if e.third_place else "",
                               "", "", "", source_id, cite(e.cite)])
        where[e.key] = ("lieux.csv", len(rows["places"]))
    for i, r in enumerate(x.roles):
        person, org = x.entities[r.person], x.entities[r.organisation]
        rows["roles"].append([person.id, org.id, r.role, r.delegation, "oui" if r.heads else "", "", "", "",
                              source_id, cite(r.cite)])
        where[f"role:{i}"] = ("roles.csv", len(rows["roles"]))
    for g in x.grants:
        rec = x.entities[g.recipient]
        rows["grants"].append([g.id, g.funder, rec.id, _amount(g.amount), "EUR", g.kind, g.start, g.end,
                               "", "", g.call, g.part_of, source_id, cite(g.cite)])
        where[f"grant:{g.id}"] = ("subventions.csv", len(rows["grants"]))
    return rows, where


_CSS = """
body{font:16px/1.6 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
.text{white-space:pre-wrap;border:1px solid #ccc;padding:1rem;border-radius:6px;background:#fcfcfc}
a.m{color:inherit;text-decoration:none;border-radius:3px;padding:0 1px}
.organisation{background:#cfe3ff}.person{background:#ffd9b3}.place{background:#c9f2c9}.network{background:#e6d5ff}
.role{border-bottom:2px solid #d9822b}.grant{border-bottom:2px solid #2b8a3e}.amount{background:#ffef99;font-weight:600}
.call{background:#f5d0e6}.note{outline:2px dashed #c92a2a}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0;width:100%}
td,th{border:1px solid #ccc;padding:2px 5px;vertical-align:top;text-align:left}
tr:target{background:#fff3bf}.legend span{margin-right:1rem;padding:0 4px}
ul.notes li{margin:.2rem 0}
"""


def review_html(x: Extraction, tables: dict[str, list[list[str]]], where: dict[str, tuple[str, int]], *,
                title: str, folder_name: str) -> str:
    """The text with every extracted span highlighted and linked to its row; the tables below it. Every piece of
    text goes through ``html.escape``; no script."""
    text = x.text
    spans: list[tuple[int, int, str, str, str]] = []  # start, end, css class, anchor, tooltip
    for m in x.mentions:
        kind = m.key.split(":", 1)[0]
        ent = x.entities.get(m.key)
        target = where.get(m.key)
        anchor = f"#{_anchor(*target)}" if target else ""
        tip = f"{kind} : {ent.name if ent else m.key}" + (" (déjà dans le graphe)" if ent and ent.known else "")
        spans.append((m.start, m.end, kind, anchor, tip))
    for i, r in enumerate(x.roles):
        target = where[f"role:{i}"]
        spans.append((r.cite[0], r.cite[1], "role", f"#{_anchor(*target)}",
                      f"rôle : {x.entities[r.person].name}, {r.role} ({x.entities[r.organisation].name})"))
    for g in x.grants:
        target = where[f"grant:{g.id}"]
        spans.append((g.cite[0], g.cite[1], "grant", f"#{_anchor(*target)}", f"subvention {g.id}"))
        spans.append((g.amount_span[0], g.amount_span[1], "amount", f"#{_anchor(*target)}",
                      f"montant : {decimal_lexical(g.amount)} EUR"))
    for start, end, name, value in x.calls:
        spans.append((start, end, "call", "", f"appel à projets : {value}"))
    for start, end, note in x.notes:
        spans.append((start, end, "note", "#notes", note))
    bounds = sorted({0, len(text), *[s for s, *_ in spans], *[e for _, e, *_ in spans]})
    out: list[str] = []
    for a, b in zip(bounds, bounds[1:]):
        piece = html.escape(text[a:b])
        covering = [s for s in spans if s[0] <= a and b <= s[1]]
        if not covering:
            out.append(piece)
            continue
        covering.sort(key=lambda s: s[1] - s[0])  # innermost first
        classes = " ".join(dict.fromkeys(s[2] for s in covering))
        link = next((s[3] for s in covering if s[3]), "")
        tip = " · ".join(dict.fromkeys(s[4] for s in covering))
        out.append(f'<a class="m {html.escape(classes)}" href="{html.escape(link or "#")}" '
                   f'title="{html.escape(tip)}">{piece}</a>')
    parts = [
        "<!DOCTYPE html>", '<html lang="fr"><head><meta charset="utf-8">',
        f"<title>Relecture — {html.escape(title)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>Relecture du brouillon : {html.escape(title)}</h1>",
        f"<p>Dossier <code>{html.escape(folder_name)}</code>. Chaque passage surligné renvoie à sa ligne ; corriger "
        "les fichiers CSV, puis <code>dtkg import table DOSSIER --dry-run</code> et "
        "<code>dtkg import table DOSSIER</code>.</p>",
        '<p class="legend"><span class="organisation">organisation</span><span class="person">personne</span>'
        '<span class="place">lieu</span><span class="network">réseau</span><span class="call">appel à projets</span>'
        '<span class="amount">montant</span><span class="role">rôle</span><span class="grant">subvention</span>'
        '<span class="note">à vérifier</span></p>',
        f'<div class="text">{"".join(out)}</div>',
    ]
    notes = [n for *_, n in x.notes] + [f"{g.id} : {n}" for g in x.grants for n in g.notes]
    parts.append('<h2 id="notes">À vérifier</h2>')
    if notes:
        parts.append('<ul class="notes">' + "".join(f"<li>{html.escape(n)}</li>" for n in notes) + "</ul>")
    else:
        parts.append("<p>Rien de signalé.</p>")
    for key, file in (("organisations", "organisations.csv"), ("people", "personnes.csv"), ("places", "lieux.csv"),
                      ("roles", "roles.csv"), ("grants", "subventions.csv"), ("sources", "sources.csv")):
        table = tables[key]
        parts.append(f"<h2>{html.escape(file)} ({len(table) - 1})</h2>")
        if len(table) == 1:
            parts.append("<p>Aucune ligne.</p>")
            continue
        parts.append("<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in table[0]) + "</tr>")
        for number, row in enumerate(table[1:], start=2):
            parts.append(f'<tr id="{_anchor(file, number)}">' + "".join(f"<td>{html.escape(c)}</td>" for c in row)
                         + "</tr>")
        parts.append("</table>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _amount(value) -> str:
    return str(int(value)) if value == int(value) else decimal_lexical(value)


def _anchor(file: str, number: int) -> str:
    return f"{file.split('.')[0]}-{number}"


def _title_of(text: str) -> str:
    first = " ".join(text.strip().split("\n", 1)[0].split())
    return first if len(first) <= 90 else first[:87].rsplit(" ", 1)[0] + " …"


def plan_source(path: Path, text: str, gaz: Gazetteer) -> tuple[str, bool]:
    """The source id of a text and whether it is already in the data with this very text (then the draft cites
    it and adds no source row)."""
    base = slugify(path.stem.removesuffix(".fr"), max_length=80)
    candidate, n = base, 2
    while gaz.has_source(candidate):
        if gaz.source_text(candidate) == text:
            return candidate, True
        candidate, n = f"{base}-{n}", n + 1
    return candidate, False


def extract_files(
    files: list[Path | str],
    output: Path | str,
    *,
    data_dir: Path | str | None = "data",
    seed: bool = True,
    date: _dt.date | None = None,
    title: str | None = None,
    force: bool = False,
    write: bool = True,
) -> ExtractResult:
    """Read each text and write its draft folder ``output/<source id>/`` (tables, text, review.html).

    Every input is read and checked before anything is written; the folders of the run are written all together
    or not at all. An existing, non-empty draft folder is an error unless ``force`` (a reviewer's edits are not
    overwritten by accident).
    """
    if not files:
        raise InputError("give at least one text file to read")
    out = Path(output)
    if out.exists() and not out.is_dir():
        raise InputError("is not a folder", path=out)
    texts = [(Path(f), read_text(Path(f))) for f in files]
    data = Path(data_dir) if data_dir is not None else None
    if data is not None and not data.is_dir():
        raise InputError("no such data folder", path=data)
    gaz = Gazetteer.from_data(data, seed=seed)
    result = ExtractResult()
    staged = Staged()
    used: set[str] = set()
    for path, text in texts:
        source_id, existing = plan_source(path, text, gaz)
        while source_id in used:
            source_id += "-bis"
        used.add(source_id)
        folder = out / source_id
        if folder.exists() and any(folder.iterdir()) and not force:
            raise InputError("already holds a draft (perhaps edited): choose another -o folder or use --force",
                             path=folder)
        started = time.perf_counter()
        x = extract_text(text, gaz, date=date)
        seconds = time.perf_counter() - started
        text_name = f"{source_id}.txt"
        doc_title = title or _title_of(text)
        source_row = None if existing else [source_id, doc_title, text_name, "", x.date, "fr", ""]
        tables, where = build_tables(x, gaz, source_id=source_id, source_row=source_row)
        review = review_html(x, tables, where, title=doc_title, folder_name=folder.name)
        result.drafts.append(Draft(path, folder, source_id, x, tables, review, seconds))
        if write:
            if not existing:
                staged.put(folder / text_name, text.encode("utf-8"))
            for key, rows in tables.items():
                staged.put(folder / SPECS[key].fr_file, write_csv(rows))
            staged.put(folder / "review.html", review.encode("utf-8"))
    if write:
        result.written = staged.commit()
    return result


__all__ = ["Draft", "ExtractResult", "extract_files", "extract_text", "read_text", "build_tables", "review_html"]
