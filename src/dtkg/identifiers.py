"""French public identifiers and their checks, in one place: SIREN and SIRET (INSEE's business register), RNA
(register of associations), INSEE commune codes (code officiel géographique) and EPCI codes.

Only the shape and the checksum are checked here (no register is consulted): the importers use these checks to
refuse a number a spreadsheet has mangled, and ``dtkg validate`` to flag a SIREN whose checksum is wrong.
"""

from __future__ import annotations

import re

#: Each digit doubled, then reduced to one digit (the Luhn rule): 0→0, 1→2, …, 5→1 (10), …, 9→9 (18).
_DOUBLED = str.maketrans("0123456789", "0246813579")

#: La Poste: the one SIREN that INSEE allows outside the Luhn rule (its establishments' SIRETs follow another).
LA_POSTE_SIREN = "356000000"

_RNA = re.compile(r"^W[0-9A-Z][0-9]{8}$")
_INSEE_COMMUNE = re.compile(r"^([013-9][0-9]|2[AB1-9])[0-9]{3}$")


def _is_digits(text: str, width: int) -> bool:
    return len(text) == width and text.isascii() and text.isdigit()


def luhn_ok(digits: str) -> bool:
    """True when the string of ASCII digits passes the Luhn checksum (False for anything else)."""
    if not digits or not (digits.isascii() and digits.isdigit()):
        return False
    reverse = digits[::-1]
    total = sum(map(int, reverse[0::2])) + sum(map(int, reverse[1::2].translate(_DOUBLED)))
    return total % 10 == 0


def luhn_check_digit(body: str) -> str:
    """The digit that makes ``body`` + digit pass the Luhn checksum (to make valid test numbers)."""
    return next(d for d in "0123456789" if luhn_ok(body + d))


def siren_is_valid(siren: str) -> bool:
    """True when ``siren`` is 9 digits passing the Luhn checksum that INSEE uses for SIREN numbers."""
    if not _is_digits(siren, 9):
        return False
    return siren == LA_POSTE_SIREN or luhn_ok(siren)


def siret_is_valid(siret: str) -> bool:
    """True when ``siret`` is 14 digits passing the Luhn checksum (La Poste's establishments, whose SIRET starts
    with 356000000, follow their own rule instead: the sum of the digits is a multiple of 5)."""
    if not _is_digits(siret, 14):
        return False
    if siret.startswith(LA_POSTE_SIREN):
        return sum(map(int, siret)) % 5 == 0
    return luhn_ok(siret)


def rna_is_valid(rna: str) -> bool:
    """True when ``rna`` has the shape of an RNA number: ``W`` then 9 characters (``W595012345``; the second may
    be a letter in numbers carried over from the older register)."""
    return _RNA.match(rna) is not None


def insee_commune_is_valid(code: str) -> bool:
    """True when ``code`` has the shape of an INSEE commune code: 5 characters, ``2A``/``2B`` for Corsica."""
    return _INSEE_COMMUNE.match(code) is not None


def epci_is_valid(code: str) -> bool:
    """True when ``code`` can be the code of an EPCI: its SIREN, 9 digits with a valid checksum, starting with 2
    (INSEE numbers public bodies from 1 and 2; every EPCI's SIREN starts with 2)."""
    return code.startswith("2") and siren_is_valid(code)


__all__ = [
    "luhn_ok", "luhn_check_digit", "siren_is_valid", "siret_is_valid", "rna_is_valid", "insee_commune_is_valid",
    "epci_is_valid", "LA_POSTE_SIREN",
]
