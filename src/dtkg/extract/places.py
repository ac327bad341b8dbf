"""Places: the third places the graph knows, a kind of place with its name and commune (``tiers-lieu numérique de
Bourbourg, l'ATELIER``, ``le fablab Le Hangar à Arras``), later repeats of a name, and the networks the graph knows.
"""

from __future__ import annotations

import re

from ..importers.values import normalise_name
from .mentions import Entity, FinderState
from .patterns import ALLCAPS, AP, NAME, PLACE_KIND, QUOTED, ROLE_RE, clean_name, fold, trim_connectors

PNAME = rf"(?:{QUOTED}|{ALLCAPS}|(?:Le|La|Les|L{AP})\s?{NAME}|{NAME})"
PLACE_RES = [
    # tiers-lieu numérique de Bourbourg, l'ATELIER
    re.compile(rf"\b{PLACE_KIND}\s+(?:de|d{AP}|à)\s*(?P<commune>{NAME})\s*,\s*(?:l{AP}|le\s|la\s|les\s)?"
               rf"(?P<name>{QUOTED}|{ALLCAPS}|(?:Le|La|Les|L{AP})\s?{NAME})"),
    # le fablab Le Hangar à Arras / l'espace numérique « La Fabrique » de Béthune
    re.compile(rf"\b{PLACE_KIND}\s+(?P<name>{PNAME})\s+(?:à|de|d{AP})\s*(?P<commune>{NAME})"),
    # du SPARKLAB à Dunkerque
    re.compile(rf"\b(?:du|le|la|l{AP}|au|les|aux|des)\s*(?P<name>{QUOTED}|{ALLCAPS})\s+(?:à|de|d{AP})\s*"
               rf"(?P<commune>{NAME})"),
    # La Ruche à Roubaix (in a sentence about places)
    re.compile(rf"(?<![\w’'])(?P<name>(?:Le|La|Les|L{AP})\s?{NAME})\s+à\s+(?P<commune>{NAME})"),
]
NETWORK_RE = re.compile(rf"\b[Rr]éseau\s+(?:de|des|du|d{AP})\s+[^,.;:()]{{3,80}}?(?=\s+(?:composé|qui|réunissant|"
                        r"regroupant|animé|dont|a\s|ont\s|est\s|sera)|[,.;:()])")


