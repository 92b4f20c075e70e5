"""A query worker that runs out of memory while writing its answer is replaced.

Found as: two queries whose XML answers outgrew the workers' memory cap (500 projected
variables with 100-character names, ``LIMIT 5000``) made their workers report the error and
then end, and the pool put them back as if well: it was left with no worker, so that every
later query waited for its time limit and got 503, for good. Here one literal of 10 MB of
``&`` does it: XML escaping makes 50 MB of it, copied a few times while the row is written,
past the 96 MiB cap, while the store's side of the query stays small.
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

AMPERSANDS = "SELECT ?o WHERE { ?s <urn:ex:text> ?o }"


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with EmbeddedStore() as store:
        g = NamedNode("urn:ex:g")
        store.add_quads(
            [
                Quad(NamedNode("urn:ex:s"), NamedNode("urn:ex:text"), Literal("&" * 10_000_000), g),
                Quad(NamedNode("urn:ex:s"), NamedNode("urn:ex:p"), Literal(1), g),
            ]
        )
        settings = Settings(store="memory", query_workers=2, query_timeout=10.0, query_memory_mb=96)
        with serving(settings, store) as running:
            yield running


def test_workers_that_ran_out_of_memory_writing_are_replaced(server: Server) -> None:
    def xml(_: int) -> int:
        response = httpx.post(
            server.endpoint,
            data={"query": AMPERSANDS},
            headers={"Accept": "application/sparql-results+xml"},
            timeout=60,
        )
        return response.status_code

    with ThreadPoolExecutor(2) as pool:
        statuses = list(pool.map(xml, range(2)))
    assert statuses == [507, 507]
    started = time.monotonic()
    after = httpx.get(server.endpoint, params={"query": "ASK { ?s ?p 1 }"}, timeout=30)
    took = time.monotonic() - started
    assert after.status_code == 200, after.text
    assert after.json()["boolean"] is True
    assert took < 5.0  # a worker was there, not waited for until the 10 s time limit
    engine = server.app.state.engine  # type: ignore[attr-defined]
    assert isinstance(engine, ProcessEngine)
    deadline = time.monotonic() + 10
    while len(engine._all) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(engine._all) == 2
