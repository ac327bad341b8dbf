"""SPARQL: saved queries, safe parameter binding, and result formats (table, CSV, TSV, SPARQL JSON, Turtle).

Parameters are bound as RDF terms in a ``VALUES`` block written by an escaping term serialiser (see
:mod:`dtkg.sparql_text`): a label such as ``x" } ; DROP ALL ; #`` stays one string literal. Queries that would reach out of the machine
(``SERVICE``) or change data (updates, ``LOAD``) are refused before evaluation.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.query import Result
from rdflib.term import Node

from .errors import DtkgError, InputError
from .writers import to_turtle
from .labels import short_name
from .sparql_safety import check_safe
from .sparql_text import bind_values
from .resources import queries_dir

#: Result formats for SELECT and ASK queries. CONSTRUCT and DESCRIBE always give Turtle.
FORMATS = ("table", "csv", "tsv", "json")

_QUERY_FORM = re.compile(
    r"^(?:\s+|#[^\n]*(?:\n|$)|PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s*<[^>]*>)*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b",
    re.IGNORECASE)
_UPDATE_FORM = re.compile(
    r"^(?:\s+|#[^\n]*(?:\n|$)|PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s*<[^>]*>)*"
    r"(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE)
_PARAM = re.compile(r"^\??([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.DOTALL)


@dataclass(frozen=True)
class SavedQuery:
    """A competency question shipped in ``queries/``: its name, the question it answers, and its text."""

    name: str
    question: str
    text: str
    path: Path
    params: tuple[str, ...] = ()


def saved_queries(folder: Path | None = None) -> list[SavedQuery]:
    """Every saved query (``*.rq``), sorted by name; the question is the first comment block of each file."""
    folder = folder or queries_dir()
    out = []
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        question_lines = []
        params = []
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            body = line.lstrip("#").strip()
            if body.lower().startswith("param:") or body.lower().startswith("parameter:"):
                params.append(body.split(":", 1)[1].strip().split()[0].lstrip("?"))
            elif body and not params:
                question_lines.append(body)
        out.append(SavedQuery(path.stem, " ".join(question_lines), text, path, tuple(params)))
    return out


def resolve_query(q: str, folder: Path | None = None) -> str:
    """The SPARQL text that ``q`` names: a query string, a path to a ``.rq`` file, or a saved query's name."""
    candidate = Path(q)
    if q.endswith(".rq") or (len(q) < 4096 and "\n" not in q and candidate.suffix and candidate.is_file()):
        if not candidate.is_file():
            raise InputError("no such query file", path=candidate)
        return candidate.read_text(encoding="utf-8")
    if _QUERY_FORM.match(q) or _UPDATE_FORM.match(q):
        return q  # updates are returned so that check_query can refuse them with a clear message
    names = {s.name: s for s in saved_queries(folder)}
    if q in names:
        return names[q].text
    hint = ", ".join(sorted(names)) or "(none)"
    raise InputError(f"{q!r} is not a SPARQL query, a .rq file or a saved query; saved queries are: {hint}")


def parse_param(text: str, prefixes: Mapping[str, str] | None = None) -> tuple[str, Node]:
    """``name=value`` → (name, RDF term), see :func:`parse_term`. Values are never inserted into query text."""
    found = _PARAM.match(text)
    if not found:
        raise InputError(f"parameter {text!r} must look like name=value (e.g. label=\"L'ATELIER\")")
    name, value = found.group(1), found.group(2)
    return name, parse_term(value, prefixes)


def parse_term(value: str, prefixes: Mapping[str, str] | None = None) -> Node:
    """An RDF term from its command-line form.

    ``<iri>``, a bare ``http(s)://…`` IRI, or ``prefix:local`` with one of dtkg's prefixes (``grant:x``) is an IRI;
    ``"…"@fr`` and ``"…"^^xsd:type`` are literals in Turtle syntax; anything else is a plain string.
    """
    if prefixes is None:
        from .namespaces import PREFIXES, data_prefixes

        prefixes = {**PREFIXES, **data_prefixes()}
    if re.match(r"^https?://\S+$", value) and not re.search(r'[<>"{}|^`\\]', value):
        return URIRef(value)
    curie = re.match(r"^([A-Za-z][\w-]*):([\w.-]+)$", value)
    if curie and curie.group(1) in prefixes:
        return URIRef(prefixes[curie.group(1)] + curie.group(2))
    if value.startswith("<") and value.endswith(">"):
        iri = value[1:-1]
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]*$", iri):
            raise InputError(f"{value!r} is not a valid IRI")
        return URIRef(iri)
    typed = re.match(r'^"(.*)"(?:@([A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^(?:xsd:(\w+)|<([^>]+)>))?$', value, re.DOTALL)
    if typed:
        lexical, lang, xsd_local, datatype = typed.groups()
        if lang:
            return Literal(lexical, lang=lang)
        if xsd_local:
            return Literal(lexical, datatype=XSD[xsd_local])
        if datatype:
            return Literal(lexical, datatype=URIRef(datatype))
        return Literal(lexical)
    return Literal(value)


