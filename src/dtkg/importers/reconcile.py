"""Reconciliation: an imported organisation with a known SIREN or RNA number, or a commune with a known INSEE code,
becomes the *same* resource as the one the data folder (and the seed data) already has, and a possible duplicate
without an identifier is reported rather than merged.

:class:`~dtkg.importers.known.KnownData` indexes the RDF files once; :class:`Reconciler` answers the questions of one import run and remembers what the run
minted, so that IRIs are stable: the same file imported twice gives the same IRIs.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import URIRef

from ..namespaces import DEFAULT_BASE
from .known import KnownData
from .terms import IGEO
from .values import OrgId, normalise_name, slugify


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
