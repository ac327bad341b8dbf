"""Loading: the ontology and every data file into one ``rdflib.Dataset``, one named graph per file.

Keeping each file in its own named graph lets a user see where a triple came from (TriG export, ``GRAPH ?g``
queries) while queries see the union of all graphs by default.

Two engines hold the data (see ``docs/benchmarks.md`` for the measurements behind the default):

- ``oxigraph`` (default): the dataset lives in an Oxigraph store (pyoxigraph, wrapped for rdflib by oxrdflib).
  Files are parsed by Oxigraph's parsers and SPARQL query strings run on Oxigraph's engine. With ``store=DIR`` the
  store is persistent on disk.
- ``memory``: rdflib's in-memory store and pure-Python SPARQL engine (slower; kept for comparison).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from .errors import InputError
from .formats import ENGINES as _ENGINES
from .store import build_store, is_store, open_store, store_base  # noqa: F401 - where callers find them
from .namespaces import DEFAULT_BASE, ONTOLOGY_IRI, PREFIXES, data_prefixes
from .resources import ontology_file, seed_data_dir
from .terms import plain, to_rdflib, triples_to_store

#: File endings read as RDF, with their Oxigraph format.
RDF_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE, ".trig": ox.RdfFormat.TRIG, ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS, ".jsonld": ox.RdfFormat.JSON_LD,
}
_QUAD_FORMATS = {".trig", ".nq", ".jsonld"}

#: The engines that can hold a dataset; the first is the default (see :mod:`dtkg.formats`).
ENGINES = _ENGINES


def configured_base(base: str | None = None) -> str:
    """The base IRI for the data: ``base`` if given, else ``$DTKG_BASE``, else :data:`DEFAULT_BASE`.

    A base must be an absolute http(s) IRI ending in ``/`` or ``#`` so that ``<base>organisation/cud`` is an IRI.
    """
    value = base or os.environ.get("DTKG_BASE") or DEFAULT_BASE
    if not value.startswith(("http://", "https://")) or not value.endswith(("/", "#")) or " " in value:
        raise InputError(f"the base IRI {value!r} must start with http:// or https:// and end with '/' or '#'")
    return value


def data_files(folder: Path) -> list[Path]:
    """The RDF files under ``folder`` (recursively), in a stable order so that loads are reproducible."""
    if not folder.is_dir():
        raise InputError("is not a folder", path=folder)
    return sorted(p for p in folder.rglob("*") if p.suffix in RDF_FORMATS and p.is_file())


_FORMAT_NAMES = {".ttl": "turtle", ".trig": "trig", ".nt": "n-triples", ".nq": "n-quads", ".jsonld": "json-ld"}
_RDFLIB_FORMATS = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads", ".jsonld": "json-ld"}


def _syntax_error(path: Path, exc: SyntaxError) -> InputError:
    """A parser error as one line naming the file, the line and the problem.

    Oxigraph finds the error; for files up to a few megabytes rdflib's parser is asked too, because it says more
    about the commonest mistakes ("newline found in string literal" where Oxigraph reaches the end of the file).
    """
    kind = _FORMAT_NAMES.get(path.suffix, path.suffix)
    if path.stat().st_size <= 5_000_000 and path.suffix in (".ttl", ".trig"):
        detail = _rdflib_syntax_error(path)
        if detail is not None:
            line, why, near = detail
            return InputError(f"bad {kind} syntax: {why}" + (f" (near: {near[:80]!r})" if near else ""),
                              path=path, line=line)
    message = str(exc)
    if " (" in message and message.endswith(")"):
        message = message[: message.rindex(" (")]  # Oxigraph repeats the file and line at the end
    if ": " in message and message.startswith("Parser error"):
        message = message.split(": ", 1)[1]
    column = f", column {exc.offset}" if exc.offset else ""
    return InputError(f"bad {kind} syntax{column}: {message}", path=path, line=exc.lineno)


def _rdflib_syntax_error(path: Path) -> tuple[int, str, str] | None:
    """(line, reason, text of the line) from rdflib's Turtle/TriG parser, or None if it finds no error."""
    from rdflib.plugins.parsers.notation3 import BadSyntax

    try:
        Dataset().parse(path, format=_RDFLIB_FORMATS[path.suffix])
    except BadSyntax as bad:
        text: bytes = bad._str if isinstance(bad._str, bytes) else str(bad._str).encode()
        line = text[: bad._i].count(b"\n") + 1
        lines = text.splitlines()
        near = lines[line - 1].decode("utf-8", "replace").strip() if 0 < line <= len(lines) else ""
        return line, str(bad._why), near
    except Exception:  # noqa: BLE001 - any other failure: keep Oxigraph's message
        return None
    return None


def _check_utf8(path: Path) -> None:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror}", path=path) from exc
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); save it as UTF-8",
                         path=path, line=line) from exc


def parse_quads(path: Path) -> list[ox.Quad]:
    """Every quad of one RDF file (triples land in the default graph), or :class:`InputError` naming the line."""
    fmt = RDF_FORMATS.get(path.suffix)
    if fmt is None:
        raise InputError(f"unknown RDF file type {path.suffix!r} (expected one of {', '.join(RDF_FORMATS)})", path=path)
    _check_utf8(path)
    try:
        return list(ox.parse(path=path, format=fmt))
    except SyntaxError as exc:
        raise _syntax_error(path, exc) from exc


