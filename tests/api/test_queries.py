"""Named queries over HTTP: typed parameters in the OpenAPI schema, hostile values harmless."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from dckg.sparql.settings import Settings
from dckg.store import Store
from tests.api.conftest import Server

queries = pytest.importorskip("dckg.queries")

COUNTRY_BY_NAME = """#+ summary: Countries whose label contains a text
#+ description: Case-insensitive match on the English label.
#+ tags: [places]
#+ params:
#+   - name: text
#+     type: string
#+     required: true
#+     example: France
#+     description: Part of the label.
#+   - name: limit
#+     type: integer
#+     default: "10"
SELECT ?country ?label ?text ?limit WHERE {
  ?country a dckg:Country ; rdfs:label ?label .
  FILTER(CONTAINS(LCASE(STR(?label)), LCASE(?text)))
} ORDER BY ?label
"""
LABEL_OF = """#+ summary: The label of a thing
#+ params:
#+   - name: thing
#+     type: iri
#+     required: true
#+     example: https://w3id.org/dckg/id/country/FRA
SELECT ?thing ?label WHERE { ?thing rdfs:label ?label }
"""


@pytest.fixture(scope="module")
def app_with_library(
    reference_store: Store, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    folder: Path = tmp_path_factory.mktemp("queries")
    (folder / "country-by-name.rq").write_text(COUNTRY_BY_NAME)
    (folder / "label-of.rq").write_text(LABEL_OF)
    from dckg.api import create_app

    app = create_app(
        Settings(store="memory", query_workers=2),
        store=reference_store,
        library=queries.load_library(folder),
    )
    server = Server(app).start()
    try:
        yield server
    finally:
        server.stop()


def test_catalogue(app_with_library: Server) -> None:
    listed = httpx.get(app_with_library.url + "/queries").json()["queries"]
    assert [q["name"] for q in listed] == ["country-by-name", "label-of"]
    first = listed[0]
    assert first["summary"] == "Countries whose label contains a text"
    assert [(p["name"], p["type"], p["required"]) for p in first["params"]] == [
        ("text", "string", True),
        ("limit", "integer", False),
    ]


def test_parameters_are_typed_in_openapi(app_with_library: Server) -> None:
    schema = httpx.get(app_with_library.url + "/openapi.json").json()
    operation = schema["paths"]["/queries/country-by-name"]["get"]
    params = {p["name"]: p for p in operation["parameters"]}
    assert params["text"]["required"] is True
    assert params["text"]["schema"]["type"] == "string"
    limit_schema = params["limit"]["schema"]
    types = {s.get("type") for s in limit_schema.get("anyOf", [limit_schema])}
    assert "integer" in types
    iri = schema["paths"]["/queries/label-of"]["get"]["parameters"][0]
    assert iri["schema"]["format"] == "iri"


def test_run_with_content_negotiation(app_with_library: Server, reference_store: Store) -> None:
    url = app_with_library.url + "/queries/country-by-name"
    response = httpx.get(url, params={"text": "fran"})
    assert response.status_code == 200, response.text
    labels = [b["label"]["value"] for b in response.json()["results"]["bindings"]]
    expected = sorted(
        r["l"].value  # type: ignore[index,union-attr]
        for r in reference_store.query(
            "SELECT ?l WHERE { ?c a dckg:Country ; rdfs:label ?l "
            'FILTER(CONTAINS(LCASE(STR(?l)), "fran")) }'
        )
    )
    assert labels == expected and "France" in labels
    csv = httpx.get(url, params={"text": "fran"}, headers={"Accept": "text/csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0] == "country,label,text,limit"


@pytest.mark.parametrize(
    "value",
    [
        '") } ; DROP ALL ; SELECT * { ("',
        "x' UNION { ?s ?p ?o } #",
        "\\u0022) } CLEAR ALL #",
        "<script>alert(1)</script>",
        "a" * 5000,
        "\x00",
    ],
)
def test_hostile_string_values_are_harmless(
    app_with_library: Server, reference_store: Store, value: str
) -> None:
    before = reference_store.count()
    response = httpx.get(app_with_library.url + "/queries/country-by-name", params={"text": value})
    assert response.status_code in (200, 400), response.text
    if response.status_code == 200:
        # the value was bound as a literal: it matched nothing, it injected nothing
        assert response.json()["results"]["bindings"] == []
    assert reference_store.count() == before


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"thing": "> } ; DROP ALL ; <"}, 400),
        ({"thing": "not an iri"}, 400),
        ({}, 400),
        ({"thing": "https://w3id.org/dckg/id/country/FRA", "extra": "1"}, 400),
    ],
)
def test_bad_parameters(app_with_library: Server, params: dict[str, str], expected: int) -> None:
    response = httpx.get(app_with_library.url + "/queries/label-of", params=params)
    assert response.status_code == expected, response.text
    assert response.text.strip()


def test_bad_integer_is_400(app_with_library: Server) -> None:
    response = httpx.get(
        app_with_library.url + "/queries/country-by-name", params={"text": "a", "limit": "ten"}
    )
    assert response.status_code == 400
    assert "limit" in response.text


def test_unknown_query_is_404(app_with_library: Server) -> None:
    assert httpx.get(app_with_library.url + "/queries/nope").status_code == 404
