"""What a finder reads into: the records of one text (mentions, entities, roles, grants) and :class:`FinderState`,
the state the finders share (the spaCy document, the graph's names, what was found so far, where sentences are).

Every finder (organisations, people, places, calls, grants, dates) is a mixin over this state, so that each one
reads what the earlier ones found through the same few questions (``at_mention``, ``mention_starting``…).
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..importers.values import normalise_name, slugify
from .linking import Gazetteer, find_communes_by_name
from .patterns import AP, PLACE_KIND, clean_name, trim_connectors


@dataclass
class Mention:
    """Where the text names something: character offsets and the entity (``kind:id``) it names."""

    start: int
    end: int
    key: str
    alias: bool = False  # "la Région", "l'association": names an entity already met


@dataclass
class Entity:
    kind: str  # organisation, person, place
    id: str
    name: str
    known: bool = False
    org_kind: str = ""
    acronym: str = ""
    given: str = ""
    family: str = ""
    label: str = ""
    insee: str = ""
    commune: str = ""
    third_place: bool = False
    cite: tuple[int, int] = (0, 0)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass
class Role:
    person: str
    organisation: str
    role: str
    delegation: str
    heads: bool
    cite: tuple[int, int]


@dataclass
class Grant:
    id: str
    funder: str
    recipient: str  # kind:id
    amount: Decimal
    kind: str
    start: str
    end: str
    call: str
    part_of: str
    cite: tuple[int, int]
    amount_span: tuple[int, int]
    notes: list[str] = field(default_factory=list)


@dataclass
class Extraction:
    """Everything read from one text."""

    text: str
    entities: dict[str, Entity] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    grants: list[Grant] = field(default_factory=list)
    calls: list[tuple[int, int, str, str]] = field(default_factory=list)  # start, end, name, id/name for the table
    notes: list[tuple[int, int, str]] = field(default_factory=list)  # what the reader should check
    date: str = ""

    def of_kind(self, kind: str) -> list[Entity]:
        return [e for e in self.entities.values() if e.kind == kind]


class FinderState:
    """One text: its spaCy document, the graph's names, what was found so far."""

    def __init__(self, doc: Any, gaz: Gazetteer, *, date: _dt.date | None = None) -> None:
        self.doc, self.gaz, self.text = doc, gaz, doc.text
        self.x = Extraction(self.text)
        self.date = date
        self.sents = [(s.start_char, s.end_char) for s in doc.sents]
        self._ids: set[str] = set()
        self.publisher: str | None = None
        self._getter = False  # the last recipient read on the parse is the subject of "recevoir", "bénéficier"…

    def sentence_of(self, pos: int) -> tuple[int, int]:
        for s, e in self.sents:
            if s <= pos < e:
                return s, e
        return 0, len(self.text)

    def previous_sentence(self, s_start: int) -> tuple[int, int] | None:
        before = [s for s in self.sents if s[1] <= s_start]
        return before[-1] if before else None

    def add_entity(self, ent: Entity) -> Entity:
        if ent.key in self.x.entities:
            return self.x.entities[ent.key]
        self.x.entities[ent.key] = ent
        return ent

    def new_id(self, base: str) -> str:
        base = slugify(base, max_length=80) or "x"
        out, n = base, 2
        while out in self._ids:
            out, n = f"{base}-{n}", n + 1
        self._ids.add(out)
        return out

    def mention(self, start: int, end: int, key: str, alias: bool = False) -> None:
        for m in self.x.mentions:
            if m.start == start and m.end == end:
                return
        self.x.mentions.append(Mention(start, end, key, alias))

    def at_mention(self, pos: int) -> Mention | None:
        return next((m for m in self.x.mentions if m.start <= pos < m.end), None)

    def overlaps_mention(self, start: int, end: int) -> bool:
        return any(m.start < end and start < m.end for m in self.x.mentions)

    def overlaps_kind(self, start: int, end: int, kinds: tuple[str, ...]) -> bool:
        return any(m.start < end and start < m.end and m.key.split(":")[0] in kinds for m in self.x.mentions)

    def mention_starting(self, pos: int, kinds: tuple[str, ...] = ("organisation", "place", "network"),
                         slack: str = rf"\s*(?:l{AP}|la\s|le\s|les\s|du\s|des\s|de\s|au\s|aux\s)?\s*"
                                      rf"(?:association\s|{PLACE_KIND}\s)?\s*") -> Mention | None:
        m = re.match(slack, self.text[pos:])
        at = pos + (m.end() if m else 0)
        best = [mm for mm in self.x.mentions if pos <= mm.start <= at and mm.key.split(":")[0] in kinds]
        return max(best, key=lambda mm: mm.end - mm.start) if best else None

    def org(self, name: str, kind: str, span: tuple[int, int], acronym: str = "") -> Entity:
        """The organisation called ``name``: the graph's when it knows the name, else a new row."""
        name = trim_connectors(clean_name(name))
        known = self.gaz.lookup("organisation", name) or (acronym and self.gaz.lookup("organisation", acronym))
        for ent in self.x.of_kind("organisation"):
            if normalise_name(ent.name) == normalise_name(name) or (known and ent.id == known):
                return ent
        if known:
            return self.add_entity(Entity("organisation", known, self.gaz.label("organisation", known), known=True,
                                          org_kind=kind, cite=span))
        return self.add_entity(Entity("organisation", self.new_id(name), name, org_kind=kind, acronym=acronym,
                                      cite=span))

    def commune(self, name: str) -> tuple[str, str] | None:
        found = find_communes_by_name(name, self.gaz.known)
        if len(found) == 1:
            return found[0].insee, found[0].name
        return None
