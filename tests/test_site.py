"""The static site: pages for every kind of actor, totals that follow the project's counting rule, escaping,
and a folder that is replaced whole or not at all."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest

from dtkg.errors import InputError
from dtkg.site import MARKER, SiteModel, grant_totals, write_site
from dtkg.summary import summarize

INJECTION = '<img src=x onerror="window.__pwned=1;alert(1)">'
SCRIPT_BREAK = "</script><script>window.__pwned=2;alert(2)</script>"

INJECTED_TTL = f"""
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dtkg: <https://w3id.org/dtkg/ontology#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
<https://w3id.org/dtkg/id/organisation/injected> a org:Organization ;
    rdfs:label {json.dumps(INJECTION)}@fr ; skos:altLabel {json.dumps(SCRIPT_BREAK)}@fr ; dtkg:siren "999999999" ;
    prov:wasDerivedFrom <https://w3id.org/dtkg/id/source/2019-09-28-inauguration-atelier-bourbourg> .
<https://w3id.org/dtkg/id/grant/injected> a schema:MonetaryGrant ;
    rdfs:label {json.dumps(SCRIPT_BREAK)}@fr ;
    schema:funder <https://w3id.org/dtkg/id/organisation/injected> ;
    schema:fundedItem <https://w3id.org/dtkg/id/organisation/cud> ;
    schema:amount [ a schema:MonetaryAmount ; schema:value 1000 ; schema:currency "EUR" ] ;
    schema:startDate "2020"^^<http://www.w3.org/2001/XMLSchema#gYear> ;
    prov:wasDerivedFrom <https://w3id.org/dtkg/id/source/2019-09-28-inauguration-atelier-bourbourg> .
<https://w3id.org/dtkg/id/place/injected> a org:Site, schema:Place ;
    rdfs:label {json.dumps(INJECTION)}@fr ;
    schema:containedInPlace <https://w3id.org/dtkg/id/commune/59094> .
<https://w3id.org/dtkg/id/commune/59094> a <http://rdf.insee.fr/def/geo#Commune>, schema:Place ;
    rdfs:label {json.dumps(SCRIPT_BREAK)}@fr ; <http://rdf.insee.fr/def/geo#codeINSEE> "59094" .
<https://w3id.org/dtkg/id/grant/injected-place> a schema:MonetaryGrant ;
    rdfs:label "Aide au lieu"@fr ;
    schema:funder <https://w3id.org/dtkg/id/organisation/injected> ;
    schema:fundedItem <https://w3id.org/dtkg/id/place/injected> ;
    schema:amount [ a schema:MonetaryAmount ; schema:value 500 ; schema:currency "EUR" ] .
[] a oa:Annotation ; oa:hasBody <https://w3id.org/dtkg/id/organisation/injected> ;
   oa:hasTarget [ a oa:SpecificResource ;
       oa:hasSource <https://w3id.org/dtkg/id/source/2019-09-28-inauguration-atelier-bourbourg> ;
       oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact {json.dumps(SCRIPT_BREAK)} ] ] .
