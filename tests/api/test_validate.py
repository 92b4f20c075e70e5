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
