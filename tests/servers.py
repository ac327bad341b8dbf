"""Real servers started on loopback for the tests: the Oxigraph server, Virtuoso, and `dtkg serve` itself.

Each runs in a temporary folder on a free port and is stopped when its `with` block ends.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from dtkg.server import free_port, oxigraph_executable, wait_for_port
from conftest import in_ci


def _wait_http(url: str, timeout: float, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def oxigraph_server(folder: Path) -> Iterator[str]:
    """A read-write Oxigraph server whose queries see the union of its graphs; yields its base URL (``…/query``,
    ``…/store``)."""
    port = free_port()
    process = subprocess.Popen([oxigraph_executable(), "serve", "--location", str(folder), "--bind",
                                f"127.0.0.1:{port}", "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port("127.0.0.1", port, process=process)
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(process)


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {d}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8
EnabledDavVSP = 0
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


def virtuoso_executable() -> str | None:
    return shutil.which("virtuoso-t")


@contextmanager
def virtuoso_server(folder: Path) -> Iterator[str]:
    """Virtuoso Open Source with its own temporary database; yields its base URL (``…/sparql``,
    ``…/sparql-graph-crud-auth``). The administrator is dba/dba, as in a new Virtuoso."""
    exe = virtuoso_executable()
    if exe is None:
        if in_ci():
            pytest.fail("virtuoso-t is not installed (Debian package virtuoso-opensource); .ci/run installs it")
        pytest.skip("virtuoso-t is not installed (apt-get install virtuoso-opensource)")
    folder.mkdir(parents=True, exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(d=folder, http_port=http_port, sql_port=sql_port))
    process = subprocess.Popen([exe, "+foreground", "+configfile", str(folder / "virtuoso.ini")],
                               cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_http(f"http://127.0.0.1:{http_port}/sparql?query=ASK%7B%7D", 120, process)
        yield f"http://127.0.0.1:{http_port}"
    finally:
        _stop(process)


@contextmanager
def dtkg_serve(store: Path, *extra: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """`dtkg serve --store STORE` as a user runs it; yields (endpoint URL, process)."""
    port = free_port()
    exe = Path(sys.executable).parent / "dtkg"
    process = subprocess.Popen([str(exe), "serve", "--store", str(store), "--port", str(port), *extra],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        wait_for_port("127.0.0.1", port, timeout=60, process=process)
        yield f"http://127.0.0.1:{port}/query", process
    finally:
        _stop(process)
