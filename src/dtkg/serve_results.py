"""SPARQL results written by ``dtkg serve``: content negotiation and writers for SELECT/ASK (JSON, XML, CSV, TSV)
and CONSTRUCT/DESCRIBE (Turtle, N-Triples, RDF/XML), each capped in rows and bytes.

A capped result is still a well-formed document: the writer stops before the row that would pass a cap, closes the
document, and says so (:attr:`Written.truncated`), so that the server can add a header and a warning. The writers
consume the engine's iterator lazily, so a huge result is never held whole in memory.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_NUMBERS = {f"http://www.w3.org/2001/XMLSchema#{t}" for t in ("integer", "decimal", "double")}

SELECT_TYPES = {
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE, "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES, "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


@dataclass
class Written:
    """A serialised result: its bytes, media type, and why it was cut (None when complete)."""

    body: bytes
    media_type: str
    truncated: str | None = None


def negotiate(accept: str | None, offered: dict[str, object], default: str) -> str:
    """The media type of ``offered`` that ``accept`` (an HTTP Accept header) prefers; ``default`` when it names
    none of them or allows anything."""
    best, best_q = None, 0.0
    for part in (accept or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        q = 1.0
        for field in fields[1:]:
            if field.startswith("q="):
                try:
                    q = float(field[2:])
                except ValueError:
                    q = 0.0
        if media in offered and q > best_q:
            best, best_q = media, q
    return best or default


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {"subject": _json_term(term.subject), "predicate": _json_term(term.predicate),
                                        "object": _json_term(term.object)}}


def _xml_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return (f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}</predicate>"
            f"<object>{_xml_term(term.object)}</object></triple>")


def _csv_cell(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def _tsv_cell(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal) and term.datatype.value in _NUMBERS:
        return term.value
    return str(term)


def write_select(solutions: ox.QuerySolutions, fmt: str, max_rows: int, max_bytes: int) -> tuple[bytes, str | None]:
    """SELECT solutions in ``fmt`` (json, xml, csv, tsv), stopping before ``max_rows`` rows or ``max_bytes`` bytes."""
    names = [v.value for v in solutions.variables]
    if fmt == "json":
        head = '{"head":{"vars":' + json.dumps(names) + '},"results":{"bindings":[\n'

        def row_text(solution, first: bool) -> str:
            cells = {n: _json_term(solution[n]) for n in names if solution[n] is not None}
            return ("" if first else ",\n") + json.dumps(cells, ensure_ascii=False)

        def tail(cut: str | None) -> str:
            return "\n]}" + (f',"warning":{json.dumps(cut)}' if cut else "") + "}\n"
    elif fmt == "xml":
        head = ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>' +
                "".join(f"<variable name={quoteattr(n)}/>" for n in names) + "</head><results>\n")

        def row_text(solution, first: bool) -> str:
            return ("<result>" + "".join(f"<binding name={quoteattr(n)}>{_xml_term(solution[n])}</binding>"
                                         for n in names if solution[n] is not None) + "</result>\n")

        def tail(cut: str | None) -> str:
            return "</results></sparql>\n" + (f"<!-- {escape(cut)} -->\n" if cut else "")
    else:
        delimiter = "," if fmt == "csv" else "\t"
        cell = _csv_cell if fmt == "csv" else _tsv_cell

        def line(values: list[str]) -> str:
            if fmt == "tsv":
                return "\t".join(values) + "\n"
            buffer = io.StringIO()
            csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerow(values)
            return buffer.getvalue()

        head = line(names if fmt == "csv" else [f"?{n}" for n in names])

        def row_text(solution, first: bool) -> str:
            return line([cell(solution[n]) for n in names])

        def tail(cut: str | None) -> str:
            return ""
    out = bytearray(head.encode("utf-8"))
    reserve = len(tail("x" * 120).encode("utf-8"))
    cut = None
    count = 0
    for solution in solutions:
        if count >= max_rows:
            cut = f"results cut at {max_rows} rows (the endpoint's limit)"
            break
        chunk = row_text(solution, count == 0).encode("utf-8")
        if len(out) + len(chunk) + reserve > max_bytes:
            cut = f"results cut at {count} rows: the next row would pass {max_bytes} bytes (the endpoint's limit)"
            break
        out += chunk
        count += 1
    out += tail(cut).encode("utf-8")
    return bytes(out), cut


def write_ask(answer: bool, fmt: str) -> bytes:
    """An ASK answer in ``fmt`` (json, xml, csv, tsv)."""
    word = "true" if answer else "false"
    if fmt == "json":
        return ('{"head":{},"boolean":' + word + "}\n").encode()
    if fmt == "xml":
        return ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                f"<boolean>{word}</boolean></sparql>\n").encode()
    return f"{word}\n".encode()


def write_graph(triples: Iterable, fmt: ox.RdfFormat, max_rows: int, max_bytes: int) -> tuple[bytes, str | None]:
    """CONSTRUCT/DESCRIBE triples in ``fmt``, at most ``max_rows`` triples whose N-Triples form fits ``max_bytes``."""
    kept = []
    size = 0
    cut = None
    for triple in triples:
        if len(kept) >= max_rows:
            cut = f"results cut at {max_rows} triples (the endpoint's limit)"
            break
        size += len(str(triple).encode("utf-8")) + 3
        if size > max_bytes:
            cut = f"results cut at {len(kept)} triples: the next would pass {max_bytes} bytes (the endpoint's limit)"
            break
        kept.append(triple)
    body = ox.serialize(kept, format=fmt) or b""
    if cut and fmt != ox.RdfFormat.RDF_XML:
        body += f"# {cut}\n".encode()
    return body, cut


def write_result(result, accept: str | None, max_rows: int, max_bytes: int) -> Written:
    """Any query result in the format ``accept`` prefers (SPARQL JSON and Turtle by default), capped."""
    if isinstance(result, ox.QueryTriples):
        media = negotiate(accept, GRAPH_TYPES, "text/turtle")
        body, cut = write_graph(result, GRAPH_TYPES[media], max_rows, max_bytes)
        charset = "; charset=utf-8"
        return Written(body, media + charset, cut)
    media = negotiate(accept, SELECT_TYPES, "application/sparql-results+json")
    fmt = SELECT_TYPES[media]
    if isinstance(result, ox.QueryBoolean):
        return Written(write_ask(bool(result), fmt), media + "; charset=utf-8")
    body, cut = write_select(result, fmt, max_rows, max_bytes)
    return Written(body, media + "; charset=utf-8", cut)
