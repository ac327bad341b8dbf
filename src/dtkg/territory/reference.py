"""The territorial reference as plain records: every current commune, EPCI, département and région of France.

The records come from the npm package ``@etalab/decoupage-administratif`` (INSEE's Code officiel géographique, the
DGCL's list of EPCI with their member communes, La Poste's postal codes, INSEE's legal populations), converted once by
``scripts/territory.py`` into ``data/territory/index.json.gz``. Reading that file takes a fraction of a second, so
that reconciliation and name look-ups need neither Node nor the network nor a parse of the RDF.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..errors import InputError
from ..resources import seed_data_dir

#: The converted reference and the RDF written from it, relative to the seed data folder.
INDEX_FILE = "territory/index.json.gz"
RDF_FILE = "territory/france.nt.gz"

#: EPCI kinds of the DGCL list, with their INSEE concept (http://id.insee.fr/codes/geo/typeDEPCI/…).
EPCI_TYPES = {"CA": "CA", "CC": "CC", "CU": "CU", "METRO": "Metro", "MET69": "Metro"}


@dataclass(frozen=True)
class Commune:
    """One current commune (COG type COM): INSEE code, name, département and région codes, SIREN of the commune as a
    legal person, postal codes, legal municipal population and its year (None when the source gives none)."""

    insee: str
    name: str
    departement: str
    region: str
    siren: str | None
    postal_codes: tuple[str, ...]
    population: int | None
    population_year: int | None
    epci: str | None = None


@dataclass(frozen=True)
class Epci:
    """One EPCI with its own tax status (DGCL list): SIREN, name, kind (CA, CC, CU, METRO, MET69), member communes
    (INSEE codes), population (the sum of its communes' legal municipal populations)."""

    siren: str
    name: str
    kind: str
    members: tuple[str, ...]
    population: int | None


@dataclass(frozen=True)
class Area:
    """A département or a région: code, name, parent région (départements only), chef-lieu, population (the sum of
    its communes' legal municipal populations)."""

    code: str
    name: str
    region: str | None
    chef_lieu: str | None
    population: int | None


@dataclass
class Reference:
    """The whole reference, indexed for the questions reconciliation and look-ups ask."""

    source: dict
    communes: dict[str, Commune]
    epcis: dict[str, Epci]
    departements: dict[str, Area]
    regions: dict[str, Area]
    #: SIRENs whose organisation already has an IRI in the seed data (local part after the base).
    known_iris: dict[str, str]
    by_siren: dict[str, tuple[str, str]] = field(default_factory=dict)
    _by_name: dict[str, list[str]] | None = None

    def __post_init__(self) -> None:
        for c in self.communes.values():
            if c.siren:
                self.by_siren[c.siren] = ("commune", c.insee)
        for e in self.epcis.values():
            self.by_siren[e.siren] = ("epci", e.siren)

    @property
    def by_name(self) -> dict[str, list[str]]:
        """INSEE codes of the communes by normalised name (built on first use: names are compared without case,
        accents, apostrophes or hyphens)."""
        if self._by_name is None:
            from ..importers.values import normalise_name

            out: dict[str, list[str]] = {}
            for c in self.communes.values():
                out.setdefault(normalise_name(c.name), []).append(c.insee)
            self._by_name = out
        return self._by_name

    def organisation_local(self, siren: str) -> str | None:
        """The local IRI (``organisation/…``) of the governing body with ``siren``, or None if it is neither a
        commune's nor an EPCI's. The seed's own IRIs are kept (the seed's Commune de Bourbourg is commune 59094's
        body); the others are ``organisation/siren-<SIREN>``, the IRI an import mints for any SIREN."""
        if siren not in self.by_siren:
            return None
        return self.known_iris.get(siren) or f"organisation/siren-{siren}"

    def territory_local(self, kind: str, code: str) -> str:
        """The local IRI of a territory: ``commune/59094``, ``epci/245900428``, ``departement/59``, ``region/32``."""
        return f"{kind}/{code}"


def _area(row: list) -> Area:
    code, name, region, chef_lieu, population = row
    return Area(code, name, region, chef_lieu, population)


def parse_index(data: dict) -> Reference:
    """A :class:`Reference` from the JSON structure that ``scripts/territory.py`` writes."""
    epcis = {row[0]: Epci(row[0], row[1], row[2], tuple(row[3]), row[4]) for row in data["epci"]}
    member_of = {code: e.siren for e in epcis.values() for code in e.members}
    communes = {}
    for code, name, dep, region, siren, postal, population, year in data["communes"]:
        communes[code] = Commune(code, name, dep, region, siren, tuple(postal), population, year, member_of.get(code))
    return Reference(
        source=data["source"],
        communes=communes,
        epcis=epcis,
        departements={row[0]: _area(row) for row in data["departements"]},
        regions={row[0]: _area(row) for row in data["regions"]},
        known_iris=dict(data["known_iris"]),
    )


def index_path(folder: Path | None = None) -> Path:
    """Where the converted reference lives (in the seed data folder unless ``folder`` is given)."""
    return (folder or seed_data_dir()) / INDEX_FILE


@lru_cache(maxsize=2)
def load_reference(path: Path | None = None) -> Reference:
    """The territorial reference (read once per process; about 0.3 s)."""
    path = path or index_path()
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError as exc:
        raise InputError("the territorial reference is missing (regenerate it with scripts/territory.py)",
                         path=path) from exc
    except (OSError, ValueError) as exc:
        raise InputError(f"the territorial reference cannot be read: {exc}", path=path) from exc
    return parse_index(data)
