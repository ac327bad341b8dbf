"""Generate a synthetic national dtkg graph of a given size, with the vocabulary and conventions of the seed data.

Usage::

    python benchmarks/generate.py --triples 100000 --out benchmarks/data/100k [--seed 0]
    dtkg validate --data benchmarks/data/100k          # the generated folder conforms, seed data included

or from Python::

    sys.path.insert(0, "benchmarks")
    from generate import generate
    info = generate(1_000_000, Path("benchmarks/data/1m"), seed=0)   # the manifest (see below)

What it writes (deterministic for a given ``target_triples`` and ``seed``; pure string writing, a few seconds per 10M
triples, within 0.1 % of the target): a folder of Turtle files of at most ~200k triples each — ``00-national.ttl`` (national funders) and
``region-RR-part-PPP.ttl`` — plus ``manifest.json`` (counts, and probe values the benchmark uses: a SIREN, a focus
place, a funder). ``manifest.json`` is written last, so a folder without it is an interrupted run.

The graph has, per synthetic region: the Region, its departments, communes (``igeo:Commune`` with unique 5-digit
INSEE codes) and the municipality of each, inter-municipal bodies, associations (every organisation has a valid,
unique Luhn SIREN as ``dtkg:siren`` and ``org:identifier``), places (``org:Site``, 60 % ``dtkg:TiersLieu``) in a
commune and networks of places (``prov:hadMember``), people holding roles (``org:Membership`` with the seed's role
concepts; heads also have ``org:headOf``), and grants (``schema:MonetaryGrant``) whose funders follow a heavy tail
(a few national and regional funders give most grants), with amounts, kinds, years, and a few shares of larger grants
(``dcterms:isPartOf``). Every file declares its own ``dtkg:SourceDocument``; every membership, place, network and grant
is the body of an ``oa:Annotation`` that points to a row of that source (``oa:FragmentSelector``, RFC 7111).

IRIs never collide with the seed data: ``organisation/siren-<SIREN>``, ``commune/insee-<code>``, and ``synth-`` slugs
for people, memberships, places, networks and grants.
"""

from __future__ import annotations

import argparse
import bisect
import json
import math
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ID = "https://w3id.org/dtkg/id/"
FILE_TRIPLES = 200_000  # a new file is started once the current one holds this many triples
SEED_SIRENS = {"200053742", "245900428"}
SEED_INSEE = {"59094", "59183"}

PREFIXES = f"""@prefix dtkg:      <https://w3id.org/dtkg/ontology#> .
@prefix rdf:       <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs:      <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:       <http://www.w3.org/2001/XMLSchema#> .
@prefix org:       <http://www.w3.org/ns/org#> .
@prefix schema:    <https://schema.org/> .
@prefix foaf:      <http://xmlns.com/foaf/0.1/> .
@prefix prov:      <http://www.w3.org/ns/prov#> .
@prefix dcterms:   <http://purl.org/dc/terms/> .
@prefix oa:        <http://www.w3.org/ns/oa#> .
@prefix igeo:      <http://rdf.insee.fr/def/geo#> .
@prefix source:    <{ID}source/> .
@prefix organisation: <{ID}organisation/> .
@prefix person:    <{ID}person/> .
@prefix membership: <{ID}membership/> .
@prefix place:     <{ID}place/> .
@prefix commune:   <{ID}commune/> .
@prefix network:   <{ID}network/> .
@prefix grant:     <{ID}grant/> .
@prefix role:      <{ID}role/> .
@prefix grantkind: <{ID}grant-kind/> .

"""

FIRST = ("Camille Claire Julien Sophie Thomas Nathalie Nicolas Isabelle Pierre Marie Antoine Céline Laurent Émilie "
         "Olivier Hélène François Aurélie Mathieu Chloé Stéphane Léa Vincent Manon David Sarah Éric Lucie Hugo Inès "
         "Bruno Agathe Yann Margaux Karim Nadia Jérôme Anne Serge Florence").split()
LAST = ("Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre Michel Garcia "
        "David Bertrand Roux Vincent Fournier Morel Girard André Lefèvre Mercier Dupont Lambert Bonnet François "
        "Martinez Legrand Garnier Faure Rousseau Blanc Guerin Muller Henry Roussel Nicolas Perrin Morin Mathieu "
        "Clement Gauthier Dumont Lopez Fontaine Chevalier Robin Kerkhof Timmerman Vandamme Deschamps").split()
