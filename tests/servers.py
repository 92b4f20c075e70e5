"""Real SPARQL servers on loopback for the tests, and fixtures to run any test on them.

The Oxigraph server comes from the ``oxigraph`` package (a test dependency). Fixtures:

``oxigraph_server``         a session-wide writable server (union default graph)
``remote_store``            an empty :class:`RemoteStore` on it (emptied before each test)
``any_store``               an empty store, once embedded and once remote (parametrized)
``remote_reference_store``  an initialised remote store on its own server, read-only
``any_reference_store``     the initialised store, once embedded and once remote
``remote_env``              the ``DCKG_*`` variables that point the CLI at ``oxigraph_server``

To run a test module on both backends, ask for ``any_store`` / ``any_reference_store``
instead of ``store`` / ``reference_store``.
"""

from __future__ import annotations

import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pyoxigraph
import pytest

from dckg.store import EmbeddedStore, Store
from dckg.store.remote import RemoteStore


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def dckg_serve(store: Path | str, *, workers: int) -> Iterator[str]:
    """``dckg --store STORE serve`` on a free loopback port while the block runs: its URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "dckg", "--store", str(store), "serve", "--port", str(port)],
        env={**os.environ, "DCKG_QUERY_WORKERS": str(workers)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(base + "/sparql", params={"query": "ASK {}"})
            break
        except httpx.TransportError:
            assert process.poll() is None, "dckg serve stopped"
            assert time.monotonic() < deadline, "dckg serve did not start"
            time.sleep(0.2)
    try:
        yield base
    finally:
        process.terminate()
        process.wait(30)


@contextmanager
def recording_server(
    body: bytes, content_type: str, status: int = 200
) -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server answering ``body`` (with ``status``) to every GET and POST,
    recording each path.

    Yields its base URL and the list of paths requested so far: a canary that proves whether
    anything reached out to it.
    """
    requests: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._answer()

        def do_POST(self) -> None:
            self._answer()

        def _answer(self) -> None:
            requests.append(self.path)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", requests
    finally:
        httpd.shutdown()
        httpd.server_close()


def oxigraph_binary() -> str:
    """The ``oxigraph`` command installed beside this Python (the PyPI package)."""
    found = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which(
        "oxigraph"
    )
    if not found:
        raise RuntimeError("the oxigraph server is missing: pip install -e '.[test]'")
    return found


class OxigraphServer:
    """An ``oxigraph serve`` process on a loopback port, data in ``location``."""

    def __init__(
        self,
        location: Path,
        *,
        port: int | None = None,
        timeout_s: int | None = None,
        union: bool = True,
    ) -> None:
        self.location = location
        self.union = union
        self.port = port or free_port()
        self.timeout_s = timeout_s
        self.process: subprocess.Popen[bytes] | None = None
        self.log = location.parent / f"{location.name}.log"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.base}/query"

    @property
    def update_url(self) -> str:
        return f"{self.base}/update"

    @property
    def gsp_url(self) -> str:
        return f"{self.base}/store"

    def env(self) -> dict[str, str]:
        """The settings that point dckg at this server."""
        return {
            "DCKG_STORE": self.query_url,
            "DCKG_UPDATE_URL": self.update_url,
            "DCKG_GSP_URL": self.gsp_url,
        }

    def store(self, *, gsp: bool = True, **options: object) -> RemoteStore:
        """A RemoteStore on this server (Graph Store Protocol on unless ``gsp=False``)."""
        return RemoteStore(
            self.query_url,
            update_url=self.update_url,
            gsp_url=self.gsp_url if gsp else None,
            **options,  # type: ignore[arg-type]
        )

    def start(self) -> OxigraphServer:
        command = [
            oxigraph_binary(),
            "serve",
            "--location",
            str(self.location),
            "--bind",
            f"127.0.0.1:{self.port}",
        ]
        if self.union:
            command.append("--union-default-graph")
        if self.timeout_s:
            command += ["--timeout-s", str(self.timeout_s)]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        self._wait()
        return self

    def _wait(self, limit: float = 20.0) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"oxigraph serve stopped: {self.log.read_text()[-2000:]}")
            try:
                answer = httpx.post(self.query_url, data={"query": "ASK {}"}, timeout=1.0)
                if answer.status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"oxigraph serve did not answer on {self.base} within {limit} s")

    def kill(self) -> None:
        """Stop the server abruptly, as a crash would."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """A writable Oxigraph server for the whole session."""
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph") / "db").start()
    yield server
    server.stop()


@pytest.fixture
def remote_store(oxigraph_server: OxigraphServer) -> Iterator[RemoteStore]:
    """An empty remote store (the session server, emptied first)."""
    with oxigraph_server.store() as s:
        s.update("DROP SILENT ALL")
        yield s  # type: ignore[misc]


@pytest.fixture
def remote_env(oxigraph_server: OxigraphServer) -> Iterator[dict[str, str]]:
    """``DCKG_*`` settings for the CLI, on an emptied session server."""
    with oxigraph_server.store() as s:
        s.update("DROP SILENT ALL")
    yield oxigraph_server.env()


@pytest.fixture(params=["embedded", "remote"])
def any_store(request: pytest.FixtureRequest) -> Iterator[Store]:
    """An empty store, on each backend in turn."""
    if request.param == "embedded":
        with EmbeddedStore() as s:
            yield s
    else:
        yield request.getfixturevalue("remote_store")


@pytest.fixture(scope="session")
def remote_reference_store(
    tmp_path_factory: pytest.TempPathFactory, reference_store: Store
) -> Iterator[RemoteStore]:
    """An Oxigraph server holding the ontology and reference data. Read-only.

    The server starts on a copy of the session's reference store, written by pyoxigraph (the
    same Oxigraph release as the server) before it starts: initialising over HTTP gives the
    same quads (``tests/store/test_remote_cli.py`` runs ``dckg init`` on a server) and took
    35 s in each test process."""
    location = tmp_path_factory.mktemp("oxigraph-reference") / "db"
    copy = pyoxigraph.Store(str(location))
    copy.bulk_extend(reference_store.quads())
    copy.flush()
    del copy  # closes the database, for the server to open it
    server = OxigraphServer(location).start()
    with server.store() as s:
        assert s.count() == reference_store.count()
        yield s  # type: ignore[misc]
    server.stop()


@pytest.fixture(scope="session", params=["embedded", "remote"])
def any_reference_store(request: pytest.FixtureRequest) -> Store:
    """The initialised reference store, on each backend in turn. Read-only."""
    name = "reference_store" if request.param == "embedded" else "remote_reference_store"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]
