"""``dtkg serve``: a read-only SPARQL 1.1 Protocol endpoint over a persistent store.

Nothing listens but this module's HTTP server. Queries run in worker processes (:mod:`dtkg.serve_worker`) over the
store opened read-only with pyoxigraph. The server:

- answers ``GET``/``POST`` queries on ``/query`` and ``/sparql`` with content negotiation (SPARQL JSON, XML, CSV, TSV;
  Turtle, N-Triples, RDF/XML), 403 for updates, 404 for every other path (see :func:`route`);
- serves the static site of the graph (:func:`dtkg.site.write_site`) at ``/`` when given one (``GET``/``HEAD`` of
  its files only, never outside its folder), or a short page on ``/`` otherwise, and a SPARQL editor (YASGUI,
  :func:`dtkg.site.query_page_html`) at ``/requetes.html`` that sends its queries to ``/sparql`` on the same
  origin;
- refuses ``SERVICE`` (400), updates and ``LOAD`` (403) and queries nested past
  :data:`~dtkg.sparql_safety.MAX_DEPTH` levels (400) before any parser sees them (:func:`dtkg.sparql_safety.check_safe`);
- kills a worker whose query passes the time limit (504) and replaces a worker that dies (503 meanwhile);
- caps each result in rows and bytes, saying so in an ``X-Dtkg-Truncated`` header and in the document;
- bounds its threads (503 past ``max_connections``), the size of requests, the idle time of a connection, and the
  time to send a whole request (twice the idle time) or to read an answer (60 s or the idle time).
"""

from __future__ import annotations

import json
import os
import queue
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .errors import DtkgError, InputError
from .load import is_store
from .sparql_safety import check_safe

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


@dataclass(frozen=True)
class Limits:
    """What one client may ask of the endpoint."""

    timeout: float = 60.0  #: seconds a query may run; its worker is killed past it
    max_rows: int = 10_000  #: rows (or triples) in one result
    max_bytes: int = 16 << 20  #: bytes in one result
    workers: int = 2  #: queries run at once
    max_connections: int = 32  #: open connections (one thread each); more get 503
    idle_timeout: float = 15.0  #: seconds a connection may stay silent
    max_request_bytes: int = 1 << 20  #: bytes in a request body (the query)


class WorkerGone(Exception):
    """The worker process died or was killed."""


class Worker:
    """One query process (:mod:`dtkg.serve_worker`) over the store, and the pipes to it."""

    def __init__(self, store_dir: Path, limits: Limits) -> None:
        self.limits = limits
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dtkg.serve_worker", str(store_dir), str(limits.max_rows), str(limits.max_bytes)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        header, _ = self._reply(time.monotonic() + 60)
        self.offline = bool(header.get("offline"))

    def _read(self, n: int, deadline: float) -> bytes:
        fd = self.process.stdout.fileno()  # type: ignore[union-attr]
        chunks = bytearray()
        while len(chunks) < n:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                raise TimeoutError
            chunk = os.read(fd, min(n - len(chunks), 1 << 20))
            if not chunk:
                raise WorkerGone
            chunks += chunk
        return bytes(chunks)

    def _reply(self, deadline: float) -> tuple[dict, bytes]:
        (length,) = struct.unpack(">I", self._read(4, deadline))
        header = json.loads(self._read(length, deadline))
        (size,) = struct.unpack(">Q", self._read(8, deadline))
        if size > self.limits.max_bytes + 4096:
            raise WorkerGone
        return header, self._read(size, deadline)

    def run(self, request: dict) -> tuple[dict, bytes]:
        """Send ``request``; its reply, or :class:`TimeoutError` (the worker is then killed) or :class:`WorkerGone`."""
        data = json.dumps(request).encode("utf-8")
        try:
            self.process.stdin.write(struct.pack(">I", len(data)) + data)  # type: ignore[union-attr]
            self.process.stdin.flush()  # type: ignore[union-attr]
            return self._reply(time.monotonic() + self.limits.timeout)
        except TimeoutError:
            self.kill()
            raise
        except (OSError, ValueError, struct.error) as exc:
            self.kill()
            raise WorkerGone from exc
        except WorkerGone:
            self.kill()
            raise

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """Stop the process now (SIGKILL: a query in the engine does not look at signals)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()  # type: ignore[union-attr]
            except OSError:
                pass


class WorkerPool:
    """``limits.workers`` query processes; a dead or killed one is replaced in the background."""

    def __init__(self, store_dir: Path, limits: Limits) -> None:
        self.store_dir, self.limits = store_dir, limits
        self.idle: queue.Queue[Worker] = queue.Queue()
        self.all: set[Worker] = set()
        self.lock = threading.Lock()
        self.closed = False
        for _ in range(limits.workers):
            self._add(self._start())
        # Replacements are started by one long-lived thread: a worker asks Linux to kill it when the thread that
        # started it ends (PR_SET_PDEATHSIG follows the thread), so a short-lived thread would take it along.
        self.dead: queue.Queue[Worker | None] = queue.Queue()
        self.spawner = threading.Thread(target=self._respawn, name="dtkg-respawn", daemon=True)
        self.spawner.start()

    def _start(self) -> Worker:
        try:
            return Worker(self.store_dir, self.limits)
        except (OSError, TimeoutError, WorkerGone, ValueError, struct.error) as exc:
            raise DtkgError(f"cannot start a query process over {self.store_dir}") from exc

    def _add(self, worker: Worker) -> None:
        with self.lock:
            if self.closed:
                worker.kill()
                return
            self.all.add(worker)
        self.idle.put(worker)

    def _respawn(self) -> None:
        while not self.closed:
            worker = self.dead.get()
            if worker is None:
                return
            with self.lock:
                self.all.discard(worker)
            while not self.closed:
                try:
                    self._add(self._start())
                    break
                except DtkgError:
                    time.sleep(1)

    @property
    def offline(self) -> bool:
        """True when every worker runs without network access."""
        with self.lock:
            return bool(self.all) and all(w.offline for w in self.all)

    def run(self, request: dict, wait: float) -> tuple[dict, bytes]:
        """Run ``request`` on an idle worker, waiting up to ``wait`` s for one (else :class:`queue.Empty`)."""
        worker = self.idle.get(timeout=wait)
        try:
            return worker.run(request)
        finally:
            if worker.alive():
                self.idle.put(worker)
            else:
                self.dead.put(worker)

    def close(self) -> None:
        with self.lock:
            self.closed = True
            workers = list(self.all)
        self.dead.put(None)
        for worker in workers:
            worker.kill()


HOME_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>dtkg SPARQL endpoint</title></head>
<body><h1>dtkg SPARQL endpoint</h1>
<p>A read-only SPARQL 1.1 endpoint over the dtkg knowledge graph. Send queries to <code>/query</code>
(GET <code>?query=</code> or POST), as with any SPARQL client, or use the <a href="/requetes.html">query editor</a>.</p>
<p>Queries run for at most {timeout:g} s and return at most {max_rows} rows ({max_mb:g} MB); SERVICE, LOAD and updates
are refused.</p></body></html>
"""


