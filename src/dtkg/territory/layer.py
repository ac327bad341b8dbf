"""The territorial layer of a dataset: the part of the reference that a build loads beside the data.

Three modes (``dtkg build --territory MODE``):

- ``linked`` (the default): every territory of the régions where the data has a commune or a commune's or EPCI's
  organisation (all their communes, EPCI, départements), plus the EPCI that have a member commune there and their
  other members, plus the governing bodies that the data itself names (by SIREN). Territorial questions about
  those régions get complete answers; the graph stays small (Hauts-de-France: 3 782 communes, about 40 000 triples).
- ``full``: the whole of France (about 580 000 triples, read from ``data/territory/france.nt.gz``).
- ``none``: nothing.

Every triple comes from :class:`dtkg.territory.rdf.Writer`, so the linked layer says exactly what the full file says
about the same resources. The layer is one named graph, ``<base>graph/territory``.
"""

from __future__ import annotations

import gzip
import io
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset

from ..errors import InputError
from ..formats import TERRITORY_MODES
from ..namespaces import DEFAULT_BASE
from .rdf import Writer
from .reference import RDF_FILE, Reference, load_reference

MODES = TERRITORY_MODES


def graph_iri(base: str = DEFAULT_BASE) -> str:
    """The named graph that holds the territorial layer."""
    return f"{base}graph/territory"


_LINKS = """
SELECT DISTINCT ?x ?code ?siren WHERE {
  { ?x <http://rdf.insee.fr/def/geo#codeINSEE> ?code }
  UNION { ?x <https://w3id.org/dtkg/ontology#siren> ?siren }
}"""


def linked_lines(store: ox.Store, ref: Reference, base: str = DEFAULT_BASE) -> list[str]:
    """The N-Triples lines of the linked layer for the data in ``store``, in a stable order."""
    regions, bodies = _linked_keys(store, ref, base)
    return list(_lines_for(frozenset(regions), tuple(sorted(bodies.items())), base, id(ref)))


def _linked_keys(store: ox.Store, ref: Reference, base: str) -> tuple[set[str], dict[str, str]]:
    """The régions the data is in, and the bodies it names (SIREN → the IRI the data gives the body)."""
    regions: set[str] = set()
    bodies: dict[str, str] = {}  # SIREN -> IRI the data gives the body
    for row in store.query(_LINKS, use_default_graph_as_union=True):
        x, code, siren = row[0], row[1], row[2]
        if code is not None and code.value in ref.communes:
            regions.add(ref.communes[code.value].region)
        if siren is not None and siren.value in ref.by_siren and isinstance(x, ox.NamedNode):
            kind, key = ref.by_siren[siren.value]
            members = [key] if kind == "commune" else list(ref.epcis[key].members)
            regions |= {ref.communes[m].region for m in members if m in ref.communes}
            bodies.setdefault(siren.value, x.value)
    for siren, local in ref.known_iris.items():  # the seed's own bodies, when the data holds them
        if siren not in bodies and _exists(store, base + local):
            bodies[siren] = base + local
    return regions, bodies


@lru_cache(maxsize=8)
def _lines_for(regions: frozenset[str], bodies: tuple[tuple[str, str], ...], base: str, ref_id: int) -> tuple[str, ...]:
    """The lines of the layer for these régions and bodies (cached: rebuilding the seed writes the same layer)."""
    ref = load_reference()
    w = Writer(ref, base)
    deps = sorted(code for code, d in ref.departements.items() if d.region in regions)
    communes = {code for code, c in ref.communes.items() if c.region in regions}
    epcis = sorted(s for s, e in ref.epcis.items() if any(m in communes for m in e.members))
    communes |= {m for s in epcis for m in ref.epcis[s].members if m in ref.communes}
    lines: list[str] = []
    for code in sorted(regions):
        if code in ref.regions:
            lines += w.area("region", ref.regions[code])
    for code in deps:
        lines += w.area("departement", ref.departements[code])
    for siren in epcis:
        lines += w.epci(ref.epcis[siren])
    for code in sorted(communes):
        lines += w.commune(ref.communes[code])
    for siren, subject in bodies:
        lines += w.body(siren, subject=subject)
    return tuple(lines)


