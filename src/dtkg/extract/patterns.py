"""The words of press French that several finders read: names, quoted names, roles, kinds of place, and the
helpers that clean a name found by them.

Kept apart from the finders so that organisations, people, places and grants all match a name the same way.
"""

from __future__ import annotations

import re
import unicodedata

AP = "[’']"
CAP = r"[A-ZÉÈÊÀÂÎÔÛÇ][\w’'\-]*"
SEP = r"(?:[ \-](?:(?:de la|de|du|des|la|le|les|sur|en|aux|lès)[ \-])?|[ \-](?:d|l)[’'])"
NAME = rf"{CAP}(?:{SEP}{CAP})*"
ALLCAPS = r"(?:[A-ZÉÈ][A-Z0-9ÉÈ&\-]{2,}|[A-ZÉÈ]{2}(?=[ \-][A-Z0-9]{2}))(?:[ \-][A-Z0-9ÉÈ&]{2,})*"
QUOTED = r"«\s*[^»\n]{2,80}?\s*»|“[^”\n]{2,80}”|\"[^\"\n]{2,80}\""
PREP = rf"(?:de la|de l{AP}|du|des|de|d{AP})"

ROLE = (r"(?:premi(?:er|ère)\s+)?vice[- ]présidente?|présidente?(?:\s+déléguée?)?|maire(?:[- ]adjointe?)?"
        r"|(?:premi(?:er|ère)\s+)?adjointe?(?:\s+au\s+maire)?|directeur(?:\s+général)?(?:\s+des\s+services)?"
        r"|directrice(?:\s+générale)?(?:\s+des\s+services)?|conseill(?:er|ère)s?\s+(?:régional|départemental|"
        r"municipal|communautaire|délégué|métropolitain|numérique)e?|déléguée?|secrétaire\s+générale?"
        r"|trésori(?:er|ère)|coordinat(?:eur|rice)|chargée?\s+de\s+mission|che(?:f|ffe)\s+de\s+projet"
        r"|responsable|(?:co-?)?fondat(?:eur|rice)|gérante?|préf(?:et|ète)|sous-préf(?:et|ète)|députée?"
        r"|sénat(?:eur|rice)|animat(?:eur|rice)|médiat(?:eur|rice)\s+numérique")
ROLE_RE = re.compile(rf"\b(?:{ROLE})\b", re.IGNORECASE)

PLACE_KIND = (r"(?:tiers[- ]lieux?(?:\s+(?:numériques?|du\s+numérique))?|fab\s?labs?|espaces?\s+(?:public\s+)?numériques?"
              r"|EPN|médiathèques?|[Mm]aisons?\s+France\s+[Ss]ervices?|France\s+[Ss]ervices|cyber-?bases?"
              r"|repair\s+cafés?|cafés?\s+numériques?|hackerspaces?|ateliers?\s+numériques?|campus\s+numériques?"
              r"|pépinières?|lieux?)")


def clean_name(text: str) -> str:
    """A name without its quotes and with single spaces."""
    text = text.strip().strip("«»“”\"").strip()
    return re.sub(r"\s+", " ", text)


def trim_connectors(text: str) -> str:
    """A name without the connecting words a pattern may catch at its end (``de``, ``la``, ``d’``)."""
    return re.sub(rf"(?:[ \-](?:de la|de|du|des|la|le|les|sur|en|d|l)|[ ](?:d|l){AP})+$", "", text)


def fold(text: str) -> str:
    """The text with accents removed and apostrophes straightened, same length, for matching normalised names."""
    out = []
    for ch in text:
        base = unicodedata.normalize("NFKD", ch)
        base = "".join(c for c in base if not unicodedata.combining(c)) or ch
        out.append(base[0] if len(base) >= 1 else ch)
    return "".join(out).replace("’", "'")
