"""The ``dtkg`` command line: a thin shell over the library (each command calls one documented function)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import __version__, formats
from .errors import DtkgError, InputError, ValidationFailed

DATA_HELP = "Add a folder of RDF files (.ttl, .trig, .nt, .nq, .jsonld), read recursively. Repeatable."


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    ctx.ensure_object(dict)[param.name] = value
    return value


def data_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options every command that reads the graph shares (see :func:`open_dataset`)."""
    func = click.option("--engine", type=click.Choice(formats.ENGINES), default="oxigraph", show_default=True,
                        expose_value=False, callback=_remember, is_eager=True,
                        help="In-memory engine: Oxigraph (fast) or rdflib's pure-Python store.")(func)
    func = click.option("--store", type=click.Path(path_type=Path), default=None, metavar="DIR",
                        expose_value=False, callback=_remember, is_eager=True,
                        help="Use the persistent Oxigraph store in DIR (built from the data if it does not exist; "
                             "`dtkg build --store DIR` rebuilds it).")(func)
    func = click.option("--territory", type=click.Choice(formats.TERRITORY_MODES), default="linked",
                        show_default=True, expose_value=False, callback=_remember, is_eager=True,
                        help="Territorial reference to include: the régions the data is in (linked), all of France "
                             "(full) or none.")(func)
    func = click.option("--no-seed", is_flag=True, help="Leave out the seed data shipped with dtkg.")(func)
    func = click.option("--data", "data_dirs", multiple=True, type=click.Path(path_type=Path),
                        metavar="DIR", help=DATA_HELP)(func)
    return func


def open_dataset(ctx: click.Context, data_dirs: tuple[Path, ...], no_seed: bool):
    """The dataset a command works on: the persistent store of ``--store`` (built first if missing), or the data
    folders loaded into the chosen in-memory engine."""
    from .load import is_store, load_dataset, open_store

    store = ctx.obj.get("store")
    if store is not None and is_store(store):
        return open_store(store, read_only=True)
    return load_dataset(data_dirs, seed=not no_seed, base=ctx.obj["base"], engine=ctx.obj.get("engine", "oxigraph"),
                        store=store, progress=True, territory=ctx.obj.get("territory", "linked"))


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


def _valid_line(triples: int) -> str:
    """What `build` and `validate` say of valid data, in the same words and with the same count: the distinct
    triples of the ontology, the seed data and the data folders together (the summary's count)."""
    return (f"Valid: {triples} triples (ontology, seed and data folders; each counted once) conform to the shapes; "
            f"sources and quotes check out.")


@cli.command()
@data_options
@click.option("--out", "out_dir", default="out", show_default=True, type=click.Path(path_type=Path),
              help="Folder to write graph.ttl and the network views into.")
@click.option("--no-views", is_flag=True, help="Skip the network views (for very large graphs).")
@click.pass_context
def build(ctx: click.Context, data_dirs: tuple[Path, ...], no_seed: bool, out_dir: Path, no_views: bool) -> None:
    """Load the ontology and data, validate them with SHACL, write OUT/graph.ttl and the network views
    OUT/network.html and OUT/network-full.html, and print a summary.

    Nothing is written when a file is malformed (exit 2) or the data does not conform to the shapes (exit 1).
    With --store DIR the persistent store is rebuilt too, replaced only when the build succeeds.
    """
    from .pipeline import build as run_build
    from .summary import format_amount

    result = run_build(data_dirs, out_dir, seed=not no_seed, base=ctx.obj["base"], store=ctx.obj.get("store"),
                       engine=ctx.obj.get("engine", "oxigraph"), views=not no_views, progress=True,
                       territory=ctx.obj.get("territory", "linked"))
    s = result.summary
    click.echo(_valid_line(s.triples))
    if ctx.obj.get("store") is not None:
        click.echo(f"Wrote the store {ctx.obj['store']} ({s.triples} triples; query it with --store)")
    for path in result.outputs:
        click.echo(f"Wrote {path}")
    click.echo("")
    rows = [["triples", str(s.triples)], ["organisations", str(s.organisations)], ["people", str(s.people)],
            ["places", str(s.places)], ["grants", str(s.grants)]]
    if s.territory_triples:
        rows.insert(1, ["  of which territorial reference", str(s.territory_triples)])
        rows.append(["communes (territorial reference)", str(s.communes)])
    for f in s.funders:
        rows.append([f"granted by {f.label}", f"{format_amount(f.total, f.currency)} ({f.grants} grant"
                     f"{'s' if f.grants != 1 else ''})"])
    from .results import render_table

    click.echo(render_table(["in the graph", "count"], rows).rstrip("\n").rsplit("\n", 1)[0])


