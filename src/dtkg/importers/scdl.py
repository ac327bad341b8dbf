"""``dtkg import scdl``: grants published with the SCDL *Subventions* schema (2.x; 1.x files read too).

Each valid row becomes a ``schema:MonetaryGrant`` with the seed data's terms: ``schema:funder`` (from
``idAttribuant``), ``schema:fundedItem`` (from ``idBeneficiaire``/``rnaBeneficiaire``), ``schema:amount`` in EUR,
``dcterms:date`` (``dateConvention``), ``schema:startDate``/``schema:endDate`` (``datesPeriodeVersement``),
``schema:description`` (``objet``), ``dcterms:type`` (``nature``, a concept of the grant-kind scheme),
``dtkg:awardedUnder`` (``dispositifAide``) and ``dcterms:identifier`` (``referenceDecision``); the other fields are
kept as ``schema:additionalProperty``. Organisations are identified by SIREN (the first 9 digits of the SIRET) or
RNA number, and reconciled with the data; the organisation paid is the grant's ``dtkg:beneficiary`` (also stated as
``schema:fundedItem``).

Rows of one decision (same ``idAttribuant`` and ``referenceDecision``, or, without a reference, same
``idAttribuant``, ``dateConvention`` and ``objet``) are one grant shared by several beneficiaries: the decision is a
grant with the total and no beneficiary of its own, and each beneficiary's share is ``dcterms:isPartOf`` it. How
``montant`` is read is decided from the rows (see :func:`read_decision`) and written in the import report for every
such decision. A single row with ``pourcentageSubvention`` < 1 keeps its ``montant``: the percentage is a rate (of
co-financing, of the project's cost) kept as it is, never used to shrink the amount.
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path
from typing import Any

from rdflib import URIRef

from ..namespaces import DEFAULT_BASE
from ..summary import format_amount
from .builder import T_DCTERMS, T_DTKG, T_PROV, T_RDF, T_RDFS, T_SCHEMA, Builder, RowWriter, blank_tuple
from .csv_import import CsvImport, InputFile, open_csv_import
from .outputs import ImportChoices, ImportResult
from .quirks import case_only_difference, note_encoding
from .registry import run_import
from .report import Report
from .rows import RowContext
from .running import Conversion, RowConverter
from .specs import load_format
from .terms import DCTERMS, DTKG, PROV, RDF, SCHEMA, XSD, lit
from .values import (
    OrgId, ValueProblem, clean_text, decimal_lexical, normalise_name, parse_amount, parse_bool, parse_date,
    parse_decimal, parse_period, parse_rna, parse_siret, slugify)

#: The format, as data (fields, required fields, standard): ``formats/scdl.toml``.
SPEC = load_format("scdl")
#: The SCDL Subventions fields, in the schema's order.
FIELDS = SPEC.names()
#: Fields without which a row cannot become a grant: their column must exist and their cell must be filled.
REQUIRED = SPEC.required
#: Fields the schema requires that the graph can do without: an empty cell is a warning (an error with ``strict``).
SCHEMA_REQUIRED = SPEC.schema_required
STANDARD = SPEC.standard

#: The two natures of aid the schema allows, with the label of their concept.
NATURES = {"aide en numeraire": "aide en numéraire", "aide en nature": "aide en nature"}
#: The schema's values of conditionsVersement, by their case-folded form.
CONDITIONS = {"unique": "unique", "échelonné": "échelonné"}
GRANT_KIND_SCHEME = URIRef(f"{DEFAULT_BASE}grant-kind")


@dataclass
class ScdlRow:
    """A row read and checked: every value parsed, ready to become triples."""

    number: int
    funder_siret: str
    funder_name: str
    convention: _dt.date
    beneficiary_name: str
    beneficiary: OrgId
    purpose: str
    amount: Decimal
    decision: str = ""
    natures: list[str] = field(default_factory=list)
    conditions: str = ""
    period: tuple[_dt.date, _dt.date] | None = None
    rae: str = ""
    notified: bool | None = None
    share: Decimal | None = None  # pourcentageSubvention when below 1
    rate: Decimal | None = None  # pourcentageSubvention as given (a fraction), 1 included
    scheme: str = ""  # dispositifAide


def _check_row(ctx: RowContext) -> ScdlRow | None:
    """Parse and check one row (its required fields and cells are already checked: see
    :meth:`~dtkg.importers.csv_import.InputFile.rows`); every problem goes to the report. None when the row is
    invalid."""
    cell, problem = ctx.cell, ctx.problem

    def parse(name: str, parser):
        return ctx.parse(name, parser, year_first=parser in (parse_date, parse_period))

    funder_siret = parse("idAttribuant", parse_siret)
    convention = parse("dateConvention", parse_date)
    amount = parse("montant", parse_amount)
    siret = parse("idBeneficiaire", parse_siret)
    rna = parse("rnaBeneficiaire", parse_rna)
    period = parse("datesPeriodeVersement", parse_period)
    natures: list[str] = []
    for part in cell("nature").split(";"):
        key = normalise_name(part)
        if not key:
            continue
        if key in NATURES:
            natures.append(NATURES[key])
            if part.strip() != NATURES[key]:
                problem("nature", f"differs from the schema's value {NATURES[key]!r} by case or accents: read as it",
                        value=part.strip(), severity="warning")
        else:
            problem("nature", "not a nature of aid of the schema ('aide en numéraire', 'aide en nature'): "
                    "left out", severity="warning")
    conditions = case_only_difference(cell("conditionsVersement"), CONDITIONS)
    if conditions is not None:
        problem("conditionsVersement", f"differs from the schema's value {conditions!r} only by case: read as it",
                severity="warning")
    notified = None
    if cell("notificationUE"):
        try:
            notified = parse_bool(cell("notificationUE"))
        except ValueProblem as exc:
            problem("notificationUE", f"{exc}: left out", severity="warning")
    share = rate = None
    if cell("pourcentageSubvention"):
        try:
            pct = parse_decimal(cell("pourcentageSubvention"))
            if 1 < pct <= 100:
                problem("pourcentageSubvention", f"read as a percentage ({pct} % = {pct / 100}); the schema "
                        "writes a fraction between 0.01 and 1", severity="warning")
                pct = pct / 100
            if not 0 < pct <= 1:
                raise ValueProblem("a share is a fraction greater than 0 and at most 1 (1.00 = 100 %)")
            share = pct if pct < 1 else None
            rate = pct
        except ValueProblem as exc:
            problem("pourcentageSubvention", str(exc))
    purpose = clean_text(cell("objet"))
    if len(purpose) > 256:
        problem("objet", "longer than the 256 characters the schema allows (kept whole)", severity="warning")
    if not siret and not rna and not cell("idBeneficiaire") and not cell("rnaBeneficiaire") and cell("nomBeneficiaire"):
        problem("idBeneficiaire", "no SIRET nor RNA number: the beneficiary is known by its name only",
                severity="warning")
    if ctx.errors:
        return None
    assert funder_siret is not None and convention is not None and amount is not None
    return ScdlRow(
        number=ctx.number, funder_siret=funder_siret, funder_name=clean_text(cell("nomAttribuant")),
        convention=convention, beneficiary_name=clean_text(cell("nomBeneficiaire")),
        beneficiary=OrgId(siren=siret[:9] if siret else None, rna=rna, siret=siret), purpose=purpose,
        amount=amount, decision=clean_text(cell("referenceDecision")), natures=natures,
        conditions=conditions or clean_text(cell("conditionsVersement")), period=period, rae=clean_text(cell("idRAE")),
        notified=notified, share=share, rate=rate, scheme=clean_text(cell("dispositifAide")),
    )


#: How far (in euros) ``montant_i / pourcentage_i`` may stray from one total and still be read as one: the amounts
#: are rounded to the cent, so the quotient of a share of p carries an error of up to 0.005 / p.
_CENT = Decimal("0.01")


@dataclass
class DecisionReading:
    """How the ``montant`` of the rows of one decision is read, with the amounts that follow and why."""

    reading: str  # "per-beneficiary", "shared-total" or "ambiguous"
    total: Decimal
    shares: list[Decimal]
    reason: str


def _apportion(total: Decimal, rates: list[Decimal]) -> list[Decimal]:
    """``total`` split by ``rates`` into amounts rounded to the cent that add up to ``total`` exactly (largest
    remainder method), so that the beneficiaries' shares account for the whole decision, no cent more or less."""
    raw = [total * rate for rate in rates]
    floors = [value.quantize(_CENT, rounding=ROUND_FLOOR) for value in raw]
    left = int(((total - sum(floors)) / _CENT).to_integral_value())
    order = sorted(range(len(raw)), key=lambda i: (floors[i] - raw[i], i))
    for i in order[:max(left, 0)]:
        floors[i] += _CENT
    return floors


