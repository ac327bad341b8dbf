"""RDF → networkx projections, sub-views, analysis and the Gephi exports, on the real seed data.

The expected counts are derived from data/*.ttl by hand (see the comments), not read back from the code.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

from dtkg.analysis import analyse, money, network_bytes, node_sizes, write_network
from dtkg.errors import InputError
from dtkg.network import (
    construct_view,
    ego_view,
    find_node,
    network_view,
    to_networkx,
)

from conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from synthetic import synthetic_network  # noqa: E402

ID = "https://w3id.org/dtkg/id/"
REGION = ID + "organisation/region-hauts-de-france"
CUD = ID + "organisation/cud"
ATELIER = ID + "place/atelier-bourbourg"
SPARKLAB = ID + "place/sparklab-dunkerque"
NETWORK = ID + "network/tiers-lieux-numerique-dunkerque-bourbourg"
EVENT = ID + "event/inauguration-atelier-2019-09-28"
BOURBOURG = ID + "commune/59094"


@pytest.fixture(scope="module")
def actors(seed_graph):
    return to_networkx(seed_graph, "actors")


@pytest.fixture(scope="module")
def full(seed_graph):
    return to_networkx(seed_graph, "full")


def labels(g: nx.MultiDiGraph, nodes=None) -> set[str]:
    return {g.nodes[n]["label"] for n in (g if nodes is None else nodes)}


# ---------------------------------------------------------------------------------------------- actors


def test_actors_view_has_the_actors_of_the_seed_data(actors):
    # 6 organisations (Région, CUD, Commune de Bourbourg, MSA, Andyvie, Centre socio-éducatif), 7 people (the
    # unnamed author, X. Bertrand, I. Kerkhof, the unnamed mayor and MSA vice-president, S. Roger, F. Timmerman),
    # 2 places, 2 communes, 1 network of places, 1 event, 2 strategies, 1 call for projects = 22 nodes.
    assert Counter(t for _, t in actors.nodes(data="type")) == {
        "organisation": 6, "person": 7, "place": 2, "commune": 2, "network": 1, "event": 1, "strategy": 2, "call": 1}
    assert actors.number_of_nodes() == 22
    # Links: 3 grants + 6 memberships collapsed; 4 org:headOf; 6 attendees + location + about of the event;
    # 2 containedInPlace, 2 isPartOf, 2 hadMember; areaServed; actedOnBehalfOf; 2 strategy creators;
    # the call's creator, laureate and supported project = 3 + 6 + 4 + 8 + 6 + 1 + 1 + 2 + 3 = 34.
    assert actors.number_of_edges() == 34
    assert Counter(k for _, _, k in actors.edges(data="kind")) == {"grant": 3, "membership": 6, "link": 25}
    assert "Maire de Bourbourg en septembre 2019 (non nommé)" in labels(actors)  # unnamed people as stored


def test_grant_becomes_a_funder_to_recipient_edge_labelled_by_its_amount(actors):
    edges = actors.get_edge_data(REGION, CUD)
    assert len(edges) == 2  # the CUD is paid both grants (the 30 000 €: inferred, laureate of the call)
    edge = edges[ID + "grant/region-cud-fonctionnement-2019-2021"]
    assert edge["label"] == "90 000 € fonctionnement 2019–2021"
    assert edge["kind"] == "grant" and edge["weight"] == 90000.0 and edge["currency"] == "EUR"
    assert edge["resource"] == ID + "grant/region-cud-fonctionnement-2019-2021"
    assert any("aide régionale en fonctionnement de 90 000 euros" in q for q in edge["quotes"])
    assert ("attribuée au titre de", "Appel à projets « Tiers lieu du numérique » (2018)") in edge["facts"]
    share = next(iter(actors.get_edge_data(REGION, ATELIER).values()))
    assert share["label"] == "6 421 € investissement"
    assert share["part_of"] == ID + "grant/region-investissement-tiers-lieux"
    investment = edges[ID + "grant/region-investissement-tiers-lieux"]
    assert investment["label"] == "30 000 € investissement"
    assert ("finance", "Réseau de tiers-lieux du numérique de Dunkerque et Bourbourg") in investment["facts"]
    assert actors.get_edge_data(REGION, NETWORK) is None  # earmarked, not paid: no link of its own


def test_membership_becomes_a_person_to_organisation_edge_labelled_by_the_role(actors):
    roles = {(actors.nodes[a]["label"], actors.nodes[b]["label"], d["label"])
             for a, b, d in actors.edges(data=True) if d["kind"] == "membership"}
    assert roles == {
        ("Xavier Bertrand", "Région Hauts-de-France", "président"),
        ("Isabelle Kerkhof", "Communauté Urbaine de Dunkerque", "vice-présidente"),
        ("Maire de Bourbourg en septembre 2019 (non nommé)", "Commune de Bourbourg", "maire"),
        ("Vice-président de la Mutualité Sociale Agricole en septembre 2019 (non nommé)",
         "Mutualité Sociale Agricole", "vice-président"),
        ("Serge Roger", "Andyvie", "président"),
        ("Florence Timmerman", "Centre socio-éducatif", "directrice"),
    }
    kerkhof = next(d for _, _, d in actors.edges(data=True) if d["label"] == "vice-présidente")
    assert any("Isabelle KERKHOF, Vice-Présidente" in q for q in kerkhof["quotes"])


def test_nodes_carry_facts_and_source_quotes(actors):
    atelier = actors.nodes[ATELIER]
    assert atelier["label"] == "L'ATELIER" and atelier["type"] == "place"
    assert any("l’inauguration du tiers-lieu numérique de Bourbourg, l’ATELIER" in q for q in atelier["quotes"])
    # concepts are not nodes in the actors view: they are facts of the node that points to them
    assert ("activité", "activités inclusives") in atelier["facts"]
    assert ("public", "jeunes") in atelier["facts"]
    region = actors.nodes[REGION]
    assert ("numéro SIREN", "200053742") in region["facts"]
    strategy = actors.nodes[ID + "strategy/region-feuille-de-route-numerique-2016"]
    assert ("axe", "1 — garantir l'équité d'accès au très haut débit") in strategy["facts"]
    # no provenance machinery among the nodes
    assert not any("source/" in n or "/oa#" in n for n in actors)


def test_projection_is_stable_from_run_to_run(seed_graph, actors):
    again = to_networkx(seed_graph, "actors")
    assert list(again.nodes) == list(actors.nodes)
    assert list(again.edges(keys=True)) == list(actors.edges(keys=True))


# ---------------------------------------------------------------------------------------------- full


def test_full_view_keeps_grants_memberships_and_amounts_as_nodes(full):
    kinds = Counter(t for _, t in full.nodes(data="type"))
    assert kinds["grant"] == 3 and kinds["membership"] == 6 and kinds["amount"] == 3
    assert {full.nodes[n]["label"] for n in full if full.nodes[n]["type"] == "amount"} == {
        "90 000 €", "30 000 €", "6 421 €"}
    grant = ID + "grant/region-cud-fonctionnement-2019-2021"
    assert full.has_edge(grant, REGION, key="schema:funder")
    assert full.has_edge(grant, CUD, key="schema:fundedItem")
    amount = grant + "/schema:amount"  # blank nodes get a stable id from the resource they hang from
    assert full.nodes[amount]["label"] == "90 000 €"
    assert full.has_edge(grant, amount)
    membership = ID + "membership/xavier-bertrand-region-hauts-de-france"
    assert full.has_edge(membership, ID + "person/xavier-bertrand", key="org:member")
    assert full.has_edge(membership, ID + "role/president", key="org:role")


def test_full_view_contains_every_actor(full, actors):
    assert set(actors) <= set(full)
    assert full.number_of_nodes() > actors.number_of_nodes()


# ---------------------------------------------------------------------------------------------- ego


def test_ego_view_of_l_atelier_depth_1(actors):
    ego = ego_view(actors, "L'ATELIER", 1)
    # L'ATELIER is in Bourbourg, part of the network (and its member), the event's place and subject, and
    # received 6 421 € from the Région.
    assert set(ego) == {ATELIER, BOURBOURG, NETWORK, EVENT, REGION}
    # every edge between those five: containedInPlace, isPartOf, hadMember, location, about, the 6 421 € grant
    # (earmarked for L'ATELIER); the Région's 30 000 € grant is paid to the CUD, so it is not drawn to the network.
    assert ego.number_of_edges() == 6
    assert ego.graph["focus"] == ATELIER


def test_ego_view_depth_0_and_2(actors):
    assert list(ego_view(actors, ATELIER, 0)) == [ATELIER]
    two = ego_view(actors, ATELIER, 2)
    assert CUD in two and SPARKLAB in two and "Xavier Bertrand" in labels(two)


def test_focus_accepts_iri_short_name_and_typographic_apostrophes(actors):
    assert find_node(actors, ATELIER) == ATELIER
    assert find_node(actors, "place:atelier-bourbourg") == ATELIER
    assert find_node(actors, "l’atelier") == ATELIER


def test_focus_accepts_a_unique_partial_label_like_the_search_box(actors):
    # "Atelier" is the label of L'ATELIER without its article; the event and the author also mention it but
    # only as part of a longer label, so the place itself is the one meant.
    assert find_node(actors, "Atelier") == ATELIER
    assert find_node(actors, "latelier") == ATELIER
    assert find_node(actors, "région") == REGION  # the only label that starts with it
    assert find_node(actors, "inauguration") == EVENT


def test_focus_lists_the_candidates_when_a_partial_label_is_ambiguous(actors):
    with pytest.raises(InputError) as err:
        find_node(actors, "Hauts-de-France")
    message = str(err.value)
    assert "matches 2 nodes" in message
    assert "organisation:region-hauts-de-france" in message and "strategy:region-feuille-de-route" in message


def test_unknown_focus_says_so_and_lists_close_matches(actors):
    with pytest.raises(InputError) as err:
        ego_view(actors, "Atelier de Bourbourg", 1)
    message = str(err.value)
    assert "no node has this label" in message and "L'ATELIER" in message


def test_negative_depth_and_depth_without_focus_are_refused(actors, seed):
    with pytest.raises(InputError):
        ego_view(actors, "L'ATELIER", -1)
    with pytest.raises(InputError, match="--depth needs --focus"):
        network_view(seed, depth=2)


# ---------------------------------------------------------------------------------------------- CONSTRUCT


FUNDING = """PREFIX schema: <https://schema.org/>
CONSTRUCT { ?funder schema:funds ?item } WHERE { ?grant a schema:MonetaryGrant ; schema:funder ?funder ;
                                                         schema:fundedItem ?item }"""


def test_construct_result_is_a_view_with_the_labels_of_the_dataset(seed, tmp_path):
    query = tmp_path / "funding.rq"
    query.write_text(FUNDING, encoding="utf-8")
    g = construct_view(seed, str(query))
    assert labels(g) == {"Région Hauts-de-France", "Communauté Urbaine de Dunkerque", "L'ATELIER",
                         "Réseau de tiers-lieux du numérique de Dunkerque et Bourbourg"}
    assert g.number_of_edges() == 3
    assert {d["label"] for _, _, d in g.edges(data=True)} == {"schema:funds"}


def test_a_select_query_is_not_a_view(seed):
    with pytest.raises(InputError, match="CONSTRUCT"):
        construct_view(seed, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1")


# ---------------------------------------------------------------------------------------------- analysis


def test_money_received_and_given_counts_shares_once(actors, full):
    for g in (actors, full):
        received, given = money(g)
        assert given[REGION] == 120000.0  # 90 000 + 30 000; the 6 421 € share is inside the 30 000 €
        # the CUD is paid both grants; the network and L'ATELIER are what money is earmarked for: not added again
        assert received[CUD] == 120000.0 and received[NETWORK] == 0.0 and received[ATELIER] == 0.0
        assert sum(given.values()) == sum(received.values()) == 120000.0


def test_analysis_adds_centralities_and_communities_without_changing_its_input(actors):
    before = dict(actors.nodes[REGION])
    a = analyse(actors)
    assert actors.nodes[REGION] == before
    assert a.graph["betweenness_pivots"] == 22  # exact on a small view
    # the inauguration links six people to L'ATELIER: the most between node of the seed network
    top = max(a, key=lambda n: a.nodes[n]["betweenness"])
    assert top == EVENT
    assert a.nodes[REGION]["degree"] == 7
    assert {a.nodes[n]["community"] for n in a} == set(range(a.graph["communities"]))
    assert analyse(actors).nodes(data="community") == a.nodes(data="community")  # reproducible


def test_node_sizes_follow_the_chosen_measure(actors):
    a = analyse(actors)
    by_money = node_sizes(a, "received", smallest=10, largest=50)
    assert by_money[CUD] == 50 and by_money[REGION] == 10
    by_given = node_sizes(a, "given", smallest=10, largest=50)
    assert by_given[REGION] == 50
    with pytest.raises(InputError):
        node_sizes(a, "colour")


def test_large_views_estimate_betweenness_within_a_budget():
    g = analyse(synthetic_network(3000))
    assert 8 <= g.graph["betweenness_pivots"] < 3000
    assert all(0.0 <= g.nodes[n]["betweenness"] <= 1.0 for n in g)



def test_very_large_views_find_communities_by_label_propagation(monkeypatch):
    """Above LOUVAIN_MAX_NODES, communities come from seeded label propagation: every node is numbered, 0 is the
    largest community, linked nodes mostly share one, the numbers are the same from run to run, and the view says
    how they were found. Below, Louvain's communities are unchanged (and the view says nothing)."""
    import dtkg.analysis as analysis

    g = synthetic_network(1500)
    u = analysis.undirected(g)
    louvain = analysis.communities(u)
    assert analysis.communities(u, louvain_max=u.number_of_nodes()) == louvain
    propagated = analysis.communities(u, louvain_max=1000)
    assert propagated != louvain and set(propagated) == set(u)
    sizes = Counter(propagated.values())
    assert set(sizes) == set(range(len(sizes))) and sizes[0] == max(sizes.values())
    assert sum(propagated[a] == propagated[b] for a, b in u.edges()) > u.number_of_edges() / 2
    assert analysis.communities(u, louvain_max=1000) == propagated
    assert "community_method" not in analyse(g).graph
    monkeypatch.setattr(analysis, "LOUVAIN_MAX_NODES", 1000)
    a = analyse(g)
    assert a.graph["community_method"] == "label propagation"
    assert dict(a.nodes(data="community")) == propagated and a.graph["communities"] == len(sizes)