@cli.command()
@data_options
@click.option("--shacl-engine", "validation_engine", type=click.Choice(formats.VALIDATION_ENGINES),
              default="shacl", show_default=True,
              help="shacl: the engine of `dtkg shacl` (complete SHACL Core, fast); sparql: dtkg's shapes compiled to "
                   "SPARQL on Oxigraph; pyshacl: the reference implementation, for small graphs.")
@click.pass_context
def validate(ctx: click.Context, data_dirs: tuple[Path, ...], no_seed: bool, validation_engine: str) -> None:
    """Check the data against the SHACL shapes, the sources' digests and every quote.

    Prints one line per problem (resource, property, message) and exits 1 when there is any.
    """
    from .load import iter_folders
    from .validation import validate as run_validate

    ds = open_dataset(ctx, data_dirs, no_seed)
    folders = [folder for folder, _ in iter_folders(data_dirs, not no_seed)]
    report = run_validate(ds, source_dirs=folders, engine=validation_engine)
    if report.conforms:
        from .summary import count_triples

        click.echo(_valid_line(count_triples(ds)))
        return
    for line in report.lines():
        click.echo(line)
    raise ValidationFailed(report, printed=True)


@cli.command()
@click.argument("q", required=False, metavar="QUERY")
@data_options
@click.option("--format", "fmt", type=click.Choice(formats.TABLE_FORMATS), default="table",
              show_default=True, help="Result format for SELECT/ASK (json is SPARQL 1.1 Query Results JSON). "
              "CONSTRUCT and DESCRIBE always print Turtle.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help='Bind ?NAME to VALUE: <iri>, prefix:name, "text"@fr, "6421"^^xsd:decimal, or a name (label, '
              'acronym, SIREN, RNA, INSEE code) that is looked up in the graph. Repeatable.')
@click.option("--list", "list_saved", is_flag=True, help="List the saved queries with their questions.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True, metavar="SECONDS",
              help="Stop a query that runs longer than this.")
@click.option("--endpoint", metavar="URL", default=None,
              help="Query this SPARQL endpoint instead of the local data (e.g. http://127.0.0.1:7878/query).")