def _exists(store: ox.Store, iri: str) -> bool:
    return any(True for _ in store.quads_for_pattern(ox.NamedNode(iri), None, None))


def full_file(folder: Path | None = None) -> Path:
    from ..resources import seed_data_dir

    return (folder or seed_data_dir()) / RDF_FILE


def add_territory(ds: Dataset, mode: str = "linked", *, base: str = DEFAULT_BASE) -> int:
    """Add the territorial layer (``mode``: linked, full or none) to ``ds`` as the graph ``<base>graph/territory``.

    Returns the number of triples added (-1 when the full file was bulk-loaded without counting)."""
    if mode not in MODES:
        raise InputError(f"unknown territory mode {mode!r}; choose one of {', '.join(MODES)}")
    if mode == "none":
        return 0
    from ..load import ox_store, to_oxigraph

    store = ox_store(ds)
    target = ox.NamedNode(graph_iri(base))
    if mode == "full":
        return _add_full(ds, store, target, base)
    lines = linked_lines(store if store is not None else to_oxigraph(ds), load_reference(), base)
    data = "".join(lines).encode("utf-8")
    if store is not None:
        store.bulk_load(input=data, format=ox.RdfFormat.N_TRIPLES, to_graph=target)
        _drop_repeated(store, target, small_layer=True)
    else:
        _add_rdflib(ds, ox.parse(data, format=ox.RdfFormat.N_TRIPLES), target)
    return len(lines)


def _drop_repeated(store: ox.Store, target: ox.NamedNode, *, small_layer: bool = False) -> None:
    """Remove from the layer the triples that a data file already states (the seed's communes, its bodies' SIREN).

    Oxigraph's union of graphs keeps one copy per graph, so a triple stated twice would give repeated rows to queries
    that do not ask for DISTINCT; the data's own statement is kept, with its provenance. The smaller side is read:
    a linked layer (a few thousand triples) is looked up in the data, the data is looked up in a full layer."""
    if small_layer:
        layer = list(store.quads_for_pattern(None, None, None, target))
        repeated = [q for q in layer
                    if any(other.graph_name != target and not isinstance(other.graph_name, ox.DefaultGraph) for other in store.quads_for_pattern(q.subject, q.predicate,
                                                                                          q.object, None))]
    else:
        repeated = [ox.Quad(q.subject, q.predicate, q.object, target)
                    for graph in list(store.named_graphs()) if graph != target  # the data's graphs, not the layer's
                    for q in store.quads_for_pattern(None, None, None, graph)]
    for quad in repeated:
        store.remove(quad)  # a no-op for the data's triples the layer does not repeat


def _add_full(ds: Dataset, store: ox.Store | None, target: ox.NamedNode, base: str) -> int:
    path = full_file()
    if not path.is_file():
        raise InputError("the territorial reference is missing (regenerate it with scripts/territory.py)", path=path)
    with open(path, "rb") as raw:
        text = io.BufferedReader(gzip.GzipFile(fileobj=raw), buffer_size=1 << 22)
        if store is not None and base == DEFAULT_BASE:
            # load, not bulk_load: as fast here, and its peak memory is 220 MiB instead of 345 (measured)
            store.load(input=text, format=ox.RdfFormat.N_TRIPLES, to_graph=target)
            _drop_repeated(store, target)
            return -1
        from ..load import _rebased

        quads = list(_rebased(ox.parse(text, format=ox.RdfFormat.N_TRIPLES), base))
    if store is not None:
        store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, target) for q in quads)
        _drop_repeated(store, target)
    else:
        _add_rdflib(ds, quads, target)
    return len(quads)


def _add_rdflib(ds: Dataset, quads, target: ox.NamedNode) -> None:
    from rdflib import URIRef

    from ..terms import to_rdflib

    g = ds.graph(URIRef(target.value))
    for q in quads:
        g.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
