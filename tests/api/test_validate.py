"""``POST /validate`` with the real SHACL validation (when the validation package is present)."""

from __future__ import annotations

import httpx
import pytest

from dckg.store import Store
from tests.api.conftest import Server

pytest.importorskip("dckg.validation")

TURTLE = b"""@prefix dckg: <https://w3id.org/dckg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/dckg/id/partnership/api-test> a dckg:Partnership .
"""


def test_validate_writes_nothing(api: Server, reference_store: Store) -> None:
    before = reference_store.count()
    response = httpx.post(
        api.url + "/validate",
        content=TURTLE,
        headers={"Content-Type": "text/turtle"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    assert isinstance(response.json()["conforms"], bool)
    as_turtle = httpx.post(
        api.url + "/validate",
        content=TURTLE,
        headers={"Content-Type": "text/turtle", "Accept": "text/turtle"},
        timeout=60,
    )
    assert as_turtle.headers["content-type"].startswith("text/turtle")
    assert b"ValidationReport" in as_turtle.content
    assert reference_store.count() == before


def test_malformed_input_is_400(api: Server) -> None:
    response = httpx.post(
        api.url + "/validate",
        content=b"<a> <b> .",
        headers={"Content-Type": "text/turtle"},
        timeout=60,
    )
    assert response.status_code == 400


def test_contribution_over_http_is_merged_whole_once() -> None:
    """With the token, a conforming CSV is merged into its own graph; the same CSV again is
    a duplicate (422) and writes nothing; the new partnership is then queryable over /sparql."""
    from dckg.bootstrap import initialise
    from dckg.resources import resource_dir
    from dckg.sparql.settings import Settings
    from dckg.store import EmbeddedStore
    from tests.api.conftest import serving

    body = (resource_dir("templates") / "partnerships.csv").read_bytes()
    token = "a-write-token-0123456789"
    settings = Settings(store="memory", write_token=token, query_workers=2)
    headers = {"Content-Type": "text/csv", "Authorization": f"Bearer {token}"}
    with EmbeddedStore() as store:
        initialise(store)
        before = set(store.graphs())
        with serving(settings, store) as server:

            def post() -> httpx.Response:
                return httpx.post(
                    server.url + "/contributions",
                    params={"by": "HTTP tester", "name": "partnerships.csv"},
                    content=body,
                    headers=headers,
                    timeout=120,
                )

            first = post()
            assert first.status_code == 201, first.text
            added = set(store.graphs()) - before
            assert {g.value for g in added} >= {first.json()["graph"]}
            merged = store.count()
            again = post()
            assert again.status_code == 422, again.text
            assert store.count() == merged
            report = again.json()["report"]  # the report as JSON, not a string of JSON
            assert report["conforms"] is False
            (issue,) = [r for r in report["results"] if r["location"] == "row 2"]
            assert issue["message"].startswith("This partnership is already in the graph")
            assert issue["field"] == "partner_1"
            graph_iri = first.json()["graph"]
            answer = httpx.get(
                server.url + "/sparql",
                params={
                    "query": "SELECT (COUNT(*) AS ?n) WHERE { ?p a ?t }",
                    "default-graph-uri": graph_iri,
                },
                headers={"Accept": "application/sparql-results+json"},
                timeout=60,
            )
            assert answer.status_code == 200
            assert int(answer.json()["results"]["bindings"][0]["n"]["value"]) > 0
