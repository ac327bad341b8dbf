"""Small HTTP servers on loopback for the safety tests: a canary that counts every request it gets, and a server
that answers each connection with a scripted reply (garbage, a slow drip, a redirect) and records what it was sent."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextmanager
def canary() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server that records every request; yields (base URL, list of requested paths)."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_POST = do_GET  # noqa: N815

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def scripted(reply: Callable[[socket.socket, bytes], None]) -> Iterator[tuple[str, list[bytes]]]:
    """A raw TCP server calling ``reply(connection, request head)`` for each connection; yields (base URL, heads)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    heads: list[bytes] = []
    stop = threading.Event()

    def one(connection: socket.socket) -> None:
        with connection:
            connection.settimeout(5)
            data = b""
            try:
                while b"\r\n\r\n" not in data:
                    chunk = connection.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                head, _, body = data.partition(b"\r\n\r\n")
                heads.append(head)
                length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                               if line.lower().startswith(b"content-length:")), 0)
                while len(body) < length:
                    chunk = connection.recv(65536)
                    if not chunk:
                        break
                    body += chunk
                reply(connection, data)
            except OSError:
                pass

    def loop() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            threading.Thread(target=one, args=(connection,), daemon=True).start()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", heads
    finally:
        stop.set()
        thread.join(2)
        listener.close()


def drip(body: bytes, every: float = 1.0, status: bytes = b"200 OK",
         content_type: bytes = b"application/sparql-results+json") -> Callable[[socket.socket, bytes], None]:
    """A reply that sends its headers, then ``body`` one byte every ``every`` s (for at most 60 s)."""

    def reply(connection: socket.socket, _: bytes) -> None:
        connection.sendall(b"HTTP/1.1 " + status + b"\r\nContent-Type: " + content_type +
                           b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n")
        deadline = time.monotonic() + 60
        for byte in body:
            if time.monotonic() > deadline:
                return
            connection.sendall(bytes([byte]))
            time.sleep(every)

    return reply


def fixed(raw: bytes) -> Callable[[socket.socket, bytes], None]:
    """A reply that sends ``raw`` bytes as they are, then closes."""

    def reply(connection: socket.socket, _: bytes) -> None:
        connection.sendall(raw)

    return reply
