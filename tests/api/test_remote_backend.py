"""The HTTP API over the remote backend: an Oxigraph server holds the graph, dckg serves it.

Answers must equal those of the embedded store holding the same data.
"""

from __future__ import annotations

import httpx

from dckg.sparql.settings import Settings
from dckg.store import Store
from dckg.store.remote import RemoteStore
from tests.api.conftest import serving

COUNT_CITIES = "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a dckg:City }"


def _count(response: httpx.Response) -> int:
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_sparql_and_named_queries_on_a_remote_store(
    remote_reference_store: RemoteStore, reference_store: Store
) -> None:
    settings = Settings(store=remote_reference_store.query_url, query_timeout=30.0)
    accept = {"Accept": "application/sparql-results+json"}
    with serving(settings, remote_reference_store) as server:
        remote = _count(
            httpx.get(
                server.url + "/sparql", params={"query": COUNT_CITIES}, headers=accept, timeout=60
            )
        )
        expected = int(next(iter(reference_store.query(COUNT_CITIES)))["n"].value)
        assert remote == expected > 30_000
        named = httpx.get(
            server.url + "/queries/find-entity",
            params={"name": "Lyon"},
            headers=accept,
            timeout=60,
        )
        assert named.status_code == 200, named.text
        rows = {b["entity"]["value"] for b in named.json()["results"]["bindings"] if "entity" in b}
        assert "https://w3id.org/dckg/id/city/geonames-2996944" in rows
        page = httpx.get(
            server.url + "/id/city/geonames-2996944",
            headers={"Accept": "text/turtle"},
            timeout=60,
        )
        assert page.status_code == 200 and b"Lyon" in page.content
        malformed = httpx.get(server.url + "/sparql", params={"query": "SELEC ?x"}, timeout=60)
        assert malformed.status_code == 400
