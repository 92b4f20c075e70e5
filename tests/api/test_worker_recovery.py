"""A query worker that runs out of memory while writing its answer is replaced.

Found as: two queries whose XML answers outgrew the workers' memory cap (500 projected
variables with 100-character names, ``LIMIT 5000``) left the pool with no worker, so that
every later query waited for its time limit and got 503, for good.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from pyoxigraph import Literal, NamedNode, Quad

from dckg.sparql.engine import ProcessEngine
from dckg.sparql.settings import Settings
from dckg.store import EmbeddedStore
from tests.api.conftest import Server, serving

NAMES = [f"v{i:03d}" + "x" * 96 for i in range(500)]
#: Every row binds 500 long-named variables: some 100 KB of XML a row.
WIDE = (
    "SELECT "
    + " ".join("?" + name for name in NAMES)
    + " WHERE { ?s ?p ?o "
    + " ".join(f"BIND(?o AS ?{name})" for name in NAMES)
    + " } LIMIT 5000"
)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with EmbeddedStore() as store:
        g = NamedNode("urn:ex:g")
        store.add_quads(
            [
                Quad(NamedNode(f"urn:ex:s{i}"), NamedNode("urn:ex:p"), Literal(i), g)
                for i in range(6000)
            ]
        )
        settings = Settings(
            store="memory", query_workers=2, query_timeout=10.0, query_memory_mb=256
        )
        with serving(settings, store) as running:
            yield running


def test_workers_that_ran_out_of_memory_writing_are_replaced(server: Server) -> None:
    def wide(_: int) -> int:
        response = httpx.post(
            server.endpoint,
            data={"query": WIDE},
            headers={"Accept": "application/sparql-results+xml"},
            timeout=60,
        )
        return response.status_code

    with ThreadPoolExecutor(2) as pool:
        statuses = list(pool.map(wide, range(2)))
    assert all(status in (200, 507) for status in statuses), statuses
    started = time.monotonic()
    after = httpx.get(server.endpoint, params={"query": "ASK { ?s ?p 1 }"}, timeout=30)
    took = time.monotonic() - started
    assert after.status_code == 200, after.text
    assert after.json()["boolean"] is True
    assert took < 5.0  # a worker was there, not waited for until the 10 s time limit
    engine = server.app.state.engine  # type: ignore[attr-defined]
    assert isinstance(engine, ProcessEngine)
    deadline = time.monotonic() + 10
    while engine.workers() < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert engine.workers() == 2