def read_decision(amounts: list[Decimal], rates: list[Decimal | None]) -> DecisionReading:
    """Decide what ``montant`` means on the rows of one decision, from the rows themselves.

    - *per-beneficiary*: every row gives its percentage and ``montant_i / pourcentage_i`` is one total for all rows
      (the schema's own example: 22 000.80 / 0.8 = 5 500.20 / 0.2 = 27 501); each row's ``montant`` is its share.
    - *shared total*: the same ``montant`` on every row and percentages adding up to 1; the shares are computed.
    - *ambiguous*: neither, or both (e.g. 5 000 at 0.5 twice); the per-beneficiary reading is kept, as the schema's
      example and national aggregators read the column, and the report says so.
    """
    given = all(rate is not None for rate in rates)
    full = [rate if rate is not None else Decimal(1) for rate in rates]
    per_row = False
    if given:
        quotients = [amount / rate for amount, rate in zip(amounts, full)]
        tolerance = max(Decimal("0.005") / rate for rate in full) * 2
        per_row = max(quotients) - min(quotients) <= tolerance
    rate_sum = sum(full)
    shared = given and len(set(amounts)) == 1 and abs(rate_sum - 1) <= Decimal("0.001")
    percents = " + ".join(decimal_lexical(r) for r in full)
    if per_row and not shared:
        total = sum(amounts, Decimal(0))
        return DecisionReading("per-beneficiary", total, list(amounts),
                               f"montant read as each beneficiary's amount: montant / pourcentageSubvention gives "
                               f"one total on every row; decision total {format_amount(total)}")
    if shared and not per_row:
        total = amounts[0]
        return DecisionReading("shared-total", total, _apportion(total, full),
                               f"montant read as the decision's total ({format_amount(total)}), the same on every "
                               f"row, shared by the percentages ({percents} = 1)")
    total = sum(amounts, Decimal(0))
    why = ("both readings fit the rows" if per_row and shared else
           "the percentages neither give one total nor share one amount")
    return DecisionReading("ambiguous", total, list(amounts),
                           f"ambiguous montant ({why}): read as each beneficiary's amount, the schema's example and "
                           f"national aggregators' reading; decision total {format_amount(total)}")


