"""The dataset description (VoID, DCAT) and the dumps."""

from __future__ import annotations

import gzip
import hashlib
import http.client
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pyshacl
import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse, serialize
from pyoxigraph import Store as OxStore
from rdflib import Graph

from dckg.bootstrap import META_GRAPH
from dckg.catalog import take_inventory, void_description
from dckg.namespaces import DCKG, EU_COUNTRY, OWL, RDF, RDFS, SKOS, XSD, graph
from dckg.sparql.settings import Settings
from dckg.store import EmbeddedStore, Store
from tests.api.conftest import Server, serving, small_quads

DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"


@pytest.fixture(scope="module")
def small(disk_store: EmbeddedStore) -> Iterator[Server]:
    with serving(Settings(store=str(disk_store.path), query_workers=2), disk_store) as server:
        _built(server)
        yield server


def _built(server: Server, version: int = 0) -> None:
    """Wait until the server's description of ``version`` (with its dumps) is built."""
    catalogue = server.app.state.catalogue  # type: ignore[attr-defined]
    assert catalogue.wait(version, 120) is not None


def _described(body: bytes, fmt: RdfFormat = RdfFormat.TURTLE) -> OxStore:
    store = OxStore()
    store.load(body, fmt)
    return store


def _one(store: OxStore, query: str) -> list[tuple[str, ...]]:
    prefixes = {"dcat": DCAT, "void": VOID, "dct": "http://purl.org/dc/terms/"}
    return sorted(
        tuple(term.value for term in row)  # type: ignore[union-attr]
        for row in store.query(query, prefixes=prefixes)  # type: ignore[union-attr]
    )


def test_void_and_dcat(small: Server, disk_store: EmbeddedStore) -> None:
    response = httpx.get(small.url + "/.well-known/void")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    d = _described(response.content)
    [(dataset, endpoint, triples, issued, modified)] = _one(
        d,
        "SELECT ?d ?e ?n ?i ?m WHERE { ?c a dcat:Catalog ; dcat:dataset ?d . "
        "?d a dcat:Dataset, void:Dataset ; void:sparqlEndpoint ?e ; void:triples ?n ; "
        "dct:title ?t ; dct:description ?x ; dct:publisher ?p ; dct:license ?l ; "
        "dct:issued ?i ; dct:modified ?m }",
    )
    assert endpoint == small.endpoint
    assert dataset == "https://w3id.org/dckg/id/dataset/dckg"
    assert int(triples) == disk_store.count() == 7
    assert (issued, modified) == ("2024-01-02T03:04:05Z", "2025-06-07T08:09:10Z")
    subsets = _one(d, "SELECT ?g ?n WHERE { ?d void:subset ?g . ?g void:triples ?n }")
    assert [(g, int(n)) for g, n in subsets] == [
        (g.value, disk_store.count(g)) for g in disk_store.graphs()
    ]
    downloads = _one(
        d,
        "SELECT ?u ?m WHERE { ?d dcat:distribution ?x . "
        "?x a dcat:Distribution ; dcat:downloadURL ?u ; dcat:accessURL ?u ; dcat:mediaType ?m }",
    )
    assert {u for u, _m in downloads} == {
        f"{small.url}/dumps/{name}"
        for name in ("dckg.nq.gz", "dckg.nt.gz", "dckg.ttl", "dckg.trig")
    }
    # Every advertised download works.
    for url, _media in downloads:
        assert httpx.get(url).status_code == 200
    same = httpx.get(small.url + "/dataset", headers={"Accept": "application/n-triples"})
    assert same.headers["content-type"].startswith("application/n-triples")
    assert {q.triple for q in parse(same.content, RdfFormat.N_TRIPLES)}


def test_description_is_406_for_a_table_format(small: Server) -> None:
    assert (
        httpx.get(small.url + "/.well-known/void", headers={"Accept": "text/csv"}).status_code
        == 406
    )


