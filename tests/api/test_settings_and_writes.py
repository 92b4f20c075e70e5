"""Settings from the environment, and writing over HTTP (token-guarded)."""

from __future__ import annotations

import httpx
import pytest

from dckg.errors import UsageError
from dckg.sparql.settings import Settings
from dckg.store import Store
from tests.api.conftest import Server, serving


def test_from_env_reads_every_variable() -> None:
    settings = Settings.from_env(
        {
            "DCKG_STORE": "memory",
            "DCKG_QUERY_TIMEOUT": "2.5",
            "DCKG_MAX_RESULTS": "10",
            "DCKG_MAX_BODY_BYTES": "2048",
            "DCKG_SERVICE_ALLOWLIST": "http://a.example/sparql, ,http://b.example/sparql",
            "DCKG_WRITE_TOKEN": "0123456789abcdef",
            "DCKG_PORT": "8123",
        }
    )
    assert settings == Settings(
        store="memory",
        port=8123,
        query_timeout=2.5,
        max_results=10,
        max_body_bytes=2048,
        service_allowlist=("http://a.example/sparql", "http://b.example/sparql"),
        write_token="0123456789abcdef",
    )


def test_defaults_and_overrides() -> None:
    settings = Settings.from_env({}, query_timeout=None, max_results=5)
    assert settings.query_timeout == 30.0
    assert settings.max_results == 5
    assert settings.service_allowlist == ()
    assert settings.write_token is None


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"DCKG_QUERY_TIMEOUT": "soon"}, "DCKG_QUERY_TIMEOUT"),
        ({"DCKG_QUERY_TIMEOUT": "-1"}, "timeout"),
        ({"DCKG_MAX_RESULTS": "0"}, "max_results"),
        ({"DCKG_WRITE_TOKEN": "short"}, "16"),
    ],
)
def test_bad_settings_are_named(environ: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        Settings.from_env(environ)


def test_writing_is_disabled_without_a_token(api: Server, reference_store: Store) -> None:
    before = reference_store.count()
    response = httpx.post(
        api.url + "/contributions",
        params={"by": "someone"},
        content=b"<urn:a> <urn:b> <urn:c> .",
        headers={"Content-Type": "text/turtle", "Authorization": "Bearer anything-at-all-123"},
    )
    assert response.status_code == 403
    assert "DCKG_WRITE_TOKEN" in response.text
    assert reference_store.count() == before


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token-0000000", "Basic abc"])
def test_writing_needs_the_right_token(reference_store: Store, authorization: str | None) -> None:
    settings = Settings(store="memory", write_token="the-right-token-0123", query_workers=2)
    headers = {"Content-Type": "text/turtle"}
    if authorization:
        headers["Authorization"] = authorization
    before = reference_store.count()
    with serving(settings, reference_store) as server:
        response = httpx.post(
            server.url + "/contributions",
            params={"by": "someone"},
            content=b"<urn:a> <urn:b> <urn:c> .",
            headers=headers,
        )
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert reference_store.count() == before


def test_validate_refuses_unknown_media_types(api: Server) -> None:
    response = httpx.post(
        api.url + "/validate", content=b"\x89PNG", headers={"Content-Type": "image/png"}
    )
    assert response.status_code == 415
    assert "text/turtle" in response.text
