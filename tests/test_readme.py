"""The README is the front door: its saved-query table and its examples must match what is shipped."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from dtkg.query import saved_queries

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
ENGINE_WORDS = re.compile(r"\b(Virtuoso|Oxigraph|rdflib|OPTIONAL|BOUND|planner|index|UNION)\b")


def saved_query_table() -> dict[str, str]:
    section = README.split("### Saved queries", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^\| `([\w-]+)` \| (.+) \|$", section, re.MULTILINE))


def test_every_saved_query_is_in_the_readme_table_with_its_question():
    table = saved_query_table()
    names = {q.name for q in saved_queries()}
    assert names - set(table) == set(), "saved queries missing from the README table"
    assert set(table) - names == set(), "README rows for queries that do not exist"
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
