"""Money across sources: each decision counted once, shares never twice, press and open data reconciled.

The SCDL fixtures are in tests/fixtures/scdl-decisions/ (see its README: etalab's own example of the schema, and a
fictional file publishing the seed's two grants of the Région to the CUD).
"""

from __future__ import annotations

import csv
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef

from dtkg.importers import import_scdl
from dtkg.importers.scdl import _apportion, read_decision
from dtkg.load import load_dataset
from dtkg.namespaces import DTKG, OA, SCHEMA
from dtkg.network import to_networkx
from dtkg.analysis import money
from dtkg.query import run_query
from dtkg.reconcile_grants import reconcile_grants
from dtkg.validation import validate

FIXTURES = Path(__file__).parent / "fixtures" / "scdl-decisions"
BASE = "https://w3id.org/dtkg/id/"
REGION = URIRef(BASE + "organisation/region-hauts-de-france")
CUD = URIRef(BASE + "organisation/cud")
PRESS = URIRef(BASE + "source/2019-09-28-inauguration-atelier-bourbourg")
PUBLISHED = URIRef(BASE + "source/scdl-region-cud-publie")
OPERATING = URIRef(BASE + "grant/region-cud-fonctionnement-2019-2021")
INVESTMENT = URIRef(BASE + "grant/region-investissement-tiers-lieux")


def totals(ds, name: str, key: str) -> dict[str, Decimal]:
    return {str(getattr(r, key)) if getattr(r, key) is not None else None: Decimal(str(r.total))
            for r in run_query(ds, name)}


def rate_of(g, grant) -> list[str]:
    """The pourcentageSubvention kept on a grant (schema:additionalProperty)."""
    return [str(v) for pv in g.objects(grant, SCHEMA.additionalProperty)
            if str(g.value(pv, SCHEMA.propertyID)) == "pourcentageSubvention" for v in g.objects(pv, SCHEMA.value)]


def assert_valid(data: Path) -> None:
    from dtkg.load import iter_folders

    report = validate(load_dataset([data]), source_dirs=[folder for folder, _ in iter_folders([data])])
    assert report.conforms, "\n".join(report.lines())


# ---------------------------------------------------------------------------------------------- SCDL decisions


def test_etalab_example_is_one_decision_of_27501_euros(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = import_scdl(FIXTURES / "etalab-exemple.csv", data)
    g = load_dataset([data], seed=False)
    funders = totals(g, "total-by-funder", "funderLabel")
    assert funders == {"Région Bretagne": Decimal("27501")}
    assert totals(g, "total-by-recipient", "recipientLabel") == {
        "Rodriguez SA": Decimal("22000.80"), "Bellandier SAS": Decimal("5500.20")}
    decisions = {(r.grant, Decimal(str(r.amount))) for r in run_query(g, "grants") if r.partOf is None}
    assert [amount for _, amount in decisions] == [Decimal("27501")]
    # the reading of montant is in the report, for the decision's first row
    [line] = [e for e in result.report.entries if e.column == "montant"]
    assert (line.row, line.severity) == (2, "info")
    assert "rows 2, 3 are one decision" in line.reason and "each beneficiary's amount" in line.reason
    assert "27 501 €" in line.reason
    report = list(csv.reader(result.report_file.open(encoding="utf-8")))
    assert any(row[4] == "info" and "Z34507" in row[5] for row in report[1:])
    # the percentages are kept as given, on the shares
    shares = {str(r.recipientLabel): r.grant for r in run_query(g, "grants") if r.partOf is not None}
    assert {name: rate_of(g, grant) for name, grant in shares.items()} == {"Rodriguez SA": ["0.8"],
                                                                           "Bellandier SAS": ["0.2"]}
    assert_valid(data)


def test_a_shared_total_is_split_by_the_percentages_without_losing_a_cent() -> None:
    reading = read_decision([Decimal("10000")] * 3, [Decimal("0.333"), Decimal("0.333"), Decimal("0.334")])
    assert reading.reading == "shared-total" and reading.total == Decimal("10000")
    assert reading.shares == [Decimal("3330.00"), Decimal("3330.00"), Decimal("3340.00")]
    assert sum(_apportion(Decimal("100"), [Decimal("1") / 3] * 3)) == Decimal("100")
    assert _apportion(Decimal("100"), [Decimal("1") / 3] * 3) == [Decimal("33.34"), Decimal("33.33"),
                                                                   Decimal("33.33")]


def test_ambiguous_decisions_are_read_per_beneficiary_with_a_warning(tmp_path: Path) -> None:
    both = read_decision([Decimal("5000"), Decimal("5000")], [Decimal("0.5"), Decimal("0.5")])
    assert both.reading == "ambiguous" and both.total == Decimal("10000") and "both readings" in both.reason
    neither = read_decision([Decimal("100"), Decimal("900")], [Decimal("0.5"), Decimal("0.2")])
    assert neither.reading == "ambiguous" and neither.shares == [Decimal("100"), Decimal("900")]
    no_rate = read_decision([Decimal("100"), Decimal("900")], [None, None])
    assert no_rate.reading == "ambiguous" and no_rate.total == Decimal("1000")
    path = tmp_path / "ambigu.csv"
    rows = (FIXTURES / "etalab-exemple.csv").read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([rows[0], rows[1].replace("22000.80", "5000").replace(",0.8", ",0.5"),
                               rows[2].replace("5500.20", "5000").replace(",0.2", ",0.5")]) + "\n",
                    encoding="utf-8")
    result = import_scdl(path, tmp_path / "data")
    [warning] = [e for e in result.report.warnings if e.column == "montant"]
    assert warning.row == 2 and "ambiguous montant" in warning.reason
    g = load_dataset([tmp_path / "data"], seed=False)
    assert sum(totals(g, "total-by-funder", "funderLabel").values()) == Decimal("10000")
    assert sum(totals(g, "total-by-recipient", "recipientLabel").values()) == Decimal("10000")


