"""The dataset's description after a write: rebuilt in the background, the previous one
served meanwhile with its own ``ETag``; every IRI it mints dereferences on the server."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse

from dckg.bootstrap import sources
from dckg.namespaces import RDFS, graph
from dckg.sparql.settings import Settings
from dckg.store import EmbeddedStore
from tests.api.conftest import Server, serving
from tests.api.test_dataset import _built, _portal_quads

TOKEN = "rebuild-token-0123456789"
W3ID = "https://w3id.org/dckg"
CONTRIBUTION = (
    b"<https://w3id.org/dckg/id/city/test-new> a <https://w3id.org/dckg/ontology#City> ;"
    b' <http://www.w3.org/2000/01/rdf-schema#label> "New" .'
)


def _contribute(server: Server) -> None:
    added = httpx.post(
        server.url + "/contributions",
        params={"by": "tests"},
        content=CONTRIBUTION,
        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"},
        timeout=60,  # a contribution is validated against the whole store
    )
    assert added.status_code == 201, added.text


def _triples(response: httpx.Response) -> int:
    [value] = {
        q.object.value
        for q in parse(response.content, RdfFormat.TURTLE)
        if q.subject == NamedNode(W3ID + "/id/dataset/dckg")
        and q.predicate == NamedNode("http://rdfs.org/ns/void#triples")
    }
    return int(value)


@pytest.fixture
def writable() -> Iterator[tuple[Server, EmbeddedStore]]:
    settings = Settings(store="memory", write_token=TOKEN, query_workers=1)
    with EmbeddedStore() as store:
        store.add_quads(_portal_quads())
        with serving(settings, store) as server:
            _built(server)
            yield server, store


def test_a_write_serves_the_previous_description_until_the_next_is_built(
    writable: tuple[Server, EmbeddedStore],
) -> None:
    server, store = writable
    before = httpx.get(server.url + "/dataset")
    tag = before.headers["etag"]
    assert httpx.get(server.url + "/dataset").headers["etag"] == tag
    assert httpx.get(server.url + "/dataset", headers={"If-None-Match": tag}).status_code == 304
    html = httpx.get(server.url + "/dataset", headers={"Accept": "text/html"})
    assert html.headers["etag"] not in (tag, None)

    _contribute(server)
    # The first request after the write starts the rebuild and gets the previous version.
    stale = httpx.get(server.url + "/dataset")
    assert stale.status_code == 200
    assert stale.headers["etag"] == tag and stale.content == before.content
    assert _triples(stale) == _triples(before) < store.count()

    _built(server, version=1)
    fresh = httpx.get(server.url + "/dataset", headers={"If-None-Match": tag})
    assert fresh.status_code == 200 and fresh.headers["etag"] != tag
    assert _triples(fresh) == store.count()
    again = httpx.get(server.url + "/dataset", headers={"If-None-Match": fresh.headers["etag"]})
    assert again.status_code == 304


def _bulk(n: int) -> Iterator[Quad]:
    g = graph("test/bulk")
    for i in range(n):
        town = NamedNode(f"https://w3id.org/dckg/id/city/bulk-{i}")
        yield Quad(town, NamedNode(RDFS + "label"), Literal(f"Town {i}", language="en"), g)
        yield Quad(town, NamedNode(RDFS + "comment"), Literal(f"The town numbered {i}."), g)


def test_other_requests_are_answered_while_the_description_is_rebuilt() -> None:
    settings = Settings(store="memory", write_token=TOKEN, query_workers=1)
    with EmbeddedStore() as store:
        store.add_quads(_portal_quads())
        store.add_quads(_bulk(100_000))
        with serving(settings, store) as server:
            _built(server)
            catalogue = server.app.state.catalogue  # type: ignore[attr-defined]
            tag = httpx.get(server.url + "/dataset").headers["etag"]
            _contribute(server)
            assert httpx.get(server.url + "/dataset").headers["etag"] == tag  # rebuild starts
            answered_during_rebuild = []
            for path, params in (
                ("/sparql", {"query": "ASK { ?s ?p ?o }"}),
                ("/queries", {}),
                ("/dumps", {}),
                ("/.well-known/void", {}),
            ):
                response = httpx.get(server.url + path, params=params, timeout=30)
                assert response.status_code == 200, (path, response.text)
                answered_during_rebuild.append(catalogue.building())
            # Each answer came while the rebuild was still running: none waited for it.
            assert all(answered_during_rebuild), answered_during_rebuild
            assert response.headers["etag"] == tag
            _built(server, version=1)
            assert httpx.get(server.url + "/dataset").headers["etag"] != tag


# -- every IRI the description mints dereferences ------------------------------------------


@pytest.fixture(scope="module")
def described() -> Iterator[Server]:
    ontology = sources()[0]
    with EmbeddedStore() as store:
        store.add_quads(_portal_quads())
        store.add_quads(
            Quad(q.subject, q.predicate, q.object, ontology.graph) for q in ontology.triples(store)
        )
        with serving(Settings(store="memory", query_workers=1), store) as server:
            _built(server)
            yield server


def _minted(server: Server) -> set[str]:
    body = httpx.get(server.url + "/dataset").content
    found: set[str] = set()
    for quad in parse(body, RdfFormat.TURTLE):
        for term in (quad.subject, quad.object):
            if isinstance(term, NamedNode) and term.value.startswith(W3ID + "/"):
                found.add(term.value.split("#", 1)[0])
    return found


def test_every_w3id_iri_of_the_description_dereferences(described: Server) -> None:
    minted = _minted(described)
    kinds = {iri.removeprefix(W3ID + "/").split("/")[1] for iri in minted if "/id/" in iri}
    assert {"catalog", "dataset", "distribution", "linkset", "agent", "service"} <= kinds
    assert any("/graph/" in iri for iri in minted)
    for iri in sorted(minted):
        url = described.url + iri.removeprefix(W3ID)
        rdf = httpx.get(url, headers={"Accept": "text/turtle"})
        assert rdf.status_code == 200, (iri, rdf.text)
        assert rdf.headers["content-type"].startswith("text/turtle")
        if iri != W3ID + "/ontology":
            subjects = {q.subject for q in parse(rdf.content, RdfFormat.TURTLE)}
            assert NamedNode(iri) in subjects, iri
        page = httpx.get(url, headers={"Accept": "text/html"})
        assert page.status_code == 200, iri
        assert page.headers["content-type"].startswith("text/html")


def test_a_distribution_named_like_an_extension_and_unknown_iris(described: Server) -> None:
    name = described.url + "/id/distribution/dckg.ttl"
    page = httpx.get(name, headers={"Accept": "text/html"})
    assert page.status_code == 200 and "dckg.ttl" in page.text
    as_turtle = httpx.get(name + ".ttl")
    assert as_turtle.status_code == 200
    assert NamedNode(W3ID + "/id/distribution/dckg.ttl") in {
        q.subject for q in parse(as_turtle.content, RdfFormat.TURTLE)
    }
    for path in ("/id/distribution/none", "/id/linkset/none/x", "/graph/test/none"):
        assert httpx.get(described.url + path).status_code == 404, path