def decision_key(r: "ScdlRow") -> tuple[str, ...]:
    """Rows with the same key are one decision: same funder and ``referenceDecision``, or, without a reference,
    same funder, ``dateConvention`` and ``objet``."""
    if r.decision:
        return ("ref", r.funder_siret, r.decision)
    return ("date", r.funder_siret, r.convention.isoformat(), " ".join(r.purpose.casefold().split()))


def _beneficiary_key(r: "ScdlRow") -> str:
    return r.beneficiary.siret or r.beneficiary.rna or normalise_name(r.beneficiary_name)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


class _ScdlWriter(RowWriter):
    """Turns checked rows into triples."""

    def __init__(self, builder: Builder, source: URIRef, report: Report, file: str) -> None:
        super().__init__(builder, source, report, file)
        self.seen_keys: dict[str, int] = {}
        self.wholes: set[URIRef] = set()
        self.natures: dict[str, tuple] = {}  # the concept of each nature of aid, in tuple form

    def note(self, row: int, column: str, value: str, notes: list[str]) -> None:
        for text in notes:
            self.report.warning(self.file, row, column, value, text)

    def grant_key(self, r: ScdlRow, *, with_beneficiary: bool) -> str:
        who = r.beneficiary.siret or r.beneficiary.rna or normalise_name(r.beneficiary_name)
        purpose = " ".join(r.purpose.casefold().split())
        return _digest(r.funder_siret, r.decision, who if with_beneficiary else "", purpose,
                       decimal_lexical(r.amount, places=2), r.convention.isoformat())

    def _organisations(self, r: ScdlRow, bodies: list[URIRef]) -> tuple[URIRef, URIRef, str]:
        """The funder and beneficiary of a row, reconciled with the data: (funder, beneficiary, funder's label)."""
        b = self.b
        funder_id = OrgId(siren=r.funder_siret[:9], siret=r.funder_siret)
        funder = self.r.organisation(funder_id, r.funder_name)
        self.note(r.number, "nomAttribuant", r.funder_name, funder.notes)
        b.organisation(funder, funder_id, r.funder_name, self.source)
        beneficiary = self.r.organisation(r.beneficiary, r.beneficiary_name)
        self.note(r.number, "nomBeneficiaire", r.beneficiary_name, beneficiary.notes)
        b.organisation(beneficiary, r.beneficiary, r.beneficiary_name, self.source)
        for match in (funder, beneficiary):
            if match.first:
                bodies.append(match.iri)
        funder_label = self.b.known.display(funder.iri) if funder.known else r.funder_name
        return funder.iri, beneficiary.iri, funder_label

    def _unique_key(self, r: ScdlRow) -> str:
        key = self.grant_key(r, with_beneficiary=True)
        if key in self.seen_keys:
            first_row = self.seen_keys[key]
            self.report.warning(self.file, r.number, "", "", f"same funder, decision, beneficiary, object, amount "
                                f"and date as row {first_row}: imported as another grant (remove the row if it "
                                "repeats that one)")
            return _digest(key, str(r.number))
        self.seen_keys[key] = r.number
        return key

    def write(self, r: ScdlRow) -> None:
        """A decision with one row: one grant paid to its beneficiary, for its ``montant``.

        A ``pourcentageSubvention`` below 1 is kept as the rate it is (``schema:additionalProperty``); the amount is
        not shrunk by it."""
        bodies: list[URIRef] = []
        funder, beneficiary, funder_label = self._organisations(r, bodies)
        grant = URIRef(f"{DEFAULT_BASE}grant/scdl-{self._unique_key(r)}")
        label = f"Subvention « {r.purpose} » de {funder_label} à {r.beneficiary_name} ({format_amount(r.amount)})"
        self._grant(grant, r, funder, beneficiary, r.amount, label)
        if r.share is not None:
            self.b.property_value(grant, "pourcentageSubvention", lit(decimal_lexical(r.share), datatype=XSD.decimal))
        bodies.append(grant)
        self._award(grant, r, bodies)
        self.b.row_annotation(self.source, r.number, bodies)

    def write_decision(self, rows: list[ScdlRow]) -> None:
        """The rows of one decision: one grant for the decision's total, with no beneficiary of its own, and one
        share per row (``dcterms:isPartOf`` the decision) paid to that row's beneficiary. The reading of
        ``montant`` goes to the report; amounts that are computed rather than read are inferred statements."""
        first = rows[0]
        reading = read_decision([r.amount for r in rows], [r.rate for r in rows])
        rows_text = ", ".join(str(r.number) for r in rows)
        where = (f"referenceDecision {first.decision}" if first.decision else
                 f"dateConvention {first.convention.isoformat()} and objet")
        self.report.add(self.file, first.number, "montant", "; ".join(decimal_lexical(r.amount, places=2)
                                                                      for r in rows),
                        "warning" if reading.reading == "ambiguous" else "info",
                        f"rows {rows_text} are one decision (same idAttribuant and {where}) with "
                        f"{len(rows)} beneficiaries: {reading.reason}")
        bodies_of: dict[int, list[URIRef]] = {r.number: [] for r in rows}
        resolved = [self._organisations(r, bodies_of[r.number]) for r in rows]
        funder, _, funder_label = resolved[0]
        key = _digest("decision", *decision_key(first), decimal_lexical(reading.total, places=2))
        whole = URIRef(f"{DEFAULT_BASE}grant/scdl-{key}")
        label = (f"Subvention « {first.purpose} » de {funder_label} à {len(rows)} bénéficiaires "
                 f"({format_amount(reading.total)} au total)")
        added = self._grant(whole, first, funder, None, reading.total, label)
        if reading.reading != "shared-total" and added is not None:
            self._inferred(added, f"Total de la décision : somme des montants de ses {len(rows)} lignes "
                                  f"(lecture « {reading.reading} » du montant ; {reading.reason}).")
        self.wholes.add(whole)
        for r, (_, beneficiary, _), amount in zip(rows, resolved, reading.shares):
            share = URIRef(f"{DEFAULT_BASE}grant/scdl-{self._unique_key(r)}")
            percent = decimal_lexical(((r.rate or Decimal(1)) * 100).normalize()).removesuffix(".0")
            label = (f"Part de {r.beneficiary_name} ({percent} %) de la subvention « {r.purpose} » de "
                     f"{funder_label} ({format_amount(amount)})")
            added = self._grant(share, r, funder, beneficiary, amount, label)
            self.b.put((self.b.term(share), T_DCTERMS.isPartOf, self.b.term(whole)))
            if r.rate is not None:
                self.b.property_value(share, "pourcentageSubvention", lit(decimal_lexical(r.rate),
                                                                          datatype=XSD.decimal))
            if reading.reading == "shared-total" and added is not None:
                self._inferred(added, f"Part du bénéficiaire calculée : montant total "
                                      f"{decimal_lexical(reading.total, places=2)} € × pourcentageSubvention "
                                      f"{decimal_lexical(r.rate or Decimal(1))}, arrondie au centime (les parts "
                                      "arrondies font le total exact).")
            bodies = bodies_of[r.number] + [share, whole]
            self._award(share, r, bodies)
            if r is first:
                self._award(whole, r, bodies)
            self.b.row_annotation(self.source, r.number, bodies)

    def _award(self, grant: URIRef, r: ScdlRow, bodies: list[URIRef]) -> None:
        if r.scheme:
            call = self._call(r)
            self.b.put((self.b.term(grant), T_DTKG.awardedUnder, self.b.term(call)))
            if self.r.first_time(call) and not self.b.known.exists(call):
                bodies.append(call)

    def _inferred(self, added: tuple, comment: str) -> None:
        """State that the amount ``added`` (its node and value) is computed, not read, and how."""
        node, value = added
        put = self.b.put
        statement = blank_tuple()
        put((statement, T_RDF.type, T_DTKG.InferredStatement))
        put((statement, T_RDF.type, T_RDF.Statement))
        put((statement, T_RDF.subject, node))
        put((statement, T_RDF.predicate, T_SCHEMA.value))
        put((statement, T_RDF.object, value))
        put((statement, T_RDFS.comment, lit(comment, lang="fr")))
        put((statement, T_PROV.wasDerivedFrom, self.b.term(self.source)))

    def _grant(self, grant: URIRef, r: ScdlRow, funder: URIRef, beneficiary: URIRef | None, amount: Decimal,
               label: str) -> tuple | None:
        b, put, src, term = self.b, self.b.put, self.source, self.b.term
        g = term(grant)
        put((g, T_RDF.type, T_SCHEMA.MonetaryGrant))
        b.name(grant, label, from_file=False)
        put((g, T_SCHEMA.funder, term(funder)))
        if beneficiary is not None:
            t = term(beneficiary)
            put((g, T_DTKG.beneficiary, t))
            put((g, T_SCHEMA.fundedItem, t))
        added = b.amount(grant, amount, "EUR")
        put((g, T_SCHEMA.description, lit(r.purpose, lang="fr")))
        put((g, T_DCTERMS.date, lit(r.convention.isoformat(), datatype=XSD.date)))
        if r.decision:
            put((g, T_DCTERMS.identifier, lit(r.decision)))
        if r.period is not None:
            put((g, T_SCHEMA.startDate, lit(r.period[0].isoformat(), datatype=XSD.date)))
            put((g, T_SCHEMA.endDate, lit(r.period[1].isoformat(), datatype=XSD.date)))
        for nature in r.natures:
            kind = self.natures.get(nature)
            if kind is None:  # the concept is declared the first time; later rows only point to it
                kind = self.natures[nature] = term(b.concept(GRANT_KIND_SCHEME, "grant-kind", nature, src))
            put((g, T_DCTERMS.type, kind))
        if r.rae:
            b.property_value(grant, "idRAE", lit(r.rae), prop=SCHEMA.identifier)
        if r.conditions:
            b.property_value(grant, "conditionsVersement", lit(r.conditions))
        if r.notified is not None:
            b.property_value(grant, "notificationUE", lit("true" if r.notified else "false", datatype=XSD.boolean))
        put((g, T_PROV.wasDerivedFrom, term(src)))
        return added

    def _call(self, r: ScdlRow) -> URIRef:
        call = URIRef(f"{DEFAULT_BASE}call/dispositif-{slugify(r.scheme, max_length=80)}")
        if self.b.known.exists(call) or call in self.r.met:
            return call
        add = self.b.add
        add((call, RDF.type, DTKG.CallForProjects))
        add((call, RDF.type, PROV.Entity))
        looks_like_id = len(r.scheme) >= 16 and " " not in r.scheme
        self.b.name(call, f"Dispositif d'aide {r.scheme}" if looks_like_id else r.scheme,
                    from_file=not looks_like_id)
        add((call, DCTERMS.identifier, lit(r.scheme)))
        add((call, PROV.wasDerivedFrom, self.source))
        self.note(r.number, "dispositifAide", r.scheme,
                  self.r.possible_duplicates_by_name(call, r.scheme, DTKG.CallForProjects))
        return call