def test_a_single_row_below_100_percent_keeps_its_amount_and_its_rate(tmp_path: Path) -> None:
    data = tmp_path / "data"
    import_scdl(FIXTURES / "region-cud-publie.csv", data)
    g = load_dataset([data])
    [row] = [r for r in run_query(g, "grants") if str(r.recipientLabel) == "Association Fictive du Numérique"]
    assert Decimal(str(row.amount)) == Decimal("4000") and row.partOf is None
    assert rate_of(g, row.grant) == ["0.5"]
    assert totals(g, "total-by-recipient", "recipientLabel")["Association Fictive du Numérique"] == Decimal("4000")


# ---------------------------------------------------------------------------------------------- reconciliation


@pytest.fixture()
def published(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    import_scdl(FIXTURES / "region-cud-publie.csv", data)
    return data


def test_press_and_open_data_are_counted_twice_until_reconciled(published: Path) -> None:
    ds = load_dataset([published])
    assert totals(ds, "total-by-funder", "funder")[str(REGION)] == Decimal("240000")  # the problem to solve
    announced = {str(r.grant) for r in run_query(ds, "grants-announced-not-published")}
    assert announced == {str(OPERATING), str(INVESTMENT)}
    assert len(list(run_query(ds, "grants-published-not-announced"))) == 3


def test_reconcile_auto_counts_each_decision_once_and_keeps_both_sources(published: Path) -> None:
    proposed = reconcile_grants(published)
    assert [(c.status, c.announced.iri) for c in proposed.candidates] == [
        ("auto", OPERATING), ("auto", INVESTMENT)]
    assert proposed.candidates[0].score == Decimal("1.00")
    assert any("même montant (90 000 €)" in e for e in proposed.candidates[0].evidence)
    review = list(csv.DictReader((published / "reconciliations" / "grants-review.csv").open(encoding="utf-8")))
    assert [r["status"] for r in review] == ["auto", "auto"] and not (published / "reconciliations" /
                                                                     "grants.ttl").exists()

    result = reconcile_grants(published, accept="auto")
    assert set(result.recorded) == {(OPERATING, c.published.iri) for c in proposed.candidates[:1]} | {
        (INVESTMENT, proposed.candidates[1].published.iri)}
    assert_valid(published)
    ds = load_dataset([published])
    assert totals(ds, "total-by-funder", "funder") == {str(REGION): Decimal("120000"), str(CUD): Decimal("4000")}
    recipients = totals(ds, "total-by-recipient", "recipient")
    assert recipients[str(CUD)] == Decimal("120000")
    assert sum(recipients.values()) == Decimal("124000")
    # each of the two grants, press and published record alike, cites both the press quote and its SCDL row
    for announced, published_grant in result.recorded:
        for grant in (announced, published_grant):
            sources = {ds.value(t, OA.hasSource) for a in ds.subjects(OA.hasBody, grant)
                       for t in ds.objects(a, OA.hasTarget)}
            assert {PRESS, PUBLISHED} <= sources, grant
    published_operating = dict(result.recorded)[OPERATING]
    quotes = [str(r.quote) for r in run_query(ds, "quote-behind-fact", {"fact": published_operating})]
    assert any("aide régionale en fonctionnement de 90 000 euros" in q for q in quotes)
    # provenance of the decision: what decided, when, on which evidence, with which score
    [record] = [s for s in ds.subjects(DTKG.score, None) if ds.value(s, URIRef(
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#subject")) == OPERATING]
    assert str(ds.value(record, URIRef("http://www.w3.org/ns/prov#wasAttributedTo"))).endswith(
        "agent/dtkg-reconcile-grants")
    assert ds.value(record, URIRef("http://www.w3.org/ns/prov#generatedAtTime")) is not None
    assert "même montant" in str(ds.value(record, URIRef("http://www.w3.org/2000/01/rdf-schema#comment")))
    # the queries of the two worlds
    assert list(run_query(ds, "grants-announced-not-published")) == []
    [alone] = list(run_query(ds, "grants-published-not-announced"))
    assert (alone.funder, Decimal(str(alone.amount))) == (CUD, Decimal("4000"))
    years = {(str(r.year), str(r.beneficiary)): Decimal(str(r.total)) for r in run_query(ds, "money-by-year")}
    assert years == {("2019", str(CUD)): Decimal("120000"),
                     ("2020", BASE + "organisation/siren-123456782"): Decimal("4000")}


def test_reconciling_again_changes_nothing(published: Path) -> None:
    reconcile_grants(published, accept="auto")
    record = published / "reconciliations" / "grants.ttl"
    before = record.read_bytes()
    again = reconcile_grants(published, accept="auto")
    assert again.recorded == [] and again.already == 2 and again.candidates == []
    assert record.read_bytes() == before


def test_the_view_draws_one_link_per_reconciled_grant_with_both_sources(published: Path) -> None:
    reconcile_grants(published, accept="auto")
    actors = to_networkx(load_dataset([published]), "actors")
    edges = actors.get_edge_data(str(REGION), str(CUD))
    assert len(edges) == 2  # not four: the press grants are drawn as their published records
    for edge in edges.values():
        assert any("Ce soutien se traduit par une aide régionale" in q for q in edge["quotes"]), edge["quotes"]
    assert {f for edge in edges.values() for f in edge["facts"] if f[0] == "même décision que"} == {
        ("même décision que",
         "Aide régionale en fonctionnement à la Communauté Urbaine de Dunkerque (90 000 €, 2019–2021)"),
        ("même décision que", "Aide régionale à l'investissement pour le réseau de tiers-lieux du numérique (30 000 €)")}
    received, given = money(actors)
    assert given[str(REGION)] == 120000.0 and received[str(CUD)] == 120000.0


def test_pairs_marked_by_a_person_are_recorded_with_who_decided(published: Path, dtkg) -> None:
    review = published.parent / "review.csv"
    result = dtkg("reconcile", "grants", "--data", str(published), "--review", str(review))
    assert result.code == 0, result.err
    assert "2 candidate pair(s), 2 unambiguous" in result.out
    rows = list(csv.DictReader(review.open(encoding="utf-8")))
    rows[1]["decision"], rows[1]["decided_by"] = "oui", "Camille, service des aides"
    with review.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = dtkg("reconcile", "grants", "--data", str(published), "--accept", str(review))
    assert result.code == 0, result.err
    ds = load_dataset([published])
    assert (URIRef(rows[1]["announced"]), DTKG.sameDecisionAs, URIRef(rows[1]["published"])) in ds
    assert (URIRef(rows[0]["announced"]), DTKG.sameDecisionAs, None) not in ds
    assert Literal("Camille, service des aides", lang="fr") in set(ds.objects(None, None))
    assert_valid(published)


def test_a_bad_review_file_names_the_row_and_records_nothing(published: Path, dtkg) -> None:
    review = published.parent / "review.csv"
    review.write_text("announced,published,decision\n"
                      f"{OPERATING},https://w3id.org/dtkg/id/grant/nowhere,oui\n", encoding="utf-8")
    result = dtkg("reconcile", "grants", "--data", str(published), "--accept", str(review))
    assert result.code == 2 and "row 2, column published" in result.err and "Traceback" not in result.err
    review.write_text(f"announced,published,decision\n{OPERATING},{INVESTMENT},peut-être\n", encoding="utf-8")
    result = dtkg("reconcile", "grants", "--data", str(published), "--accept", str(review))
    assert result.code == 2 and "'peut-être' is neither oui nor non" in result.err
    assert not (published / "reconciliations" / "grants.ttl").exists()


# ---------------------------------------------------------------------------------------------- conservation

PREFIXES = """@prefix schema: <https://schema.org/> . @prefix dcterms: <http://purl.org/dc/terms/> .
@prefix dtkg: <https://w3id.org/dtkg/ontology#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix org: <http://www.w3.org/ns/org#> . @prefix ex: <https://w3id.org/dtkg/id/> .
"""

cents = st.integers(min_value=1, max_value=10_000_000).map(lambda c: Decimal(c) / 100)


@st.composite
def decisions(draw):
    """A random set of grants: paid to one organisation (with earmarked shares or items), shared by several
    beneficiaries (all or some named), naming none, and announced grants reconciled with published ones."""
    out = []
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        kind = draw(st.sampled_from(["paid", "shared", "unnamed", "reconciled"]))
        funder = draw(st.integers(0, 2))
        amount = draw(cents)
        if kind == "shared":
            rates = draw(st.lists(st.integers(1, 100), min_size=2, max_size=4))
            parts = _apportion(amount, [Decimal(r) / sum(rates) for r in rates])
            named = draw(st.lists(st.booleans(), min_size=len(parts), max_size=len(parts)))
            # a share of 0 € is no grant (the shapes want amounts above 0): only the others are written
            out.append((kind, funder, amount, [(draw(st.integers(0, 4)), p, n) for p, n in zip(parts, named) if p]))
        else:
            out.append((kind, funder, amount, draw(st.integers(0, 4))))
    return out


def _turtle(items) -> tuple[str, dict[str, Decimal], Decimal]:
    lines = [PREFIXES]
    for i in range(5):
        lines.append(f'ex:o{i} a org:Organization ; rdfs:label "Organisation {i}"@fr .')
    lines.append('ex:place a schema:Place ; rdfs:label "Lieu"@fr .')
    expected: dict[str, Decimal] = {}
    total = Decimal(0)

    def grant(name, funder, amount, extra=""):
        lines.append(f'ex:{name} a schema:MonetaryGrant ; rdfs:label "{name}"@fr ; schema:funder ex:o{funder} ; '
                     f'schema:amount [ a schema:MonetaryAmount ; schema:value {amount} ; schema:currency "EUR" ] '
                     f'{extra} .')

    def credit(who, amount):
        key = f"{BASE}organisation-{who}" if who is None else f"{BASE}o{who}"
        expected[key] = expected.get(key, Decimal(0)) + amount

    for i, (kind, funder, amount, detail) in enumerate(items):
        total += amount
        if kind == "paid":
            grant(f"g{i}", funder, amount, f"; dtkg:beneficiary ex:o{detail} ; schema:fundedItem ex:o{detail}, ex:place")
            grant(f"g{i}e", funder, amount, f"; schema:fundedItem ex:place ; dcterms:isPartOf ex:g{i}")
            credit(detail, amount)
        elif kind == "unnamed":
            grant(f"g{i}", funder, amount, "; schema:fundedItem ex:place")
            credit(None, amount)
        elif kind == "reconciled":
            grant(f"g{i}", funder, amount, f"; dtkg:beneficiary ex:o{detail} ; schema:fundedItem ex:o{detail}")
            grant(f"g{i}a", funder, amount, f"; dtkg:beneficiary ex:o{detail} ; schema:fundedItem ex:o{detail} ; "
                                            f"dtkg:sameDecisionAs ex:g{i}")
            credit(detail, amount)
        else:
            grant(f"g{i}", funder, amount)
            for j, (who, part, named) in enumerate(detail):
                extra = f"; dtkg:beneficiary ex:o{who} ; schema:fundedItem ex:o{who}" if named else ""
                grant(f"g{i}s{j}", funder, part, f"; dcterms:isPartOf ex:g{i} {extra}")
                credit(who if named else None, part)
    return "\n".join(lines), {k: v for k, v in expected.items() if v}, total


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow], report_multiple_bugs=False)
@given(decisions())
def test_money_is_conserved(items) -> None:
    """Σ total-by-funder = Σ total-by-recipient on any mix of grants, each organisation receiving what it is
    paid, on the saved queries as dtkg runs them (Oxigraph) and in the network views' money."""
    text, expected, total = _turtle(items)
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "grants.ttl").write_text(text, encoding="utf-8")
        ds = load_dataset([folder], seed=False, ontology=False)
        funders = [Decimal(str(r.total)) for r in run_query(ds, "total-by-funder")]
        recipients = {str(r.recipient) if r.recipient is not None else f"{BASE}organisation-None":
                      Decimal(str(r.total)) for r in run_query(ds, "total-by-recipient")}
        assert sum(funders) == total
        assert recipients == expected
        assert sum(Decimal(str(r.total)) for r in run_query(ds, "money-by-year")) == total
