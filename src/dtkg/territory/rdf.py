"""The territorial reference as RDF (N-Triples lines), in the terms of INSEE's geographic ontology.

One function per kind of record, used both by ``scripts/territory.py`` (the whole of France, shipped compressed) and
by :mod:`dtkg.territory.layer` (the part of it that a build needs), so that both always say the same thing.

Terms (http://rdf.insee.fr/def/geo#, INSEE's published ontology): ``igeo:Commune``, ``igeo:Intercommunalite``,
``igeo:Departement``, ``igeo:Region`` for the territories; ``igeo:codeINSEE`` for their codes; ``igeo:subdivisionDe``
(transitive, "is a subdivision of") from a commune to its département, from a département to its région and from an
EPCI to the département and région that hold all its communes; ``igeo:subdivisionDirecte`` from an EPCI to its member
communes and from a région to its départements; ``igeo:typeDEPCI`` with INSEE's concepts; ``igeo:chefLieu``.
Governing bodies are ORG organisations (``org:Organization`` and ``dtkg:LocalAuthority`` or
``dtkg:Intercommunality``; the other types follow from the ontology's subclasses) (``dtkg:siren``, ``org:identifier``) linked to their territory by
``schema:areaServed``. Populations are ``dtkg:population`` with ``dtkg:populationYear``; postal codes
``schema:postalCode``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..namespaces import DEFAULT_BASE
from .reference import EPCI_TYPES, Area, Commune, Epci, Reference

IGEO = "http://rdf.insee.fr/def/geo#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
DTKG = "https://w3id.org/dtkg/ontology#"
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
XSD = "http://www.w3.org/2001/XMLSchema#"
EPCI_TYPE_CONCEPT = "http://id.insee.fr/codes/geo/typeDEPCI/"

#: The source document every fact of the reference points to (declared in ``data/sources.ttl``).
SOURCE_LOCAL = "source/decoupage-administratif"


def _iri(text: str) -> str:
    return f"<{text}>"


def _str(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def _fr(text: str) -> str:
    return _str(text) + "@fr"


def _int(value: int) -> str:
    return f'"{value}"^^<{XSD}integer>'


def _year(value: int) -> str:
    return f'"{value}"^^<{XSD}gYear>'


class Writer:
    """Writes the triples of the reference's records under ``base``."""

    def __init__(self, ref: Reference, base: str = DEFAULT_BASE) -> None:
        self.ref = ref
        self.base = base
        self.source = _iri(base + SOURCE_LOCAL)

    def node(self, kind: str, code: str) -> str:
        return _iri(self.base + self.ref.territory_local(kind, code))

    def _lines(self, s: str, facts: Iterable[tuple[str, str]]) -> Iterator[str]:
        for p, o in facts:
            yield f"{s} {p} {o} .\n"

    def _population(self, population: int | None, year: int | None) -> list[tuple[str, str]]:
        out = []
        if population is not None:
            out.append((_iri(DTKG + "population"), _int(population)))
            if year is not None:
                out.append((_iri(DTKG + "populationYear"), _year(year)))
        return out

    def commune(self, c: Commune) -> Iterator[str]:
        s = self.node("commune", c.insee)
        facts = [
            (_iri(RDF_TYPE), _iri(IGEO + "Commune")),
            (_iri(RDFS_LABEL), _fr(c.name)),
            (_iri(IGEO + "codeINSEE"), _str(c.insee)),
            (_iri(PROV_DERIVED), self.source),
        ]
        if c.departement in self.ref.departements:
            facts.append((_iri(IGEO + "subdivisionDe"), self.node("departement", c.departement)))
        facts += [(_iri(SCHEMA + "postalCode"), _str(p)) for p in c.postal_codes]
        facts += self._population(c.population, c.population_year)
        yield from self._lines(s, facts)

    def epci(self, e: Epci) -> Iterator[str]:
        s = self.node("epci", e.siren)
        facts = [
            (_iri(RDF_TYPE), _iri(IGEO + "Intercommunalite")),
            (_iri(RDFS_LABEL), _fr(e.name)),
            (_iri(IGEO + "codeINSEE"), _str(e.siren)),
            (_iri(PROV_DERIVED), self.source),
        ]
        if e.kind in EPCI_TYPES:
            facts.append((_iri(IGEO + "typeDEPCI"), _iri(EPCI_TYPE_CONCEPT + EPCI_TYPES[e.kind])))
        for kind, codes in (("departement", self._areas_of(e, "departement")), ("region", self._areas_of(e, "region"))):
            facts += [(_iri(IGEO + "subdivisionDe"), self.node(kind, code)) for code in codes]
        facts += [(_iri(IGEO + "subdivisionDirecte"), self.node("commune", m)) for m in e.members
                  if m in self.ref.communes]
        facts += self._population(e.population, self._year_of(e.members))
        yield from self._lines(s, facts)

    def _areas_of(self, e: Epci, attribute: str) -> list[str]:
        """The département (or région) that holds *all* the EPCI's communes, if one does."""
        codes = {getattr(self.ref.communes[m], attribute) for m in e.members if m in self.ref.communes}
        return sorted(codes) if len(codes) == 1 else []

    def _year_of(self, codes: Iterable[str]) -> int | None:
        years = {self.ref.communes[c].population_year for c in codes if c in self.ref.communes}
        return years.pop() if len(years) == 1 else None

    def area(self, kind: str, a: Area) -> Iterator[str]:
        s = self.node(kind, a.code)
        facts = [
            (_iri(RDF_TYPE), _iri(IGEO + ("Departement" if kind == "departement" else "Region"))),
            (_iri(RDFS_LABEL), _fr(a.name)),
            (_iri(IGEO + "codeINSEE"), _str(a.code)),
            (_iri(PROV_DERIVED), self.source),
        ]
        if a.chef_lieu and a.chef_lieu in self.ref.communes:
            facts.append((_iri(IGEO + "chefLieu"), self.node("commune", a.chef_lieu)))
        if kind == "departement" and a.region in self.ref.regions:
            facts.append((_iri(IGEO + "subdivisionDe"), self.node("region", a.region)))
        if kind == "region":
            facts += [(_iri(IGEO + "subdivisionDirecte"), self.node("departement", d.code))
                      for d in self.ref.departements.values() if d.region == a.code]
        codes = [c.insee for c in self.ref.communes.values() if getattr(c, kind) == a.code]
        facts += self._population(a.population, self._year_of(codes))
        yield from self._lines(s, facts)

    def body(self, siren: str, *, subject: str | None = None) -> Iterator[str]:
        """The governing body of a commune or an EPCI: an organisation with its SIREN, serving its territory.

        ``subject`` is the IRI the data already gives that body, when it is not the reference's own."""
        local = self.ref.organisation_local(siren)
        if local is None:
            return
        kind, code = self.ref.by_siren[siren]
        s = _iri(subject or self.base + local)
        if kind == "commune":
            name = f"Commune de {self.ref.communes[code].name}"
            cls = DTKG + "LocalAuthority"
        else:
            name = self.ref.epcis[code].name
            cls = DTKG + "Intercommunality"
        facts = [(_iri(RDF_TYPE), _iri(ORG + "Organization")), (_iri(RDF_TYPE), _iri(cls))]
        if subject is None and siren not in self.ref.known_iris:  # the data names its own bodies
            facts.append((_iri(RDFS_LABEL), _fr(name)))
        facts += [
            (_iri(DTKG + "siren"), _str(siren)),
            (_iri(ORG + "identifier"), _str(siren)),
            (_iri(SCHEMA + "areaServed"), self.node(kind, code)),
            (_iri(PROV_DERIVED), self.source),
        ]
        yield from self._lines(s, facts)

    def everything(self) -> Iterator[str]:
        """Every triple of the reference, in a stable order."""
        for code in sorted(self.ref.regions):
            yield from self.area("region", self.ref.regions[code])
        for code in sorted(self.ref.departements):
            yield from self.area("departement", self.ref.departements[code])
        for code in sorted(self.ref.epcis):
            yield from self.epci(self.ref.epcis[code])
            yield from self.body(code)
        for code in sorted(self.ref.communes):
            c = self.ref.communes[code]
            yield from self.commune(c)
            if c.siren:
                yield from self.body(c.siren)
