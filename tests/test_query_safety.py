"""No query reaches the network or changes data, through the command line or `dtkg serve`, however it is written;
over-deep queries are refused before any parser; `dtkg serve` stops runaway queries, survives a dead query process,
caps its results, bounds its connections, and leaves nothing listening or running behind it."""

from __future__ import annotations

import json
import os
import signal
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

from dtkg.errors import InputError
from dtkg.query import run_query
from dtkg.sparql_safety import check_safe, replace_escapes
from hostile import canary
from servers import dtkg_serve

# (query with {C} for the canary URL, whether Oxigraph itself would call the canary when given the raw text)
CORPUS = [
    ("SELECT * WHERE { ?s ?p ?o BIND(<http://x/\\u0041#> AS ?q) SERVICE <{C}/a> { ?a ?b ?c } }", True),
    ("PREFIX ex: <http://x/> SELECT * WHERE { ?s ?p ?o BIND(ex:a\\#b AS ?q) SERVICE <{C}/b> { ?a ?b ?c } }", True),
    ("SELECT * WHERE { ?s ?p ?o FILTER(\"a\\u005C\" != '' && EXISTS { SERVICE <{C}/c> { ?a ?b ?c } } # \"\n) }", True),
    ("PREFIX ex: <http://x/> SELECT * WHERE { ?s ?p ?o BIND(ex:a\\#b AS ?q) "
     "FILTER(\"a\\u005C\" != '' && EXISTS { SERVICE <{C}/r> { ?a ?b ?c } } # \"\n) }", True),
    ("select * where { ?s ?p ?o sErViCe <{C}/d> { ?a ?b ?c } }", True),
    ("SELECT * WHERE { ?s ?p ?o SERVICE SILENT <{C}/e> { ?a ?b ?c } }", True),
    ("SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o SERVICE <{C}/f> { ?a ?b ?c } } LIMIT 1 } }", True),
    ("SELECT * WHERE { ?s ?p ?o FILTER NOT EXISTS { FILTER EXISTS { SERVICE <{C}/g> { ?a ?b ?c } } } }", True),
    ("SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <{C}/h> { ?a ?b ?c } } }", True),
    ("SELECT * WHERE { ?s ?p ?o MINUS { SERVICE <{C}/i> { ?s ?p ?o } } }", True),
    ("SELECT * WHERE { ?s ?p ?o # comment \"\n SERVICE <{C}/j> { ?a ?b ?c } }", True),
    ("SELECT * WHERE { ?s ?p ?o BIND(\"\"\"a\"b''\"\"\" AS ?q) SERVICE <{C}/k> { ?a ?b ?c } }", True),
    ("SELECT * WHERE { ?s ?p ?o BIND('it\\'s' AS ?q) SERVICE <{C}/l> { ?a ?b ?c } }", True),
    ("SELECT * WHERE { VALUES ?u { <{C}/m> } ?s ?p ?o SERVICE ?u { ?a ?b ?c } }", False),
    ("SELECT * WHERE { ?s ?p ?o \\u0053ERVICE <{C}/n> { ?a ?b ?c } }", False),
    ("SELECT * WHERE { ?s ?p ?o BIND(<http://x/\\u00E9> AS ?q)\tSERVICE\n<{C}/o> { ?a ?b ?c } }", True),
    ("PREFIX s: <http://x/> SELECT * WHERE { ?s ?p ?o BIND(s:SERVICE AS ?q) SERVICE <{C}/p> { ?a ?b ?c } }", True),
    ("SELECT * WHERE { { ?s ?p ?o } UNION { SERVICE <{C}/q> { ?a ?b ?c } } }", True),
]
UPDATES = ["INSERT DATA { <http://e/a> <http://e/b> 1 }", "LOAD <{C}/load>", "PREFIX x: <http://x/> DROP ALL",
           "# comment\nload <{C}/load2>", "\\u0049NSERT DATA { <http://e/a> <http://e/b> 1 }",
           "WITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"]


def corpus(base: str) -> list[tuple[str, bool]]:
    return [(q.replace("{C}", base), calls) for q, calls in CORPUS]


def test_the_corpus_would_reach_the_network_without_the_check():
    """The corpus is real: given the raw text, Oxigraph calls the canary for every query marked so."""
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("o")))
    with canary() as (base, hits):
        for query, calls in corpus(base):
            before = len(hits)
            try:
                list(store.query(query))
            except (OSError, SyntaxError, RuntimeError):
                pass
            assert (len(hits) > before) == calls, query


