"""Real servers on 127.0.0.1 for the API tests: uvicorn running the app in a thread."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from pyoxigraph import Literal, NamedNode, Quad

from dckg.api import create_app
from dckg.bootstrap import META_GRAPH
from dckg.namespaces import DCKG, DCT, RDF, RDFS, XSD, graph
from dckg.sparql.settings import Settings
from dckg.store import EmbeddedStore, Store

#: A query that keeps a worker busy far longer than any test's time limit.
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A uvicorn server running an app in a thread."""

    def __init__(self, app: object) -> None:
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.endpoint = self.url + "/sparql"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")  # type: ignore[arg-type]
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def start(self) -> Server:
        self._thread.start()
        deadline = time.monotonic() + 60
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(30)


@contextmanager
def serving(settings: Settings, store: Store) -> Iterator[Server]:
    server = Server(create_app(settings, store=store)).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def api(reference_store: Store) -> Iterator[Server]:
    """The app over the initialised reference store (memory), with tight limits."""
    settings = Settings(
        store="memory",
        query_timeout=5.0,
        max_results=50_000,
        max_body_bytes=64 * 1024,
        query_workers=2,
    )
    with serving(settings, reference_store) as server:
        yield server


def small_quads() -> list[Quad]:
    """Two graphs, a few things each: enough to check dumps and descriptions by hand."""
    a, b = graph("test/a"), graph("test/b")
    city = NamedNode("https://w3id.org/dckg/id/city/test-1")
    other = NamedNode("https://w3id.org/dckg/id/city/test-2")
    return [
        Quad(city, NamedNode(RDF + "type"), NamedNode(DCKG + "City"), a),
        Quad(city, NamedNode(RDFS + "label"), Literal("Testville", language="en"), a),
        Quad(other, NamedNode(RDF + "type"), NamedNode(DCKG + "City"), b),
        Quad(other, NamedNode(RDFS + "label"), Literal('Quote " and, comma'), b),
        # the same triple in two graphs
        Quad(city, NamedNode(RDF + "type"), NamedNode(DCKG + "City"), b),
        # when each graph was loaded, as ``dckg init`` records it
        Quad(
            a,
            NamedNode(DCT + "modified"),
            Literal("2024-01-02T03:04:05+00:00", datatype=NamedNode(XSD + "dateTime")),
            META_GRAPH,
        ),
        Quad(
            b,
            NamedNode(DCT + "modified"),
            Literal("2025-06-07T08:09:10+00:00", datatype=NamedNode(XSD + "dateTime")),
            META_GRAPH,
        ),
    ]


@pytest.fixture(scope="module")
def disk_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    """A small on-disk store (the default backend of ``dckg serve``)."""
    path: Path = tmp_path_factory.mktemp("disk") / "store"
    with EmbeddedStore(path) as store:
        store.add_quads(small_quads())
        store.flush()
        yield store
