"""`dtkg query --endpoint` and `dtkg push` against hostile servers on loopback: credentials stay with their origin and
out of messages, time limits are total, answers are capped, and every malformed answer is one line with exit 3."""

from __future__ import annotations

import time

import pytest

from dtkg.remote import RemoteError, clean, query_endpoint, redact
from hostile import drip, fixed, scripted

ASK = "ASK { ?s ?p ?o }"
ASK_JSON = b'{"head":{},"boolean":true}'


def ok(body: bytes, content_type: bytes = b"application/sparql-results+json") -> bytes:
    return (b"HTTP/1.1 200 OK\r\nContent-Type: " + content_type + b"\r\nContent-Length: " + str(len(body)).encode() +
            b"\r\nConnection: close\r\n\r\n" + body)


def test_a_token_is_not_sent_to_another_host_after_a_redirect(dtkg):
    with scripted(fixed(ok(ASK_JSON))) as (other, other_heads):
        other = other.replace("127.0.0.1", "localhost")  # another origin (host name), same machine
        moved = f"HTTP/1.1 302 Found\r\nLocation: {other}/query\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        with scripted(fixed(moved.encode())) as (first, first_heads):
            result = dtkg("query", "--endpoint", f"{first}/query", "--token", "SECRET-T", ASK)
            assert result.code == 0, result
            assert result.out.strip() == "true"
        assert b"Bearer SECRET-T" in first_heads[0]
        assert len(other_heads) == 1 and b"SECRET-T" not in other_heads[0] and b"Authorization" not in other_heads[0]


def test_a_token_follows_a_redirect_on_the_same_origin():
    def reply(connection, data: bytes) -> None:
        if b"POST /old" in data:
            connection.sendall(b"HTTP/1.1 302 Found\r\nLocation: /new\r\nContent-Length: 0\r\n"
                               b"Connection: close\r\n\r\n")
        else:
            connection.sendall(ok(ASK_JSON))

    from dtkg.remote import Credentials

    with scripted(reply) as (base, heads):
        assert query_endpoint(f"{base}/old", ASK, credentials=Credentials(token="T1")).askAnswer is True
    assert all(b"Bearer T1" in head for head in heads) and len(heads) == 2


def test_passwords_in_urls_are_never_printed(dtkg):
    from dtkg.server import free_port

    port = free_port()
    for args in (("query", "--endpoint", f"http://alice:s3cret@127.0.0.1:{port}/query", ASK),
                 ("push", "--endpoint", f"http://alice:s3cret@127.0.0.1:{port}/store")):
        result = dtkg(*args)
        assert result.code == 3 and "cannot reach" in result.err, result
        assert "s3cret" not in result.err + result.out and "alice" not in result.err + result.out
    assert redact("https://u:p@example.org:8443/q?x=1") == "https://example.org:8443/q?x=1"


def test_a_password_in_the_url_is_used_for_a_login_challenge_only_on_its_host(dtkg):
    def reply(connection, data: bytes) -> None:
        if b"Authorization: Basic" in data:
            connection.sendall(ok(ASK_JSON))
        else:
            connection.sendall(b'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm="x"\r\n'
                               b"Content-Length: 0\r\nConnection: close\r\n\r\n")

    with scripted(reply) as (base, heads):
        result = dtkg("query", "--endpoint", base.replace("http://", "http://alice:s3cret@") + "/query", ASK)
        assert result.code == 0 and result.out.strip() == "true", result
        assert b"Authorization: Basic" in heads[-1]


def test_server_error_bodies_are_cleaned_and_cut(dtkg):
    evil = b"\x1b[2J\x1b]0;owned\x07 boom \r\n" + b"\xe2\x80\xae" + b"A" * 5000
    raw = (b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: " +
           str(len(evil)).encode() + b"\r\nConnection: close\r\n\r\n" + evil)
    with scripted(fixed(raw)) as (base, _):
        result = dtkg("query", "--endpoint", f"{base}/query", ASK)
    assert result.code == 3 and "HTTP 500" in result.err, result
    assert "\x1b" not in result.err and "\x07" not in result.err and "\u202e" not in result.err
    assert len(result.err.strip().splitlines()) == 1 and len(result.err) < 400


@pytest.mark.parametrize("command", ["query", "push"])
def test_time_limits_are_total_against_a_slow_drip(dtkg, command):
    with scripted(drip(ASK_JSON * 4, every=0.5)) as (base, _):
        started = time.monotonic()
        if command == "query":
            result = dtkg("query", "--endpoint", f"{base}/query", "--timeout", "3", ASK)
        else:
            result = dtkg("push", "--endpoint", f"{base}/store", "--timeout", "3")
        elapsed = time.monotonic() - started
    assert result.code == 3 and "no complete answer within 3 s" in result.err, result
    assert elapsed < 3 + 1 + (2 if command == "push" else 0)  # push also loads and serialises the graph first


def test_answers_are_read_with_a_size_cap():
    big = b'{"head":{"vars":["x"]},"results":{"bindings":[' + b'{"x":{"type":"literal","value":"a"}},' * 60000
    with scripted(fixed(ok(big))) as (base, _):
        with pytest.raises(RemoteError, match="larger than 1000000 bytes"):
            query_endpoint(f"{base}/query", ASK, max_bytes=1_000_000)


@pytest.mark.parametrize("raw, message", [
    (b"GARBAGE\r\n\r\n", "malformed answer"),
    (b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\nContent-Length: 100\r\n\r\n{\"head\"",
     "malformed answer"),
    (ok(b"{not json"), "not valid JSON"),
    (ok(b'{"head": {}, "results": 3}'), "not valid JSON"),
    (ok(b"<http://a> <http://b", b"text/turtle"), "not valid Turtle"),
    (ok(b"<sparql><results><result>", b"application/sparql-results+xml"), "not valid XML"),
    (ok(b"hello", b"image/png"), "unexpected answer type"),
])
def test_malformed_answers_are_one_line_and_exit_3(dtkg, raw, message):
    with scripted(fixed(raw)) as (base, _):
        result = dtkg("query", "--endpoint", f"{base}/query", ASK)
    assert result.code == 3, result
    assert message in result.err and "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_bad_endpoint_urls_are_input_errors(dtkg):
    result = dtkg("query", "--endpoint", "ftp://127.0.0.1/q", ASK)
    assert result.code == 2 and "not an http:// or https:// endpoint URL" in result.err


def test_clean_keeps_one_printable_line():
    assert clean("a\x1b[31mb\nc\u2066d" + "x" * 300, 20) == "a [31mb c dxxxxxxxxx…"


def test_the_time_limit_covers_a_tls_handshake_that_drips():
    """A server that answers the TLS greeting one byte every half second never lets a read time out; the total
    limit, connection and handshake included, still ends the exchange on time."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    stop = threading.Event()

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)  # the client's greeting
            connection.sendall(b"\x16\x03\x03\x40\x00")  # a handshake record of 16 KiB is announced…
            while not stop.is_set():  # …and sent one byte at a time
                try:
                    connection.sendall(b"\x00")
                except OSError:
                    return
                time.sleep(0.5)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    started = time.monotonic()
    try:
        with pytest.raises(RemoteError, match="no complete answer within 2 s"):
            query_endpoint(f"https://127.0.0.1:{listener.getsockname()[1]}/query", ASK, timeout=2)
    finally:
        stop.set()
        listener.close()
    assert time.monotonic() - started < 2.8
