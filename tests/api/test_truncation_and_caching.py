"""Answers that say when they were cut, pages that link to the next one, and answers that
are reused until the store changes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from pyoxigraph import Literal, NamedNode, Quad

from dckg.namespaces import DCKG, RDF, RDFS, graph
from dckg.queries.library import Library, parse_query
from dckg.sparql.settings import Settings
from dckg.store import EmbeddedStore
from tests.api.conftest import Server, serving

CITIES = 30
TOKEN = "a-token-for-the-tests-0123"
ALL = "SELECT ?c ?label WHERE { ?c a dckg:City ; rdfs:label ?label } ORDER BY ?label"
LIBRARY = Library(
    {
        "all-cities": parse_query(
            "#+ summary: Every city, by label\n"
            "PREFIX dckg: <https://w3id.org/dckg/ontology#>\n"
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" + ALL + "\n",
            name="all-cities",
        )
    }
)


def _city(i: int) -> list[Quad]:
    city = NamedNode(f"https://w3id.org/dckg/id/city/test-{i:02}")
    g = graph("test/cities")
    return [
        Quad(city, NamedNode(RDF + "type"), NamedNode(DCKG + "City"), g),
        Quad(city, NamedNode(RDFS + "label"), Literal(f"City {i:02}"), g),
    ]


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with EmbeddedStore() as store:
        store.add_quads([q for i in range(CITIES) for q in _city(i)])
        settings = Settings(store="memory", max_results=10, query_workers=2, write_token=TOKEN)
        with serving(settings, store) as running:
            # the app's library is replaced by one query over this data
            yield running


@pytest.fixture(scope="module")
def paged() -> Iterator[Server]:
    from dckg.api import create_app

    with EmbeddedStore() as store:
        store.add_quads([q for i in range(CITIES) for q in _city(i)])
        settings = Settings(store="memory", max_results=10, query_workers=2)
        running = Server(create_app(settings, store=store, library=LIBRARY)).start()
        try:
            yield running
        finally:
            running.stop()


def _rows(response: httpx.Response) -> list[str]:
    return [b["label"]["value"] for b in response.json()["results"]["bindings"]]


def test_a_capped_answer_says_so_in_a_header(server: Server) -> None:
    cut = {"truncate": "true"}
    capped = httpx.get(server.endpoint, params={"query": ALL + " LIMIT 50", **cut})
    assert capped.status_code == 200 and len(_rows(capped)) == 10
    assert capped.headers["dckg-truncated"] == "rows=10; by=max-results"
    whole = httpx.get(server.endpoint, params={"query": ALL + " LIMIT 10", **cut})
    assert len(_rows(whole)) == 10 and "dckg-truncated" not in whole.headers
    graph_answer = httpx.get(
        server.endpoint,
        params={"query": "CONSTRUCT WHERE { ?c a dckg:City }", **cut},
        headers={"Accept": "application/n-triples"},
    )
    assert len(graph_answer.text.strip().splitlines()) == 10
    assert graph_answer.headers["dckg-truncated"] == "rows=10; by=max-results"
    csv = httpx.post(server.endpoint, data={"query": ALL, **cut}, headers={"Accept": "text/csv"})
    assert len(csv.text.strip().splitlines()) == 11 and "dckg-truncated" in csv.headers


def test_a_plain_protocol_answer_is_never_cut_by_the_row_cap(server: Server) -> None:
    # What a federating engine calling through SERVICE sends: it cannot read a header.
    for response in (
        httpx.get(server.endpoint, params={"query": ALL}),
        httpx.post(server.endpoint, data={"query": ALL}),
        httpx.post(
            server.endpoint,
            content=ALL,
            headers={"Content-Type": "application/sparql-query"},
        ),
        httpx.get(server.endpoint, params={"query": ALL, "truncate": "false"}),
    ):
        assert response.status_code == 200
        assert len(_rows(response)) == CITIES
        assert "dckg-truncated" not in response.headers
    bad = httpx.get(server.endpoint, params={"query": ALL, "truncate": "maybe"})
    assert bad.status_code == 400 and "truncate" in bad.text


def test_named_queries_page_with_link_headers(paged: Server) -> None:
    url = paged.url + "/queries/all-cities"
    first = httpx.get(url)
    assert len(_rows(first)) == 10
    assert first.headers["dckg-truncated"] == "rows=10; by=max-results"
    assert 'rel="next"' in first.headers["link"]
    seen: list[str] = []
    page = httpx.get(url, params={"limit": 7})
    pages = 0
    while True:
        pages += 1
        seen += _rows(page)
        assert "dckg-truncated" not in page.headers  # a page the client asked for
        link = page.headers.get("link")
        if link is None:
            break
        target = re.fullmatch(r'<([^>]+)>; rel="next"', link)
        assert target is not None, link
        query = dict(parse_qsl(urlsplit(target.group(1)).query))
        assert query["limit"] == "7"
        page = httpx.get(paged.url + target.group(1))
    assert pages == 5
    assert seen == [f"City {i:02}" for i in range(CITIES)]
    bad = httpx.get(url, params={"limit": 0})
    assert bad.status_code == 400
    over = httpx.get(url, params={"limit": 500})
    assert len(_rows(over)) == 10 and "dckg-truncated" in over.headers


def test_answers_are_reused_until_the_store_changes(server: Server) -> None:
    params = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?c a dckg:City }"}
    first = httpx.get(server.endpoint, params=params)
    tag, modified = first.headers["etag"], first.headers["last-modified"]
    assert tag.startswith('W/"')
    cache = server.app.state.result_cache  # type: ignore[attr-defined]
    hits = cache.hits
    again = httpx.get(server.endpoint, params=params)
    assert again.headers["etag"] == tag and again.content == first.content
    assert cache.hits == hits + 1
    # another format is another answer
    other = httpx.get(server.endpoint, params=params, headers={"Accept": "text/csv"})
    assert other.headers["etag"] != tag
    not_modified = httpx.get(server.endpoint, params=params, headers={"If-None-Match": tag})
    assert not_modified.status_code == 304 and not_modified.content == b""
    since = httpx.get(server.endpoint, params=params, headers={"If-Modified-Since": modified})
    assert since.status_code == 304

    added = httpx.post(
        server.url + "/contributions",
        params={"by": "tests"},
        content=(
            b"<https://w3id.org/dckg/id/city/test-new> a <https://w3id.org/dckg/ontology#City> ;"
            b' <http://www.w3.org/2000/01/rdf-schema#label> "New" .'
        ),
        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"},
        timeout=60,  # a contribution is validated against the whole store
    )
    assert added.status_code in (200, 201), added.text
    after = httpx.get(server.endpoint, params=params, headers={"If-None-Match": tag})
    assert after.status_code == 200 and after.headers["etag"] != tag
    assert after.json()["results"]["bindings"][0]["n"]["value"] == str(CITIES + 1)


def test_the_endpoint_in_a_browser_is_the_editor(server: Server) -> None:
    page = httpx.get(server.endpoint, headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.status_code == 303 and page.headers["location"] == "/#yasgui"
    description = httpx.get(server.endpoint, headers={"Accept": "text/turtle"})
    assert description.status_code == 200 and "sd:Service" in description.text
