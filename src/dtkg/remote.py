"""Talking to other triple stores: querying any SPARQL 1.1 endpoint, and replacing a named graph through the
SPARQL 1.1 Graph Store Protocol (Oxigraph, Jena Fuseki, GraphDB, Virtuoso, Amazon Neptune).

Only the standard library's HTTP client is used. Every failure (unreachable host, refused login, 4xx/5xx answer)
becomes a :class:`RemoteError` with a one-line message; the command line prints it without a traceback.
"""

from __future__ import annotations

import base64
import http.client
import io
import os
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from email.message import Message

from rdflib import Graph
from rdflib.query import Result
from rdflib.term import Node

from .errors import DtkgError, InputError
from .sparql_text import bind_values

#: Environment variable holding a bearer token for endpoints that use one (``--token`` overrides it).
TOKEN_VARIABLE = "DTKG_ENDPOINT_TOKEN"
USER_AGENT = "dtkg"


class RemoteError(DtkgError):
    """An endpoint could not be reached or refused the request."""

    exit_code = 3


@dataclass(frozen=True)
class Credentials:
    """How to authenticate: user and password (HTTP Basic or Digest, as the server asks), or a bearer token."""

    user: str | None = None
    password: str | None = None
    token: str | None = None

    @classmethod
    def from_options(cls, user: str | None, password: str | None, token: str | None = None) -> Credentials:
        """Credentials from command-line options, falling back to ``$DTKG_ENDPOINT_TOKEN`` for a token."""
        return cls(user, password, token or os.environ.get(TOKEN_VARIABLE) or None)


#: Largest answer read from an endpoint (a query result); more is refused rather than held in memory.
MAX_ANSWER_BYTES = 512 << 20
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]+")


def redact(url: str) -> str:
    """``url`` without the ``user:password@`` part, for messages."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def clean(text: str, limit: int = 200) -> str:
    """``text`` as one printable line of at most ``limit`` characters: control and bidirectional characters from a
    server must not reach the terminal."""
    text = " ".join(_CONTROL.sub(" ", text).split())
    return text if len(text) <= limit else text[:limit] + "…"


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    try:
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:
        port = None
    return parts.scheme, (parts.hostname or "").lower(), port


def split_credentials(url: str, credentials: Credentials | None) -> tuple[str, Credentials | None]:
    """The URL without ``user:password@``, and the credentials (those in the URL unless options gave some).

    Raises :class:`~dtkg.errors.InputError` for a URL that is not ``http(s)://host…``.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"{redact(url)!r} is not an http:// or https:// endpoint URL")
    if parts.username is not None and (credentials is None or credentials.user is None):
        credentials = Credentials(urllib.parse.unquote(parts.username), urllib.parse.unquote(parts.password or ""),
                                  credentials.token if credentials else None)
    return redact(url), credentials


