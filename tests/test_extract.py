"""`dtkg extract`: the seed's press text read back into draft tables, the benchmark texts' drafts accepted by
`dtkg import table`, bad inputs refused cleanly, review.html escaped and linked."""

from __future__ import annotations

import csv
import datetime as _dt
import json
import re
from pathlib import Path

import pytest

from conftest import REPO, SOURCE_TEXT

BENCH = REPO / "benchmarks" / "extract"
SEED_ID = "2019-09-28-inauguration-atelier-bourbourg"


def rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def seed_draft(tmp_path_factory) -> Path:
    from dtkg.cli import main

    out = tmp_path_factory.mktemp("drafts")
    main(["extract", str(SOURCE_TEXT), "-o", str(out), "--date", "2019-09-28"])
    return out / SEED_ID


def test_seed_organisations_linked_to_the_graph(seed_draft):
    orgs = {r["identifiant"]: r for r in rows(seed_draft, "organisations.csv")}
    assert set(orgs) == {"region-hauts-de-france", "cud", "commune-bourbourg", "msa", "andyvie",
                         "centre-socio-educatif"}


def test_seed_people_with_their_roles(seed_draft):
    people = {r["identifiant"]: r for r in rows(seed_draft, "personnes.csv")}
    named = {(r["prenom"], r["nom"]) for r in people.values() if r["nom"]}
    assert named == {("Xavier", "Bertrand"), ("Isabelle", "Kerkhof"), ("Serge", "Roger"), ("Florence", "Timmerman")}
    unnamed = sorted(r["libelle"] for r in people.values() if not r["nom"])
    assert unnamed == ["Maire de Bourbourg (non nommé)", "Vice-président de la Mutualité Sociale Agricole (non nommé)"]
    roles = {(r["personne"], r["organisation"], r["role"]) for r in rows(seed_draft, "roles.csv")}
    by_label = {r["libelle"]: i for i, r in people.items() if r["libelle"]}
    assert roles == {
        ("xavier-bertrand", "region-hauts-de-france", "président"),
        ("isabelle-kerkhof", "cud", "vice-présidente"),
        ("serge-roger", "andyvie", "président"),
        ("florence-timmerman", "centre-socio-educatif", "directrice"),
        (by_label["Maire de Bourbourg (non nommé)"], "commune-bourbourg", "maire"),
        (by_label["Vice-président de la Mutualité Sociale Agricole (non nommé)"], "msa", "vice-président"),
    }
    kerkhof = next(r for r in rows(seed_draft, "roles.csv") if r["personne"] == "isabelle-kerkhof")
    assert kerkhof["delegation"] == ("au développement de la solidarité intercommunale, au schéma de mutualisation "
                                     "et au numérique")


def test_seed_places_with_insee_codes(seed_draft):
    places = {r["identifiant"]: r["code_insee"] for r in rows(seed_draft, "lieux.csv")}
    assert places == {"atelier-bourbourg": "59094", "sparklab-dunkerque": "59183"}


def test_seed_grants_amounts_kinds_and_share(seed_draft):
    grants = rows(seed_draft, "subventions.csv")
    got = {(g["financeur"], g["beneficiaire"], g["montant"], g["nature"]) for g in grants}
    assert got == {
        ("region-hauts-de-france", "cud", "90000", "fonctionnement"),
        ("region-hauts-de-france", "tiers-lieux-numerique-dunkerque-bourbourg", "30000", "investissement"),
        ("region-hauts-de-france", "atelier-bourbourg", "6421", "investissement"),
    }
    by_amount = {g["montant"]: g for g in grants}
    assert by_amount["6421"]["partie_de"] == by_amount["30000"]["identifiant"]
    assert by_amount["90000"]["fin"] == "2021" and by_amount["90000"]["debut"] == ""  # 2019 is only inferred
    assert {g["dispositif"] for g in grants} == {"tiers-lieu-du-numerique-2018"}
    # the graph already holds these grants: the draft uses their ids, so importing it adds no duplicate
    assert {g["identifiant"] for g in grants} == {"region-cud-fonctionnement-2019-2021",
                                                  "region-investissement-tiers-lieux",
                                                  "region-atelier-investissement-annee-1"}


def test_every_citation_is_verbatim(seed_draft):
    text = SOURCE_TEXT.read_text(encoding="utf-8")
    count = 0
    for name in ("organisations.csv", "personnes.csv", "lieux.csv", "roles.csv", "subventions.csv"):
        for r in rows(seed_draft, name):
            assert r["source"] == SEED_ID
            assert r["citation"] and r["citation"] in text, (name, r["citation"])
            count += 1
    assert count == 23
    # the seed's text is already in the data: the draft cites it without a second copy
    assert rows(seed_draft, "sources.csv") == []