def check_query(text: str) -> None:
    """Refuse what a read-only, offline query must not do: updates, ``LOAD`` and ``SERVICE`` (an engine would open
    the URL with no time limit), and brackets nested deeper than :data:`~dtkg.sparql_safety.MAX_DEPTH` (a parser
    recurses on them). The query is read as the engine reads it, escapes included (see :mod:`dtkg.sparql_safety`)."""
    check_safe(text)


@contextmanager
def deep_recursion(limit: int = 20000) -> Iterator[None]:
    """Let rdflib's recursive-descent parser (the memory engine) reach :data:`~dtkg.sparql_safety.MAX_DEPTH` levels
    of nesting: it needs about 40 Python frames per level, past Python's default limit of 1000 at 25 levels."""
    import sys

    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


class QueryTimeout(DtkgError):
    """A query ran longer than its time limit."""

    exit_code = 3


def run_query(graph: Graph, query: str, params: Mapping[str, Node] | Iterable[str] | None = None, *,
              timeout: float | None = None) -> Result:
    """Run a read-only SPARQL query over ``graph`` (a ``Dataset`` queries the union of its graphs).

    ``query`` is SPARQL text, a ``.rq`` path or a saved query's name (see :func:`resolve_query`). ``params`` binds
    variables to RDF terms (a mapping, or ``name=value`` strings for :func:`parse_param`).

    With ``timeout`` (seconds) the query runs in a worker thread and :class:`QueryTimeout` is raised when it is not
    done in time. Neither engine can be interrupted, so the worker finishes in the background: the command line
    exits, which stops it; a long-running program should treat a timeout as a reason to stop too.
    """
    query = resolve_query(query)
    check_query(query)  # before binding too, so that a refused query is named as the user wrote it
    bindings: dict[str, Node] = {}
    if params is not None:
        items = params.items() if isinstance(params, Mapping) else (parse_param(p) for p in params)
        for name, term in items:
            bindings[name] = term
    text = bind_values(query, bindings)
    check_query(text)  # the text the engine will read, parameters included

    def evaluate() -> Result:
        try:
            with deep_recursion():
                result = graph.query(text)
                if result.type == "SELECT":
                    result.bindings = list(result.bindings)  # evaluate now, inside the time limit
            return result
        except InputError:
            raise
        except SyntaxError as exc:  # Oxigraph's parser: "error at LINE:COLUMN: expected …"
            raise InputError(f"malformed SPARQL: {exc}") from None
        except RecursionError:  # rdflib's parser recurses on nesting: the memory engine reads less deep queries
            raise InputError("the query nests too deeply for the memory engine; use --engine oxigraph") from None
        except Exception as exc:  # both engines raise plain exceptions for evaluation errors
            raise InputError(f"the query failed: {exc}") from exc

    if timeout is None:
        return evaluate()
    import threading

    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["result"] = evaluate()
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="dtkg-query", daemon=True)  # daemon: never keeps the process alive
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise QueryTimeout(f"the query did not finish within {timeout:g} s (raise --timeout to wait longer)")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["result"]  # type: ignore[return-value]


# ------------------------------------------------------------------ formatting

def _cell(graph: Graph, term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return short_name(graph, term)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _tsv_term(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, Literal) and term.datatype in (XSD.integer, XSD.decimal, XSD.double, XSD.boolean):
        return str(term)
    return term.n3()


def format_result(result: Result, fmt: str = "table", graph: Graph | None = None) -> str:
    """Render a query result: SELECT/ASK as ``table``, ``csv``, ``tsv`` or ``json`` (SPARQL 1.1 Query Results
    JSON); CONSTRUCT/DESCRIBE as deterministic Turtle whatever ``fmt`` says."""
    context = graph if graph is not None else Graph()
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        out = Graph()
        for prefix, ns in context.namespaces():
            out.bind(prefix, ns, override=True, replace=True)
        for triple in result:
            out.add(triple)  # type: ignore[arg-type]
        return to_turtle(out)
    if fmt not in FORMATS:
        raise InputError(f"unknown result format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if result.type == "ASK":
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": bool(result.askAnswer)}) + "\n"
        return ("true" if result.askAnswer else "false") + "\n"
    variables = [str(v) for v in (result.vars or [])]
    rows = list(result)
    if fmt == "json":
        return result.serialize(format="json").decode("utf-8") + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(variables)
        for row in rows:
            writer.writerow(["" if v is None else str(v) for v in row])
        return buf.getvalue()
    if fmt == "tsv":
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines += ["\t".join(_tsv_term(v) for v in row) for row in rows]
        return "\n".join(lines) + "\n"
    from .results import people_table

    return render_table(*people_table(variables, rows, context))


def render_table(headers: list[str], rows: list[list[str]], width: int | None = None) -> str:
    """A plain-text table that never cuts a cell: long French labels wrap inside their column.

    The width is the terminal's (160 columns when the output is not a terminal), so tables stay readable.
    """
    import shutil

    from rich.console import Console
    from rich.table import Table

    table = Table(*headers, show_lines=False, header_style="bold", expand=False)
    for column in table.columns:
        column.overflow = "fold"
    for row in rows:
        table.add_row(*row)
    width = width or shutil.get_terminal_size((160, 24)).columns
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None, legacy_windows=False)
    console.print(table)
    console.print(f"{len(rows)} row{'s' if len(rows) != 1 else ''}")
    return console.export_text()