class _ScdlRows(RowConverter):
    """The rows of an SCDL file: each checked, the valid ones grouped by decision, and every decision written once
    all rows are read (a decision's rows may stand anywhere in the file)."""

    def __init__(self, run: CsvImport, choices: ImportChoices) -> None:
        note_encoding(run.table.encoding, run.file, run.report)
        if "idBeneficiaire" not in run.cols and "rnaBeneficiaire" not in run.cols:
            run.report.warning(run.file, 1, "idBeneficiaire", "", "no idBeneficiaire nor rnaBeneficiaire column: "
                               "beneficiaries are known by their names only")
        self.writer = _ScdlWriter(run.builder, run.source.iri, run.report, run.file)
        self.decisions: dict[tuple[str, ...], list[ScdlRow]] = {}
        self.imported = 0

    def convert(self, ctx: RowContext, file: InputFile) -> None:
        checked = _check_row(ctx)
        if checked is None:
            return
        group = self.decisions.setdefault(decision_key(checked), [])
        who = _beneficiary_key(checked)
        if any(_beneficiary_key(other) == who for other in group):
            # the same beneficiary twice in one decision: a repeated row, kept apart and reported
            self.decisions[(*decision_key(checked), str(checked.number))] = [checked]
        else:
            group.append(checked)
        self.imported += 1

    def end(self) -> None:
        for rows in self.decisions.values():
            if len(rows) == 1:
                self.writer.write(rows[0])
            else:
                self.writer.write_decision(rows)


