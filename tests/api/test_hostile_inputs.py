"""``POST /validate`` and ``POST /contributions`` with bodies written to hurt: XML entity
expansion, JSON-LD that would lose a partner, spreadsheet formulas."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from dckg.sparql.settings import Settings
from dckg.store import EmbeddedStore
from tests.api.conftest import Server, serving

pytest.importorskip("dckg.validation")

DATA = Path(__file__).resolve().parents[1] / "data" / "inputs"
TOKEN = "a-write-token-0123456789"
JSONLD = b"""{
  "@context": {"dckg": "https://w3id.org/dckg/ontology#",
               "partner": {"@id": "dckg:partner", "@type": "@id"}},
  "@id": "https://w3id.org/dckg/id/partnership/http-jsonld",
  "@type": "dckg:Partnership",
  "partner": ["https://w3id.org/dckg/id/city/geonames-2996944",
              "https://w3id.org/dckg/id/city/geonames 2253354"]
}"""
FORMULA_CSV = (
    b"id,type,label,partner_1,partner_2,start_date\n"
    b'h1,twinning,"=HYPERLINK(""http://evil.example"",""x"")",'
    b"city:geonames-2996944,city:geonames-2253354,2020\n"
)


@pytest.fixture(scope="module")
def writable() -> Iterator[tuple[Server, EmbeddedStore]]:
    settings = Settings(store="memory", write_token=TOKEN, query_workers=2)
    with EmbeddedStore() as store, serving(settings, store) as server:
        yield server, store


def post(url: str, body: bytes, media: str, **params: str) -> httpx.Response:
    headers = {"Content-Type": media, "Authorization": f"Bearer {TOKEN}"}
    return httpx.post(url, content=body, headers=headers, params=params, timeout=60)


def test_billion_laughs_on_validate_is_400(api: Server) -> None:
    """The server's memory under the same attack: ``test_connections.py`` (a quiet process)."""
    response = post(
        api.url + "/validate", (DATA / "billion-laughs.rdf").read_bytes(), "application/rdf+xml"
    )
    assert response.status_code == 400, response.text
    assert "XML entity expansion" in response.text and "body:4" in response.text
    assert httpx.get(api.url + "/queries", timeout=30).status_code == 200


@pytest.mark.parametrize(
    ("body", "media", "expected"),
    [
        ((DATA / "billion-laughs.rdf").read_bytes(), "application/rdf+xml", "entity expansion"),
        (JSONLD, "application/ld+json", "not a valid absolute IRI"),
    ],
)
def test_refused_contributions_write_nothing(
    writable: tuple[Server, EmbeddedStore], body: bytes, media: str, expected: str
) -> None:
    server, store = writable
    before = set(store.quads())
    response = post(server.url + "/contributions", body, media, by="tester", name="c")
    assert response.status_code == 400, response.text
    assert expected in response.text
    assert set(store.quads()) == before


def _nested_nodes(depth: int) -> bytes:
    """Valid JSON-LD: a node whose property holds a node, ``depth`` levels down."""
    text = '{"@id": "https://e.org/n0", "https://e.org/p": "x"}'
    for level in range(1, depth):
        text = f'{{"@id": "https://e.org/n{level}", "https://e.org/child": {text}}}'
    return text.encode()


@pytest.mark.parametrize("body", [b"[" * 50_000, _nested_nodes(400)], ids=["brackets", "nodes"])
def test_json_nested_too_deep_is_400_and_writes_nothing(
    api: Server, writable: tuple[Server, EmbeddedStore], body: bytes
) -> None:
    response = post(api.url + "/validate", body, "application/ld+json", name="deep.jsonld")
    assert response.status_code == 400, response.text
    assert "deep.jsonld: the JSON is nested more than 64 levels deep" in response.text
    server, store = writable
    before = set(store.quads())
    response = post(server.url + "/contributions", body, "application/ld+json", by="tester")
    assert response.status_code == 400, response.text
    assert "nested more than 64 levels" in response.text
    assert set(store.quads()) == before


def test_json_ld_nested_within_the_limit_is_read(api: Server) -> None:
    response = post(api.url + "/validate", _nested_nodes(64), "application/ld+json")
    assert response.status_code == 200, response.text


def test_json_ld_partner_with_a_space_names_the_key(api: Server) -> None:
    response = post(api.url + "/validate", JSONLD, "application/ld+json", name="p.jsonld")
    assert response.status_code == 400
    assert "p.jsonld:7:" in response.text and "partner" in response.text


def test_formula_cell_is_refused_with_the_reason(
    api: Server, writable: tuple[Server, EmbeddedStore]
) -> None:
    report = post(api.url + "/validate", FORMULA_CSV, "text/csv").json()
    (found,) = [r for r in report["results"] if "formula" in r["message"]]
    assert found["field"] == "label" and "row 2" in found["location"]
    server, store = writable
    before = set(store.quads())
    response = post(server.url + "/contributions", FORMULA_CSV, "text/csv", by="tester")
    assert response.status_code == 422, response.text
    assert set(store.quads()) == before


@pytest.mark.parametrize(
    "url", ["https://example.org/list\n", "https://example.org/a b", "https://example.org/<x>"]
)
def test_a_bad_source_url_is_400_naming_the_field(
    writable: tuple[Server, EmbeddedStore], url: str
) -> None:
    server, store = writable
    before = set(store.quads())
    response = post(
        server.url + "/contributions", JSONLD, "application/ld+json", by="t", source_url=url
    )
    assert response.status_code == 400, response.text
    assert "source_url" in response.text and "Traceback" not in response.text
    assert set(store.quads()) == before
