"""dckg.open(URL): the remote backend, against a real Oxigraph server on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import NamedNode

import dckg
from dckg.errors import IncompleteResult, QueryError, StoreError
from dckg.store import EmbeddedStore
from dckg.store.remote import RemoteStore
from tests.kg.conftest import ALL, GRAPH, TYPED
from tests.servers import OxigraphServer, free_port

pd = pytest.importorskip("pandas", reason="the pandas extra is part of the test extra")

PARTNERSHIPS = Path(__file__).parents[1] / "data" / "queries" / "partnerships.ttl"


@pytest.fixture
def remote_kg(
    remote_store: RemoteStore, oxigraph_server: OxigraphServer
) -> Iterator[dckg.KnowledgeGraph]:
    """The typed data and the partnerships on the session's Oxigraph server, opened by URL."""
    remote_store.load(TYPED, graph=GRAPH)
    remote_store.load(PARTNERSHIPS, graph=NamedNode("https://example.org/partnerships"))
    with dckg.open(oxigraph_server.query_url) as kg:
        yield kg


@pytest.fixture(scope="module")
def local_kg() -> Iterator[dckg.KnowledgeGraph]:
    with EmbeddedStore() as store:
        store.load(TYPED, graph=GRAPH)
        store.load(PARTNERSHIPS, graph=NamedNode("https://example.org/partnerships"))
        with dckg.open(store) as kg:
            yield kg


def test_a_url_opens_the_remote_backend(remote_kg: dckg.KnowledgeGraph) -> None:
    assert isinstance(remote_kg.store, RemoteStore)


def test_remote_tables_have_the_same_dtypes_and_values(
    remote_kg: dckg.KnowledgeGraph, local_kg: dckg.KnowledgeGraph
) -> None:
    remote = remote_kg.sparql(ALL).to_dataframe().drop(columns=["page"])  # blank node ids
    local = local_kg.sparql(ALL).to_dataframe().drop(columns=["page"])
    assert str(remote["count"].dtype) == "Int64"
    assert str(remote["day"].dtype) == "datetime64[ns]"
    pd.testing.assert_frame_equal(remote, local)


def test_a_named_query_runs_remotely_as_locally(
    remote_kg: dckg.KnowledgeGraph, local_kg: dckg.KnowledgeGraph
) -> None:
    remote = remote_kg.query("most-connected-cities", country="FR")
    local = local_kg.query("most-connected-cities", country="FR")
    assert len(remote) > 0
    assert [tuple(r) for r in remote] == [tuple(r) for r in local]


def test_remote_bindings_ask_and_graphs(remote_kg: dckg.KnowledgeGraph) -> None:
    ex = "https://example.org/kg/"
    rows = remote_kg.sparql(f"SELECT ?s ?c WHERE {{ ?s <{ex}count> ?c }}", s=NamedNode(ex + "a"))
    assert [r.c.value for r in rows] == ["12"]
    assert remote_kg.sparql(f"ASK {{ ?s <{ex}count> 12 }}") is True
    graph = remote_kg.sparql(f"CONSTRUCT WHERE {{ ?s <{ex}count> ?c }}")
    assert isinstance(graph, rdflib.Graph) and len(graph) == 2


def test_remote_limits_and_errors(remote_kg: dckg.KnowledgeGraph) -> None:
    with pytest.raises(IncompleteResult):
        remote_kg.sparql(ALL, max_results=1, strict=True)
    assert len(remote_kg.sparql(ALL, max_results=0)) == 2
    with pytest.raises(QueryError):
        remote_kg.sparql("SELECT ?s WHERE { ?s ")


def test_an_endpoint_that_does_not_answer_is_a_store_error() -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(StoreError, match=r"127\.0\.0\.1"):
        dckg.open(url)