#: How the import engine runs this format (see :mod:`dtkg.importers.running`).
CONVERSION = Conversion(open=functools.partial(open_csv_import, SPEC), converter=_ScdlRows)


def import_scdl(path: Path | str, data_dir: Path | str = "data", **options: Any) -> ImportResult:
    """Import an SCDL Subventions CSV file into ``data_dir/imports/scdl-<name>.ttl``.

    The file's organisations are reconciled with the seed data and the RDF files of ``data_dir`` (same SIREN or
    RNA → same resource). A copy of the file is kept in ``data_dir/imports/sources/`` with its SHA-256, and every
    grant points to its row (RFC 7111 ``row=N``). Raises :class:`~dtkg.importers.report.InvalidRows` (nothing
    written) when a row is invalid, unless ``skip_invalid``; :class:`~dtkg.errors.InputError` when the file is not
    an SCDL CSV. ``options`` are those of :class:`~dtkg.importers.outputs.ImportChoices`: ``skip_invalid``,
    ``strict`` (empty fields that the schema requires, ``nature``…, are errors instead of warnings), ``dry_run``
    (check and convert without writing), ``report_path`` (receives the report as CSV in every case),
    ``imported_at``, ``seed``, ``progress``.
    """
    return run_import("scdl", path, data_dir, **options)
