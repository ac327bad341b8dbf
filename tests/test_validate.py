"""Validation: the seed data conforms, and each kind of mistake is reported naming the resource."""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, XSD

from dtkg.load import load_dataset, union_graph
from dtkg.namespaces import DTKG, SCHEMA
from dtkg.validation import validate
from conftest import BASE

GRANT = URIRef(f"{BASE}grant/region-investissement-tiers-lieux")


def test_seed_conforms(seed):
    report = validate(seed)
    assert report.conforms, report.lines()
    assert report.violations == []
    assert report.checked_triples > 900


def broken(seed_graph, change) -> list[str]:
    g = union_graph(load_dataset())
    change(g)
    report = validate(g)
    assert not report.conforms
    return report.lines()


def test_amount_must_be_positive(seed_graph):
    def change(g):
        amount = g.value(GRANT, SCHEMA.amount)
        g.set((amount, SCHEMA.value, Literal("-5", datatype=XSD.decimal)))
    lines = broken(seed_graph, change)
    assert any("(grant:region-investissement-tiers-lieux → schema:amount) — schema:value: an amount has exactly one "
               "schema:value, an xsd:decimal greater than 0 [value: -5]" in line for line in lines), lines


def test_currency_must_be_iso_4217(seed_graph):
    def change(g):
        g.set((g.value(GRANT, SCHEMA.amount), SCHEMA.currency, Literal("euros")))
    lines = broken(seed_graph, change)
    assert any("schema:currency: the currency is an ISO 4217 code" in line and "[value: euros]" in line
               for line in lines), lines


def test_missing_label_names_the_resource(seed_graph):
    def change(g):
        g.remove((URIRef(f"{BASE}organisation/andyvie"), RDFS.label, None))
    lines = broken(seed_graph, change)
    assert any(line.startswith("organisation:andyvie — rdfs:label: needs at least one rdfs:label") for line in lines)


def test_bad_siren_checksum(seed_graph):
    def change(g):
        cud = URIRef(f"{BASE}organisation/cud")
        g.set((cud, DTKG.siren, Literal("245900429")))
        g.set((cud, URIRef("http://www.w3.org/ns/org#identifier"), Literal("245900429")))
    lines = broken(seed_graph, change)
    assert lines == ["Communauté Urbaine de Dunkerque (organisation:cud) — dtkg:siren: SIREN 245900429 fails the "
                     "Luhn checksum [value: 245900429]"]


def test_event_date_must_be_a_date(seed_graph):
    def change(g):
        g.set((URIRef(f"{BASE}event/inauguration-atelier-2019-09-28"), SCHEMA.startDate, Literal("samedi 28 septembre")))
    lines = broken(seed_graph, change)
    assert any("schema:startDate: an event has exactly one schema:startDate" in l for l in lines)
    # the inferred statement about the year no longer matches a triple of the graph
    assert any("marks a triple as inferred that the graph does not contain" in l for l in lines)


def test_share_larger_than_its_grant(seed_graph):
    def change(g):
        part = g.value(URIRef(f"{BASE}grant/region-atelier-investissement-annee-1"), SCHEMA.amount)
        g.set((part, SCHEMA.value, Literal("31000.00", datatype=XSD.decimal)))
    lines = broken(seed_graph, change)
    assert any("grant:region-atelier-investissement-annee-1" in l and re.search(r"its amount 31000(\.00)? is larger "
               r"than the amount 30000(\.00)? of the grant it is part of", l) for l in lines), lines


def test_altered_quote_is_caught(data_copy: Path):
    ttl = data_copy / "2019-09-28-inauguration-atelier-bourbourg.ttl"
    ttl.write_text(ttl.read_text(encoding="utf-8").replace('oa:exact "du SPARKLAB à Dunkerque"',
                                                           'oa:exact "du SPARKLAB à Calais"'), encoding="utf-8")
    report = validate(load_dataset([data_copy], seed=False), source_dirs=[data_copy])
    assert report.lines() == ["SPARKLAB (place:sparklab-dunkerque) — oa:exact: quote not found word for word in its "
                              "source [value: du SPARKLAB à Calais]"]


def test_changed_source_copy_is_caught(data_copy: Path):
    text = data_copy / "sources" / "2019-09-28-inauguration-atelier-bourbourg.fr.txt"
    text.write_text(text.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    report = validate(load_dataset([data_copy], seed=False), source_dirs=[data_copy])
    assert len(report.lines()) == 1 and "has changed: its SHA-256 is" in report.lines()[0]


def test_repository_copy_of_the_source_is_the_shared_original():
    from conftest import REPO, SOURCE_TEXT

    original = REPO.parent / "shared" / "sources" / SOURCE_TEXT.name
    if not original.exists():  # the original is beside the repository on the project's machines only
        import pytest
        pytest.skip(f"{original} is absent: the original of the seed's source text is kept beside the repository "
                    "on the project's machines only, so there is nothing to compare the repository copy with here "
                    "(its SHA-256 is still checked against sources.ttl by the other tests)")
    assert SOURCE_TEXT.read_bytes() == original.read_bytes()