def test_check_reads_escapes_both_ways():
    assert replace_escapes("\\u0053ERVICE \\U0001F600 \\uD800") == "SERVICE \U0001F600 \\uD800"
    check_safe('SELECT * WHERE { ?s ?p "service \\u0053ERVICE" } # SERVICE')  # inside strings and comments: fine
    check_safe("PREFIX service: <http://x/service#> SELECT ?service WHERE { ?service a service:SERVICE }")
    with pytest.raises(InputError, match="SERVICE is refused"):
        # one string for Oxigraph, a SERVICE call for rdflib (which replaces escapes first)
        check_safe('SELECT * WHERE { BIND("x\\u0022 AS ?a) SERVICE <http://x/> { } # " AS ?b) }')
    with pytest.raises(InputError, match="SERVICE is refused"):
        # the other way round (the example): one string for rdflib, a SERVICE call for Oxigraph
        check_safe("SELECT * WHERE { FILTER(\"a\\u005C\" != '' && EXISTS { SERVICE <http://x/> { } }) # \"\n}")
    check_safe('SELECT * WHERE { "unterminated }')  # not unsafe: the engine says it is malformed


def test_the_command_line_refuses_every_corpus_query(seed, dtkg):
    with canary() as (base, hits):
        for query, _ in corpus(base):
            with pytest.raises(InputError):
                run_query(seed, query)
            result = dtkg("query", "--no-seed", query)
            assert result.code == 2 and "Traceback" not in result.err, (query, result)
        for update in UPDATES:
            result = dtkg("query", "--no-seed", update.replace("{C}", base))
            assert result.code == 2 and "Traceback" not in result.err, (update, result)
            assert "refused" in result.err or "is not a SPARQL query" in result.err, (update, result)
        time.sleep(0.2)
        assert hits == []


def nested(depth: int) -> str:
    return "ASK { FILTER(" + "(" * depth + "1" + ")" * depth + ") }"


def test_the_command_line_refuses_over_deep_queries_without_a_traceback(dtkg):
    for depth in (300, 2000):
        result = dtkg("query", "--no-seed", nested(depth))
        assert result.code == 2, result
        assert "nested too deeply" in result.err and "Traceback" not in result.err
    braces = "SELECT * WHERE " + "{ " * 500 + "?s ?p ?o" + " }" * 500
    assert dtkg("query", "--no-seed", braces).code == 2
    for engine in ("oxigraph", "memory"):  # deep but under the limit: answered by both engines
        assert dtkg("query", "--engine", engine, "--no-seed", nested(62)).out.strip() == "true", engine


# ------------------------------------------------------------------ dtkg serve


