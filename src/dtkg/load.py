"""Loading: the ontology and every data file into one ``rdflib.Dataset``, one named graph per file.

Keeping each file in its own named graph lets a user see where a triple came from (TriG export, ``GRAPH ?g``
queries) while queries see the union of all graphs by default.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.parsers.notation3 import BadSyntax

from .errors import InputError
from .namespaces import DEFAULT_BASE, ONTOLOGY_IRI, PREFIXES, data_prefixes
from .resources import ontology_file, seed_data_dir

#: File endings read as RDF, with their rdflib parser.
RDF_FORMATS = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads", ".jsonld": "json-ld"}


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


def parse_file(path: Path, *, base: str = DEFAULT_BASE) -> Dataset:
    """Parse one RDF file into a fresh ``Dataset``, or raise :class:`InputError` naming the file, line and problem.

    Turtle and N-Triples land in the default graph; TriG and N-Quads keep their named graphs.
    """
    fmt = RDF_FORMATS.get(path.suffix)
    if fmt is None:
        raise InputError(f"unknown RDF file type {path.suffix!r} (expected one of {', '.join(RDF_FORMATS)})", path=path)
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
    ds = Dataset()
    try:
        ds.parse(data=raw, format=fmt, publicID=path.resolve().as_uri())
    except BadSyntax as exc:
        text: bytes = exc._str if isinstance(exc._str, bytes) else str(exc._str).encode()
        line = text[: exc._i].count(b"\n") + 1
        near = text.splitlines()[line - 1].decode("utf-8", "replace").strip() if text.splitlines() else ""
        raise InputError(f"bad {fmt} syntax: {exc._why}" + (f" (near: {near[:80]!r})" if near else ""),
                         path=path, line=line) from exc
    except Exception as exc:  # other parsers (N-Triples, JSON-LD) raise their own exception types
        line = _line_from_message(str(exc))
        raise InputError(f"bad {fmt} syntax: {exc}", path=path, line=line) from exc
    if base != DEFAULT_BASE:
        ds = rebase(ds, DEFAULT_BASE, base)
    return ds


def _line_from_message(message: str) -> int | None:
    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else None


def rebase(ds: Dataset, old: str, new: str) -> Dataset:
    """Return a copy of ``ds`` where every IRI that starts with ``old`` starts with ``new`` instead.

    This is how one set of data files serves publishers with different bases (``--base`` / ``$DTKG_BASE``).
    """

    def move(term):
        if isinstance(term, URIRef) and term.startswith(old):
            return URIRef(new + term[len(old):])
        return term

    out = Dataset()
    for s, p, o, g in ds.quads((None, None, None, None)):
        gid = _graph_id(g)
        out.graph(move(gid)).add((move(s), move(p), move(o)))
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


def new_dataset(base: str = DEFAULT_BASE) -> Dataset:
    """An empty dataset whose queries see the union of its graphs, with dtkg's prefixes bound."""
    ds = Dataset(default_union=True)
    bind_prefixes(ds, base)
    return ds


def bind_prefixes(graph: Graph, base: str = DEFAULT_BASE) -> None:
    """Bind the standard and data prefixes on ``graph`` (used by every export)."""
    for prefix, ns in {**PREFIXES, **data_prefixes(base)}.items():
        graph.bind(prefix, ns, override=True, replace=True)


def add_file(ds: Dataset, path: Path, name: URIRef, *, base: str = DEFAULT_BASE) -> int:
    """Parse ``path`` and add its triples to ``ds`` under graph ``name`` (TriG graphs keep their names).

    Nothing is added when the file is malformed. Returns the number of quads added.
    """
    parsed = parse_file(path, base=base)
    count = 0
    for s, p, o, g in parsed.quads((None, None, None, None)):
        gid = _graph_id(g)
        target = name if gid == DATASET_DEFAULT_GRAPH_ID else gid
        ds.graph(target).add((s, p, o))
        count += 1
    return count


def load_dataset(
    data_dirs: Iterable[Path | str] = (),
    *,
    seed: bool = True,
    ontology: bool = True,
    base: str | None = None,
) -> Dataset:
    """Load the ontology, the seed data (unless ``seed=False``) and every RDF file of ``data_dirs``.

    Each file becomes one named graph (see :func:`graph_name`); the ontology is the graph named by its own IRI.
    The result queries as the union of its graphs. A malformed file raises :class:`InputError` naming the file
    and line; nothing is half-loaded because each file is parsed completely before it is added.
    """
    chosen = configured_base(base)
    ds = new_dataset(chosen)
    if ontology:
        add_file(ds, ontology_file(), URIRef(ONTOLOGY_IRI))  # the vocabulary keeps its own IRIs
    for folder, is_seed in iter_folders(data_dirs, seed):
        for path in data_files(folder):
            add_file(ds, path, graph_name(chosen, folder, path, is_seed), base=chosen)
    return ds


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


def union_graph(ds: Dataset) -> Graph:
    """All triples of ``ds`` in one plain ``Graph`` (what SHACL validation and Turtle export work on)."""
    g = Graph()
    for prefix, ns in ds.namespaces():
        g.bind(prefix, ns, override=True, replace=True)
    for triple in ds.triples((None, None, None)):
        g.add(triple)
    return g


__all__ = [
    "RDF_FORMATS", "configured_base", "data_files", "parse_file", "rebase", "load_dataset", "new_dataset",
    "add_file", "union_graph", "bind_prefixes", "iter_folders", "graph_name",
]
