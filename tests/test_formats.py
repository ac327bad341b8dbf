"""Formats and choices: the command line offers exactly what the library accepts."""

from __future__ import annotations

import click

from dtkg import formats
from dtkg.analysis import NETWORK_FORMATS, SIZE_MEASURES
from dtkg.cli import cli
from dtkg.load import ENGINES
from dtkg.network import PROJECTIONS
from dtkg.results import FORMATS as QUERY_FORMATS
from dtkg.territory.layer import MODES
from dtkg.writers import FORMATS


def _choices(command: str, option: str) -> tuple[str, ...]:
    cmd = cli.commands[command]
    param = next(p for p in cmd.params if option in p.opts)
    assert isinstance(param.type, click.Choice)
    return tuple(param.type.choices)


def test_library_lists_are_the_formats_module_lists():
    assert FORMATS == formats.RDF_FORMATS
    assert NETWORK_FORMATS == formats.NETWORK_FORMATS
    assert tuple(ENGINES) == formats.ENGINES
    assert tuple(MODES) == formats.TERRITORY_MODES
    assert tuple(PROJECTIONS) == formats.PROJECTIONS
    assert tuple(SIZE_MEASURES) == formats.SIZE_MEASURES
    assert tuple(QUERY_FORMATS) == formats.TABLE_FORMATS


def test_the_command_line_offers_the_formats_module_lists():
    assert _choices("export", "--format") == formats.EXPORT_FORMATS
    assert _choices("build", "--engine") == formats.ENGINES
    assert _choices("build", "--territory") == formats.TERRITORY_MODES
    assert _choices("validate", "--shacl-engine") == formats.VALIDATION_ENGINES
    assert _choices("query", "--format") == formats.TABLE_FORMATS
    assert _choices("shacl", "--format") == formats.REPORT_FORMATS
