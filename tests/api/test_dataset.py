"""The dataset description (VoID, DCAT) and the dumps."""

from __future__ import annotations

import gzip
import http.client
from collections.abc import Iterator

import httpx
import pytest
from pyoxigraph import NamedNode, RdfFormat, parse
from pyoxigraph import Store as OxStore

from dckg.api.settings import Settings
from dckg.store import EmbeddedStore
from tests.api.conftest import Server, serving

DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"


@pytest.fixture(scope="module")
def small(disk_store: EmbeddedStore) -> Iterator[Server]:
    with serving(Settings(store=str(disk_store.path), query_workers=2), disk_store) as server:
        yield server


def _described(body: bytes, fmt: RdfFormat = RdfFormat.TURTLE) -> OxStore:
    store = OxStore()
    store.load(body, fmt)
    return store


def _one(store: OxStore, query: str) -> list[tuple[str, ...]]:
    prefixes = {"dcat": DCAT, "void": VOID, "dct": "http://purl.org/dc/terms/"}
    return sorted(
        tuple(term.value for term in row)  # type: ignore[union-attr]
        for row in store.query(query, prefixes=prefixes)  # type: ignore[union-attr]
    )


def test_void_and_dcat(small: Server, disk_store: EmbeddedStore) -> None:
    response = httpx.get(small.url + "/.well-known/void")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    d = _described(response.content)
    [(dataset, endpoint, triples, issued, modified)] = _one(
        d,
        "SELECT ?d ?e ?n ?i ?m WHERE { ?c a dcat:Catalog ; dcat:dataset ?d . "
        "?d a dcat:Dataset, void:Dataset ; void:sparqlEndpoint ?e ; void:triples ?n ; "
        "dct:title ?t ; dct:description ?x ; dct:publisher ?p ; dct:license ?l ; "
        "dct:issued ?i ; dct:modified ?m }",
    )
    assert endpoint == small.endpoint
    assert dataset == "https://w3id.org/dckg/id/dataset/dckg"
    assert int(triples) == disk_store.count() == 7
    assert (issued, modified) == ("2024-01-02T03:04:05Z", "2025-06-07T08:09:10Z")
    subsets = _one(d, "SELECT ?g ?n WHERE { ?d void:subset ?g . ?g void:triples ?n }")
    assert [(g, int(n)) for g, n in subsets] == [
        (g.value, disk_store.count(g)) for g in disk_store.graphs()
    ]
    downloads = _one(
        d,
        "SELECT ?u ?m WHERE { ?d dcat:distribution ?x . "
        "?x a dcat:Distribution ; dcat:downloadURL ?u ; dcat:accessURL ?u ; dcat:mediaType ?m }",
    )
    assert {u for u, _m in downloads} == {
        f"{small.url}/dumps/{name}"
        for name in ("dckg.nq.gz", "dckg.nt.gz", "dckg.ttl", "dckg.trig")
    }
    # Every advertised download works.
    for url, _media in downloads:
        assert httpx.get(url).status_code == 200
    same = httpx.get(small.url + "/dataset", headers={"Accept": "application/n-triples"})
    assert same.headers["content-type"].startswith("application/n-triples")
    assert {q.triple for q in parse(same.content, RdfFormat.N_TRIPLES)}


def test_description_is_406_for_a_table_format(small: Server) -> None:
    assert (
        httpx.get(small.url + "/.well-known/void", headers={"Accept": "text/csv"}).status_code
        == 406
    )


def test_dataset_dumps(small: Server, disk_store: EmbeddedStore) -> None:
    quads = set(disk_store.quads())
    triples = {q.triple for q in quads}
    assert len(triples) < len(quads)  # one triple is in two graphs

    nq = httpx.get(small.url + "/dumps/dckg.nq.gz")
    assert nq.headers["content-type"] == "application/gzip"
    assert "dckg.nq.gz" in nq.headers["content-disposition"]
    assert set(parse(gzip.decompress(nq.content), RdfFormat.N_QUADS)) == quads

    trig = httpx.get(small.url + "/dumps/dckg.trig")
    assert set(parse(trig.content, RdfFormat.TRIG)) == quads

    nt = httpx.get(small.url + "/dumps/dckg.nt.gz")
    assert {q.triple for q in parse(gzip.decompress(nt.content), RdfFormat.N_TRIPLES)} == triples

    ttl = httpx.get(small.url + "/dumps/dckg.ttl")
    assert ttl.headers["content-type"].startswith("text/turtle")
    assert {q.triple for q in parse(ttl.content, RdfFormat.TURTLE)} == triples


def test_dump_of_a_large_store_streams(api: Server) -> None:
    with httpx.stream("GET", api.url + "/dumps/dckg.nq.gz", timeout=60) as response:
        assert response.headers.get("transfer-encoding") == "chunked"
        first = next(response.iter_raw())
    assert first[:2] == b"\x1f\x8b"


@pytest.mark.parametrize(
    "path",
    [
        "/dumps/..%2F..%2F..%2Fetc%2Fpasswd",
        "/dumps/%2e%2e%2fpyproject.toml",
        "/dumps/../../pyproject.toml",
        "/dumps/dckg.nq.gz%00.txt",
        "/dumps//etc/passwd",
        "/dumps/dckg.nq",
    ],
)
def test_path_traversal_in_dump_paths(small: Server, path: str) -> None:
    # A raw request: httpx would normalise the dots away before sending.
    connection = http.client.HTTPConnection("127.0.0.1", small.port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.status == 404
    assert b"root:" not in body and b"[project]" not in body


def test_dump_list(small: Server) -> None:
    listed = httpx.get(small.url + "/dumps").json()["dumps"]
    assert {d["name"] for d in listed} == {"dckg.nq.gz", "dckg.nt.gz", "dckg.ttl", "dckg.trig"}


def test_graph_iris_in_description_are_the_store_graphs(
    small: Server, disk_store: EmbeddedStore
) -> None:
    d = _described(httpx.get(small.url + "/sparql").content)
    names = {
        row[0]
        for row in _one(
            d,
            "SELECT ?n WHERE { ?s <http://www.w3.org/ns/sparql-service-description#name> ?n }",
        )
    }
    assert names == {g.value for g in disk_store.graphs()}
    assert NamedNode(small.url + "/.well-known/void") in {
        q.object
        for q in d.quads_for_pattern(
            None, NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso"), None
        )
    }