# ---------------------------------------------------------------------------------------------- Gephi


@pytest.mark.parametrize("fmt, reader", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_graphml_and_gexf_round_trip_through_networkx(actors, tmp_path, fmt, reader):
    path = write_network(analyse(actors), tmp_path / f"network.{fmt}")
    back = reader(path)
    assert set(back) == set(actors)
    assert back.number_of_edges() == actors.number_of_edges()
    region = back.nodes[REGION]
    assert region["label"] == "Région Hauts-de-France" and region["type"] == "organisation"
    assert float(region["given"]) == 120000.0 and 0 < float(region["betweenness"]) < 1
    assert "community" in region and "degree_centrality" in region
    grant = next(iter(back.get_edge_data(REGION, CUD).values()))
    assert grant["label"] == "90 000 € fonctionnement 2019–2021" and float(grant["weight"]) == 90000.0


def test_gexf_carries_colours_for_gephi(actors):
    text = network_bytes(actors, "gexf").decode("utf-8")
    assert 'viz:color' in text and text.startswith("<?xml")


def test_export_command_writes_graphml_and_gexf(dtkg, tmp_path):
    out = tmp_path / "actors.gexf"
    result = dtkg("export", "-o", str(out))
    assert result.code == 0, result
    assert nx.read_gexf(out).number_of_nodes() == 22
    result = dtkg("export", "--format", "graphml")
    assert result.code == 0, result
    assert result.out.startswith('<?xml version="1.0" encoding="utf-8"?>\n<graphml')


def test_view_command_with_unknown_focus_exits_2_with_close_matches(dtkg, tmp_path):
    result = dtkg("view", "--focus", "Atelier de Bourbourg", "-o", str(tmp_path / "x.html"))
    assert result.code == 2
    assert "did you mean" in result.err and "L'ATELIER" in result.err
    assert "Traceback" not in result.err
    assert not (tmp_path / "x.html").exists()


def test_view_command_writes_an_ego_view(dtkg, tmp_path: Path):
    out = tmp_path / "atelier.graphml"
    result = dtkg("view", "--focus", "L'ATELIER", "--depth", "1", "-o", str(out))
    assert result.code == 0, result
    assert "5 nodes, 6 links" in result.out  # the 30 000 € is paid to the CUD, outside this view
    assert set(nx.read_graphml(out)) == {ATELIER, BOURBOURG, NETWORK, EVENT, REGION}


def test_every_property_of_the_seed_has_a_label_in_french_and_english(seed_graph):
    """The views name properties by their ontology labels (ontology/dtkg.ttl, ontology/labels.ttl), never by a
    prefixed name: every property the seed data uses has one in both languages."""
    from rdflib import URIRef

    from dtkg.labels import shipped_labels, term_label
    from dtkg.projection import predicate_label

    labels = shipped_labels()
    used = {p for p in seed_graph.predicates() if isinstance(p, URIRef)}
    missing = sorted(str(p) for p in used if (p, "fr") not in labels or (p, "en") not in labels)
    assert missing == []
    org_site_of = URIRef("http://www.w3.org/ns/org#siteOf")
    assert term_label(seed_graph, org_site_of, "fr") == "lieu de" and term_label(seed_graph, org_site_of, "en") == "site of"
    delegation = URIRef("http://www.w3.org/ns/prov#qualifiedDelegation")
    assert predicate_label(seed_graph, delegation) == "délégation"
    assert predicate_label(seed_graph, delegation, "en") == "delegation"


def test_links_of_the_full_view_have_one_kind_each(full):
    kinds = Counter(d["link_kind"] for _, _, d in full.edges(data=True))
    assert set(kinds) >= {"money", "role", "place", "event", "structure"}
    funder = next(d for _, _, d in full.edges(data=True) if d["predicate"] == "https://schema.org/funder")
    assert funder["link_kind"] == "money"