def parse_file(path: Path, *, base: str = DEFAULT_BASE) -> Dataset:
    """Parse one RDF file into a fresh in-memory ``Dataset``, or raise :class:`InputError` naming the file, line
    and problem. Turtle and N-Triples land in the default graph; TriG and N-Quads keep their named graphs."""
    ds = Dataset()
    for quad in _rebased(parse_quads(path), base):
        graph = (DATASET_DEFAULT_GRAPH_ID if isinstance(quad.graph_name, ox.DefaultGraph)
                 else to_rdflib(quad.graph_name))
        ds.graph(graph).add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return ds


def _rebased(quads: Iterable[ox.Quad], base: str) -> Iterator[ox.Quad]:
    """``quads`` with IRIs under :data:`DEFAULT_BASE` moved under ``base`` (nothing to do for the default base)."""
    if base == DEFAULT_BASE:
        yield from quads
        return

    def move(term):
        if isinstance(term, ox.NamedNode) and term.value.startswith(DEFAULT_BASE):
            return ox.NamedNode(base + term.value[len(DEFAULT_BASE):])
        return term

    for q in quads:
        yield ox.Quad(move(q.subject), move(q.predicate), move(q.object), move(q.graph_name))


def rebase(ds: Dataset, old: str, new: str) -> Dataset:
    """Return an in-memory copy of ``ds`` where every IRI that starts with ``old`` starts with ``new`` instead."""

    def move(term):
        if isinstance(term, URIRef) and term.startswith(old):
            return URIRef(new + term[len(old):])
        return term

    out = Dataset()
    for s, p, o, g in ds.quads((None, None, None, None)):
        out.graph(move(_graph_id(g))).add((move(s), move(p), move(o)))
    return out


def _graph_id(g) -> URIRef:
    """The name of the graph a quad came from (rdflib yields a name or a graph depending on the store)."""
    if g is None:
        return DATASET_DEFAULT_GRAPH_ID
    return getattr(g, "identifier", g)


def graph_name(base: str, folder: Path, path: Path, seed: bool) -> URIRef:
    """The named graph that holds a data file: ``<base>graph/<path relative to its folder>``."""
    rel = path.relative_to(folder).as_posix()
    return URIRef(f"{base}graph/{rel}" if seed else f"{base}graph/{folder.name}/{rel}")


def bind_prefixes(graph: Graph, base: str = DEFAULT_BASE) -> None:
    """Bind the standard and data prefixes on ``graph`` (used by every export)."""
    for prefix, ns in {**PREFIXES, **data_prefixes(base)}.items():
        graph.bind(prefix, ns, override=True, replace=True)


def _oxigraph_store_class():
    """oxrdflib's store, with plain strings given back as rdflib writes them.

    RDF 1.1 makes ``"x"`` and ``"x"^^xsd:string`` the same literal, but rdflib compares them as different terms;
    Oxigraph gives every plain string back with the datatype. Dropping it keeps terms equal to those that rdflib's
    own parsers produce, whichever engine holds the data.
    """
    from oxrdflib import OxigraphStore

    class DtkgOxigraphStore(OxigraphStore):
        def triples(self, triple_pattern, context=None):
            for (s, p, o), contexts in super().triples(triple_pattern, context):
                yield (s, p, plain(o)), contexts

        def query(self, query, initNs, initBindings, queryGraph, **kwargs):
            result = super().query(query, initNs, initBindings, queryGraph, **kwargs)
            if result.type == "SELECT":
                rows = result.bindings
                result.bindings = ({k: plain(v) for k, v in row.items()} for row in rows)
            elif result.type == "CONSTRUCT":
                graph = Graph()
                graph += ((s, p, plain(o)) for s, p, o in result.graph)
                result.graph = graph
            return result

    return DtkgOxigraphStore


def new_dataset(base: str = DEFAULT_BASE, *, engine: str = "oxigraph", store: ox.Store | None = None) -> Dataset:
    """An empty dataset on ``engine`` whose queries see the union of its graphs, with dtkg's prefixes bound."""
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if engine == "oxigraph":
        store_class = _oxigraph_store_class()
        ds = Dataset(store=store_class(store=store if store is not None else ox.Store()), default_union=True)
    else:
        ds = Dataset(default_union=True)
    bind_prefixes(ds, base)
    return ds


def ox_store(ds: Graph) -> ox.Store | None:
    """The Oxigraph store behind ``ds``, or None when ``ds`` lives in rdflib's memory store.

    Fast paths (validation, export, counting) talk to Oxigraph directly instead of going term by term through rdflib.
    """
    from oxrdflib import OxigraphStore

    store = getattr(ds, "store", None)
    return store._inner if isinstance(store, OxigraphStore) else None


