"""The ``dtkg`` command line: a thin shell over the library (each command calls one documented function)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import DtkgError, InputError, ValidationFailed

DATA_HELP = "Add a folder of RDF files (.ttl, .trig, .nt, .nq, .jsonld), read recursively. Repeatable."


def data_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options every command that reads the graph shares."""
    func = click.option("--no-seed", is_flag=True, help="Leave out the seed data shipped with dtkg.")(func)
    func = click.option("--data", "data_dirs", multiple=True, type=click.Path(path_type=Path),
                        metavar="DIR", help=DATA_HELP)(func)
    return func


def _echo_err(message: str) -> None:
    click.echo(message, err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="dtkg")
@click.option("--base", envvar="DTKG_BASE", metavar="IRI",
              help="Base IRI of the data's resources (default https://w3id.org/dtkg/id/; env DTKG_BASE).")
@click.pass_context
def cli(ctx: click.Context, base: str | None) -> None:
    """dtkg — the knowledge graph of the actors of the regional digital transition.

    Organisations, people and their roles, places, grants, strategies, calls for projects and events, as linked
    data with the source of every fact. Start with `dtkg build`, then `dtkg query --list`.
    """
    ctx.obj = {"base": base}


@cli.command()
@data_options
@click.option("--out", "out_dir", default="out", show_default=True, type=click.Path(path_type=Path),
              help="Folder to write graph.ttl into.")
@click.pass_context
def build(ctx: click.Context, data_dirs: tuple[Path, ...], no_seed: bool, out_dir: Path) -> None:
    """Load the ontology and data, validate them with SHACL, write OUT/graph.ttl and print a summary.

    Nothing is written when a file is malformed (exit 2) or the data does not conform to the shapes (exit 1).
    """
    from .build import build as run_build
    from .summary import format_amount

    result = run_build(data_dirs, out_dir, seed=not no_seed, base=ctx.obj["base"])
    s = result.summary
    click.echo(f"Valid: {result.report.checked_triples} triples conform to the shapes.")
    for path in result.outputs:
        click.echo(f"Wrote {path}")
    click.echo("")
    rows = [["triples", str(s.triples)], ["organisations", str(s.organisations)], ["people", str(s.people)],
            ["places", str(s.places)], ["grants", str(s.grants)]]
    for f in s.funders:
        rows.append([f"granted by {f.label}", f"{format_amount(f.total, f.currency)} ({f.grants} grant"
                     f"{'s' if f.grants != 1 else ''})"])
    from .query import render_table

    click.echo(render_table(["in the graph", "count"], rows).rstrip("\n").rsplit("\n", 1)[0])


@cli.command()
@data_options
@click.pass_context
def validate(ctx: click.Context, data_dirs: tuple[Path, ...], no_seed: bool) -> None:
    """Check the data against the SHACL shapes, the sources' digests and every quote.

    Prints one line per problem (resource, property, message) and exits 1 when there is any.
    """
    from .load import iter_folders, load_dataset
    from .validate import validate as run_validate

    ds = load_dataset(data_dirs, seed=not no_seed, base=ctx.obj["base"])
    folders = [folder for folder, _ in iter_folders(data_dirs, not no_seed)]
    report = run_validate(ds, source_dirs=folders)
    if report.conforms:
        click.echo(f"Valid: {report.checked_triples} triples conform to the shapes; sources and quotes check out.")
        return
    for line in report.lines():
        click.echo(line)
    raise ValidationFailed(report, printed=True)


@cli.command()
@click.argument("q", required=False, metavar="QUERY")
@data_options
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table",
              show_default=True, help="Result format for SELECT/ASK (json is SPARQL 1.1 Query Results JSON). "
              "CONSTRUCT and DESCRIBE always print Turtle.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help='Bind ?NAME to VALUE: <iri>, "text"@fr, "6421"^^xsd:decimal, or plain text. Repeatable.')
@click.option("--list", "list_saved", is_flag=True, help="List the saved queries with their questions.")
@click.pass_context
def query(ctx: click.Context, q: str | None, data_dirs: tuple[Path, ...], no_seed: bool, fmt: str,
          params: tuple[str, ...], list_saved: bool) -> None:
    """Run QUERY: a SPARQL string, a .rq file, or the name of a saved query (see --list).

    \b
    Examples:
      dtkg query --list
      dtkg query funding-by-place
      dtkg query quote-behind-fact --param fact=grant:region-cud-fonctionnement-2019-2021
      dtkg query 'SELECT ?o WHERE { ?o a <http://www.w3.org/ns/org#Organization> }' --format csv
    """
    from .load import load_dataset
    from .query import format_result, parse_param, render_table, resolve_query, run_query, saved_queries

    if list_saved:
        rows = [[s.name, s.question + (f"  [--param {', '.join(s.params)}]" if s.params else "")]
                for s in saved_queries()]
        click.echo(render_table(["name", "question"], rows), nl=False)
        return
    if not q:
        raise InputError("give a QUERY (a SPARQL string, a .rq file or a saved query name), or --list")
    text = resolve_query(q)
    bindings = dict(parse_param(p) for p in params)
    ds = load_dataset(data_dirs, seed=not no_seed, base=ctx.obj["base"])
    result = run_query(ds, text, bindings)
    click.echo(format_result(result, fmt, ds), nl=False)


@cli.command()
@data_options
@click.option("--format", "fmt", type=click.Choice(["turtle", "nt", "nquads", "trig", "jsonld", "xml"]),
              default=None, help="Output format (default: from the file ending of -o, else turtle).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="File to write (atomically); default: standard output.")
@click.pass_context
def export(ctx: click.Context, data_dirs: tuple[Path, ...], no_seed: bool, fmt: str | None,
           output: Path | None) -> None:
    """Export the graph. Turtle, N-Triples, N-Quads and TriG are deterministic (same input, same bytes);
    TriG and N-Quads keep one named graph per data file."""
    from .export import FORMATS, export as write_export, serialize
    from .load import load_dataset

    ds = load_dataset(data_dirs, seed=not no_seed, base=ctx.obj["base"])
    if output is None:
        sys.stdout.buffer.write(serialize(ds, fmt or "turtle"))
        return
    if fmt is None:
        fmt = {suffix: name for name, suffix in FORMATS.items()}.get(output.suffix, "turtle")
    write_export(ds, output, fmt)
    click.echo(f"Wrote {output}", err=True)


def main(argv: list[str] | None = None) -> None:
    """Entry point: runs the command line and turns dtkg errors into a message and an exit code, no traceback."""
    try:
        code = cli.main(args=argv, prog_name="dtkg", standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except click.exceptions.Abort:
        _echo_err("Aborted.")
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2)
    except ValidationFailed as exc:
        report = exc.report
        if not exc.printed:
            for line in report.lines():
                _echo_err(line)
        _echo_err(f"error: {exc}")
        sys.exit(exc.exit_code)
    except DtkgError as exc:
        _echo_err(f"error: {exc}")
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(0)