HEAD = ("Saint- Sainte- Le La Bois- Ville- Mont- Pont- Fontaine- Beau Neu Haut Mar Val Roche Ber Cor Lan "
        "Mor Ver Ro Gui Ker Plou Ar Vil Mes Ba Bor Dun Wat Ha Bour").split()
MID = "lin mont val court ville bourg mes ron gny lay rac gnac lieu sac tel vin bec dorf heim ham ton ville-en".split()
TAIL = ("", "", "", "", "-sur-Mer", "-sur-Loire", "-les-Bains", "-en-Forêt", "-le-Château", "-la-Rivière", "-des-Prés",
        "-sur-Aa", "-Saint-Jean", "-le-Grand", "-le-Petit")
ASSOC = ("Les Ateliers numériques de", "Fablab de", "Cyber-base de", "Repair café de", "Les Amis du numérique de",
         "Médiation numérique de", "Coworking de", "Club informatique de", "Association Codeurs de", "Maison des jeunes de",
         "Centre social de", "Ressourcerie de", "Les Petits Débrouillards de", "Espace public numérique de")
PLACE = ("L'Atelier", "La Fabrique", "Le Hangar", "La Ruche", "Le Quai", "La Station", "Le Labo", "La Forge",
         "Le Comptoir", "La Serre", "Le Garage", "La Passerelle", "L'Usine", "La Cantine", "Le Relais")
NATIONAL = ("État — Ministère de l'Économie et des Finances", "Agence nationale de la cohésion des territoires",
            "Banque des Territoires", "Fonds européen de développement régional (FEDER)",
            "Agence de l'environnement et de la maîtrise de l'énergie", "Bpifrance", "Caisse nationale d'allocations familiales",
            "Agence nationale pour la rénovation urbaine", "France Travail", "Fonds social européen (FSE)",
            "Mission Société numérique", "Agence du numérique en santé")
KINDS = (("fonctionnement", "de fonctionnement"), ("investissement", "d'investissement"))

PUBLIC = "org:Organization, org:FormalOrganization, dtkg:PublicBody"
LOCAL = "org:Organization, org:FormalOrganization, dtkg:PublicBody, dtkg:LocalAuthority, schema:GovernmentOrganization"


def luhn_check_digit(body: str) -> str:
    """The digit that makes ``body + digit`` pass the Luhn checksum INSEE uses for SIREN numbers."""
    total = 0
    for i, ch in enumerate(reversed(body)):  # the last digit of the body sits at an even position once completed
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def siren(prefix: str, serial: int) -> str:
    """A 9-digit SIREN: a 2-digit prefix, a 6-digit serial number and the Luhn check digit."""
    body = f"{prefix}{serial:06d}"
    return body + luhn_check_digit(body)


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Zipf:
    """Draws indexes 0..n-1 with weight 1/(i+1)^s: a few items get most draws (heavy tail)."""

    def __init__(self, n: int, s: float) -> None:
        acc, total = [], 0.0
        for i in range(n):
            total += 1.0 / (i + 1) ** s
            acc.append(total)
        self.cum, self.total = acc, total

    def draw(self, rng: random.Random) -> int:
        return min(bisect.bisect_left(self.cum, rng.random() * self.total), len(self.cum) - 1)


@dataclass
class Org:
    iri: str
    label: str
    siren: str


@dataclass
class Region:
    number: int
    org: Org
    departments: list[Org] = field(default_factory=list)
    communes: list[tuple[str, str]] = field(default_factory=list)  # (commune IRI, name)
    municipalities: list[Org] = field(default_factory=list)
    intercos: list[Org] = field(default_factory=list)
    associations: list[Org] = field(default_factory=list)
    places: list[tuple[str, str]] = field(default_factory=list)
    networks: list[tuple[str, str]] = field(default_factory=list)
    network_members: set[str] = field(default_factory=set)


