"""The ontology dereferences: one documentation page with an anchor per term, term pages,
and the RDF of the whole ontology, a module or a term."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from pyoxigraph import NamedNode, RdfFormat, Triple, parse

from dckg.namespaces import DCKG, OWL, RDF, graph
from dckg.store import Store

ONTOLOGY = graph("ontology")


def ontology_terms(store: Store, kinds: tuple[str, ...]) -> set[str]:
    found = set()
    for kind in kinds:
        for quad in store.quads(predicate=NamedNode(RDF + "type"), object=NamedNode(kind)):
            if quad.graph_name == ONTOLOGY and quad.subject.value.startswith(DCKG):
                found.add(quad.subject.value[len(DCKG) :])
    return found


def test_every_class_and_property_has_an_anchor(client: httpx.Client, web_store: Store) -> None:
    page = client.get("/ontology", headers={"Accept": "text/html"}).text
    classes = ontology_terms(web_store, (OWL + "Class",))
    properties = ontology_terms(web_store, (OWL + "ObjectProperty", OWL + "DatatypeProperty"))
    assert "City" in classes and "partner" in properties
    for name in classes | properties:
        assert f'<div class="term" id="{name}">' in page, name


def test_terms_are_grouped_by_module(client: httpx.Client) -> None:
    page = client.get("/ontology").text
    core = page.split('id="module-core"', 1)[1].split('<section class="module"', 1)[0]
    assert 'id="City"' in core and 'id="Partnership"' not in core
    partnership = page.split('id="module-partnership"', 1)[1].split('<section class="module"')[0]
    assert 'id="Partnership"' in partnership


def test_whole_ontology_as_rdf(client: httpx.Client, web_store: Store) -> None:
    expected = {Triple(q.subject, q.predicate, q.object) for q in web_store.quads(graph=ONTOLOGY)}
    by_accept = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert by_accept.headers["content-type"].startswith("text/turtle")
    got = {
        Triple(q.subject, q.predicate, q.object)
        for q in parse(by_accept.content, format=RdfFormat.TURTLE)
    }
    assert len(got) == len(expected)
    by_extension = client.get("/ontology.nt")
    assert len(list(parse(by_extension.content, format=RdfFormat.N_TRIPLES))) == len(expected)


def test_term_page(client: httpx.Client) -> None:
    response = client.get("/ontology/City", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "dckg:City" in response.text
    assert 'href="/ontology#LocalRegionalGovernment"' in response.text  # its superclass


@pytest.mark.parametrize(
    ("path", "accept"),
    [("/ontology/partner", "text/turtle"), ("/ontology/partner.ttl", "text/html")],
)
def test_term_as_rdf(client: httpx.Client, path: str, accept: str) -> None:
    response = client.get(path, headers={"Accept": accept})
    assert response.headers["content-type"].startswith("text/turtle")
    subjects = {q.subject for q in parse(response.content, format=RdfFormat.TURTLE)}
    assert subjects == {NamedNode(DCKG + "partner")}


def test_module_redirects_to_its_section_and_gives_rdf(client: httpx.Client) -> None:
    response = client.get("/ontology/core", headers={"Accept": "text/html"})
    assert response.status_code == 303
    assert response.headers["location"] == "/ontology#module-core"
    rdf = client.get("/ontology/core.ttl")
    subjects = {q.subject for q in parse(rdf.content, format=RdfFormat.TURTLE)}
    assert NamedNode(DCKG + "City") in subjects and NamedNode(DCKG + "Partnership") not in subjects


@pytest.mark.parametrize(
    "path",
    [
        "/ontology/NoSuchTerm",
        "/ontology/..",
        "/ontology/%2e%2e",
        "/ontology/a%2fb",
        "/ontology.png",
    ],
)
def test_unknown_terms_are_404(raw_get: Callable[[str], tuple[int, bytes]], path: str) -> None:
    assert raw_get(path)[0] == 404
