"""The process in which ``dtkg serve`` runs queries: ``python -m dtkg.serve_worker STORE MAX_ROWS MAX_BYTES``.

Queries run in separate processes so that the server can stop one at its time limit (the process is killed: the CPU
is free at once, which no thread can promise) and survive an engine crash (the process is replaced). The process
talks to the server over its standard input and output only, with length-prefixed messages:

- request: 4-byte length + JSON ``{"query", "accept", "default_graph", "named_graphs"}``;
- reply: 4-byte length + JSON ``{"status", "type", "truncated", "error"}``, then 8-byte length + body.

At start it asks Linux to kill it when the server dies, and, where unprivileged user namespaces are allowed, moves
into a network namespace of its own, with no interface but a loopback that is down: even a query that got past the
check (:mod:`dtkg.sparql_safety`) could then reach no host. Its first reply says whether that worked.
"""

from __future__ import annotations

import json
import signal
import struct
import sys

_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000
_PR_SET_PDEATHSIG = 1


def _libc():
    import ctypes

    return ctypes.CDLL(None, use_errno=True)


def isolate() -> bool:
    """Die with the parent; leave the network if the kernel allows it. True when the network is out of reach."""
    try:
        libc = _libc()
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        return libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) == 0
    except (OSError, AttributeError):
        return False


def _read(stream, n: int) -> bytes:
    data = stream.read(n)
    if len(data) != n:
        raise EOFError
    return data


def send(stream, header: dict, body: bytes = b"") -> None:
    """Write one reply: its JSON header, then its body."""
    encoded = json.dumps(header).encode("utf-8")
    stream.write(struct.pack(">I", len(encoded)) + encoded + struct.pack(">Q", len(body)) + body)
    stream.flush()


def answer(store, request: dict, max_rows: int, max_bytes: int) -> tuple[dict, bytes]:
    """Run one query request on ``store`` and serialise its result."""
    import pyoxigraph as ox

    from .serve_results import write_result

    options: dict = {"use_default_graph_as_union": True}
    if request.get("default_graph"):
        options = {"default_graph": [ox.NamedNode(g) for g in request["default_graph"]]}
    if request.get("named_graphs"):
        options["named_graphs"] = [ox.NamedNode(g) for g in request["named_graphs"]]
    try:
        result = store.query(request["query"], **options)
        written = write_result(result, request.get("accept"), max_rows, max_bytes)
    except SyntaxError as exc:
        return {"status": 400, "error": f"malformed SPARQL: {exc}"}, b""
    except ValueError as exc:  # a graph IRI that is not one
        return {"status": 400, "error": str(exc)}, b""
    except Exception as exc:  # noqa: BLE001 - the engine raises OSError and RuntimeError for evaluation errors
        return {"status": 500, "error": f"the query failed: {exc}"}, b""
    return {"status": 200, "type": written.media_type, "truncated": written.truncated}, written.body


def main(argv: list[str]) -> None:
    """Serve query requests from standard input until it closes."""
    store_dir, max_rows, max_bytes = argv[0], int(argv[1]), int(argv[2])
    offline = isolate()
    import pyoxigraph as ox

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the server, which stops the workers itself
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    store = ox.Store.read_only(store_dir)
    send(stdout, {"status": 0, "offline": offline})
    while True:
        try:
            (length,) = struct.unpack(">I", _read(stdin, 4))
            request = json.loads(_read(stdin, length))
        except EOFError:
            return
        header, body = answer(store, request, max_rows, max_bytes)
        send(stdout, header, body)


if __name__ == "__main__":
    main(sys.argv[1:])
