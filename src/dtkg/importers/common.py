"""What every importer shares: the graph being built (with the seed data's modelling conventions), the source
document and its provenance, the row annotations, and writing the outputs all at once or not at all."""

from __future__ import annotations

import contextlib
import datetime as _dt
import functools
import gc
import hashlib
import itertools
import os
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from ..errors import InputError
from ..terms import Term
from ..terms import tuple_of_rdflib as from_rdflib
from ..atomic import Staged
from ..terms import tuples_to_store as _to_oxigraph
from ..writers import turtle_of_triples
from ..namespaces import DEFAULT_BASE, PREFIXES, data_prefixes
from .csvio import CsvTable, read_csv, require_rows
from .reconcile import KnownData, OrgMatch, Reconciler
from .report import InvalidRows, Report
from .specs import FormatSpec, Standard
from .terms import (
    DCTERMS,
    DTKG,
    FOAF,
    IGEO,
    OA,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    XSD,
    lit,
)
from .values import OrgId, decimal_lexical, normalise_name, slugify

#: RFC 7111 (URI fragment identifiers for text/csv): what a row selector (``row=12``) conforms to.
RFC7111 = URIRef("http://tools.ietf.org/rfc/rfc7111")

#: Bump when the importers change what they write for the same input: the import time is then renewed.
FORMAT_VERSION = "1"

#: Folder of the data folder that holds imports, and the sub-folder that keeps copies of their sources.
IMPORTS_DIR = "imports"
SOURCES_DIR = "imports/sources"


def output_prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """Prefixes of the Turtle the importers write."""
    return {**PREFIXES, **data_prefixes(base), "placetype": f"{base}place-type/", "foaf": str(FOAF)}


# ------------------------------------------------------------------------------------------------------ sources


@dataclass
class SourceInfo:
    """One source file of an import: the resource that describes it and the copy kept in the data folder."""

    iri: URIRef
    label: str
    table: CsvTable
    local_file: str  # relative to the data folder
    standard: Standard | None = None

    @property
    def name(self) -> str:
        return self.table.path.name


def describe_source(add: Callable[[tuple[Node, Node, Node]], None], src: SourceInfo, imported_at: str) -> None:
    """The source document: name, copy and checksum, encoding, standard and version, import time."""
    t = src.table
    add((src.iri, RDF.type, DTKG.SourceDocument))
    add((src.iri, RDF.type, FOAF.Document))
    add((src.iri, RDF.type, PROV.Entity))
    add((src.iri, RDFS.label, lit(src.label, lang="fr")))
    add((src.iri, DCTERMS.title, lit(src.name)))
    add((src.iri, DCTERMS.language, lit("fr")))
    add((src.iri, DCTERMS.format, lit("text/csv; charset=utf-8")))
    add((src.iri, DTKG.localFile, lit(src.local_file)))
    add((src.iri, DTKG.sha256, lit(hashlib.sha256(t.utf8_bytes()).hexdigest())))
    add((src.iri, PROV.generatedAtTime, lit(imported_at, datatype=XSD.dateTime)))
    separator = {",": "virgule", ";": "point-virgule", "\t": "tabulation", "|": "barre verticale"}[t.delimiter]
    note = f"Fichier CSV de {len(t.rows)} ligne(s) de données, séparateur {separator}, encodage {t.encoding}."
    if not t.is_utf8:
        note += (f" La copie locale est convertie en UTF-8 ; le fichier reçu (encodage {t.encoding}) avait "
                 f"l'empreinte SHA-256 {t.sha256}.")
    add((src.iri, RDFS.comment, lit(note, lang="fr")))
    if src.standard is not None:
        std = src.standard
        add((src.iri, DCTERMS.conformsTo, std.iri))
        add((std.iri, RDF.type, DCTERMS.Standard))
        add((std.iri, RDFS.label, lit(std.label, lang="fr")))
        add((std.iri, OWL.versionInfo, lit(std.version)))
        add((std.iri, SCHEMA.url, lit(std.url, datatype=XSD.anyURI)))


