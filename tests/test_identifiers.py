"""The identifier checks: real SIREN/SIRET numbers of the seed data, numbers with one wrong digit, La Poste's
exception, RNA numbers and INSEE codes as the registers write them."""

from __future__ import annotations

import pytest

from dtkg import identifiers as ids
from dtkg.importers import values
from dtkg import provenance


def test_luhn_on_real_numbers_and_one_wrong_digit() -> None:
    assert ids.luhn_ok("245900428")  # Communauté Urbaine de Dunkerque
    assert ids.luhn_ok("24590042800013")
    assert ids.luhn_ok("200053742")  # Région Hauts-de-France
    assert not ids.luhn_ok("245900429")
    assert not ids.luhn_ok("24590042800014")
    for bad in ("", "12a", "²²²", "٣٤٥"):  # not ASCII digits
        assert not ids.luhn_ok(bad)


def test_every_single_digit_error_is_caught() -> None:
    number = "24590042800013"
    for i, digit in enumerate(number):
        for other in "0123456789":
            if other != digit:
                assert not ids.luhn_ok(number[:i] + other + number[i + 1:])


def test_check_digit_completes_a_number() -> None:
    for body in ("24590042", "20005374", "12345678", "00000000"):
        assert ids.siren_is_valid(body + ids.luhn_check_digit(body))


def test_siren_siret_and_la_poste() -> None:
    assert ids.siren_is_valid("245900428")
    assert not ids.siren_is_valid("24590042")  # 8 digits
    assert not ids.siren_is_valid("2459004280")
    assert ids.siren_is_valid("356000000")  # La Poste, outside the Luhn rule
    assert ids.siret_is_valid("24590042800013")
    assert not ids.siret_is_valid("2459004280001")
    assert ids.siret_is_valid("35600000049837")  # a La Poste establishment: digits sum to a multiple of 5
    assert not ids.siret_is_valid("35600000049838")


def test_rna_insee_epci_shapes() -> None:
    assert ids.rna_is_valid("W595012345")
    assert not ids.rna_is_valid("W59501234")
    assert not ids.rna_is_valid("595012345")
    assert ids.insee_commune_is_valid("59094")
    assert ids.insee_commune_is_valid("2A004") and ids.insee_commune_is_valid("2B033")
    assert not ids.insee_commune_is_valid("20004")  # Corsica is 2A/2B since 1976
    assert not ids.insee_commune_is_valid("1053")
    assert ids.epci_is_valid("245900428")
    assert not ids.epci_is_valid("356000000")  # a valid SIREN, not a public body's
    assert not ids.epci_is_valid("245900429")


@pytest.mark.parametrize("name", ["luhn_ok", "siren_is_valid", "siret_is_valid"])
def test_one_implementation(name: str) -> None:
    """The importers and the validator use the identifiers module's checks, not copies of them."""
    assert getattr(values, name, getattr(ids, name)) is getattr(ids, name)
    if hasattr(provenance, name):
        assert getattr(provenance, name) is getattr(ids, name)