def add_file(ds: Dataset, path: Path, name: URIRef, *, base: str = DEFAULT_BASE) -> int:
    """Parse ``path`` and add its triples to ``ds`` under graph ``name`` (TriG graphs keep their names).

    Returns the number of quads added, or -1 when Oxigraph loaded the file directly (not counted, to stay fast).
    """
    target = ox.NamedNode(str(name))
    store = ox_store(ds)
    if store is not None and path.suffix not in _QUAD_FORMATS and base == DEFAULT_BASE:
        try:
            store.bulk_load(path=path, format=RDF_FORMATS[path.suffix], to_graph=target)
        except SyntaxError as exc:
            _check_utf8(path)  # a clearer message when the problem is the encoding
            raise _syntax_error(path, exc) from exc
        except ValueError as exc:
            raise InputError(f"cannot be loaded: {exc}", path=path) from exc
        return -1  # not counted: counting a store means reading all of it
    quads = [
        ox.Quad(q.subject, q.predicate, q.object, target if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name)
        for q in _rebased(parse_quads(path), base)
    ]
    if store is not None:
        store.bulk_extend(quads)
        return len(quads)
    for q in quads:
        ds.graph(to_rdflib(q.graph_name)).add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return len(quads)


def load_dataset(
    data_dirs: Iterable[Path | str] = (),
    *,
    seed: bool = True,
    ontology: bool = True,
    base: str | None = None,
    engine: str = "oxigraph",
    store: Path | str | None = None,
    progress: bool = False,
    territory: str = "linked",
) -> Dataset:
    """Load the ontology, the seed data (unless ``seed=False``) and every RDF file of ``data_dirs``.

    ``territory`` adds the territorial reference as the graph ``<base>graph/territory``: ``linked`` (the territories
    of the régions the data is in), ``full`` (all of France) or ``none`` (see :mod:`dtkg.territory.layer`).

    Each file becomes one named graph (see :func:`graph_name`); the ontology is the graph named by its own IRI.
    The result queries as the union of its graphs. A malformed file raises :class:`InputError` naming the file
    and line.

    With ``store=DIR`` the data goes into a persistent Oxigraph store at ``DIR``, built in a temporary folder beside
    it and swapped in only once everything has loaded: a failed load leaves the previous store as it was.
    ``progress=True`` shows a progress bar on the terminal when loading takes more than a second.
    """
    chosen = configured_base(base)
    folders = list(iter_folders(data_dirs, seed))
    files: list[tuple[Path, URIRef, str]] = []
    if ontology:
        files.append((ontology_file(), URIRef(ONTOLOGY_IRI), DEFAULT_BASE))  # the vocabulary keeps its own IRIs
    for folder, is_seed in folders:
        files += [(path, graph_name(chosen, folder, path, is_seed), chosen) for path in data_files(folder)]
    if store is not None:
        return build_store(Path(store), files, chosen, progress, territory)
    ds = new_dataset(chosen, engine=engine)
    _add_all(ds, files, progress)
    _add_territory(ds, territory, chosen)
    return ds


def _add_territory(ds: Dataset, mode: str, base: str) -> None:
    from .territory.layer import add_territory

    add_territory(ds, mode, base=base)


def _add_all(ds: Dataset, files: list[tuple[Path, URIRef, str]], progress: bool) -> None:
    from .progress import progress_bar

    total = sum(path.stat().st_size for path, _, _ in files)
    with progress_bar("Loading", total, unit="bytes", enabled=progress) as advance:
        for path, name, base in files:
            add_file(ds, path, name, base=base)
            advance(path.stat().st_size)


def iter_folders(data_dirs: Iterable[Path | str], seed: bool = True) -> Iterator[tuple[Path, bool]]:
    """The data folders to read: the seed folder first (when ``seed``), then ``data_dirs`` in order, each once."""
    seen: set[Path] = set()
    folders = ([(seed_data_dir(), True)] if seed else []) + [(Path(d), False) for d in data_dirs]
    for folder, is_seed in folders:
        if not folder.exists():
            raise InputError("no such folder", path=folder)
        key = folder.resolve()
        if key in seen:
            continue
        seen.add(key)
        yield folder, is_seed


def union_graph(ds: Dataset | Graph) -> Graph:
    """All triples of ``ds`` in one plain in-memory ``Graph`` (for code that wants rdflib's own store)."""
    g = Graph()
    for prefix, ns in ds.namespaces():
        g.bind(prefix, ns, override=True, replace=True)
    store = ox_store(ds)
    if store is not None:
        for q in store:
            g.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
        return g
    for triple in ds.triples((None, None, None)):
        g.add(triple)
    return g


def to_oxigraph(data: Graph) -> ox.Store:
    """The Oxigraph store behind ``data``, or a new in-memory one holding a copy of its triples (union of graphs)."""
    store = ox_store(data)
    if store is not None:
        return store
    return triples_to_store(data.triples((None, None, None)))


__all__ = [
    "RDF_FORMATS", "ENGINES", "configured_base", "data_files", "parse_file", "parse_quads", "rebase",
    "load_dataset", "new_dataset", "add_file", "union_graph", "bind_prefixes", "iter_folders", "graph_name",
    "ox_store", "open_store", "is_store", "to_oxigraph",
]