@click.option("--user", default=None, help="User name for --endpoint (HTTP Basic or Digest).")
@click.option("--password", default=None, help="Password for --user (or leave it out and type it when asked).")
@click.option("--token", default=None, help="Bearer token for --endpoint (default: $DTKG_ENDPOINT_TOKEN).")
@click.pass_context
def query(ctx: click.Context, q: str | None, data_dirs: tuple[Path, ...], no_seed: bool, fmt: str,
          params: tuple[str, ...], list_saved: bool, timeout: float, endpoint: str | None, user: str | None,
          password: str | None, token: str | None) -> None:
    """Run QUERY: a SPARQL string, a .rq file, or the name of a saved query (see --list).

    \b
    Examples:
      dtkg query --list
      dtkg query funding-by-place
      dtkg query quote-behind-fact --param fact=grant:region-cud-fonctionnement-2019-2021
      dtkg query funding-paths --param funder="Région Hauts-de-France"
      dtkg query 'SELECT ?o WHERE { ?o a <http://www.w3.org/ns/org#Organization> }' --format csv
    """
    from .query import parse_param, resolve_query, run_query, saved_queries
    from .results import format_result, render_table

    if list_saved:
        rows = [[s.name, s.question + (f"  [--param {', '.join(s.params)}]" if s.params else "")]
                for s in saved_queries()]
        click.echo(render_table(["name", "question"], rows), nl=False)
        return
    if not q:
        raise InputError("give a QUERY (a SPARQL string, a .rq file or a saved query name), or --list")
    text = resolve_query(q)
    bindings = dict(parse_param(p) for p in params)
    if endpoint is not None:
        from .load import new_dataset
        from .remote import Credentials, query_endpoint

        if user is not None and password is None:
            password = click.prompt(f"Password for {user}", hide_input=True, default="", show_default=False)
        result = query_endpoint(endpoint, text, bindings, credentials=Credentials.from_options(user, password, token),
                                timeout=timeout)
        from .results import normalise_booleans

        result = normalise_booleans(result, text)  # Virtuoso writes EXISTS as 1/0
        click.echo(format_result(result, fmt, new_dataset(engine="memory")), nl=False)
        if getattr(result, "truncated", None):
            click.echo(f"warning: incomplete result: {result.truncated}", err=True)
        return
    ds = open_dataset(ctx, data_dirs, no_seed)
    if params:
        from .params import resolve_params

        resolved = resolve_params(ds, params, text)
        for line in resolved.notes:
            _echo_err(f"note: {line}")
        for line in resolved.warnings:
            _echo_err(f"warning: {line}")
        bindings = resolved.bindings
    result = run_query(ds, text, bindings, timeout=timeout)
    click.echo(format_result(result, fmt, ds), nl=False)
    if result.type == "SELECT" and not result.bindings or result.type in ("CONSTRUCT", "DESCRIBE") and not len(result):
        from .namespace_check import namespace_warnings

        for line in namespace_warnings(ds, text):  # only when nothing was found: the check reads every predicate
            _echo_err(f"warning: {line}")


@cli.command()
@data_options
@click.option("--format", "fmt",
              type=click.Choice(formats.EXPORT_FORMATS),
              default=None, help="Output format (default: from the file ending of -o, else turtle). graphml and "
              "gexf write the actors network with its centralities and communities, for Gephi.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="File to write (atomically); default: standard output.")
@click.pass_context
def export(ctx: click.Context, data_dirs: tuple[Path, ...], no_seed: bool, fmt: str | None,
           output: Path | None) -> None:
    """Export the graph. Turtle, N-Triples, N-Quads and TriG are deterministic (same input, same bytes);
    TriG and N-Quads keep one named graph per data file."""
    from .writers import FORMATS, export as write_export, serialize

    ds = open_dataset(ctx, data_dirs, no_seed)
    if fmt is None and output is not None and output.suffix in (".graphml", ".gexf"):
        fmt = output.suffix[1:]
    if fmt in ("graphml", "gexf"):
        from .analysis import export_network

        written = export_network(ds, output, fmt)
        if output is None:
            sys.stdout.buffer.write(written)  # type: ignore[arg-type]
        else:
            click.echo(f"Wrote {output}", err=True)
        return
    if output is None:
        sys.stdout.buffer.write(serialize(ds, fmt or "turtle"))
        return
    if fmt is None:
        fmt = {suffix: name for name, suffix in FORMATS.items()}.get(output.suffix, "turtle")
    write_export(ds, output, fmt)
    click.echo(f"Wrote {output}", err=True)


@cli.command()
@data_options
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (the default serves this machine only).")
@click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--timeout", type=click.FloatRange(min=1), default=60.0, show_default=True, metavar="SECONDS",
              help="Longest time a query may run; its process is then stopped.")
@click.option("--max-rows", type=click.IntRange(min=1), default=10_000, show_default=True,
              help="Most rows (or triples) in one result; longer results are cut and say so.")