class Places(FinderState):
    """Finds the places and networks of a text."""

    def find_places(self) -> None:
        text = self.text
        # places the graph knows, by their name
        for key, local in self.gaz.items("place"):
            label = self.gaz.label("place", local)
            core = re.sub(rf"^(?:L{AP}|Le |La |Les )", "", label)
            if len(core) < 3:
                continue
            pattern = r"\b" + r"[\s’'\-]+".join(re.escape(w) for w in normalise_name(core).split()) + r"\b"
            for m in re.finditer(pattern, fold(text), re.IGNORECASE):
                raw = text[m.start():m.end()]
                if not (raw.isupper() or raw == core):
                    continue
                ent = self.x.entities.get(f"place:{local}") or self.add_entity(Entity(
                    "place", local, label, known=True, insee=self.gaz.commune_of.get(local, ""), third_place=True,
                    cite=self._place_cite(m.start(), m.end())))
                self.mention(m.start(), m.end(), ent.key)
        for pattern in PLACE_RES:
            for m in pattern.finditer(text):
                name_start, name_end = m.span("name")
                raw_name = trim_connectors(m.group("name"))
                if ROLE_RE.fullmatch(raw_name) or self.overlaps_kind(name_start, name_start + len(raw_name),
                                                                        ("organisation", "person")):
                    continue
                existing = self.at_mention(name_start)
                if existing and existing.key.startswith("place:"):
                    continue
                town = trim_connectors(m.group("commune"))
                commune = self.commune(town)
                if commune is None:
                    # "L'Usine à Zabu, à Soissons": the name goes on, the commune comes after
                    more = re.match(rf"\s*,?\s*(?:à|de|d{AP})\s*(?P<town>{NAME})", text[m.start("commune") + len(town):])
                    if more and self.commune(trim_connectors(more.group("town"))):
                        raw_name = text[name_start:m.start("commune") + len(town)]
                        town = trim_connectors(more.group("town"))
                        commune = self.commune(town)
                name = clean_name(raw_name)
                kind_before = re.search(rf"\b({PLACE_KIND})\s+$", text[max(0, name_start - 40):name_start])
                if (kind_before and not re.match(rf"(?:Le|La|Les|L{AP}|«|“|\")", raw_name)
                        and not raw_name.isupper()):
                    # "la médiathèque Robert Cousin": a place named after someone keeps its kind in its name
                    name = kind_before.group(1)[0].upper() + kind_before.group(1)[1:] + " " + name
                    raw_name = text[name_start - len(kind_before.group(0)):name_start + len(raw_name)]
                    name_start -= len(kind_before.group(0))
                if pattern is PLACE_RES[3] and not re.search(PLACE_KIND, text[slice(*self.sentence_of(m.start()))],
                                                              re.IGNORECASE):
                    continue
                if commune is None:
                    self.x.notes.append((m.start(), m.end(), f"lieu « {name} » : commune « {town} » introuvable "
                                                               "dans le référentiel, à compléter à la main"))
                    continue
                known = self.gaz.lookup("place", name)
                pid = known or self.new_id(f"{name}-{commune[1]}")
                third = bool(re.search(r"tiers[- ]lieu|fab\s?lab|hackerspace|repair", text[
                    max(0, m.start() - 120):m.end()], re.IGNORECASE))
                ent = self.x.entities.get(f"place:{pid}") or self.add_entity(Entity(
                    "place", pid, self.gaz.label("place", known) if known else name, known=bool(known),
                    insee=commune[0], commune=commune[1], third_place=third, cite=(m.start(), m.end())))
                self.mention(name_start, name_start + len(raw_name), ent.key)
        # a kind of place and a quoted or capitalised name, the commune elsewhere in the sentence or in the dateline
        dateline = re.match(rf"\s*(?P<town>{NAME})\s*,\s+le\s+\d", text)
        for m in re.finditer(rf"\b{PLACE_KIND}\s+(?P<name>{QUOTED}|{ALLCAPS}(?![\w’'\-]))", text):
            name_start = m.start("name")
            raw_name = m.group("name")
            if self.overlaps_mention(name_start, m.end("name")):
                continue
            s_start, s_end = self.sentence_of(m.start())
            commune = None
            for town in re.finditer(rf"\b(?:à|de|d{AP})\s*(?P<town>{NAME})", text[m.end():s_end]):
                commune = self.commune(trim_connectors(town.group("town")))
                if commune:
                    break
            if commune is None and dateline:
                commune = self.commune(trim_connectors(dateline.group("town")))
            if commune is None:
                continue
            name = clean_name(raw_name)
            known = self.gaz.lookup("place", name)
            pid = known or self.new_id(f"{name}-{commune[1]}")
            third = bool(re.search(r"tiers[- ]lieu|fab\s?lab|hackerspace|repair", m.group(0), re.IGNORECASE))
            ent = self.x.entities.get(f"place:{pid}") or self.add_entity(Entity(
                "place", pid, self.gaz.label("place", known) if known else name, known=bool(known),
                insee=commune[0], commune=commune[1], third_place=third, cite=(m.start(), m.end())))
            self.mention(name_start, m.end("name"), ent.key)
        self.find_repeats()
        for m in NETWORK_RE.finditer(text):
            local = self.gaz.lookup_prefix("network", m.group(0)) or self.gaz.lookup("network", m.group(0))
            if local:
                self.add_entity(Entity("network", local, self.gaz.label("network", local), known=True,
                                       cite=(m.start(), m.end())))
                self.mention(m.start(), m.end(), f"network:{local}")

    def find_repeats(self) -> None:
        """Later occurrences of the name of a place or organisation already found (``La Station``)."""
        for ent in list(self.x.entities.values()):
            if ent.kind not in ("place", "organisation"):
                continue
            names = {ent.name, re.sub(rf"^(?:L{AP}|Le |La |Les )", "", ent.name) if ent.name.isupper() else ent.name}
            for name in names:
                if len(name) < 4:
                    continue
                for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", self.text):
                    if not self.overlaps_mention(m.start(), m.end()):
                        self.mention(m.start(), m.end(), ent.key, alias=True)

    def _place_cite(self, start: int, end: int) -> tuple[int, int]:
        s, e = self.sentence_of(start)
        before = re.search(rf"{PLACE_KIND}[^.;]*?,\s*(?:l{AP}|le\s|la\s)?$", self.text[s:start], re.IGNORECASE)
        if before:
            return s + before.start(), end
        after = re.match(rf"\s+(?:à|de)\s+{NAME}", self.text[end:e])
        prefix = re.search(rf"(?:du|le|la|l{AP}|au)\s*$", self.text[s:start])
        return (start - (len(prefix.group(0)) if prefix else 0)), end + (after.end() if after else 0)
