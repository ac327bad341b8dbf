"""Grants: every amount of a text that a funding word goes with, its funder and recipient (read on the dependency
parse, then on the usual prepositional patterns, each weaker reading noted), its kind, period, call, and the larger
grant it is a part of (``Sur cette somme``, ``dont``).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from ..importers.values import normalise_name
from .calls import Calls
from .mentions import Grant
from .patterns import AP

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


def amount_value(m: re.Match[str]) -> Decimal:
    whole = re.sub(r"[ \u00a0\u202f.]", "", m.group("int"))
    value = Decimal(whole + ("." + m.group("dec") if m.group("dec") else ""))
    unit = m.group("unit").lower()
    if unit.startswith("m"):
        value *= 1_000_000
    elif unit.startswith("k"):
        value *= 1000
    return value


def _fmt(value: Decimal) -> str:
    return f"{value:,.0f} €".replace(",", " ")


class Grants(Calls):
    """Finds the grants of a text (after its organisations, places and calls)."""

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