def test_dataset_dumps(small: Server, disk_store: EmbeddedStore) -> None:
    quads = set(disk_store.quads())
    triples = {q.triple for q in quads}
    assert len(triples) < len(quads)  # one triple is in two graphs

    nq = httpx.get(small.url + "/dumps/dckg.nq.gz")
    assert nq.headers["content-type"] == "application/gzip"
    assert "dckg.nq.gz" in nq.headers["content-disposition"]
    assert set(parse(gzip.decompress(nq.content), RdfFormat.N_QUADS)) == quads

    trig = httpx.get(small.url + "/dumps/dckg.trig")
    assert set(parse(trig.content, RdfFormat.TRIG)) == quads

    nt = httpx.get(small.url + "/dumps/dckg.nt.gz")
    assert {q.triple for q in parse(gzip.decompress(nt.content), RdfFormat.N_TRIPLES)} == triples

    ttl = httpx.get(small.url + "/dumps/dckg.ttl")
    assert ttl.headers["content-type"].startswith("text/turtle")
    assert {q.triple for q in parse(ttl.content, RdfFormat.TURTLE)} == triples


def test_dump_of_a_large_store_is_written_once_and_served_whole(api: Server) -> None:
    with httpx.stream("GET", api.url + "/dumps/dckg.nq.gz", timeout=120) as response:
        size = int(response.headers["content-length"])
        etag = response.headers["etag"]
        first = next(response.iter_raw())
    assert first[:2] == b"\x1f\x8b"
    assert size > 1_000_000
    again = httpx.get(api.url + "/dumps/dckg.nq.gz", headers={"Range": "bytes=-100"})
    assert again.status_code == 206
    assert again.headers["etag"] == etag
    assert again.headers["content-range"] == f"bytes {size - 100}-{size - 1}/{size}"


