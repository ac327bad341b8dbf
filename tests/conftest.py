"""Shared fixtures: the seed dataset is loaded once per test session (loading is pure and the tests never
mutate it; tests that change data work on copies)."""

from __future__ import annotations

import inspect
import os
import re
import shutil
from pathlib import Path

import pytest
from rdflib import Dataset, Graph

from dtkg.load import load_dataset, union_graph
from dtkg.resources import seed_data_dir

REPO = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/dtkg/id/"
SOURCE_TEXT = REPO / "data" / "sources" / "2019-09-28-inauguration-atelier-bourbourg.fr.txt"


@pytest.fixture(scope="session")
def seed() -> Dataset:
    """The ontology and the seed data, as `dtkg build` loads them."""
    return load_dataset()


@pytest.fixture(scope="session")
def seed_graph(seed: Dataset) -> Graph:
    """The union of the seed dataset as one plain graph."""
    return union_graph(seed)


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A persistent store of the seed data, built once per test module (the servers of a module read it)."""
    store = tmp_path_factory.mktemp("store") / "store"
    load_dataset(store=store)
    return store


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the seed data folder, for tests that break or extend it."""
    target = tmp_path / "data"
    shutil.copytree(seed_data_dir(), target)
    return target


def in_ci() -> bool:
    """True on CI, where browser tests must run rather than skip."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


class CliResult:
    """Exit code and output of one `dtkg` invocation run in-process."""

    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def __repr__(self) -> str:  # shown by pytest when an assertion fails
        return f"CliResult(code={self.code}, out={self.out[-2000:]!r}, err={self.err[-2000:]!r})"


@pytest.fixture()
def dtkg(capsys: pytest.CaptureFixture[str]):
    """Run the `dtkg` command line in-process, as a user would, and return a :class:`CliResult`."""
    from dtkg.cli import main

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium through Playwright, for the browser tests; they never skip on CI (CI=true)."""
    import sys

    sys.path.insert(0, str(REPO / "benchmarks"))
    from browser import chromium_path, launch

    def unavailable(reason: str) -> None:
        if in_ci():
            pytest.fail(f"{reason}: CI=true, so the browser tests must run (install Debian's chromium)")
        pytest.skip(f"{reason} (these tests never skip on CI)")

    if chromium_path() is None:
        unavailable("Chromium is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


# ------------------------------------------------------------------------------------------------------ markers
# Every test is marked here, in one place, by what it costs (see docs/development.md): the quick loop is
# `python -m pytest -m "not browser and not external and not slow"`; CI (CI=true) runs everything.

#: Fixtures that open headless Chromium, or start a process outside the test's own Python.
BROWSER_FIXTURES = {"browser"}
EXTERNAL_FIXTURES = {"endpoint"}  # the module-wide `dtkg serve` of test_endpoints.py and test_query_safety.py
#: Calls, in a test's own code, that start another program: a server of tests/servers.py, a subprocess, npm.
EXTERNAL_CALLS = re.compile(r"\b(dtkg_serve|oxigraph_server|virtuoso_server|subprocess\.(run|Popen|call|check_\w+))\(")
#: Files whose tests are all of a kind.
BROWSER_FILES = {"test_extract_browser.py", "test_site_browser.py", "test_views_browser.py"}
EXTERNAL_FILES = {"test_endpoints.py"}
SLOW_FILES = {"test_extract.py", "test_determinism.py"}  # determinism: two exports per format in subprocesses; extract: loads spaCy's French pipeline (about 18 s under load) for most of its tests
#: Single tests (file::function) that took 2 s or more each (`python -m pytest --durations=60`) on a shared 2-core
#: machine under a load of about 13, that is about 1 s on an idle one: together they made the quick loop
#: miss its minute. Parametrised tests are listed once, by their function.
SLOW_TESTS = {
    "test_turtle_writer.py::test_the_streamed_turtle_is_the_same_across_processes_and_hash_seeds",
    "test_network.py::test_very_large_views_find_communities_by_label_propagation",
    "test_views_index.py::test_view_graph_is_the_visible_union",
    "test_views_index.py::test_views_from_the_index_are_the_views_from_a_graph",
    "test_query_values.py::test_saved_queries_answer_the_same_with_the_inner_blocks",
    "test_cli.py::test_build_and_validate_say_the_same_count_and_build_says_it_wrote_the_store",
    "test_cli.py::test_build_writes_the_graph_and_prints_a_summary",
    "test_cli.py::test_export_to_stdout_and_file",
    "test_cli.py::test_query_saved_by_name_in_every_format",
    "test_cli.py::test_validate",
    "test_docs.py::test_every_python_block_runs",
    "test_export.py::test_export_picks_format_from_suffix",
    "test_export.py::test_round_trip_is_isomorphic",
    "test_export_dynamic.py::test_gexf_is_dynamic_with_the_dates_of_grants_and_events",
    "test_export_dynamic.py::test_gexf_places_with_coordinates_have_their_position",
    "test_export_dynamic.py::test_jsonld_is_compacted_with_the_project_prefixes_and_is_the_same_graph",
    "test_export_dynamic.py::test_view_to_gexf_is_dynamic_too",
    "test_facts.py::test_every_named_resource_has_a_label",
    "test_generate.py::test_passes_dtkg_validation_with_the_seed_data",
    "test_import_fuzz.py::test_random_scdl_rows_never_crash_the_importer",
    "test_import_fuzz.py::test_random_table_rows_never_crash_the_importer",
    "test_import_hardening.py::test_a_million_columns_give_a_short_message",
    "test_import_hardening.py::test_invalid_rows_cost_linear_time",
    "test_import_tables.py::test_every_importer_then_build_shows_the_facts_in_the_views",
    "test_money.py::test_pairs_marked_by_a_person_are_recorded_with_who_decided",
    "test_money.py::test_reconcile_auto_counts_each_decision_once_and_keeps_both_sources",
    "test_money.py::test_the_view_draws_one_link_per_reconciled_grant_with_both_sources",
    "test_network.py::test_export_command_writes_graphml_and_gexf",
    "test_network.py::test_large_views_estimate_betweenness_within_a_budget",
    "test_network.py::test_view_command_with_unknown_focus_exits_2_with_close_matches",
    "test_network.py::test_view_command_writes_an_ego_view",
    "test_query_readings.py::test_the_command_line_refuses_every_disguise",
    "test_remote_safety.py::test_passwords_in_urls_are_never_printed",
    "test_remote_safety.py::test_time_limits_are_total_against_a_slow_drip",
    "test_shacl_engine.py::test_same_report_as_pyshacl",
    "test_shacl_engine.py::test_seed_conforms_on_every_engine",
    "test_site.py::test_big_graphs_keep_pages_bounded_and_totals_exact",
    "test_site.py::test_command_line",
    "test_site.py::test_funder_totals_count_shares_inside_their_grant",
    "test_site.py::test_injected_labels_are_escaped",
    "test_site.py::test_network_views_are_the_ego_views_of_the_project",
    "test_site.py::test_replaces_only_a_site_and_leaves_no_half_site",
    "test_store.py::test_build_into_a_store_and_query_it",
    "test_store.py::test_failed_build_leaves_the_previous_store",
    "test_store.py::test_rebuild_replaces_the_content",
    "test_store_safety.py::test_an_empty_folder_becomes_the_store",
    "test_store_safety.py::test_an_unwritable_output_gives_one_line",
    "test_store_safety.py::test_leftovers_of_a_killed_build_are_removed_and_nothing_else",
    "test_territory.py::test_coverage_counts_uncovered_population",
    "test_territory.py::test_scdl_grants_to_a_commune_and_a_ville_go_to_their_bodies_without_duplicates",
    "test_territory.py::test_territory_members_of_a_departement_and_a_region",
    "test_territory.py::test_territory_none_and_full",
    "test_territory.py::test_the_linked_layer_says_what_the_full_reference_says",
    "test_territory.py::test_views_draw_only_the_territories_linked_to_actors",
    "test_validate.py::test_amount_must_be_positive",
    "test_validate.py::test_bad_siren_checksum",
    "test_validate.py::test_currency_must_be_iso_4217",
    "test_validate.py::test_event_date_must_be_a_date",
    "test_validate.py::test_missing_label_names_the_resource",
    "test_validate.py::test_share_larger_than_its_grant",
    "test_views.py::test_build_writes_both_views",
    "test_views.py::test_large_views_get_precomputed_positions_and_no_physics",
    "test_views.py::test_layout_keeps_nodes_apart",
    "test_views.py::test_write_html_replaces_the_file_atomically",
    "test_views.py::test_write_view_refuses_an_unknown_ending",
}
EXTERNAL_TESTS = {"test_territory.py::test_regenerating_the_reference_gives_the_shipped_bytes"}  # npm pack


def _calls_out(function) -> bool:
    try:
        return bool(EXTERNAL_CALLS.search(inspect.getsource(function)))
    except (OSError, TypeError):
        return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every collected test `browser`, `external` and/or `slow` by its fixtures, its file and the lists above."""
    for item in items:
        file = item.path.name
        key = f"{file}::{getattr(item, 'originalname', None) or item.name}"
        fixtures = set(getattr(item, "fixturenames", ()))
        function = getattr(item, "function", None)
        if file in BROWSER_FILES or fixtures & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        if (file in EXTERNAL_FILES or key in EXTERNAL_TESTS or fixtures & EXTERNAL_FIXTURES
                or (function is not None and _calls_out(function))):
            item.add_marker(pytest.mark.external)
        if file in SLOW_FILES or key in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)
