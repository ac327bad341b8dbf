"""The README is the front door (short, with the commands CI runs); the saved-query table of docs/queries.md and the
README's examples must match what is shipped."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from dtkg.query import saved_queries

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
QUERIES_PAGE = (ROOT / "docs" / "queries.md").read_text(encoding="utf-8")
ENGINE_WORDS = re.compile(r"\b(Virtuoso|Oxigraph|rdflib|OPTIONAL|BOUND|planner|index|UNION)\b")


def saved_query_table() -> dict[str, str]:
    section = QUERIES_PAGE.split("## Saved queries", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^\| `([\w-]+)` \| (.+) \|$", section, re.MULTILINE))


def test_every_saved_query_is_in_the_queries_table_with_its_question():
    table = saved_query_table()
    names = {q.name for q in saved_queries()}
    assert names - set(table) == set(), "saved queries missing from the table of docs/queries.md"
    assert set(table) - names == set(), "rows of docs/queries.md for queries that do not exist"
    for name, question in table.items():
        assert question.rstrip().endswith("?") or "?" in question, (name, question)
        assert not ENGINE_WORDS.search(question), (name, question)


def test_every_file_the_readme_examples_name_exists():
    commands = re.findall(r"^\$ (dtkg .+)$", README, re.MULTILINE)
    assert any(c.startswith("dtkg import scdl") for c in commands)
    named = []
    for command in commands:
        for part in command.split("&&"):
            words = shlex.split(part)
            if words[:2] != ["dtkg", "import"]:
                continue
            for before, word in zip(words[2:], words[3:]):
                if not word.startswith("-") and before not in ("--data", "--report", "--template"):
                    named.append(word)
    assert named, "no file named in the README's import examples"
    missing = [n for n in named if not (ROOT / n).exists()]
    assert missing == []


def test_the_readme_is_short_and_keeps_the_two_commands():
    size = len(README.encode("utf-8"))
    assert size <= 8 * 1024, f"README.md is {size} bytes; move reference text into docs/"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = "python3 -m venv .venv && . .venv/bin/activate && pip install -e '.[test]' && python -m pytest"
    assert test_command in README and test_command in ci, "the README's test command is the one CI runs"
    assert "python3 -m venv .venv && . .venv/bin/activate && pip install . && dtkg build" in README
    for picture in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README):
        assert (ROOT / picture).is_file(), picture
    assert re.search(r"!\[[^\]]*\]\(docs/network\.png\)", README)


def test_every_link_of_the_readme_and_docs_leads_to_a_file():
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    broken = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if re.match(r"[a-z]+:", target):
                continue  # a web address
            if not (page.parent / target).exists():
                broken.append(f"{page.relative_to(ROOT)}: {target}")
    assert broken == []
