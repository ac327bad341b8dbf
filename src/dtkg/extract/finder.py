"""Reading a press text: mentions of organisations, people, places, calls and amounts, then the facts that tie them
(roles, grants), each with the character offsets of the words it comes from.

The rules follow how French press releases write things, not one text: names in apposition (``Prénom NOM, fonction
de l'organisation``), unnamed office holders (``du Maire de Bourbourg``), ``présidée par``, amounts (``90 000
euros``, ``6 421 €``, ``1,2 M€``), the kinds of aid, who funds whom read on the dependency parse (subject, object and
agent of *soutenir*, *accompagner*, *verser*, *attribuer*…) with the usual prepositional patterns as a fallback
(``versée … à``, ``au profit de``, ``aide … de la Région``), parts of a larger sum (``Sur cette somme``, ``dont``).
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..importers.values import normalise_name, slugify
from .linking import Gazetteer, find_communes_by_name

AP = "[’']"
CAP = r"[A-ZÉÈÊÀÂÎÔÛÇ][\w’'\-]*"
_SEP = r"(?:[ \-](?:(?:de la|de|du|des|la|le|les|sur|en|aux|lès)[ \-])?|[ \-](?:d|l)[’'])"
NAME = rf"{CAP}(?:{_SEP}{CAP})*"
ALLCAPS = r"(?:[A-ZÉÈ][A-Z0-9ÉÈ&\-]{2,}|[A-ZÉÈ]{2}(?=[ \-][A-Z0-9]{2}))(?:[ \-][A-Z0-9ÉÈ&]{2,})*"
QUOTED = r"«\s*[^»\n]{2,80}?\s*»|“[^”\n]{2,80}”|\"[^\"\n]{2,80}\""

ROLE = (r"(?:premi(?:er|ère)\s+)?vice[- ]présidente?|présidente?(?:\s+déléguée?)?|maire(?:[- ]adjointe?)?"
        r"|(?:premi(?:er|ère)\s+)?adjointe?(?:\s+au\s+maire)?|directeur(?:\s+général)?(?:\s+des\s+services)?"
        r"|directrice(?:\s+générale)?(?:\s+des\s+services)?|conseill(?:er|ère)s?\s+(?:régional|départemental|"
        r"municipal|communautaire|délégué|métropolitain|numérique)e?|déléguée?|secrétaire\s+générale?"
        r"|trésori(?:er|ère)|coordinat(?:eur|rice)|chargée?\s+de\s+mission|che(?:f|ffe)\s+de\s+projet"
        r"|responsable|(?:co-?)?fondat(?:eur|rice)|gérante?|préf(?:et|ète)|sous-préf(?:et|ète)|députée?"
        r"|sénat(?:eur|rice)|animat(?:eur|rice)|médiat(?:eur|rice)\s+numérique")
ROLE_RE = re.compile(rf"\b(?:{ROLE})\b", re.IGNORECASE)
_PREP = rf"(?:de la|de l{AP}|du|des|de|d{AP})"
_HEADS = ("président", "maire", "directeur", "directrice", "préfet", "préfète", "gérant")

ORG_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"\b(?:Région|région)\s+(?!de\b|du\b|des\b){NAME}"), "collectivite"),
    (re.compile(rf"\bConseil [Rr]égional\s+(?:des\s+|de\s+|du\s+)?{NAME}"), "collectivite"),
    (re.compile(rf"\b(?:Département|Conseil [Dd]épartemental)\s+{_PREP}\s*{NAME}"), "collectivite"),
    (re.compile(rf"\b(?:Communauté\s+[Uu]rbaine|Communauté\s+d{AP}\s?[Aa]gglomération|Communauté\s+de\s+[Cc]ommunes"
                rf"|Métropole(?:\s+[Ee]uropéenne)?)(?:\s+{_PREP})?\s*{NAME}"), "intercommunalite"),
    (re.compile(rf"\b(?:Ville|Mairie|Commune|[Cc]onseil [Mm]unicipal)\s+{_PREP}\s*{NAME}"), "commune"),
    (re.compile(rf"\b(?:Mutualité|Caisse|Centre|Agence|Banque|Chambre|Université|Syndicat|Fondation|Fédération"
                rf"|Union|Office|Institut|Groupement|Coopérative|Mission|Préfecture|Direction|Conseil)"
                rf"(?:{_SEP}{CAP})+"), "autre"),
    (re.compile(r"\b(?:France Travail|Pôle [Ee]mploi|La Poste|Banque des Territoires|État)\b"), "organisme-public"),
    (re.compile(rf"\bMaison\s+(?:de\s+l{AP}[Ee]mploi|des\s+[Ss]olidarités|de\s+la\s+[Ss]olidarité)(?:{_SEP}{CAP})*"),
     "organisme-public"),
    # "pour la commune de X", "à la commune de X": the municipality as a party
    (re.compile(rf"(?:(?<=\bpour la )|(?<=\bavec la )|(?<=\bpar la )|(?<=\bà la ))commune\s+{_PREP}\s*{NAME}"),
     "commune"),
]
ASSOC_RE = re.compile(rf"\b(?:[Ll]{AP}association|[Ll]a\s+(?:coopérative|SCIC|société|fondation|fédération)"
                      rf"|[Ll]{AP}entreprise)\s+({QUOTED}|{NAME})")
ACRONYM_RE = re.compile(r"\s*\(([A-Z][A-Za-z0-9&\-]{1,12})\)")

PERSON_RE = re.compile(
    r"\b(?:(?:M\.|Mme|Madame|Monsieur)\s+)?"
    r"([A-ZÉÈ][a-zéèëêïîçôâ]+(?:-[A-ZÉÈ][a-zéèëêïîçôâ]+)?)\s+"
    r"((?:(?:de|du|van|von|le|la|d’|d')\s?)?[A-ZÉÈÀÇ][A-ZÉÈÀÇËÏ'’\-]+(?:\s+[A-ZÉÈÀÇ][A-ZÉÈÀÇËÏ'’\-]{1,})?)\b")
_NOT_GIVEN = {"Le", "La", "Les", "Ce", "Cette", "Ces", "Un", "Une", "Des", "Du", "De", "En", "Et", "Au", "Aux", "Pour",
              "Par", "Sur", "Dans", "Avec", "Région", "Département", "Communauté", "Ville", "Commune", "Association",
              "Centre", "Maison", "Espace", "Appel", "Madame", "Monsieur", "Contact", "Presse", "Président",
              "Présidente", "Maire", "Directeur", "Directrice", "Conseil", "Tiers", "Lieu", "Réseau", "Saint",
              "Sainte", "Mme", "Madame"}

PLACE_KIND = (r"(?:tiers[- ]lieux?(?:\s+(?:numériques?|du\s+numérique))?|fab\s?labs?|espaces?\s+(?:public\s+)?numériques?"
              r"|EPN|médiathèques?|[Mm]aisons?\s+France\s+[Ss]ervices?|France\s+[Ss]ervices|cyber-?bases?"
              r"|repair\s+cafés?|cafés?\s+numériques?|hackerspaces?|ateliers?\s+numériques?|campus\s+numériques?"
              r"|pépinières?|lieux?)")
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
CALL_RE = re.compile(rf"\b[Aa]ppels?\s+à\s+(?:projets|manifestations?\s+d{AP}intérêt|candidatures?)\s*"
                     rf"(?P<name>{QUOTED}|{NAME})?(?:\s+(?:lancée?\s+en|de)\s+(?P<year>(?:19|20)\d\d))?")
NETWORK_RE = re.compile(rf"\b[Rr]éseau\s+(?:de|des|du|d{AP})\s+[^,.;:()]{{3,80}}?(?=\s+(?:composé|qui|réunissant|"
                        r"regroupant|animé|dont|a\s|ont\s|est\s|sera)|[,.;:()])")

AMOUNT_RE = re.compile(
    r"(?<![\d,.])(?P<int>\d{1,3}(?:[ \u00a0\u202f.]\d{3})+|\d+)(?:,(?P<dec>\d{1,3}))?\s*"
    rf"(?P<unit>M€|M\s?d{AP}euros|millions?\s+d{AP}euros|millions?\s+€|k€|K€|€|euros?\b|EUR\b)")
FUND_CUES = re.compile(r"\b(?:aides?|subventions?|soutien|soutenu|financ\w*|dotations?|enveloppes?|participations?"
                       r"|contributions?|attribu\w*|accord\w*|allou\w*|octro\w*|verse\w*|reçu|reçoit|reçoivent|perçu|perçoit|obtenu|obtient|bénéfici\w*|versée?s?|attribuée?s?|accordée?s?|allouée?s?|octroyée?s?|mobilis\w*"
                       r"|accompagn\w*|investi\w*|cofinanc\w*|destinée?s?|fonds|prime|bourse)\b", re.IGNORECASE)
NOT_GRANT = re.compile(r"\b(?:coût|budget\s+(?:total|global)|chiffre\s+d.affaires|salaire|prix|tarif|montant\s+total"
                       r"|total\s+de|au\s+total|enveloppe\s+(?:globale|totale))\b", re.IGNORECASE)
#: A sentence that asks for money or plans it does not say that a grant was given.
REQUEST = re.compile(r"\b(?:sollicit\w*|demande\w*|envisag\w*|pourrai\w*|candidat\w*|souhait\w*)\b", re.IGNORECASE)
FUND_VERB_RE = re.compile(r"\b(?:vers|attribu|accord|allou|octroi|octroy|apport|financ|soutien|soutenu|accompagn"
                          r"|mobilis|consacr|décid|subventionn|approuv|vot|adopt)\w*\b"
                          r"|\bparticip(?:e|ent|era|eront|é)\b")
FUND_VERBS = {"soutenir", "accompagner", "financer", "aider", "subventionner", "cofinancer", "doter"}
GIVE_VERBS = {"attribuer", "accorder", "verser", "allouer", "octroyer", "apporter", "consacrer", "mobiliser",
              "investir", "engager", "voter", "débloquer", "destiner", "réserver"}
GET_VERBS = {"bénéficier", "recevoir", "obtenir", "percevoir", "toucher"}
MONTHS = {m: i for i, m in enumerate(("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                                      "septembre", "octobre", "novembre", "décembre"), 1)}
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


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


# ------------------------------------------------------------------------------------------------ helpers


def proper_case(word: str) -> str:
    """``KERKHOF`` → ``Kerkhof``, ``LE GALL`` → ``Le Gall``, ``DUPONT-MORETTI`` → ``Dupont-Moretti``."""
    if not word.isupper():
        return word
    out = re.sub(r"[A-ZÀ-Þ]+", lambda m: m.group(0)[0] + m.group(0)[1:].lower(), word)
    return re.sub(r"\b(De|Du|Van|Von|D)(?=[ ’'])", lambda m: m.group(0).lower() if m.start() else m.group(0), out)


def amount_value(m: re.Match[str]) -> Decimal:
    whole = re.sub(r"[ \u00a0\u202f.]", "", m.group("int"))
    value = Decimal(whole + ("." + m.group("dec") if m.group("dec") else ""))
    unit = m.group("unit").lower()
    if unit.startswith("m"):
        value *= 1_000_000
    elif unit.startswith("k"):
        value *= 1000
    return value


def _clean_name(text: str) -> str:
    text = text.strip().strip("«»“”\"").strip()
    return re.sub(r"\s+", " ", text)


def _trim_connectors(text: str) -> str:
    return re.sub(rf"(?:[ \-](?:de la|de|du|des|la|le|les|sur|en|d|l)|[ ](?:d|l){AP})+$", "", text)


class Finder:
    """One text: its spaCy document, the graph's names, what was found so far."""

    def __init__(self, doc: Any, gaz: Gazetteer, *, date: _dt.date | None = None) -> None:
        self.doc, self.gaz, self.text = doc, gaz, doc.text
        self.x = Extraction(self.text)
        self.date = date
        self.sents = [(s.start_char, s.end_char) for s in doc.sents]
        self._ids: set[str] = set()
        self.publisher: str | None = None
        self._getter = False  # the last recipient read on the parse is the subject of "recevoir", "bénéficier"…

    # -------------------------------------------------------------------------------------- entities

    def sentence_of(self, pos: int) -> tuple[int, int]:
        for s, e in self.sents:
            if s <= pos < e:
                return s, e
        return 0, len(self.text)

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

    def org(self, name: str, kind: str, span: tuple[int, int], acronym: str = "") -> Entity:
        """The organisation called ``name``: the graph's when it knows the name, else a new row."""
        name = _trim_connectors(_clean_name(name))
        known = self.gaz.lookup("organisation", name) or (acronym and self.gaz.lookup("organisation", acronym))
        for ent in self.x.of_kind("organisation"):
            if normalise_name(ent.name) == normalise_name(name) or (known and ent.id == known):
                return ent
        if known:
            return self.add_entity(Entity("organisation", known, self.gaz.label("organisation", known), known=True,
                                          org_kind=kind, cite=span))
        return self.add_entity(Entity("organisation", self.new_id(name), name, org_kind=kind, acronym=acronym,
                                      cite=span))

    def find_organisations(self) -> None:
        text = self.text
        found: list[tuple[int, int, str, str]] = []
        for pattern, kind in ORG_PATTERNS:
            for m in pattern.finditer(text):
                name = _trim_connectors(m.group(0))
                end = m.start() + len(name)
                if kind == "commune":
                    town = re.sub(rf"^(?:Ville|Mairie|[Cc]ommune|[Cc]onseil [Mm]unicipal)\s+{_PREP}\s*", "", name)
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
            found.append((m.start(1), m.start(1) + len(_trim_connectors(m.group(1))), m.group(1), "association"))
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
            for m in re.finditer(pattern, _fold(text), flags):
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
                ent = self.org(_clean_name(name), kind, (start, end), acronym)
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
            (rf"\b[Dd]épartement\b(?!\s+{_PREP})", lambda e: normalise_name(e.name).startswith("departement")),
            (rf"(?<=[Ll]{AP})association\b(?!\s+(?:{CAP}|«|\"))", lambda e: e.org_kind == "association"),
            (rf"\b(?:[Cc]ommunauté\s+de\s+communes|[Cc]ommunauté\s+d{AP}agglomération|communauté\s+urbaine)\b(?!\s+{CAP})"
             rf"|\b(?:Communauté(?:\s+[Uu]rbaine)?|Métropole|[Aa]gglomération|[Ii]ntercommunalité)\b(?!\s+(?:{_PREP}|"
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

    # -------------------------------------------------------------------------------------- people

    def find_people(self) -> None:
        text = self.text
        spans: list[tuple[int, int, str, str]] = []
        for m in PERSON_RE.finditer(text):
            given, family = m.group(1), m.group(2)
            if given in _NOT_GIVEN or not any(c.islower() for c in given):
                continue
            if not family.replace("-", "").replace("’", "").replace("'", "").replace(" ", "").isupper():
                continue
            if self.at_mention(m.start(1)) or self.at_mention(m.start(2)):
                continue
            spans.append((m.start(1), m.end(2), given, proper_case(family)))
        for ent in self.doc.ents:
            if ent.label_ != "PER":
                continue
            words = ent.text.split()
            if not 2 <= len(words) <= 3 or any(not w[0].isupper() for w in words) or words[0] in _NOT_GIVEN:
                continue
            if any(ch.isdigit() for ch in ent.text) or ROLE_RE.search(ent.text) or re.search(PLACE_KIND, ent.text, re.I):
                continue
            if any(s <= ent.start_char < e or ent.start_char <= s < ent.end_char for s, e, *_ in spans):
                continue
            if self.at_mention(ent.start_char) or self.overlaps_mention(ent.start_char, ent.end_char):
                continue
            spans.append((ent.start_char, ent.end_char, words[0], proper_case(" ".join(words[1:]))))
        for start, end, given, family in sorted(spans):
            full = f"{given} {family}"
            known = self.gaz.lookup("person", full)
            pid = known or slugify(full)
            ent = self.x.entities.get(f"person:{pid}") or self.add_entity(Entity(
                "person", pid, self.gaz.label("person", known) if known else full, known=bool(known), given=given,
                family=family, cite=(start, end)))
            self._ids.add(pid)
            self.mention(start, end, ent.key)

    def at_mention(self, pos: int) -> Mention | None:
        return next((m for m in self.x.mentions if m.start <= pos < m.end), None)

    def overlaps_mention(self, start: int, end: int) -> bool:
        return any(m.start < end and start < m.end for m in self.x.mentions)

    def mention_starting(self, pos: int, kinds: tuple[str, ...] = ("organisation", "place", "network"),
                         slack: str = rf"\s*(?:l{AP}|la\s|le\s|les\s|du\s|des\s|de\s|au\s|aux\s)?\s*"
                                      rf"(?:association\s|{PLACE_KIND}\s)?\s*") -> Mention | None:
        m = re.match(slack, self.text[pos:])
        at = pos + (m.end() if m else 0)
        best = [mm for mm in self.x.mentions if pos <= mm.start <= at and mm.key.split(":")[0] in kinds]
        return max(best, key=lambda mm: mm.end - mm.start) if best else None

    # -------------------------------------------------------------------------------------- roles

    def find_roles(self) -> None:
        text = self.text
        people = sorted((m for m in self.x.mentions if m.key.startswith("person:")), key=lambda m: m.start)
        used_roles: set[int] = set()
        for pm in people:
            s_start, s_end = self.sentence_of(pm.start)
            after = re.match(rf"\s*,\s*(?:(?:le|la|l{AP})\s+)?({ROLE})\b", text[pm.end:s_end], re.IGNORECASE)
            if after:
                r_start, r_end = pm.end + after.start(1), pm.end + after.end(1)
                org, cite_end, deleg = self.org_after_role(r_start, r_end, s_end, stop=pm.end)
                used_roles.add(r_start)
                if org:
                    self.add_role(pm.key, org, text[r_start:r_end], deleg, (pm.start, cite_end))
                continue
            ours = re.search(rf"\b[Nn]otre\s+({ROLE})\s*,\s*$", text[max(0, pm.start - 60):pm.start], re.IGNORECASE)
            if ours and self.publisher:
                r_start = max(0, pm.start - 60) + ours.start(1)
                used_roles.add(r_start)
                self.add_role(pm.key, self.publisher, ours.group(1), "", (r_start - 6, pm.end))
                continue
            whose = re.search(rf",?\s+dont\s+(?:le|la|l{AP})\s*({ROLE})\s*,\s*$", text[max(0, pm.start - 60):pm.start],
                              re.IGNORECASE)
            if whose:
                at = max(0, pm.start - 60) + whose.start()
                owner = [m for m in self.x.mentions if m.key.startswith("organisation:") and m.end <= at
                         and not text[m.end:at].strip()]
                if owner:
                    r_start = max(0, pm.start - 60) + whose.start(1)
                    used_roles.add(r_start)
                    self.add_role(pm.key, owner[-1].key, whose.group(1), "", (owner[-1].start, pm.end))
                    continue
            mayor = re.search(r"\b[Ll]e\s+(maire|maire-adjoint|premier\s+adjoint)\s*,\s*$", text[max(0, pm.start - 40):pm.start])
            if mayor:
                town = self.town_of_text()
                if town:
                    ent = self.org(commune_org_name(town[0]), "collectivite", town[1])
                    self.mention(town[1][0], town[1][1], ent.key, alias=True)
                    r_start = max(0, pm.start - 40) + mayor.start(1)
                    used_roles.add(r_start)
                    self.add_role(pm.key, ent.key, mayor.group(1), "", (r_start, pm.end))
                    continue
            before = self.role_before(pm, s_start)
            if before:
                r_start, org, deleg = before
                used_roles.add(r_start)
                self.add_role(pm.key, org, ROLE_RE.match(text, r_start).group(0), deleg, (r_start, pm.end))
                continue
            led = re.search(rf"\b(présidée?|dirigée?|animée?|coordonnée?)\s+par\s*$", text[max(0, pm.start - 40):pm.start])
            if led:
                pos = max(0, pm.start - 40) + led.start()
                stop = 0  # the start of the sentence, as punctuation gives it (the parser may cut it short)
                for b in re.finditer(r"[.!?](?:\s|$)", text[:pos]):
                    stop = b.end()
                orgs = [m for m in self.x.mentions if m.key.startswith("organisation:") and stop <= m.start < pos]
                if orgs:
                    org = max(orgs, key=lambda m: m.start)
                    role = {"présid": "président", "dirig": "directeur", "animé": "animateur",
                            "coord": "coordinateur"}[led.group(1)[:5] if led.group(1)[:5] != "prési" else "présid"]
                    self.add_role(pm.key, org.key, role, "", (org.start, pm.end))
        # unnamed office holders: "du Maire de Bourbourg", "du Vice-président de la Mutualité Sociale Agricole"
        for m in ROLE_RE.finditer(text):
            if m.start() in used_roles or any(m.start() in range(r.cite[0], r.cite[1]) for r in self.x.roles):
                continue
            det = re.search(rf"(?:\b(?:du|le|la|au|l{AP})\s*)$", text[max(0, m.start() - 4):m.start()])
            if not det:
                continue
            s_start, s_end = self.sentence_of(m.start())
            org, cite_end, deleg = self.org_after_role(m.start(), m.end(), s_end, stop=m.start(), strict=True)
            if not org:
                continue
            role = m.group(0)
            if any(_role_key(r.role) == _role_key(role) and r.organisation == org for r in self.x.roles):
                continue
            org_ent = self.x.entities[org]
            role_word = role[0].upper() + role[1:].lower()
            label = f"{role_word} {text[m.end():cite_end].strip()} (non nommé)"
            label = re.sub(r"\s+", " ", label)
            if org_ent.name.startswith("Commune d"):
                label = f"{role_word} {org_ent.name[len('Commune '):]} (non nommé)"
            pid = self.new_id(f"{role}-{org_ent.id}")
            start = m.start() - len(det.group(0))
            ent = self.add_entity(Entity("person", pid, label, label=label, cite=(start, cite_end)))
            self.mention(m.start(), cite_end, ent.key)
            self.add_role(ent.key, org, role, deleg, (start, cite_end))

    def town_of_text(self) -> tuple[str, tuple[int, int]] | None:
        """The commune a text is about: its dateline (``Maubeuge, le 21 mars``) or opening (``À Hazebrouck,``)."""
        m = re.match(rf"\s*(?:À|A|Á)?\s*(?P<town>{NAME})\s*,", self.text)
        if m and self.commune(_trim_connectors(m.group("town"))):
            return _trim_connectors(m.group("town")), m.span("town")
        return None

    def org_after_role(self, r_start: int, r_end: int, s_end: int, *, stop: int,
                       strict: bool = False) -> tuple[str | None, int, str]:
        """The organisation a role belongs to: the first one named after the role word in the sentence, introduced
        by ``de``/``du``/``de la``, with no other person or role word between (the words between are the
        delegation)."""
        text = self.text
        # maire de X, adjoint au maire de X, conseiller municipal de X: the municipality
        role = text[r_start:r_end].lower()
        nxt_people = [m.start for m in self.x.mentions if m.key.startswith("person:") and r_end <= m.start < s_end]
        limit = min(nxt_people + [s_end])
        nxt_role = ROLE_RE.search(text, r_end, limit)
        if nxt_role:
            limit = min(limit, nxt_role.start())
        cands = sorted((m for m in self.x.mentions if m.key.startswith("organisation:") and r_end <= m.start < limit),
                       key=lambda m: m.start)
        for m in cands:
            between = text[r_end:m.start]
            if not re.search(rf"(?:\b(?:de la|de l{AP}|du|des|de|d{AP})\s*|^\s*)$", between):
                continue
            prep = re.search(rf"\s*(?:\b(?:de la|de l{AP}|du|des|de)\s*|\bd{AP}\s*)$", between)
            deleg = between[:prep.start()] if prep else between
            deleg = deleg.strip(" ,")
            if strict and deleg and not re.match(rf"^(?:au|à|aux|en charge|chargée?|délégué)", deleg):
                continue
            if deleg and not re.match(rf"^(?:au|à|aux|en charge|chargée?|délégué|déléguée)\b", deleg):
                if len(deleg) > 3:
                    continue
                deleg = ""
            return m.key, m.end, deleg
        if "maire" in role or "municipal" in role:
            mm = re.match(rf"\s+(?:de|d{AP})\s*({NAME})", text[r_end:limit])
            if mm:
                town = _trim_connectors(mm.group(1))
                if find_communes_by_name(town, self.gaz.known) or self.gaz.lookup("organisation", commune_org_name(town)):
                    start = r_end + mm.start(1)
                    ent = self.org(commune_org_name(town), "collectivite", (start, start + len(town)))
                    self.mention(start, start + len(town), ent.key, alias=True)
                    return ent.key, start + len(town), ""
        for word, test in (("régional", "region"), ("départemental", "departement"), ("métropolitain", "metropole"),
                           ("communautaire", "communaute"), ("municipal", "commune")):
            if word in role:
                regs = {e.key for e in self.x.of_kind("organisation") if normalise_name(e.name).startswith(test)}
                if len(regs) == 1:
                    return next(iter(regs)), r_end, ""
        return None, r_end, ""

    def role_before(self, pm: Mention, s_start: int) -> tuple[int, str, str] | None:
        """``le Président de la Région Hauts-de-France, Xavier BERTRAND``: role, organisation, comma, name."""
        text = self.text
        head = text[s_start:pm.start]
        if not re.search(r",\s*$", head):
            return None
        orgs = [m for m in self.x.mentions if m.key.startswith("organisation:") and m.end <= pm.start
                and re.fullmatch(r"\s*,\s*", text[m.end:pm.start])]
        if not orgs:
            return None
        org = orgs[0]
        for r in ROLE_RE.finditer(text, s_start, org.start):
            between = text[r.end():org.start]
            if re.fullmatch(rf"\s*(?:(?:au|à|aux)\s[^,]*?\s)?(?:de la|de l{AP}|du|des|de|d{AP})\s*", between):
                deleg = re.sub(rf"\s*(?:de la|de l{AP}|du|des|de|d{AP})\s*$", "", between).strip()
                last = None
                for rr in ROLE_RE.finditer(text, s_start, org.start):
                    last = rr
                if last is not None and last.start() != r.start():
                    continue
                return r.start(), org.key, deleg
        return None

    def add_role(self, person: str, org: str, role: str, delegation: str, cite: tuple[int, int]) -> None:
        role = re.sub(r"\s+", " ", role.strip()).lower()
        heads = any(role.startswith(h) for h in _HEADS)
        for r in self.x.roles:
            if r.person == person and r.organisation == org and _role_key(r.role) == _role_key(role):
                return
        self.x.roles.append(Role(person, org, role, delegation, heads, cite))

    # -------------------------------------------------------------------------------------- places

    def commune(self, name: str) -> tuple[str, str] | None:
        found = find_communes_by_name(name, self.gaz.known)
        if len(found) == 1:
            return found[0].insee, found[0].name
        return None

    def find_places(self) -> None:
        text = self.text
        # places the graph knows, by their name
        for key, local in self.gaz.items("place"):
            label = self.gaz.label("place", local)
            core = re.sub(rf"^(?:L{AP}|Le |La |Les )", "", label)
            if len(core) < 3:
                continue
            pattern = r"\b" + r"[\s’'\-]+".join(re.escape(w) for w in normalise_name(core).split()) + r"\b"
            for m in re.finditer(pattern, _fold(text), re.IGNORECASE):
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
                raw_name = _trim_connectors(m.group("name"))
                if ROLE_RE.fullmatch(raw_name) or self.overlaps_kind(name_start, name_start + len(raw_name),
                                                                        ("organisation", "person")):
                    continue
                existing = self.at_mention(name_start)
                if existing and existing.key.startswith("place:"):
                    continue
                town = _trim_connectors(m.group("commune"))
                commune = self.commune(town)
                if commune is None:
                    # "L'Usine à Zabu, à Soissons": the name goes on, the commune comes after
                    more = re.match(rf"\s*,?\s*(?:à|de|d{AP})\s*(?P<town>{NAME})", text[m.start("commune") + len(town):])
                    if more and self.commune(_trim_connectors(more.group("town"))):
                        raw_name = text[name_start:m.start("commune") + len(town)]
                        town = _trim_connectors(more.group("town"))
                        commune = self.commune(town)
                name = _clean_name(raw_name)
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
                commune = self.commune(_trim_connectors(town.group("town")))
                if commune:
                    break
            if commune is None and dateline:
                commune = self.commune(_trim_connectors(dateline.group("town")))
            if commune is None:
                continue
            name = _clean_name(raw_name)
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

    def overlaps_kind(self, start: int, end: int, kinds: tuple[str, ...]) -> bool:
        return any(m.start < end and start < m.end and m.key.split(":")[0] in kinds for m in self.x.mentions)

    # -------------------------------------------------------------------------------------- calls

    def find_calls(self) -> None:
        for m in CALL_RE.finditer(self.text):
            if not m.group("name"):
                continue
            name = _clean_name(m.group("name"))
            known = self.gaz.lookup("call", name)
            if not known:
                for n, ids in self.gaz.names.get("call", {}).items():
                    if normalise_name(name) and normalise_name(name) in n and len(ids) == 1:
                        known = next(iter(ids))
            value = known or (f"{name} ({m.group('year')})" if m.group("year") else name)
            self.x.calls.append((m.start(), m.end(), name, value))

    # -------------------------------------------------------------------------------------- grants

    def find_grants(self) -> None:
        text = self.text
        for m in AMOUNT_RE.finditer(text):
            value = amount_value(m)
            s_start, s_end = self.sentence_of(m.start())
            sentence = text[s_start:s_end]
            line_start = text.rfind("\n", 0, m.start()) + 1
            if re.match(r"\s*[-–•*]\s", text[line_start:m.start() + 1]):
                # an item of a list: the line that introduces the list (ending with ":") gives the context
                intro = [i for i in re.finditer(r"[^\n]*:\s*\n", text[:line_start])]
                if intro:
                    sentence = intro[-1].group(0) + sentence
            if (not FUND_CUES.search(sentence) or NOT_GRANT.search(text[max(s_start, line_start, m.start() - 40):m.start()])
                    or REQUEST.search(sentence)):
                self.x.notes.append((m.start(), m.end(), "montant sans aide reconnue : non repris"))
                continue
            c_start, c_end = self.clause(m.start(), m.end(), s_start, s_end)
            clause = text[c_start:c_end]
            funder = self.funder_of(m, c_start, c_end, s_start)
            recipient = self.recipient_of(m, c_start, c_end, s_start)
            kind = ""
            k = re.search(r"\b(fonctionnement|investissement)\b", clause, re.IGNORECASE)
            if k:
                kind = k.group(1).lower()
            start, end, notes = self.period(clause)
            deduced = []
            if recipient is None and funder is not None:
                recipient, note = self.recipient_fallback(c_start, c_end, s_start, funder)
                deduced += [note] if note else []
            if funder is None and recipient is not None and not self.x.grants:
                funder, note = self.public_funder(recipient)
                deduced += [note] if note else []
            previous = self.x.grants[-1] if self.x.grants else None
            share = bool(previous and re.search(r"\b(?:[Ss]ur cette somme|[Ss]ur ce montant|[Pp]armi (?:ces|cette)|dont)\b",
                                                 text[max(s_start, c_start - 20):m.start()]) and value < previous.amount)
            inherited = []
            if funder is None and previous is not None:
                funder = f"organisation:{previous.funder}"
                if not share:
                    inherited.append(f"déduit : financeur repris de la subvention précédente ({previous.funder})")
            if funder is None or recipient is None:
                what = " et ".join(w for w, v in (("financeur", funder), ("bénéficiaire", recipient)) if v is None)
                self.x.notes.append((m.start(), m.end(), f"montant de {value:,.0f} € : {what} introuvable(s), "
                                                         "subvention non reprise".replace(",", " ")))
                continue
            part_of = ""
            notes.extend(inherited + deduced)
            if share and previous is not None:
                part_of = previous.id
            elif re.search(r"\bau titre (?:de l[’']investissement|du fonctionnement)\b", clause):
                whole = [g for g in self.x.grants if g.funder == self.x.entities[funder].id and g.kind == kind and g.amount > value]
                if whole:
                    part_of = whole[-1].id
                    notes.append(f"déduit : part de l’aide {kind} de {_fmt(whole[-1].amount)} (« au titre de »)")
            call = self.call_for(m.start())
            rec_ent = self.x.entities[recipient]
            known_grant = self.gaz.grant(self.x.entities[funder].id, rec_ent.id, value)
            if known_grant:
                self._ids.add(known_grant)
                notes.append(f"le graphe a déjà cette subvention : {known_grant}")
            gid = known_grant or self.new_id(
                f"{self.x.entities[funder].id[:30]}-{rec_ent.id[:30]}-{kind or 'aide'}-{int(value)}")
            cite = (c_start, c_end)
            self.x.grants.append(Grant(gid, self.x.entities[funder].id, recipient, value, kind, start, end, call,
                                       part_of, cite, (m.start(), m.end()), notes))

    def clause(self, a_start: int, a_end: int, s_start: int, s_end: int) -> tuple[int, int]:
        text = self.text
        left = s_start
        for b in re.finditer(r";|,\s+et\s+(?=(?:la|le|les|l[’'])\s?\w)|\bet (?:une?|d[’']une?|des)\s+(?=aides?|subventions?|enveloppes?|dotations?|"
                             r"soutiens?)|\bet\s+(?=\d[\d \u00a0\u202f.,]*\s*(?:€|euros?|M€|k€|millions?))|\bdont\b|[Ss]ur cette somme,?", text[s_start:a_start]):
            left = s_start + b.start()
        right = s_end
        nb = re.search(r";|,\s+et\s+(?=(?:la|le|les|l[’'])\s?\w)|\set (?:une?|d[’']une?|des)\s+(?=aides?|subventions?|enveloppes?|dotations?|soutiens?)"
                       r"|\set\s+(?=\d[\d \u00a0\u202f.,]*\s*(?:€|euros?|M€|k€|millions?))"
                       r"|,?\sdont\s", text[a_end:s_end])
        if nb:
            right = a_end + nb.start()
        seg = text[left:right]
        seg_l = len(seg) - len(seg.lstrip(" ;,"))
        left += seg_l
        if text[left:left + 3] == "et ":
            left += 3
        seg = text[left:right].rstrip(" .;,:\n")
        return left, left + len(seg)

    def funder_of(self, m: re.Match[str], c_start: int, c_end: int, s_start: int) -> str | None:
        text = self.text
        prep = rf"\s*(?:euros?\s+)?(?:de la\s+|de l{AP}\s*|du\s+|des\s+|de\s+|d{AP}\s*|par la\s+|par l{AP}\s*|par le\s+|par\s+)"
        after = self.mention_starting(m.end(), ("organisation",), slack=prep)
        if after and re.match(prep, text[m.end():after.start]):
            return after.key
        agent = re.search(r"\b(?:apport|vers|accord|attribu|allou|octroy|financ|mobilis)\w*\s+par\s+", text[m.end():c_end])
        if agent:
            found = self.mention_starting(m.end() + agent.end(), ("organisation",))
            if found:
                return found.key
        clause = text[c_start:c_end]
        for word, test in (("régional", "region"), ("départemental", "departement"), ("métropolitain", "metropole"),
                           ("communautaire", "communaute")):
            if re.search(rf"\b{word}e?s?\b", clause):
                orgs = {e.key for e in self.x.of_kind("organisation") if normalise_name(e.name).startswith(test)}
                if len(orgs) == 1:
                    return next(iter(orgs))
        funder, _ = self.by_parse(m.start(), s_start)
        if funder:
            return funder
        found = self.subject_funder(s_start, m.start())
        if found:
            return found
        line_start = text.rfind("\n", 0, m.start()) + 1
        if re.match(r"\s*[-–•*]\s", text[line_start:m.start() + 1]):
            intro = list(re.finditer(r"[^\n]*:\s*\n", text[:line_start]))
            if intro:
                found = self.subject_funder(intro[-1].start(), intro[-1].end())
                if found:
                    return found
        # spaCy may cut a sentence short: the start of the sentence as punctuation and lines give it
        s_start = max((b.end() for b in re.finditer(r"[.!?]\s+|\n", text[:m.start()])), default=0)
        first = sorted((mm for mm in self.x.mentions if mm.key.startswith("organisation:")
                        and s_start <= mm.start <= s_start + 6), key=lambda mm: mm.start)
        if first and not re.search(r"\b(?:bénéfici|reçoi|reçu|perçoi|perçu|obtien|obtenu)\w*", text[s_start:m.start()]):
            return first[0].key
        if re.match(r"\s*(?:Ce|Cette|Cet)\s+(?:soutien|aide|financement|subvention|accompagnement|engagement)",
                    text[s_start:]):
            prev = self.previous_sentence(s_start)
            if prev is not None:
                funder, _ = self.by_parse(prev[0], prev[0], whole_sentence=True)
                return funder
        return None

    def subject_funder(self, start: int, end: int) -> str | None:
        """The subject of a funding verb: "La MEL a financé", "le conseil municipal décide d'attribuer", "la
        commission permanente de la Région Hauts-de-France a adopté"."""
        text = self.text
        body = r"(?:commission\s+permanente|conseil\s+(?:régional|départemental|municipal|communautaire)|assemblée\s+\w+)"
        for verb in reversed(list(FUND_VERB_RE.finditer(text, start, end))):
            subjects = [mm for mm in self.x.mentions if mm.key.startswith("organisation:") and start <= mm.end
                        <= verb.start() and re.fullmatch(r"[\s\w’']{0,30}", text[mm.end:verb.start()])
                        and (not re.search(rf"(?:\b(?:de|du|des|à|au|aux|par)\s*|d{AP})$",
                                           text[max(start, mm.start - 6):mm.start])
                             or re.search(rf"{body}\s+(?:de la|de l{AP}|du|des|de)\s*$",
                                          text[max(start, mm.start - 40):mm.start], re.IGNORECASE))]
            if subjects:
                return max(subjects, key=lambda mm: mm.end).key
        return None

    def recipient_of(self, m: re.Match[str], c_start: int, c_end: int, s_start: int) -> str | None:
        text = self.text
        direct = re.match(r"\s*(?:à|aux?)\s", text[m.end():c_end])
        if direct:
            found = self.mention_starting(m.end() + direct.end())
            if found:
                return found.key
        for cue in re.finditer(rf"\b(?:vers|attribu|accord|allou|octroy|destin|apport|confi)\w*"
                               rf"\b[^;]*?\b(?:à|aux?)\s|\bau profit\s+(?:de|du|des)\s*|\bà destination\s+(?:de|du|des)\s*"
                               rf"|\b(?:pour|en faveur)\s+(?:de\s+)?(?=l{AP}|la\s|le\s|les\s|du\s|des\s)", text[c_start:c_end]):
            found = self.mention_starting(c_start + cue.end())
            if found:
                return found.key
        _, recipient = self.by_parse(m.start(), s_start)
        if recipient and (self._getter or any(mm.key == recipient and c_start <= mm.start < c_end
                                              for mm in self.x.mentions)):
            return recipient
        # "X, …, bénéficie d'une subvention de …": the first organisation or place of the sentence
        if re.search(r"\b(?:bénéfici|reçoi|reçu|recevr|perçoi|perçu|obtien|obten|obtenu)\w*\b", text[s_start:m.start()]):
            first = sorted((mm for mm in self.x.mentions if (c_start if any(c_start <= x.start < m.start() for x in
                            self.x.mentions if x.key.split(":")[0] in ("organisation", "place")) else s_start)
                            <= mm.start < m.start() and mm.key.split(":")[0] in ("organisation", "place")),
                           key=lambda mm: mm.start)
            if first:
                return first[0].key
        clause = text[c_start:c_end]
        verb = re.search(r"\b(?:soutenue?s?|accompagnée?s?|financée?s?|aidée?s?|subventionnée?s?|soutien[st]?|"
                         r"accompagnen?t?|financen?t?)\s+", clause)
        if verb:
            found = self.mention_starting(c_start + verb.end())
            if found:
                return found.key
        if re.search(r"\b(?:[Cc]e|[Cc]ette|[Cc]et)\s+(?:soutien|aide|financement|subvention|accompagnement)\b",
                     text[s_start:c_end]):
            earlier = [g for g in self.x.grants if g.cite[1] <= s_start]
            prev = self.previous_sentence(s_start)
            if prev is not None:
                _, recipient = self.by_parse(prev[0], prev[0], whole_sentence=True)
                if recipient:
                    return recipient
            if earlier:
                return earlier[-1].recipient
        return None

    def recipient_fallback(self, c_start: int, c_end: int, s_start: int, funder: str | None) -> tuple[str | None, str]:
        """Weaker readings, each noted in the draft: a funder that ``participe``/``complète``/``abonde`` funds what
        the previous grant funds; ``X a …, avec une subvention de … de Y``: X receives it."""
        text = self.text
        if re.search(r"\b(?:particip\w*|complète\w*|abond\w*|cofinanc\w*)\b", text[s_start:c_end]) and self.x.grants:
            return self.x.grants[-1].recipient, "déduit : même bénéficiaire que la subvention précédente"
        if re.search(r"\bavec\s+(?:une|l[’'])\s*(?:aide|subvention|soutien|participation)", text[c_start:c_end]):
            first = sorted((mm for mm in self.x.mentions if s_start <= mm.start < c_start and mm.key != funder
                            and mm.key.split(":")[0] in ("organisation", "place")), key=lambda mm: mm.start)
            if first:
                return first[0].key, "déduit : le sujet de la phrase reçoit l’aide"
        return None, ""

    def public_funder(self, recipient: str) -> tuple[str | None, str]:
        """The one public body of the text (Région, Département, intercommunalité, État, commune) other than the
        recipient: the funder of a release that names no other."""
        bodies = {e.key for e in self.x.of_kind("organisation") if e.key != recipient and normalise_name(e.name)
                  .startswith(("region", "departement", "communaute", "metropole", "etat", "commune"))}
        if len(bodies) == 1:
            return next(iter(bodies)), "déduit : le seul financeur public nommé par le texte"
        return None, ""

    def previous_sentence(self, s_start: int) -> tuple[int, int] | None:
        before = [s for s in self.sents if s[1] <= s_start]
        return before[-1] if before else None

    def by_parse(self, pos: int, s_start: int, *, whole_sentence: bool = False) -> tuple[str | None, str | None]:
        """Funder and recipient from the dependency parse: the funding verb that governs the amount (or, for a
        whole sentence, its funding verb), its subject, object, agent and ``à`` complement."""
        doc = self.doc
        sent = next((s for s in doc.sents if s.start_char <= pos < s.end_char), None)
        if sent is None:
            return None, None
        verb = None
        if whole_sentence:
            verb = next((t for t in sent if t.pos_ in ("VERB", "AUX") and t.lemma_ in FUND_VERBS | GIVE_VERBS | GET_VERBS),
                        None)
        else:
            tok = next((t for t in sent if t.idx <= pos < t.idx + len(t.text) + 1), None)
            seen = 0
            while tok is not None and seen < 8:
                if tok.pos_ == "VERB" and tok.lemma_ in FUND_VERBS | GIVE_VERBS | GET_VERBS:
                    verb = tok
                    break
                if tok.head is tok:
                    break
                tok, seen = tok.head, seen + 1
            if verb is None:
                verbs = [t for t in sent if t.pos_ == "VERB" and t.lemma_ in FUND_VERBS | GIVE_VERBS | GET_VERBS]
                if len(verbs) == 1:
                    verb = verbs[0]
        if verb is None:
            return None, None
        funder = recipient = None
        pronoun = None
        self._getter = False
        passive = any(c.dep_ in ("aux:pass", "nsubj:pass") for c in verb.children)
        for child in verb.children:
            if child.lower_ in ("lui", "leur") and verb.lemma_ in GIVE_VERBS:
                pronoun = child
                continue
            if child.lower_ == "nous" and self.publisher and verb.lemma_ in FUND_VERBS | GIVE_VERBS:
                recipient = recipient or self.publisher
                self._getter = True
                continue
            if child.lower_ == "qui" and verb.dep_.startswith("acl"):
                key = self.key_of_token(verb.head)
            else:
                key = self.key_of_token(child)
            if key is None:
                continue
            dep = child.dep_
            is_org = key.startswith("organisation:")
            if dep == "nsubj" and verb.lemma_ in GET_VERBS:
                recipient = recipient or key
                self._getter = True
            elif dep == "nsubj" and not passive and is_org:
                funder = funder or key
            elif dep == "nsubj:pass" and verb.lemma_ in FUND_VERBS:
                recipient = recipient or key
            elif dep == "obl:agent" and is_org:
                funder = funder or key
            elif dep == "obj" and verb.lemma_ in FUND_VERBS:
                recipient = recipient or key
            elif dep in ("iobj", "obl:arg", "obl:mod", "obl") and verb.lemma_ in GIVE_VERBS:
                if any(c.lower_ in ("à", "au", "aux") for c in child.children):
                    recipient = recipient or key
        if recipient is None and pronoun is not None:
            # "qui lui accorde": the last organisation or place named before the pronoun, other than the funder
            before = [m for m in self.x.mentions if sent.start_char <= m.start < pronoun.idx and m.key != funder
                      and m.key.split(":")[0] in ("organisation", "place")]
            if before:
                recipient = max(before, key=lambda m: m.start).key
        return funder, recipient

    def key_of_token(self, tok: Any) -> str | None:
        """The entity a token stands for: a mention covering it, or (``ce projet``) the network met before."""
        for m in self.x.mentions:
            if m.start <= tok.idx < m.end and not m.key.startswith("person:"):
                return m.key
        if tok.lemma_ == "projet" and any(c.lower_ in ("ce", "cette") for c in tok.children):
            nets = [m for m in self.x.mentions if m.key.startswith("network:") and m.end <= tok.idx]
            if nets:
                return nets[-1].key
        # a phrase whose head word's subtree holds a mention ("le projet de l'association X")
        for m in self.x.mentions:
            sub = list(tok.subtree)
            if sub and sub[0].idx <= m.start < sub[-1].idx + len(sub[-1].text) and not m.key.startswith("person:"):
                return m.key
        return None

    def call_for(self, pos: int) -> str:
        before = [c for c in self.x.calls if c[0] <= pos]
        if len(self.x.calls) == 1 or before:
            return (before[-1] if before else self.x.calls[0])[3]
        return ""

    def period(self, clause: str) -> tuple[str, str, list[str]]:
        notes: list[str] = []
        m = re.search(r"\bsur\s+(\d+)\s+ans\s+jusqu[’']en\s+((?:19|20)\d\d)", clause)
        if m:
            first = int(m.group(2)) - int(m.group(1)) + 1
            notes.append(f"déduit : début en {first} (« {m.group(0)} »), laissé vide")
            return "", m.group(2), notes
        m = re.search(r"\b(?:en|de)\s+((?:19|20)\d\d)\s+(?:et|à)\s+((?:19|20)\d\d)\b", clause)
        if m:
            return m.group(1), m.group(2), notes
        m = re.search(r"\b((?:19|20)\d\d)\s*[-–]\s*((?:19|20)\d\d)\b", clause)
        if m:
            return m.group(1), m.group(2), notes
        m = re.search(r"\bjusqu[’']en\s+((?:19|20)\d\d)", clause)
        if m:
            return "", m.group(1), notes
        m = re.search(r"\b(?:pour|en)\s+(?:l[’']année\s+)?((?:19|20)\d\d)\b", clause)
        if m:
            return m.group(1), m.group(1), notes
        return "", "", notes

    # -------------------------------------------------------------------------------------- dates

    def find_date(self) -> None:
        """The date of the text: ``--date`` when given; else a full date the text writes; a date without its year
        (``Ce samedi 28 septembre``) is checked against ``--date`` and reported, never completed by guess."""
        text = self.text
        full = re.search(r"\b(\d{1,2})(?:er)?\s+(" + "|".join(MONTHS) + r")\s+((?:19|20)\d\d)\b", text, re.IGNORECASE)
        partial = re.search(r"\b(?:(" + "|".join(WEEKDAYS) + r")\s+)?(\d{1,2})(?:er)?\s+(" + "|".join(MONTHS) +
                            r")\b(?!\s+(?:19|20)\d\d)", text, re.IGNORECASE)
        if self.date is not None:
            self.x.date = self.date.isoformat()
            if partial and partial.group(1):
                try:
                    day = _dt.date(self.date.year, MONTHS[partial.group(3).lower()], int(partial.group(2)))
                except ValueError:
                    return
                if WEEKDAYS[day.weekday()] != partial.group(1).lower():
                    self.x.notes.append((partial.start(), partial.end(), f"« {partial.group(0)} » n’est pas un "
                                         f"{partial.group(1).lower()} en {self.date.year} : vérifier --date"))
        elif full:
            try:
                self.x.date = _dt.date(int(full.group(3)), MONTHS[full.group(2).lower()], int(full.group(1))).isoformat()
            except ValueError:
                pass
        elif partial:
            self.x.notes.append((partial.start(), partial.end(), "date sans année : donner --date YYYY-MM-DD pour "
                                                                 "dater la source"))

    def run(self) -> Extraction:
        self.find_date()
        self.find_organisations()
        self.find_publisher()
        self.find_places()
        self.find_people()
        self.find_roles()
        self.find_org_aliases()
        self.find_calls()
        self.find_grants()
        self.x.mentions.sort(key=lambda m: (m.start, -m.end))
        return self.x


def commune_org_name(town: str) -> str:
    """The municipality of a commune, named as the seed names it: ``Commune de Bourbourg``, ``Commune d’Arras``,
    ``Commune d’Hazebrouck``."""
    return f"Commune d’{town}" if re.match(r"^[AEIOUYÉÈÂÎÔH]", town) else f"Commune de {town}"


def _role_key(role: str) -> str:
    key = normalise_name(role)
    for fem, masc in (("presidente", "president"), ("directrice", "directeur"), ("conseillere", "conseiller"),
                      ("adjointe", "adjoint"), ("deleguee", "delegue"), ("chargee", "charge"),
                      ("tresoriere", "tresorier"), ("coordinatrice", "coordinateur"), ("fondatrice", "fondateur"),
                      ("animatrice", "animateur"), ("regionale", "regional"), ("departementale", "departemental"),
                      ("municipale", "municipal"), ("metropolitaine", "metropolitain"), ("generale", "general"), ("prefete", "prefet"),
                      ("deputee", "depute"), ("senatrice", "senateur"), ("gerante", "gerant")):
        key = re.sub(rf"\b{fem}\b", masc, key)
    return key


def _fold(text: str) -> str:
    """The text with accents removed and apostrophes straightened, same length, for matching normalised names."""
    import unicodedata

    out = []
    for ch in text:
        base = unicodedata.normalize("NFKD", ch)
        base = "".join(c for c in base if not unicodedata.combining(c)) or ch
        out.append(base[0] if len(base) >= 1 else ch)
    return "".join(out).replace("’", "'")


def _fmt(value: Decimal) -> str:
    return f"{value:,.0f} €".replace(",", " ")


def role_key(role: str) -> str:
    """A role without gender (``vice-présidente`` → ``vice president``), for comparing roles."""
    return _role_key(role)


__all__ = ["Finder", "Extraction", "Entity", "Role", "Grant", "Mention", "proper_case", "amount_value", "role_key"]