def post(url: str, query: str, accept: str = "application/sparql-results+json", timeout: float = 30):
    """(status, headers, body) of a POSTed query."""
    request = urllib.request.Request(url, data=urllib.parse.urlencode({"query": query}).encode(),
                                     headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def children(pid: int) -> set[int]:
    """Every descendant process of ``pid``, from /proc."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def cpu_seconds(pids: set[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def listening_ports(pids: set[int]) -> set[int]:
    """TCP ports on which any of ``pids`` listens."""
    inodes = set()
    for pid in pids:
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        except OSError:
            continue
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


@pytest.fixture(scope="module")
def endpoint(seed_store: Path):
    with dtkg_serve(seed_store, "--timeout", "2", "--max-rows", "50", "--workers", "1",
                    "--max-connections", "4", "--idle-timeout", "1") as (url, process):
        yield url, process


def test_serve_refuses_every_corpus_query_and_update(endpoint):
    url, _ = endpoint
    with canary() as (base, hits):
        for query, _ in corpus(base):
            status, _, body = post(url, query)
            assert status == 400 and b"SERVICE is refused" in body, (query, status, body)
        for update in UPDATES:
            status, _, body = post(url, update.replace("{C}", base))
            assert status == 403, (update, status, body)
        time.sleep(0.2)
        assert hits == []


def test_serve_refuses_over_deep_queries_and_keeps_answering(endpoint):
    url, _ = endpoint
    status, _, body = post(url, nested(2000))
    assert status == 400 and b"nested too deeply" in body
    status, _, body = post(url, nested(60))
    assert status == 200 and json.loads(body)["boolean"] is True


def test_serve_stops_a_runaway_query_and_its_cpu(endpoint):
    url, process = endpoint
    answered_when_ready(url)
    workers = children(process.pid)
    started = time.monotonic()
    status, _, body = post(url, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }")
    elapsed = time.monotonic() - started
    assert status == 504 and b"did not finish within 2 s" in body
    assert elapsed < 2 * 2  # within twice the limit
    assert not any(alive(pid) for pid in workers)  # the process that ran it is gone: no CPU keeps burning
    assert answered_when_ready(url) == 200


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def answered_when_ready(url: str) -> int:
    """Ask until the endpoint answers (a replaced query process needs a moment); 503 meanwhile, bounded to 20 s."""
    for _ in range(100):
        status, _, _ = post(url, "ASK { ?s ?p ?o }")
        if status != 503:
            return status
        time.sleep(0.2)
    return status


def test_serve_restarts_a_dead_query_process(endpoint):
    url, process = endpoint
    answered_when_ready(url)
    for pid in children(process.pid):
        os.kill(pid, signal.SIGKILL)
    status, headers, _ = post(url, "ASK { ?s ?p ?o }")
    assert status == 503 and headers["Retry-After"]
    assert answered_when_ready(url) == 200


def test_serve_caps_results_and_says_so(endpoint):
    url, _ = endpoint
    answered_when_ready(url)
    status, headers, body = post(url, "SELECT * WHERE { ?s ?p ?o }")
    assert status == 200 and headers["X-Dtkg-Truncated"] == "true" and "50 rows" in headers["Warning"]
    document = json.loads(body)
    assert len(document["results"]["bindings"]) == 50 and "cut at 50 rows" in document["warning"]
    status, headers, body = post(url, "SELECT * WHERE { ?s ?p ?o }", accept="text/csv")
    assert headers["X-Dtkg-Truncated"] == "true" and len(body.decode().splitlines()) == 51
    status, headers, body = post(url, "CONSTRUCT WHERE { ?s ?p ?o }", accept="text/turtle")
    assert headers["X-Dtkg-Truncated"] == "true"
    assert len(list(ox.parse(body, format=ox.RdfFormat.TURTLE))) == 50
    status, headers, body = post(url, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3")
    assert "X-Dtkg-Truncated" not in headers and len(json.loads(body)["results"]["bindings"]) == 3


def test_a_cut_result_is_reported_by_query_endpoint(endpoint, dtkg):
    url, _ = endpoint
    answered_when_ready(url)
    result = dtkg("query", "--endpoint", url, "--format", "csv", "SELECT * WHERE { ?s ?p ?o }")
    assert result.code == 0 and len(result.out.splitlines()) == 51
    assert "warning: incomplete result" in result.err and "cut at 50 rows" in result.err


def test_serve_caps_results_in_bytes(seed_store: Path):
    with dtkg_serve(seed_store, "--max-bytes", "4096") as (url, _):
        for accept in ("application/sparql-results+json", "application/sparql-results+xml", "text/csv"):
            status, headers, body = post(url, "SELECT * WHERE { ?s ?p ?o }", accept=accept)
            assert status == 200 and headers["X-Dtkg-Truncated"] == "true" and len(body) <= 4096, accept
        json.loads(post(url, "SELECT * WHERE { ?s ?p ?o }")[2])  # still a well-formed document


def test_serve_closes_idle_connections_and_bounds_them(endpoint):
    url, _ = endpoint
    port = int(urllib.parse.urlsplit(url).port)
    idle = socket.create_connection(("127.0.0.1", port), timeout=10)
    started = time.monotonic()
    assert idle.recv(1) == b""  # closed by the server, not by this client's timeout
    assert time.monotonic() - started < 5
    idle.close()
    slow = socket.create_connection(("127.0.0.1", port), timeout=10)  # one byte every 0.3 s: never idle for 1 s
    started = time.monotonic()
    with pytest.raises(OSError):
        for byte in b"GET /query?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n" * 20:  # bounded: at most 30 s
            slow.sendall(bytes([byte]))
            time.sleep(0.3)
    assert time.monotonic() - started < 6  # cut at twice the idle timeout, not left to drip on
    slow.close()
    held = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(4)]
    try:
        time.sleep(0.2)
        extra = socket.create_connection(("127.0.0.1", port), timeout=10)
        assert extra.recv(100).startswith(b"HTTP/1.1 503")
        extra.close()
    finally:
        for connection in held:
            connection.close()


def test_only_the_endpoint_listens_and_sigterm_stops_everything(seed_store: Path):
    with dtkg_serve(seed_store, "--workers", "2") as (url, process):
        pids = children(process.pid)
        assert len(pids) >= 2  # the query processes
        assert listening_ports(pids | {process.pid}) == {urllib.parse.urlsplit(url).port}
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
        for _ in range(50):
            if not any(Path(f"/proc/{pid}").exists() for pid in pids):
                break
            time.sleep(0.1)
        assert not any(Path(f"/proc/{pid}").exists() for pid in pids)


def test_home_page_says_what_the_endpoint_is(endpoint):
    url, _ = endpoint
    with urllib.request.urlopen(url.replace("/query", "/"), timeout=10) as response:
        assert response.headers["Content-Type"].startswith("text/html")
        assert b"read-only SPARQL 1.1 endpoint" in response.read()
