"""Dereferencing the graph's IRIs: HTML pages, RDF by Accept and by extension, 404s."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx
import pytest
import rdflib
from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, parse

from dckg.namespaces import DCKG, RDFS, thing
from dckg.store import Store

LYON = thing("city", "geonames-2996944")
BEIRUT = thing("city", "geonames-276781")
DAKAR = thing("city", "geonames-2253354")
TWINNING = thing("partnership", "lyon-beirut")
PROJECT = thing("partnership", "sustainable-lyon")
HOSTILE = thing("gg-project", "hostile")
LABEL = NamedNode(RDFS + "label")
RawGet = Callable[[str], tuple[int, bytes]]

FORMATS = {
    "text/turtle": (RdfFormat.TURTLE, "ttl"),
    "application/n-triples": (RdfFormat.N_TRIPLES, "nt"),
    "application/ld+json": (RdfFormat.JSON_LD, "jsonld"),
    "application/rdf+xml": (RdfFormat.RDF_XML, "rdf"),
}


def path_of(iri: NamedNode) -> str:
    return urlsplit(iri.value).path.removeprefix("/dckg")


def html(client: httpx.Client, path: str) -> str:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def triples_of(body: bytes, rdf_format: RdfFormat) -> set[Triple]:
    return {Triple(q.subject, q.predicate, q.object) for q in parse(body, format=rdf_format)}


# -- HTML ------------------------------------------------------------------------------


def test_city_page_shows_label_type_properties_and_links(client: httpx.Client) -> None:
    page = html(client, "/id/city/geonames-2996944")
    assert "<h1>Lyon</h1>" in page
    assert 'href="/ontology#City"' in page
    # An IRI of the graph links to its local page, with its label as the text.
    assert '<a href="/id/country/FRA"' in page and ">France</a>" in page
    # An outside IRI links out.
    assert 'href="https://sws.geonames.org/2996944/" class="external"' in page
    # The geometry (a fragment IRI of the city) is shown inline with its WKT.
    assert "POINT(4.84789 45.74906)" in page


def test_city_page_lists_partnerships_with_the_other_partners(client: httpx.Client) -> None:
    page = html(client, "/id/city/geonames-2996944")
    section = page.split('class="partnerships"', 1)[1].split("</section>", 1)[0]
    assert "Lyon–Beirut twinning" in section and ">Beirut</a>" in section
    # Through a qualified participation too.
    assert "Sustainable Lyon–Dakar mobility" in section and ">Dakar</a>" in section
    # The city itself is not listed among "the other partners".
    assert ">Lyon</a>" not in section


CO_PARTNERS = """
PREFIX dckg: <https://w3id.org/dckg/ontology#>
PREFIX geo: <http://www.opengis.net/ont/geosparql#>
SELECT DISTINCT ?city ?other WHERE {
  { ?p dckg:partner ?city } UNION { ?p dckg:participation ?x . ?x dckg:agent ?city }
  { ?p dckg:partner ?other } UNION { ?p dckg:participation ?y . ?y dckg:agent ?other }
  FILTER (?other != ?city)
  ?other geo:hasGeometry ?g . ?g geo:asWKT ?wkt .
}
"""


def test_city_page_has_a_map_with_its_point_and_its_partners(
    client: httpx.Client, web_store: Store
) -> None:
    page = html(client, "/id/city/geonames-2996944")
    svg = page.split('<svg class="map"', 1)[1].split("</svg>", 1)[0]
    own = re.findall(r'<circle class="own" cx="([-0-9.]+)" cy="([-0-9.]+)"', svg)
    near = re.findall(r'<a href="(/id/[^"]+)"><circle class="near"', svg)
    assert len(own) == 1
    # y is minus the latitude; x is the longitude scaled by cos(mid latitude) (< 1).
    assert float(own[0][1]) == pytest.approx(-45.74906, abs=1e-3)
    assert 0 < float(own[0][0]) < 4.85
    # Every partner with a point is on the map, Beirut and Dakar (the fixture's) among them.
    partners = {
        row["other"].value for row in web_store.query(CO_PARTNERS, substitutions={"city": LYON})
    }
    assert {BEIRUT.value, DAKAR.value} <= partners
    assert {"https://w3id.org/dckg" + href for href in near} == partners
    # The world map comes from this server, not from a tile service.
    assert 'href="/static/world.svg"' in svg
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")


def test_partnership_page_shows_qualified_partners_and_their_map(client: httpx.Client) -> None:
    page = html(client, path_of(PROJECT))
    nested = page.split("participation", 1)[1]
    assert 'href="/id/city/geonames-2253354"' in nested and 'href="/id/role/lead"' in nested
    assert page.count('<circle class="near"') == 2  # Lyon and Dakar


def test_incoming_links_are_listed(client: httpx.Client) -> None:
    page = html(client, "/id/city/geonames-276781")
    incoming = page.split('class="incoming"', 1)[1]
    assert 'href="/id/partnership/lyon-beirut"' in incoming


def test_page_announces_its_rdf_alternates(client: httpx.Client) -> None:
    response = client.get("/id/city/geonames-2996944", headers={"Accept": "text/html"})
    assert "Accept" in [v.strip() for v in response.headers["vary"].split(",")]
    for media_type, (_, extension) in FORMATS.items():
        assert f'<link rel="alternate" type="{media_type}"' in response.text
        assert f"/id/city/geonames-2996944.{extension}>" in response.headers["link"]


# -- RDF -------------------------------------------------------------------------------


@pytest.mark.parametrize("media_type", FORMATS)
def test_rdf_by_accept(client: httpx.Client, web_store: Store, media_type: str) -> None:
    response = client.get("/id/city/geonames-2996944", headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    got = triples_of(response.content, FORMATS[media_type][0])
    expected = {Triple(q.subject, q.predicate, q.object) for q in web_store.quads(subject=LYON)}
    assert expected and expected <= got
    assert Triple(LYON, LABEL, Literal("Lyon")) in got
    # Incoming links come along.
    assert Triple(TWINNING, NamedNode(DCKG + "partner"), LYON) in got


@pytest.mark.parametrize("media_type", FORMATS)
def test_rdf_by_extension(client: httpx.Client, media_type: str) -> None:
    rdf_format, extension = FORMATS[media_type]
    response = client.get(f"/id/city/geonames-2996944.{extension}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert Triple(LYON, LABEL, Literal("Lyon")) in triples_of(response.content, rdf_format)


def test_rdf_follows_blank_nodes(client: httpx.Client) -> None:
    response = client.get(path_of(PROJECT) + ".nt")
    got = triples_of(response.content, RdfFormat.N_TRIPLES)
    agents = {t.object for t in got if t.predicate == NamedNode(DCKG + "agent")}
    roles = {t.object for t in got if t.predicate == NamedNode(DCKG + "role")}
    assert agents == {LYON, DAKAR}
    assert roles == {thing("role", "lead"), thing("role", "co-applicant")}


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_json_ld_reads_in_an_independent_parser(client: httpx.Client) -> None:
    response = client.get(path_of(TWINNING), headers={"Accept": "application/ld+json"})
    graph = rdflib.Graph().parse(data=response.text, format="json-ld")
    partners = set(graph.objects(rdflib.URIRef(TWINNING.value), rdflib.URIRef(DCKG + "partner")))
    assert partners == {rdflib.URIRef(LYON.value), rdflib.URIRef(BEIRUT.value)}


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/rdf+xml;q=0.5, text/turtle", "text/turtle"),
        ("text/turtle;q=0.2, application/ld+json;q=0.9", "application/ld+json"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
        ("*/*", "text/html"),
        ("text/*", "text/html"),
        ("application/*;q=0.9, text/html;q=0.1", "application/n-triples"),
        ("text/html;q=0, */*", "text/turtle"),
    ],
)
def test_accept_quality_values(client: httpx.Client, accept: str, expected: str) -> None:
    response = client.get("/id/country/FRA", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == expected


def test_unacceptable_media_type_is_406(client: httpx.Client) -> None:
    response = client.get("/id/country/FRA", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.text


# -- not found, and hostile paths --------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/id/city/geonames-0", "/id/no-such-kind/FRA", "/id/country/fra", "/id/country/FRA.png"],
)
def test_unknown_iris_are_404(client: httpx.Client, path: str) -> None:
    assert client.get(path, headers={"Accept": "text/turtle"}).status_code == 404
    page = client.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 404 and "Not found" in page.text


@pytest.mark.parametrize(
    "target",
    [
        "/id/../../etc/passwd",
        "/id/city/../../../etc/passwd",
        "/id/%2e%2e/%2e%2e/etc/passwd",
        "/id/city/%2E%2E/country/FRA",
        "/id/city/..%2f..%2fetc%2fpasswd",
        "/id/..%5c..%5cetc%5cpasswd",
        "/id//etc/passwd",
        "/id/city//geonames-2996944",
        "/id/city/./geonames-2996944",
        "/id/country/FRA%00.ttl",
        "/id/country",
        "/id/",
    ],
)
def test_path_traversal_is_refused(raw_get: RawGet, target: str) -> None:
    status, data = raw_get(target)
    assert status == 404
    assert b"root:" not in data and b"Lyon" not in data


def test_a_valid_iri_still_works_byte_for_byte(raw_get: RawGet) -> None:
    """The raw client does reach real pages (so the 404s above are not its fault)."""
    status, data = raw_get("/id/city/geonames-2996944.nt")
    assert status == 200 and b'"Lyon"' in data


# -- escaping ------------------------------------------------------------------------------


def test_hostile_values_are_escaped(client: httpx.Client) -> None:
    response = client.get(path_of(HOSTILE), headers={"Accept": "text/html"})
    page = response.text
    assert "<script>alert" not in page
    assert "<img src=x" not in page and "<svg onload" not in page and "<b>bold" not in page
    assert "&lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt;" in page
    # A javascript: IRI is never a link; a quote in an IRI cannot leave its attribute.
    assert 'href="javascript:' not in page.lower()
    assert "&lt;javascript:alert(&#39;iri&#39;)&gt;" in page
    assert "https://example.org/a&#39;onmouseover=&#39;alert(1)" in page
    assert "a'onmouseover" not in page
    # And scripts could not run anyway.
    assert "script-src" not in response.headers["content-security-policy"]
    assert "default-src 'none'" in response.headers["content-security-policy"]


def test_hostile_label_is_escaped_where_it_is_used_as_a_link(client: httpx.Client) -> None:
    page = html(client, path_of(PROJECT))
    assert ">&lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt;</a>" in page
    assert "<script>" not in page


def test_head_answers_like_get_without_a_body(client: httpx.Client) -> None:
    get = client.get("/id/country/FRA", headers={"Accept": "text/turtle"})
    head = client.head("/id/country/FRA", headers={"Accept": "text/turtle"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert client.head("/id/country/NOPE").status_code == 404


def test_routes_are_in_the_openapi_schema(client: httpx.Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/id/{path}", "/ontology", "/ontology/{name}", "/"} <= set(paths)
    assert "text/turtle" in paths["/id/{path}"]["get"]["responses"]["200"]["content"]
