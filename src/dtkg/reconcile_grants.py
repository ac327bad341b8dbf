"""``dtkg reconcile grants``: the same decision announced (a press account, an officer's table) and published (an
open-data file such as SCDL Subventions) becomes one grant for every total, keeping both sources.

A grant is *published* when it is derived from a source that conforms to a data standard (``dcterms:conformsTo``,
as the SCDL importer states), *announced* otherwise. Pairs are only looked for within a block: the same funder and
the same beneficiary organisation, after identifier reconciliation (two resources with the same SIREN or RNA are the
same organisation), so the work grows with the number of grants, not with the product of the two sides.

Within a block a pair is a candidate when the amounts are the same (or one is a share of the other's whole) and
nothing contradicts it: dates, periods and kinds of aid must be compatible. Each candidate has a score (the share of
the evidence that agrees) and the evidence in words. A pair is *unambiguous* when the amounts are equal and neither
grant has another candidate; ``accept="auto"`` records those. A recorded pair is data of the data folder:

- ``<announced> dtkg:sameDecisionAs <published>`` (and ``prov:alternateOf``): totals count the published grant
  only (see the saved queries ``total-by-funder`` and ``total-by-recipient``);
- a ``dtkg:GrantReconciliation`` (an inferred statement) that says who or what decided (``prov:wasAttributedTo``),
  when (``prov:generatedAtTime``), on which evidence (``rdfs:comment``) and with which score (``dtkg:score``);
- each grant gets the other's source annotations (the press quote, the SCDL row), so both cite both sources.

Recording is idempotent: pairs already in the data are neither proposed nor written again.
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from .errors import InputError
from .writers import to_turtle, write_atomic
from .namespaces import DEFAULT_BASE, DTKG, OA, SCHEMA
from .query import run_query
from .summary import format_amount

#: Where the recorded pairs and the review file go, inside the data folder.
RECORD_FILE = Path("reconciliations") / "grants.ttl"
REVIEW_FILE = Path("reconciliations") / "grants-review.csv"

#: The columns of the review file; a person fills ``decision`` (oui/non) and may sign ``decided_by``.
REVIEW_COLUMNS = ["status", "score", "announced", "announced_label", "announced_amount", "published",
                  "published_label", "published_amount", "funder", "beneficiary", "evidence", "decision",
                  "decided_by"]

YES = {"oui", "o", "yes", "y", "x", "1", "true", "vrai"}
NO = {"", "non", "n", "no", "0", "false", "faux"}

#: Kinds of aid that exclude each other when both grants state one.
EXCLUSIVE_KINDS = ("fonctionnement", "investissement")


@dataclass
class GrantRecord:
    """What the matching needs to know of one grant."""

    iri: URIRef
    label: str = ""
    funder: URIRef | None = None
    beneficiary: URIRef | None = None
    amount: Decimal | None = None
    currency: str = "EUR"
    part_of: URIRef | None = None
    kinds: set[str] = field(default_factory=set)
    years: set[int] = field(default_factory=set)  # dcterms:date, schema:startDate, schema:endDate
    start: int | None = None
    end: int | None = None
    text: str = ""  # label and description, lower-cased: for kind words
    sources: set[URIRef] = field(default_factory=set)
    published: bool = False
    same_as: URIRef | None = None
    details: bool = False  # label, kinds, text and sources read (see add_details)

    def span(self) -> tuple[int, int] | None:
        """The years the grant covers (its period, or the years its dates name)."""
        years = set(self.years)
        if self.start is not None and self.end is not None and self.start <= self.end:
            years |= set(range(self.start, self.end + 1))
        return (min(years), max(years)) if years else None

    def kind_words(self) -> set[str]:
        words = {k for k in EXCLUSIVE_KINDS if any(k in kind for kind in self.kinds)}
        return words or {k for k in EXCLUSIVE_KINDS if k in self.text}


@dataclass
class Candidate:
    """A proposed pair, with its score and the evidence for and against it."""

    announced: GrantRecord
    published: GrantRecord
    score: Decimal
    evidence: list[str]
    exact: bool  # same amount (not a share and its whole)
    status: str = "proposed"  # "auto" (unambiguous), "proposed", "ambiguous"


@dataclass
class ReconcileResult:
    """What ``reconcile_grants`` found and did: the candidates, the pairs recorded and the files written."""

    candidates: list[Candidate]
    recorded: list[tuple[URIRef, URIRef]]
    already: int
    written: list[Path]
    grants: int
    announced: int
    published: int

    def summary(self) -> str:
        auto = sum(c.status == "auto" for c in self.candidates)
        return (f"{self.grants} grants ({self.announced} announced, {self.published} published): "
                f"{len(self.candidates)} candidate pair(s), {auto} unambiguous; {self.already} already reconciled; "
                f"{len(self.recorded)} recorded now.")


# ---------------------------------------------------------------------------------------------- reading the graph

def _year(term) -> int | None:
    match = re.match(r"-?(\d{4})", str(term))
    return int(match.group(1)) if match else None


def _rows(graph: Graph, text: str) -> list[dict]:
    """The solutions of a SELECT, each a dict from variable name to term. On an Oxigraph dataset the query goes to
    Oxigraph directly (the union of the graphs as default graph): rdflib's term-by-term results would take most of
    the time at 100,000 grants."""
    from .load import ox_store

    store = ox_store(graph)
    if store is None:
        return [{str(k): (str(v) if isinstance(v, Literal) else v) for k, v in row.items()}
                for row in run_query(graph, text).bindings]
    # IRIs as URIRefs, literals as their lexical form: rdflib literals would take most of the time at 100,000 grants
    named, literal = ox.NamedNode, ox.Literal
    result = store.query(text, use_default_graph_as_union=True)
    names = list(enumerate(v.value for v in result.variables))
    rows = []
    for solution in result:
        row = {}
        for i, name in names:
            term = solution[i]
            if term is None:
                continue
            kind = type(term)
            row[name] = URIRef(term.value) if kind is named else term.value if kind is literal else BNode(str(term))
        rows.append(row)
    return rows


_PREFIX = ("PREFIX schema: <https://schema.org/> PREFIX dcterms: <http://purl.org/dc/terms/> "
           "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX dtkg: <https://w3id.org/dtkg/ontology#> ")

#: One row per grant with its single-valued facts (a second value of one of them is ignored).
_GRANTS = _PREFIX + """SELECT ?g ?f ?b ?v ?c ?w ?d ?s ?e ?same WHERE {
  ?g a schema:MonetaryGrant .
  OPTIONAL { ?g schema:funder ?f }
  OPTIONAL { ?g dtkg:beneficiary ?b }
  OPTIONAL { ?g schema:amount ?a . ?a schema:value ?v OPTIONAL { ?a schema:currency ?c } }
  OPTIONAL { ?g dcterms:isPartOf ?w }
  OPTIONAL { ?g dcterms:date ?d }
  OPTIONAL { ?g schema:startDate ?s }
  OPTIONAL { ?g schema:endDate ?e }
  OPTIONAL { ?g dtkg:sameDecisionAs ?same }
}"""

_PUBLISHED = _PREFIX + "SELECT DISTINCT ?g WHERE { ?g prov:wasDerivedFrom ?src . ?src dcterms:conformsTo ?standard }"


def grant_records(graph: Graph) -> dict[URIRef, GrantRecord]:
    """Every ``schema:MonetaryGrant`` of ``graph`` with what the blocking and the amounts need, in two queries.
    Labels, kinds and descriptions are read later, only for the grants that meet a candidate (:func:`add_details`).
    """
    grants: dict[URIRef, GrantRecord] = {}
    org_key = organisation_keys(graph)
    for row in _rows(graph, _GRANTS):
        g = row["g"]
        record = grants.get(g)
        if record is None:
            record = grants[g] = GrantRecord(g)
        if "f" in row:
            record.funder = org_key.get(row["f"], row["f"])
        if "b" in row:
            record.beneficiary = org_key.get(row["b"], row["b"])
        if "v" in row:
            try:
                record.amount = Decimal(row["v"])
            except InvalidOperation:
                pass
        if "c" in row:
            record.currency = row["c"]
        if "w" in row:
            record.part_of = row["w"]
        if "d" in row and (y := _year(row["d"])) is not None:
            record.years.add(y)
        if "s" in row:
            record.start = _year(row["s"])
        if "e" in row:
            record.end = _year(row["e"])
        if "same" in row:
            record.same_as = row["same"]
    for record in grants.values():
        if record.part_of is not None and record.part_of not in grants:
            record.part_of = None
    for row in _rows(graph, _PUBLISHED):
        if row["g"] in grants:
            grants[row["g"]].published = True
    return grants


def add_details(graph: Graph, records: Iterable[GrantRecord]) -> None:
    """Read the label, kinds of aid, description and sources of ``records`` (the few grants that are compared)."""
    for record in records:
        if record.details:
            continue
        record.details = True
        for label in graph.objects(record.iri, RDFS.label):
            if isinstance(label, Literal) and label.language in ("fr", None):
                record.label = record.label or str(label)
                record.text += " " + str(label).casefold()
        for description in graph.objects(record.iri, SCHEMA.description):
            record.text += " " + str(description).casefold()
        for kind in graph.objects(record.iri, DCTERMS.type):
            for name in list(graph.objects(kind, RDFS.label)) + list(graph.objects(kind, SKOS.prefLabel)):
                record.kinds.add(str(name).casefold())
        record.sources.update(graph.objects(record.iri, PROV.wasDerivedFrom))


def organisation_keys(graph: Graph) -> dict[URIRef, URIRef]:
    """Each organisation that shares a SIREN or RNA number with others → one of them (the smallest IRI), so that
    the same legal entity under two IRIs is one funder or beneficiary for the matching."""
    by_id: dict[str, set[URIRef]] = defaultdict(set)
    for row in _rows(graph, "PREFIX dtkg: <https://w3id.org/dtkg/ontology#> SELECT ?o ?n WHERE { "
                            "{ ?o dtkg:siren ?n . ?other dtkg:siren ?n } UNION { ?o dtkg:rna ?n . ?other dtkg:rna ?n } "
                            "FILTER (?o != ?other) }"):
        by_id[str(row["n"])].add(row["o"])
    keys: dict[URIRef, URIRef] = {}
    for members in by_id.values():
        first = min(members)
        for member in members:
            keys[member] = min(keys.get(member, first), first)
    return keys


# ---------------------------------------------------------------------------------------------- matching

def _compare(a: GrantRecord, p: GrantRecord, grants: dict[URIRef, GrantRecord]) -> Candidate | None:
    """Score an announced grant ``a`` against a published grant ``p`` of the same block; None when they cannot
    be the same decision (different amounts, incompatible dates, periods or kinds)."""
    if a.amount is None or p.amount is None or a.currency != p.currency:
        return None
    evidence = ["même financeur et même bénéficiaire (après rapprochement des identifiants)"]
    points, weight = Decimal("0.3"), Decimal("0.3")
    whole_p = grants.get(p.part_of) if p.part_of else None
    whole_a = grants.get(a.part_of) if a.part_of else None
    weight += Decimal("0.4")
    if a.amount == p.amount:
        exact = True
        points += Decimal("0.4")
        evidence.append(f"même montant ({format_amount(a.amount, a.currency)})")
    elif whole_p is not None and whole_p.amount == a.amount:
        exact = False
        points += Decimal("0.2")
        evidence.append(f"le montant annoncé ({format_amount(a.amount, a.currency)}) est celui de la décision dont "
                        f"l'aide publiée ({format_amount(p.amount, p.currency)}) est une part")
    elif whole_a is not None and whole_a.amount == p.amount:
        exact = False
        points += Decimal("0.2")
        evidence.append(f"le montant publié ({format_amount(p.amount, p.currency)}) est celui de l'aide dont "
                        f"l'aide annoncée ({format_amount(a.amount, a.currency)}) est une part")
    else:
        return None
    weight += Decimal("0.15")
    span_a, span_p = a.span(), p.span()
    if span_a is None or span_p is None:
        evidence.append("dates : l'une des deux aides n'en donne pas")
    elif span_a[0] <= span_p[1] and span_p[0] <= span_a[1]:
        points += Decimal("0.15")
        evidence.append(f"années compatibles ({span_a[0]}–{span_a[1]} / {span_p[0]}–{span_p[1]})")
    else:
        return None
    if a.start is not None and a.end is not None and p.start is not None and p.end is not None:
        weight += Decimal("0.05")
        if (a.start, a.end) == (p.start, p.end):
            points += Decimal("0.05")
            evidence.append(f"même période ({a.start}–{a.end})")
    weight += Decimal("0.1")
    kinds_a, kinds_p = a.kind_words(), p.kind_words()
    if kinds_a and kinds_p:
        if not kinds_a & kinds_p:
            return None
        points += Decimal("0.1")
        evidence.append(f"même nature d'aide ({', '.join(sorted(kinds_a & kinds_p))})")
    else:
        evidence.append("nature d'aide : non comparable")
    score = (points / weight).quantize(Decimal("0.01"))
    return Candidate(a, p, score, evidence, exact)


def find_candidates(grants: dict[URIRef, GrantRecord], graph: Graph | None = None) -> tuple[list[Candidate], int]:
    """The candidate pairs (announced, published), blocked by funder and beneficiary; and how many announced
    grants are already reconciled. Shares of an announced grant are compared under the beneficiary of their
    whole."""
    blocks: dict[tuple[URIRef, URIRef], list[GrantRecord]] = defaultdict(list)
    for g in grants.values():
        if g.published and g.funder is not None and g.beneficiary is not None:
            blocks[(g.funder, g.beneficiary)].append(g)
    already = 0
    candidates: list[Candidate] = []
    for a in grants.values():
        if a.published:
            continue
        if a.same_as is not None:
            already += 1
            continue
        beneficiary = a.beneficiary
        if beneficiary is None and a.part_of in grants:
            continue  # an earmarked share: its decision is matched, not the share
        if a.funder is None or beneficiary is None:
            continue
        block = blocks.get((a.funder, beneficiary), ())
        if block and graph is not None:
            add_details(graph, [a, *block, *(grants[g.part_of] for g in (a, *block) if g.part_of in grants)])
        for p in block:
            found = _compare(a, p, grants)
            if found is not None:
                candidates.append(found)
    by_announced: dict[URIRef, list[Candidate]] = defaultdict(list)
    by_published: dict[URIRef, list[Candidate]] = defaultdict(list)
    for c in candidates:
        by_announced[c.announced.iri].append(c)
        by_published[c.published.iri].append(c)
    taken = {g.same_as for g in grants.values() if g.same_as is not None}
    for c in candidates:
        alone = len(by_announced[c.announced.iri]) == 1 and len(by_published[c.published.iri]) == 1
        if c.published.iri in taken:
            c.status = "ambiguous"
            c.evidence.append("l'aide publiée est déjà rapprochée d'une autre aide annoncée")
        elif alone and c.exact:
            c.status = "auto"
        elif not alone:
            c.status = "ambiguous"
    candidates.sort(key=lambda c: (-c.score, str(c.announced.iri), str(c.published.iri)))
    return candidates, already


# ---------------------------------------------------------------------------------------------- review file

def review_csv(candidates: list[Candidate], labels: dict[URIRef, str]) -> bytes:
    """The review file: one row per candidate pair; a person writes ``oui`` in ``decision`` to accept one."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REVIEW_COLUMNS)
    for c in candidates:
        a, p = c.announced, c.published
        writer.writerow([c.status, str(c.score), str(a.iri), a.label, str(a.amount), str(p.iri), p.label,
                         str(p.amount), labels.get(a.funder, str(a.funder)),
                         labels.get(a.beneficiary, str(a.beneficiary)), " ; ".join(c.evidence), "", ""])
    return out.getvalue().encode("utf-8")