#: Content types of the files a site holds.
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".csv": "text/csv; charset=utf-8", ".css": "text/css",
                 ".js": "text/javascript", ".json": "application/json", ".png": "image/png", ".svg": "image/svg+xml",
                 ".txt": "text/plain; charset=utf-8"}

#: Where the SPARQL editor page is served.
EDITOR_PATH = "/requetes.html"


def site_file(root: Path, path: str) -> Path | None:
    """The file of the site folder ``root`` that the URL path ``path`` names, or None: ``/`` is ``index.html``;
    hidden names, ``..``, back-slashes and NUL are refused, and so is anything that resolves outside ``root``."""
    text = urllib.parse.unquote(path, errors="strict")
    if "\x00" in text or "\\" in text or not text.startswith("/"):
        return None
    parts = [p for p in text.split("/") if p]
    if any(p.startswith(".") for p in parts):
        return None
    target = root.joinpath(*parts) if parts else root
    if target.is_dir():
        target = target / "index.html"
    try:
        resolved = target.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not resolved.is_file() or not resolved.is_relative_to(root.resolve()):
        return None
    return resolved


def make_handler(pool: WorkerPool, limits: Limits, site: Path | None = None,
                 editor: bytes | None = None) -> type[BaseHTTPRequestHandler]:
    """The request handler class: it reads each request, checks it, and runs queries on ``pool``; it serves the
    files of ``site`` (a folder written by :func:`dtkg.site.write_site`) and the editor page ``editor``."""

    class Handler(BaseHTTPRequestHandler):
        server_version = "dtkg"
        protocol_version = "HTTP/1.1"
        timeout = limits.idle_timeout  # socket timeout: a silent connection is closed

        def log_message(self, format: str, *args) -> None:  # noqa: A002 - keep the terminal quiet
            pass

        def _cut(self) -> None:
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

        def _deadline(self, seconds: float) -> None:
            """Cut the connection unless the current step (reading a request, writing an answer) ends in time: the
            idle timeout bounds each read, this bounds a client that sends or reads one byte at a time."""
            self._stop_deadline()
            self._timer = threading.Timer(seconds, self._cut)
            self._timer.daemon = True
            self._timer.start()

        def _stop_deadline(self) -> None:
            timer = getattr(self, "_timer", None)
            if timer is not None:
                timer.cancel()

        def handle_one_request(self) -> None:
            self._deadline(2 * limits.idle_timeout)  # the whole request must arrive within twice the idle timeout
            try:
                super().handle_one_request()
            finally:
                self._stop_deadline()

        def answer(self, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8",
                   headers: dict[str, str] | None = None) -> None:
            self._deadline(max(60.0, limits.idle_timeout))  # writing the answer, to a client that may read slowly
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            if status >= 400:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def text(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
            self.answer(status, (message + "\n").encode("utf-8"), headers=headers)

        def params(self) -> dict[str, list[str]] | None:
            """The request's parameters (URL and form or SPARQL body); None when an error was already answered."""
            parsed = urllib.parse.urlsplit(self.path)
            try:
                params = urllib.parse.parse_qs(parsed.query, keep_blank_values=True, errors="strict",
                                               max_num_fields=100)
                if self.command != "POST":
                    return params
                try:
                    length = int(self.headers.get("Content-Length") or 0)
                except ValueError:
                    self.text(400, "bad Content-Length")
                    return None
                if length < 0 or length > limits.max_request_bytes:
                    self.text(413, f"the request is larger than {limits.max_request_bytes} bytes")
                    return None
                body = self.rfile.read(length).decode("utf-8") if length else ""
                content_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
                if content_type == "application/x-www-form-urlencoded":
                    for key, values in urllib.parse.parse_qs(body, keep_blank_values=True, errors="strict",
                                                             max_num_fields=100).items():
                        params.setdefault(key, []).extend(values)
                elif content_type == "application/sparql-query":
                    params.setdefault("query", []).append(body)
                elif content_type == "application/sparql-update":
                    params.setdefault("update", []).append(body)
                return params
            except (UnicodeDecodeError, ValueError):
                self.text(400, "the request is not valid UTF-8 form data")
                return None

        def home(self, params: dict[str, list[str]]) -> None:
            if "query" in params:
                self.query(params)
                return
            if site is not None:
                self.static(params)
                return
            page = HOME_PAGE.format(timeout=limits.timeout, max_rows=limits.max_rows, max_mb=limits.max_bytes / 2**20)
            self.answer(200, page.encode("utf-8"), "text/html; charset=utf-8")

        def static(self, params: dict[str, list[str]]) -> None:
            """A file of the site (GET or HEAD only)."""
            if self.command not in ("GET", "HEAD"):
                self.text(405, "the site's pages are read with GET", {"Allow": "GET, HEAD"})
                return
            path = urllib.parse.urlsplit(self.path).path
            if path == EDITOR_PATH and editor is not None:
                self.answer(200, editor, "text/html; charset=utf-8", {"Cache-Control": "no-store"})
                return
            try:
                found = site_file(site, path) if site is not None else None
            except UnicodeDecodeError:
                found = None
            if found is None:
                self.text(404, "not found: send queries to /query")
                return
            try:
                body = found.read_bytes()
            except OSError:
                self.text(404, "not found: send queries to /query")
                return
            self.answer(200, body, CONTENT_TYPES.get(found.suffix.lower(), "application/octet-stream"),
                        {"Referrer-Policy": "no-referrer"})

        def read_only(self, params: dict[str, list[str]]) -> None:
            self.text(403, "this endpoint is read-only: updates are refused")

        def query(self, params: dict[str, list[str]]) -> None:
            if "update" in params:
                self.text(403, "this endpoint is read-only: updates are refused")
                return
            queries = params.get("query") or []
            if len(queries) != 1 or not queries[0].strip():
                self.text(400, "give exactly one 'query' parameter")
                return
            text = queries[0]
            try:
                check_safe(text)
            except InputError as exc:
                status = 403 if "updates" in str(exc) else 400
                self.text(status, str(exc))
                return
            request = {"query": text, "accept": self.headers.get("Accept"),
                       "default_graph": params.get("default-graph-uri") or [],
                       "named_graphs": params.get("named-graph-uri") or []}
            try:
                header, body = pool.run(request, wait=min(limits.timeout, 10.0))
            except queue.Empty:
                self.text(503, "the endpoint is busy: try again shortly", {"Retry-After": "2"})
                return
            except TimeoutError:
                self.text(504, f"the query did not finish within {limits.timeout:g} s and was stopped")
                return
            except WorkerGone:
                self.text(503, "the query stopped the query process; it is being restarted: try again shortly",
                          {"Retry-After": "2"})
                return
            if header.get("status") != 200:
                self.text(int(header.get("status", 500)), str(header.get("error", "the query failed")))
                return
            extra = {}
            if header.get("truncated"):
                extra = {"X-Dtkg-Truncated": "true", "Warning": f'199 dtkg "{header["truncated"]}"'}
            self.answer(200, body, header.get("type", "application/octet-stream"), extra)

        def handle_request(self) -> None:
            path = urllib.parse.urlsplit(self.path).path
            handler = route(self, path)
            if handler is None and ((path == EDITOR_PATH and editor is not None) or site is not None):
                handler = self.static
            if handler is None:
                self.text(404, "not found: send queries to /query")
                return
            params = self.params()
            self._stop_deadline()  # the request is read; the query has its own time limit
            if params is not None:
                handler(params)

        do_GET = do_POST = do_HEAD = handle_request  # noqa: N815

        def do_PUT(self) -> None:  # noqa: N802
            self.text(403, "this endpoint is read-only")

        do_DELETE = do_PATCH = do_PUT  # noqa: N815

    return Handler


def route(handler: BaseHTTPRequestHandler, path: str) -> Callable[[dict[str, list[str]]], None] | None:
    """The method of ``handler`` that answers ``path``, or None (404). New pages are added here."""
    routes = {"/": "home", "/query": "query", "/sparql": "query", "/update": "read_only"}
    name = routes.get(path)
    return getattr(handler, name) if name else None


class BoundedServer(ThreadingHTTPServer):
    """A threading HTTP server with at most ``max_connections`` connection threads; past it, 503 at once."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], max_connections: int) -> None:
        self.slots = threading.BoundedSemaphore(max_connections)
        super().__init__(address, handler)

    def process_request(self, request, client_address) -> None:  # noqa: ANN001
        if not self.slots.acquire(blocking=False):
            try:
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 21\r\n"
                                b"Retry-After: 2\r\nConnection: close\r\n\r\ntoo many connections\n")
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request, client_address) -> None:  # noqa: ANN001
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()


class _Stop(Exception):
    """Raised in the main thread by SIGTERM, to stop the server and its workers."""


def serve(
    store_dir: Path | str,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    timeout: float = 60.0,
    limits: Limits | None = None,
    on_ready: Callable[[str], None] | None = None,
    site: Path | str | None = None,
    build_site: bool = False,
    site_network_views: int = 50,
) -> None:
    """Serve the store at ``store_dir`` read-only on ``http://host:port/query`` until Ctrl-C or SIGTERM.

    ``limits`` bounds each client (its ``timeout`` is replaced by ``timeout``); ``on_ready`` is called with the
    endpoint URL once queries are answered. On return no worker process is left.

    ``site`` is a folder written by ``dtkg site`` to serve at ``/``; with ``build_site`` (and no ``site``), the
    site of the store is written into a temporary folder before the server listens (``site_network_views``
    network views), linked to the editor, and removed on return. The SPARQL editor is at ``/requetes.html``.
    """
    store_dir = Path(store_dir)
    if not is_store(store_dir):
        raise InputError("is not a dtkg store (build one with `dtkg build --store DIR`)", path=store_dir)
    limits = Limits(**{**(limits or Limits()).__dict__, "timeout": timeout})
    from .site import MARKER, query_page_html

    built = None
    if site is not None:
        site = Path(site)
        if not (site / "index.html").is_file() or not (site / MARKER).is_file():
            raise InputError("is not a site written by `dtkg site` (no index.html and .dtkg-site marker)", path=site)
    elif build_site:
        built = Path(tempfile.mkdtemp(prefix="dtkg-serve-site-"))
        try:
            site = write_store_site(store_dir, built / "site", network_views=site_network_views)
        except BaseException:
            shutil.rmtree(built, ignore_errors=True)
            raise
    editor = query_page_html("/sparql", home="/").encode("utf-8")

    def stop(signum: int, frame: object) -> None:
        raise _Stop

    previous = signal.signal(signal.SIGTERM, stop)
    pool = None
    server = None
    try:
        pool = WorkerPool(store_dir, limits)
        try:
            server = BoundedServer((host, port), make_handler(pool, limits, site, editor), limits.max_connections)
        except OSError as exc:
            raise DtkgError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
        url = f"http://{host}:{server.server_address[1]}/query"
        if on_ready is not None:
            on_ready(url)
        server.serve_forever(poll_interval=0.2)
    except (KeyboardInterrupt, _Stop):
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
    finally:
        signal.signal(signal.SIGTERM, previous)
        if server is not None:
            server.server_close()
        if pool is not None:
            pool.close()
        if built is not None:
            shutil.rmtree(built, ignore_errors=True)


def write_store_site(store_dir: Path | str, out_dir: Path | str, *, network_views: int = 50) -> Path:
    """Write the static site of the store at ``store_dir`` into ``out_dir``, with links to the SPARQL editor that
    ``dtkg serve`` offers next to it; the store is opened read-only and closed again."""
    from .load import open_store
    from .site import write_site

    ds = open_store(store_dir)
    try:
        return write_site(ds, out_dir, network_views=network_views, query_editor=True).path
    finally:
        ds.close()
