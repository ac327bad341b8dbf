"""SPARQL: saved queries, safe parameter binding, and result formats (table, CSV, TSV, SPARQL JSON, Turtle).

Parameters are bound as RDF terms in a ``VALUES`` block written by an escaping term serialiser (see
:mod:`dtkg.sparql_text`, which also opens the sub-selects that need it with the same block): a label such as
``x" } ; DROP ALL ; #`` stays one string literal. Queries that would reach out of the machine
(``SERVICE``) or change data (updates, ``LOAD``) are refused before evaluation.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.query import Result
from rdflib.term import Node

from .answers import OxigraphResult, RdflibTerms, python_value
from .errors import DtkgError, InputError
from .sparql_safety import MAX_QUERY_LENGTH, is_one_term, safety_problem
from .sparql_text import place_values, term_text
from .resources import queries_dir

_QUERY_FORM = re.compile(
    r"^(?:\s+|#[^\n]*(?:\n|$)|PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s*<[^>]*>)*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b",
    re.IGNORECASE)
_UPDATE_FORM = re.compile(
    r"^(?:\s+|#[^\n]*(?:\n|$)|PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s*<[^>]*>)*"
    r"(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE)
_PARAM = re.compile(r"^\??([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.DOTALL)
_SAVED_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class SavedQuery:
    """A competency question shipped in ``queries/``: its name, the question it answers, and its text."""

    name: str
    question: str
    text: str
    path: Path
    params: tuple[str, ...] = ()


def saved_queries(folder: Path | None = None) -> list[SavedQuery]:
    """Every saved query (``*.rq``), sorted by name; the question is the first comment block of each file.

    Each file is read once and kept while its modification time and size stay the same (see :func:`_file_text`)."""
    folder = folder or queries_dir()
    out = []
    for path in sorted(folder.glob("*.rq")):
        text = _file_text(path)
        if text is None:  # removed while we listed the folder
            continue
        out.append(_saved_query(path, text))
    return out


@functools.lru_cache(maxsize=512)
def _saved_query(path: Path, text: str) -> SavedQuery:
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
    return SavedQuery(path.stem, " ".join(question_lines), text, path, tuple(params))


def _file_text(path: Path) -> str | None:
    """The text of ``path``, read again only when its modification time or size changed; None if it is missing.

    A point lookup costs well under a millisecond in the engine: reading and decoding the saved queries on every
    call would cost more than answering it."""
    try:
        stat = path.stat()
    except OSError:
        return None
    if not S_ISREG(stat.st_mode):
        return None
    return _read_text(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=1)
def _shipped_queries() -> Path:
    """The folder of the shipped queries, found once (finding it resolves paths on disk)."""
    return queries_dir()


@functools.lru_cache(maxsize=512)
def _read_text(path: str, mtime_ns: int, size: int) -> str:
    return Path(path).read_text(encoding="utf-8")


def resolve_query(q: str, folder: Path | None = None) -> str:
    """The SPARQL text that ``q`` names: a query string, a path to a ``.rq`` file, or a saved query's name."""
    candidate = Path(q)
    if q.endswith(".rq") or (len(q) < 4096 and "\n" not in q and candidate.suffix and candidate.is_file()):
        if not candidate.is_file():
            raise InputError("no such query file", path=candidate)
        return candidate.read_text(encoding="utf-8")
    if _QUERY_FORM.match(q) or _UPDATE_FORM.match(q):
        return q  # updates are returned so that check_query can refuse them with a clear message
    if _SAVED_NAME.match(q):  # the usual case: one file, no listing of the folder
        text = _file_text((folder or _shipped_queries()) / f"{q}.rq")
        if text is not None:
            return text
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
    recurses on them). The query is read as the engine reads it, escapes included (see :mod:`dtkg.sparql_safety`).

    The verdict is kept per text: a saved query is read by the lexer once per process, not on every call."""
    problem = _safety_problem(text)
    if problem is not None:
        raise InputError(problem[1])


@functools.lru_cache(maxsize=256)
def _safety_problem(text: str) -> tuple[str, str] | None:
    return safety_problem(text)


#: What stands for every parameter in the text whose safety verdict is kept per query shape (see :func:`bound_text`).
_PLACEHOLDER = URIRef("urn:dtkg:parameter")


def bound_text(query: str, bindings: Mapping[str, Node]) -> str:
    """``query`` with ``bindings`` written as ``VALUES`` blocks (see :func:`dtkg.sparql_text.place_values`), checked
    as the engine will read it (:func:`check_query`).

    The verdict is kept per shape: each value is written by an escaping serialiser and, when it reads as one literal
    or IRI however an engine reads escapes (:func:`dtkg.sparql_safety.is_one_term`), the text has the verdict of the
    same text with a placeholder IRI in its place, kept from the first call; otherwise (or when the text is too long)
    the whole text is checked again. A new value thus costs no new reading of the query."""
    text = place_values(query, bindings)
    if text is query:
        return text
    if len(text) <= MAX_QUERY_LENGTH and all(_one_term(term_text(term)) for term in bindings.values()):
        problem = _safety_problem(place_values(query, dict.fromkeys(bindings, _PLACEHOLDER)))
    else:
        problem = safety_problem(text)
    if problem is not None:
        raise InputError(problem[1])
    return text


@functools.lru_cache(maxsize=4096)
def _one_term(text: str) -> bool:
    return is_one_term(text)


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
    check_query(query)  # the text as written: kept per text, so a saved query is read once per process
    bindings: dict[str, Node] = {}
    if params is not None:
        items = params.items() if isinstance(params, Mapping) else (parse_param(p) for p in params)
        for name, term in items:
            bindings[name] = term
    for name, term in bindings.items():  # the same refusals whichever way the engine receives them
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise InputError(f"{name!r} is not a valid variable name")
        term_text(term)
    from .load import ox_store

    store = ox_store(graph)
    if store is not None and (not bindings or _substitutable(query, frozenset(bindings))):
        text, substitutions = query, bindings  # checked above, and the same text for every value
    else:  # the memory engine, or a parameter Oxigraph cannot take as a substitution: VALUES blocks
        text, substitutions = bound_text(query, bindings), {}

    def evaluate() -> Result:
        try:
            if store is not None:
                return _oxigraph_query(graph, store, text, substitutions)
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


@dataclass
class QueryRows:
    """The rows of a SELECT answer as tuples (one value per variable, None where unbound), see :func:`query_rows`."""

    variables: list[str]
    rows: list[tuple]


def query_rows(graph: Graph, query: str, params: Mapping[str, Node] | Iterable[str] | None = None, *,
               timeout: float | None = None, terms: str = "oxigraph") -> QueryRows:
    """A SELECT query run as :func:`run_query` runs it (same text, parameters, checks and time limit), its rows as
    tuples of pyoxigraph terms (``terms="oxigraph"``) or of plain Python values (``terms="python"``: IRIs, blank
    node ids (``_:…``) and literals' lexical forms as ``str``; ``int``, ``float``, ``Decimal`` and ``bool`` for
    xsd:integer, xsd:double, xsd:decimal and xsd:boolean).

    For callers that read large answers and need no rdflib terms: on an Oxigraph-backed graph the rows are the
    engine's own terms, with no conversion (building rdflib terms is most of the cost of a large answer)."""
    if terms not in ("oxigraph", "python"):
        raise InputError(f"unknown kind of terms {terms!r}; choose oxigraph or python")
    result = run_query(graph, query, params, timeout=timeout)
    if result.type != "SELECT":
        raise InputError(f"query_rows reads SELECT answers; this query is a {result.type}")
    variables = [str(v) for v in result.vars or []]
    raw = getattr(result, "raw_rows", None)
    if raw is None:
        from .terms import ToOxigraph

        convert = ToOxigraph()
        raw = [tuple(None if t is None else convert(t) for t in row) for row in result]
    if terms == "python":
        raw = [tuple(map(python_value, row)) for row in raw]
    return QueryRows(variables, raw)


