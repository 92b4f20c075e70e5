"""A reconciliation batch has a time limit (``DCKG_RECONCILE_TIMEOUT``): a batch still
running then is stopped between two of its queries and answered 504.

Found as: a ``/reconcile`` batch of 1,000 queries ran as long as it took, in the server.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest

from dckg.errors import UsageError
from dckg.sparql.settings import Settings
from dckg.store import Store
from tests.api.conftest import Server, serving


@pytest.fixture(scope="module")
def server(reference_store: Store) -> Iterator[Server]:
    settings = Settings(store="memory", query_workers=2, reconcile_timeout=0.5)
    with serving(settings, reference_store) as running:
        yield running


def _batch(n: int) -> dict[str, dict[str, str]]:
    """``n`` misspelt city names: each is looked up by the reconciler, then searched."""
    return {f"q{i}": {"query": f"Lyyon{i:04d} Sprngfeld", "type": "City"} for i in range(n)}


def test_a_batch_past_the_time_limit_is_stopped(server: Server) -> None:
    with httpx.Client(base_url=server.url, timeout=300) as http:
        # The indexes are built once per state of the store, before any limit applies; a
        # batch's first query always runs (the limit is looked at before each next one).
        small = http.post("/reconcile", data={"queries": json.dumps(_batch(1))})
        assert small.status_code == 200, small.text
        started = time.monotonic()
        big = http.post("/reconcile", data={"queries": json.dumps(_batch(1000))})
        took = time.monotonic() - started
    assert big.status_code == 504, big.text[:300]
    assert "DCKG_RECONCILE_TIMEOUT" in big.text and "of its 1000 queries" in big.text
    assert took < 5.0


def test_the_time_limit_is_a_setting() -> None:
    settings = Settings.from_env({"DCKG_RECONCILE_TIMEOUT": "12.5"}, store="memory")
    assert settings.reconcile_timeout == 12.5
    assert Settings(store="memory").reconcile_timeout == 30.0
    with pytest.raises(UsageError, match=r"reconcile_timeout \(DCKG_RECONCILE_TIMEOUT"):
        Settings(store="memory", reconcile_timeout=0)
