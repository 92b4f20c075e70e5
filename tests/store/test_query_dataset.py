"""A query's own dataset (FROM / FROM NAMED) holds; the union is the default only without one.

Checked on both backends (embedded Oxigraph and an Oxigraph server whose default graph is
the union), through the store, the command line, the Python API and ``/sparql``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from pyoxigraph import Literal, NamedNode, Quad

import dckg
from dckg.sparql.settings import Settings
from dckg.store import EmbeddedStore, Store
from dckg.store.remote import RemoteStore
from dckg.store.sparqltext import dataset, tokens
from tests.api.conftest import serving
from tests.conftest import Run
from tests.servers import OxigraphServer

EX = "https://example.org/"
G1, G2 = NamedNode(EX + "g1"), NamedNode(EX + "g2")
P = NamedNode(EX + "p")
COUNT = "SELECT (COUNT(*) AS ?n) {}"
FROM_AS_NAME = (
    "PREFIX ex: <https://example.org/> SELECT (COUNT(?from) AS ?n) { ?s ex:from|ex:p ?from }"
)
NONE = "SELECT (COUNT(*) AS ?n) FROM <urn:none> { ?s ?p ?o }"


def _fill(store: Store) -> None:
    store.add_quads(
        [
            Quad(NamedNode(EX + "a"), P, Literal("in g1"), G1),
            Quad(NamedNode(EX + "b"), P, Literal("in g2"), G2),
            Quad(NamedNode(EX + "c"), P, Literal("also in g2"), G2),
        ]
    )


def _count(store: Store, query: str, **options: object) -> int:
    return int(next(iter(store.query(query, **options)))["n"].value)  # type: ignore[arg-type,index]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", 3),  # no dataset: the union
        (NONE, 0),
        ("SELECT (COUNT(*) AS ?n) FROM <https://example.org/g2> { ?s ?p ?o }", 2),
        ("PREFIX ex: <https://example.org/> SELECT (COUNT(*) AS ?n) FROM ex:g1 {?s ?p ?o}", 1),
        ("BASE <https://example.org/> SELECT (COUNT(*) AS ?n) FROM <g1> FROM <g2> {?s ?p ?o}", 3),
        # FROM NAMED alone: an empty default graph, only the graphs named for GRAPH
        ("SELECT (COUNT(*) AS ?n) FROM NAMED <https://example.org/g1> { ?s ?p ?o }", 0),
        (
            "SELECT (COUNT(*) AS ?n) FROM NAMED <https://example.org/g1> { GRAPH ?g { ?s ?p ?o } }",
            1,
        ),
        # FROM alone: no named graphs
        ("SELECT (COUNT(*) AS ?n) FROM <https://example.org/g1> { GRAPH ?g { ?s ?p ?o } }", 0),
        # a "from" in a prefixed name or a variable is no dataset clause
        (FROM_AS_NAME, 3),
    ],
)
def test_the_query_dataset_holds_on_every_backend(
    any_store: Store, query: str, expected: int
) -> None:
    _fill(any_store)
    assert _count(any_store, query) == expected


def test_ask_construct_and_describe_honour_from(any_store: Store) -> None:
    _fill(any_store)
    assert not bool(any_store.query("ASK FROM <urn:none> { ?s ?p ?o }"))
    built = any_store.query("CONSTRUCT { ?s ?p ?o } FROM <https://example.org/g1> {?s ?p ?o}")
    assert [t.object.value for t in built] == ["in g1"]  # type: ignore[union-attr]
    described = any_store.query("DESCRIBE <https://example.org/b> FROM <https://example.org/g1>")
    assert list(described) == []


def test_the_protocol_dataset_overrides_the_query_dataset(any_store: Store) -> None:
    _fill(any_store)
    assert _count(any_store, NONE, default_graph=[G2], named_graphs=[]) == 2


def test_a_remote_store_sends_the_query_dataset(remote_store: RemoteStore) -> None:
    """The server's default graph is the union: without the protocol's parameters it would
    answer over every graph (Oxigraph's ``--union-default-graph`` overrides FROM)."""
    _fill(remote_store)
    assert _count(remote_store, NONE) == 0


def test_dataset_resolves_prefixed_names_and_relative_iris() -> None:
    query = "BASE <http://b/> PREFIX g: <sub/> SELECT * FROM g:x\\.y FROM NAMED <z> {}"
    found = dataset(query, {}, "http://other/")
    assert found is not None
    assert [g.value for g in found.default] == ["http://b/sub/x.y"]
    assert [g.value for g in found.named] == ["http://b/z"]
    assert dataset("SELECT * { SELECT ?s { ?s ?p ?o } }", {}, "http://b/", None) is None
    assert dataset("CONSTRUCT {?s ?p ?o} FROM <a> WHERE {}", {}, "http://b/") is not None
    assert tokens("SELECT*FROM<a>{}")[2].text == "FROM"
    assert dataset("SELECT*FROM<a>{}", {}, "http://b/") is not None


# -- through the command line, the Python API and /sparql --------------------------------


@pytest.fixture
def store_dir(tmp_path: Path) -> str:
    path = tmp_path / "store"
    with EmbeddedStore(path) as store:
        _fill(store)
    return str(path)


def test_dckg_sparql_honours_from(dckg: Callable[..., Run], store_dir: str) -> None:
    done = dckg("--store", store_dir, "sparql", NONE, "--format", "csv")
    assert done.code == 0, done.err
    assert done.out.split() == ["n", "0"]
    union = dckg("--store", store_dir, "sparql", NONE.replace("FROM <urn:none>", ""))
    assert union.code == 0 and "3" in union.out


def test_dckg_sparql_honours_from_on_a_remote_store(
    dckg: Callable[..., Run],
    monkeypatch: pytest.MonkeyPatch,
    remote_store: RemoteStore,
    oxigraph_server: OxigraphServer,
) -> None:
    _fill(remote_store)
    for name, value in oxigraph_server.env().items():
        monkeypatch.setenv(name, value)
    done = dckg("sparql", NONE, "--format", "csv")
    assert done.code == 0, done.err
    assert done.out.split() == ["n", "0"]


def test_the_python_api_honours_from(store_dir: str, oxigraph_server: OxigraphServer) -> None:
    with dckg.open(store_dir) as kg:
        assert int(kg.sparql(NONE)[0]["n"].value) == 0  # type: ignore[index]
    with oxigraph_server.store() as remote:
        remote.update("DROP SILENT ALL")
        _fill(remote)
    with dckg.open(oxigraph_server.query_url) as kg:
        assert int(kg.sparql(NONE)[0]["n"].value) == 0  # type: ignore[index]
        union = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
        assert int(kg.sparql(union)[0]["n"].value) == 3  # type: ignore[index]


def _http_count(url: str, query: str, **params: object) -> int:
    response = httpx.get(
        url + "/sparql",
        params={"query": query, **params},  # type: ignore[dict-item]
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("backend", ["embedded", "remote"])
def test_sparql_endpoint_honours_from(backend: str, request: pytest.FixtureRequest) -> None:
    if backend == "embedded":
        store: Store = EmbeddedStore()
        settings = Settings(store="memory", query_timeout=30.0, query_workers=1)
    else:
        store = request.getfixturevalue("remote_store")
        settings = Settings(store=store.query_url, query_timeout=30.0)  # type: ignore[attr-defined]
    _fill(store)
    with serving(settings, store) as server:
        assert _http_count(server.url, NONE) == 0
        assert _http_count(server.url, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }") == 3
        # the protocol's default-graph-uri overrides the query's FROM
        assert _http_count(server.url, NONE, **{"default-graph-uri": G2.value}) == 2
        named_only = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"
        assert _http_count(server.url, named_only, **{"named-graph-uri": G1.value}) == 1