@click.option("--max-bytes", type=click.IntRange(min=1024), default=16 << 20, show_default=True,
              help="Most bytes in one result; longer results are cut and say so.")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Queries run at once, each in its own process.")
@click.option("--max-connections", type=click.IntRange(1, 1024), default=32, show_default=True,
              help="Open connections served at once (one thread each); more are answered 503.")
@click.option("--idle-timeout", type=click.FloatRange(min=0.1), default=15.0, show_default=True, metavar="SECONDS",
              help="Close a connection that sends nothing for this long.")
@click.option("--site", "site_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Serve this site (written by `dtkg site`) at / instead of writing one at start.")
@click.option("--no-site", is_flag=True, help="Serve no site: / says what the endpoint is.")
@click.option("--site-network-views", type=click.IntRange(min=0), default=50, show_default=True,
              help="Network views in the site written at start (the most linked actors).")
@click.pass_context
def serve(ctx: click.Context, data_dirs: tuple[Path, ...], no_seed: bool, host: str, port: int,
          timeout: float, max_rows: int, max_bytes: int, workers: int, max_connections: int,
          idle_timeout: float, site_dir: Path | None, no_site: bool, site_network_views: int) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint, with its web site and a query editor, until Ctrl-C
    (or SIGTERM).

    Uses the persistent store of --store (default out/store), building it from the data first when it does not
    exist. Queries go to http://HOST:PORT/query (or /sparql); updates, LOAD and SERVICE are refused, and so are
    queries nested too deeply. See docs/security.md. The site of the graph (as `dtkg site` writes it) is written
    into a temporary folder at start and served at /, and the SPARQL editor, preloaded with the saved queries, at
    /requetes.html; see docs/site.md.
    """
    from .load import is_store, load_dataset
    from .server import Limits, serve as run_serve

    store = ctx.obj.get("store") or Path("out/store")
    if not is_store(store):
        click.echo(f"Building the store {store} …", err=True)
        load_dataset(data_dirs, seed=not no_seed, base=ctx.obj["base"], store=store, progress=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: listening on {host}: other machines can query this endpoint", err=True)

    def ready(url: str) -> None:
        click.echo(f"SPARQL endpoint (read-only): {url}")
        if not no_site:
            click.echo(f"Site: {url.rsplit('/', 1)[0]}/   SPARQL editor: {url.rsplit('/', 1)[0]}/requetes.html")
        click.echo("Press Ctrl-C to stop.", err=True)

    limits = Limits(timeout=timeout, max_rows=max_rows, max_bytes=max_bytes, workers=workers,
                    max_connections=max_connections, idle_timeout=idle_timeout)
    if site_dir is not None and no_site:
        raise click.UsageError("give --site DIR or --no-site, not both")
    if site_dir is None and not no_site:
        click.echo("Writing the site …", err=True)
    run_serve(store, host=host, port=port, timeout=timeout, limits=limits, on_ready=ready, site=site_dir,
              build_site=not no_site, site_network_views=site_network_views)
    click.echo("Stopped.", err=True)


@cli.command()
@data_options
@click.option("--endpoint", required=True, metavar="URL",
              help="Graph Store Protocol endpoint, e.g. http://127.0.0.1:7878/store (Oxigraph), "
                   "http://host:3030/ds/data (Fuseki), http://host:8890/sparql-graph-crud-auth (Virtuoso).")
@click.option("--graph", "graph_iri", default=None, metavar="IRI",
              help="Named graph to replace (default: <BASE>graph/dtkg); '-' for the default graph.")
@click.option("--user", default=None, help="User name (HTTP Basic or Digest, as the server asks).")
@click.option("--password", default=None, help="Password for --user (or leave it out and type it when asked).")
@click.option("--token", default=None, help="Bearer token (default: $DTKG_ENDPOINT_TOKEN).")
@click.option("--timeout", type=click.FloatRange(min=1), default=600.0, show_default=True, metavar="SECONDS",
              help="Longest time to wait for the endpoint.")
@click.pass_context
def push(ctx: click.Context, data_dirs: tuple[Path, ...], no_seed: bool, endpoint: str, graph_iri: str | None,
         user: str | None, password: str | None, token: str | None, timeout: float) -> None:
    """Send the graph to a triple store, replacing one named graph (pushing twice gives the same content)."""
    from .load import configured_base
    from .remote import Credentials, push as run_push, redact

    if user is not None and password is None:
        password = click.prompt(f"Password for {user}", hide_input=True, default="", show_default=False)
    ds = open_dataset(ctx, data_dirs, no_seed)
    target = None if graph_iri == "-" else graph_iri or f"{configured_base(ctx.obj['base'])}graph/dtkg"
    count = run_push(ds, endpoint, target, credentials=Credentials.from_options(user, password, token),
                     timeout=timeout, progress=True)
    click.echo(f"Pushed {count} triples to {redact(endpoint)} ({'default graph' if target is None else 'graph <' + target + '>'}).")


@cli.command()
@data_options
@click.option("--projection", type=click.Choice(formats.PROJECTIONS), default=None,
              help="actors (default): organisations, people, places... with grants and roles as links; full: every "
                   "resource as stored (grants, memberships, amounts are nodes). A --query result is full by default.")
@click.option("--focus", metavar="LABEL_OR_IRI", default=None,
              help="Show only the neighbourhood of this node: its IRI, prefix:name or label; part of a label is "
                   "enough when it names one node (case, accents and apostrophes do not matter).")
@click.option("--depth", type=click.IntRange(min=0), default=None, metavar="N",
              help="With --focus: how many links away from the node to go (default 1).")
@click.option("--query", "query_file", metavar="FILE.rq", default=None,
              help="Draw the result of this SPARQL CONSTRUCT query (a .rq file or a saved query name) instead.")
@click.option("--size-by", type=click.Choice(formats.SIZE_MEASURES), default="betweenness",
              show_default=True, help="What node sizes show: a centrality, or the money (EUR) received or given.")
@click.option("--title", default=None, help="Title of the page (default: says what the view shows).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=Path("network.html"),
              show_default=True, help="File to write (atomically): .html (interactive page), .graphml or .gexf.")
@click.pass_context
def view(ctx: click.Context, data_dirs: tuple[Path, ...], no_seed: bool, projection: str | None, focus: str | None,
         depth: int | None, query_file: str | None, size_by: str, title: str | None, output: Path) -> None:
    """Draw the network of the graph as one self-contained HTML page (works offline), or write it for Gephi.

    The page has a legend, a search box, filters by type, and a panel with the facts, links and source quotes of
    the selected node or link.

    \b
    Examples:
      dtkg view -o network.html
      dtkg view --projection full -o network-full.html
      dtkg view --focus "L'ATELIER" --depth 2 -o atelier.html
      dtkg view --query my-construct.rq -o result.html
      dtkg view --size-by received -o network.gexf
    """
    from .views import view as run_view

    ds = open_dataset(ctx, data_dirs, no_seed)
    result = run_view(ds, output, projection=projection, focus=focus, depth=depth, query=query_file,
                      size_by=size_by, title=title)
    click.echo(f"Wrote {result.path} ({result.nodes} nodes, {result.edges} links)")


@cli.group(name="import")
def import_group() -> None:
    """Import open data into a data folder: SCDL grants, places of digital mediation, filled-in tables.

    Each import reads a CSV file as it comes (UTF-8 with or without BOM, or Windows-1252; `,` `;` or tab),
    checks every row, reconciles organisations (SIREN/RNA) and communes (INSEE code) with the seed data and the
    data folder, and writes DIR/imports/<kind>-<name>.ttl with a copy of the source in DIR/imports/sources/.
    Run `dtkg build --data DIR` (or `dtkg validate --data DIR`) afterwards.
    """


def _import_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by the importers."""
    func = click.option("--report", "report_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
                        metavar="FILE", help="Also write the report (CSV: file, row, column, value, severity, "
                        "reason) to FILE, even when nothing is imported.")(func)
    func = click.option("--dry-run", is_flag=True,
                        help="Check and convert the file, print the report, write nothing in the data folder.")(func)
    func = click.option("--skip-invalid", is_flag=True,
                        help="Import the valid rows and write the report next to the import, instead of "
                        "importing nothing when a row is invalid.")(func)
    func = click.option("--data", "data_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("data"),
                        show_default=True, metavar="DIR",
                        help="Data folder to write into (created if missing); its RDF files and the seed data "
                        "are read to reconcile organisations and communes.")(func)
    return func


