"""The territory as data: every current commune, EPCI, département and région of France.

The reference comes from the npm package ``@etalab/decoupage-administratif`` 6.0.0 (INSEE's Code officiel
géographique on 1 January 2026, the DGCL's EPCI, La Poste's postal codes, INSEE's legal populations), converted by
``scripts/territory.py`` and shipped in ``data/territory/``. This package answers, without Node or network:

- :func:`find_communes`: the communes with a given name (narrowed by département or postal code);
- :func:`dtkg.territory.layer.add_territory`: the territorial layer of a dataset (what ``dtkg build`` loads);
- :func:`load_reference`: the records themselves (communes, EPCI, départements, régions, by code and SIREN).

Nothing is read at import time; the reference is read once, on first use (about 0.3 s).
"""

from __future__ import annotations

from .reference import Area, Commune, Epci, Reference, load_reference

__all__ = ["find_communes", "commune", "load_reference", "Commune", "Epci", "Area", "Reference"]


def find_communes(name: str, *, departement: str | None = None, postal_code: str | None = None) -> list[Commune]:
    """The current communes called ``name``, sorted by INSEE code.

    Names are compared without case, accents, apostrophes or hyphens (« saint-omer », « SAINT OMER » and
    « Saint-Omer » are the same name). ``departement`` (a code: ``"59"``, ``"2A"``, ``"971"``) and ``postal_code``
    (``"59270"``) keep only the communes in that département or served by that postal code. An empty list means no
    such commune; more than one means the name is ambiguous (« Bailleul » is in the Nord, the Orne and the Somme)::

        >>> [(c.insee, c.departement) for c in find_communes("Bailleul")]
        [('59043', '59'), ('61023', '61'), ('80051', '80')]
        >>> find_communes("bailleul", postal_code="59270")[0].insee
        '59043'

    Each :class:`Commune` has ``insee``, ``name``, ``departement``, ``region``, ``siren``, ``postal_codes``,
    ``population``, ``population_year`` and ``epci`` (the SIREN of its EPCI, or None).
    """
    from ..importers.values import normalise_name

    ref = load_reference()
    codes = ref.by_name.get(normalise_name(name), [])
    found = [ref.communes[c] for c in codes]
    if departement is not None:
        wanted = departement.strip().upper()
        found = [c for c in found if c.departement == wanted]
    if postal_code is not None:
        wanted = postal_code.strip()
        found = [c for c in found if wanted in c.postal_codes]
    return sorted(found, key=lambda c: c.insee)


def commune(insee: str) -> Commune | None:
    """The current commune with INSEE code ``insee``, or None (an old or unknown code)."""
    return load_reference().communes.get(insee.strip().upper())
