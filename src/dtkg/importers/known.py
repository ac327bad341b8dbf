"""What the data folder and the seed data already know (:class:`KnownData`): organisations by SIREN and RNA,
communes by INSEE code, names, types and places, indexed once per file (a per-process cache keyed by path, size and
modification time keeps repeated imports fast). :mod:`dtkg.importers.reconcile` asks it its questions."""

from __future__ import annotations

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
from .values import normalise_name

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
