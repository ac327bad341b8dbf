"""What the graph already holds, as names to look up: organisations, people, places, networks and calls by label,
acronym or alternative label; communes by name (from the territorial reference when it is installed, else from the
communes the graph holds)."""

from __future__ import annotations

import importlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from rdflib import URIRef

from ..importers.known import KnownData
from ..importers.terms import DTKG, FOAF, IGEO, ORG, SCHEMA
from ..importers.values import normalise_name
from ..namespaces import DEFAULT_BASE

_KINDS = {"organisation": ORG.Organization, "person": FOAF.Person, "place": ORG.Site,
          "network": DTKG.PlaceNetwork, "call": DTKG.CallForProjects}


@dataclass(frozen=True)
class Commune:
    """A commune found by its name: INSEE code, name as the reference writes it."""

    insee: str
    name: str
    departement: str | None = None


def find_communes_by_name(name: str, known: KnownData | None) -> list[Commune]:
    """The communes called ``name``: from ``dtkg.territory`` (the territorial reference) when that module exists,
    else from the communes the graph holds. The one place where the two sources meet."""
    try:
        territory = importlib.import_module("dtkg.territory")
    except ImportError:
        territory = None
    finder = getattr(territory, "find_communes", None) if territory is not None else None
    if finder is not None:
        out = []
        for rec in finder(name):
            get = (rec.get if isinstance(rec, dict) else lambda k, r=rec: getattr(r, k, None))
            code = get("insee") or get("code_insee") or get("code")
            if code:
                out.append(Commune(str(code), str(get("name") or get("nom") or name),
                                   get("departement") and str(get("departement"))))
        return out
    if known is None:
        return []
    key = normalise_name(name)
    found = []
    for code, iris in sorted(known.insee.items()):
        for iri in iris:
            if key in known.name_keys(iri):
                found.append(Commune(code, known.display(iri)))
    return found


@dataclass
class Gazetteer:
    """Names of the resources of the graph, normalised, by kind: ``{kind: {name: {local id}}}``."""

    known: KnownData | None
    names: dict[str, dict[str, set[str]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(set)))
    display: dict[str, str] = field(default_factory=dict)
    commune_of: dict[str, str] = field(default_factory=dict)  # place id -> INSEE code
    data_dir: Path | None = None
    seed: bool = True
    _grants: list[tuple[str, str, str, Decimal]] | None = None

    @classmethod
    def from_data(cls, data_dir: Path | None, *, seed: bool = True) -> "Gazetteer":
        known = KnownData(data_dir, seed=seed)
        gaz = cls(known, data_dir=data_dir, seed=seed)
        code_of = {iri: code for code, iris in known.insee.items() for iri in iris}
        for iri, types in known.types.items():
            for kind, cls_iri in _KINDS.items():
                prefix = f"{DEFAULT_BASE}{kind}/"
                if cls_iri in types and str(iri).startswith(prefix):
                    local = str(iri)[len(prefix):]
                    for key in known.name_keys(iri):
                        gaz.names[kind][key].add(local)
                    gaz.display[f"{kind}:{local}"] = known.display(iri)
                    if kind == "place":
                        for commune in known.contained_in.get(iri, ()):
                            if commune in code_of:
                                gaz.commune_of[local] = code_of[commune]
        return gaz

    def lookup(self, kind: str, name: str) -> str | None:
        """The id of the one resource of ``kind`` called ``name`` (label, acronym or alternative label)."""
        key = normalise_name(name)
        for candidate in (key, _strip_article(key)):
            found = self.names.get(kind, {}).get(candidate)
            if found and len(found) == 1:
                return next(iter(found))
        return None

    def lookup_prefix(self, kind: str, name: str) -> str | None:
        """The one resource of ``kind`` whose name starts with ``name`` (a network named in short)."""
        key = _strip_article(normalise_name(name))
        if len(key) < 12:
            return None
        hits = {i for n, ids in self.names.get(kind, {}).items() if n.startswith(key) for i in ids}
        return next(iter(hits)) if len(hits) == 1 else None

    def label(self, kind: str, local: str) -> str:
        return self.display.get(f"{kind}:{local}", local)

    def items(self, kind: str) -> list[tuple[str, str]]:
        """(normalised name, id) of every resource of ``kind`` with one id per name, longest names first."""
        out = [(n, next(iter(ids))) for n, ids in self.names.get(kind, {}).items() if len(ids) == 1 and len(n) >= 3]
        return sorted(out, key=lambda item: -len(item[0]))

    def source_text(self, source_id: str) -> str | None:
        """The text of a source of the graph, when the data keeps a copy."""
        if self.known is None:
            return None
        path = self.known.local_file.get(URIRef(f"{DEFAULT_BASE}source/{source_id}"))
        if path is None or not path.is_file():
            return None
        from ..importers.csvio import decode
        return decode(path.read_bytes(), path)[0]

    def grants(self) -> list[tuple[str, str, str, Decimal]]:
        """The grants of the graph as (id, funder id, recipient id, amount), read on first use (only when a text
        has grants), so that a grant the graph already holds keeps its id in the draft."""
        if self._grants is None:
            from ..load import load_dataset

            dirs = [self.data_dir] if self.data_dir is not None and self.data_dir.is_dir() else []
            ds = load_dataset(dirs, seed=self.seed, ontology=False)
            out = []
            for row in ds.query(_GRANTS_QUERY):
                grant, funder, item, value = (str(v) for v in row)
                if not grant.startswith(f"{DEFAULT_BASE}grant/"):
                    continue
                try:
                    amount = Decimal(value)
                except ArithmeticError:
                    continue
                out.append((_local(grant), _local(funder), _local(item), amount))
            self._grants = out
        return self._grants

    def grant(self, funder: str, recipient: str, amount: Decimal) -> str | None:
        """The id of the one grant of the graph from ``funder`` to ``recipient`` of ``amount``, if any."""
        hits = {g for g, f, r, a in self.grants() if f == funder and r == recipient and a == amount}
        return next(iter(hits)) if len(hits) == 1 else None

    def has_source(self, source_id: str) -> bool:
        return self.known is not None and self.known.exists(URIRef(f"{DEFAULT_BASE}source/{source_id}"))


_GRANTS_QUERY = """
PREFIX schema: <https://schema.org/>
SELECT ?grant ?funder ?item ?value WHERE {
  ?grant a schema:MonetaryGrant ; schema:funder ?funder ; schema:fundedItem ?item ; schema:amount ?amount .
  ?amount schema:value ?value .
}"""


def _local(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _strip_article(key: str) -> str:
    for article in ("l ", "la ", "le ", "les ", "association "):
        if key.startswith(article):
            return key[len(article):]
    return key


__all__ = ["Commune", "Gazetteer", "find_communes_by_name", "IGEO", "SCHEMA"]
