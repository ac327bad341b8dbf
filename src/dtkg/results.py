"""Query results written out: for people (``table``), as CSV, TSV or JSON, and CONSTRUCT answers as Turtle, with
the same typed values whichever engine answered.

``--format table`` is read by people: labels come before the IRIs they name (``funderLabel`` before ``funder``),
IRIs are shortened (``organisation:cud``), amounts are written the French way (``146 500,50``, ``120 000 €`` when
the row gives the currency) as in the summary. CSV, TSV and JSON stay raw: lexical values, full IRIs.

Engines differ on booleans: Virtuoso answers ``BIND (EXISTS {…} AS ?isHead)`` with ``1``/``0`` (integers) where
Oxigraph and rdflib answer ``true``/``false``. :func:`normalise_booleans` gives every engine's result the latter.
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal, InvalidOperation

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.query import Result
from rdflib.term import Node

from .errors import InputError
from .labels import short_name
from .writers import to_turtle

#: Result formats for SELECT and ASK queries. CONSTRUCT and DESCRIBE always give Turtle.
FORMATS = ("table", "csv", "tsv", "json")

_BOOLEAN_BIND = re.compile(r"\bBIND\s*\(\s*(?:NOT\s+)?EXISTS\b.*?\bAS\s+\?(\w+)\s*\)", re.IGNORECASE | re.DOTALL)
_AMOUNT = re.compile(r"amount|total|montant|sum|value", re.IGNORECASE)
_NUMERIC = {XSD.decimal, XSD.double, XSD.float}
_INTEGER = {XSD.integer, XSD.int, XSD.long, XSD.short, XSD.nonNegativeInteger, XSD.positiveInteger}
_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}


def boolean_variables(query: str) -> set[str]:
    """Variables that ``query`` declares boolean: bound to ``EXISTS``/``NOT EXISTS``."""
    return set(_BOOLEAN_BIND.findall(query))


def _as_boolean(term: Node | None) -> Node | None:
    if isinstance(term, Literal) and str(term) in ("1", "0", "true", "false") and \
            term.datatype in (None, XSD.boolean, *_INTEGER):
        return Literal(str(term) in ("1", "true"), datatype=XSD.boolean)
    return term


def normalise_booleans(result: Result, query: str) -> Result:
    """``result`` with the values of boolean variables (declared by ``EXISTS``, or typed ``xsd:boolean``) written
    ``true``/``false`` whatever the engine wrote (``1``/``0`` for Virtuoso)."""
    if result.type != "SELECT":
        return result
    wanted = boolean_variables(query)
    rows = []
    for row in result.bindings:
        fixed = {}
        for var, term in row.items():
            if str(var) in wanted or (isinstance(term, Literal) and term.datatype == XSD.boolean):
                term = _as_boolean(term)
            fixed[var] = term
        rows.append(fixed)
    result.bindings = rows
    return result


def french_number(value: Decimal) -> str:
    """``146500.5`` → ``146 500,50``; whole numbers without decimals (``120 000``)."""
    whole = int(value)
    cents = abs(value - whole)
    text = ("-" if value < 0 else "") + f"{abs(whole):,}".replace(",", " ")
    if cents:
        text += "," + f"{cents:.2f}"[2:]
    return text


def people_cell(graph: Graph, var: str, term: Node | None, currency: str | None = None) -> str:
    """One cell of a table for people: a short IRI, a label, a French amount, ``oui``-free booleans as stored."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return short_name(graph, term)
    if isinstance(term, Literal) and (term.datatype in _NUMERIC or
                                      (term.datatype in _INTEGER and _AMOUNT.search(var))):
        try:
            number = Decimal(str(term))
        except InvalidOperation:
            return str(term)
        text = french_number(number)
        if currency and _AMOUNT.search(var):
            text += " " + _SYMBOLS.get(currency, currency)
        return text
    if isinstance(term, Literal):
        return str(term)
    return f"_:{term}"


def labels_first(variables: list[str]) -> list[str]:
    """Columns with each ``xLabel`` moved just before ``x``, so that a person reads the name before the IRI."""
    order = [v for v in variables if not (v.endswith("Label") and v[:-5] in variables)]
    out = []
    for v in order:
        if f"{v}Label" in variables:
            out.append(f"{v}Label")
        out.append(v)
    return out


def people_table(variables: list[str], rows: list, graph: Graph) -> tuple[list[str], list[list[str]]]:
    """Headers and cells of a SELECT result's ``rows`` for ``--format table`` (see the module's docstring)."""
    columns = labels_first(variables)
    out = []
    for row in rows:
        values = dict(zip(variables, row))
        currency = values.get("currency")
        currency_text = str(currency) if isinstance(currency, Literal) else None
        out.append([people_cell(graph, v, values[v], currency_text) for v in columns])
    return columns, out


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
