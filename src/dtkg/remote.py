"""Talking to other triple stores: querying any SPARQL 1.1 endpoint, and replacing a named graph through the
SPARQL 1.1 Graph Store Protocol (Oxigraph, Jena Fuseki, GraphDB, Virtuoso, Amazon Neptune).

Only the standard library's HTTP client is used. Every failure (unreachable host, refused login, 4xx/5xx answer)
becomes a :class:`RemoteError` with a one-line message; the command line prints it without a traceback.
"""

from __future__ import annotations

import io
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from rdflib import Graph
from rdflib.query import Result
from rdflib.term import Node

from .errors import DtkgError
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


def _opener(url: str, credentials: Credentials | None) -> urllib.request.OpenerDirector:
    handlers: list[urllib.request.BaseHandler] = []
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


def _send(request: urllib.request.Request, credentials: Credentials | None, timeout: float) -> tuple[int, bytes, str]:
    url = request.full_url
    try:
        with _opener(url, credentials).open(request, timeout=timeout) as response:
            return response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        body = exc.read()[:300].decode("utf-8", "replace").strip().replace("\n", " ")
        if exc.code in (401, 403):
            raise RemoteError(f"{url}: login refused (HTTP {exc.code}); check --user/--password or the token") from exc
        raise RemoteError(f"{url}: the endpoint answered HTTP {exc.code} {exc.reason}" +
                          (f": {body}" if body else "")) from exc
    except urllib.error.URLError as exc:
        reason = exc.reason
        raise RemoteError(f"{url}: cannot reach the endpoint ({reason})") from exc
    except (socket.timeout, TimeoutError) as exc:
        raise RemoteError(f"{url}: no answer within {timeout:g} s") from exc
    except ConnectionError as exc:
        raise RemoteError(f"{url}: connection failed ({exc})") from exc


def query_endpoint(
    endpoint: str,
    query: str,
    params: Mapping[str, Node] | None = None,
    *,
    credentials: Credentials | None = None,
    timeout: float = 60.0,
) -> Result:
    """Run ``query`` on a SPARQL 1.1 endpoint and return an rdflib ``Result`` (SELECT, ASK, CONSTRUCT, DESCRIBE).

    Parameters are bound with a ``VALUES`` block of escaped terms (see :mod:`dtkg.sparql_text`).
    """
    from .query import check_query, resolve_query

    text = resolve_query(query)
    check_query(text)
    text = bind_values(text, dict(params or {}))
    data = urllib.parse.urlencode({"query": text}).encode("utf-8")
    accept = ("application/sparql-results+json, text/turtle;q=0.9, application/n-triples;q=0.8, "
              "application/sparql-results+xml;q=0.5")
    request = urllib.request.Request(endpoint, data=data, method="POST", headers=_headers(
        credentials, Accept=accept, **{"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}))
    _, body, content_type = _send(request, credentials, timeout)
    kind = content_type.split(";")[0].strip().lower()
    if kind in ("application/sparql-results+json", "application/json"):
        return Result.parse(io.BytesIO(body), format="json")
    if kind in ("application/sparql-results+xml", "application/xml"):
        return Result.parse(io.BytesIO(body), format="xml")
    rdf_formats = {"text/turtle": "turtle", "application/n-triples": "nt", "text/plain": "nt",
                   "application/rdf+xml": "xml", "application/ld+json": "json-ld"}
    if kind in rdf_formats:
        graph = Graph().parse(data=body, format=rdf_formats[kind])
        result = Result("CONSTRUCT")
        result.graph = graph
        return result
    raise RemoteError(f"{endpoint}: unexpected answer type {content_type!r}")


def graph_store_url(endpoint: str, graph: str | None) -> str:
    """The Graph Store Protocol URL for ``graph`` (``?graph=…``), or the default graph (``?default``)."""
    separator = "&" if "?" in endpoint else "?"
    if graph is None:
        return f"{endpoint}{separator}default"
    return f"{endpoint}{separator}{urllib.parse.urlencode({'graph': graph})}"


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
    from .export import to_ntriples
    from .progress import progress_bar

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

    # A login may take two rounds (Digest): the body must then be re-sendable, so it is sent whole; without a login
    # it is streamed, so that a progress bar can follow a large push.
    streamed = credentials is None or credentials.user is None
    with progress_bar("Pushing", len(body), unit="bytes", enabled=progress and streamed) as advance:
        payload = _Body(advance) if streamed else body
        request = urllib.request.Request(url, data=payload, method="PUT", headers=_headers(
            credentials, **{"Content-Type": "application/n-triples", "Content-Length": str(len(body))}))
        _send(request, credentials, timeout)
    return count


def iter_rows(result: Result) -> Iterator[tuple]:
    """Rows of a SELECT result as tuples, for comparisons between stores."""
    for row in result:
        yield tuple(row)
