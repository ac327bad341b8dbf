"""Organisations: the kinds of public body and association press French names (``Région …``, ``Communauté
d'agglomération …``, ``l'association « … »``), the names and acronyms the graph already knows, the publisher of a
release (who speaks as ``nous``) and the short names that refer back to one (``la Région``, ``l'association``).
"""

from __future__ import annotations

import re

from ..importers.values import normalise_name
from .mentions import Entity, FinderState
from .patterns import AP, CAP, NAME, PREP, QUOTED, SEP, clean_name, fold, trim_connectors

ORG_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"\b(?:Région|région)\s+(?!de\b|du\b|des\b){NAME}"), "collectivite"),
    (re.compile(rf"\bConseil [Rr]égional\s+(?:des\s+|de\s+|du\s+)?{NAME}"), "collectivite"),
    (re.compile(rf"\b(?:Département|Conseil [Dd]épartemental)\s+{PREP}\s*{NAME}"), "collectivite"),
    (re.compile(rf"\b(?:Communauté\s+[Uu]rbaine|Communauté\s+d{AP}\s?[Aa]gglomération|Communauté\s+de\s+[Cc]ommunes"
                rf"|Métropole(?:\s+[Ee]uropéenne)?)(?:\s+{PREP})?\s*{NAME}"), "intercommunalite"),
    (re.compile(rf"\b(?:Ville|Mairie|Commune|[Cc]onseil [Mm]unicipal)\s+{PREP}\s*{NAME}"), "commune"),
    (re.compile(rf"\b(?:Mutualité|Caisse|Centre|Agence|Banque|Chambre|Université|Syndicat|Fondation|Fédération"
                rf"|Union|Office|Institut|Groupement|Coopérative|Mission|Préfecture|Direction|Conseil)"
                rf"(?:{SEP}{CAP})+"), "autre"),
    (re.compile(r"\b(?:France Travail|Pôle [Ee]mploi|La Poste|Banque des Territoires|État)\b"), "organisme-public"),
    (re.compile(rf"\bMaison\s+(?:de\s+l{AP}[Ee]mploi|des\s+[Ss]olidarités|de\s+la\s+[Ss]olidarité)(?:{SEP}{CAP})*"),
     "organisme-public"),
    # "pour la commune de X", "à la commune de X": the municipality as a party
    (re.compile(rf"(?:(?<=\bpour la )|(?<=\bavec la )|(?<=\bpar la )|(?<=\bà la ))commune\s+{PREP}\s*{NAME}"),
     "commune"),
]
ASSOC_RE = re.compile(rf"\b(?:[Ll]{AP}association|[Ll]a\s+(?:coopérative|SCIC|société|fondation|fédération)"
                      rf"|[Ll]{AP}entreprise)\s+({QUOTED}|{NAME})")
ACRONYM_RE = re.compile(r"\s*\(([A-Z][A-Za-z0-9&\-]{1,12})\)")


def commune_org_name(town: str) -> str:
    """The municipality of a commune, named as the seed names it: ``Commune de Bourbourg``, ``Commune d’Arras``,
    ``Commune d’Hazebrouck``."""
    return f"Commune d’{town}" if re.match(r"^[AEIOUYÉÈÂÎÔH]", town) else f"Commune de {town}"