def _strict_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--strict", is_flag=True,
                        help="Treat fields that the published schema requires but the graph can do without "
                        "(e.g. nature, date_maj) as errors when empty, instead of warnings.")(func)


_REPORT_LINES_SHOWN = 50


def _print_import(result: Any) -> None:
    """Summary on stdout; report lines (first ones) and where the files went."""
    lines = result.report.lines()
    for line in lines[:_REPORT_LINES_SHOWN]:
        _echo_err(line)
    if len(lines) > _REPORT_LINES_SHOWN:
        where = result.report_file or "the report (use --report FILE)"
        _echo_err(f"… {len(lines) - _REPORT_LINES_SHOWN} more line(s) in {where}")
    click.echo(result.summary())
    if result.dry_run:
        click.echo(f"Dry run: nothing written (the import would go to {result.output}).")
        return
    for path in result.written:
        click.echo(f"Wrote {path}")
    if result.report_file is not None and result.report_file not in result.written:
        click.echo(f"Wrote {result.report_file}")


def _run_import(func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    from .importers import InvalidRows

    try:
        result = func(*args, **kwargs)
    except InvalidRows as exc:
        lines = exc.report.lines()
        for line in lines[:_REPORT_LINES_SHOWN]:
            _echo_err(line)
        if len(lines) > _REPORT_LINES_SHOWN:
            _echo_err(f"… {len(lines) - _REPORT_LINES_SHOWN} more line(s); use --report FILE to get them all")
        if kwargs.get("report_path"):
            _echo_err(f"Wrote the report to {kwargs['report_path']}")
        raise
    _print_import(result)


def _add_import_command(fmt: Any) -> None:
    """``dtkg import <kind>`` for one format of the registry (:mod:`dtkg.importers.registry`): its argument (a CSV
    file or a folder), the shared options, and the options the format takes."""

    def command(path: Path | None, data_dir: Path, skip_invalid: bool, dry_run: bool, report_path: Path | None,
                strict: bool = False, template_dir: Path | None = None, lang: str = "fr") -> None:
        if fmt.templates and template_dir is not None:
            from .importers import write_templates

            for written in write_templates(template_dir, lang=lang):
                click.echo(f"Wrote {written}")
            return
        if path is None:
            raise InputError("give the folder of tables to import (DIR), or --template OUTDIR to write the templates")
        options: dict[str, Any] = {"skip_invalid": skip_invalid, "dry_run": dry_run}
        if fmt.strict:
            options["strict"] = strict
        options["report_path"] = report_path
        if fmt.progress:
            options["progress"] = True
        _run_import(fmt.importer(), path, data_dir, **options)

    command.__doc__ = fmt.help
    command.__name__ = f"import_{fmt.kind}_command"
    if fmt.templates:
        command = click.option("--lang", type=click.Choice(formats.LANGUAGES), default="fr", show_default=True,
                               help="Language of the column names of the templates written by --template.")(command)
        command = click.option("--template", "template_dir", type=click.Path(path_type=Path, file_okay=False),
                               default=None, metavar="OUTDIR",
                               help="Write the empty templates into OUTDIR (which must not hold them yet) and "
                               "stop.")(command)
    if fmt.strict:
        command = _strict_option(command)
    command = _import_options(command)
    if fmt.reads_folder:
        command = click.argument("path", type=click.Path(path_type=Path, file_okay=False), metavar="DIR",
                                 required=not fmt.templates)(command)
    else:
        command = click.argument("path", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE.csv")(command)
    import_group.command(name=fmt.kind)(command)


def _add_import_commands() -> None:
    from .importers.registry import FORMATS

    for fmt in FORMATS.values():
        _add_import_command(fmt)


_add_import_commands()


@cli.group(name="reconcile")
def reconcile_group() -> None:
    """Find the same facts told by different sources and record them as one."""


@reconcile_group.command(name="grants")
@click.option("--data", "data_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("data"),
              show_default=True, metavar="DIR",
              help="Data folder to read (with the seed data) and to record the accepted pairs in.")
@click.option("--accept", metavar="auto|FILE.csv", default=None,
              help="Record pairs as data: 'auto' records the unambiguous ones; FILE.csv (a review file) records "
                   "the rows whose decision column says oui. Without it, pairs are only proposed.")
@click.option("--review", "review_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              metavar="FILE.csv", help="Where to write the review file  [default: DIR/reconciliations/grants-review.csv]")
@click.option("--no-seed", is_flag=True, help="Leave out the shipped seed data.")
def reconcile_grants_command(data_dir: Path, accept: str | None, review_path: Path | None, no_seed: bool) -> None:
    """Match announced grants (press, tables) with published ones (SCDL open data) that are the same decision.

    Pairs are looked for among grants of the same funder and beneficiary organisation (same SIREN or RNA), with
    the same amount (or a share and its whole) and compatible dates, periods and kinds; each has a score and its
    evidence in the review file. A recorded pair counts once in every total and keeps both sources.

    \b
    Examples:
      dtkg reconcile grants --data data                      # propose: write the review file
      dtkg reconcile grants --data data --accept auto        # record the unambiguous pairs
      dtkg reconcile grants --data data --accept reviewed.csv
    """
    from .reconcile_grants import reconcile_grants

    result = reconcile_grants(data_dir, accept=accept, review_path=review_path, seed=not no_seed)
    for c in result.candidates:
        click.echo(f"{c.status:9} {c.score}  {c.announced.label}  =  {c.published.label}")
    click.echo(result.summary())
    for path in result.written:
        click.echo(f"Wrote {path}")


@cli.command(name="extract")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False),
                metavar="FILE.txt [FILE.txt ...]")
@click.option("-o", "--output", type=click.Path(path_type=Path, file_okay=False), required=True, metavar="DIR",
              help="Folder of the drafts: one sub-folder per text, ready for `dtkg import table`.")
@click.option("--data", "data_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("data"),
              show_default=True, help="Data folder whose resources mentions are linked to (with the seed data).")
@click.option("--date", "date_text", default=None, metavar="YYYY-MM-DD",
              help="Date of the text (its dates without a year are checked against it).")
@click.option("--title", default=None, help="Title of the source (default: the first line of the text).")
@click.option("--force", is_flag=True, help="Overwrite a draft folder that already exists.")
def extract_command(files: tuple[Path, ...], output: Path, data_dir: Path, date_text: str | None,
                    title: str | None, force: bool) -> None:
    """Draft the import tables of press texts: organisations, people and roles, places, grants.

    Each text gets a folder DIR/<id>/ with the tables of `dtkg import table` (every row with its source and the
    exact words it was read from), a copy of the text and review.html, the text with every extracted span
    highlighted and linked to its row. Check the draft, edit the CSV files, then import the folder.

    \b
    Example:
      dtkg extract communique.txt -o brouillons --date 2024-03-01
      dtkg import table brouillons/communique --dry-run
    """
    import datetime as _dt

    from .extract import extract_files

    date = None
    if date_text:
        try:
            date = _dt.date.fromisoformat(date_text)
        except ValueError:
            raise InputError(f"--date {date_text!r}: expected a date YYYY-MM-DD") from None
    data = data_dir if data_dir.is_dir() or data_dir != Path("data") else None
    result = extract_files(list(files), output, data_dir=data, date=date, title=title, force=force)
    for draft in result.drafts:
        counts = draft.counts()
        click.echo(f"{draft.text_path} -> {draft.folder}/: {counts['organisations']} organisation(s), "
                   f"{counts['people']} person(s), {counts['roles']} role(s), {counts['places']} place(s), "
                   f"{counts['grants']} grant(s); review {draft.folder / 'review.html'}")
        if not any(counts[k] for k in ("organisations", "people", "places", "grants")):
            click.echo(f"  no actor found in {draft.text_path}: the draft holds only the source", err=True)


@cli.command()
@data_options
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("site"),
              show_default=True, help="Folder to write the site to (replaced atomically; must be new, empty or an "
                                      "earlier dtkg site).")
