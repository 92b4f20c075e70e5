"""Fixtures of the web area: a store with the reference data and a few partnerships, and
the whole application serving it from a real server on loopback."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from pyoxigraph import RdfFormat

from dckg.api import create_app
from dckg.bootstrap import initialise
from dckg.namespaces import graph
from dckg.sparql.settings import Settings
from dckg.store import EmbeddedStore, Store

FIXTURES = Path(__file__).parent.parent / "data" / "web"
TEST_GRAPH = graph("contribution/web-test")


@pytest.fixture(scope="session")
def web_store() -> Iterator[Store]:
    """Ontology, reference data and tests/data/web/*.ttl; read-only for the tests."""
    with EmbeddedStore() as store:
        initialise(store)
        for path in sorted(FIXTURES.glob("*.ttl")):
            store.load(path, rdf_format=RdfFormat.TURTLE, graph=TEST_GRAPH)
        yield store


def make_app(store: Store) -> FastAPI:
    """The whole application over ``store``."""
    settings = Settings(store="memory", query_timeout=20.0, query_workers=2)
    return create_app(settings, store=store)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """Run ``app`` with uvicorn on a free loopback port; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="session")
def base_url(web_store: Store) -> Iterator[str]:
    """The web area's routers served on loopback by a real server."""
    with serve(make_app(web_store)) as url:
        yield url


@pytest.fixture(scope="session")
def client(base_url: str) -> Iterator[httpx.Client]:
    """An HTTP client of that server."""
    with httpx.Client(base_url=base_url, timeout=30) as c:
        yield c


@pytest.fixture(scope="session")
def raw_get(base_url: str) -> Callable[[str], tuple[int, bytes]]:
    """GET a request target sent byte for byte (no client normalises ``..`` first)."""
    host, port = urlsplit(base_url).hostname, urlsplit(base_url).port

    def get(target: str) -> tuple[int, bytes]:
        with socket.create_connection((host, port), timeout=10) as sock:
            request = f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
            sock.sendall(request.encode("latin-1"))
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        return int(data.split(b" ", 2)[1]), data

    return get
