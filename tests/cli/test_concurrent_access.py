"""Read-only commands run beside ``dckg serve`` and beside each other on one store directory."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.servers import dckg_serve

DATA = Path(__file__).parents[1] / "data" / "queries" / "funding.ttl"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _dckg(*args: str) -> list[str]:
    return [sys.executable, "-m", "dckg", *args]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A store directory with a little data, and ``dckg serve`` running on it."""
    store = str(tmp_path_factory.mktemp("shared") / "store")
    loaded = subprocess.run(_dckg("--store", store, "load", str(DATA)), capture_output=True)
    assert loaded.returncode == 0, loaded.stderr.decode()
    with dckg_serve(store, workers=2) as base:
        yield store, base + "/sparql"


def test_two_queries_run_at_once_beside_the_server(served: tuple[str, str]) -> None:
    store, url = served
    expected = httpx.get(url, params={"query": COUNT}, headers={"Accept": "text/csv"})
    assert expected.status_code == 200
    total = expected.text.splitlines()[1]
    assert int(total) > 10
    runs = [
        subprocess.Popen(
            _dckg("--store", store, *args), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for args in (
            ("sparql", "--format", "csv", COUNT),
            ("sparql", "--format", "csv", COUNT),
            ("query", "funding-by-instrument", "--format", "csv"),
        )
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    for run, (_out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err.decode()
    assert outputs[0][0].decode().splitlines()[1] == total
    assert outputs[1][0].decode().splitlines()[1] == total
    assert len(outputs[2][0].decode().splitlines()) > 1
    # the server still answers
    again = httpx.get(url, params={"query": COUNT}, headers={"Accept": "text/csv"})
    assert again.text.splitlines()[1] == total


def test_a_writer_is_told_who_holds_the_store(served: tuple[str, str]) -> None:
    store, _url = served
    run = subprocess.run(_dckg("--store", store, "load", str(DATA)), capture_output=True)
    assert run.returncode == 2
    message = run.stderr.decode()
    assert "open for writing by process" in message
    assert "serve" in message  # the holder's command line
    assert "stop that process" in message and "sparql" in message