"""


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory, seed):
    return write_site(seed, tmp_path_factory.mktemp("site") / "site")


def test_every_kind_of_actor_gets_a_page(seed_site):
    root = seed_site.path
    for kind in ("organisation", "person", "place", "commune", "network", "grant", "event", "strategy", "call",
                 "source"):
        assert seed_site.pages.get(kind, 0) >= 1, kind
        assert list((root / kind).glob("*.html")), kind
    assert seed_site.pages["person"] == 7 and seed_site.pages["organisation"] == 6
    assert (root / "index.html").is_file() and (root / "flux.html").is_file() and (root / MARKER).is_file()
    assert seed_site.largest_page < 2_000_000


def test_actor_page_says_roles_money_and_quotes(seed_site):
    page = (seed_site.path / "organisation" / "organisation-cud.html").read_text(encoding="utf-8")
    assert "numéro SIREN" in page and "245900428" in page
    assert "vice-présidente" in page and "Isabelle Kerkhof" in page
    assert "2019 — total 90 000 €" in page
    assert "versée sur 3 ans jusqu’en 2021" in page  # the quote behind the grant, from the source text
    assert 'href="../source/' in page  # the quote names its source document, which has a page
    assert 'href="../reseau/organisation-cud.html"' in page
    assert "script-src &#39;none&#39;" in page and "<script" not in page


def test_funder_totals_count_shares_inside_their_grant(seed, seed_site):
    model = SiteModel(seed_graph_of(seed))
    region = "https://w3id.org/dtkg/id/organisation/region-hauts-de-france"
    years = grant_totals(model.grants, region, "funder")
    counted = sum(row["grant"].amount for y in years for row in y["rows"] if row["counted"])
    funder = next(f for f in summarize(seed).funders if f.funder == region)
    assert counted == funder.total == Decimal("120000")
    # the 6 421 € share is listed, but not added
    shares = [row for y in years for row in y["rows"] if not row["counted"]]
    assert [r["grant"].amount for r in shares] == [Decimal("6421")]
    flux = (seed_site.path / "flux.html").read_text(encoding="utf-8")
    assert "120 000 €" in flux
    with (seed_site.path / "flux.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 3 and {r["montant"] for r in rows} == {"30000", "90000", "6421"}


def seed_graph_of(seed):
    from dtkg.network import plain_graph

    return plain_graph(seed)


def test_map_places_what_the_graph_locates_with_its_funding(seed, seed_site):
    """Places by the INSEE code of their commune, communes by their own, the CUD by its EPCI's communes in the
    territorial reference; the Nord's total counts the 6 421 € share inside the CUD's grant, not on top of it."""
    from dtkg.site_map import departement_of_insee, departement_outlines, map_data

    assert [departement_of_insee(c) for c in ("59094", "2A004", "97105", "75056", "5909", "x")] == \
        ["59", "2A", "971", "75", None, None]
    outlines = departement_outlines()
    assert len(outlines) == 96 and outlines["59"]["name"] == "Nord" and outlines["2B"]["rings"]
    data = map_data(SiteModel(seed_graph_of(seed)))
    assert [a["code"] for a in data["areas"]] == ["59"] and data["unplaced"] == 0
    nord = data["areas"][0]
    items = {i["link"]["label"]: i["total"] for i in nord["items"]}
    assert items["L'ATELIER"] == "6 421 €" and items["Bourbourg"] == "" and "SPARKLAB" in items
    assert items["Communauté Urbaine de Dunkerque"] == "120 000 €" and nord["total"] == "120 000 €"
    assert "Région Hauts-de-France" not in items  # the graph does not say where the Région is drawn
    page = (seed_site.path / "carte.html").read_text(encoding="utf-8")
    assert 'href="place/place-atelier-bourbourg.html"' in page and "CC BY 4.0" in page
    assert "connect-src &#39;none&#39;" in page and "url(images" not in page


def test_lists_come_with_csv(seed_site):
    with (seed_site.path / "liste-person.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 7 and "Isabelle Kerkhof" in {r["libellé"] for r in rows}


def test_injected_labels_are_escaped(tmp_path):
    from dtkg.load import load_dataset

    data = tmp_path / "data"
    data.mkdir()
    (data / "injected.ttl").write_text(INJECTED_TTL, encoding="utf-8")
    result = write_site(load_dataset([data]), tmp_path / "site")
    for page in result.path.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<img src=x" not in text and "</script><script>window" not in text, page
    index = (result.path / "index.html").read_text(encoding="utf-8")
    assert "\\u003cimg src=x" in index  # in the search index, as an escaped JSON string


def test_replaces_only_a_site_and_leaves_no_half_site(tmp_path, seed, monkeypatch):
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(InputError, match="not a dtkg site"):
        write_site(seed, other)
    assert (other / "notes.txt").read_text(encoding="utf-8") == "mine"
    target = tmp_path / "site"
    first = write_site(seed, target, network_views=0)
    assert first.network_views == 0 and not (target / "reseau").exists()

    import dtkg.site as site_module

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(site_module, "sankey_data", broken)
    with pytest.raises(RuntimeError):
        write_site(seed, target)
    assert (target / "index.html").is_file() and not (target / "reseau").exists()  # the previous site, intact
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary folder left


def test_command_line(dtkg, tmp_path):
    result = dtkg("site", "-o", str(tmp_path / "site"), "--network-views", "2")
    assert result.code == 0, result
    assert "2 network views" in result.out and (tmp_path / "site" / "index.html").is_file()
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = dtkg("site", "-o", str(tmp_path / "file"))
    assert result.code == 2 and "Traceback" not in result.err


def test_query_page_reaches_only_its_endpoint(tmp_path):
    from dtkg.query import SavedQuery
    from dtkg.site import write_query_page

    query = SavedQuery("mine", "?", f"SELECT * WHERE {{ ?s ?p {json.dumps(SCRIPT_BREAK)} }}", tmp_path / "q.rq")
    page = write_query_page(tmp_path / "out", "http://127.0.0.1:7878/sparql", [query]).read_text(encoding="utf-8")
    assert "connect-src http://127.0.0.1:7878;" in page and "</script><script>window" not in page
    for bad in ("javascript:alert(1)", "http://x/; script-src *", "file:///etc/passwd", "ftp://host/sparql"):
        with pytest.raises(InputError, match="http"):
            write_query_page(tmp_path / "bad", bad, [query])
    assert not (tmp_path / "bad").exists() or not any((tmp_path / "bad").iterdir())


def test_network_views_are_the_ego_views_of_the_project(seed_graph):
    from dtkg.network import ego_view, to_networkx
    from dtkg.site import _ego

    actors = to_networkx(seed_graph, "actors")
    for node in list(actors)[:10]:
        mine, theirs = _ego(actors, node), ego_view(actors, node, 1)
        assert set(mine.nodes) == set(theirs.nodes) and mine.number_of_edges() == theirs.number_of_edges()
        assert mine.graph["focus"] == node
    region = "https://w3id.org/dtkg/id/organisation/region-hauts-de-france"
    capped = _ego(actors, region, 1)
    assert set(capped.nodes) == {region, "https://w3id.org/dtkg/id/organisation/cud"}  # two grants to the CUD


def test_big_graphs_keep_pages_bounded_and_totals_exact(tmp_path, seed, monkeypatch):
    import dtkg.site as site_module

    monkeypatch.setattr(site_module, "LIST_PAGE", 2)
    monkeypatch.setattr(site_module, "SANKEY_FLOWS", 0)
    monkeypatch.setattr(site_module, "FLOW_ROWS", 1)
    root = write_site(seed, tmp_path / "site", network_views=0).path
    people = sorted(p.name for p in root.glob("liste-person*.html"))
    assert people == ["liste-person-2.html", "liste-person-3.html", "liste-person-4.html", "liste-person.html"]
    assert "Personnes (7)" in (root / "liste-person-3.html").read_text(encoding="utf-8")
    with (root / "liste-person.csv").open(encoding="utf-8") as f:
        assert len(list(csv.DictReader(f))) == 7  # the CSV file holds every row
    flux = (root / "flux.html").read_text(encoding="utf-8")
    assert "Les 1 plus grandes aides (sur 3" in flux
    data = site_module.sankey_data(SiteModel(seed_graph_of(seed)))
    assert sum(Decimal(w[2]) for w in data["wholes"]) == Decimal("120000")  # every grant in an "others" flow
    assert ["autres bénéficiaires", ""] in data["nodes"] and data["shares"] == []
    monkeypatch.setattr(site_module, "SANKEY_FUNDERS", 0)  # every funder in one "autres financeurs" node
    data = site_module.sankey_data(SiteModel(seed_graph_of(seed)))
    assert sum(Decimal(w[2]) for w in data["wholes"]) == Decimal("120000")
    assert [data["nodes"][w[0]][0] for w in data["wholes"]] == ["autres financeurs (1)"] * 2  # 2016 and 2019
    monkeypatch.setattr(site_module, "FUNDER_ROWS", 0)
    root = write_site(seed, tmp_path / "site", network_views=0).path
    assert "Les 0 financeurs qui ont le plus donné, sur 1." in (root / "flux.html").read_text(encoding="utf-8")
    assert "Région Hauts-de-France,2,120000,EUR," in (root / "financeurs.csv").read_text(encoding="utf-8")


def test_pages_stay_bounded_when_the_graph_grows(tmp_path, monkeypatch):
    """The 2 MB bound at 1M triples, scaled down: with every page limit divided by 50, a generated graph of 20k
    triples splits its search index, time line, lists and actor pages, and no page but the network views (which
    inline vis-network), the map and the money page (which inline their libraries) passes 100 kB; every resource stays findable from the search page of each of its words."""
    import sys

    import dtkg.site as site_module
    import dtkg.site_map as map_module
    from dtkg.load import load_dataset

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from generate import generate

    for name, value in (("SEARCH_INLINE_MAX", 20_000), ("TIME_PAGE", 80), ("ACTOR_ROWS", 4), ("LIST_PAGE", 20),
                        ("FLOW_ROWS", 10), ("SHARD_ROWS", 80)):
        monkeypatch.setattr(site_module, name, value)
    monkeypatch.setattr(map_module, "MAP_ITEMS", 2)
    generate(20_000, tmp_path / "data", seed=0)
    result = write_site(load_dataset([tmp_path / "data"]), tmp_path / "site", network_views=1)
    root = result.path
    sizes = {p.relative_to(root).as_posix(): p.stat().st_size for p in root.rglob("*.html")}
    assert len(sizes) > 500 and result.pages["search"] > 20 and result.pages["time"] > 3
    assert json.loads(_json_of(root / "index.html", "search-index")) == []
    big = {name: size for name, size in sizes.items() if size > 100_000 and not name.startswith("reseau/")}
    # the map page inlines Leaflet (150 kB) and the outlines (155 kB); the money page d3 and the Sankey's flows
    assert set(big) <= {"carte.html", "flux.html"} and sizes["carte.html"] < 400_000 and sizes["flux.html"] < 300_000
    keys = json.loads(_json_of(root / "index.html", "search-keys"))
    shards = {k: json.loads(_json_of(root / "recherche" / f"{k}.html", "search-index")) for k in keys}
    found = {row[2] for rows in shards.values() for row in rows}
    pages = {n for n in sizes if n.split("/")[0] in site_module.PAGE_TYPES + ("source",)}
    assert found == pages  # every page is on the search page of its rarest word
    assert all(len(rows) <= 80 for rows in shards.values()) and max(keys.values()) > 80
    kerkhof = [row[0] for key in ("ke", "ker", "kerk") if key in shards for row in shards[key] if "Kerkhof" in row[0]]
    assert "Isabelle Kerkhof" in kerkhof


def _json_of(page: Path, element: str) -> str:
    import html as html_module
    import re

    text = page.read_text(encoding="utf-8")
    match = re.search(f'<script type="application/json" id="{element}">(.*?)</script>', text, re.S)
    assert match, (page, element)
    return html_module.unescape(match.group(1)) if "&quot;" in match.group(1) else match.group(1)