def test_seed_draft_imports_as_it_is(seed_draft, dtkg, data_copy):
    result = dtkg("import", "table", str(seed_draft), "--data", str(data_copy), "--dry-run")
    assert result.code == 0, result
    assert "23 imported" in result.out


@pytest.mark.parametrize("gold", sorted(BENCH.glob("gold/*.json")), ids=lambda p: p.stem)
def test_benchmark_drafts_pass_import_dry_run(gold, tmp_path, dtkg):
    spec = json.loads(gold.read_text(encoding="utf-8"))
    text = (gold.parent / spec["text"]).resolve()
    data = BENCH / "data"
    result = dtkg("extract", str(text), "-o", str(tmp_path / "out"), "--data", str(data), "--date", spec["date"])
    assert result.code == 0, result
    (draft,) = (tmp_path / "out").iterdir()
    assert (draft / "review.html").is_file()
    imported = dtkg("import", "table", str(draft), "--data", str(data), "--dry-run")
    assert imported.code == 0, imported
    # no amount the gold does not call a grant (recall is measured by benchmarks/bench_extract.py)
    amounts = {r["montant"] for r in rows(draft, "subventions.csv")}
    assert amounts <= {str(a) for *_, a in spec["grants"]}


def test_new_text_gets_its_source_row_and_copy(tmp_path, dtkg):
    text = BENCH / "texts" / "2023-02-03-convention-pas-de-calais-arras.txt"
    result = dtkg("extract", str(text), "-o", str(tmp_path), "--data", str(BENCH / "data"), "--title", "Convention")
    assert result.code == 0, result
    draft = tmp_path / "2023-02-03-convention-pas-de-calais-arras"
    (source,) = rows(draft, "sources.csv")
    assert source["titre"] == "Convention" and source["date"] == "2023-02-03"
    assert (draft / source["fichier"]).read_bytes() == text.read_bytes()
    people = {(r["prenom"], r["nom"]) for r in rows(draft, "personnes.csv")}
    assert ("Hélène", "Lefranc") in people and ("Jean-Marc", "Vasseur") in people
    share = next(r for r in rows(draft, "subventions.csv") if r["montant"] == "18000")
    whole = next(r for r in rows(draft, "subventions.csv") if r["montant"] == "60000")
    assert share["partie_de"] == whole["identifiant"] and (whole["debut"], whole["fin"]) == ("2023", "2024")


def test_review_html_links_spans_to_rows_and_escapes(tmp_path, dtkg):
    text = tmp_path / "communique.txt"
    text.write_text("La Région Hauts-de-France accorde une subvention de 5 000 euros à l’association "
                    "« Les Amis du <b>Code</b> », présidée par Jeanne DUVAL.\n", encoding="utf-8")
    result = dtkg("extract", str(text), "-o", str(tmp_path / "out"))
    assert result.code == 0, result
    page = (tmp_path / "out" / "communique" / "review.html").read_text(encoding="utf-8")
    assert "<b>" not in page and "Les Amis du &lt;b&gt;Code&lt;/b&gt;" in page
    assert "<script" not in page
    anchors = set(re.findall(r'href="#([\w-]+)"', page))
    ids = set(re.findall(r'<tr id="([\w-]+)"', page))
    assert anchors - {"notes"} and anchors - {"notes"} <= ids
    assert "personnes-2" in anchors and "subventions-2" in anchors


def test_windows_1252_text_is_read_and_saved_as_utf8(tmp_path, dtkg):
    text = tmp_path / "ancien.txt"
    text.write_bytes("La Région Hauts-de-France a attribué une aide de 3 000 € à l’association Andyvie.".encode("cp1252"))
    result = dtkg("extract", str(text), "-o", str(tmp_path / "out"))
    assert result.code == 0, result
    draft = tmp_path / "out" / "ancien"
    assert (draft / "ancien.txt").read_text(encoding="utf-8").startswith("La Région")
    (grant,) = rows(draft, "subventions.csv")
    assert (grant["financeur"], grant["beneficiaire"], grant["montant"]) == ("region-hauts-de-france", "andyvie",
                                                                            "3000")
    assert grant["citation"] in (draft / "ancien.txt").read_text(encoding="utf-8")


def test_empty_file_is_refused_and_nothing_written(tmp_path, dtkg):
    good = BENCH / "texts" / "2023-02-03-convention-pas-de-calais-arras.txt"
    empty = tmp_path / "vide.txt"
    empty.write_text("  \n", encoding="utf-8")
    result = dtkg("extract", str(good), str(empty), "-o", str(tmp_path / "out"))
    assert result.code == 2
    assert "vide.txt" in result.err and "empty" in result.err and "Traceback" not in result.err
    assert not (tmp_path / "out").exists()  # all or nothing: the good text's draft is not written either


