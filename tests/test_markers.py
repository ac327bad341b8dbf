"""The markers of tests/conftest.py name tests that exist, so that the quick loop leaves out what it means to."""

from __future__ import annotations

import re
from pathlib import Path

import conftest

TESTS = Path(__file__).resolve().parent


def test_every_listed_test_and_file_exists():
    stale = []
    for key in sorted(conftest.SLOW_TESTS | conftest.EXTERNAL_TESTS):
        file, function = key.split("::")
        path = TESTS / file
        if not path.is_file() or not re.search(rf"^def {re.escape(function)}\(", path.read_text(encoding="utf-8"),
                                               re.MULTILINE):
            stale.append(key)
    for file in sorted(conftest.SLOW_FILES | conftest.EXTERNAL_FILES | conftest.BROWSER_FILES):
        if not (TESTS / file).is_file():
            stale.append(file)
    assert stale == [], "tests/conftest.py lists tests that no longer exist"


def _starts_a_server():  # read by the marker rule, never run
    with dtkg_serve("store"):  # noqa: F821
        pass


def _runs_npm():  # read by the marker rule, never run
    subprocess.run(["npm", "pack"])  # noqa: F821


def test_tests_that_start_servers_or_processes_are_recognised():
    assert conftest._calls_out(_starts_a_server) and conftest._calls_out(_runs_npm)
    assert not conftest._calls_out(test_every_listed_test_and_file_exists)