@click.option("--network-views", type=click.IntRange(min=0), default=300, show_default=True, metavar="N",
              help="How many actors (the most linked first) get an interactive network view focused on them.")
@click.pass_context
def site(ctx: click.Context, data_dirs: tuple[Path, ...], no_seed: bool, out_dir: Path, network_views: int) -> None:
    """Write a static web site of the graph that works offline: search, a page per actor, lists, money flows.

    \b
    Examples:
      dtkg site -o site && chromium site/index.html
      dtkg site --data my-data -o site --network-views 50
    """
    from .site import write_site

    ds = open_dataset(ctx, data_dirs, no_seed)
    result = write_site(ds, out_dir, network_views=network_views)
    click.echo(f"Wrote {result.path}/index.html ({result.total_pages} pages, {result.network_views} network views, "
               f"largest page {result.largest_page / 1e6:.2f} MB)")


@cli.command("shacl")
@click.argument("data", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--shapes", "shapes", multiple=True, type=click.Path(path_type=Path), metavar="SHAPES.ttl",
              help="A shapes file (repeatable). Default: the shapes held in the data files themselves.")
@click.option("--format", "fmt", type=click.Choice(formats.REPORT_FORMATS), default="text", show_default=True,
              help="text: one line per result; turtle: a standard sh:ValidationReport; json: the results as JSON.")
