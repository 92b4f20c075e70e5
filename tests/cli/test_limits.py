"""dckg sparql / query on the embedded store: a row cap that says when it cuts."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pyoxigraph import NamedNode

DATA = Path(__file__).parents[1] / "data" / "queries" / "funding.ttl"
ALL = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"

Dckg = Callable[..., object]


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    from dckg.store import open_store

    path = str(tmp_path_factory.mktemp("limits") / "store")
    with open_store(path) as store:
        store.load(DATA, graph=NamedNode("https://example.org/funding"))
    return path


def test_a_capped_result_is_said_on_stderr(dckg: Dckg, store_dir: str) -> None:
    total = dckg("--store", store_dir, "sparql", "--format", "csv", "--max-results", "0", ALL)
    assert total.code == 0 and total.err == ""
    rows = len(total.out.splitlines()) - 1
    assert rows > 10
    capped = dckg("--store", store_dir, "sparql", "--format", "csv", "--max-results", "5", ALL)
    assert capped.code == 0
    assert len(capped.out.splitlines()) == 6
    assert "warning: incomplete result: only the first 5 rows are shown" in capped.err
    table = dckg("--store", store_dir, "sparql", "--max-results", "5", ALL)
    assert "(5 rows of more)" in table.out
    # exactly at the cap: whole, nothing said
    exact = dckg("--store", store_dir, "sparql", "--format", "tsv", "--max-results", str(rows), ALL)
    assert exact.code == 0 and exact.err == ""


def test_strict_exits_3_and_the_variable_sets_the_cap(
    dckg: Dckg, store_dir: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DCKG_MAX_RESULTS", "3")
    run = dckg("--store", store_dir, "sparql", "--format", "json", "--strict", ALL)
    assert run.code == 3
    assert "the result is incomplete: only the first 3 rows" in run.err
    assert run.out.count('"s":') == 3  # what there is was written first
    graph = dckg("--store", store_dir, "sparql", "--format", "nt", "CONSTRUCT WHERE { ?s ?p ?o }")
    assert graph.code == 0 and len(graph.out.splitlines()) == 3 and "incomplete" in graph.err
    named = dckg("--store", store_dir, "query", "funding-by-instrument", "--max-results", "1")
    assert named.code == 0 and "(1 row of more)" in named.out
    bad = dckg("--store", store_dir, "sparql", "--max-results", "-1", ALL)
    assert bad.code == 2


def test_a_query_past_its_time_limit_is_stopped(dckg: Dckg, store_dir: str) -> None:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"
    started = time.monotonic()
    run = dckg("--store", store_dir, "sparql", "--timeout", "1", slow)
    assert run.code == 1
    assert "time limit of 1 s" in run.err
    assert time.monotonic() - started < 30
