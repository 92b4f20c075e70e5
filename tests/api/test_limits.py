"""Limits that hold: time, result size, SERVICE calls; on memory and on-disk stores."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from dckg.sparql.engine import ProcessEngine
from dckg.sparql.settings import Settings
from dckg.store import EmbeddedStore, Store
from tests.api.conftest import CARTESIAN, Server, serving
from tests.servers import recording_server


def _worker_pids(server: Server) -> set[int]:
    engine = server.app.state.engine  # type: ignore[attr-defined]
    assert isinstance(engine, ProcessEngine)
    return {w.process.pid for w in engine._all}


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_runaway_query_is_stopped_while_others_are_answered(api: Server) -> None:
    before = _worker_pids(api)
    with httpx.Client(base_url=api.url, timeout=30) as client, ThreadPoolExecutor(1) as pool:
        started = time.monotonic()
        slow = pool.submit(client.get, "/sparql", params={"query": CARTESIAN})
        time.sleep(0.3)  # the runaway query now holds a worker
        quick_start = time.monotonic()
        quick = client.get("/sparql", params={"query": "ASK { ?s a dckg:City }"})
        quick_took = time.monotonic() - quick_start
        assert quick.status_code == 200 and quick.json()["boolean"] is True
        assert quick_took < 1.0
        response = slow.result()
        took = time.monotonic() - started
        # stopped by the time limit (504), or first by the worker's memory cap (507)
        assert response.status_code in (504, 507), response.text
        if response.status_code == 504:
            assert "time limit of 5 s" in response.text
        else:
            assert "DCKG_QUERY_MEMORY_MB" in response.text
        assert took < 5.0 + 3.0
        # The worker that ran it was killed, the work really stopped.
        deadline = time.monotonic() + 5
        while all(_alive(pid) for pid in before) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not all(_alive(pid) for pid in before)
        # The server is still up and answers again, with a full pool.
        again = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
        assert again.status_code == 200
        deadline = time.monotonic() + 10
        while len(_worker_pids(api)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(_worker_pids(api)) == 2


def test_result_cap(reference_store: Store) -> None:
    settings = Settings(store="memory", max_results=7, query_workers=2)
    with serving(settings, reference_store) as server, httpx.Client(base_url=server.url) as c:
        cut = {"truncate": "true"}
        rows = c.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }", **cut})
        assert len(rows.json()["results"]["bindings"]) == 7
        triples = c.get(
            "/sparql",
            params={"query": "CONSTRUCT WHERE { ?s ?p ?o }", **cut},
            headers={"Accept": "application/n-triples"},
        )
        assert len(triples.text.strip().splitlines()) == 7
        small = c.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"})
        assert len(small.json()["results"]["bindings"]) == 3


#: What the canary answers, should a SERVICE call ever reach it.
_LEAKED = (
    b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"leaked"}}]}}'
)


@pytest.fixture
def canary() -> Iterator[tuple[str, list[str]]]:
    """A loopback SPARQL endpoint that records every request reaching it."""
    with recording_server(_LEAKED, "application/sparql-results+json") as (url, hits):
        yield url + "/sparql", hits


def _service_queries(url: str) -> list[str]:
    escaped = "\\u0053ERVICE"
    return [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?x ?y ?z }} }}",
        f"select * where {{ service silent <{url}> {{ ?x ?y ?z }} }}",
        f"SELECT * WHERE {{ {escaped} <{url}> {{ ?x ?y ?z }} }}",
        f"PREFIX c: <{url.rsplit('/', 1)[0]}/> "
        "SELECT * WHERE { SERVICE c:sparql { ?x ?y ?z } }",
        f"SELECT * WHERE {{ ?s a dckg:City FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?y ?z }} }} }}",
        f"SELECT * WHERE {{ {{ SELECT ?x WHERE {{ SERVICE <{url}> {{ ?x ?y ?z }} }} }} }}",
        f"SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?x ?y ?z }} }}",
        f"ASK {{ SERVICE <{url}> {{ ?x ?y ?z }} }} # comment",
    ]


def test_service_to_a_host_not_allowed_is_refused(
    api: Server, canary: tuple[str, list[str]]
) -> None:
    endpoint, hits = canary
    with httpx.Client(base_url=api.url, timeout=30) as client:
        for query in _service_queries(endpoint):
            response = client.post("/sparql", data={"query": query})
            assert response.status_code == 403, (query, response.text)
            assert "not allowed" in response.text
    assert hits == []


def test_service_on_the_allowlist_is_called(
    reference_store: Store, canary: tuple[str, list[str]]
) -> None:
    endpoint, hits = canary
    settings = Settings(store="memory", service_allowlist=(endpoint,), query_workers=2)
    with serving(settings, reference_store) as server, httpx.Client(base_url=server.url) as c:
        query = f"SELECT ?x WHERE {{ SERVICE <{endpoint}> {{ ?x ?y ?z }} }}"
        response = c.get("/sparql", params={"query": query})
        assert response.status_code == 200, response.text
        assert response.json()["results"]["bindings"] == [
            {"x": {"type": "literal", "value": "leaked"}}
        ]
        # Another endpoint on the same host is still refused.
        other = endpoint.replace("/sparql", "/other")
        refused = c.get("/sparql", params={"query": query.replace(endpoint, other)})
        assert refused.status_code == 403
    assert len(hits) == 1


def test_the_word_service_elsewhere_is_harmless(api: Server) -> None:
    query = 'SELECT ?service WHERE { BIND("SERVICE <http://127.0.0.1:9/>" AS ?service) }'
    with httpx.Client(base_url=api.url) as client:
        response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200
    assert response.json()["results"]["bindings"][0]["service"]["value"].startswith("SERVICE")


def test_on_disk_store_workers(disk_store: EmbeddedStore) -> None:
    settings = Settings(store=str(disk_store.path), query_timeout=1.5, query_workers=2)
    with serving(settings, disk_store) as server, httpx.Client(base_url=server.url) as c:
        engine = server.app.state.engine  # type: ignore[attr-defined]
        assert engine._context.get_start_method() == "forkserver"
        labels = c.get(
            "/sparql", params={"query": "SELECT ?l WHERE { ?c rdfs:label ?l } ORDER BY ?l"}
        )
        assert [b["l"]["value"] for b in labels.json()["results"]["bindings"]] == [
            'Quote " and, comma',
            "Testville",
        ]
        slow = c.get(
            "/sparql",
            params={
                "query": "SELECT (COUNT(*) AS ?n) WHERE { "
                + " ".join(f"?a{i} ?b{i} ?c{i} ." for i in range(12))
                + " }"
            },
            timeout=30,
        )
        assert slow.status_code == 504
        assert c.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True
        assert all(w.process.pid != os.getpid() for w in engine._all)
