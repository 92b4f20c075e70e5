"""An error nobody expected (a bug) is logged and answered 500, never 400.

The bug is a named query whose parameters bind a value that is no RDF term: the query
worker meets a ``TypeError``, logs it and reports an internal error, which the server logs
again and answers with 500. A bad query (the client's fault) stays a 400. A bug in the
server process itself (here a store that cannot be had) is a 500 too, with the headers
every response carries.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator, Mapping

import httpx
import pytest

from dckg.api import create_app
from dckg.api.deps import get_store
from dckg.queries.library import Library, NamedQuery, parse_query
from dckg.sparql.settings import Settings
from dckg.store import EmbeddedStore
from tests.api.conftest import Server


@dataclasses.dataclass(frozen=True)
class BuggyQuery(NamedQuery):
    """A named query whose binding has a bug: it binds a Python int."""

    def bind(self, raw: Mapping[str, str | None]) -> dict[str, object]:  # type: ignore[override]
        return {"x": 42}


QUERY = parse_query("#+ summary: A query that binds ?x\nSELECT ?x WHERE {}\n", name="buggy")
LIBRARY = Library(
    {
        "buggy": BuggyQuery(
            **{f.name: getattr(QUERY, f.name) for f in dataclasses.fields(QUERY) if f.init}
        )
    }
)


def _broken_store() -> EmbeddedStore:
    raise RuntimeError("the store went away")


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with EmbeddedStore() as store:
        settings = Settings(store="memory", query_workers=2)
        app = create_app(settings, store=store, library=LIBRARY)
        app.dependency_overrides[get_store] = _broken_store
        running = Server(app).start()
        try:
            yield running
        finally:
            running.stop()


def test_a_bug_in_a_worker_is_a_500_and_logged(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="dckg.api"):
        response = httpx.get(server.url + "/queries/buggy", headers={"Accept": "text/plain"})
    assert response.status_code == 500, response.text
    assert "internal error (TypeError)" in response.text
    logged = [r for r in caplog.records if r.name == "dckg.api"]
    assert logged and "/queries/buggy" in logged[0].getMessage()


def test_a_bad_query_is_still_a_400(server: Server) -> None:
    response = httpx.get(server.url + "/sparql", params={"query": "SELECT nope"})
    assert response.status_code == 400 and "malformed" in response.text


@pytest.mark.parametrize("accept", ["text/plain", "application/json"])
def test_a_bug_in_the_server_is_a_500_with_every_header(
    server: Server, caplog: pytest.LogCaptureFixture, accept: str
) -> None:
    with caplog.at_level(logging.ERROR, logger="dckg.api"):
        response = httpx.post(
            server.url + "/validate",
            content=b"<https://e.org/a> <https://e.org/p> 1 .",
            headers={"Content-Type": "text/turtle", "Accept": accept, "Origin": "https://e.org"},
        )
    assert response.status_code == 500, response.text
    assert "internal error (see the server log)" in response.text
    assert "went away" not in response.text
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["access-control-allow-origin"] == "*"
    logged = [r for r in caplog.records if r.name == "dckg.api"]
    assert logged and "/validate" in logged[0].getMessage()
    assert logged[0].exc_info and "went away" in str(logged[0].exc_info[1])
