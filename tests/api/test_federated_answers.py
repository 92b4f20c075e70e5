"""A federating engine calling ``/sparql`` through ``SERVICE`` gets the whole answer or an
error, never part of it taken for the whole (it cannot read ``Dckg-Truncated``).

Found as: Oxigraph joining through ``SERVICE`` received 100,000 of 164,453 rows, silently.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pyoxigraph import Literal, NamedNode, Quad

from dckg.namespaces import DCKG, RDF, RDFS, graph
from dckg.sparql.settings import Settings
from dckg.store import EmbeddedStore
from tests.api.conftest import Server, serving
from tests.servers import OxigraphServer

CITIES = 30
CITY = "https://w3id.org/dckg/ontology#City"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@pytest.fixture(scope="module")
def dckg() -> Iterator[Server]:
    with EmbeddedStore() as store:
        g = graph("test/cities")
        for i in range(CITIES):
            city = NamedNode(f"https://w3id.org/dckg/id/city/test-{i:02}")
            store.add_quads(
                [
                    Quad(city, NamedNode(RDF + "type"), NamedNode(DCKG + "City"), g),
                    Quad(city, NamedNode(RDFS + "label"), Literal(f"City {i:02}"), g),
                ]
            )
        settings = Settings(
            store="memory", query_workers=2, max_results=10, max_result_bytes=20_000
        )
        with serving(settings, store) as server:
            yield server


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    location: Path = tmp_path_factory.mktemp("federating") / "db"
    server = OxigraphServer(location, union=False).start()
    try:
        yield server.query_url
    finally:
        server.stop()


def _federated(oxigraph: str, inner: str) -> httpx.Response:
    return httpx.post(
        oxigraph,
        data={"query": inner},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )


def test_a_federating_engine_gets_every_row(dckg: Server, oxigraph: str) -> None:
    query = (
        f"SELECT (COUNT(*) AS ?n) WHERE {{ SERVICE <{dckg.endpoint}> "
        f"{{ ?c a <{CITY}> ; <{LABEL}> ?l }} }}"
    )
    response = _federated(oxigraph, query)
    assert response.status_code == 200, response.text
    # More than the row cap (10): a plain protocol request has none.
    assert response.json()["results"]["bindings"][0]["n"]["value"] == str(CITIES)


def test_an_answer_over_the_byte_cap_fails_the_federated_query(dckg: Server, oxigraph: str) -> None:
    # 900 rows, some 100 KB: over the byte cap (20,000). The engine must fail, not go on
    # with the rows that fitted.
    query = (
        f"SELECT (COUNT(*) AS ?n) WHERE {{ SERVICE <{dckg.endpoint}> "
        f"{{ ?c a <{CITY}> ; <{LABEL}> ?l . ?d a <{CITY}> }} }}"
    )
    response = _federated(oxigraph, query)
    # Oxigraph streams its answer: the error it met ends the body where the rows would be.
    assert "Error 507" in response.text
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.text)
    direct = httpx.post(
        dckg.endpoint, data={"query": f"SELECT * {{ ?c a <{CITY}> . ?d a <{CITY}> }}"}
    )
    assert direct.status_code == 507
    assert "20000 bytes" in direct.text and "DCKG_MAX_RESULT_BYTES" in direct.text
