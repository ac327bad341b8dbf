"""Reading a press text: mentions of organisations, people, places, calls and amounts, then the facts that tie them
(roles, grants), each with the character offsets of the words it comes from.

The rules follow how French press releases write things, not one text: names in apposition (``Prénom NOM, fonction
de l'organisation``), unnamed office holders (``du Maire de Bourbourg``), ``présidée par``, amounts (``90 000
euros``, ``6 421 €``, ``1,2 M€``), the kinds of aid, who funds whom read on the dependency parse (subject, object and
agent of *soutenir*, *accompagner*, *verser*, *attribuer*…) with the usual prepositional patterns as a fallback
(``versée … à``, ``au profit de``, ``aide … de la Région``), parts of a larger sum (``Sur cette somme``, ``dont``).

Each job is a module of its own (:mod:`.organisations`, :mod:`.people`, :mod:`.places`, :mod:`.calls`,
:mod:`.grants`, :mod:`.dates`) over the shared state of :mod:`.mentions`; :class:`Finder` runs them in order.
"""

from __future__ import annotations

from .dates import Dates
from .grants import AMOUNT_RE, Grants, amount_value
from .mentions import Entity, Extraction, FinderState, Grant, Mention, Role
from .organisations import Organisations, commune_org_name
from .people import People, proper_case, role_key
from .places import Places


class Finder(Dates, Organisations, Places, People, Grants):
    """One text: its spaCy document, the graph's names, what was found so far."""

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


__all__ = ["Finder", "Extraction", "Entity", "Role", "Grant", "Mention", "proper_case", "amount_value", "role_key",
           "AMOUNT_RE", "FinderState", "commune_org_name"]
