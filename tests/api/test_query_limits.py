"""Limits on what one query may cost: its text, its parsing, its memory, its result's bytes.

Every query-side cost is paid in a query worker, under the time limit and the memory cap;
the server process only measures the query's length.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from dckg.errors import UsageError
from dckg.sparql.engine import ProcessEngine, make_engine
from dckg.sparql.settings import Settings
from dckg.sparql.worker import BYTES, ROWS, Job
from dckg.store import Store
from tests.api.conftest import Server, serving

#: The attack as found: the whole join sorted to keep one row.
ORDER_BY = "SELECT * { ?s ?p ?o . ?a ?b ?c } ORDER BY ?o ?c LIMIT 1"


def _pids(server: Server) -> set[int]:
    engine = server.app.state.engine  # type: ignore[attr-defined]
    assert isinstance(engine, ProcessEngine)
    return {w.process.pid for w in engine._all}


def _long_query(size: int) -> str:
    head = "SELECT ?c WHERE { ?c a dckg:Country } LIMIT 1 # "
    return head + "service " * ((size - len(head) - 1) // 8) + "\n"


@pytest.fixture(scope="module")
def limited(reference_store: Store) -> Iterator[Server]:
    settings = Settings(
        store="memory",
        query_timeout=20.0,
        query_workers=2,
        query_memory_mb=64,
        max_query_bytes=1_100_000,
        max_result_bytes=4000,
        max_results=500,
    )
    with serving(settings, reference_store) as server:
        yield server


def test_a_megabyte_query_mentioning_service_is_answered_in_time(limited: Server) -> None:
    query = _long_query(1_000_000)
    assert len(query.encode()) > 990_000 and query.count("service") > 100_000
    with httpx.Client(base_url=limited.url, timeout=30) as client:
        started = time.monotonic()
        response = client.post(
            "/sparql", content=query, headers={"Content-Type": "application/sparql-query"}
        )
        took = time.monotonic() - started
    assert response.status_code == 200, response.text[:500]
    assert len(response.json()["results"]["bindings"]) == 1
    assert took < 5.0


def test_concurrent_long_queries_do_not_stall_the_server(limited: Server) -> None:
    query = _long_query(1_000_000)

    def post(_: int) -> tuple[int, float]:
        with httpx.Client(base_url=limited.url, timeout=60) as client:
            started = time.monotonic()
            response = client.post(
                "/sparql", content=query, headers={"Content-Type": "application/sparql-query"}
            )
            return response.status_code, time.monotonic() - started

    with ThreadPoolExecutor(6) as pool, httpx.Client(base_url=limited.url, timeout=30) as c:
        long_ones = [pool.submit(post, i) for i in range(6)]
        time.sleep(0.2)
        started = time.monotonic()
        small = c.get("/sparql", params={"query": "ASK { ?s a dckg:City }"})
        small_took = time.monotonic() - started
        results = [f.result() for f in long_ones]
    assert small.status_code == 200 and small.json()["boolean"] is True
    assert small_took < 5.0
    assert all(status == 200 for status, _ in results), results
    assert max(took for _, took in results) < 5.0 * 2


def test_a_query_over_the_size_cap_is_refused_unread(limited: Server) -> None:
    query = _long_query(1_200_000)
    with httpx.Client(base_url=limited.url, timeout=30) as client:
        response = client.post(
            "/sparql", content=query, headers={"Content-Type": "application/sparql-query"}
        )
    assert response.status_code == 413
    assert "DCKG_MAX_QUERY_BYTES" in response.text


def test_a_query_that_crashes_the_parser_stops_only_its_worker(limited: Server) -> None:
    query = "SELECT * WHERE " + "{" * 20_000 + "}" * 20_000  # the parser's stack overflows
    with httpx.Client(base_url=limited.url, timeout=30) as client:
        response = client.post(
            "/sparql", content=query, headers={"Content-Type": "application/sparql-query"}
        )
        assert response.status_code == 400, response.text[:300]
        assert "too long or too deeply nested" in response.text
        again = client.get("/sparql", params={"query": "ASK { ?s a dckg:City }"})
    assert again.status_code == 200


def test_a_query_over_the_memory_cap_ends_alone(limited: Server) -> None:
    before = _pids(limited)
    with httpx.Client(base_url=limited.url, timeout=30) as client:
        started = time.monotonic()
        response = client.get("/sparql", params={"query": ORDER_BY})
        took = time.monotonic() - started
        assert response.status_code == 507, response.text
        assert "64 MiB" in response.text and "DCKG_QUERY_MEMORY_MB" in response.text
        assert took < 15.0  # stopped by the memory cap, not by the 20 s time limit
        # The server lives; the worker was replaced.
        again = client.get("/sparql", params={"query": "ASK { ?s a dckg:City }"})
        assert again.status_code == 200 and again.json()["boolean"] is True
    deadline = time.monotonic() + 10
    while (len(_pids(limited)) < 2 or _pids(limited) == before) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(_pids(limited)) == 2 and _pids(limited) != before


def test_result_bytes_are_capped_as_well_as_rows(limited: Server) -> None:
    concat = "SELECT (GROUP_CONCAT(STR(?s)) AS ?all) WHERE { ?s a dckg:Country }"
    countries = "SELECT ?s WHERE { ?s a dckg:Country }"
    with httpx.Client(base_url=limited.url, timeout=30) as client:
        # A client that may get a cut answer: one huge row (a GROUP_CONCAT) passes any row
        # cap, the byte cap stops it.
        cut = client.get("/sparql", params={"query": concat, "truncate": "true"})
        assert cut.status_code == 200
        assert cut.json()["results"]["bindings"] == []
        assert cut.headers["dckg-truncated"] == "rows=0; by=max-result-bytes"
        many = client.get("/sparql", params={"query": countries, "truncate": "true"})
        rows = many.json()["results"]["bindings"]
        assert 10 < len(rows) < 500
        assert len(many.content) <= 4000  # the body as sent, not its terms
        assert many.headers["dckg-truncated"] == f"rows={len(rows)}; by=max-result-bytes"
        # A plain protocol request is never given part of an answer as whole.
        for query in (concat, countries):
            refused = client.get("/sparql", params={"query": query})
            assert refused.status_code == 507, refused.text
            assert "4000 bytes" in refused.text and "DCKG_MAX_RESULT_BYTES" in refused.text
            assert "truncate=true" in refused.text


def test_the_worker_reports_what_capped_a_result(reference_store: Store) -> None:
    engine = make_engine(reference_store, 2)
    try:

        def run(query: str, **limits: int) -> tuple[int, str | None]:
            job = Job(query, **limits)  # type: ignore[arg-type]
            started = engine.start(job, 10)
            list(started.chunks())
            return started.rows, started.truncation

        countries = "SELECT ?s WHERE { ?s a dckg:Country }"
        assert run(countries, max_results=5) == (5, ROWS)
        rows, why = run(countries, max_result_bytes=1000)
        assert why == BYTES and 5 < rows < 50
        all_rows, why = run(countries)
        assert why is None and all_rows > rows
        graph = "CONSTRUCT WHERE { ?s a dckg:Country }"
        assert run(graph, max_result_bytes=500)[1] == BYTES
    finally:
        engine.close()


def test_the_limits_are_settings() -> None:
    settings = Settings.from_env(
        {
            "DCKG_MAX_QUERY_BYTES": "2048",
            "DCKG_MAX_RESULT_BYTES": "4096",
            "DCKG_QUERY_MEMORY_MB": "256",
            "DCKG_QUERIES_PER_CLIENT": "3",
            "DCKG_QUERY_QUEUE": "7",
        },
        store="memory",
    )
    assert (settings.max_query_bytes, settings.max_result_bytes) == (2048, 4096)
    assert (settings.query_memory_mb, settings.queries_per_client, settings.query_queue) == (
        256,
        3,
        7,
    )
    defaults = Settings(store="memory")
    assert defaults.max_query_bytes == 1024 * 1024 and defaults.query_memory_mb == 1024
    with pytest.raises(UsageError):
        Settings(store="memory", query_memory_mb=-1)