class Organisations(FinderState):
    """Finds the organisations of a text, its publisher and the aliases that name them again."""

    def find_organisations(self) -> None:
        text = self.text
        found: list[tuple[int, int, str, str]] = []
        for pattern, kind in ORG_PATTERNS:
            for m in pattern.finditer(text):
                name = trim_connectors(m.group(0))
                end = m.start() + len(name)
                if kind == "commune":
                    town = re.sub(rf"^(?:Ville|Mairie|[Cc]ommune|[Cc]onseil [Mm]unicipal)\s+{PREP}\s*", "", name)
                    name, kind2 = commune_org_name(town), "collectivite"
                else:
                    kind2 = kind
                if re.match(r"Conseil [Dd]épartemental\s", name):
                    name = "Département " + re.sub(r"^Conseil [Dd]épartemental\s+", "", name)
                if name.startswith("Conseil régional") or name.startswith("Conseil Régional"):
                    name = "Région " + re.sub(r"^Conseil [Rr]égional\s+(?:des\s+|de\s+|du\s+)?", "", name)
                if kind == "autre" and len(name.split()) < 2:
                    continue
                found.append((m.start(), end, name, kind2))
        for m in ASSOC_RE.finditer(text):
            found.append((m.start(1), m.start(1) + len(trim_connectors(m.group(1))), m.group(1), "association"))
        # names and acronyms the graph already knows
        for local_key, ids in self.gaz.names.get("organisation", {}).items():
            if len(ids) != 1:
                continue
            local = next(iter(ids))
            if len(local_key) < 3:
                continue
            words = local_key.split()
            pattern = r"\b" + r"[\s’'\-]+".join(re.escape(w) for w in words) + r"\b"
            flags = re.IGNORECASE if len(words) > 1 else 0
            for m in re.finditer(pattern, fold(text), flags):
                raw = text[m.start():m.end()]
                if len(words) == 1 and not (raw.isupper() or raw[0].isupper()):
                    continue
                if len(words) == 1 and len(raw) <= 4 and not raw.isupper():
                    continue
                found.append((m.start(), m.end(), self.gaz.label("organisation", local), "known:" + local))
        # longest first, no overlaps
        found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
        taken: list[tuple[int, int]] = []
        for start, end, name, kind in sorted(found, key=lambda f: -(f[1] - f[0])):
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            acr = ACRONYM_RE.match(text, end)
            acronym = acr.group(1) if acr else ""
            if kind.startswith("known:"):
                local = kind[6:]
                ent = next((e for e in self.x.of_kind("organisation") if e.id == local), None) or self.add_entity(
                    Entity("organisation", local, self.gaz.label("organisation", local), known=True, cite=(start, end)))
            else:
                ent = self.org(clean_name(name), kind, (start, end), acronym)
            self.mention(start, end, ent.key)
            if acronym:
                self.mention(acr.start(1), acr.end(1), ent.key, alias=True)
                if not ent.known:
                    ent.acronym = acronym
        for ent in list(self.x.of_kind("organisation")):
            if ent.acronym:
                for m in re.finditer(rf"\b{re.escape(ent.acronym)}\b", text):
                    if not any(mm.start <= m.start() < mm.end for mm in self.x.mentions):
                        self.mention(m.start(), m.end(), ent.key, alias=True)
        self.find_org_aliases()

    def find_publisher(self) -> None:
        """``Communiqué – Les Écrans Partagés, Lens, 2 avril 2024``: the organisation that speaks as ``nous``
        (``Notre association``, ``Notre présidente``)."""
        text = self.text
        head = re.match(rf"\s*Communiqué(?:\s+de\s+presse)?\s*[–—:\-]\s*(?P<name>{NAME})\s*(?:,|–|—|\n|$)", text)
        if not head or self.overlaps_mention(head.start("name"), head.end("name")):
            self.publisher = None
            return
        kind = "association" if re.search(r"\b[Nn]otre association\b", text) else ""
        ent = self.org(head.group("name"), kind, head.span("name"))
        self.mention(head.start("name"), head.end("name"), ent.key)
        self.publisher = ent.key
        for m in re.finditer(r"\b[Nn]otre\s+(?:association|structure|collectif|coopérative)\b", text):
            self.mention(m.start(), m.end(), ent.key, alias=True)

    def find_org_aliases(self) -> None:
        """``la Région``, ``le Département``, ``l'association``, ``la Communauté``: the one entity of that kind met
        in the text (the last one before, for associations and intercommunalities)."""
        text = self.text
        orgs = sorted(((m.start, self.x.entities[m.key]) for m in self.x.mentions
                       if m.key.startswith("organisation:") and not m.alias), key=lambda t: t[0])

        def pick(pos: int, test) -> Entity | None:
            cands = [e for p, e in orgs if test(e)]
            uniq = {e.key: e for e in cands}
            if len(uniq) == 1:
                return next(iter(uniq.values()))
            before = [e for p, e in orgs if test(e) and p < pos]
            return before[-1] if before else None

        rules = [
            (rf"\b[Rr]égion\b(?!\s+{CAP})", lambda e: normalise_name(e.name).startswith("region")),
            (rf"\b[Dd]épartement\b(?!\s+{PREP})", lambda e: normalise_name(e.name).startswith("departement")),
            (rf"(?<=[Ll]{AP})association\b(?!\s+(?:{CAP}|«|\"))", lambda e: e.org_kind == "association"),
            (rf"\b(?:[Cc]ommunauté\s+de\s+communes|[Cc]ommunauté\s+d{AP}agglomération|communauté\s+urbaine)\b(?!\s+{CAP})"
             rf"|\b(?:Communauté(?:\s+[Uu]rbaine)?|Métropole|[Aa]gglomération|[Ii]ntercommunalité)\b(?!\s+(?:{PREP}|"
             rf"[Uu]rbaine|d{AP}|de\s+communes))", lambda e: e.org_kind == "intercommunalite" or normalise_name(e.name).startswith(
                ("communaute", "metropole"))),
            (r"\b(?:[Cc]ommission\s+permanente|[Aa]ssemblée\s+départementale|[Cc]onseil\s+départemental)\b(?!\s+(?:de|du|des)\b)",
             lambda e: normalise_name(e.name).startswith("departement")),
            (r"\b(?:[Aa]ssemblée\s+régionale|[Cc]onseil\s+régional)\b(?!\s+(?:de|du|des)\b)",
             lambda e: normalise_name(e.name).startswith("region")),
            (r"\b(?:[Cc]onseil\s+(?:communautaire|métropolitain)|[Bb]ureau\s+communautaire)\b",
             lambda e: e.org_kind == "intercommunalite" or normalise_name(e.name).startswith(("communaute", "metropole"))),
            (r"\b(?:la\s+[Vv]ille|la\s+[Cc]ommune|la\s+municipalité|le\s+[Cc]onseil\s+municipal)\b(?!\s+(?:de|du|des)\b|\s+d[’'])",
             lambda e: normalise_name(e.name).startswith("commune")),
        ]
        for pattern, test in rules:
            for m in re.finditer(pattern, text):
                if any(mm.start <= m.start() < mm.end for mm in self.x.mentions):
                    continue
                ent = pick(m.start(), test)
                if ent is not None:
                    start = m.start()
                    if m.group(0).startswith("la "):
                        start += 3
                    self.mention(start, m.end(), ent.key, alias=True)
