"""A remote engine's partial answers are never passed on as whole (Virtuoso, opt-in).

Virtuoso here sends at most 100 rows per answer (``ResultSetMaxRows``) and stops queries
after 1 s (``MaxQueryExecutionTime``); with ``?timeout=`` on the endpoint URL it answers
"anytime" queries with what it found in time. Each cut is detected through the store,
``dckg sparql``, ``dckg query`` and the HTTP API.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from pyoxigraph import Literal, NamedNode, Quad

from dckg.errors import IncompleteResult, QueryTimeout
from dckg.namespaces import DCKG, RDF, RDFS
from dckg.sparql.settings import Settings
from dckg.store.remote import RemoteStore
from tests.api.conftest import serving
from tests.store.test_virtuoso import pytestmark as virtuoso_marks
from tests.store.test_virtuoso import running_virtuoso

pytestmark = virtuoso_marks

CAP = 100
G = NamedNode("https://example.org/towns")
#: 300 rows, over the cap.
ALL_TOWNS = "SELECT ?t ?label WHERE { ?t rdfs:label ?label } LIMIT 500"
#: A cross product that runs far past 1 s.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_virtuoso(tmp_path_factory.mktemp("capped"), max_rows=CAP, max_time=1) as url:
        with RemoteStore(url, batch=500) as store:
            label, kind = NamedNode(RDFS + "label"), NamedNode(RDF + "type")
            twinnings = [NamedNode(f"https://example.org/twinning/{i}") for i in range(300)]
            store.add_quads(
                [Quad(t, label, Literal(f"Twinning {i}"), G) for i, t in enumerate(twinnings)]
                + [Quad(t, kind, NamedNode(DCKG + "Twinning"), G) for t in twinnings]
            )
        yield url


def test_the_row_cap_is_an_error_by_default(endpoint: str) -> None:
    with RemoteStore(endpoint) as store:
        with pytest.raises(IncompleteResult, match="X-SPARQL-MaxRows: 100") as caught:
            store.query(ALL_TOWNS)
        assert caught.value.cause == "rows"
        # under the cap: whole, and no flag
        assert len(list(store.query("SELECT ?t WHERE { ?t rdfs:label ?l } LIMIT 50"))) == 50
        assert store.truncation() is None


def test_the_row_cap_is_flagged_when_partial_answers_are_allowed(endpoint: str) -> None:
    with RemoteStore(endpoint, allow_partial=True) as store:
        rows = list(store.query(ALL_TOWNS))
        assert len(rows) == CAP
        cut = store.truncation()
        assert cut is not None and cut.cause == "rows" and cut.rows == CAP
        store.query("SELECT ?t WHERE { ?t rdfs:label ?l } LIMIT 5")
        assert store.truncation() is None


def test_an_anytime_answer_is_detected(endpoint: str) -> None:
    anytime = endpoint + "?timeout=500"
    with RemoteStore(anytime) as store:
        with pytest.raises(IncompleteResult, match="S1TAT") as caught:
            store.query(SLOW)
        assert caught.value.cause == "time"
    with RemoteStore(anytime, allow_partial=True) as store:
        list(store.query(SLOW))
        cut = store.truncation()
        assert cut is not None and cut.cause == "time"


def test_the_servers_time_limit_is_a_timeout(endpoint: str) -> None:
    with (
        RemoteStore(endpoint) as store,
        pytest.raises(QueryTimeout, match=r"its own time limit.*S1T00"),
    ):
        store.query(SLOW)


Dckg = Callable[..., object]


def test_dckg_sparql_and_query_say_the_answer_is_cut(
    endpoint: str, dckg: Dckg, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DCKG_STORE_ALLOW_PARTIAL", raising=False)
    run = dckg("--store", endpoint, "sparql", "--format", "csv", ALL_TOWNS)
    assert run.code == 3, run.err
    assert "X-SPARQL-MaxRows: 100" in run.err and run.out == ""
    named = dckg(
        "--store",
        endpoint,
        "query",
        "find-entity",
        "-p",
        "name=twinning",
        "-p",
        "type=dckg:Twinning",
    )
    assert named.code == 3 and "ResultSetMaxRows" in named.err
    slow = dckg("--store", endpoint + "?timeout=500", "sparql", SLOW)
    assert slow.code == 3 and "S1TAT" in slow.err

    monkeypatch.setenv("DCKG_STORE_ALLOW_PARTIAL", "1")
    run = dckg("--store", endpoint, "sparql", "--format", "csv", ALL_TOWNS)
    assert run.code == 0
    assert len(run.out.splitlines()) == CAP + 1
    assert "warning: incomplete result: the store sent part of the answer (100 rows)" in run.err
    strict = dckg(
        "--store",
        endpoint,
        "query",
        "find-entity",
        "-p",
        "name=twinning",
        "-p",
        "type=dckg:Twinning",
        "--strict",
    )
    assert strict.code == 3 and "ResultSetMaxRows" in strict.err
    assert len(strict.out.splitlines()) > CAP  # what there is, then the error


def test_the_http_api_over_the_remote_store_refuses_a_cut_answer(endpoint: str) -> None:
    settings = Settings(store=endpoint, query_timeout=20, query_workers=2)
    with RemoteStore(endpoint) as store, serving(settings, store) as server:
        response = httpx.get(server.endpoint, params={"query": ALL_TOWNS}, timeout=30)
        assert response.status_code == 502
        assert "X-SPARQL-MaxRows: 100" in response.text
        named = httpx.get(
            server.url + "/queries/find-entity",
            params={"name": "twinning", "type": "dckg:Twinning"},
            timeout=30,
        )
        assert named.status_code == 502
        small = httpx.get(
            server.endpoint,
            params={"query": "SELECT ?t WHERE { ?t rdfs:label ?l } LIMIT 5"},
            timeout=30,
        )
        assert small.status_code == 200 and len(small.json()["results"]["bindings"]) == 5


def test_the_http_api_flags_a_partial_answer_it_was_allowed(endpoint: str) -> None:
    settings = Settings(store=endpoint, query_timeout=20, query_workers=2)
    with RemoteStore(endpoint, allow_partial=True) as store, serving(settings, store) as server:
        response = httpx.get(server.endpoint, params={"query": ALL_TOWNS}, timeout=30)
        assert response.status_code == 200
        assert len(response.json()["results"]["bindings"]) == CAP
        assert response.headers["dckg-truncated"] == f"rows={CAP}; by=remote-store"