@pytest.mark.parametrize(
    "path",
    [
        "/dumps/..%2F..%2F..%2Fetc%2Fpasswd",
        "/dumps/%2e%2e%2fpyproject.toml",
        "/dumps/../../pyproject.toml",
        "/dumps/dckg.nq.gz%00.txt",
        "/dumps//etc/passwd",
        "/dumps/dckg.nq",
    ],
)
def test_path_traversal_in_dump_paths(small: Server, path: str) -> None:
    # A raw request: httpx would normalise the dots away before sending.
    connection = http.client.HTTPConnection("127.0.0.1", small.port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.status == 404
    assert b"root:" not in body and b"[project]" not in body


def test_dump_list(small: Server) -> None:
    listed = httpx.get(small.url + "/dumps").json()["dumps"]
    assert {d["name"] for d in listed} == {"dckg.nq.gz", "dckg.nt.gz", "dckg.ttl", "dckg.trig"}


def test_graph_iris_in_description_are_the_store_graphs(
    small: Server, disk_store: EmbeddedStore
) -> None:
    d = _described(httpx.get(small.url + "/sparql").content)
    names = {
        row[0]
        for row in _one(
            d,
            "SELECT ?n WHERE { ?s <http://www.w3.org/ns/sparql-service-description#name> ?n }",
        )
    }
    assert names == {g.value for g in disk_store.graphs()}
    assert NamedNode(small.url + "/.well-known/void") in {
        q.object
        for q in d.quads_for_pattern(
            None, NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso"), None
        )
    }


# -- DCAT-AP 3.0.1, sources and licences, linksets, dumps a harvester can trust ----------

SHAPES = Path(__file__).parent.parent / "data" / "dcat-ap-3.0.1-shacl"
DCT = "http://purl.org/dc/terms/"
EU_LICENCE = "http://publications.europa.eu/resource/authority/licence/"
SH = "http://www.w3.org/ns/shacl#"


def _portal_quads() -> list[Quad]:
    """A small store whose graphs describe themselves, with links, countries and dates."""
    a, b = graph("test/a"), graph("test/b")
    countries = graph("reference/countries")
    city = NamedNode("https://w3id.org/dckg/id/city/test-1")
    fra = NamedNode("https://w3id.org/dckg/id/country/FRA")
    p = NamedNode  # short

    def q(s: NamedNode, pred: str, o: NamedNode | Literal, g: NamedNode) -> Quad:
        return Quad(s, p(pred), o, g)

    return [
        *small_quads(),
        q(a, RDF + "type", p(DCAT + "Dataset"), a),
        q(a, DCT + "title", Literal("Test twinnings", language="en"), a),
        q(a, DCT + "license", p("https://creativecommons.org/licenses/by-sa/4.0/"), a),
        q(a, DCT + "source", p("https://example.org/twinnings"), a),
        q(a, DCT + "bibliographicCitation", Literal("Test source, CC BY-SA 4.0", language="en"), a),
        q(b, DCT + "title", Literal("Test networks", language="en"), b),
        q(b, DCT + "license", p("http://spdx.org/licenses/EUPL-1.2"), b),
        q(city, DCKG + "country", fra, a),
        q(city, OWL + "sameAs", p("https://sws.geonames.org/2988507/"), a),
        q(city, DCKG + "advances", p("http://metadata.un.org/sdg/11"), b),
        q(city, DCKG + "founded", Literal("1962-05-01", datatype=p(XSD + "date")), a),
        q(city, DCKG + "founded", Literal("2001-01-01", datatype=p(XSD + "date")), b),
        q(fra, RDFS + "label", Literal("France", language="en"), countries),
        q(fra, SKOS + "exactMatch", p(EU_COUNTRY + "FRA"), countries),
        q(countries, DCT + "license", p("https://spdx.org/licenses/LGPL-2.1-only.html"), countries),
    ]


@pytest.fixture(scope="module")
def portal_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path: Path = tmp_path_factory.mktemp("portal") / "store"
    with EmbeddedStore(path) as store:
        store.add_quads(_portal_quads())
        store.flush()
    return path


@pytest.fixture(scope="module")
def portal(portal_path: Path) -> Iterator[tuple[Server, EmbeddedStore]]:
    with (
        EmbeddedStore(portal_path) as store,
        serving(Settings(store=str(portal_path), query_workers=2), store) as server,
    ):
        _built(server)
        yield server, store


@pytest.fixture(scope="module")
def dcat_ap_shapes() -> Graph:
    shapes = Graph()
    for name in ("shapes.ttl", "range.ttl", "mdr-vocabularies.shape.ttl"):
        shapes.parse(SHAPES / name, format="turtle")
    return shapes


def _results(data: Graph, shapes: Graph) -> list[tuple[str, str, str]]:
    """(severity, focus node, path) of every top-level result of a validation."""
    _conforms, report, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", allow_warnings=True
    )
    rows = report.query(
        "SELECT ?sev ?focus ?path WHERE { ?r a sh:ValidationResult ; sh:resultSeverity ?sev ; "
        "sh:focusNode ?focus . OPTIONAL { ?r sh:resultPath ?path } "
        "FILTER NOT EXISTS { ?parent sh:detail ?r } }",
        initNs={"sh": SH},
    )
    return sorted((str(r[0]), str(r[1]), str(r[2])) for r in rows)  # type: ignore[index]


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    [("text/turtle", RdfFormat.TURTLE), ("application/ld+json", RdfFormat.JSON_LD)],
)
def test_description_conforms_to_dcat_ap_3(
    portal: tuple[Server, EmbeddedStore],
    dcat_ap_shapes: Graph,
    accept: str,
    rdf_format: RdfFormat,
) -> None:
    server, _store = portal
    response = httpx.get(server.url + "/dataset", headers={"Accept": accept}, timeout=60)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(accept)
    # Read by pyoxigraph (the format's own parser), checked by pySHACL on rdflib.
    triples = [q.triple for q in parse(response.content, rdf_format)]
    data = Graph().parse(data=serialize(triples, None, RdfFormat.N_TRIPLES), format="nt")
    assert len(data) > 100
    results = _results(data, dcat_ap_shapes)
    assert [r for r in results if r[0] == SH + "Violation"] == []
    # The only warnings: the publisher is not in the EU corporate-body table.
    assert {(r[0], r[2]) for r in results} <= {(SH + "Warning", DCT + "publisher")}


def test_dcat_ap_shapes_catch_what_the_description_avoids(dcat_ap_shapes: Graph) -> None:
    """The shapes as vendored do find the faults the description used to have."""
    bad = Graph().parse(
        data="""
        @prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
        <urn:d> a dcat:Dataset ; dct:title "t"@en ; dct:description "d"@en ;
            dct:hasVersion "0.1.0" ; dcat:distribution <urn:x> .
        <urn:x> a dcat:Distribution ; dcat:accessURL <urn:u> ;
            dct:license <http://publications.europa.eu/resource/authority/licence/EUPL_1_2> .
        """,
        format="turtle",
    )
    paths = {r[2] for r in _results(bad, dcat_ap_shapes) if r[0] == SH + "Violation"}
    assert {DCT + "hasVersion", DCT + "license"} <= paths


