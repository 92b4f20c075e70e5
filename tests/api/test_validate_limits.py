"""``POST /validate`` costs what a query may cost: it runs in a query worker, under the
query time limit and memory cap, and stops when its client leaves.

Found as: ``/validate`` ran in the server process with no limit (1.1 MB of Turtle: 27 s and
750 MB), and went on after the client had left.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from dckg.sparql.engine import ProcessEngine
from dckg.sparql.settings import Settings
from dckg.store import Store
from tests.api.conftest import Server, serving

pytest.importorskip("dckg.validation")

SMALL = b"""@prefix dckg: <https://w3id.org/dckg/ontology#> .
<https://w3id.org/dckg/id/partnership/limits-test> a dckg:Partnership .
"""


def partnerships(n: int) -> bytes:
    """Turtle for ``n`` partnerships, each with a partner the graph does not hold: seconds of
    SHACL validation per thousand."""
    lines = [
        "@prefix dckg: <https://w3id.org/dckg/ontology#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
    ]
    lines += [
        f'<https://w3id.org/dckg/id/partnership/p{i}> a dckg:Partnership ; rdfs:label "P {i}" ;'
        f" dckg:partner <https://w3id.org/dckg/id/city/x{i}> ."
        for i in range(n)
    ]
    return "\n".join(lines).encode()


@pytest.fixture(scope="module")
def server(reference_store: Store) -> Iterator[Server]:
    # Three seconds against a validation of 40,000 partnerships (a minute here; 4,000 were
    # once done within the limit on a fast machine).
    settings = Settings(store="memory", query_workers=2, query_timeout=3.0)
    with serving(settings, reference_store) as running:
        yield running


def _engine(server: Server) -> ProcessEngine:
    engine = server.app.state.engine  # type: ignore[attr-defined]
    assert isinstance(engine, ProcessEngine)
    return engine


def _pids(server: Server) -> set[int]:
    return {w.process.pid for w in _engine(server)._all}


def _validate(server: Server, body: bytes) -> httpx.Response:
    return httpx.post(
        server.url + "/validate",
        content=body,
        headers={"Content-Type": "text/turtle"},
        timeout=120,
    )


def test_a_validation_stops_at_the_query_time_limit(server: Server) -> None:
    started = time.monotonic()
    response = _validate(server, partnerships(40_000))
    took = time.monotonic() - started
    assert response.status_code == 504, response.text[:300]
    assert "time limit of 3 s" in response.text and "DCKG_QUERY_TIMEOUT" in response.text
    assert took < 10
    # The worker was replaced: the next validation is answered.
    small = _validate(server, SMALL)
    assert small.status_code == 200 and small.json()["conforms"] is False


def test_a_validation_stops_when_its_client_leaves(
    reference_store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(store="memory", query_workers=2, query_timeout=120.0)
    with serving(settings, reference_store) as server:
        _validate(server, SMALL)  # both workers started, one has run a validation
        before = _pids(server)
        body = partnerships(20_000)
        head = (
            f"POST /validate HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
            f"Content-Type: text/turtle\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        with socket.create_connection(("127.0.0.1", server.port)) as sock:
            sock.sendall(head + body)
            deadline = time.monotonic() + 10
            while _engine(server).admission._active == 0 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert _engine(server).admission._active == 1  # the validation runs
            time.sleep(0.5)
        # The client left: its worker is stopped and replaced, well before the time limit.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (
            _engine(server).admission._active or len(_pids(server) - before) < 1
        ):
            time.sleep(0.05)
        assert _engine(server).admission._active == 0
        assert len(_pids(server) - before) == 1 and len(_pids(server)) == 2
    assert "a validation was stopped: its client left" in caplog.text


def test_a_validation_over_the_memory_cap_is_507_and_the_next_is_answered(
    reference_store: Store,
) -> None:
    settings = Settings(store="memory", query_workers=2, query_timeout=90.0, query_memory_mb=128)
    with serving(settings, reference_store) as server:
        # A worker that has validated once holds the SHACL engine: the large one then runs
        # out of memory inside it (where it used to panic, and was answered 503 "try again").
        assert _validate(server, partnerships(2000)).status_code == 200
        large = _validate(server, partnerships(8000))
        assert large.status_code == 507, large.text[:300]
        assert "128 MiB" in large.text and "DCKG_QUERY_MEMORY_MB" in large.text
        small = _validate(server, SMALL)
        assert small.status_code == 200 and small.json()["conforms"] is False