class _Deadline:
    """A total time limit for one exchange: when it passes, every socket of the exchange is shut down, so that a
    server sending one byte a second cannot stretch it (a socket timeout only bounds each read)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.expired = False
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.timer = threading.Timer(seconds, self.expire)
        self.timer.daemon = True
        self.timer.start()

    def remaining(self) -> float:
        return max(0.01, self.at - time.monotonic())

    def register(self, sock: socket.socket) -> socket.socket:
        with self.lock:
            self.sockets.append(sock)
            if self.expired:
                self._shut(sock)
        return sock

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def expire(self) -> None:
        with self.lock:
            self.expired = True
            for sock in self.sockets:
                self._shut(sock)

    def cancel(self) -> None:
        self.timer.cancel()


def _opener(url: str, credentials: Credentials | None, deadline: _Deadline) -> urllib.request.OpenerDirector:
    def watched(connection_class: type[http.client.HTTPConnection]) -> type[http.client.HTTPConnection]:
        class Watched(connection_class):  # type: ignore[valid-type, misc]
            def connect(self) -> None:
                self.timeout = deadline.remaining()
                if not isinstance(self, http.client.HTTPSConnection):
                    super().connect()
                    deadline.register(self.sock)
                    return
                # HTTPSConnection.connect, in two steps: the TCP connection (and proxy tunnel) first, then the TLS
                # handshake, which CPython bounds as a whole by the socket's time-out, set here to what is left.
                http.client.HTTPConnection.connect(self)
                deadline.register(self.sock)
                self.sock.settimeout(deadline.remaining())
                self.sock = self._context.wrap_socket(self.sock, server_hostname=self._tunnel_host or self.host)
                deadline.register(self.sock)

        return Watched

    plain, secure = watched(http.client.HTTPConnection), watched(http.client.HTTPSConnection)

    class Plain(urllib.request.HTTPHandler):
        def http_open(self, req):  # noqa: ANN001, ANN201
            return self.do_open(plain, req)

    class Secure(urllib.request.HTTPSHandler):
        def https_open(self, req):  # noqa: ANN001, ANN201
            return self.do_open(secure, req, context=self._context)

    class Redirect(urllib.request.HTTPRedirectHandler):
        """Follows redirects, but sends a token only to the origin it was given for (same scheme, host and port).
        User and password are kept to their URL by the password manager."""

        def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001, ANN201
            new = super().redirect_request(req, fp, code, msg, headers, newurl)
            if new is not None and _origin(new.full_url) != _origin(url):
                for store in (new.headers, new.unredirected_hdrs):
                    store.pop("Authorization", None)
            return new

    handlers: list[urllib.request.BaseHandler] = [Plain(), Secure(), Redirect()]
    if credentials and credentials.user is not None:
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, url, credentials.user, credentials.password or "")
        handlers += [urllib.request.HTTPDigestAuthHandler(manager), urllib.request.HTTPBasicAuthHandler(manager)]
    return urllib.request.build_opener(*handlers)


def _headers(credentials: Credentials | None, **extra: str) -> dict[str, str]:
    headers = {"User-Agent": USER_AGENT, **extra}
    if credentials and credentials.token:
        headers["Authorization"] = f"Bearer {credentials.token}"
    # A user and password are sent only when the server asks (HTTP 401 with its scheme, Basic or Digest): some
    # servers (Virtuoso) refuse a Basic header sent unasked on a Digest realm without offering a challenge.
    return headers


def _read(response, limit: int, url: str) -> bytes:  # noqa: ANN001
    body = bytearray()
    while True:
        chunk = response.read(65536)
        if not chunk:
            return bytes(body)
        body += chunk
        if len(body) > limit:
            raise RemoteError(f"{url}: the answer is larger than {limit} bytes; refused")


def _send(request: urllib.request.Request, credentials: Credentials | None, timeout: float,
          max_bytes: int = MAX_ANSWER_BYTES) -> tuple[int, bytes, str, Message]:
    """Send ``request``; (status, body, content type). Everything, redirects and body included, ends within
    ``timeout`` seconds; the body is read in chunks and refused past ``max_bytes``."""
    url = request.full_url
    deadline = _Deadline(timeout)
    try:
        with _opener(url, credentials, deadline).open(request, timeout=timeout) as response:
            body = _read(response, max_bytes, url)
            if deadline.expired:  # the sockets were shut down: what was read is cut short
                raise TimeoutError
            if getattr(response, "length", None):  # fewer bytes than Content-Length said
                raise http.client.IncompleteRead(body, response.length)
            return response.status, body, response.headers.get("Content-Type", ""), response.headers
    except urllib.error.HTTPError as exc:
        try:
            body = clean(exc.read(4096).decode("utf-8", "replace")) if not deadline.expired else ""
        except (OSError, http.client.HTTPException):
            body = ""
        if exc.code in (401, 403):
            raise RemoteError(f"{url}: login refused (HTTP {exc.code}); check --user/--password or the token") from exc
        raise RemoteError(f"{url}: the endpoint answered HTTP {exc.code} {clean(str(exc.reason), 80)}" +
                          (f": {body}" if body else "")) from exc
    except RemoteError:
        raise
    except (OSError, http.client.HTTPException, ValueError) as exc:
        if deadline.expired or isinstance(exc, (socket.timeout, TimeoutError)) or (
                isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, (socket.timeout, TimeoutError))):
            raise RemoteError(f"{url}: no complete answer within {timeout:g} s") from exc
        if isinstance(exc, urllib.error.URLError):
            raise RemoteError(f"{url}: cannot reach the endpoint ({clean(str(exc.reason), 120)})") from exc
        if isinstance(exc, http.client.HTTPException):
            raise RemoteError(f"{url}: the endpoint sent a malformed answer ({type(exc).__name__}: "
                              f"{clean(str(exc), 120)})") from exc
        raise RemoteError(f"{url}: connection failed ({clean(str(exc), 120)})") from exc
    finally:
        deadline.cancel()


def _parse(body: bytes, kind: str, url: str):  # noqa: ANN202
    """An rdflib Result from an endpoint's answer; a malformed one is a :class:`RemoteError`, not a traceback."""
    names = {"json": "JSON", "xml": "XML", "turtle": "Turtle", "nt": "N-Triples", "json-ld": "JSON-LD"}
    try:
        if kind in ("json", "xml"):
            result = Result.parse(io.BytesIO(body), format=kind)
            if result.type == "SELECT":
                result.bindings = list(result.bindings)
            return result
        result = Result("CONSTRUCT")
        result.graph = Graph().parse(data=body, format=kind)
        return result
    except Exception as exc:  # noqa: BLE001 - each parser raises its own kinds of error
        raise RemoteError(f"{url}: the endpoint's answer is not valid {names.get(kind, kind)} "
                          f"({clean(str(exc) or type(exc).__name__, 160)})") from exc


