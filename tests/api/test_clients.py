"""The endpoint used as researchers' and portals' tools use it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import httpx
import pytest
import rdflib
from pyoxigraph import NamedNode, RdfFormat, Triple, parse
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from dckg.store import Store
from tests.api.conftest import Server
from tests.servers import OxigraphServer

COUNTRIES = """
PREFIX dckg: <https://w3id.org/dckg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?country ?label WHERE { ?country a dckg:Country ; rdfs:label ?label }
ORDER BY ?country LIMIT 25
"""
CONSTRUCT = """
PREFIX dckg: <https://w3id.org/dckg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
CONSTRUCT { ?c rdfs:label ?l } WHERE { ?c a dckg:CityNetwork ; rdfs:label ?l }
"""


def expected_rows(store: Store) -> list[tuple[str, str]]:
    return [(r["country"].value, r["label"].value) for r in store.query(COUNTRIES)]  # type: ignore[index,union-attr]


def expected_triples(store: Store) -> set[Triple]:
    found = set(store.query(CONSTRUCT))  # type: ignore[arg-type]
    assert found
    return found


def wrapper(api: Server, query: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(api.endpoint)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


def test_sparqlwrapper_json(api: Server, reference_store: Store) -> None:
    result = wrapper(api, COUNTRIES, JSON).queryAndConvert()
    rows = [(b["country"]["value"], b["label"]["value"]) for b in result["results"]["bindings"]]  # type: ignore[index]
    assert rows == expected_rows(reference_store)


def test_sparqlwrapper_xml(api: Server, reference_store: Store) -> None:
    document = wrapper(api, COUNTRIES, XML).queryAndConvert()
    ns = "{http://www.w3.org/2005/sparql-results#}"
    rows = []
    for result in document.getElementsByTagName("result"):  # type: ignore[union-attr]
        values = {
            b.getAttribute("name"): b.firstChild.firstChild.data  # type: ignore[union-attr]
            for b in result.getElementsByTagName("binding")
        }
        rows.append((values["country"], values["label"]))
    assert ns  # the namespace is checked by SPARQLWrapper's parser
    assert rows == expected_rows(reference_store)


@pytest.mark.parametrize(("fmt", "delimiter"), [(CSV, ","), (TSV, "\t")])
def test_sparqlwrapper_csv_tsv(
    api: Server, reference_store: Store, fmt: str, delimiter: str
) -> None:
    text = wrapper(api, COUNTRIES, fmt).queryAndConvert()
    assert isinstance(text, bytes)
    quoting = csv.QUOTE_NONE if fmt == TSV else csv.QUOTE_MINIMAL
    lines = list(csv.reader(io.StringIO(text.decode()), delimiter=delimiter, quoting=quoting))
    if fmt == TSV:
        assert lines[0] == ["?country", "?label"]
        rows = [(c.strip("<>"), lit.split('"')[1]) for c, lit in lines[1:]]
    else:
        assert lines[0] == ["country", "label"]
        rows = [(c, lit) for c, lit in lines[1:]]
    assert rows == expected_rows(reference_store)


@pytest.mark.parametrize(
    ("fmt", "rdf_format"),
    [(TURTLE, RdfFormat.TURTLE), (N3, RdfFormat.TURTLE), (RDFXML, RdfFormat.RDF_XML)],
)
def test_sparqlwrapper_construct(
    api: Server, reference_store: Store, fmt: str, rdf_format: RdfFormat
) -> None:
    client = wrapper(api, CONSTRUCT, fmt)
    response = client.query()
    body = response.response.read()
    got = {q.triple for q in parse(body, rdf_format)}
    assert got == expected_triples(reference_store)


def test_sparqlwrapper_construct_jsonld(api: Server, reference_store: Store) -> None:
    # SPARQLWrapper's conversion (and rdflib's JSON-LD parser) use a deprecated rdflib
    # class, so the body it received is parsed with pyoxigraph.
    response = wrapper(api, CONSTRUCT, JSONLD).query()
    assert response.response.headers["Content-Type"].startswith("application/ld+json")
    got = {q.triple for q in parse(response.response.read(), RdfFormat.JSON_LD)}
    assert got == expected_triples(reference_store)


def test_sparqlwrapper_ask_and_post(api: Server) -> None:
    client = wrapper(api, "ASK { ?s a <https://w3id.org/dckg/ontology#Country> }", JSON)
    client.setMethod("POST")
    assert client.queryAndConvert()["boolean"] is True  # type: ignore[index]


def test_rdflib_sparqlstore(api: Server, reference_store: Store) -> None:
    graph = rdflib.Graph(store=SPARQLStore(api.endpoint, returnFormat="xml"))
    rows = [(str(r[0]), str(r[1])) for r in graph.query(COUNTRIES)]  # type: ignore[index]
    assert rows == expected_rows(reference_store)
    label = rdflib.RDFS.label
    network = next(iter(expected_triples(reference_store))).subject
    labels = set(graph.objects(rdflib.URIRef(network.value), label))  # type: ignore[union-attr]
    assert labels and all(isinstance(x, rdflib.Literal) for x in labels)


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An independent SPARQL engine on loopback (Oxigraph's own server)."""
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph") / "db", union=False).start()
    try:
        yield server.base
    finally:
        server.stop()


def test_federation_from_oxigraph(
    api: Server, oxigraph_server: str, reference_store: Store
) -> None:
    # The other engine holds local data and joins it with dckg's countries through SERVICE.
    local = (
        "INSERT DATA { <https://w3id.org/dckg/id/country/FRA> <urn:ex:visited> true . "
        "<https://w3id.org/dckg/id/country/SEN> <urn:ex:visited> true . }"
    )
    assert httpx.post(oxigraph_server + "/update", data={"update": local}).status_code == 204
    query = f"""
    SELECT ?country ?label WHERE {{
      ?country <urn:ex:visited> true .
      SERVICE <{api.endpoint}> {{
        ?country a <https://w3id.org/dckg/ontology#Country> ;
                 <http://www.w3.org/2000/01/rdf-schema#label> ?label .
      }}
    }} ORDER BY ?country ?label
    """
    response = httpx.post(
        oxigraph_server + "/query",
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    got = [
        (b["country"]["value"], b["label"]["value"]) for b in response.json()["results"]["bindings"]
    ]
    expected = sorted(
        (r["c"].value, r["l"].value)  # type: ignore[index,union-attr]
        for iri in ("FRA", "SEN")
        for r in reference_store.query(
            "SELECT ?c ?l WHERE { ?c rdfs:label ?l }",
            substitutions={"c": NamedNode(f"https://w3id.org/dckg/id/country/{iri}")},
        )
    )
    assert len(expected) >= 2
    assert got == expected
