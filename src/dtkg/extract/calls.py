"""Calls for projects (``appel à projets « … »``), matched with the graph's calls, and the call a grant of the
text answers."""

from __future__ import annotations

import re

from ..importers.values import normalise_name
from .mentions import FinderState
from .patterns import AP, NAME, QUOTED, clean_name

CALL_RE = re.compile(rf"\b[Aa]ppels?\s+à\s+(?:projets|manifestations?\s+d{AP}intérêt|candidatures?)\s*"
                     rf"(?P<name>{QUOTED}|{NAME})?(?:\s+(?:lancée?\s+en|de)\s+(?P<year>(?:19|20)\d\d))?")


class Calls(FinderState):
    """Finds the calls for projects of a text."""

    def find_calls(self) -> None:
        for m in CALL_RE.finditer(self.text):
            if not m.group("name"):
                continue
            name = clean_name(m.group("name"))
            known = self.gaz.lookup("call", name)
            if not known:
                for n, ids in self.gaz.names.get("call", {}).items():
                    if normalise_name(name) and normalise_name(name) in n and len(ids) == 1:
                        known = next(iter(ids))
            value = known or (f"{name} ({m.group('year')})" if m.group("year") else name)
            self.x.calls.append((m.start(), m.end(), name, value))

    def call_for(self, pos: int) -> str:
        before = [c for c in self.x.calls if c[0] <= pos]
        if len(self.x.calls) == 1 or before:
            return (before[-1] if before else self.x.calls[0])[3]
        return ""
