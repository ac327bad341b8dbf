"""JSON-LD compacted with the project's prefixes; GEXF with dates (Gephi's timeline) and positions of places."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from rdflib import Graph
from rdflib.compare import isomorphic

from dtkg.analysis import export_network
from dtkg.writers import serialize
from dtkg.importers import import_mednum
from dtkg.load import load_dataset, union_graph

FIXTURES = Path(__file__).parent / "fixtures" / "import"
GEXF = "{http://www.gexf.net/1.2draft}"
ID = "https://w3id.org/dtkg/id/"


def test_jsonld_is_compacted_with_the_project_prefixes_and_is_the_same_graph(seed):
    data = serialize(seed, "jsonld")
    document = json.loads(data)
    context = document["@context"]
    assert context["schema"] == "https://schema.org/" and context["organisation"] == ID + "organisation/"
    text = data.decode("utf-8")
    assert '"organisation:cud"' in text and '"schema:amount"' in text
    assert "https://schema.org/amount" not in text
    assert isomorphic(Graph().parse(data=data, format="json-ld"), union_graph(seed))


def _gexf(data) -> ET.Element:
    return ET.fromstring(export_network(data, None, "gexf"))


def test_gexf_is_dynamic_with_the_dates_of_grants_and_events(seed):
    root = _gexf(seed)
    graph = root.find(f"{GEXF}graph")
    assert graph.get("mode") == "dynamic" and graph.get("timeformat") == "date"
    event = graph.find(f"{GEXF}nodes/{GEXF}node[@id='{ID}event/inauguration-atelier-2019-09-28']")
    assert (event.get("start"), event.get("end")) == ("2019-09-28", "2019-09-28")
    # the CUD's operating grant: "2019"^^xsd:gYear to "2021"^^xsd:gYear, so the whole of those years
    grants = [e for e in graph.iter(f"{GEXF}edge") if e.get("weight") == "90000.0"]
    assert [(e.get("start"), e.get("end")) for e in grants] == [("2019-01-01", "2021-12-31")]
    # what has no date in the sources has none here
    region = graph.find(f"{GEXF}nodes/{GEXF}node[@id='{ID}organisation/region-hauts-de-france']")
    assert region.get("start") is None and region.get("end") is None


def test_gexf_places_with_coordinates_have_their_position(tmp_path: Path):
    data = tmp_path / "data"
    import_mednum(FIXTURES / "mednum-valid.csv", data)
    imported = Graph().parse(next((data / "imports").glob("mednum-*.ttl")))
    lat, lon = next(iter(imported.query(
        "SELECT ?lat ?lon WHERE { ?p <https://schema.org/latitude> ?lat ; <https://schema.org/longitude> ?lon }")))
    root = _gexf(load_dataset([data]))
    positions = [p for p in root.iter("{http://www.gexf.net/1.2draft/viz}position")]
    assert positions, "no node has a position"
    assert any(abs(float(p.get("x")) - float(lon) * 100) < 1e-6 and abs(float(p.get("y")) - float(lat) * 100) < 1e-6
               for p in positions)


def test_view_to_gexf_is_dynamic_too(dtkg, tmp_path: Path):
    out = tmp_path / "atelier.gexf"
    result = dtkg("view", "--focus", "Atelier", "-o", str(out))
    assert result.code == 0, result
    root = ET.parse(out).getroot()
    event = root.find(f"{GEXF}graph/{GEXF}nodes/{GEXF}node[@id='{ID}event/inauguration-atelier-2019-09-28']")
    assert event.get("start") == "2019-09-28"
