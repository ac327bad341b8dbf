"""Write docs/cli.md, the reference of every `dtkg` command and option, from their `--help`.

    python scripts/cli_reference.py            # rewrite docs/cli.md
    python scripts/cli_reference.py --check    # exit 1 if docs/cli.md is not what the code says

The output depends only on the code: commands in alphabetical order, a fixed terminal width, no colours, so that the
same code always gives the same bytes and a test can compare the committed file with a fresh one.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "docs" / "cli.md"
WIDTH = 100  # click leaves 2 columns free: help is wrapped at 98

HEADER = """# Command-line reference

Generated from the `--help` of every command by `python scripts/cli_reference.py`; do not edit by hand. The commands
at a glance, the options they share, safety and exit codes are in [commands.md](commands.md).
"""


def walk(command: click.Command, path: tuple[str, ...]) -> list[tuple[tuple[str, ...], click.Command]]:
    """Every command of the tree under ``command``, the command itself first, sub-commands by name."""
    found = [(path, command)]
    if isinstance(command, click.Group):
        ctx = click.Context(command, info_name=path[-1])
        for name in sorted(command.list_commands(ctx)):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                found += walk(sub, path + (name,))
    return found


def help_text(root: click.Command, path: tuple[str, ...]) -> str:
    """The `--help` of the command at ``path``, as `dtkg ... --help` prints it on a terminal of ``WIDTH`` columns or more:
    each context made with its command's own settings (``-h``, content width), as click makes them."""
    ctx = click.Context(root, info_name=path[0], terminal_width=WIDTH - 2, **root.context_settings)
    command = root
    for name in path[1:]:
        command = command.get_command(ctx, name)  # type: ignore[attr-defined]
        ctx = click.Context(command, info_name=name, parent=ctx, **command.context_settings)
    return command.get_help(ctx).rstrip() + "\n"


def reference() -> str:
    """The text of docs/cli.md."""
    os.environ.setdefault("NO_COLOR", "1")
    from dtkg.cli import cli

    parts = [HEADER]
    commands = walk(cli, ("dtkg",))
    parts.append("\n".join(f"- [`{' '.join(p)}`](#{'-'.join(p)})" for p, _ in commands) + "\n")
    for path, command in commands:
        parts.append(f'<a id="{"-".join(path)}"></a>\n\n## `{" ".join(path)}`\n\n```text\n{help_text(cli, path)}```\n')
    return "\n".join(parts)


def main(argv: list[str]) -> int:
    text = reference()
    if "--check" in argv:
        if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text:
            print(f"{TARGET.relative_to(ROOT)} is out of date: run python scripts/cli_reference.py", file=sys.stderr)
            return 1
        return 0
    tmp = TARGET.with_suffix(".md.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(TARGET)
    print(f"Wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