class Writer:
    """Writes statements into numbered files of at most ~FILE_TRIPLES triples, each with its own source."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.fh = None
        self.files: list[str] = []
        self.total = 0
        self.in_file = 0
        self.row = 0
        self.source = ""
        self.buf: list[str] = []

    def open(self, stem: str, title: str) -> None:
        self.close()
        path = self.out_dir / f"{stem}.ttl"
        self.fh = path.open("w", encoding="utf-8", newline="\n")
        self.files.append(path.name)
        self.in_file = 0
        self.row = 0
        self.source = f"source:synth-{stem}"
        self.fh.write(f"# Synthetic dtkg data for benchmarks (benchmarks/generate.py): {title}.\n\n{PREFIXES}")
        self.emit(f"{self.source}\n    a dtkg:SourceDocument, prov:Entity ;\n"
                  f"    rdfs:label {_lit('Jeu de données synthétique : ' + title)}@fr ;\n"
                  f"    dcterms:title {_lit('Données synthétiques dtkg — ' + title)}@fr ;\n"
                  f'    dcterms:language "fr" .\n\n', 5)

    def emit(self, text: str, triples: int) -> None:
        self.buf.append(text)
        self.in_file += triples
        self.total += triples
        if len(self.buf) >= 512:
            self.fh.write("".join(self.buf))
            self.buf.clear()

    def full(self) -> bool:
        return self.in_file >= FILE_TRIPLES

    def annotation(self, body: str) -> None:
        """The evidence the shapes require: an annotation whose body is ``body``, pointing to a row of the source."""
        self.row += 1
        self.emit(f"[] a oa:Annotation ; oa:motivatedBy oa:identifying ; oa:hasBody {body} ;\n"
                  f"   oa:hasTarget [ a oa:SpecificResource ; oa:hasSource {self.source} ;\n"
                  f"       oa:hasSelector [ a oa:FragmentSelector ; dcterms:conformsTo <http://tools.ietf.org/rfc/rfc7111> ;"
                  f' rdf:value "row={self.row}" ] ] .\n\n', 10)

    def close(self) -> None:
        if self.fh is not None:
            self.fh.write("".join(self.buf))
            self.buf.clear()
            self.fh.close()
            self.fh = None


class Generator:
    def __init__(self, target: int, out_dir: Path, seed: int) -> None:
        self.target = target
        self.rng = random.Random(seed)
        self.w = Writer(out_dir)
        self.serials: dict[str, int] = {}
        self.people = 0
        self.memberships = 0
        self.grants = 0
        self.counts: dict[str, int] = {}
        self.departments_used = 0
        self.dept_codes = [f"{d:02d}" for d in range(1, 96) if d != 20]

    # ---------------------------------------------------------------- helpers

    def count(self, kind: str, n: int = 1) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + n

    def new_siren(self, prefix: str) -> str:
        while True:
            self.serials[prefix] = self.serials.get(prefix, 0) + 1
            value = siren(prefix, self.serials[prefix])
            if value not in SEED_SIRENS:
                return value

    def name(self) -> str:
        r = self.rng
        head = r.choice(HEAD)
        if head in ("Le", "La"):
            word = f"{head} {r.choice(MID).capitalize()}{r.choice(MID)}"
        elif head.endswith("-"):
            word = head + r.choice(MID).capitalize()
        else:
            word = head + r.choice(MID)
        return word + r.choice(TAIL)

    def person_name(self) -> str:
        return f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"

    def organisation(self, label: str, types: str, prefix: str, extra: str = "", extra_triples: int = 0) -> Org:
        s = self.new_siren(prefix)
        iri = f"organisation:siren-{s}"
        ntypes = types.count(",") + 1
        self.w.emit(f"{iri}\n    a {types} ;\n    rdfs:label {_lit(label)}@fr ;\n"
                    f'    dtkg:siren "{s}" ;\n    org:identifier "{s}" ;\n{extra}'
                    f"    prov:wasDerivedFrom {self.w.source} .\n\n", ntypes + 4 + extra_triples)
        self.count("organisations")
        return Org(iri, label, s)

    def role(self, org: Org, role: str, role_label: str, head: bool) -> None:
        """A person holding ``role`` in ``org`` (heads also get org:headOf, consistent with the membership)."""
        self.people += 1
        self.memberships += 1
        who = self.person_name()
        p = f"person:synth-{self.people}"
        m = f"membership:synth-{self.memberships}"
        head_line = f"    org:headOf {org.iri} ;\n" if head else ""
        self.w.emit(f"{p}\n    a foaf:Person, prov:Agent ;\n    rdfs:label {_lit(who)}@fr ;\n    foaf:name {_lit(who)} ;\n"
                    f"{head_line}    prov:wasDerivedFrom {self.w.source} .\n\n", 5 + (1 if head else 0))
        self.w.emit(f"{m}\n    a org:Membership ;\n    rdfs:label {_lit(f'{who}, {role_label} — {org.label}')}@fr ;\n"
                    f"    org:member {p} ;\n    org:organization {org.iri} ;\n    org:role role:{role} ;\n"
                    f"    prov:wasDerivedFrom {self.w.source} .\n\n", 6)
        self.w.annotation(m)
        self.count("people")
        self.count("memberships")
        if head:
            self.count("heads")

    def president(self, org: Org, vice: int = 0) -> None:
        self.role(org, "president", "président", True)
        for _ in range(vice):
            if self.rng.random() < 0.5:
                self.role(org, "vice-presidente", "vice-présidente", False)
            else:
                self.role(org, "vice-president", "vice-président", False)

    # ---------------------------------------------------------------- structure

    def national(self) -> list[Org]:
        self.w.open("00-national", "financeurs nationaux")
        orgs = []
        for label in NATIONAL:
            o = self.organisation(label, PUBLIC + ", schema:GovernmentOrganization", "11")
            orgs.append(o)
            if len(orgs) % 2:
                self.role(o, "president", "président", True)
            else:
                self.role(o, "directrice", "directrice", True)
        return orgs

    def region_structure(self, number: int, communes: int) -> Region:
        r = self.rng
        w = self.w
        w.open(f"region-{number:02d}-part-001", f"région {number}, partie 1")
        reg = Region(number, self.organisation(f"Région synthétique {number:02d}", LOCAL, "23"))
        self.president(reg.org, vice=5)
        n_dept = max(1, min(round(communes / 300), len(self.dept_codes) - self.departments_used))
        codes = self.dept_codes[self.departments_used:self.departments_used + n_dept]
        self.departments_used += n_dept
        for code in codes:
            d = self.organisation(f"Département synthétique {code}", LOCAL, "22")
            reg.departments.append(d)
            self.president(d, vice=3)
        per_dept = math.ceil(communes / len(codes))
        for code in codes:
            k = 0
            for _ in range(per_dept):
                if len(reg.communes) >= communes:
                    break
                k += 1
                insee = f"{code}{k:03d}"
                if insee in SEED_INSEE:
                    k += 1
                    insee = f"{code}{k:03d}"
                name = self.name()
                c = f"commune:insee-{insee}"
                w.emit(f"{c}\n    a igeo:Commune, schema:AdministrativeArea, schema:Place ;\n    rdfs:label {_lit(name)}@fr ;\n"
                       f'    schema:name {_lit(name)}@fr ;\n    igeo:codeINSEE "{insee}" ;\n'
                       f"    prov:wasDerivedFrom {w.source} .\n\n", 7)
                self.count("communes")
                reg.communes.append((c, name))
                mun = self.organisation(f"Commune de {name}", LOCAL, "21", f"    schema:areaServed {c} ;\n", 1)
                reg.municipalities.append(mun)
                self.role(mun, "maire", "maire", True)
                self.rotate(reg)
        for i in range(max(1, len(reg.communes) // 15)):
            centre = reg.communes[min(i * 15, len(reg.communes) - 1)][1]
            o = self.organisation(f"Communauté de communes de {centre}",
                                  PUBLIC + ", dtkg:Intercommunality, schema:GovernmentOrganization", "24")
            reg.intercos.append(o)
            self.president(o, vice=2)
            self.rotate(reg)
        for c, name in reg.communes:
            for _ in range(2):
                o = self.organisation(f"{r.choice(ASSOC)} {name}", "org:Organization, org:FormalOrganization, dtkg:Association", "77")
                reg.associations.append(o)
                self.role(o, "president", "président", True)
                if r.random() < 0.3:
                    self.role(o, "directrice", "directrice", False)
            self.rotate(reg)
        places_by_commune = []
        for c, name in reg.communes:
            self.counts["places"] = self.counts.get("places", 0) + 1
            iri = f"place:synth-{self.counts['places']}"
            label = f"{r.choice(PLACE)} ({name})"
            tiers = r.random() < 0.6
            types = "org:Site, schema:Place, dtkg:TiersLieu" if tiers else "org:Site, schema:Place"
            places_by_commune.append((iri, label, c, types, 5 + (1 if tiers else 0)))
        # networks: 1 per ~8 places, 3 to 6 consecutive places each; a place belongs to at most one network
        member_of: dict[str, str] = {}
        i = 0
        while i + 3 <= len(places_by_commune) and len(reg.networks) < max(1, len(places_by_commune) // 8):
            size = r.randint(3, 6)
            members = places_by_commune[i:i + size]
            i += size + r.randint(2, 10)
            self.count("networks")
            n_iri = f"network:synth-{self.counts['networks']}"
            label = f"Réseau de tiers-lieux de {members[0][1].split('(')[-1].rstrip(')')} et alentours"
            reg.networks.append((n_iri, label))
            for m in members:
                member_of[m[0]] = n_iri
                reg.network_members.add(m[0])
            w.emit(f"{n_iri}\n    a dtkg:PlaceNetwork, prov:Collection ;\n    rdfs:label {_lit(label)}@fr ;\n"
                   f"    prov:hadMember {', '.join(m[0] for m in members)} ;\n"
                   f"    prov:wasDerivedFrom {w.source} .\n\n", 4 + len(members))
            w.annotation(n_iri)
        for iri, label, c, types, n in places_by_commune:
            net = member_of.get(iri)
            part = f"    dcterms:isPartOf {net} ;\n" if net else ""
            w.emit(f"{iri}\n    a {types} ;\n    rdfs:label {_lit(label)}@fr ;\n    schema:containedInPlace {c} ;\n{part}"
                   f"    prov:wasDerivedFrom {w.source} .\n\n", n + (1 if net else 0))
            w.annotation(iri)
            reg.places.append((iri, label))
            self.rotate(reg)
        return reg

    def rotate(self, reg: Region) -> None:
        if self.w.full():
            part = int(self.w.files[-1].rsplit("-", 1)[-1].split(".")[0]) + 1
            self.w.open(f"region-{reg.number:02d}-part-{part:03d}", f"région {reg.number}, partie {part}")

    # ---------------------------------------------------------------- grants

    def grants_for(self, reg: Region, national: list[Org], national_zipf: Zipf, budget_end: int) -> None:
        r = self.rng
        w = self.w
        pools = [(0.22, national, national_zipf), (0.28, [reg.org], None),
                 (0.22, reg.departments, Zipf(len(reg.departments), 1.0)),
                 (0.13, reg.intercos, Zipf(len(reg.intercos), 1.0)),
                 (0.15, reg.municipalities, Zipf(len(reg.municipalities), 1.1))]
        recent: list[tuple[str, Org, int, int, int, int]] = []  # whole grants that shares may come from
        while w.total < budget_end:
            self.grants += 1
            g = f"grant:synth-{self.grants}"
            share_of = None
            if recent and r.random() < 0.04:
                share_of = recent[r.randrange(len(recent))]
                _, funder, whole_cents, kind_i, start, end = share_of
                cents = max(100, int(whole_cents * r.uniform(0.05, 0.5)))
                recipient, recipient_label = reg.places[r.randrange(len(reg.places))]
            else:
                x = r.random()
                for weight, pool, zipf in pools:
                    if x < weight:
                        break
                    x -= weight
                funder = pool[zipf.draw(r)] if zipf is not None else pool[0]
                cents = max(10_000, int(math.exp(r.gauss(math.log(1_500_000), 1.3))))  # median 15 000 €
                kind_i = 0 if r.random() < 0.55 else 1
                start = r.randint(2014, 2024)
                end = start + r.choice((0, 0, 1, 2, 2, 3))
                y = r.random()
                if y < 0.50:
                    o = reg.associations[r.randrange(len(reg.associations))]
                    recipient, recipient_label = o.iri, o.label
                elif y < 0.75:
                    recipient, recipient_label = reg.places[r.randrange(len(reg.places))]
                elif y < 0.85:
                    o = reg.municipalities[r.randrange(len(reg.municipalities))]
                    recipient, recipient_label = o.iri, o.label
                elif y < 0.92 and reg.networks:
                    recipient, recipient_label = reg.networks[r.randrange(len(reg.networks))]
                else:
                    o = reg.intercos[r.randrange(len(reg.intercos))]
                    recipient, recipient_label = o.iri, o.label
                if recipient == funder.iri:
                    o = reg.associations[r.randrange(len(reg.associations))]
                    recipient, recipient_label = o.iri, o.label
            kind, kind_words = KINDS[kind_i]
            amount = f"{cents // 100}.{cents % 100:02d}"
            years = f"{start}" if start == end else f"{start}–{end}"
            if share_of is not None:
                label = f"Part pour {recipient_label} de l'aide {kind_words} de {funder.label} ({years})"
                part = f"    dcterms:isPartOf {share_of[0]} ;\n"
                self.count("shares")
            else:
                label = f"Aide {kind_words} de {funder.label} à {recipient_label} ({years})"
                part = ""
                recent.append((g, funder, cents, kind_i, start, end))
                if len(recent) > 500:
                    recent.pop(0)
            w.emit(f"{g}\n    a schema:MonetaryGrant ;\n    rdfs:label {_lit(label)}@fr ;\n"
                   f"    schema:funder {funder.iri} ;\n    schema:fundedItem {recipient} ;\n"
                   f'    schema:amount [ a schema:MonetaryAmount ; schema:value {amount} ; schema:currency "EUR" ] ;\n'
                   f"    dcterms:type grantkind:{kind} ;\n"
                   f'    schema:startDate "{start}"^^xsd:gYear ;\n    schema:endDate "{end}"^^xsd:gYear ;\n{part}'
                   f"    prov:wasDerivedFrom {w.source} .\n\n", 12 + (1 if part else 0))
            w.annotation(g)
            self.rotate(reg)

    # ---------------------------------------------------------------- whole graph

    def run(self) -> dict:
        national = self.national()
        national_zipf = Zipf(len(national), 1.2)
        regions = max(1, min(13, round(self.target / 150_000)))
        probes: dict[str, str] = {}
        for number in range(1, regions + 1):
            budget_end = self.w.total + (self.target - self.w.total) // (regions - number + 1)
            # about 30 % of a region's triples describe its structure, 70 % its grants
            communes = max(3, round((budget_end - self.w.total) * 0.30 / 125))
            reg = self.region_structure(number, communes)
            if number == (regions + 1) // 2:
                probes = self.probes(reg)
            self.grants_for(reg, national, national_zipf, budget_end)
        self.w.close()
        self.counts["grants"] = self.grants
        return {"target_triples": self.target, "triples": self.w.total, "files": self.w.files,
                "counts": dict(sorted(self.counts.items())), "regions": regions, **probes}

    def probes(self, reg: Region) -> dict[str, str]:
        """Values the benchmark asks about: a SIREN, a place in a network, a funder of middling size."""
        assoc = reg.associations[len(reg.associations) // 2]
        network_places = [p for p in reg.places if p[0] in reg.network_members]
        focus = (network_places or reg.places)[len(network_places or reg.places) // 2][0]
        return {"probe_siren": assoc.siren, "probe_focus": ID + focus.replace(":", "/", 1),
                "probe_funder": ID + reg.departments[0].iri.replace(":", "/", 1),
                "probe_region_funder": ID + reg.org.iri.replace(":", "/", 1)}


def generate(target_triples: int, out_dir: Path, seed: int = 0) -> dict:
    """Write about ``target_triples`` triples of synthetic dtkg data into ``out_dir`` (created; old .ttl files
    removed) and return the manifest (also written to ``out_dir/manifest.json``)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in list(out_dir.glob("*.ttl")) + [out_dir / "manifest.json"]:
        old.unlink(missing_ok=True)
    started = time.perf_counter()
    gen = Generator(int(target_triples), out_dir, seed)
    manifest = gen.run()
    manifest["seed"] = seed
    manifest["seconds"] = round(time.perf_counter() - started, 1)
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=_size, required=True, help="target size: 10000, 100k, 1M, 10M …")
    parser.add_argument("--out", type=Path, required=True, help="folder to write (its .ttl files are replaced)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    manifest = generate(args.triples, args.out, args.seed)
    print(f"wrote {manifest['triples']} triples in {len(manifest['files'])} files to {args.out} "
          f"in {manifest['seconds']} s: {manifest['counts']}")
    return 0


def _size(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    mult = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if mult != 1 else text) * mult)


if __name__ == "__main__":
    sys.exit(main())
