"""The rows of ``dtkg import table`` converted to facts (see :mod:`dtkg.importers.tables` for the tables): local ids
and references between tables and to the data, the source and quote of every row (the quote checked word for word),
and the facts of each kind of row.

Tables are converted in dependency order (sources first, grants last), so that a row refers only to rows already
read; a reference to a row refused with an error is reported as such, not as an unknown id."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from rdflib import URIRef

from ..namespaces import DEFAULT_BASE, data_prefixes
from ..summary import format_amount
from .builder import blank
from .csv_import import CsvImport, InputFile
from .csvio import decode
from .outputs import ImportChoices
from .known import KnownData
from .reconcile import OrgMatch, Reconciler
from .rows import RowContext
from .running import RowConverter
from .sources import SOURCES_DIR
from .specs import load_tables
from .terms import DCTERMS, DTKG, FOAF, ORG, PROV, RDF, RDFS, SCHEMA, XSD, lit
from .values import (
    OrgId, ValueProblem, clean_text, decimal_lexical, normalise_name, parse_amount, parse_bool, parse_coordinate,
    parse_currency, parse_insee, parse_org_id, parse_partial_date, parse_postcode, parse_rna, parse_web_iri,
    parse_siren, slugify, split_multi)

#: The tables, in the order they are converted.
_TABLE_KEYS = tuple(t.key for t in load_tables().tables)

ORG_KINDS: dict[str, tuple[URIRef, ...]] = {
    "association": (ORG.FormalOrganization, DTKG.Association),
    "collectivite": (ORG.FormalOrganization, DTKG.PublicBody, DTKG.LocalAuthority, SCHEMA.GovernmentOrganization),
    "intercommunalite": (ORG.FormalOrganization, DTKG.PublicBody, DTKG.Intercommunality,
                         SCHEMA.GovernmentOrganization),
    "organisme-public": (ORG.FormalOrganization, DTKG.PublicBody, SCHEMA.GovernmentOrganization),
    "entreprise": (ORG.FormalOrganization, SCHEMA.Corporation),
    "autre": (),
}
_KIND_ALIASES = {
    "local-authority": "collectivite", "collectivite-territoriale": "collectivite", "commune": "collectivite",
    "inter-municipal": "intercommunalite", "epci": "intercommunalite", "public-body": "organisme-public",
    "etablissement-public": "organisme-public", "company": "entreprise", "other": "autre",
}

ROLE_SCHEME = URIRef(f"{DEFAULT_BASE}role")
GRANT_KIND_SCHEME = URIRef(f"{DEFAULT_BASE}grant-kind")
ACTIVITY_SCHEME = URIRef(f"{DEFAULT_BASE}activity")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_PREFIXES = data_prefixes(DEFAULT_BASE)


class TableRows(RowConverter):
    """The rows of ``import table``: tables in dependency order, local ids, references, triples."""

    def __init__(self, run: CsvImport, choices: ImportChoices) -> None:
        assert run.input_path is not None  # the folder of the tables
        self.folder, self.data_dir, self.report, self.b, self.slug = (run.input_path, run.data_dir, run.report,
                                                                      run.builder, run.slug)
        self.r: Reconciler = self.b.r
        self.known: KnownData = self.b.known
        self.ids: dict[str, dict[str, URIRef]] = {k: {} for k in _TABLE_KEYS}
        self.labels: dict[URIRef, str] = {}
        self.source_texts: dict[URIRef, str] = {}
        #: copies of the texts of the sources, written with the import
        self.extra_files: list[tuple[Path, bytes]] = []
        self.imported = 0
        #: ids of rows refused with errors, per table: (file, row), so that a reference to one is not called unknown
        self.invalid: dict[str, dict[str, tuple[str, int]]] = {k: {} for k in _TABLE_KEYS}

    # ------------------------------------------------------------------------------ references

    def label(self, iri: URIRef) -> str:
        return self.labels.get(iri) or self.known.display(iri)

    def exists(self, iri: URIRef) -> bool:
        return self.known.exists(iri) or iri in self.labels

    def resolve(self, value: str, kinds: tuple[str, ...]) -> URIRef | None:
        """The resource a reference names: a local id (of the tables of ``kinds``), ``prefix:name``, a full IRI, a
        SIREN/SIRET/RNA (organisations), or the id of a resource of the data (``<base><kind>/<id>``); else None."""
        for kind in kinds:
            table_key = {"organisation": "organisations", "person": "people", "place": "places",
                         "grant": "grants", "source": "sources"}.get(kind)
            if table_key and value in self.ids[table_key]:
                return self.ids[table_key][value]
        if re.match(r"^https?://", value):
            iri = URIRef(value)
            return iri if self.exists(iri) else None
        prefix, colon, local = value.partition(":")
        if colon and prefix in _PREFIXES:
            iri = URIRef(_PREFIXES[prefix] + local)
            return iri if self.exists(iri) else None
        if "organisation" in kinds and re.match(r"^[0-9 W]", value.upper()):
            try:
                org_id = parse_org_id(value)
            except ValueProblem:
                org_id = OrgId()
            for found in ((self.r.by_siren.get(org_id.siren or ""),), self.known.siren.get(org_id.siren or "", ()),
                          (self.r.by_rna.get(org_id.rna or ""),), self.known.rna.get(org_id.rna or "", ())):
                hit = sorted((f for f in found if f), key=str)
                if hit:
                    return hit[0]
        if _ID.match(value):
            for kind in kinds:
                iri = URIRef(f"{DEFAULT_BASE}{kind}/{value}")
                if self.exists(iri):
                    return iri
        return None

    def ref(self, ctx: RowContext, key: str, kinds: tuple[str, ...], *, what: str) -> URIRef | None:
        """Resolve a reference cell (see :meth:`resolve`); an unknown reference is an error of the row."""
        value = ctx.cell(key)
        if not value:
            return None
        found = self.resolve(value, kinds)
        if found is None and (refused := self.refused_row(value, kinds)) is not None:
            ctx.error(key, f"refers to {refused[0]} row {refused[1]}, which is invalid (see above)")
        elif found is None:
            ctx.error(key, f"unknown {what}: use an id of the tables, or the id of one of the data "
                      f"({', '.join(f'{k}:…' for k in kinds)})")
        return found

    def refused_row(self, value: str, kinds: tuple[str, ...]) -> tuple[str, int] | None:
        """The (file, row) of a row of the tables of ``kinds`` with id ``value`` that was refused, if any: a
        reference to it is a knock-on error, to be told as such rather than as an unknown id."""
        for kind in kinds:
            table_key = {"organisation": "organisations", "person": "people", "place": "places",
                         "grant": "grants", "source": "sources"}.get(kind)
            if table_key and value in self.invalid.get(table_key, {}):
                return self.invalid[table_key][value]
        return None

    def provenance(self, ctx: RowContext) -> tuple[URIRef | None, str]:
        """The row's ``source`` (resolved) and ``citation`` (checked word for word when the source has a text)."""
        source = self.ref(ctx, "source", ("source",), what="source") if ctx.cell("source") else None
        quote = ctx.cell("quote")
        if quote and source is None and not ctx.cell("source"):
            ctx.error("quote", "a quote needs its source (the source column)")
        if quote and source is not None:
            text = self.text_of(source)
            if text is None:
                ctx.warning("quote", "the source has no local text in the data: the quote cannot be checked")
            elif quote not in text:
                hint = ""
                if normalise_name(quote) in normalise_name(text):
                    hint = (" (it is there with other punctuation, spaces or capitals: copy it exactly, e.g. the "
                            "typographic apostrophe ’)")
                ctx.error("quote", "not found word for word in the source's text" + hint)
        return source, quote

    def text_of(self, source: URIRef) -> str | None:
        if source in self.source_texts:
            return self.source_texts[source]
        path = self.known.local_file.get(source)
        if path is None or not path.is_file():
            return None
        text, _ = decode(path.read_bytes(), path)
        self.source_texts[source] = text
        return text

    def attach(self, ctx: RowContext, resource: URIRef, source: URIRef | None, quote: str,
               extra_bodies: Iterable[URIRef] = ()) -> None:
        """Provenance of a row's resource: the table row, and the cited source and quote when given."""
        add = self.b.add
        add((resource, PROV.wasDerivedFrom, ctx.source))
        if source is not None:
            add((resource, PROV.wasDerivedFrom, source))
            if quote:
                self.b.quote_annotation(source, quote, [resource])
        self.b.row_annotation(ctx.source, ctx.row.number, [resource, *extra_bodies])
        self.imported += 1

    # ------------------------------------------------------------------------------ tables

    def convert(self, ctx: RowContext, file: InputFile) -> None:
        """Convert a row of the table ``file.key`` with the method named after it (``_sources``…); a row with an
        error keeps its id, so that a reference to it is told as a knock-on error."""
        key = file.key
        if not ctx.errors:
            getattr(self, f"_{key}")(ctx)
        if ctx.errors and ctx.cell("id") and ctx.cell("id") not in self.ids[key]:
            self.invalid[key].setdefault(ctx.cell("id"), (ctx.file, ctx.number))

    def _local_id(self, ctx: RowContext, table: str) -> str | None:
        value = ctx.cell("id")
        if not value:
            return None
        if not _ID.match(value):
            ctx.error("id", "an id is made of letters, digits, dashes, dots and underscores (no spaces)")
            return None
        if value in self.ids[table]:
            ctx.error("id", "this id is already used by another row of the table")
            return None
        return value

    def _sources(self, ctx: RowContext) -> None:
        local = self._local_id(ctx, "sources")
        date = ctx.parse("date", parse_partial_date)
        lang = (ctx.cell("language") or "fr").lower()
        if not re.match(r"^[a-z]{2,3}(-[a-z0-9]+)*$", lang):
            ctx.error("language", "a language is a code such as fr or en")
        if local is None or ctx.errors:
            return
        iri = URIRef(f"{DEFAULT_BASE}source/{local}")
        if self.known.exists(iri):
            ctx.error("id", "this source is already in the data: name it in the source column of the other "
                      "tables without a row here")
            return
        copy = None
        if ctx.cell("file"):
            path = (self.folder / ctx.cell("file")).resolve()
            if not path.is_file() or self.folder.resolve() not in path.parents:
                ctx.error("file", "no such file in the tables' folder")
                return
            raw = path.read_bytes()
            text, _ = decode(raw, path)
            if "\x00" in text:
                ctx.error("file", "is not a text file: save the document's text as .txt (UTF-8)")
                return
            rel = f"{SOURCES_DIR}/table-{self.slug}/{path.name}"
            copy = (self.data_dir / rel, text.encode("utf-8"))
            self.extra_files.append(copy)
            self.source_texts[iri] = text
        title = ctx.cell("title")
        self.ids["sources"][local] = iri
        self.labels[iri] = title
        add = self.b.add
        add((iri, RDF.type, DTKG.SourceDocument))
        add((iri, RDF.type, FOAF.Document))
        add((iri, RDF.type, PROV.Entity))
        add((iri, RDFS.label, lit(title, lang=lang)))
        add((iri, DCTERMS.title, lit(title, lang=lang)))
        add((iri, DCTERMS.language, lit(lang)))
        if date is not None:
            lexical, xsd = date
            add((iri, DCTERMS.date, lit(lexical, datatype=XSD[xsd])))
        if ctx.cell("url"):
            add((iri, SCHEMA.url, lit(ctx.cell("url"), datatype=XSD.anyURI)))
        if ctx.cell("publisher"):
            add((iri, DCTERMS.publisher, lit(ctx.cell("publisher"))))
        if copy is not None:
            add((iri, DTKG.localFile, lit(str(copy[0].relative_to(self.data_dir).as_posix()))))
            add((iri, DTKG.sha256, lit(hashlib.sha256(copy[1]).hexdigest())))
            add((iri, DCTERMS.format, lit("text/plain; charset=utf-8")))
        self.b.row_annotation(ctx.source, ctx.row.number, [iri])
        self.imported += 1

    def _organisations(self, ctx: RowContext) -> None:
        local = self._local_id(ctx, "organisations")
        siren = ctx.parse("siren", parse_siren)
        rna = ctx.parse("rna", parse_rna)
        kind = slugify(ctx.cell("kind")) if ctx.cell("kind") else ""
        kind = _KIND_ALIASES.get(kind, kind)
        if kind and kind not in ORG_KINDS:
            ctx.error("kind", f"unknown kind of organisation: choose one of {', '.join(ORG_KINDS)}")
        website = ctx.parse("website", parse_web_iri)
        source, quote = self.provenance(ctx)
        if local is None or ctx.errors:
            return
        org_id = OrgId(siren=siren, rna=rna)
        name = clean_text(ctx.cell("name"))
        candidate = URIRef(f"{DEFAULT_BASE}organisation/{local}")
        iri: URIRef
        if self.known.exists(candidate):
            iri = candidate
            for value, index, what in ((siren, self.known.siren, "SIREN"), (rna, self.known.rna, "RNA")):
                holders = index.get(value or "", set()) - {candidate}
                if value and holders:
                    ctx.error("siren" if what == "SIREN" else "rna", f"this {what} belongs to "
                              f"{', '.join(sorted(str(h) for h in holders))} in the data, not to {candidate}")
            if ctx.errors:
                return
        elif siren and self.known.siren.get(siren):
            iri = self.known.one(self.known.siren[siren])  # type: ignore[assignment]
        elif rna and self.known.rna.get(rna):
            iri = self.known.one(self.known.rna[rna])  # type: ignore[assignment]
        else:
            iri = candidate
        known = self.known.exists(iri)
        if siren:
            self.r.by_siren[siren] = iri
        if rna:
            self.r.by_rna[rna] = iri
        if org_id:
            self.r.identified.add(iri)
        first = self.r.first_time(iri)
        notes = [] if known or not first else self.r._possible_duplicates(iri, name, bool(org_id))
        for note in notes:
            ctx.warning("name", note)
        self.ids["organisations"][local] = iri
        self.labels.setdefault(iri, self.known.display(iri) if known else name)
        self.b.organisation(OrgMatch(iri, known, first), org_id, name, ctx.source)
        add = self.b.add
        for cls in ORG_KINDS.get(kind, ()):
            add((iri, RDF.type, cls))
        if ctx.cell("acronym"):
            self.b.name(iri, clean_text(ctx.cell("acronym")))  # the name is already its label: an altLabel
        if website:
            add((iri, FOAF.homepage, URIRef(website)))
        if ctx.cell("description"):
            add((iri, SCHEMA.description, lit(clean_text(ctx.cell("description")), lang="fr")))
        self.attach(ctx, iri, source, quote)

    def _people(self, ctx: RowContext) -> None:
        local = self._local_id(ctx, "people")
        given, family, label = (clean_text(ctx.cell(k)) for k in ("given_name", "family_name", "label"))
        if not (family or label):
            ctx.error("family_name", "give the person's family name, or a label for someone the source does not "
                      "name")
        source, quote = self.provenance(ctx)
        if local is None or ctx.errors:
            return
        iri = URIRef(f"{DEFAULT_BASE}person/{local}")
        full = " ".join(p for p in (given, family) if p)
        name = label or full
        known = self.known.exists(iri)
        if not known:
            for note in self.r.possible_duplicates_by_name(iri, name, FOAF.Person):
                ctx.warning("family_name", note)
        self.ids["people"][local] = iri
        self.labels.setdefault(iri, self.known.display(iri) if known else name)
        add = self.b.add
        add((iri, RDF.type, FOAF.Person))
        add((iri, RDF.type, PROV.Agent))
        self.b.name(iri, name)
        if full:
            add((iri, FOAF.name, lit(full)))
        if given:
            add((iri, FOAF.givenName, lit(given)))
        if family:
            add((iri, FOAF.familyName, lit(family)))
        self.attach(ctx, iri, source, quote)

    def _places(self, ctx: RowContext) -> None:
        local = self._local_id(ctx, "places")
        insee = ctx.parse("insee_code", parse_insee)
        postcode = ctx.parse("postal_code", parse_postcode)
        lat = ctx.parse("latitude", lambda t: parse_coordinate(t, -90, 90, "latitude"))
        lon = ctx.parse("longitude", lambda t: parse_coordinate(t, -180, 180, "longitude"))
        if bool(ctx.cell("latitude")) != bool(ctx.cell("longitude")):
            ctx.error("longitude" if ctx.cell("latitude") else "latitude", "a position needs both latitude and "
                      "longitude")
        third = ctx.parse("third_place", parse_bool)
        operator = self.ref(ctx, "operator", ("organisation",), what="organisation") if ctx.cell("operator") else None
        source, quote = self.provenance(ctx)
        if local is None:
            return
        iri = URIRef(f"{DEFAULT_BASE}place/{local}")
        known = self.known.exists(iri)
        commune_name = clean_text(ctx.cell("municipality"))
        commune: URIRef | None = None
        if insee is None and not ctx.cell("insee_code"):
            why = ""
            if commune_name:
                commune = self.r.commune_by_name(commune_name)
                if commune is None:  # the territorial reference: the name, if it is unique
                    insee, why = self.r.resolve_commune(commune_name)
            if commune is None and insee is None and not known:
                ctx.error("insee_code", "a new place needs the INSEE code of its commune (or the name of a commune "
                          "the data knows)" + (f": {why}" if why else ""))
        if insee is not None and not self.known.insee.get(insee) and not commune_name:
            ctx.error("municipality", "this commune is not in the data yet: give its name too")
        if ctx.errors:
            return
        name = clean_text(ctx.cell("name"))
        bodies: list[URIRef] = []
        if insee is not None:
            commune, first = self.b.commune(insee, commune_name or None, ctx.source)
            if first:
                bodies.append(commune)
        add = self.b.add
        add((iri, RDF.type, ORG.Site))
        add((iri, RDF.type, SCHEMA.Place))
        if third:
            add((iri, RDF.type, DTKG.TiersLieu))
        self.b.name(iri, name)
        if not known:
            add((iri, SCHEMA.name, lit(name)))
        if commune is not None:
            add((iri, SCHEMA.containedInPlace, commune))
            if not known:
                for note in self.r.possible_place_duplicates(iri, name, commune):
                    ctx.warning("name", note)
        if ctx.cell("address") or postcode:
            node = blank()
            add((iri, SCHEMA.address, node))
            add((node, RDF.type, SCHEMA.PostalAddress))
            if ctx.cell("address"):
                add((node, SCHEMA.streetAddress, lit(clean_text(ctx.cell("address")))))
            if postcode:
                add((node, SCHEMA.postalCode, lit(postcode)))
            if commune_name:
                add((node, SCHEMA.addressLocality, lit(commune_name)))
            add((node, SCHEMA.addressCountry, lit("FR")))
        for prop, value in ((SCHEMA.latitude, lat), (SCHEMA.longitude, lon)):
            if value is not None:
                before = self.known.single.get((iri, prop))
                if before and all(Decimal(str(v)) != value for v in before):
                    ctx.warning(prop.split("/")[-1], "the data already gives another value: kept that one")
                    continue
                add((iri, prop, lit(decimal_lexical(value), datatype=XSD.decimal)))
        if operator is not None:
            add((iri, ORG.siteOf, operator))
            add((operator, ORG.hasSite, iri))
        for activity in split_multi(ctx.cell("activities"), "|;"):
            add((iri, DTKG.activity, self.b.concept(ACTIVITY_SCHEME, "activity", activity, ctx.source)))
        if ctx.cell("description"):
            add((iri, SCHEMA.description, lit(clean_text(ctx.cell("description")), lang="fr")))
        self.ids["places"][local] = iri
        self.labels.setdefault(iri, self.known.display(iri) if known else name)
        self.attach(ctx, iri, source, quote, bodies)

    def _roles(self, ctx: RowContext) -> None:
        person = self.ref(ctx, "person", ("person",), what="person")
        organisation = self.ref(ctx, "organisation", ("organisation",), what="organisation")
        heads = ctx.parse("heads", parse_bool)
        start = ctx.parse("start", parse_partial_date)
        end = ctx.parse("end", parse_partial_date)
        if start and end and end[0][:4] < start[0][:4]:
            ctx.error("end", "the role ends before it starts")
        local = ctx.cell("id")
        if local and not _ID.match(local):
            ctx.error("id", "an id is made of letters, digits, dashes, dots and underscores (no spaces)")
        source, quote = self.provenance(ctx)
        if ctx.errors or person is None or organisation is None:
            return
        local = local or f"{_last(person)}-{_last(organisation)}"
        iri = URIRef(f"{DEFAULT_BASE}membership/{local}")
        role_label = clean_text(ctx.cell("role"))
        role = self.b.concept(ROLE_SCHEME, "role", role_label, ctx.source)
        add = self.b.add
        add((iri, RDF.type, ORG.Membership))
        self.b.name(iri, f"{self.label(person)}, {role_label} ({self.label(organisation)})", from_file=False)
        add((iri, ORG.member, person))
        add((iri, ORG.organization, organisation))
        add((iri, ORG.role, role))
        if ctx.cell("portfolio"):
            add((iri, DTKG.portfolio, lit(clean_text(ctx.cell("portfolio")), lang="fr")))
        for prop, value in ((SCHEMA.startDate, start), (SCHEMA.endDate, end)):
            if value is not None:
                add((iri, prop, lit(value[0], datatype=XSD[value[1]])))
        if heads:
            add((person, ORG.headOf, organisation))
        self.attach(ctx, iri, source, quote)

    def _grants(self, ctx: RowContext) -> None:
        funder = self.ref(ctx, "funder", ("organisation",), what="organisation")
        recipient = self.ref(ctx, "recipient", ("organisation", "place", "network"), what="recipient")
        amount = ctx.parse("amount", parse_amount)
        currency = ctx.parse("currency", parse_currency) or "EUR"
        start = ctx.parse("start", parse_partial_date)
        end = ctx.parse("end", parse_partial_date)
        if start and end and end[0][:4] < start[0][:4]:
            ctx.error("end", "the grant ends before it starts")
        part_of = self.ref(ctx, "part_of", ("grant",), what="grant") if ctx.cell("part_of") else None
        local = self._local_id(ctx, "grants") if ctx.cell("id") else None
        source, quote = self.provenance(ctx)
        if ctx.errors or funder is None or recipient is None or amount is None:
            return
        purpose = clean_text(ctx.cell("purpose"))
        if local is None:
            digest = hashlib.sha256("\x1f".join([str(funder), str(recipient), decimal_lexical(amount, places=2),
                                                 currency, start[0] if start else "", end[0] if end else "",
                                                 normalise_name(purpose)]).encode()).hexdigest()[:16]
            iri = URIRef(f"{DEFAULT_BASE}grant/table-{digest}")
        else:
            iri = URIRef(f"{DEFAULT_BASE}grant/{local}")
        existing = self.known.amounts.get(iri, set())
        if existing and all(v != amount for v, _ in existing):
            shown = ", ".join(f"{decimal_lexical(v, places=2)} {c}" for v, c in sorted(existing))
            ctx.error("amount", f"the data already gives this grant another amount ({shown})")
            return
        if part_of is not None:
            whole = self.known.amounts.get(part_of, set())
            if any(amount > v for v, _ in whole):
                ctx.error("amount", "larger than the amount of the grant it is part of")
                return
        add = self.b.add
        call = None
        if ctx.cell("call"):
            call = self._call(ctx)
        add((iri, RDF.type, SCHEMA.MonetaryGrant))
        label = clean_text(ctx.cell("label")) or (f"Subvention de {self.label(funder)} à {self.label(recipient)} "
                                                  f"({format_amount(amount, currency)})")
        self.b.name(iri, label, from_file=bool(ctx.cell("label")))
        add((iri, SCHEMA.funder, funder))
        add((iri, SCHEMA.fundedItem, recipient))
        if self.resolve(ctx.cell("recipient"), ("organisation",)) == recipient:
            add((iri, DTKG.beneficiary, recipient))  # an organisation is paid; a place or network is earmarked
        self.b.amount(iri, amount, currency)
        if ctx.cell("kind"):
            add((iri, DCTERMS.type, self.b.concept(GRANT_KIND_SCHEME, "grant-kind", clean_text(ctx.cell("kind")),
                                                    ctx.source)))
        for prop, value in ((SCHEMA.startDate, start), (SCHEMA.endDate, end)):
            if value is not None:
                add((iri, prop, lit(value[0], datatype=XSD[value[1]])))
        if purpose:
            add((iri, SCHEMA.description, lit(purpose, lang="fr")))
        if part_of is not None:
            add((iri, DCTERMS.isPartOf, part_of))
        bodies: list[URIRef] = []
        if call is not None:
            add((iri, DTKG.awardedUnder, call[0]))
            if call[1]:
                bodies.append(call[0])
        if local is not None:
            self.ids["grants"][local] = iri
        self.labels.setdefault(iri, label)
        self.attach(ctx, iri, source, quote, bodies)

    def _call(self, ctx: RowContext) -> tuple[URIRef, bool]:
        """The call of a grant: a call of the data (by id) or a new one named by the cell."""
        value = ctx.cell("call")
        known = self.resolve(value, ("call",))
        if known is not None:
            return known, False
        iri = URIRef(f"{DEFAULT_BASE}call/{slugify(value, max_length=80)}")
        if self.exists(iri) or iri in self.r.met:
            return iri, False
        self.r.met.add(iri)
        for note in self.r.possible_duplicates_by_name(iri, value, DTKG.CallForProjects):
            ctx.warning("call", note)
        add = self.b.add
        add((iri, RDF.type, DTKG.CallForProjects))
        add((iri, RDF.type, PROV.Entity))
        self.b.name(iri, value)
        add((iri, PROV.wasDerivedFrom, ctx.source))
        self.labels[iri] = value
        return iri, True


def _last(iri: URIRef) -> str:
    return str(iri).rstrip("/").rsplit("/", 1)[-1]


__all__ = ["TableRows", "ORG_KINDS"]