# ------------------------------------------------------------------ Oxigraph without a detour through rdflib's store

_PROJECTION = re.compile(r"(?<![\w:?$])SELECT(?![\w:])(.*?)(?<![\w:?$])(?:WHERE(?![\w:])|\{)", re.IGNORECASE | re.DOTALL)


@functools.lru_cache(maxsize=256)
def _substitutable(query: str, names: frozenset[str]) -> bool:
    """Whether Oxigraph can take ``names`` as substitutions (bound terms; the query text stays the same for every
    value, so its safety verdict is kept) with the same answer as a ``VALUES`` block opening the outermost group.

    Oxigraph substitutes the variables that the outermost ``SELECT`` projects (SPARQL 1.2's SEP-0007 pre-binding):
    the bound term is then known wherever the variable occurs, so a grouped query starts from it instead of joining
    a ``VALUES`` block with its groups. A variable read only by ``BOUND(…)`` is left to ``VALUES`` (pre-binding and
    a join differ there)."""
    from .sparql_text import mask

    masked = mask(query)
    if re.search(r"(?<![\w:?$])(?:ASK|CONSTRUCT|DESCRIBE)(?![\w:])", masked, re.IGNORECASE):
        return False
    head = _PROJECTION.search(masked)
    if head is None:
        return False
    projection = head.group(1)
    while True:  # drop the bracketed expressions, innermost first
        shorter = re.sub(r"\([^()]*\)", " ", projection)
        if shorter == projection:
            break
        projection = shorter
    plain = set(re.findall(r"(?<![\w])[?$]([A-Za-z_][A-Za-z0-9_]*)", projection))
    bound = set(re.findall(r"(?<![\w:?$])BOUND\s*\(\s*[?$]([A-Za-z_][A-Za-z0-9_]*)", masked, re.IGNORECASE))
    # Measured at 1M triples: a substitution is 7x faster than VALUES where the outermost query groups
    # (organisation-by-siren) and up to 200x slower where it does not (quote-behind-fact): only the former use it.
    grouped = re.search(r"(?<![\w:?$])GROUP\s+BY(?![\w:])", masked[masked.rfind("}"):], re.IGNORECASE)
    return bool(grouped) and names <= plain and not names & bound


