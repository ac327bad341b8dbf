"""The documentation is tested against the code: its Python examples run, every command, option and saved query is
documented, and every example file it names is shipped.

- every ```python block of README.md and docs/*.md runs: the blocks of one page in order, sharing their names (as a
  reader types them one after the other), in a temporary folder that holds copies of the shipped example files
  (tests/fixtures/, examples/, templates/), as a checkout does;
- every docstring example of the public modules runs: doctest examples (``>>>``) and the ``::`` examples of their
  module docstrings;
- every command and option of `dtkg` (the click tree of dtkg.cli) is in docs/cli.md, which is the file
  scripts/cli_reference.py writes;
- every saved query (queries/*.rq) is in docs/queries.md;
- every example file a page names (data/…, tests/fixtures/…, examples/…, templates/…, queries/…) exists.
"""

from __future__ import annotations

import doctest
import importlib
import re
import shutil
import sys
import textwrap
from pathlib import Path

import click
import pytest

import dtkg
from dtkg.query import saved_queries

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SHIPPED_EXAMPLES = ("tests/fixtures", "examples", "templates")
# Files that commands write (named in the docs as outputs, not as examples to read).
OUTPUT_PREFIXES = ("data/imports/", "data/reconciliations/")

sys.path.insert(0, str(ROOT / "scripts"))
import cli_reference  # noqa: E402  (scripts/ is not a package)


def python_blocks(page: Path) -> list[tuple[int, str]]:
    """The ```python blocks of a Markdown page, with the line each starts on (fences may be indented)."""
    blocks, current, start, indent = [], None, 0, ""
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.strip()
        if current is None:
            if stripped.startswith("```python"):
                current, start, indent = [], number + 1, line[: len(line) - len(line.lstrip())]
        elif stripped.startswith("```"):
            blocks.append((start, "\n".join(current) + "\n"))
            current = None
        else:
            current.append(line[len(indent):] if line.startswith(indent) else line)
    return blocks


def pages_with_python() -> list[Path]:
    return [page for page in PAGES if python_blocks(page)]


@pytest.fixture()
def checkout_like(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary working folder holding copies of the shipped example files, as a checkout does."""
    for folder in SHIPPED_EXAMPLES:
        shutil.copytree(ROOT / folder, tmp_path / folder)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_block(code: str, namespace: dict, where: str) -> None:
    try:
        exec(compile(code, where, "exec"), namespace)  # noqa: S102 -- the documentation's own examples
    except Exception as error:  # noqa: BLE001 -- report which example failed, and how
        pytest.fail(f"the example at {where} fails: {type(error).__name__}: {error}\n\n{code}")


@pytest.mark.parametrize("page", pages_with_python(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_python_block_runs(page: Path, checkout_like: Path) -> None:
    namespace: dict = {"__name__": "__docs__"}
    for line, code in python_blocks(page):
        run_block(code, namespace, f"{page.relative_to(ROOT)}:{line}")


def test_the_block_reader_finds_the_examples() -> None:
    api = python_blocks(ROOT / "docs" / "python-api.md")
    assert len(api) >= 6 and "dtkg.load_dataset()" in api[0][1]
    assert any("dtkg.run_query" in code for _, code in python_blocks(ROOT / "README.md"))


# ------------------------------------------------------------------------------------------- docstring examples

def public_modules() -> list[str]:
    """The modules that define the public names, and the public packages the docs describe."""
    names = {f"dtkg.{module}" for module in dtkg._EXPORTS.values()}
    return sorted(names | {"dtkg", "dtkg.importers", "dtkg.territory", "dtkg.extract"})


def colon_examples(doc: str) -> list[str]:
    """The literal blocks that follow a paragraph ending with ``::`` in a reStructuredText docstring."""
    lines, examples, i = doc.splitlines(), [], 0
    while i < len(lines):
        if lines[i].rstrip().endswith("::"):
            i += 1
            block = []
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith((" ", "\t"))):
                block.append(lines[i])
                i += 1
            code = textwrap.dedent("\n".join(block)).strip("\n")
            if code and not code.lstrip().startswith(">>>"):  # doctest examples are run by doctest
                examples.append(code + "\n")
        else:
            i += 1
    return examples


def test_the_module_docstring_examples_run(checkout_like: Path) -> None:
    ran = []
    for name in public_modules():
        module = importlib.import_module(name)
        for number, code in enumerate(colon_examples(module.__doc__ or ""), 1):
            run_block(code, {"__name__": "__docs__"}, f"docstring of {name}, example {number}")
            ran.append(name)
    assert "dtkg" in ran, "the package docstring's example was not found"
    assert (checkout_like / "graph.ttl").is_file()  # written by the package docstring's example


def test_the_doctest_examples_pass(checkout_like: Path) -> None:
    finder, runner = doctest.DocTestFinder(), doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    examples = 0
    for name in public_modules():
        for test in finder.find(importlib.import_module(name), name):
            examples += len(test.examples)
            runner.run(test)
    result = runner.summarize(verbose=False)
    assert examples > 0
    assert result.failed == 0, f"{result.failed} doctest example(s) fail (see the output above)"


# --------------------------------------------------------------------------------- commands, options, queries

def test_cli_reference_is_up_to_date() -> None:
    committed = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == cli_reference.reference(), (
        "docs/cli.md is not what the commands' --help says: run python scripts/cli_reference.py")


def test_every_command_and_option_is_in_the_cli_reference() -> None:
    from dtkg.cli import cli

    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    missing, commands = [], cli_reference.walk(cli, ("dtkg",))
    assert len(commands) >= 10
    for path, command in commands:
        heading = f"## `{' '.join(path)}`"
        if heading not in page:
            missing.append(" ".join(path))
            continue
        section = page.split(heading, 1)[1].split("\n## ", 1)[0]
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                missing += [f"{' '.join(path)} {opt}" for opt in param.opts + param.secondary_opts
                            if opt not in section]
            elif isinstance(param, click.Argument) and param.make_metavar(click.Context(command)).split()[0].strip(
                    "[].") not in section:
                missing.append(f"{' '.join(path)} {param.name}")
    assert missing == [], "run python scripts/cli_reference.py: not in docs/cli.md"


def test_every_saved_query_is_documented() -> None:
    page = (ROOT / "docs" / "queries.md").read_text(encoding="utf-8")
    names = [q.name for q in saved_queries()]
    assert len(names) >= 20
    assert [n for n in names if f"`{n}`" not in page] == [], "saved queries missing from docs/queries.md"


# --------------------------------------------------------------------------------------------- example files

EXAMPLE_PATH = re.compile(
    r"(?<![\w/.\-~])((?:data|tests/fixtures|examples|templates|queries|ontology|benchmarks|scripts)/[\w.\-/]*)")


def named_files(text: str) -> set[str]:
    return {m.rstrip(".") for m in EXAMPLE_PATH.findall(text)}


def test_the_path_reader_finds_paths() -> None:
    found = named_files("run `dtkg import scdl tests/fixtures/import/scdl-valid.csv` on data/x.ttl; not my-data/a")
    assert found == {"tests/fixtures/import/scdl-valid.csv", "data/x.ttl"}


def test_every_example_file_the_docs_name_exists() -> None:
    missing = []
    for page in PAGES:
        for path in sorted(named_files(page.read_text(encoding="utf-8"))):
            if not path.startswith(OUTPUT_PREFIXES) and not (ROOT / path).exists():
                missing.append(f"{page.relative_to(ROOT)}: {path}")
    assert missing == []