def test_remaining_recommended_warnings_are_documented(
    portal: tuple[Server, EmbeddedStore],
) -> None:
    server, _store = portal
    data = Graph().parse(data=httpx.get(server.url + "/dataset").content, format="turtle")
    shapes = Graph().parse(SHAPES / "shapes_recommended.ttl", format="turtle")
    warned = {path for _sev, _focus, path in _results(data, shapes)}
    docs = (Path(__file__).parent.parent.parent / "docs" / "api.md").read_text()
    prefixes = {
        "http://purl.org/dc/terms/": "dct:",
        "http://www.w3.org/ns/dcat#": "dcat:",
        "http://data.europa.eu/r5r/": "dcatap:",
    }
    assert warned
    for path in warned:
        namespace = max((ns for ns in prefixes if path.startswith(ns)), key=len)
        assert f"`{prefixes[namespace]}{path.removeprefix(namespace)}`" in docs, path


def test_each_source_is_a_dataset_with_its_licence(portal: tuple[Server, EmbeddedStore]) -> None:
    server, _store = portal
    d = _described(httpx.get(server.url + "/dataset").content)
    found = _one(
        d,
        "SELECT ?g ?l ?t WHERE { ?c a dcat:Catalog ; dcat:dataset ?g . "
        "?g a dcat:Dataset ; dct:isPartOf ?d ; dct:license ?l ; dct:title ?t . "
        "?l a dct:LicenseDocument }",
    )
    assert found == [
        (
            "https://w3id.org/dckg/graph/reference/countries",
            "https://spdx.org/licenses/LGPL-2.1-only.html",
            "https://w3id.org/dckg/graph/reference/countries",
        ),
        ("https://w3id.org/dckg/graph/test/a", EU_LICENCE + "CC_BYSA_4_0", "Test twinnings"),
        ("https://w3id.org/dckg/graph/test/b", EU_LICENCE + "EUPL_1_2", "Test networks"),
    ]
    [(citation,)] = _one(
        d,
        "SELECT ?c WHERE { <https://w3id.org/dckg/graph/test/a> dct:bibliographicCitation ?c }",
    )
    assert citation == "Test source, CC BY-SA 4.0"
    [(spatial,)] = _one(d, "SELECT ?s WHERE { ?d dct:spatial ?s }")
    assert spatial == EU_COUNTRY + "FRA"
    [(start, end)] = _one(
        d, "SELECT ?a ?b WHERE { ?d dct:temporal [ dcat:startDate ?a ; dcat:endDate ?b ] }"
    )
    assert (start, end) == ("1962-05-01", "2001-01-01")


#: The graphs with no source outside the project: the ontology and the load records.
OWN_GRAPHS = {graph("ontology"), META_GRAPH}


def test_every_shipped_graph_has_source_licence_and_attribution(reference_store: Store) -> None:
    """Every graph ``dckg init`` loads, the load records included, states its licence and
    its attribution, and its sources where it has any; the description carries them."""
    graphs = set(reference_store.graphs())
    assert len(graphs) > 5 and META_GRAPH in graphs

    def said(g: NamedNode, predicate: str) -> set[str]:
        return {
            q.object.value for q in reference_store.quads(g, NamedNode(DCT + predicate), None, g)
        }

    for g in graphs:
        assert said(g, "license"), f"{g.value} has no dct:license"
        assert said(g, "bibliographicCitation"), f"{g.value} has no attribution"
        assert said(g, "source") or g in OWN_GRAPHS, f"{g.value} has no dct:source"
    assert said(META_GRAPH, "license") == {"http://spdx.org/licenses/EUPL-1.2"}
    cities = graph("reference/cities")
    assert said(cities, "license") == {"https://creativecommons.org/licenses/by/4.0/"}
    assert said(cities, "source") == {"https://download.geonames.org/export/dump/cities15000.zip"}
    assert any(
        "GeoNames" in c and "geonames.org" in c for c in said(cities, "bibliographicCitation")
    )

    inv = take_inventory(reference_store)
    assert {s.graph for s in inv.sources} == graphs
    described = OxStore()
    described.extend(Quad(*t) for t in void_description(inv, "http://127.0.0.1:8000"))
    for g in graphs:
        for predicate in ("license", "bibliographicCitation"):
            assert list(described.quads_for_pattern(g, NamedNode(DCT + predicate), None)), (
                g,
                predicate,
            )
    origins = {
        q.object.value
        for q in described.quads_for_pattern(
            cities, NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"), None
        )
    }
    assert origins == said(cities, "source")
    [licence] = list(described.quads_for_pattern(cities, NamedNode(DCT + "license"), None))
    assert licence.object == NamedNode(EU_LICENCE + "CC_BY_4_0")


