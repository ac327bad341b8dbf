"""Reconciliation: what the data folder (and the seed data) already knows, so that an imported organisation with a
known SIREN or RNA number, or a commune with a known INSEE code, becomes the *same* resource, and so that a
possible duplicate without an identifier is reported rather than merged.

:class:`KnownData` indexes the RDF files once (a per-process cache keyed by path, size and modification time keeps
repeated imports fast); :class:`Reconciler` answers the questions of one import run and remembers what the run
minted, so that IRIs are stable: the same file imported twice gives the same IRIs.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rdflib import Literal, URIRef

from ..load import data_files, iter_folders, parse_file
from ..namespaces import DEFAULT_BASE
from .terms import DTKG, FOAF, IGEO, ORG, RDF, RDFS, SCHEMA, SKOS
from .values import OrgId, normalise_name, slugify

_NAME_PROPERTIES = (RDFS.label, SKOS.altLabel, SKOS.prefLabel, SCHEMA.name, FOAF.name)
#: Single-valued facts (``sh:maxCount 1`` in the shapes) that an import must not contradict.
SINGLE_VALUED = (SCHEMA.latitude, SCHEMA.longitude)
_INDEXED = {DTKG.siren, DTKG.rna, IGEO.codeINSEE, RDF.type, SKOS.inScheme, SCHEMA.containedInPlace,
            SCHEMA.amount, SCHEMA.value, SCHEMA.currency, DTKG.localFile, *_NAME_PROPERTIES, *SINGLE_VALUED}


@dataclass
class FileIndex:
    """What one RDF file says that reconciliation needs."""

    subjects: set[URIRef] = field(default_factory=set)
    siren: dict[str, set[URIRef]] = field(default_factory=lambda: defaultdict(set))
    rna: dict[str, set[URIRef]] = field(default_factory=lambda: defaultdict(set))
    insee: dict[str, set[URIRef]] = field(default_factory=lambda: defaultdict(set))
    types: dict[URIRef, set[URIRef]] = field(default_factory=lambda: defaultdict(set))
    names: dict[URIRef, list[Literal]] = field(default_factory=lambda: defaultdict(list))
    labels: dict[URIRef, list[Literal]] = field(default_factory=lambda: defaultdict(list))
    scheme: dict[URIRef, set[URIRef]] = field(default_factory=lambda: defaultdict(set))
    contained_in: dict[URIRef, set[URIRef]] = field(default_factory=lambda: defaultdict(set))
    amount_node: dict[URIRef, set] = field(default_factory=lambda: defaultdict(set))
    amount_parts: dict = field(default_factory=lambda: defaultdict(dict))
    local_file: dict[URIRef, Path] = field(default_factory=dict)
    single: dict[tuple[URIRef, URIRef], set[Literal]] = field(default_factory=lambda: defaultdict(set))


#: The label an import gives an organisation whose name its source does not give (see ``Builder.organisation``).
PLACEHOLDER = re.compile(r"^(?:Organisation SIREN [0-9]{9}|Association RNA W[0-9A-Z][0-9]{8})$")

_CACHE: dict[tuple[str, int, int, str], FileIndex] = {}


def index_file(path: Path, folder: Path) -> FileIndex:
    """Index one RDF file (cached while the file's size and modification time do not change).

    Files are parsed with Oxigraph when :mod:`dtkg.load` offers it (a previous import of 100,000 rows is read in
    seconds), else with rdflib."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, str(folder.resolve()))
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    try:
        from ..load import parse_quads
    except ImportError:  # pragma: no cover - an rdflib-only dtkg
        idx = _index_rdflib(path, folder)
    else:
        idx = _index_oxigraph(parse_quads(path), folder)
    _CACHE[key] = idx
    if len(_CACHE) > 256:  # a long-running process importing many folders: keep the cache bounded
        _CACHE.pop(next(iter(_CACHE)))
    return idx


def _index_oxigraph(quads, folder: Path) -> FileIndex:
    import pyoxigraph as ox

    from ..terms import to_rdflib

    idx = FileIndex()
    subjects: set[str] = set()
    wanted = {str(p): p for p in _INDEXED}
    iris: dict[str, URIRef] = {}

    def iri(text: str) -> URIRef:
        found = iris.get(text)
        if found is None:
            found = iris[text] = URIRef(text)
        return found

    named, lit_type = ox.NamedNode, ox.Literal
    for q in quads:
        s = q.subject
        s_named = type(s) is named
        if s_named:
            subjects.add(s.value)
        p = wanted.get(q.predicate.value)
        if p is None:
            continue
        o = q.object
        if p == SCHEMA.value or p == SCHEMA.currency:
            if type(o) is lit_type:
                idx.amount_parts[s][p] = Literal(o.value)
            continue
        if not s_named:
            continue
        subject = iri(s.value)
        if p == RDF.type:
            if type(o) is named:
                idx.types[subject].add(iri(o.value))
        elif p == DTKG.siren:
            idx.siren[o.value].add(subject)
        elif p == DTKG.rna:
            idx.rna[o.value].add(subject)
        elif p == IGEO.codeINSEE:
            idx.insee[o.value].add(subject)
        elif p in _NAME_PROPERTIES:
            if type(o) is lit_type:
                value = to_rdflib(o)
                idx.names[subject].append(value)
                if p == RDFS.label:
                    idx.labels[subject].append(value)
        elif p == SKOS.inScheme or p == SCHEMA.containedInPlace:
            if type(o) is named:
                (idx.scheme if p == SKOS.inScheme else idx.contained_in)[subject].add(iri(o.value))
        elif p == SCHEMA.amount:
            idx.amount_node[subject].add(o)
        elif p == DTKG.localFile:
            idx.local_file[subject] = folder / o.value
        elif p in SINGLE_VALUED and type(o) is lit_type:
            idx.single[(subject, p)].add(to_rdflib(o))
    idx.subjects = {iri(text) for text in subjects}
    return idx


def _index_rdflib(path: Path, folder: Path) -> FileIndex:
    idx = FileIndex()
    ds = parse_file(path, base=DEFAULT_BASE)
    for s, p, o, _ in ds.quads((None, None, None, None)):
        if isinstance(s, URIRef):
            idx.subjects.add(s)
        if p not in _INDEXED:
            continue
        if p in (SCHEMA.value, SCHEMA.currency):
            idx.amount_parts[s][p] = o
            continue
        if not isinstance(s, URIRef):
            continue
        if p == RDF.type and isinstance(o, URIRef):
            idx.types[s].add(o)
        elif p == DTKG.siren:
            idx.siren[str(o)].add(s)
        elif p == DTKG.rna:
            idx.rna[str(o)].add(s)
        elif p == IGEO.codeINSEE:
            idx.insee[str(o)].add(s)
        elif p in _NAME_PROPERTIES and isinstance(o, Literal):
            idx.names[s].append(o)
            if p == RDFS.label:
                idx.labels[s].append(o)
        elif p == SKOS.inScheme and isinstance(o, URIRef):
            idx.scheme[s].add(o)
        elif p == SCHEMA.containedInPlace and isinstance(o, URIRef):
            idx.contained_in[s].add(o)
        elif p == SCHEMA.amount:
            idx.amount_node[s].add(o)
        elif p == DTKG.localFile:
            idx.local_file[s] = folder / str(o)
        elif p in SINGLE_VALUED and isinstance(o, Literal):
            idx.single[(s, p)].add(o)
    return idx


class KnownData:
    """The seed data and the RDF files of a data folder, indexed for reconciliation.

    ``exclude`` names files to leave out: the file an import is about to replace, so that re-importing a file
    gives the same result as importing it the first time.
    """

    def __init__(self, data_dir: Path | None, *, seed: bool = True, exclude: Iterable[Path] = ()) -> None:
        excluded = {Path(p).resolve() for p in exclude}
        self.files: list[Path] = []
        self.subjects: set[URIRef] = set()
        self.siren: dict[str, set[URIRef]] = defaultdict(set)
        self.rna: dict[str, set[URIRef]] = defaultdict(set)
        self.insee: dict[str, set[URIRef]] = defaultdict(set)
        self.types: dict[URIRef, set[URIRef]] = defaultdict(set)
        self.names: dict[URIRef, list[Literal]] = defaultdict(list)
        self.labels: dict[URIRef, list[Literal]] = defaultdict(list)
        self.scheme: dict[URIRef, set[URIRef]] = defaultdict(set)
        self.contained_in: dict[URIRef, set[URIRef]] = defaultdict(set)
        self.amounts: dict[URIRef, set[tuple[Decimal, str]]] = defaultdict(set)
        self.local_file: dict[URIRef, Path] = {}
        self.single: dict[tuple[URIRef, URIRef], set[Literal]] = defaultdict(set)
        dirs = [data_dir] if data_dir is not None and Path(data_dir).is_dir() else []
        for folder, _ in iter_folders(dirs, seed):
            for path in data_files(folder):
                if path.resolve() in excluded:
                    continue
                self.files.append(path)
                self._merge(index_file(path, folder))
        self._org_names: dict[str, set[URIRef]] | None = None
        self._place_names: dict[tuple[str, URIRef], set[URIRef]] | None = None
        self._concepts: dict[tuple[URIRef, str], URIRef] | None = None
        self._siren_of: dict[URIRef, str] | None = None
        self._rna_of: dict[URIRef, str] | None = None

    def _merge(self, idx: FileIndex) -> None:
        self.subjects |= idx.subjects
        for mine, theirs in ((self.siren, idx.siren), (self.rna, idx.rna), (self.insee, idx.insee),
                             (self.types, idx.types), (self.scheme, idx.scheme),
                             (self.contained_in, idx.contained_in)):
            for k, v in theirs.items():
                mine[k] |= v
        for k, v in idx.names.items():
            self.names[k].extend(v)
        for k, v in idx.labels.items():
            self.labels[k].extend(v)
        for grant, nodes in idx.amount_node.items():
            for node in nodes:
                parts = idx.amount_parts.get(node, {})
                value, currency = parts.get(SCHEMA.value), parts.get(SCHEMA.currency)
                if value is None:
                    continue
                try:
                    self.amounts[grant].add((Decimal(str(value)), str(currency or "")))
                except InvalidOperation:
                    continue
        self.local_file.update(idx.local_file)
        for k, v in idx.single.items():
            self.single[k] |= v

    # ------------------------------------------------------------------------------------------------ questions

    def exists(self, iri: URIRef) -> bool:
        """True when some file describes ``iri`` (has a triple with it as subject)."""
        return iri in self.subjects

    def is_a(self, iri: URIRef, cls: URIRef) -> bool:
        return cls in self.types.get(iri, ())

    def name_keys(self, iri: URIRef) -> set[str]:
        """The normalised names (labels, alternative labels, names) of ``iri``."""
        return {normalise_name(str(n)) for n in self.names.get(iri, ())}

    def has_label(self, iri: URIRef) -> bool:
        """True when the data gives ``iri`` a real ``rdfs:label`` (a name from a file then becomes an altLabel);
        the placeholder an import gives an organisation known only by its number does not count."""
        return any(not PLACEHOLDER.match(str(label)) for label in self.labels.get(iri, ()))

    def display(self, iri: URIRef) -> str:
        """A label to show in a report: the French rdfs:label, else another label or name, else the IRI's end."""
        labels = [label for label in self.labels.get(iri, []) if not PLACEHOLDER.match(str(label))]
        names = self.names.get(iri, [])
        for group in (labels, names):
            for lit in sorted(group, key=lambda lit: (lit.language != "fr", lit.language is None, str(lit))):
                return str(lit)
        return str(iri).rsplit("/", 1)[-1]

    def one(self, found: set[URIRef]) -> URIRef | None:
        return min(found, key=str) if found else None

    def org_names(self) -> dict[str, set[URIRef]]:
        """Organisations by normalised name (built on first use)."""
        if self._org_names is None:
            out: dict[str, set[URIRef]] = defaultdict(set)
            for iri, types in self.types.items():
                if ORG.Organization in types:
                    for key in self.name_keys(iri):
                        out[key].add(iri)
            self._org_names = out
        return self._org_names

    def place_names(self) -> dict[tuple[str, URIRef], set[URIRef]]:
        """Places by (normalised name, commune)."""
        if self._place_names is None:
            out: dict[tuple[str, URIRef], set[URIRef]] = defaultdict(set)
            for iri, types in self.types.items():
                if ORG.Site in types or SCHEMA.Place in types:
                    for commune in self.contained_in.get(iri, ()):
                        for key in self.name_keys(iri):
                            out[(key, commune)].add(iri)
            self._place_names = out
        return self._place_names

    def concept(self, scheme: URIRef, label: str) -> URIRef | None:
        """The concept of ``scheme`` whose label (any language, normalised) is ``label``, if any."""
        if self._concepts is None:
            out: dict[tuple[URIRef, str], URIRef] = {}
            for iri, schemes in sorted(self.scheme.items()):
                for sch in schemes:
                    for key in self.name_keys(iri):
                        out.setdefault((sch, key), iri)
            self._concepts = out
        return self._concepts.get((scheme, normalise_name(label)))

    def siren_of(self, iri: URIRef) -> str | None:
        """The SIREN the data gives ``iri``, if any."""
        if self._siren_of is None:
            self._siren_of = {i: s for s, iris in sorted(self.siren.items()) for i in iris}
        return self._siren_of.get(iri)

    def rna_of(self, iri: URIRef) -> str | None:
        """The RNA number the data gives ``iri``, if any."""
        if self._rna_of is None:
            self._rna_of = {i: r for r, iris in sorted(self.rna.items()) for i in iris}
        return self._rna_of.get(iri)


@dataclass
class OrgMatch:
    """How the run resolved an organisation: its IRI, whether the data already describes it, whether this is the
    first time the run meets it, and what to report."""

    iri: URIRef
    known: bool
    first: bool
    notes: list[str] = field(default_factory=list)


class Reconciler:
    """The questions one import run asks, with the answers remembered so that they stay consistent in the run."""

    def __init__(self, known: KnownData, *, base: str = DEFAULT_BASE, run_key: str = "") -> None:
        self.known = known
        self.base = base
        self.run_key = run_key
        self.by_siren: dict[str, URIRef] = {}
        self.by_rna: dict[str, URIRef] = {}
        self.by_name: dict[str, URIRef] = {}
        self.met: set[URIRef] = set()
        self.minted_names: dict[str, set[URIRef]] = defaultdict(set)
        self.identified: set[URIRef] = set()
        self.reported_pairs: set[tuple[URIRef, URIRef]] = set()
        self._class_names: dict[URIRef, dict[str, set[URIRef]]] = {}
        self._communes: dict[str, set[URIRef]] | None = None

    def iri(self, kind: str, local: str) -> URIRef:
        return URIRef(f"{self.base}{kind}/{local}")

    def first_time(self, iri: URIRef) -> bool:
        """True the first time the run meets ``iri`` (its facts and its row are written then)."""
        if iri in self.met:
            return False
        self.met.add(iri)
        return True

    def organisation(self, org_id: OrgId, name: str | None) -> OrgMatch:
        """The organisation a row names: by SIREN, else by RNA (existing IRI, or a stable minted one), else by name
        within this run only (a name never merges with another file's organisation: it is reported instead)."""
        notes: list[str] = []
        iri: URIRef | None = None
        known = False
        if org_id.siren:
            found = self.known.siren.get(org_id.siren, set())
            if len(found) > 1:
                notes.append(f"SIREN {org_id.siren} is held by {len(found)} resources in the data: "
                             + ", ".join(sorted(str(f) for f in found)))
            iri = self.by_siren.get(org_id.siren) or self.known.one(found)
            known = bool(found)
            if iri is None:
                # a commune's or an EPCI's SIREN: that territory's body, under the IRI the reference gives it
                local = territory_body(org_id.siren)
                iri = URIRef(self.base + local) if local else self.iri("organisation", f"siren-{org_id.siren}")
                known = self.known.exists(iri)
            if org_id.rna:
                by_rna = self.known.rna.get(org_id.rna, set())
                others = {o for o in by_rna if o != iri}
                if others:
                    holders = ", ".join(sorted(str(o) for o in others))
                    notes.append(f"RNA {org_id.rna} belongs to {holders} in the data, "
                                 f"but SIREN {org_id.siren} to {iri}: they are kept apart; check them")
        elif org_id.rna:
            found = self.known.rna.get(org_id.rna, set())
            iri = self.by_rna.get(org_id.rna) or self.known.one(found)
            known = bool(found)
            if iri is None:
                iri = self.iri("organisation", f"rna-{org_id.rna}")
                known = self.known.exists(iri)
        else:
            key = normalise_name(name or "")
            iri = self.by_name.get(key)
            if iri is None:
                digest = hashlib.sha256(f"{self.run_key}\x1f{key}".encode()).hexdigest()[:8]
                iri = self.iri("organisation", f"nom-{slugify(name or 'sans-nom', max_length=40)}-{digest}")
            known = self.known.exists(iri)
            self.by_name[key] = iri
        if org_id.siren:
            self.by_siren[org_id.siren] = iri
        if org_id.rna:
            self.by_rna[org_id.rna] = iri
        if org_id:
            self.identified.add(iri)
        first = self.first_time(iri)
        if first and name:
            notes.extend(self._possible_duplicates(iri, name, bool(org_id) or self._has_identifier(iri)))
        return OrgMatch(iri, known, first, notes)

    def _has_identifier(self, iri: URIRef) -> bool:
        return self.known.siren_of(iri) is not None or self.known.rna_of(iri) is not None

    def _possible_duplicates(self, iri: URIRef, name: str, identified: bool) -> list[str]:
        """Organisations with the same normalised name but another IRI, where one side has no identifier."""
        key = normalise_name(name)
        notes = []
        candidates = set(self.known.org_names().get(key, set())) | self.minted_names.get(key, set())
        self.minted_names[key].add(iri)
        for other in sorted(candidates - {iri}, key=str):
            other_identified = self._has_identifier(other) or other in self.identified
            if identified and other_identified:
                continue  # two different identifiers: two organisations that happen to share a name
            pair = (min(iri, other, key=str), max(iri, other, key=str))
            if pair in self.reported_pairs:
                continue
            self.reported_pairs.add(pair)
            shown = self.known.display(other) if other in self.known.subjects else name
            notes.append(f"possible duplicate of {_short(other)} (« {shown} »): "
                         "same name, no shared identifier; not merged — add its SIREN/RNA to both, or fix the name")
        return notes

    def commune(self, code: str) -> tuple[URIRef, bool]:
        """The commune with INSEE ``code``: the existing resource, else ``<base>commune/<code>``."""
        found = self.known.insee.get(code, set())
        iri = self.known.one(found) or self.iri("commune", code)
        return iri, bool(found) or self.known.exists(iri)

    def resolve_commune(self, name: str, *, postal_code: str | None = None,
                        departement: str | None = None) -> tuple[str | None, str]:
        """The INSEE code of the commune called ``name`` in the territorial reference, narrowed by postal code or
        département when the name alone is ambiguous: ``(code, "")``, or ``(None, why)`` where ``why`` says that no
        commune has that name or lists the candidates (« Bailleul » is in the Nord, the Orne and the Somme)."""
        return resolve_commune_name(name, postal_code=postal_code, departement=departement)

    def commune_by_name(self, name: str) -> URIRef | None:
        """The one commune of the data whose name is ``name`` (None when there is none or several)."""
        if self._communes is None:
            self._communes = defaultdict(set)
            for iri, types in self.known.types.items():
                if IGEO.Commune in types:
                    for key in self.known.name_keys(iri):
                        self._communes[key].add(iri)
        found = self._communes.get(normalise_name(name), set())
        return next(iter(found)) if len(found) == 1 else None

    def possible_place_duplicates(self, iri: URIRef, name: str, commune: URIRef) -> list[str]:
        """Places with the same normalised name in the same commune under another IRI."""
        others = self.known.place_names().get((normalise_name(name), commune), set()) - {iri}
        return [f"possible duplicate of {_short(o)} (« {self.known.display(o)} », same name in the same commune); "
                "not merged — use its id to add facts to it" for o in sorted(others, key=str)]

    def possible_duplicates_by_name(self, iri: URIRef, name: str, cls: URIRef) -> list[str]:
        """Resources of class ``cls`` with the same normalised name under another IRI (reported, not merged)."""
        index = self._class_names.get(cls)
        if index is None:
            index = defaultdict(set)
            for other, types in self.known.types.items():
                if cls in types:
                    for key in self.known.name_keys(other):
                        index[key].add(other)
            self._class_names[cls] = index
        others = index.get(normalise_name(name), set()) - {iri}
        return [f"possible duplicate of {_short(o)} (« {self.known.display(o)} », same name); not merged"
                for o in sorted(others, key=str)]

    def concept(self, scheme: URIRef, kind: str, label: str, local: str | None = None) -> tuple[URIRef, bool]:
        """The concept of ``scheme`` labelled ``label`` (existing, else ``<base><kind>/<slug>``), and whether it is
        already described. With ``local`` (a code), the concept is ``<base><kind>/<local>`` whatever its label."""
        if local is None:
            found = self.known.concept(scheme, label)
            if found is not None:
                return found, True
        iri = self.iri(kind, local or slugify(label, max_length=80))
        return iri, self.known.exists(iri)


def territory_body(siren: str) -> str | None:
    """The local IRI (``organisation/…``) of the commune or EPCI whose SIREN is ``siren``, from the territorial
    reference; None for any other SIREN (or when the reference is not installed)."""
    from ..errors import InputError
    from ..territory import load_reference

    try:
        return load_reference().organisation_local(siren)
    except InputError:
        return None


def resolve_commune_name(name: str, *, postal_code: str | None = None,
                         departement: str | None = None) -> tuple[str | None, str]:
    """See :meth:`Reconciler.resolve_commune`."""
    from ..territory import find_communes

    everywhere = find_communes(name)
    if not everywhere:
        return None, f"no current commune of France is called « {name} » (check the spelling, or give its INSEE code)"
    if len(everywhere) == 1 and not postal_code and not departement:
        return everywhere[0].insee, ""
    narrowed = everywhere
    if postal_code:
        narrowed = [c for c in narrowed if postal_code.strip() in c.postal_codes]
    if departement:
        narrowed = [c for c in narrowed if c.departement == departement.strip().upper()]
    if len(narrowed) == 1:
        return narrowed[0].insee, ""
    listed = "; ".join(f"{c.insee} {c.name} (département {c.departement}, code postal {', '.join(c.postal_codes)})"
                       for c in everywhere)
    given = " and ".join(x for x in (f"postal code {postal_code}" if postal_code else "",
                                      f"département {departement}" if departement else "") if x)
    if not narrowed and given:
        return None, f"no commune « {name} » with {given}; the communes of that name are: {listed}"
    return None, (f"{len(everywhere)} communes are called « {name} »: {listed}; "
                  "give the INSEE code, or the postal code or département to choose")


def _short(iri: URIRef) -> str:
    text = str(iri)
    if text.startswith(DEFAULT_BASE):
        kind, _, local = text[len(DEFAULT_BASE):].partition("/")
        return f"{kind.replace('-', '')}:{local}"
    return f"<{text}>"