def read_review(path: Path, candidates: list[Candidate], grants: dict[URIRef, GrantRecord],
                graph: Graph) -> list[tuple[Candidate, str]]:
    """The pairs a person accepted in a review file (``decision`` = oui), each with who decided. A row that names
    grants the data does not have, or does not mark them announced and published, is an error naming the row."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the review file: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: the review file is not UTF-8 text") from exc
    reader = csv.DictReader(io.StringIO(text))
    missing = {"announced", "published", "decision"} - set(reader.fieldnames or [])
    if missing:
        raise InputError(f"{path}: the review file lacks the column(s) {', '.join(sorted(missing))}; "
                         f"write it with `dtkg reconcile grants` first")
    known = {(c.announced.iri, c.published.iri): c for c in candidates}
    accepted: list[tuple[Candidate, str]] = []
    chosen: dict[URIRef, int] = {}
    for number, row in enumerate(reader, start=2):
        decision = (row.get("decision") or "").strip().casefold()
        if decision in NO:
            continue
        if decision not in YES:
            raise InputError(f"{path}: row {number}, column decision: {row.get('decision')!r} is neither oui nor non")
        a, p = URIRef((row.get("announced") or "").strip()), URIRef((row.get("published") or "").strip())
        for iri, side in ((a, "announced"), (p, "published")):
            if iri not in grants:
                raise InputError(f"{path}: row {number}, column {side}: {str(iri)!r} is not a grant of the data")
        if grants[a].published or not grants[p].published:
            raise InputError(f"{path}: row {number}: {a} must be an announced grant and {p} a published one")
        if a in chosen:
            raise InputError(f"{path}: row {number}: {a} is already accepted at row {chosen[a]}; "
                             "an announced grant is the same decision as one published grant only")
        chosen[a] = number
        candidate = known.get((a, p))
        if candidate is None:
            add_details(graph, [grants[a], grants[p]])
            candidate = _compare(grants[a], grants[p], grants) or Candidate(
                grants[a], grants[p], Decimal("0.00"), ["aucun indice concordant calculé"], False)
            candidate.evidence.append("rapprochement décidé par une personne hors des paires proposées")
        who = (row.get("decided_by") or "").strip() or "relecteur ou relectrice (non nommé)"
        accepted.append((candidate, who))
    return accepted


# ---------------------------------------------------------------------------------------------- recording

def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def _annotations(graph: Graph, grant: URIRef) -> list[tuple[URIRef, URIRef, list[tuple[URIRef, Literal]]]]:
    """The source annotations of ``grant``: (source, selector type, selector facts)."""
    found = []
    for ann in graph.subjects(OA.hasBody, grant):
        for target in graph.objects(ann, OA.hasTarget):
            source = graph.value(target, OA.hasSource)
            for selector in graph.objects(target, OA.hasSelector):
                kind = graph.value(selector, RDF.type)
                facts = sorted((p, o) for p, o in graph.predicate_objects(selector)
                               if p in (OA.exact, RDF.value, DCTERMS.conformsTo))
                if source is not None and kind is not None and facts:
                    found.append((source, kind, facts))
    return sorted(set((s, k, tuple(f)) for s, k, f in found))


def _record_graph(graph: Graph, accepted: list[tuple[Candidate, str]], mode: str,
                  when: _dt.datetime) -> Graph:
    out = Graph()
    stamp = Literal(when.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), datatype=XSD.dateTime)
    for candidate, who in accepted:
        a, p = candidate.announced.iri, candidate.published.iri
        rec = URIRef(f"{DEFAULT_BASE}reconciliation/grant-{_digest(str(a), str(p))}")
        out.add((a, DTKG.sameDecisionAs, p))
        out.add((a, PROV.alternateOf, p))
        for t in (DTKG.GrantReconciliation, DTKG.InferredStatement, RDF.Statement, PROV.Entity):
            out.add((rec, RDF.type, t))
        out.add((rec, RDFS.label, Literal(f"Rapprochement : {candidate.announced.label} = "
                                          f"{candidate.published.label}", lang="fr")))
        out.add((rec, RDF.subject, a))
        out.add((rec, RDF.predicate, DTKG.sameDecisionAs))
        out.add((rec, RDF.object, p))
        out.add((rec, RDFS.comment, Literal("Même décision : " + " ; ".join(candidate.evidence) + ".", lang="fr")))
        out.add((rec, DTKG.score, Literal(str(candidate.score), datatype=XSD.decimal)))
        out.add((rec, PROV.generatedAtTime, stamp))
        if mode == "auto":
            agent = URIRef(f"{DEFAULT_BASE}agent/dtkg-reconcile-grants")
            out.add((agent, RDF.type, PROV.SoftwareAgent))
            out.add((agent, RDFS.label, Literal("dtkg reconcile grants --accept auto (paires sans ambiguïté)",
                                                lang="fr")))
        else:
            agent = URIRef(f"{DEFAULT_BASE}agent/reviewer-{_digest(who)}")
            out.add((agent, RDF.type, PROV.Person))
            out.add((agent, RDFS.label, Literal(who, lang="fr")))
            out.add((rec, DCTERMS.source, Literal(mode)))
        out.add((rec, PROV.wasAttributedTo, agent))
        for g in (a, p):
            for source in sorted(graph.objects(g, PROV.wasDerivedFrom)):
                out.add((rec, PROV.wasDerivedFrom, source))
        # each grant cites the other's sources too: the press quote for the published grant, the row for the other
        for here, there in ((a, p), (p, a)):
            for source, kind, facts in _annotations(graph, there):
                ann = BNode(f"a{_digest(str(rec), str(here), str(source), repr(facts))}")
                target, selector = BNode(), BNode()
                out.add((ann, RDF.type, OA.Annotation))
                out.add((ann, OA.motivatedBy, OA.identifying))
                out.add((ann, OA.hasBody, here))
                out.add((ann, DCTERMS.references, rec))
                out.add((ann, OA.hasTarget, target))
                out.add((target, RDF.type, OA.SpecificResource))
                out.add((target, OA.hasSource, source))
                out.add((target, OA.hasSelector, selector))
                out.add((selector, RDF.type, kind))
                for pred, obj in facts:
                    out.add((selector, pred, obj))
    return out


def reconcile_grants(
    data_dir: Path | str = "data",
    *,
    accept: str | Path | None = None,
    review_path: Path | str | None = None,
    seed: bool = True,
    now: _dt.datetime | None = None,
    graph: Graph | None = None,
) -> ReconcileResult:
    """Propose the pairs of announced and published grants of the data that are the same decision, write them to
    a review CSV, and record the accepted ones as data.

    ``accept`` is None (only propose), ``"auto"`` (record the unambiguous pairs) or the path of a review file in
    which a person wrote ``oui`` in the ``decision`` column of the pairs to record. Records go to
    ``data_dir/reconciliations/grants.ttl``, added to the pairs already there (re-running records nothing twice);
    the review file to ``review_path`` (default ``data_dir/reconciliations/grants-review.csv``). ``graph`` is the
    loaded data when the caller already has it (the seed and ``data_dir`` otherwise).
    """
    from .load import load_dataset

    folder = Path(data_dir)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder}: not a folder")
    if graph is None:
        graph = load_dataset([folder] if folder.is_dir() else [], seed=seed)
    grants = grant_records(graph)
    candidates, already = find_candidates(grants, graph)
    labels: dict[URIRef, str] = {}
    for c in candidates:
        for org in (c.announced.funder, c.announced.beneficiary):
            if org not in labels:
                names = [str(n) for n in graph.objects(org, RDFS.label)
                         if isinstance(n, Literal) and n.language == "fr"]
                labels[org] = min(names) if names else str(org)
    written: list[Path] = []
    review = Path(review_path) if review_path is not None else folder / REVIEW_FILE
    accepted: list[tuple[Candidate, str]] = []
    mode = ""
    if accept == "auto":
        mode = "auto"
        accepted = [(c, "") for c in candidates if c.status == "auto"]
    elif accept is not None:
        mode = str(accept)
        accepted = read_review(Path(accept), candidates, grants, graph)
    if accept is None or accept == "auto" or Path(accept).resolve() != review.resolve():
        written.append(write_atomic(review, review_csv(candidates, labels)))
    recorded: list[tuple[URIRef, URIRef]] = []
    if accepted:
        when = now or _dt.datetime.now(_dt.timezone.utc)
        new = _record_graph(graph, accepted, mode, when)
        path = folder / RECORD_FILE
        existing = Graph()
        if path.exists():
            try:
                existing.parse(path, format="turtle")
            except Exception as exc:  # noqa: BLE001 (any parser error is a bad file)
                raise InputError(f"{path}: cannot read the recorded reconciliations: {exc}") from exc
        merged = existing + new
        merged.bind("dtkg", str(DTKG))
        merged.bind("oa", str(OA))
        written.append(write_atomic(path, to_turtle(merged).encode("utf-8")))
        recorded = [(c.announced.iri, c.published.iri) for c, _ in accepted]
    announced = sum(not g.published for g in grants.values())
    return ReconcileResult(candidates, recorded, already, written, len(grants), announced,
                           len(grants) - announced)