@click.pass_context
def shacl_command(ctx: click.Context, data: tuple[Path, ...], shapes: tuple[Path, ...], fmt: str) -> None:
    """Validate RDF files against SHACL shapes (SHACL Core and SHACL-SPARQL constraints).

    Exits 0 when the data conforms, 1 when there are results, 2 for bad input or a shape feature that is not
    supported (named, with its shape).
    """
    from .shacl_check import validate_files

    report = validate_files(data, shapes)
    out = {"turtle": report.turtle, "json": report.as_json, "text": report.text}[fmt]()
    click.echo(out, nl=False)
    if not report.conforms:
        ctx.exit(1)


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
    except OSError as exc:  # a read-only file system, a full disk, a folder without permission: one line, exit 2
        where = f"{exc.filename}: " if exc.filename else ""
        _echo_err(f"error: cannot read or write {where}{exc.strerror or exc}")
        sys.exit(2)
    except RecursionError:
        _echo_err("error: the input is nested too deeply to be read")
        sys.exit(2)
    except Exception as exc:  # never a traceback: one line, and the way to see more
        if os.environ.get("DTKG_DEBUG"):
            raise
        _echo_err(f"error: unexpected {type(exc).__name__}: {_one_line(str(exc))} (set DTKG_DEBUG=1 to see where)")
        sys.exit(1)


def _one_line(text: str, limit: int = 300) -> str:
    """``text`` on one line, without control characters, cut to ``limit`` characters."""
    flat = "".join(ch if ch.isprintable() else " " for ch in text)
    flat = " ".join(flat.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
