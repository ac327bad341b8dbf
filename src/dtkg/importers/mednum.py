"""``dtkg import mednum``: places of digital mediation (*lieux de médiation numérique*, the national standard of
La MedNum and the ANCT, version 1.x).

Each valid row becomes a place (``org:Site``, ``schema:Place``, and ``dtkg:TiersLieu`` when its ``typologie``
says ``TIERS_LIEUX``) ``schema:containedInPlace`` its commune (``<base>commune/<code_insee>``, the seed's own
communes when the code is theirs), with its address (``schema:PostalAddress``), coordinates (``schema:latitude``,
``schema:longitude``), services as SKOS concepts (``dtkg:activity``, in the activity scheme), audiences
(``schema:audience``), typology (``dcterms:type``, concepts of a ``place-type`` scheme), contacts, and its operating
organisation (``org:siteOf`` / ``org:hasSite``, identified by the SIRET or RNA of ``pivot``). Multi-valued cells
are separated by ``|`` (``;`` is accepted too).
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from rdflib import URIRef

from ..namespaces import DEFAULT_BASE
from .builder import RowWriter, blank
from .csv_import import CsvImport, InputFile, open_csv_import
from .outputs import ImportChoices, ImportResult
from .reconcile import Reconciler
from .registry import run_import
from .rows import RowContext
from .running import Conversion, RowConverter
from .specs import load_format
from .terms import DCTERMS, DTKG, ORG, PROV, RDF, SCHEMA, XSD, lit
from .values import (
    OrgId, clean_text, decimal_lexical, normalise_name, parse_coordinate, parse_date, parse_insee, parse_org_id,
    parse_postcode, slugify, split_multi)

#: The format, as data (fields and the names earlier versions used, required fields, standard):
#: ``formats/mednum.toml``.
SPEC = load_format("mednum")
#: Fields of the standard (1.x, and the names earlier versions used), in its order.
FIELDS: dict[str, tuple[str, ...]] = SPEC.spellings()
#: Without these a row is not a place in a commune: the column must exist, the cell must be filled.
REQUIRED = SPEC.required
#: Required by the standard but not by the graph: an empty cell is a warning (an error with ``strict``).
SCHEMA_REQUIRED = SPEC.schema_required
#: Fields kept as ``schema:additionalProperty`` under their own name (no standard property fits them).
KEPT_AS_IS = SPEC.kept_as_is
STANDARD = SPEC.standard

#: Typology codes (data·inclusion vocabulary) with a French label; other codes are kept with the code as label.
TYPOLOGIES = {
    "TIERS_LIEUX": "Tiers-lieu", "ASSO": "Association", "BIB": "Bibliothèque, médiathèque",
    "CCAS": "Centre communal d'action sociale", "CIAS": "Centre intercommunal d'action sociale",
    "CS": "Centre social", "MUNI": "Mairie", "RFS": "France Services", "MQ": "Maison de quartier",
    "ML": "Mission locale", "CAF": "Caisse d'allocations familiales", "CPAM": "Caisse primaire d'assurance maladie",
    "MDS": "Maison départementale des solidarités", "PIJ_BIJ": "Point ou bureau information jeunesse",
    "EPN": "Espace public numérique", "AUTRE": "Autre", "Autre": "Autre",
}

PLACE_TYPE_SCHEME = URIRef(f"{DEFAULT_BASE}place-type")
ACTIVITY_SCHEME = URIRef(f"{DEFAULT_BASE}activity")
AUDIENCE_SCHEME = URIRef(f"{DEFAULT_BASE}audience")
_URL_SPLIT = re.compile(r"[|;]|,(?=\s*https?://)")


@dataclass
class MednumRow:
    number: int
    id: str
    name: str
    commune_name: str
    insee: str | None
    operator: OrgId | None
    postcode: str = ""
    address: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    typologies: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    audiences: list[str] = field(default_factory=list)
    updated: _dt.date | None = None
    cells: dict[str, str] = field(default_factory=dict)


def _check_row(ctx: RowContext, ids: dict[str, int], reconciler: Reconciler) -> MednumRow | None:
    """Parse and check one row (its required fields and cells are already checked: see
    :meth:`~dtkg.importers.csv_import.InputFile.rows`); ``ids`` holds the row of every place id met so far. None
    when the row is invalid."""
    cell, problem, parse = ctx.cell, ctx.problem, ctx.parse
    place_id = cell("id")
    if place_id:
        if place_id in ids:
            problem("id", f"the same id as row {ids[place_id]}: an id names one place only")
        else:
            ids[place_id] = ctx.number
    insee = parse("code_insee", parse_insee)
    if not cell("code_insee") and cell("commune"):
        if reconciler.commune_by_name(cell("commune")) is None:
            # the territorial reference: a unique name, or the name with the row's postal code
            insee, why = reconciler.resolve_commune(cell("commune"), postal_code=cell("code_postal") or None)
            if insee is None:
                problem("code_insee", f"no INSEE code, and the commune's name does not give one: {why}",
                        value=cell("commune"))
            else:
                problem("code_insee", f"no INSEE code: commune {insee} found from its name"
                        + (" and postal code" if cell("code_postal") else ""), severity="warning",
                        value=cell("commune"))
        else:
            problem("code_insee", "no INSEE code: placed in the commune of the data with this name",
                    severity="warning", value="")
    postcode = parse("code_postal", parse_postcode)
    latitude = parse("latitude", lambda t: parse_coordinate(t, -90, 90, "latitude"))
    longitude = parse("longitude", lambda t: parse_coordinate(t, -180, 180, "longitude"))
    if bool(cell("latitude")) != bool(cell("longitude")):
        problem("longitude" if cell("latitude") else "latitude", "a position needs both latitude and longitude")
    updated = parse("date_maj", parse_date)
    operator = None
    pivot = cell("pivot")
    if pivot and set(pivot) != {"0"}:  # the standard's placeholder for "no SIRET": 00000000000000
        operator = parse("pivot", parse_org_id)
    if ctx.errors:
        return None
    return MednumRow(
        number=ctx.number, id=place_id, name=clean_text(cell("nom")), commune_name=clean_text(cell("commune")),
        insee=insee, operator=operator, postcode=postcode or "",
        address=", ".join(p for p in (clean_text(cell("adresse")), clean_text(cell("complement_adresse"))) if p),
        latitude=latitude, longitude=longitude,
        typologies=split_multi(cell("typologie"), "|;,"), services=_services(cell("services")),
        audiences=split_multi(f'{cell("publics_accueillis")}|{cell("publics_specifiquement_adresses")}', "|;"),
        updated=updated, cells={name: cell(name) for name in ctx.cols},
    )


def _services(text: str) -> list[str]:
    values = split_multi(text, "|;")
    if len(values) == 1 and "," in values[0] and "|" not in text:
        # version 1.0 separated services with commas; no service of the standard contains one
        values = split_multi(values[0], ",")
    return values


class _MednumWriter(RowWriter):
    """Turns checked rows into places, their organisations and services."""

    def write(self, m: MednumRow) -> None:
        b, add, src, known = self.b, self.b.add, self.source, self.b.known
        bodies: list[URIRef] = []
        place = URIRef(f"{DEFAULT_BASE}place/mednum-{slugify(m.id, max_length=100)}")
        if m.insee:
            commune, first = b.commune(m.insee, m.commune_name, src)
        else:
            commune = self.r.commune_by_name(m.commune_name)
            assert commune is not None  # checked with the row
            first = False
        if first:
            bodies.append(commune)
        existing = known.exists(place)
        if existing and known.name_keys(place) and not (known.name_keys(place) & {normalise_name(m.name)}):
            self.report.warning(self.file, m.number, "id", m.id, f"a place with this id is already in the data "
                                f"under another name (« {known.display(place)} »): check it is the same place")
        add((place, RDF.type, ORG.Site))
        add((place, RDF.type, SCHEMA.Place))
        if "TIERS_LIEUX" in {t.upper() for t in m.typologies}:
            add((place, RDF.type, DTKG.TiersLieu))
        b.name(place, m.name)
        add((place, SCHEMA.name, lit(m.name)))
        add((place, DCTERMS.identifier, lit(m.id)))
        add((place, SCHEMA.containedInPlace, commune))
        if not existing:
            for note in self.r.possible_place_duplicates(place, m.name, commune):
                self.report.warning(self.file, m.number, "nom", m.name, note)
        if m.address or m.postcode:
            address = blank()
            add((place, SCHEMA.address, address))
            add((address, RDF.type, SCHEMA.PostalAddress))
            if m.address:
                add((address, SCHEMA.streetAddress, lit(m.address)))
            if m.postcode:
                add((address, SCHEMA.postalCode, lit(m.postcode)))
            add((address, SCHEMA.addressLocality, lit(m.commune_name)))
            add((address, SCHEMA.addressCountry, lit("FR")))
        for prop, value, column in ((SCHEMA.latitude, m.latitude, "latitude"),
                                    (SCHEMA.longitude, m.longitude, "longitude")):
            if value is None:
                continue
            before = known.single.get((place, prop))
            if before and all(Decimal(str(v)) != value for v in before):
                self.report.warning(self.file, m.number, column, m.cells.get(column, ""),
                                    f"the data already places it at {sorted(str(v) for v in before)[0]}: kept that one")
                continue
            add((place, prop, lit(decimal_lexical(value), datatype=XSD.decimal)))
        for code in m.typologies:
            label = TYPOLOGIES.get(code) or TYPOLOGIES.get(code.upper()) or code
            b.scheme(PLACE_TYPE_SCHEME, "Typologie des lieux", "Types of places")
            add((place, DCTERMS.type, b.concept(PLACE_TYPE_SCHEME, "place-type", label, src, notation=code,
                                                local=slugify(code))))
        for service in m.services:
            add((place, DTKG.activity, b.concept(ACTIVITY_SCHEME, "activity", service, src)))
        for audience in m.audiences:
            add((place, SCHEMA.audience, b.concept(AUDIENCE_SCHEME, "audience", audience, src)))
        cells = m.cells
        if cells.get("telephone"):
            add((place, SCHEMA.telephone, lit(cells["telephone"])))
        for email in split_multi(cells.get("courriels", ""), "|;,"):
            add((place, SCHEMA.email, lit(email)))
        for url in (clean_text(u) for u in _URL_SPLIT.split(cells.get("site_web", ""))):
            if url:
                add((place, SCHEMA.url, lit(url, datatype=XSD.anyURI)))
        if cells.get("horaires"):
            add((place, SCHEMA.openingHours, lit(cells["horaires"])))
        if cells.get("presentation_resume"):
            add((place, SCHEMA.description, lit(clean_text(cells["presentation_resume"]), lang="fr")))
        if cells.get("presentation_detail"):
            add((place, DCTERMS.description, lit(clean_text(cells["presentation_detail"]), lang="fr")))
        if m.updated is not None:
            add((place, SCHEMA.dateModified, lit(m.updated.isoformat(), datatype=XSD.date)))
        for name in KEPT_AS_IS:
            if cells.get(name):
                b.property_value(place, name, lit(clean_text(cells[name])))
        if m.operator is not None:
            placeholder = (f"Organisation SIREN {m.operator.siren}" if m.operator.siren
                           else f"Association RNA {m.operator.rna}")
            match = self.r.organisation(m.operator, None)
            b.organisation(match, m.operator, None, src, placeholder=placeholder)
            add((place, ORG.siteOf, match.iri))
            add((match.iri, ORG.hasSite, place))
            if match.first:
                bodies.append(match.iri)
        add((place, PROV.wasDerivedFrom, src))
        bodies.insert(0, place)
        b.row_annotation(src, m.number, bodies)


class _MednumRows(RowConverter):
    """The rows of a mednum file: each checked and written as it is read."""

    def __init__(self, run: CsvImport, choices: ImportChoices) -> None:
        self.writer = _MednumWriter(run.builder, run.source.iri, run.report, run.file)
        self.reconciler = run.builder.r
        self.ids: dict[str, int] = {}
        self.imported = 0

    def convert(self, ctx: RowContext, file: InputFile) -> None:
        checked = _check_row(ctx, self.ids, self.reconciler)
        if checked is not None:
            self.writer.write(checked)
            self.imported += 1


#: How the import engine runs this format (see :mod:`dtkg.importers.running`).
CONVERSION = Conversion(open=functools.partial(open_csv_import, SPEC), converter=_MednumRows)


def import_mednum(path: Path | str, data_dir: Path | str = "data", **options: Any) -> ImportResult:
    """Import a *lieux de médiation numérique* CSV file into ``data_dir/imports/mednum-<name>.ttl``.

    Places are ``<base>place/mednum-<id>``; communes are reconciled by INSEE code and operators by SIREN/RNA with
    the seed data and the RDF files of ``data_dir``; a place with the same name in the same commune as a place of
    the data (under another IRI) is reported as a possible duplicate. Same options and errors as
    :func:`~dtkg.importers.scdl.import_scdl`.
    """
    return run_import("mednum", path, data_dir, **options)