def test_linkset_counts_equal_direct_queries(portal: tuple[Server, EmbeddedStore]) -> None:
    server, store = portal
    d = _described(httpx.get(server.url + "/dataset").content)
    linksets = _one(
        d,
        "SELECT ?ns ?p ?n WHERE { ?l a void:Linkset ; void:linkPredicate ?p ; void:triples ?n ; "
        "void:objectsTarget [ void:uriSpace ?ns ] }",
    )
    assert len(linksets) == 3
    for namespace, predicate, count in linksets:
        direct = sum(
            1
            for q in store.quads(None, NamedNode(predicate), None)
            if isinstance(q.object, NamedNode) and q.object.value.startswith(namespace)
        )
        assert int(count) == direct > 0


def test_dumps_have_size_checksum_and_validators(portal: tuple[Server, EmbeddedStore]) -> None:
    server, _store = portal
    d = _described(httpx.get(server.url + "/dataset").content)
    described = _one(
        d,
        "SELECT ?u ?size ?sum WHERE { ?x dcat:downloadURL ?u ; dcat:byteSize ?size ; "
        "<http://spdx.org/rdf/terms#checksum> [ <http://spdx.org/rdf/terms#checksumValue> ?sum ] }",
    )
    assert len(described) == 4
    for url, size, checksum in described:
        whole = httpx.get(url)
        assert whole.status_code == 200
        assert len(whole.content) == int(size) == int(whole.headers["content-length"])
        assert hashlib.sha256(whole.content).hexdigest() == checksum
        etag, stamp = whole.headers["etag"], whole.headers["last-modified"]
        assert httpx.get(url, headers={"If-None-Match": etag}).status_code == 304
        assert httpx.get(url, headers={"If-Modified-Since": stamp}).status_code == 304
        assert httpx.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
        part = httpx.get(url, headers={"Range": "bytes=10-29"})
        assert part.status_code == 206
        assert part.content == whole.content[10:30]
        assert part.headers["content-range"] == f"bytes 10-29/{size}"


def test_modified_and_validators_follow_a_load(tmp_path: Path, dckg: Callable[..., Any]) -> None:
    path = tmp_path / "store"
    with EmbeddedStore(path) as store:
        store.add_quads(small_quads())

    def look() -> tuple[str, str]:
        with (
            EmbeddedStore(path) as store,
            serving(Settings(store=str(path), query_workers=1), store) as server,
        ):
            d = _described(httpx.get(server.url + "/dataset").content)
            [(modified,)] = _one(
                d, "SELECT ?m WHERE { <https://w3id.org/dckg/id/dataset/dckg> dct:modified ?m }"
            )
            return modified, httpx.get(server.url + "/dumps/dckg.nq.gz").headers["etag"]

    before_modified, before_etag = look()
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "<https://w3id.org/dckg/id/city/test-9> a <https://w3id.org/dckg/ontology#City> .\n"
    )
    assert dckg("--store", str(path), "load", str(extra)).code == 0
    after_modified, after_etag = look()
    assert after_modified > before_modified
    assert after_etag != before_etag


def test_browser_page_shows_each_source_and_its_licence(
    portal: tuple[Server, EmbeddedStore],
) -> None:
    server, _store = portal
    page = httpx.get(
        server.url + "/dataset",
        headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
    )
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    for text in (
        "Test twinnings",
        '<a href="https://creativecommons.org/licenses/by-sa/4.0/" rel="license">CC BY-SA 4.0</a>',
        "Test source, CC BY-SA 4.0",
        '<a href="http://spdx.org/licenses/EUPL-1.2" rel="license">EUPL-1.2</a>',
        "GeoNames: 1 links",
    ):
        assert text in page.text, text
    # Without HTML in Accept, the description stays RDF.
    assert httpx.get(server.url + "/dataset").headers["content-type"].startswith("text/turtle")
