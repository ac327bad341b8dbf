"""People and their roles: names written ``Prénom NOM`` or recognised by the parser, the role in apposition
(``Xavier BERTRAND, président de la Région``), before the name, ``présidée par``, ``Notre présidente``, and the
office holders a text does not name (``du Maire de Bourbourg``).
"""

from __future__ import annotations

import re

from ..importers.values import normalise_name, slugify
from .linking import find_communes_by_name
from .mentions import Entity, FinderState, Mention, Role
from .organisations import commune_org_name
from .patterns import AP, NAME, PLACE_KIND, ROLE, ROLE_RE, trim_connectors

_HEADS = ("président", "maire", "directeur", "directrice", "préfet", "préfète", "gérant")

PERSON_RE = re.compile(
    r"\b(?:(?:M\.|Mme|Madame|Monsieur)\s+)?"
    r"([A-ZÉÈ][a-zéèëêïîçôâ]+(?:-[A-ZÉÈ][a-zéèëêïîçôâ]+)?)\s+"
    r"((?:(?:de|du|van|von|le|la|d’|d')\s?)?[A-ZÉÈÀÇ][A-ZÉÈÀÇËÏ'’\-]+(?:\s+[A-ZÉÈÀÇ][A-ZÉÈÀÇËÏ'’\-]{1,})?)\b")
_NOT_GIVEN = {"Le", "La", "Les", "Ce", "Cette", "Ces", "Un", "Une", "Des", "Du", "De", "En", "Et", "Au", "Aux", "Pour",
              "Par", "Sur", "Dans", "Avec", "Région", "Département", "Communauté", "Ville", "Commune", "Association",
              "Centre", "Maison", "Espace", "Appel", "Madame", "Monsieur", "Contact", "Presse", "Président",
              "Présidente", "Maire", "Directeur", "Directrice", "Conseil", "Tiers", "Lieu", "Réseau", "Saint",
              "Sainte", "Mme", "Madame"}


def proper_case(word: str) -> str:
    """``KERKHOF`` → ``Kerkhof``, ``LE GALL`` → ``Le Gall``, ``DUPONT-MORETTI`` → ``Dupont-Moretti``."""
    if not word.isupper():
        return word
    out = re.sub(r"[A-ZÀ-Þ]+", lambda m: m.group(0)[0] + m.group(0)[1:].lower(), word)
    return re.sub(r"\b(De|Du|Van|Von|D)(?=[ ’'])", lambda m: m.group(0).lower() if m.start() else m.group(0), out)


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


def role_key(role: str) -> str:
    """A role without gender (``vice-présidente`` → ``vice president``), for comparing roles."""
    return _role_key(role)


class People(FinderState):
    """Finds the people of a text and the roles that tie them to organisations."""

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
            led = re.search(r"\b(présidée?|dirigée?|animée?|coordonnée?)\s+par\s*$", text[max(0, pm.start - 40):pm.start])
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
        if m and self.commune(trim_connectors(m.group("town"))):
            return trim_connectors(m.group("town")), m.span("town")
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
            if strict and deleg and not re.match(r"^(?:au|à|aux|en charge|chargée?|délégué)", deleg):
                continue
            if deleg and not re.match(r"^(?:au|à|aux|en charge|chargée?|délégué|déléguée)\b", deleg):
                if len(deleg) > 3:
                    continue
                deleg = ""
            return m.key, m.end, deleg
        if "maire" in role or "municipal" in role:
            mm = re.match(rf"\s+(?:de|d{AP})\s*({NAME})", text[r_end:limit])
            if mm:
                town = trim_connectors(mm.group(1))
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