def query_endpoint(
    endpoint: str,
    query: str,
    params: Mapping[str, Node] | None = None,
    *,
    credentials: Credentials | None = None,
    timeout: float = 60.0,
    max_bytes: int = MAX_ANSWER_BYTES,
) -> Result:
    """Run ``query`` on a SPARQL 1.1 endpoint and return an rdflib ``Result`` (SELECT, ASK, CONSTRUCT, DESCRIBE).

    Parameters are bound with a ``VALUES`` block of escaped terms (see :mod:`dtkg.sparql_text`). The whole
    exchange ends within ``timeout`` seconds; an answer larger than ``max_bytes`` is refused. Credentials (also
    ``user:password@`` in the URL) go only to the endpoint's own origin, never after a redirect to another.
    """
    from .query import check_query, resolve_query

    endpoint, credentials = split_credentials(endpoint, credentials)
    text = resolve_query(query)
    check_query(text)
    text = bind_values(text, dict(params or {}))
    data = urllib.parse.urlencode({"query": text}).encode("utf-8")
    accept = ("application/sparql-results+json, text/turtle;q=0.9, application/n-triples;q=0.8, "
              "application/sparql-results+xml;q=0.5")
    request = urllib.request.Request(endpoint, data=data, method="POST", headers=_headers(
        credentials, Accept=accept, **{"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}))
    _, body, content_type, headers = _send(request, credentials, timeout, max_bytes)
    result = _result(body, content_type, endpoint)
    if headers.get("X-Dtkg-Truncated"):  # a dtkg endpoint cut the result at its limits
        result.truncated = clean(headers.get("Warning") or "the endpoint cut the result at its limits")  # type: ignore[attr-defined]
    return result


def _result(body: bytes, content_type: str, endpoint: str) -> Result:
    kind = content_type.split(";")[0].strip().lower()
    if kind in ("application/sparql-results+json", "application/json"):
        return _parse(body, "json", endpoint)
    if kind in ("application/sparql-results+xml", "application/xml"):
        return _parse(body, "xml", endpoint)
    rdf_formats = {"text/turtle": "turtle", "application/n-triples": "nt", "text/plain": "nt",
                   "application/rdf+xml": "xml", "application/ld+json": "json-ld"}
    if kind in rdf_formats:
        if rdf_formats[kind] == "xml":
            try:
                graph = Graph().parse(data=body, format="xml")
            except Exception as exc:  # noqa: BLE001
                raise RemoteError(f"{endpoint}: the endpoint's answer is not valid RDF/XML ({clean(str(exc), 160)})") from exc
            result = Result("CONSTRUCT")
            result.graph = graph
            return result
        return _parse(body, rdf_formats[kind], endpoint)
    raise RemoteError(f"{endpoint}: unexpected answer type {clean(content_type, 80)!r}")


def graph_store_url(endpoint: str, graph: str | None) -> str:
    """The Graph Store Protocol URL for ``graph`` (``?graph=…``), or the default graph (``?default``)."""
    separator = "&" if "?" in endpoint else "?"
    if graph is None:
        return f"{endpoint}{separator}default"
    return f"{endpoint}{separator}{urllib.parse.urlencode({'graph': graph})}"


def _probe(url: str, timeout: float, authorization: str | None = None) -> tuple[int, list[str]]:
    """Status and WWW-Authenticate challenges of a HEAD request (no body) to ``url``; (0, []) when unreachable."""
    deadline = _Deadline(timeout)
    headers = {"User-Agent": USER_AGENT, **({"Authorization": authorization} if authorization else {})}
    try:
        with _opener(url, None, deadline).open(urllib.request.Request(url, method="HEAD", headers=headers),
                                               timeout=timeout) as response:
            return response.status, []
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get_all("WWW-Authenticate") or []
    except (OSError, http.client.HTTPException, ValueError):
        return 0, []  # the request itself reports an unreachable endpoint or a time-out
    finally:
        deadline.cancel()


def _authorization(url: str, method: str, credentials: Credentials, timeout: float) -> str | None:
    """The Authorization header answering the server's challenge for ``method`` on ``url`` (Basic or Digest), or
    None when the server asks for no login. The challenge is fetched, and the login checked, with HEAD requests,
    which carry no body: a server that refuses a login while a large body is being sent only breaks the connection.

    Raises RemoteError when the server refuses the login."""
    status, challenges = _probe(url, timeout)
    if status != 401:
        return None  # no login asked (or the request itself will say what is wrong)
    manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    manager.add_password(None, url, credentials.user, credentials.password or "")
    digest = urllib.request.HTTPDigestAuthHandler(manager)

    def answer(for_method: str) -> str | None:
        for challenge in challenges:
            scheme, _, rest = challenge.partition(" ")
            if scheme.lower() == "digest":
                fields = urllib.request.parse_keqv_list(
                    [item for item in urllib.request.parse_http_list(rest) if "=" in item])
                value = digest.get_authorization(urllib.request.Request(url, method=for_method), fields)
                if value:
                    return f"Digest {value}"
        for challenge in challenges:
            if challenge.partition(" ")[0].lower() == "basic":
                pair = f"{credentials.user}:{credentials.password or ''}".encode()
                return f"Basic {base64.b64encode(pair).decode('ascii')}"
        return None

    check = answer("HEAD")
    if check is None:
        raise RemoteError(f"{url}: the endpoint asks for a login scheme other than Basic or Digest")
    if _probe(url, timeout, check)[0] in (401, 403):
        raise RemoteError(f"{url}: login refused (HTTP 401); check --user/--password or the token")
    return answer(method)


def push(
    data: Graph,
    endpoint: str,
    graph: str | None,
    *,
    credentials: Credentials | None = None,
    timeout: float = 600.0,
    progress: bool = False,
) -> int:
    """Replace graph ``graph`` (None: the default graph) at a Graph Store Protocol ``endpoint`` with ``data``.

    An HTTP PUT replaces the whole graph, so pushing twice leaves the same content (idempotent). The graph is sent
    as N-Triples, which every store reads. Returns the number of triples sent.
    """
    from .writers import to_ntriples
    from .progress import progress_bar

    endpoint, credentials = split_credentials(endpoint, credentials)
    body = to_ntriples(data).encode("utf-8")
    count = body.count(b"\n")
    url = graph_store_url(endpoint, graph)

    class _Body(io.RawIOBase):
        """Streams the body in chunks so that a progress bar can follow a large push."""

        def __init__(self, advance) -> None:
            self.view = memoryview(body)
            self.position = 0
            self.advance = advance

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            n = min(len(buffer), len(self.view) - self.position, 1 << 20)
            buffer[:n] = self.view[self.position:self.position + n]
            self.position += n
            self.advance(n)
            return n

    # With a login, the server's challenge is fetched first by a request without a body, and the PUT carries its
    # answer: a server that challenges only after reading the body (Virtuoso) otherwise cuts a large push short.
    headers = {"Content-Type": "application/n-triples", "Content-Length": str(len(body))}
    if credentials is not None and credentials.user is not None:
        authorization = _authorization(url, "PUT", credentials, timeout)
        if authorization:
            headers["Authorization"] = authorization
        credentials = None  # answered already: a second challenge means the login is refused
    with progress_bar("Pushing", len(body), unit="bytes", enabled=progress) as advance:
        request = urllib.request.Request(url, data=_Body(advance), method="PUT", headers=_headers(credentials, **headers))
        _send(request, credentials, timeout, max_bytes=1 << 20)
    return count


def iter_rows(result: Result) -> Iterator[tuple]:
    """Rows of a SELECT result as tuples, for comparisons between stores."""
    for row in result:
        yield tuple(row)
