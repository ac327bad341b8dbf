"""The date of a text: ``--date`` when given, else the full date it writes; a date without its year is checked,
never completed by guess."""

from __future__ import annotations

import datetime as _dt
import re

from .mentions import FinderState

MONTHS = {m: i for i, m in enumerate(("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                                      "septembre", "octobre", "novembre", "décembre"), 1)}
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


class Dates(FinderState):
    """Finds the date of a text."""

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