def test_too_long_file_is_refused(tmp_path, dtkg):
    big = tmp_path / "big.txt"
    big.write_text(("La Région soutient le numérique. " * 32000)[:1_000_000], encoding="utf-8")
    result = dtkg("extract", str(big), "-o", str(tmp_path / "out"))
    assert result.code == 2 and "too long" in result.err and "big.txt" in result.err
    assert not (tmp_path / "out").exists()


def test_text_without_actor_gives_an_empty_draft(tmp_path, dtkg):
    text = tmp_path / "meteo.txt"
    text.write_text("Il fera beau demain sur la côte, avec un vent faible.\n", encoding="utf-8")
    result = dtkg("extract", str(text), "-o", str(tmp_path / "out"))
    assert result.code == 0, result
    assert "no actor found" in result.err
    draft = tmp_path / "out" / "meteo"
    assert len(rows(draft, "sources.csv")) == 1
    for name in ("organisations.csv", "personnes.csv", "lieux.csv", "roles.csv", "subventions.csv"):
        assert rows(draft, name) == []
    (tmp_path / "data").mkdir()
    imported = dtkg("import", "table", str(draft), "--data", str(tmp_path / "data"), "--dry-run")
    assert imported.code == 0 and "1 imported" in imported.out, imported


def test_existing_draft_is_not_overwritten(tmp_path, dtkg):
    text = tmp_path / "t.txt"
    text.write_text("La Région Hauts-de-France accorde 1 000 € à l’association Andyvie.\n", encoding="utf-8")
    assert dtkg("extract", str(text), "-o", str(tmp_path / "out")).code == 0
    edited = tmp_path / "out" / "t" / "organisations.csv"
    edited.write_text("edited", encoding="utf-8")
    again = dtkg("extract", str(text), "-o", str(tmp_path / "out"))
    assert again.code == 2 and "already holds a draft" in again.err
    assert edited.read_text(encoding="utf-8") == "edited"
    assert dtkg("extract", str(text), "-o", str(tmp_path / "out"), "--force").code == 0
    assert edited.read_text(encoding="utf-8") != "edited"


def test_bad_date_option(tmp_path, dtkg):
    result = dtkg("extract", str(SOURCE_TEXT), "-o", str(tmp_path), "--date", "28/09/2019")
    assert result.code == 2 and "YYYY-MM-DD" in result.err


def test_date_without_year_is_checked_against_date(tmp_path):
    from dtkg.extract.draft import extract_text
    from dtkg.extract.linking import Gazetteer

    gaz = Gazetteer.from_data(None)
    text = SOURCE_TEXT.read_text(encoding="utf-8")
    assert not extract_text(text, gaz, date=_dt.date(2019, 9, 28)).notes
    wrong = extract_text(text, gaz, date=_dt.date(2020, 9, 28)).notes
    assert any("n’est pas un samedi en 2020" in note for *_, note in wrong)
    undated = extract_text(text, gaz)
    assert undated.date == "" and any("sans année" in note for *_, note in undated.notes)


def test_amounts_and_names_of_press_french():
    import re as _re

    from dtkg.extract.finder import AMOUNT_RE, amount_value, proper_case

    values = [amount_value(m) for m in AMOUNT_RE.finditer(
        "90 000 euros, 6 421 €, 1,2 M€, 2 millions d’euros, 15 k€ et 3\u202f500 EUR")]
    assert [int(v) for v in values] == [90000, 6421, 1200000, 2000000, 15000, 3500]
    assert proper_case("KERKHOF") == "Kerkhof" and proper_case("DUPONT-MORETTI") == "Dupont-Moretti"
    assert _re.sub(r"\s", " ", proper_case("LE GALL")) == "Le Gall"


def test_commune_lookup_prefers_the_territorial_reference(monkeypatch):
    import sys

    from dtkg.extract.linking import find_communes_by_name

    (found,) = find_communes_by_name("Bourbourg", None)  # from the territorial reference: no graph needed
    assert (found.insee, found.name, found.departement) == ("59094", "Bourbourg", "59")
    assert sorted(c.insee for c in find_communes_by_name("Bailleul", None)) == ["59043", "61023", "80051"]
    monkeypatch.setitem(sys.modules, "dtkg.territory", None)  # without the reference: the graph's communes only
    assert find_communes_by_name("Bourbourg", None) == []


