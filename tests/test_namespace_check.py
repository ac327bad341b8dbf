"""A query that names http://schema.org/ while the data uses https://schema.org/ is told so."""

from __future__ import annotations

from dtkg.namespace_check import namespace_warnings, query_namespaces, twins


def test_twins_cover_scheme_and_ending():
    assert "https://schema.org/" in twins("http://schema.org/")
    assert "http://purl.org/dc/terms/" in twins("http://purl.org/dc/terms")
    assert "http://xmlns.com/foaf/0.1/" in twins("http://xmlns.com/foaf/0.1#")


def test_query_namespaces_reads_prefixes_used_and_full_iris():
    query = ("PREFIX schema: <http://schema.org/> PREFIX unused: <http://example.org/x#>\n"
             "SELECT * WHERE { ?g schema:amount ?a ; <http://purl.org/dc/terms/date> ?d }")
    assert query_namespaces(query) == {"http://schema.org/", "http://purl.org/dc/terms/"}


def test_http_schema_org_is_warned_about_on_the_seed(seed):
    query = "PREFIX schema: <http://schema.org/> SELECT * WHERE { ?g schema:amount ?a }"
    warnings = namespace_warnings(seed, query)
    assert len(warnings) == 1 and "<https://schema.org/>" in warnings[0]
    right = "PREFIX schema: <https://schema.org/> SELECT * WHERE { ?g schema:amountX ?a }"
    assert namespace_warnings(seed, right) == []


def test_query_command_warns_when_nothing_is_found_through_a_twin(dtkg):
    result = dtkg("query", "SELECT * WHERE { ?g <http://schema.org/amount> ?a }", "--format", "csv")
    assert result.code == 0 and result.out.count("\n") == 1  # the header only
    assert "warning:" in result.err and "https://schema.org/" in result.err
    found = dtkg("query", "SELECT * WHERE { ?g <https://schema.org/amount> ?a }", "--format", "csv")
    assert found.err == ""
