"""Stewards over HTTP: list and withdraw contributions with the write token, ``source`` as
another name of ``source_url``, and fields a route does not take refused by name."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from dckg.bootstrap import initialise
from dckg.resources import resource_dir
from dckg.sparql.settings import Settings
from dckg.store import EmbeddedStore, Store
from tests.api.conftest import Server, serving

pytest.importorskip("dckg.validation")

TOKEN = "a-write-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
CSV = {"Content-Type": "text/csv", **AUTH}


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    with EmbeddedStore() as s:
        initialise(s)
        yield s


@pytest.fixture(scope="module")
def server(store: Store) -> Iterator[Server]:
    settings = Settings(store="memory", write_token=TOKEN, query_workers=2)
    with serving(settings, store) as running:
        yield running


def body() -> bytes:
    return (resource_dir("templates") / "partnerships.csv").read_bytes()


def listed(server: Server) -> list[dict[str, object]]:
    answer = httpx.get(server.url + "/contributions", headers=AUTH, timeout=60)
    assert answer.status_code == 200, answer.text
    return answer.json()["contributions"]


def test_source_is_taken_as_source_url_and_listed_then_withdrawn(
    server: Server, store: Store
) -> None:
    before = store.count()
    merged = httpx.post(
        server.url + "/contributions",
        params={
            "by": "HTTP steward",
            "name": "partnerships.csv",
            "source": "https://example.org/d",
        },
        content=body(),
        headers=CSV,
        timeout=120,
    )
    assert merged.status_code == 201, merged.text
    cid = merged.json()["id"]
    (entry,) = [c for c in listed(server) if c["id"] == cid]
    assert entry["source"] == "https://example.org/d"
    assert entry["by"] == "HTTP steward"
    assert entry["files"] == ["partnerships.csv"]
    assert entry["triples"] > 0

    gone = httpx.delete(server.url + f"/contributions/{cid}", headers=AUTH, timeout=60)
    assert gone.status_code == 200, gone.text
    assert gone.json()["id"] == cid and gone.json()["removed"] > entry["triples"]
    assert store.count() == before
    assert cid not in [c["id"] for c in listed(server)]
    again = httpx.delete(server.url + f"/contributions/{cid}", headers=AUTH, timeout=60)
    assert again.status_code == 404
    assert cid in again.text


def test_listing_and_withdrawing_need_the_token(server: Server) -> None:
    assert httpx.get(server.url + "/contributions", timeout=30).status_code == 401
    wrong = {"Authorization": "Bearer not-the-token-at-all"}
    assert httpx.get(server.url + "/contributions", headers=wrong, timeout=30).status_code == 401
    assert httpx.delete(server.url + "/contributions/x1", timeout=30).status_code == 401


def test_a_bad_id_is_named(server: Server) -> None:
    answer = httpx.delete(server.url + "/contributions/..bad", headers=AUTH, timeout=30)
    assert answer.status_code == 400
    assert "..bad" in answer.text


@pytest.mark.parametrize(
    ("path", "params", "named"),
    [
        ("/contributions", {"by": "x", "sourceurl": "https://example.org/"}, "sourceurl"),
        ("/contributions", {"by": "x", "licence": "CC0"}, "licence"),
        ("/validate", {"nam": "file.csv"}, "nam"),
    ],
)
def test_an_unknown_field_is_refused_by_name_and_nothing_is_written(
    server: Server, store: Store, path: str, params: dict[str, str], named: str
) -> None:
    before = store.count()
    answer = httpx.post(server.url + path, params=params, content=body(), headers=CSV, timeout=60)
    assert answer.status_code == 400, answer.text
    assert repr(named) in answer.text
    assert store.count() == before


def test_source_and_source_url_must_agree(server: Server, store: Store) -> None:
    before = store.count()
    answer = httpx.post(
        server.url + "/contributions",
        params={"by": "x", "source": "https://a.example/", "source_url": "https://b.example/"},
        content=body(),
        headers=CSV,
        timeout=60,
    )
    assert answer.status_code == 400
    assert "source" in answer.text
    assert store.count() == before


def test_without_a_token_configured_listing_is_disabled() -> None:
    with EmbeddedStore() as empty, serving(Settings(store="memory", query_workers=1), empty) as s:
        answer = httpx.get(s.url + "/contributions", headers=AUTH, timeout=30)
        assert answer.status_code == 403
        assert "DCKG_WRITE_TOKEN" in answer.text


def test_the_form_says_whether_writing_is_enabled(server: Server) -> None:
    page = httpx.get(server.url + "/contribute", timeout=30)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert 'id="contribution-token"' in page.text and 'type="password"' in page.text
    assert "Writing is disabled" not in page.text
    with EmbeddedStore() as empty, serving(Settings(store="memory", query_workers=1), empty) as s:
        assert "Writing is disabled" in httpx.get(s.url + "/contribute", timeout=30).text
