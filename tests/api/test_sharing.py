"""Fair sharing: one client's wall of runaway queries never starves the others.

Clients are told apart by their address; the tests speak from different loopback addresses
(127.0.0.2, 127.0.0.3, …), as different machines would.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from dckg.sparql.engine import Admission
from dckg.sparql.errors import Busy
from dckg.sparql.settings import Settings
from dckg.store import Store
from tests.api.conftest import CARTESIAN, Server, serving

ATTACKER, OTHER = "127.0.0.2", "127.0.0.3"


def _client(server: Server, address: str) -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=server.url, transport=transport, timeout=30)


@pytest.fixture(scope="module")
def shared(reference_store: Store) -> Iterator[Server]:
    settings = Settings(store="memory", query_timeout=6.0, query_workers=2)
    with serving(settings, reference_store) as server:
        yield server


def test_a_wall_of_runaways_does_not_starve_another_client(shared: Server) -> None:
    def runaway(_: int) -> httpx.Response:
        with _client(shared, ATTACKER) as client:
            return client.get("/sparql", params={"query": CARTESIAN})

    with ThreadPoolExecutor(8) as pool, _client(shared, OTHER) as other:
        wall = [pool.submit(runaway, i) for i in range(8)]
        time.sleep(0.5)  # the attacker now holds both workers, the rest of its wall waits
        took = []
        for _ in range(10):
            started = time.monotonic()
            response = other.get("/sparql", params={"query": "ASK { ?s a dckg:City }"})
            took.append(time.monotonic() - started)
            assert response.status_code == 200 and response.json()["boolean"] is True
        engine = shared.app.state.engine  # type: ignore[attr-defined]
        # While the other client is present, the attacker holds at most its share.
        assert engine.admission.running(ATTACKER) <= engine.admission.per_client
        answers = [f.result() for f in wall]
    # The first small query may wait for one runaway to be stopped; then none waits.
    assert took[0] < 3.0, took
    assert max(took[1:]) < 1.0, took
    statuses = sorted(r.status_code for r in answers)
    assert set(statuses) <= {503, 504, 507}, statuses
    assert 503 in statuses  # stopped to share, or refused from a full queue
    assert all(r.headers.get("Retry-After") for r in answers if r.status_code == 503)


def test_a_full_queue_refuses_at_once_with_retry_after(reference_store: Store) -> None:
    settings = Settings(store="memory", query_timeout=3.0, query_workers=2, query_queue=2)
    with serving(settings, reference_store) as server:

        def runaway(_: int) -> tuple[int, float, str | None]:
            with _client(server, ATTACKER) as client:
                started = time.monotonic()
                r = client.get("/sparql", params={"query": CARTESIAN})
                return r.status_code, time.monotonic() - started, r.headers.get("Retry-After")

        with ThreadPoolExecutor(6) as pool:
            results = [f.result() for f in [pool.submit(runaway, i) for i in range(6)]]
    refused = [(s, t, h) for s, t, h in results if s == 503 and t < 1.0]
    assert len(refused) >= 2, results
    assert all(h is not None and int(h) > 0 for _, _, h in refused)


def test_a_client_alone_may_use_every_worker() -> None:
    admission = Admission(2)
    deadline = time.monotonic() + 5
    admission.enter("a", deadline)
    admission.enter("a", deadline)  # nobody else: the second worker is not kept back
    assert admission.running("a") == 2
    admission.leave("a")
    admission.leave("a")


def test_with_others_present_a_client_waits_for_its_share() -> None:
    admission = Admission(3)  # per client: 2
    deadline = time.monotonic() + 5
    admission.enter("b", deadline)
    admission.enter("a", deadline)
    admission.enter("a", deadline)
    with pytest.raises(Busy):
        admission.enter("a", time.monotonic() + 0.3)  # a third would leave b's peers nothing
    got = threading.Event()
    threading.Thread(target=lambda: (admission.enter("a", deadline), got.set())).start()
    time.sleep(0.2)
    assert not got.is_set()
    admission.leave("a")  # one of a's own ends: a may start another
    assert got.wait(2)
    assert admission.running("a") == 2


def test_the_client_running_fewest_goes_first() -> None:
    admission = Admission(2, per_client=2)
    deadline = time.monotonic() + 5
    admission.enter("x", deadline)
    admission.enter("a", deadline)
    order: list[str] = []

    def wait(client: str) -> None:
        admission.enter(client, deadline)
        order.append(client)

    first = threading.Thread(target=wait, args=("a",))  # a waits first, running one
    first.start()
    time.sleep(0.1)
    second = threading.Thread(target=wait, args=("d",))  # d waits next, running none
    second.start()
    time.sleep(0.1)
    admission.leave("x")
    second.join(5)
    assert order == ["d"]
    admission.leave("d")
    first.join(5)
    assert order == ["d", "a"]
