"""``dtkg serve``: a read-only SPARQL 1.1 Protocol endpoint over a persistent store.

The Oxigraph server (``oxigraph serve-read-only``, from the PyPI package ``oxigraph``) answers the queries. It runs on
a private loopback port behind a small gate in this module, because the Oxigraph server evaluates ``SERVICE`` by
calling the URL it names, and a served endpoint must make no outbound request. The gate:

- passes ``GET``/``POST`` queries on ``/query`` and ``/sparql`` through, with their ``Accept`` header;
- refuses ``SERVICE`` (400), updates and ``LOAD`` (403), and every other path (404);
- bounds each query in time (Oxigraph's ``--timeout-s``, plus a socket timeout on the gate).
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .errors import DtkgError, InputError
from .load import is_store
from .sparql_text import MAX_QUERY_LENGTH, safety_problem

QUERY_PATHS = ("/query", "/sparql")


def oxigraph_executable() -> str:
    """The ``oxigraph`` server program: installed with dtkg (PyPI package ``oxigraph``) next to this Python."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return str(beside)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise DtkgError("the Oxigraph server is not installed: pip install oxigraph")


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def wait_for_port(host: str, port: int, timeout: float = 15.0, process: subprocess.Popen | None = None) -> None:
    """Wait until something listens on ``host:port``; fail early if ``process`` exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise DtkgError(f"the Oxigraph server stopped at start (exit code {process.returncode})")
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(0.2)
            if sock.connect_ex((host, port)) == 0:
                return
        time.sleep(0.05)
    raise DtkgError(f"nothing answered on {host}:{port} within {timeout:g} s")


def refusal(query: str | None, update: str | None) -> tuple[int, str] | None:
    """Why a request must not reach the store: (HTTP status, message), or None when it may pass. The query is read
    as the engine reads it (see :func:`dtkg.sparql_text.safety_problem`)."""
    if update is not None:
        return 403, "this endpoint is read-only: updates are refused"
    if not query:
        return 400, "missing 'query' parameter"
    if len(query) > MAX_QUERY_LENGTH:
        return 413, f"the query is {len(query):,} characters long; at most {MAX_QUERY_LENGTH:,} are accepted"
    problem = safety_problem(query)
    if problem is None:
        return None
    kind, message = problem
    return (403 if kind == "update" else 400), message


class _TooLarge(Exception):
    """A request body over :data:`MAX_BODY_BYTES` (or with an unreadable length)."""


#: Largest request body read (a query, form-encoded): a query is at most MAX_QUERY_LENGTH characters.
MAX_BODY_BYTES = 4 * MAX_QUERY_LENGTH


def make_gate(upstream: str, timeout: float) -> type[BaseHTTPRequestHandler]:
    """The request handler class that checks each request and forwards queries to ``upstream``."""

    class Gate(BaseHTTPRequestHandler):
        server_version = "dtkg"
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args) -> None:  # noqa: A002 - keep the terminal quiet
            pass

        def _answer(self, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _params(self) -> tuple[dict[str, list[str]], bytes | None, str]:
            parsed = urllib.parse.urlsplit(self.path)
            params = urllib.parse.parse_qs(parsed.query, keep_blank_values=True)
            body = None
            content_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if self.command == "POST":
                try:
                    length = int(self.headers.get("Content-Length") or 0)
                except ValueError:
                    length = -1
                if not 0 <= length <= MAX_BODY_BYTES:
                    raise _TooLarge(length)
                body = self.rfile.read(length) if length else b""
                if content_type == "application/x-www-form-urlencoded":
                    for key, values in urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True).items():
                        params.setdefault(key, []).extend(values)
                elif content_type == "application/sparql-query":
                    params.setdefault("query", []).append(body.decode("utf-8"))
                elif content_type == "application/sparql-update":
                    params.setdefault("update", []).append(body.decode("utf-8"))
            return params, body, parsed.path

        def do_GET(self) -> None:  # noqa: N802
            self._handle()

        def do_POST(self) -> None:  # noqa: N802
            self._handle()

        def do_HEAD(self) -> None:  # noqa: N802
            self._handle()

        def do_PUT(self) -> None:  # noqa: N802
            self._answer(403, b"this endpoint is read-only\n")

        do_DELETE = do_PATCH = do_PUT  # noqa: N815

        def _handle(self) -> None:
            try:
                params, _, path = self._params()
            except _TooLarge as exc:
                self.close_connection = True
                self._answer(413, f"the request body must be at most {MAX_BODY_BYTES:,} bytes (got {exc})\n".encode())
                return
            except UnicodeDecodeError:
                self._answer(400, b"the request is not UTF-8\n")
                return
            if path == "/" and "query" not in params:
                self._answer(200, (f"dtkg SPARQL endpoint (read-only). Send queries to {QUERY_PATHS[0]}.\n").encode())
                return
            if path == "/update":
                self._answer(403, b"this endpoint is read-only: updates are refused\n")
                return
            if path not in (*QUERY_PATHS, "/"):
                self._answer(404, b"not found: use /query\n")
                return
            query = (params.get("query") or [None])[0]
            update = (params.get("update") or [None])[0]
            refused = refusal(query, update)
            if refused is not None:
                self._answer(refused[0], (refused[1] + "\n").encode())
                return
            forward = {"query": query}
            for key in ("default-graph-uri", "named-graph-uri"):
                if key in params:
                    forward[key] = params[key]  # type: ignore[assignment]
            data = urllib.parse.urlencode(forward, doseq=True).encode("utf-8")
            request = urllib.request.Request(f"{upstream}/query", data=data, method="POST", headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": self.headers.get("Accept", "application/sparql-results+json"),
            })
            try:
                with urllib.request.urlopen(request, timeout=timeout + 5) as response:
                    self._answer(response.status, response.read(),
                                 response.headers.get("Content-Type", "application/octet-stream"))
            except urllib.error.HTTPError as exc:
                self._answer(exc.code, exc.read(), exc.headers.get("Content-Type", "text/plain"))
            except (urllib.error.URLError, TimeoutError, socket.timeout):
                self._answer(504, f"the query did not finish within {timeout:g} s\n".encode())

    return Gate


def serve(
    store_dir: Path | str,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    timeout: float = 60.0,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve the store at ``store_dir`` read-only on ``http://host:port/query`` until interrupted (Ctrl-C).

    ``on_ready`` is called with the endpoint URL once queries are answered.
    """
    store_dir = Path(store_dir)
    if not is_store(store_dir):
        raise InputError("is not a dtkg store (build one with `dtkg build --store DIR`)", path=store_dir)
    inner = free_port()
    process = subprocess.Popen(
        [oxigraph_executable(), "serve-read-only", "--location", str(store_dir), "--bind", f"127.0.0.1:{inner}",
         "--union-default-graph", "--timeout-s", str(max(1, int(timeout)))],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    server = None
    try:
        wait_for_port("127.0.0.1", inner, process=process)
        try:
            server = ThreadingHTTPServer((host, port), make_gate(f"http://127.0.0.1:{inner}", timeout))
        except OSError as exc:
            raise DtkgError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
        server.daemon_threads = True
        url = f"http://{host}:{server.server_address[1]}/query"
        if on_ready is not None:
            on_ready(url)
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
    finally:
        if server is not None:
            server.server_close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
