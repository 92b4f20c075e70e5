"""The SPARQL 1.1 Protocol query operation, spoken with plain HTTP requests."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import httpx
import pytest
from pyoxigraph import QueryResultsFormat, RdfFormat, parse, parse_query_results

from dckg.store import Store
from tests.api.conftest import Server

CITIES = "SELECT ?city WHERE { ?city a dckg:City } ORDER BY ?city LIMIT 20"


def expected_cities(store: Store) -> list[str]:
    return [row["city"].value for row in store.query(CITIES)]  # type: ignore[index,union-attr]


def cities_from_json(body: bytes) -> list[str]:
    rows = parse_query_results(body, QueryResultsFormat.JSON)
    return [row["city"].value for row in rows]  # type: ignore[index,union-attr]


@pytest.fixture(scope="module")
def client(api: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api.url, timeout=30) as c:
        yield c


def test_get_query(client: httpx.Client, reference_store: Store) -> None:
    response = client.get("/sparql", params={"query": CITIES})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    assert cities_from_json(response.content) == expected_cities(reference_store)
    assert len(expected_cities(reference_store)) == 20


def test_post_form(client: httpx.Client, reference_store: Store) -> None:
    response = client.post("/sparql", data={"query": CITIES})
    assert response.status_code == 200
    assert cities_from_json(response.content) == expected_cities(reference_store)


def test_post_direct(client: httpx.Client, reference_store: Store) -> None:
    response = client.post(
        "/sparql",
        content=CITIES.encode(),
        headers={"Content-Type": "application/sparql-query; charset=utf-8"},
    )
    assert response.status_code == 200
    assert cities_from_json(response.content) == expected_cities(reference_store)


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("application/sparql-results+xml", QueryResultsFormat.XML),
        ("text/csv", QueryResultsFormat.CSV),
        ("text/tab-separated-values", QueryResultsFormat.TSV),
        ("application/json", QueryResultsFormat.JSON),
    ],
)
def test_select_formats(
    client: httpx.Client, reference_store: Store, accept: str, fmt: QueryResultsFormat
) -> None:
    response = client.get("/sparql", params={"query": CITIES}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept.replace(
        "application/json", "application/sparql-results+json"
    )
    if fmt == QueryResultsFormat.CSV:  # lossy: pyoxigraph does not read it back
        lines = list(csv.reader(io.StringIO(response.text)))
        assert lines[0] == ["city"]
        assert [line[0] for line in lines[1:]] == expected_cities(reference_store)
        return
    rows = parse_query_results(response.content, fmt)
    assert [r["city"].value for r in rows] == expected_cities(reference_store)  # type: ignore[index,union-attr]


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", RdfFormat.TURTLE),
        ("application/n-triples", RdfFormat.N_TRIPLES),
        ("application/ld+json", RdfFormat.JSON_LD),
        ("application/rdf+xml", RdfFormat.RDF_XML),
    ],
)
def test_construct_formats(
    client: httpx.Client, reference_store: Store, accept: str, fmt: RdfFormat
) -> None:
    query = "CONSTRUCT { ?c rdfs:label ?l } WHERE { ?c a dckg:Country ; rdfs:label ?l }"
    response = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept
    got = {q.triple for q in parse(response.content, fmt)}
    expected = set(reference_store.query(query))  # type: ignore[arg-type]
    assert len(expected) > 50
    assert got == expected


def test_ask_and_dataset_parameters(client: httpx.Client, reference_store: Store) -> None:
    ontology = "https://w3id.org/dckg/graph/ontology"
    query = "ASK { ?c a owl:Class }"
    # The ontology graph alone holds classes; the generated countries graph does not.
    yes = client.get("/sparql", params={"query": query, "default-graph-uri": ontology})
    no = client.get(
        "/sparql",
        params={"query": query, "default-graph-uri": "https://w3id.org/dckg/graph/countries"},
    )
    assert yes.json()["boolean"] is True
    assert no.json()["boolean"] is False
    named = client.post(
        "/sparql",
        content=b"SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
        headers={"Content-Type": "application/sparql-query"},
        params={"named-graph-uri": ontology},
    )
    graphs = {b["g"]["value"] for b in named.json()["results"]["bindings"]}
    assert graphs == {ontology}


def test_malformed_query_is_400_with_the_parser_message(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert response.status_code == 400
    assert "malformed query" in response.text
    assert "1:" in response.text  # the position the parser reports


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"data": {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
        {
            "content": b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
            "headers": {"Content-Type": "application/sparql-update"},
        },
        {"data": {"query": "PREFIX x: <urn:x> DELETE WHERE { ?s ?p ?o }"}},
    ],
)
def test_updates_are_refused(
    client: httpx.Client, reference_store: Store, request_kwargs: dict[str, object]
) -> None:
    before = reference_store.count()
    response = client.post("/sparql", **request_kwargs)  # type: ignore[arg-type]
    assert response.status_code == 400
    assert "read-only" in response.text
    assert reference_store.count() == before


def test_update_in_get_is_refused(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"update": "CLEAR ALL"})
    assert response.status_code == 400


def test_unknown_format_is_406(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": CITIES}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/csv" in response.text
    graph = client.get(
        "/sparql",
        params={"query": "CONSTRUCT WHERE { ?s a dckg:City } LIMIT 1"},
        headers={"Accept": "text/csv"},
    )
    assert graph.status_code == 406


def test_oversized_body_is_413(client: httpx.Client) -> None:
    padding = "#" + "x" * (70 * 1024) + "\n"
    response = client.post(
        "/sparql",
        content=(padding + CITIES).encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert response.status_code == 413


def test_oversized_streamed_body_is_413(client: httpx.Client) -> None:
    def chunks():  # no Content-Length: the limit is counted as the body arrives
        for _ in range(100):
            yield b"#" + b"x" * 1023 + b"\n"

    response = client.post(
        "/sparql", content=chunks(), headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 413


def test_unknown_body_type_is_415(client: httpx.Client) -> None:
    response = client.post("/sparql", content=b"{}", headers={"Content-Type": "image/png"})
    assert response.status_code == 415


def test_two_queries_are_400(client: httpx.Client) -> None:
    response = client.get("/sparql", params=[("query", CITIES), ("query", CITIES)])
    assert response.status_code == 400


def test_cors_is_open_for_reads(client: httpx.Client) -> None:
    response = client.get(
        "/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://portal.example"}
    )
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://portal.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    refused = client.options(
        "/contributions",
        headers={
            "Origin": "https://portal.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert refused.status_code == 400


def test_large_results_arrive_whole_with_their_length(
    client: httpx.Client, reference_store: Store
) -> None:
    # Held in the worker to the end, so the head can say whether a cap cut the answer
    # (dckg.api.answers): a large answer comes with its length, and whole.
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 40000"
    response = client.get(
        "/sparql", params={"query": query}, headers={"Accept": "text/tab-separated-values"}
    )
    assert response.status_code == 200
    assert int(response.headers["content-length"]) == len(response.content) > 1_000_000
    assert len(response.text.strip().splitlines()) == 40001
    assert "dckg-truncated" not in response.headers


def test_service_description(client: httpx.Client, api: Server, reference_store: Store) -> None:
    response = client.get("/sparql")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    from pyoxigraph import Store as OxStore

    described = OxStore()
    described.load(response.content, RdfFormat.TURTLE)
    rows = list(
        described.query(
            """PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
            SELECT ?endpoint ?void WHERE {
              ?service a sd:Service ; sd:endpoint ?endpoint ;
                       sd:supportedLanguage sd:SPARQL11Query ; rdfs:seeAlso ?void ;
                       sd:resultFormat <http://www.w3.org/ns/formats/SPARQL_Results_CSV> .
            }""",
            prefixes={"rdfs": "http://www.w3.org/2000/01/rdf-schema#"},
        )
    )
    assert [(r["endpoint"].value, r["void"].value) for r in rows] == [  # type: ignore[index,union-attr]
        (api.endpoint, api.url + "/.well-known/void")
    ]
    names = {
        r["name"].value  # type: ignore[index,union-attr]
        for r in described.query(
            "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> "
            "SELECT ?name WHERE { ?s sd:defaultDataset/sd:namedGraph/sd:name ?name }"
        )
    }
    assert names == {g.value for g in reference_store.graphs()}