def import_time(explicit: _dt.datetime | None = None) -> str:
    """The import time as ``xsd:dateTime`` (UTC, seconds): ``explicit``, else ``$SOURCE_DATE_EPOCH``, else now."""
    if explicit is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        explicit = (_dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc) if epoch.isdigit()
                    else _dt.datetime.now(_dt.timezone.utc))
    if explicit.tzinfo is None:
        explicit = explicit.replace(tzinfo=_dt.timezone.utc)
    return explicit.astimezone(_dt.timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


_FINGERPRINT = re.compile(r"^# fingerprint: ([0-9a-f]{64})$", re.MULTILINE)
_IMPORTED_AT = re.compile(r'prov:generatedAtTime "([^"]+)"\^\^xsd:dateTime')


def previous_import_time(output: Path, fingerprint: str) -> str | None:
    """The import time recorded in ``output`` when it was written from the same inputs (same fingerprint), so that
    importing the same file again gives a byte-identical file."""
    try:
        with output.open(encoding="utf-8") as fh:
            head = fh.read(4096)
            found = _FINGERPRINT.search(head)
            if not found or found.group(1) != fingerprint:
                return None
            fh.seek(0)
            for line in fh:
                match = _IMPORTED_AT.search(line)
                if match:
                    return match.group(1)
    except (OSError, UnicodeDecodeError):
        return None
    return None


def fingerprint(kind: str, inputs: Iterable[tuple[str, str]], options: str = "") -> str:
    """SHA-256 over what determines an import's output besides the data folder: importer, inputs (name and
    SHA-256 of each file), options."""
    digest = hashlib.sha256(f"{kind}\x1f{FORMAT_VERSION}\x1f{options}".encode())
    for name, sha in inputs:
        digest.update(f"\x1e{name}\x1f{sha}".encode())
    return digest.hexdigest()


# ------------------------------------------------------------------------------------------------------ writing


_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _frozen(triple: tuple[Node, Node, Node]) -> None:
    raise RuntimeError("the import's graph is built: no triple can be added any more")


def _as_tuples(triples: list[tuple[Node, Node, Node]]) -> set[tuple[Term, Term, Term]]:
    """The distinct triples in the writers' tuple form, each term converted once.

    Literals come already in tuple form (:func:`~dtkg.importers.terms.lit`); the other terms are rdflib's. The
    importers reuse term objects (namespace terms, cached literals, the IRI of a grant in each of its triples),
    so the conversion is cached by object identity (the cache keeps the objects alive): a dictionary look-up per
    term rather than rdflib's hashing and type checks. An IRI no store would load stops the import here: it must
    never reach a data folder."""
    cache: dict[int, tuple[Node, Term]] = {}
    out: set[tuple[Term, Term, Term]] = set()
    add = out.add
    get = cache.get

    def convert(term: Node | Term) -> Term:
        converted = term if type(term) is tuple else from_rdflib(term)
        if converted[0] == 0 and _IRI_FORBIDDEN.search(converted[1]):
            raise InputError(f"{str(term)!r} is not a valid IRI; nothing was written")
        cache[id(term)] = (term, converted)
        return converted

    for s, p, o in triples:
        hs, hp, ho = get(id(s)), get(id(p)), get(id(o))
        add((hs[1] if hs is not None else convert(s), hp[1] if hp is not None else convert(p),
             ho[1] if ho is not None else convert(o)))
    return out


# ------------------------------------------------------------------------------------------------------ results


@dataclass
class ImportResult:
    """What an import did. ``graph`` holds the triples written to ``output``; ``report`` the problems found."""

    kind: str
    sources: list[Path]
    output: Path
    builder: Builder = field(repr=False)
    report: Report
    rows_read: int
    rows_imported: int
    written: list[Path] = field(default_factory=list)
    report_file: Path | None = None
    dry_run: bool = False
    encodings: list[str] = field(default_factory=list)
    #: seconds spent reading the CSV, indexing the data folder, converting rows, writing Turtle, writing files
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def graph(self) -> Graph:
        """The triples written to ``output``, as an Oxigraph-backed ``Dataset`` (built on first use)."""
        return self.builder.g

    @property
    def rows_invalid(self) -> int:
        return len(self.report.invalid_rows())

    def summary(self) -> str:
        """One line: ``Read 120 rows: 118 imported, 2 invalid (left out), 3 warnings.``"""
        parts = [f"{self.rows_imported} imported"]
        if self.rows_invalid:
            parts.append(f"{self.rows_invalid} invalid (left out)")
        warnings = len(self.report.warnings)
        if warnings:
            parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
        return f"Read {self.rows_read} row{'s' if self.rows_read != 1 else ''}: {', '.join(parts)}."


# ------------------------------------------------------------------------------------------------------ building


_BLANK_IDS = itertools.count()


def blank() -> BNode:
    """A new blank node (a counter is much cheaper than rdflib's UUID-based identifiers)."""
    return BNode(f"i{next(_BLANK_IDS)}")


class Builder:
    """The graph of one import, built triple by triple with the seed data's conventions.

    Facts about resources the data already knows are added without overwriting: a known organisation keeps its
    label (another name from the file becomes a ``skos:altLabel``) and its identifiers.
    """

    def __init__(self, reconciler: Reconciler) -> None:
        self.triples: list[tuple[Node, Node, Node]] = []
        self.r = reconciler
        self.known: KnownData = reconciler.known
        self._names: dict[URIRef, set[str]] = {}
        self._labelled: set[URIRef] = set()
        self._declared: set[URIRef] = set()
        self._graph: Graph | None = None
        self._tuples: set[tuple[Term, Term, Term]] | None = None
        #: add one triple (rdflib terms); triples are kept in a list and loaded into a store at the end, which is
        #: several times faster than adding them one by one to an rdflib graph
        self.add: Callable[[tuple[Node, Node, Node]], None] = self.triples.append

    @property
    def g(self) -> Graph:
        """The import's triples as a graph (an Oxigraph-backed ``Dataset``, as :func:`dtkg.load.load_dataset`
        gives), built on first use; nothing may be added afterwards. Oxigraph keeps values, not lexical forms:
        ``6421.00`` reads back as ``6421``; the Turtle file keeps the form written."""
        if self._graph is None:
            from ..load import new_dataset

            self._graph = new_dataset(store=_to_oxigraph(self.freeze()))
        return self._graph

    def freeze(self) -> set[tuple[Term, Term, Term]]:
        """The distinct triples in tuple form (see :func:`_as_tuples`); nothing may be added afterwards, and the
        rdflib terms are let go, which halves the memory the output needs."""
        if self._tuples is None:
            self._tuples = _as_tuples(self.triples)
            self.triples = []
            self.add = _frozen  # type: ignore[assignment]
        return self._tuples

    # ------------------------------------------------------------------------------ provenance

    def row_annotation(self, source: URIRef, row: int, bodies: Iterable[URIRef]) -> None:
        """``[] a oa:Annotation ; oa:hasBody …`` targeting row ``row`` of ``source`` (RFC 7111 ``row=N``)."""
        bodies = list(dict.fromkeys(bodies))
        if not bodies:
            return
        selector = self._annotation(source, bodies, OA.FragmentSelector)
        self.add((selector, DCTERMS.conformsTo, RFC7111))
        self.add((selector, RDF.value, lit(f"row={row}")))

    def quote_annotation(self, source: URIRef, exact: str, bodies: Iterable[URIRef]) -> None:
        """An annotation whose target quotes ``exact`` from ``source`` (checked verbatim by ``dtkg validate``)."""
        selector = self._annotation(source, dict.fromkeys(bodies), OA.TextQuoteSelector)
        self.add((selector, OA.exact, lit(exact)))

    def _annotation(self, source: URIRef, bodies: Iterable[URIRef], selector_type: URIRef) -> BNode:
        """``[] a oa:Annotation`` of ``bodies`` whose target is ``source`` through a new selector of
        ``selector_type``; returns the selector, for the caller to say what it selects."""
        add = self.add
        ann, target, selector = blank(), blank(), blank()
        add((ann, RDF.type, OA.Annotation))
        add((ann, OA.motivatedBy, OA.identifying))
        for body in bodies:
            add((ann, OA.hasBody, body))
        add((ann, OA.hasTarget, target))
        add((target, RDF.type, OA.SpecificResource))
        add((target, OA.hasSource, source))
        add((target, OA.hasSelector, selector))
        add((selector, RDF.type, selector_type))
        return selector

    # ------------------------------------------------------------------------------ names

    def name(self, iri: URIRef, text: str, *, lang: str = "fr", from_file: bool = True) -> None:
        """Give ``iri`` the name ``text``: its ``rdfs:label`` when it has none yet, else (when ``from_file``, and the
        name differs from its known names once accents, case and punctuation are set aside) a ``skos:altLabel``."""
        has_label = iri in self._labelled or self.known.has_label(iri)
        if not has_label:
            self.add((iri, RDFS.label, lit(text, lang=lang)))
            self._labelled.add(iri)
            if from_file:  # a name made by the importer (a grant's title) is never compared: skip the work
                self._names.setdefault(iri, set()).add(normalise_name(text))
            return
        if not from_file:
            return
        key = normalise_name(text)
        names = self._names.setdefault(iri, set())
        if key and key not in names and key not in self.known.name_keys(iri):
            self.add((iri, SKOS.altLabel, lit(text, lang=lang)))
            names.add(key)

    # ------------------------------------------------------------------------------ resources

    def organisation(self, match: OrgMatch, org_id: OrgId, name: str | None, source: URIRef,
                     *, placeholder: str | None = None) -> None:
        """State what the file says of an organisation: ``org:Organization``, its identifiers (a known organisation
        keeps its own), its name, and that it comes from ``source``."""
        iri, add = match.iri, self.add
        add((iri, RDF.type, ORG.Organization))
        if org_id:
            add((iri, RDF.type, ORG.FormalOrganization))
        if org_id.rna:
            add((iri, RDF.type, DTKG.Association))
        if org_id.siren and self.known.siren_of(iri) in (None, org_id.siren):
            add((iri, DTKG.siren, lit(org_id.siren)))
            add((iri, ORG.identifier, lit(org_id.siren)))
        if org_id.rna and self.known.rna_of(iri) in (None, org_id.rna):
            add((iri, DTKG.rna, lit(org_id.rna)))
            add((iri, ORG.identifier, lit(org_id.rna)))
        if name:
            self.name(iri, name)
        elif placeholder and not (iri in self._labelled or self.known.has_label(iri)):
            self.name(iri, placeholder, from_file=False)
            add((iri, RDFS.comment, lit("Nom inconnu : la source ne donne que son identifiant.", lang="fr")))
        add((iri, PROV.wasDerivedFrom, source))

    def commune(self, code: str, name: str | None, source: URIRef) -> tuple[URIRef, bool]:
        """The commune with INSEE ``code``, declared (with ``name``) when the data does not know it yet.

        Returns its IRI and whether this is the first time the run declares it (to annotate it with the row)."""
        iri, known = self.r.commune(code)
        first = self.r.first_time(iri)
        add = self.add
        add((iri, RDF.type, IGEO.Commune))
        add((iri, RDF.type, SCHEMA.AdministrativeArea))
        add((iri, RDF.type, SCHEMA.Place))
        add((iri, IGEO.codeINSEE, lit(code)))
        if name:
            self.name(iri, name)
            if not known and first:
                add((iri, SCHEMA.name, lit(name, lang="fr")))
        add((iri, PROV.wasDerivedFrom, source))
        return iri, first

    def scheme(self, iri: URIRef, label_fr: str, label_en: str) -> None:
        """Declare a SKOS concept scheme the data does not have yet."""
        if iri in self._declared or self.known.exists(iri):
            return
        self._declared.add(iri)
        self.add((iri, RDF.type, SKOS.ConceptScheme))
        for text, lang in ((label_fr, "fr"), (label_en, "en")):
            self.add((iri, RDFS.label, lit(text, lang=lang)))
            self.add((iri, SKOS.prefLabel, lit(text, lang=lang)))

    def concept(self, scheme: URIRef, kind: str, label: str, source: URIRef, *, notation: str | None = None,
                local: str | None = None) -> URIRef:
        """The concept of ``scheme`` labelled ``label`` (an existing one with that label, else a new one); with
        ``local``, the concept ``<base><kind>/<local>`` (for coded values such as ``TIERS_LIEUX``)."""
        iri, known = self.r.concept(scheme, kind, label, local)
        if known or iri in self._declared:
            return iri
        self._declared.add(iri)
        add = self.add
        add((iri, RDF.type, SKOS.Concept))
        add((iri, RDFS.label, lit(label, lang="fr")))
        add((iri, SKOS.prefLabel, lit(label, lang="fr")))
        add((iri, SKOS.inScheme, scheme))
        if notation:
            add((iri, SKOS.notation, lit(notation)))
        add((iri, PROV.wasDerivedFrom, source))
        self._labelled.add(iri)
        return iri

    def amount(self, subject: URIRef, value: Decimal, currency: str = "EUR") -> tuple[BNode, Term] | None:
        """``schema:amount [ a schema:MonetaryAmount ; schema:value … ; schema:currency … ]`` unless the data
        already gives ``subject`` an amount (a grant stated by two files keeps one amount).

        Returns the amount's node and value when added, else None."""
        if self.known.amounts.get(subject):
            return None
        node = blank()
        lexical = lit(decimal_lexical(value, places=2), datatype=XSD.decimal)
        self.add((subject, SCHEMA.amount, node))
        self.add((node, RDF.type, SCHEMA.MonetaryAmount))
        self.add((node, SCHEMA.value, lexical))
        self.add((node, SCHEMA.currency, lit(currency)))
        return node, lexical

    def property_value(self, subject: URIRef, name: str, value: Term, *,
                       prop: URIRef = SCHEMA.additionalProperty) -> None:
        """``schema:additionalProperty [ a schema:PropertyValue ; schema:propertyID "name" ; schema:value … ]``: a
        field of the source that no standard property fits, kept under its own name."""
        node = blank()
        self.add((subject, prop, node))
        self.add((node, RDF.type, SCHEMA.PropertyValue))
        self.add((node, SCHEMA.propertyID, lit(name)))
        self.add((node, SCHEMA.value, value))

    # ------------------------------------------------------------------------------ output

    def turtle(self, header: str) -> bytes:
        """The triples as deterministic Turtle (lexical forms as written: ``6421.00``), after a comment ``header``."""
        return (header + turtle_of_triples(self.freeze(), output_prefixes())).encode("utf-8")


# ------------------------------------------------------------------------------------------------------ running


@contextlib.contextmanager
def _without_cycle_collection():
    """Pause Python's cyclic garbage collector: an import allocates millions of small objects that live until the
    end (terms, triples, the writer's indexes) and make no reference cycles, and each full collection walks all
    of them again (a quarter of the time of a 100,000-row import). Memory is still freed by reference counting."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def import_run(func):
    """Decorator of an import function: it runs without the cyclic collector (see above)."""

    @functools.wraps(func)
    def run(*args, **kwargs):
        with _without_cycle_collection():
            return func(*args, **kwargs)

    return run


def plan_paths(data_dir: Path, kind: str, stem: str) -> tuple[Path, str]:
    """The output file of an import (``imports/<kind>-<stem>.ttl``) and the slug naming it."""
    slug = slugify(stem, max_length=80)
    return data_dir / IMPORTS_DIR / f"{kind}-{slug}.ttl", slug


def check_data_dir(data_dir: Path | str) -> Path:
    """The data folder to write into (created if missing; an existing file there is an error)."""
    folder = Path(data_dir)
    if folder.exists() and not folder.is_dir():
        raise InputError("is not a folder (give the data folder with --data)", path=folder)
    return folder


@dataclass
class ImportChoices:
    """What the user chose for one import: the options every ``dtkg import`` takes."""

    skip_invalid: bool = False
    dry_run: bool = False
    report_path: Path | None = None
    imported_at: _dt.datetime | None = None


@dataclass
class ImportPlan:
    """What one import writes once its rows are converted: the graph and report, the sources they came from, the
    output file and the source copies (``extra_files``: other files written with them); ``header_title`` names the
    input in the output's header, ``options`` are the choices that change the output (part of its fingerprint)."""

    kind: str
    builder: Builder
    report: Report
    sources: list[SourceInfo]
    output: Path
    data_dir: Path
    header_title: str
    input_path: Path | None = None
    extra_files: Sequence[tuple[Path, bytes]] = ()
    options: str = ""


def finish(plan: ImportPlan, choices: ImportChoices, *, rows_read: int, rows_imported: int,
           timings: dict[str, float] | None = None) -> ImportResult:
    """Check the report, describe the sources, and write the import, the source copies and the report together.

    Nothing is written (and :class:`InvalidRows` is raised) when a row is invalid and ``choices.skip_invalid`` is False;
    ``choices.report_path``, when given, receives the report in every case.
    """
    kind, builder, report, sources, output = plan.kind, plan.builder, plan.report, plan.sources, plan.output
    report_path, extra_files = choices.report_path, plan.extra_files
    result = ImportResult(kind=kind, sources=[s.table.path for s in sources], output=output, builder=builder,
                          report=report, rows_read=rows_read, rows_imported=rows_imported, dry_run=choices.dry_run,
                          encodings=[s.table.encoding for s in sources], timings=dict(timings or {}))
    clock = time.perf_counter()
    if report_path is not None:
        staged = Staged()
        staged.put(Path(report_path), report.to_csv())
        staged.commit()
        result.report_file = Path(report_path)
    if report.errors and not choices.skip_invalid:
        raise InvalidRows(report, plan.input_path or sources[0].table.path, rows=rows_read)
    fp = fingerprint(kind, [*((s.table.path.name, s.table.sha256) for s in sources),
                            *((str(p.name), hashlib.sha256(c).hexdigest()) for p, c in extra_files)], plan.options)
    stamp = previous_import_time(output, fp) or import_time(choices.imported_at)
    for src in sources:
        describe_source(builder.add, src, stamp)
    header = (f"# Imported by `dtkg import {kind}` from {plan.header_title}.\n"
              "# Generated file: do not edit it by hand; fix the source and import it again.\n"
              f"# fingerprint: {fp}\n\n")
    data = builder.turtle(header)
    result.timings["serialise"] = time.perf_counter() - clock
    clock = time.perf_counter()
    if choices.dry_run:
        return result
    staged = Staged()
    try:
        for src in sources:
            staged.put(plan.data_dir / src.local_file, src.table.utf8_bytes())
        for path, content in extra_files:
            staged.put(path, content)
        auto_report = output.with_suffix(".report.csv")
        if report.entries and report_path is None:
            staged.put(auto_report, report.to_csv())
            result.report_file = auto_report
        else:
            staged.delete(auto_report)  # a report of an earlier import of this file no longer applies
        staged.put(output, data)
        result.written = staged.commit()
    except BaseException:
        staged.abort()
        raise
    result.timings["write"] = time.perf_counter() - clock
    return result


@dataclass
class CsvImport:
    """One run of an importer of a one-file format (SCDL, mednum) once its file is read and its header checked:
    what the row converter needs (the builder, the report, the columns) and what :meth:`finish` writes."""

    kind: str
    table: CsvTable
    data_dir: Path
    output: Path
    slug: str
    report: Report
    cols: dict[str, str]
    builder: Builder
    source: SourceInfo
    timings: dict[str, float]
    clock: float

    @property
    def file(self) -> str:
        return self.table.path.name

    def finish(self, *, rows_imported: int, skip_invalid: bool, dry_run: bool, report_path: Path | str | None,
               imported_at: _dt.datetime | None, options: str) -> ImportResult:
        """Record the conversion's time and write the import (see :func:`finish`)."""
        self.timings["convert"] = time.perf_counter() - self.clock
        plan = ImportPlan(kind=self.kind, builder=self.builder, report=self.report, sources=[self.source],
                          output=self.output, data_dir=self.data_dir, header_title=self.table.path.name,
                          options=options)
        choices = ImportChoices(skip_invalid=skip_invalid, dry_run=dry_run,
                                report_path=Path(report_path) if report_path else None, imported_at=imported_at)
        return finish(plan, choices, rows_read=len(self.table.rows), rows_imported=rows_imported,
                      timings=self.timings)


def open_csv_import(spec: FormatSpec, path: Path | str, data_dir: Path | str, *, strict: bool, seed: bool,
                    source_label: str, missing_column: str, run_key: str | None = None,
                    note_encoding: Callable[[str, str, Report], None] | None = None) -> CsvImport:
    """Read the CSV file of a one-file format, check its header against ``spec``, index the data folder and
    describe the source: everything an importer does before converting its rows.

    ``missing_column`` is the reason reported for a column the standard requires but the file lacks (an error
    with ``strict``); ``run_key`` keys the organisations known by name only (default ``<kind>:<slug>``);
    ``source_label`` names the source (``{name}`` is the file's name)."""
    clock = time.perf_counter()
    timings: dict[str, float] = {}
    table = require_rows(read_csv(path))
    timings["read"] = time.perf_counter() - clock
    folder = check_data_dir(data_dir)
    output, slug = plan_paths(folder, spec.kind, table.path.stem)
    report = Report()
    file = table.path.name
    if note_encoding is not None:
        note_encoding(table.encoding, file, report)
    cols = resolve_columns(table, spec.spellings(), report, what=spec.what, required=spec.required)
    for name in spec.schema_required:
        if name not in cols:
            report.add(file, 1, name, "", "error" if strict else "warning", missing_column)
    clock = time.perf_counter()
    known = KnownData(folder, seed=seed, exclude=[output])
    timings["index"] = time.perf_counter() - clock
    clock = time.perf_counter()
    builder = Builder(Reconciler(known, run_key=run_key or f"{spec.kind}:{slug}"))
    source = SourceInfo(iri=URIRef(f"{DEFAULT_BASE}source/{spec.kind}-{slug}"),
                        label=source_label.format(name=table.path.name), table=table,
                        local_file=f"{SOURCES_DIR}/{spec.kind}-{slug}{table.path.suffix.lower() or '.csv'}",
                        standard=spec.standard)
    return CsvImport(kind=spec.kind, table=table, data_dir=folder, output=output, slug=slug, report=report,
                     cols=cols, builder=builder, source=source, timings=timings, clock=clock)


def _column_key(name: str) -> str:
    return normalise_name(name).replace(" ", "")


def resolve_columns(
    table: CsvTable,
    fields: dict[str, tuple[str, ...]],
    report: Report,
    *,
    what: str,
    required: Iterable[str] = (),
    warn_inexact: bool = True,
) -> dict[str, str]:
    """Map each field to the header column that holds it: ``{field: column}``.

    ``fields`` gives, for each field, the accepted column names (the first is the published one). A column whose
    name matches once case, accents, spaces and underscores are set aside is accepted too (with a warning when
    ``warn_inexact``, since the standard's name is exact). Unknown columns are reported on row 1 and left out; a
    missing ``required`` column raises :class:`InputError` (the file is not of this kind).
    """
    columns: dict[str, str] = {}
    by_key: dict[str, str] = {}
    for column in table.header:
        by_key.setdefault(_column_key(column), column)
    used: set[str] = set()
    for name, spellings in fields.items():
        exact = next((s for s in spellings if s in table.header and s not in used), None)
        if exact is not None:
            columns[name] = exact
            used.add(exact)
            continue
        close = next((by_key[_column_key(s)] for s in spellings
                      if _column_key(s) in by_key and by_key[_column_key(s)] not in used), None)
        if close is not None:
            columns[name] = close
            used.add(close)
            if warn_inexact:
                report.warning(table.path.name, 1, close, "", f"read as the column {spellings[0]!r} of {what}; "
                               f"the standard spells it {spellings[0]!r}")
    missing = [fields[f][0] for f in required if f not in columns]
    if missing:
        found = ", ".join(table.header[:20]) + (f", … ({len(table.header) - 20} more)" if len(table.header) > 20 else "")
        raise InputError(f"is not a {what} file: the header lacks the column(s) {', '.join(missing)} "
                         f"(found: {found})", path=table.path, line=1)
    for column in table.header:
        if column not in used:
            report.warning(table.path.name, 1, column, "", f"unknown column for {what}: left out of the import")
    return columns


__all__ = [
    "Builder", "ImportResult", "SourceInfo", "Standard", "Staged", "RFC7111", "finish", "plan_paths",
    "check_data_dir", "output_prefixes", "resolve_columns", "import_time",
]
