"""A static web site of the graph: an index with search, a page per actor, lists with CSV files, money flows.

``dtkg site -o DIR`` writes it; it opens from ``file://`` or any static host and makes no request: every page
carries a Content-Security-Policy with ``default-src 'none'``. Pages without behaviour have no script at all
(``script-src 'none'``); the index's search script is inline and allowed by its SHA-256 hash only, and builds its
results with ``textContent``. Every label reaches the HTML through Jinja's autoescaping, or through JSON with
``<``, ``>`` and ``&`` escaped (:func:`dtkg.views.json_for_script`), so a label holding markup shows as text.

What the pages say comes from the project's own readings of the graph, so that they follow the data model:

- facts, links, types and quotes: the ``full`` projection of :func:`dtkg.network.to_networkx` (French property
  names from the ontology's ``rdfs:label@fr``, inferred facts marked ``déduit``);
- grants and roles: the ``actors`` projection, where each grant is a funder → recipient edge with its amount and
  the larger grant it is a share of (``part_of``), and each membership a person → organisation edge;
- totals per funder: the saved query ``total-by-funder`` (:func:`dtkg.summary.summarize`), where a share is
  counted inside its grant, never added to it. Per-actor totals follow the same rule.

Pages stay bounded on a national graph: territories (communes) get a page only when something links to them.
The site is built in a temporary folder next to ``DIR`` and moved into place at the end, so that a failure
leaves the previous site (or nothing) and never half a site.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import os
import re
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import networkx as nx
from rdflib import Graph

from .errors import InputError
from .site_model import PAGE_TYPES, Entry, Grant, SiteModel, dated_items
from .summary import format_amount

#: Node types drawn in an interactive network view focused on them (other pages list their links).
NETWORK_TYPES = frozenset({"organisation", "person", "place", "commune", "network", "event", "strategy", "call"})

#: Names of the page kinds in the index (plural, French).
PLURALS = {
    "organisation": "Organisations", "person": "Personnes", "place": "Lieux", "commune": "Communes et territoires",
    "network": "Réseaux de lieux", "grant": "Aides financières", "event": "Événements", "strategy": "Stratégies",
    "call": "Appels à projets", "source": "Sources",
}

#: Rows per page of a list (``liste-KIND.html``, then ``liste-KIND-2.html``...); the CSV file holds them all.
LIST_PAGE = 1000

#: Grants shown in the table of the money page (the largest); ``flux.csv`` holds them all.
FLOW_ROWS = 500

#: Flows the Sankey draws per funder and year (the largest); the others are drawn as one "others" flow, so that
#: the totals stay exact and the page stays small on a national graph.
SANKEY_FLOWS = 15

#: Rows an actor page shows per year of grants, and links and quotes it lists (the largest grants first); the
#: rest are counted on the page and are in ``flux.csv``, so that a national funder's page stays under 2 MB.
ACTOR_ROWS = 200

#: Neighbours drawn in an actor's network view (those with most links to it): a national funder with thousands
#: of grantees would otherwise make a page of several MB that no browser lays out usefully.
EGO_NEIGHBOURS = 400

#: Largest search index (bytes of JSON) kept inline in ``index.html``; past it the index is split into pages
#: ``recherche/XX.html``, one per first two letters of a word, and the search goes to the page of its first word.
SEARCH_INLINE_MAX = 1_000_000

#: Rows on one page of a split search index (see :func:`search_shards`).
SHARD_ROWS = 4000

#: Items of the time line per page: past it, ``chronologie.html`` lists the years and each year has its pages
#: (``chronologie-2019.html``, ``chronologie-2019-2.html``…).
TIME_PAGE = 4000

#: Funders the Sankey draws one by one (those that gave most); the grants of the others are drawn as one flow per
#: year from "autres financeurs" to "autres bénéficiaires", so totals stay exact.
SANKEY_FUNDERS = 20

#: Funders in the table of the money page (those that gave most); ``financeurs.csv`` lists them all.
FUNDER_ROWS = 200

#: The file that marks a folder as a dtkg site: only such a folder is ever replaced.
MARKER = ".dtkg-site"

_TEMPLATES = Path(__file__).resolve().parent / "templates"
_VENDOR = Path(__file__).resolve().parent / "vendor"
#: The npm builds the money page inlines, in load order (see scripts/vendor_js.py and vendor/VERSIONS.json).
_VENDORED_SANKEY = ("d3-array/d3-array.min.js", "d3-path/d3-path.min.js", "d3-shape/d3-shape.min.js",
                    "d3-sankey/d3-sankey.min.js")
#: Leaflet, which the map page inlines (its outlines come from ``vendor/france.departments``, see site_map.py).
_VENDORED_MAP = ("leaflet/leaflet.js",)


@dataclass(frozen=True)
class SiteResult:
    """What :func:`write_site` wrote: the folder, how many pages (by kind) and the largest page in bytes."""

    path: Path
    pages: dict
    largest_page: int
    network_views: int

    @property
    def total_pages(self) -> int:
        return sum(self.pages.values())


def grant_totals(grants: list[Grant], actor: str, role: str) -> list[dict]:
    """Grants an actor gave (``role="funder"``) or received (``"recipient"``), grouped by year with totals.

    A share of a larger grant is listed inside that grant and counted once: when the whole is in the same list,
    the share is not added to the total (the rule of the saved query ``total-by-funder``). Each year lists its
    :data:`ACTOR_ROWS` largest grants (``more`` counts the others); its total counts them all.
    """
    mine = [g for g in grants if getattr(g, role) == actor]
    wholes = {g.resource for g in mine}
    by_year: dict[str, list[Grant]] = defaultdict(list)
    for g in mine:
        by_year[g.year or "année non précisée"].append(g)
    years = []
    for year in sorted(by_year, reverse=True):
        rows, totals = [], defaultdict(Decimal)
        for g in sorted(by_year[year], key=lambda g: (-g.amount, g.resource)):
            counted = not (g.part_of and g.part_of in wholes)
            if counted:
                totals[g.currency] += g.amount
            rows.append({"grant": g, "counted": counted})
        years.append({"year": year, "rows": rows[:ACTOR_ROWS], "more": max(0, len(rows) - ACTOR_ROWS),
                      "total": " + ".join(format_amount(v, c) for c, v in sorted(totals.items()))})
    return years


# ---------------------------------------------------------------------------------------------- writing


def _csp_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def page_csp(scripts: tuple[str, ...] = ()) -> str:
    """The Content-Security-Policy of a page: nothing may be fetched; scripts only by their hashes."""
    script_src = " ".join(_csp_hash(s) for s in scripts) if scripts else "'none'"
    return (f"default-src 'none'; script-src {script_src}; style-src 'unsafe-inline'; img-src data:; "
            "connect-src 'none'; base-uri 'none'; form-action 'none'")


def _environment():
    from jinja2 import Environment, FileSystemLoader

    env = Environment(loader=FileSystemLoader(str(_TEMPLATES)), autoescape=True, trim_blocks=True,
                      lstrip_blocks=True)
    env.filters["amount"] = lambda v, c="EUR": format_amount(v, c)
    return env


def _csv_text(header: list[str], rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["'" + v if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") else v for v in row])
    return out.getvalue()


def _search_keys(entry: Entry) -> str:
    """What search matches besides the label: short fact values (acronyms, SIREN, RNA, INSEE codes, dates)."""
    values = [str(v) for _, v in entry.facts if len(str(v)) <= 40]
    return " ".join(dict.fromkeys(values))


def _prepare_target(out_dir: Path) -> None:
    if out_dir.exists():
        if not out_dir.is_dir():
            raise InputError("exists and is not a folder; give a folder for the site", path=out_dir)
        if any(out_dir.iterdir()) and not (out_dir / MARKER).exists():
            raise InputError("is a folder that holds files and is not a dtkg site; give an empty or new folder "
                             "(a dtkg site is only replaced when it holds the .dtkg-site marker)", path=out_dir)


def fold(text: str) -> str:
    """Text as the search compares it (the same steps as ``site-search.js``): typographic apostrophes made
    straight, accents removed (NFKD), lower case, runs of spaces as one."""
    import unicodedata

    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not ("\u0300" <= c <= "\u036f"))
    return re.sub(r"\s+", " ", text.lower()).strip()


def _alnum(word: str) -> str:
    return re.sub(r"[^a-z0-9]", "", word)


def search_shards(index: list[list[str]], limit: int | None = None) -> dict[str, tuple[int, list[list[str]]]]:
    """The search index split into pages: ``key → (rows that have a word starting with key, the rows shown)``.

    Keys start as the first two letters or digits of every word (folded as the search folds it, ``L’Atelier`` →
    ``latelier`` → ``la``) of each row's label and keys; a key with more than ``limit`` rows (default
    :data:`SHARD_ROWS`) is also split into longer keys (``ai`` → ``aid``, ``air``…) until each holds at most
    ``limit`` rows or is a whole word. A page shows its first ``limit`` rows: the search goes to the page of the
    longest key that begins a query word, choosing the query word whose page holds fewest rows, so a row is always
    found from any of its rarer words."""
    limit = limit or SHARD_ROWS
    words = [{_alnum(w) for w in fold(row[0] + " " + row[3]).split(" ")} - {""} for row in index]
    shards: dict[str, tuple[int, list[list[str]]]] = {}

    def build(prefix: str, members: list[int]) -> None:
        shards[prefix] = (len(members), [index[i] for i in members[:limit]])
        if len(members) <= limit:
            return
        children: dict[str, list[int]] = defaultdict(list)
        for i in members:
            for child in {w[:len(prefix) + 1] for w in words[i] if w.startswith(prefix) and len(w) > len(prefix)}:
                children[child].append(i)
        for child, rows in children.items():
            build(child, rows)

    roots: dict[str, list[int]] = defaultdict(list)
    for i, row_words in enumerate(words):
        for key in {w[:2] for w in row_words}:
            roots[key].append(i)
    for key, members in roots.items():
        build(key, members)
    return shards


def write_site(data: Graph, out_dir: Path | str, *, network_views: int = 300, base_title: str = "dtkg",
               query_editor: bool = False) -> SiteResult:
    """Write the static site of ``data`` (a graph or dataset) into ``out_dir``, atomically.

    ``network_views`` caps how many actors (the most linked first) get an interactive network view focused on
    them: each view inlines vis-network (about 500 kB), so a national graph would otherwise fill a disk; the
    other actor pages list their links. An existing ``out_dir`` is replaced only if it is empty or a dtkg site.
    ``query_editor`` links every page to the SPARQL editor ``/requetes.html`` and says on the index where the
    read-only endpoint is (for ``dtkg serve``, which serves both; a static host has neither).
    """
    from .network import plain_graph

    out_dir = Path(out_dir)
    _prepare_target(out_dir)
    graph = plain_graph(data)
    model = SiteModel(graph)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=out_dir.parent))
    try:
        pages, largest, views = _write_pages(model, data, tmp, base_title, network_views, query_editor)
        (tmp / MARKER).write_text("dtkg static site\n", encoding="utf-8")
        for path in [tmp, *tmp.rglob("*")]:
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        old = None
        if out_dir.exists():
            old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
            out_dir.rename(old)
        tmp.rename(out_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return SiteResult(path=out_dir, pages=pages, largest_page=largest, network_views=views)


def _write_pages(model: SiteModel, data: Graph, root: Path, base_title: str,
                 network_views: int, query_editor: bool = False) -> tuple[dict, int, int]:
    from .network import TYPE_LABELS, TYPE_STYLES
    from .summary import summarize
    from markupsafe import Markup

    from .views import json_for_script

    env = _environment()
    css = (_TEMPLATES / "site.css").read_text(encoding="utf-8")
    counts: dict[str, int] = defaultdict(int)
    largest = 0

    def emit(rel: str, template: str, depth: int, scripts: tuple[str, ...] = (), **context) -> None:
        nonlocal largest
        html = env.get_template(template).render(css=Markup(css), csp=page_csp(scripts), up="../" * depth,
                                                 site_title=base_title, type_labels=TYPE_LABELS,
                                                 plurals=PLURALS, editor=query_editor, **context)
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        raw = html.encode("utf-8")
        path.write_bytes(raw)
        largest = max(largest, len(raw))

    # network views focused on the most linked actors, through the project's own view code
    ranked = sorted((n for n, e in model.entries.items() if e.kind in NETWORK_TYPES and n in model.actors),
                    key=lambda n: (-model.actors.degree(n), n))
    network_href: dict[str, str] = {}
    from .views import write_html

    for node in ranked[:max(0, network_views)]:
        entry = model.entries[node]
        rel = "reseau/" + entry.href.split("/", 1)[1]
        ego = _ego(model.actors, node, EGO_NEIGHBOURS)
        degree = len({*model.actors.successors(node), *model.actors.predecessors(node)})
        (root / "reseau").mkdir(exist_ok=True)
        title = f"Réseau autour de {entry.label}"
        if degree > EGO_NEIGHBOURS:
            title += f" ({EGO_NEIGHBOURS} voisins les plus liés sur {degree} ; les autres sont sur sa fiche)"
        write_html(ego, root / rel, title=title)
        network_href[node] = rel
        largest = max(largest, (root / rel).stat().st_size)

    # one page per actor
    shares_of: dict[str, list[Grant]] = defaultdict(list)
    grant_of: dict[str, list[Grant]] = defaultdict(list)
    for g in model.grants:
        grant_of[g.resource].append(g)
        if g.part_of:
            shares_of[g.part_of].append(g)
    for node, entry in model.entries.items():
        links_out, links_in = [], []
        for _, target, edge in model.full.out_edges(node, data=True):
            links_out.append({"property": edge.get("label", ""), "to": model.link(target)})
        for source, _, edge in model.full.in_edges(node, data=True):
            links_in.append({"property": edge.get("label", ""), "from": model.link(source)})
        links_out.sort(key=lambda r: (r["property"], r["to"]["label"]))
        links_in.sort(key=lambda r: (r["property"], r["from"]["label"]))
        roles = sorted(model.roles_by_actor.get(node, []), key=lambda r: (r.start, r.role, r.resource))
        grants = model.grants_by_actor.get(node, [])
        quotes = list(model.quotes_of(node))
        for role in roles:
            quotes += model.quotes_of(role.resource)
        for grant in grants:
            quotes += model.quotes_of(grant.resource)
        shares, whole = shares_of.get(node, []), grant_of.get(node, [])
        counts[entry.kind] += 1
        more = {"out": max(0, len(links_out) - ACTOR_ROWS), "in": max(0, len(links_in) - ACTOR_ROWS),
                "quotes": max(0, len(quotes) - ACTOR_ROWS)}
        links_out, links_in, quotes = links_out[:ACTOR_ROWS], links_in[:ACTOR_ROWS], quotes[:ACTOR_ROWS]
        emit(entry.href, "site-actor.html", 1, entry=entry, links_out=links_out, links_in=links_in, more=more,
             roles=roles, given=grant_totals(grants, node, "funder"), received=grant_totals(grants, node, "recipient"),
             quotes=quotes, model=model, network=network_href.get(node, ""), shares=shares, whole=whole,
             style=TYPE_STYLES.get(entry.kind, TYPE_STYLES["other"]))

    # one page per source document, with every quote taken from it
    for source, entry in model.sources.items():
        counts["source"] += 1
        emit(entry.href, "site-source.html", 1, entry=entry, quotes=model.quotes_by_source.get(source, []),
             model=model)

    # lists (one per kind) with their CSV file
    kinds = [k for k in (*PAGE_TYPES, "source") if counts.get(k)]
    all_entries = list(model.entries.values()) + list(model.sources.values())
    for kind in kinds:
        entries = sorted((e for e in all_entries if e.kind == kind), key=lambda e: (e.label.casefold(), e.href))
        rows = [[e.label, e.iri, "; ".join(f"{n} : {v}" for n, v in e.facts)] for e in entries]
        (root / f"liste-{kind}.csv").write_text(_csv_text(["libellé", "IRI", "faits"], rows), encoding="utf-8")
        chunks = [entries[i:i + LIST_PAGE] for i in range(0, len(entries), LIST_PAGE)] or [[]]
        names = [f"liste-{kind}.html"] + [f"liste-{kind}-{n}.html" for n in range(2, len(chunks) + 1)]
        for n, chunk in enumerate(chunks):
            emit(names[n], "site-list.html", 0, kind=kind, entries=chunk, csv=f"liste-{kind}.csv", total=len(entries),
                 pages=names, current=n)
            counts["list"] += 1

    # money: every grant as a flow, totals per funder from the saved query total-by-funder
    summary = summarize(data)
    (root / "financeurs.csv").write_text(_csv_text(["financeur", "aides", "total", "devise", "IRI"], [
        [model.link(f.funder)["label"], f.grants, str(f.total), f.currency, f.funder] for f in summary.funders]),
        encoding="utf-8")
    kept = {id(f) for f in sorted(summary.funders, key=lambda f: (-f.total, f.funder))[:FUNDER_ROWS]}
    funders = [{"link": model.link(f.funder), "total": format_amount(f.total, f.currency), "grants": f.grants}
               for f in summary.funders if id(f) in kept]
    flows = sorted(model.grants, key=lambda g: (g.year, -g.amount, g.resource))
    rows = [[model.link(g.funder)["label"], model.link(g.recipient)["label"], str(g.amount), g.currency, g.year,
             model.link(g.part_of)["label"] if g.part_of else "", g.resource] for g in flows]
    (root / "flux.csv").write_text(_csv_text(["financeur", "bénéficiaire", "montant", "devise", "année",
                                              "part de", "aide"], rows), encoding="utf-8")
    sankey_js = vendored_js(_VENDORED_SANKEY) + "\n" + (_TEMPLATES / "site-sankey.js").read_text(encoding="utf-8")
    shown = sorted(flows, key=lambda g: (-g.amount, g.resource))[:FLOW_ROWS]
    shown.sort(key=lambda g: (g.year, -g.amount, g.resource))
    emit("flux.html", "site-money.html", 0, scripts=(sankey_js,), flows=shown, all_flows=len(flows), funders=funders,
         all_funders=len(summary.funders),
         model=model,
         sankey_json=Markup(json_for_script(sankey_data(model))), sankey_js=Markup(sankey_js))
    counts["money"] += 1

    # time: every dated fact, with an as-of filter
    time_js = (_TEMPLATES / "site-time.js").read_text(encoding="utf-8")
    items = dated_items(model)
    if len(items) <= TIME_PAGE:
        emit("chronologie.html", "site-time.html", 0, scripts=(time_js,), items=items, model=model,
             time_js=Markup(time_js), years=[], pages=[], current=0, total=len(items))
        counts["time"] += 1
    else:
        by_year: dict[str, list[dict]] = defaultdict(list)
        for item in items:
            by_year[(item["from"] or item["to"])[:4]].append(item)
        years = []
        for year in sorted(by_year):
            chunk = by_year[year]
            parts = [chunk[i:i + TIME_PAGE] for i in range(0, len(chunk), TIME_PAGE)]
            names = [f"chronologie-{year}.html"] + [f"chronologie-{year}-{n}.html" for n in range(2, len(parts) + 1)]
            years.append({"year": year, "count": len(chunk), "href": names[0]})
            for n, part in enumerate(parts):
                emit(names[n], "site-time.html", 0, scripts=(time_js,), items=part, model=model,
                     time_js=Markup(time_js), years=[], pages=names, current=n, total=len(chunk), year=year)
                counts["time"] += 1
        emit("chronologie.html", "site-time.html", 0, items=[], model=model, years=years, pages=[], current=0,
             total=len(items))
        counts["time"] += 1

    # the map: places and territories in their départements, with what they received
    from .site_map import leaflet_css, map_data, map_json

    located = map_data(model)
    map_js = vendored_js(_VENDORED_MAP) + "\n" + (_TEMPLATES / "site-map.js").read_text(encoding="utf-8")
    emit("carte.html", "site-map.html", 0, scripts=(map_js,), areas=located["areas"], unplaced=located["unplaced"],
         map_json=Markup(json_for_script(map_json(located))), map_js=Markup(map_js),
         leaflet_css=Markup(leaflet_css()))
    counts["map"] += 1
    rows = [[a["code"], a["name"], i["link"]["label"], i["kind"], i["total"], i["link"]["href"]]
            for a in located["areas"] for i in a["all_items"]]
    (root / "carte.csv").write_text(_csv_text(["département", "nom du département", "libellé", "type",
                                               "aides reçues", "page"], rows), encoding="utf-8")

    # the index and its search
    index = [[e.label, PLURALS.get(e.kind, e.kind), e.href, _search_keys(e)] for e in all_entries]
    index.sort(key=lambda r: (r[0].casefold(), r[2]))
    search_js = (_TEMPLATES / "site-search.js").read_text(encoding="utf-8")
    index_json = json_for_script(index)
    shards: dict[str, list] = {}
    if len(index_json.encode("utf-8")) > SEARCH_INLINE_MAX:
        shards = search_shards(index)
        index_json = "[]"
        keys_json = Markup(json_for_script({key: count for key, (count, _) in sorted(shards.items())}))
        for key, (count, rows) in sorted(shards.items()):
            emit(f"recherche/{key}.html", "site-search.html", 1, scripts=(search_js,), search_js=Markup(search_js),
                 index_json=Markup(json_for_script(rows)), key=key, keys_json=keys_json, total=count,
                 shown=len(rows))
            counts["search"] += 1
    emit("index.html", "site-index.html", 0, scripts=(search_js,), kinds=kinds, counts=counts,
         search_js=Markup(search_js), index_json=Markup(index_json), summary=summary,
         keys_json=keys_json if shards else "", key="")
    counts["index"] += 1
    return dict(counts), largest, len(network_href)


def query_page_html(endpoint_url: str, saved_queries: list | None = None, *, site_title: str = "dtkg",
                    home: str = "index.html") -> str:
    """The SPARQL editor page (YASGUI, vendored from npm and inlined), preloaded with the saved queries (one tab
    each, its parameters in the ``# param:`` lines of its text), that sends its queries to ``endpoint_url`` and
    nowhere else.

    ``endpoint_url`` is an http(s) URL, or a path on the page's own server (``/sparql``, as ``dtkg serve`` gives):
    the page's policy then allows requests to its own origin only (``connect-src 'self'``), so no CORS is needed.
    ``saved_queries`` are :class:`dtkg.query.SavedQuery` objects (default: every saved query of dtkg). YASGUI's
    completions that call web services are off; nothing is kept between visits.
    """
    from urllib.parse import urlsplit

    from markupsafe import Markup

    from .query import saved_queries as all_saved_queries
    from .views import _raw_text_safe, json_for_script

    if re.fullmatch(r"/[A-Za-z0-9/_.-]*", endpoint_url) and "//" not in endpoint_url:
        connect = "'self'"
    else:
        parts = urlsplit(endpoint_url)
        if parts.scheme not in ("http", "https") or not parts.netloc or any(c in endpoint_url for c in " ;'\"<>"):
            raise InputError(f"the endpoint must be an http(s) URL or a path such as /sparql, not {endpoint_url!r}")
        connect = f"{parts.scheme}://{parts.netloc}"
    queries = all_saved_queries() if saved_queries is None else saved_queries
    config = {"endpoint": endpoint_url, "queries": [{"name": q.name, "text": q.text, "params": list(getattr(q, "params", ()))}
                                           for q in queries]}
    yasgui_js = vendored_js(("yasgui/yasgui.min.js",))
    app_js = _raw_text_safe((_TEMPLATES / "site-query.js").read_text(encoding="utf-8"), "script")
    yasgui_css = _raw_text_safe((_VENDOR / "yasgui" / "yasgui.min.css").read_text(encoding="utf-8"), "style")
    css = (_TEMPLATES / "site.css").read_text(encoding="utf-8")
    csp = (f"default-src 'none'; script-src {_csp_hash(yasgui_js)} {_csp_hash(app_js)}; "
           f"style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src {connect}; "
           "base-uri 'none'; form-action 'none'")
    return _environment().get_template("site-query.html").render(
        csp=csp, site_title=site_title, endpoint=endpoint_url, yasgui_css=Markup(yasgui_css), css=Markup(css),
        yasgui_js=Markup(yasgui_js), app_js=Markup(app_js), queries_json=Markup(json_for_script(config)), home=home)


def write_query_page(out_dir: Path | str, endpoint_url: str, saved_queries: list | None = None, *,
                     name: str = "requetes.html", site_title: str = "dtkg") -> Path:
    """Write :func:`query_page_html` into ``out_dir``/``name``, atomically."""
    from .writers import write_atomic

    html = query_page_html(endpoint_url, saved_queries, site_title=site_title)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return write_atomic(out / name, html.encode("utf-8"))


def vendored_js(files: tuple[str, ...]) -> str:
    """The vendored builds ``files`` (paths under ``vendor/``), joined, safe to inline in a ``<script>``."""
    from .views import _raw_text_safe

    parts = []
    for name in files:
        path = _VENDOR / name
        if not path.is_file():
            raise FileNotFoundError(f"dtkg is incompletely installed: {path} is missing (scripts/vendor_js.py)")
        parts.append(_raw_text_safe(path.read_text(encoding="utf-8"), "script"))
    return "\n;\n".join(parts)


def _ego(g: nx.MultiDiGraph, centre: str, limit: int | None = None) -> nx.MultiDiGraph:
    """The actor and its direct neighbours, as :func:`dtkg.network.ego_view` at depth 1, in time proportional to
    the neighbourhood (``ego_view`` makes an undirected copy of the whole graph first, which a site calls hundreds
    of times); at most ``limit`` neighbours, those with most links to the actor first."""
    neighbours = {*g.successors(centre), *g.predecessors(centre)}
    if limit is not None and len(neighbours) > limit:
        # a national funder: the neighbours it has most links with (then the most linked), so the page stays small
        links = defaultdict(int)
        for _, other in g.out_edges(centre):
            links[other] += 1
        for other, _ in g.in_edges(centre):
            links[other] += 1
        neighbours = set(sorted(neighbours, key=lambda n: (-links[n], -g.degree(n), n))[:limit])
    sub = g.subgraph({centre, *neighbours}).copy()
    sub.graph.update(g.graph, focus=centre, depth=1)
    return sub


def sankey_data(model: SiteModel) -> dict:
    """The money flows the Sankey draws (with d3-sankey, in the page): funders → recipients → earmarked shares.

    A whole grant is a flow from its funder to its recipient; a share of it (``dcterms:isPartOf``) is a flow from
    the whole's recipient onwards to the share's recipient, inside the whole: money is never counted twice, and
    the flows leaving the funders add up to their totals (the rule of the saved query ``total-by-funder``). The
    :data:`SANKEY_FUNDERS` funders that gave most are drawn one by one, the others as one "autres financeurs" node.
    Nodes are ``[label, href]``; wholes ``[funder, recipient, amount, year, currency, grant label]`` and shares
    ``[whole index, recipient, amount, grant label]``; amounts are decimal strings, exact.
    """
    index: dict[str, int] = {}
    nodes: list[list[str]] = []

    def node(key: str) -> int:
        if key not in index:
            index[key] = len(nodes)
            link = model.link(key)
            nodes.append([link["label"], link["href"]])
        return index[key]

    resources = {g.resource for g in model.grants}
    wholes = [g for g in model.grants if not g.part_of or g.part_of not in resources]
    wholes.sort(key=lambda g: (-g.amount, g.resource))
    given: dict[str, Decimal] = defaultdict(Decimal)
    for g in wholes:
        given[g.funder] += g.amount
    drawn_funders = set(sorted(given, key=lambda f: (-given[f], f))[:SANKEY_FUNDERS])
    grouped: dict[tuple, list] = {}
    for g in wholes:
        if g.funder not in drawn_funders:
            other = grouped.setdefault((g.year, g.currency), [Decimal(0), 0])
            other[0] += g.amount
            other[1] += 1
    wholes = [g for g in wholes if g.funder in drawn_funders]
    kept_per: dict[tuple, int] = defaultdict(int)
    others: dict[tuple, list] = {}
    whole_rows = []
    drawn: list[Grant] = []
    for g in wholes:  # largest first: beyond SANKEY_FLOWS per funder and year, grants join one "others" flow
        group = (g.funder, g.year, g.currency)
        if kept_per[group] < SANKEY_FLOWS:
            kept_per[group] += 1
            drawn.append(g)
            whole_rows.append([node(g.funder), node(g.recipient), str(g.amount), g.year, g.currency,
                               model.link(g.resource)["label"]])
        else:
            other = others.setdefault(group, [Decimal(0), 0])
            other[0] += g.amount
            other[1] += 1
    if others:
        index["(autres)"] = len(nodes)
        nodes.append(["autres bénéficiaires", ""])
    for (funder, year, currency), (amount, count) in sorted(others.items()):
        whole_rows.append([node(funder), index["(autres)"], str(amount), year, currency, f"{count} autres aides"])
    if grouped:
        if "(autres)" not in index:
            index["(autres)"] = len(nodes)
            nodes.append(["autres bénéficiaires", ""])
        index["(autres financeurs)"] = len(nodes)
        nodes.append([f"autres financeurs ({len(given) - len(drawn_funders)})", ""])
        for (year, currency), (amount, count) in sorted(grouped.items()):
            whole_rows.append([index["(autres financeurs)"], index["(autres)"], str(amount), year, currency,
                               f"{count} aides des autres financeurs"])
    position = {g.resource: i for i, g in enumerate(drawn)}
    share_rows = [[position[g.part_of], node(g.recipient), str(g.amount), model.link(g.resource)["label"]]
                  for g in sorted(model.grants, key=lambda g: (-g.amount, g.resource)) if g.part_of in position]
    return {"nodes": nodes, "wholes": whole_rows, "shares": share_rows}


__all__ = ["search_shards", "fold", "PAGE_TYPES", "SiteModel", "SiteResult", "grant_totals", "page_csp", "write_site", "sankey_data",
           "dated_items", "vendored_js", "write_query_page", "query_page_html"]