def _ox_term(term: Node):
    if isinstance(term, BNode):
        raise InputError(f"cannot bind {term!r}")  # blank nodes are refused earlier (term_text)
    from .terms import to_oxigraph

    return to_oxigraph(term)


_XSD_STRING = str(XSD.string)


def _query_graph(graph: Graph) -> dict:
    """Which graph a query over ``graph`` reads, as rdflib's ``Graph.query`` tells its store."""
    import pyoxigraph as ox
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID, ConjunctiveGraph

    if getattr(graph, "default_union", False):
        return {"use_default_graph_as_union": True}
    name = graph.default_context.identifier if isinstance(graph, ConjunctiveGraph) else graph.identifier
    if name == DATASET_DEFAULT_GRAPH_ID:
        return {"default_graph": ox.DefaultGraph()}
    return {"default_graph": ox.BlankNode(str(name)) if isinstance(name, BNode) else ox.NamedNode(str(name))}


def _oxigraph_query(graph: Graph, store, text: str, bindings: Mapping[str, Node]) -> Result:
    """``text`` evaluated by Oxigraph directly, the graph's prefixes known to it as ``Graph.query`` makes them
    known, ``bindings`` given as substitutions; the answer as an rdflib :class:`~rdflib.query.Result`, read to the
    end (inside the caller's time limit)."""
    import pyoxigraph as ox
    from rdflib import Variable

    answer = store.query(text, prefixes={prefix: str(ns) for prefix, ns in graph.namespaces()},
                         substitutions={ox.Variable(n): _ox_term(t) for n, t in bindings.items()} or None,
                         **_query_graph(graph))
    convert = RdflibTerms()
    if isinstance(answer, ox.QueryBoolean):
        out = Result("ASK")
        out.askAnswer = bool(answer)
        return out
    if isinstance(answer, ox.QuerySolutions):
        names = [Variable(v.value) for v in answer.variables]
        return OxigraphResult(names, [tuple(solution) for solution in answer])
    out = Result("CONSTRUCT")
    out.graph = Graph()
    out.graph += ((convert(t.subject), convert(t.predicate), convert(t.object)) for t in answer)
    return out
