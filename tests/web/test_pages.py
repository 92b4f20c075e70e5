"""How terms become links and points become a map, without a server."""

from __future__ import annotations

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from dckg.api.negotiation import negotiate
from dckg.api.pages import Linker, map_view
from dckg.catalog.describe import Point, parse_point


def inside(view_box: str, x: float, y: float) -> bool:
    left, top, width, height = map(float, view_box.split())
    return left <= x <= left + width and top <= y <= top + height


@pytest.mark.parametrize(
    "points",
    [
        [Point(4.83, 45.76)],
        [Point(4.83, 45.76), Point(-17.44, 14.69), Point(35.5, 33.89)],
        [Point(179.0, -16.0), Point(-179.0, -17.0)],
        [Point(10.0, 78.2), Point(25.0, 70.0)],
    ],
)
def test_map_frames_every_point_at_two_to_one(points: list[Point]) -> None:
    view = map_view(points[:1], points[1:], Linker("", {}))
    assert view is not None
    _, _, width, height = map(float, view.view_box.split())
    assert width == pytest.approx(2 * height, rel=1e-3)
    for marker in view.markers:
        assert inside(view.view_box, marker.x, marker.y)
    assert sum(m.own for m in view.markers) == 1


def test_no_points_no_map() -> None:
    assert map_view([], [], Linker("", {})) is None


def test_markers_link_to_local_pages_only() -> None:
    here = NamedNode("https://w3id.org/dckg/id/city/geonames-1")
    there = NamedNode("https://example.org/place")
    view = map_view([], [Point(1, 2, here), Point(3, 4, there)], Linker("/root", {here.value: "A"}))
    assert view is not None
    assert [m.href for m in view.markers] == ["/root/id/city/geonames-1", None]
    assert view.markers[0].title.startswith("A (")


@pytest.mark.parametrize(
    "wkt",
    ["POINT(200 10)", "POINT(10 95)", "POINT(nan 1)", "POINT(1)", "LINESTRING(0 0, 1 1)", ""],
)
def test_points_out_of_range_or_not_points_are_ignored(wkt: str) -> None:
    assert parse_point(Literal(wkt)) is None


@pytest.mark.parametrize(
    ("iri", "href"),
    [
        ("https://w3id.org/dckg/id/country/FRA", "/r/id/country/FRA"),
        ("https://w3id.org/dckg/ontology#City", "/r/ontology#City"),
        ("https://sws.geonames.org/1/", "https://sws.geonames.org/1/"),
        ("mailto:someone@example.org", "mailto:someone@example.org"),
        ("javascript:alert(1)", None),
        ("data:text/html,x", None),
        ("urn:isbn:123", None),
    ],
)
def test_only_safe_iris_become_links(iri: str, href: str | None) -> None:
    assert Linker("/r", {}).iri(NamedNode(iri)).href == href


def test_blank_nodes_show_their_statements() -> None:
    node = BlankNode()
    agent = NamedNode("https://w3id.org/dckg/id/city/geonames-1")
    p = NamedNode("https://w3id.org/dckg/ontology#agent")
    value = Linker("", {agent.value: "Town"}).value(node, [Triple(node, p, agent)])
    assert value.nested[0].values[0].text == "Town"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "text/html"),
        ("", "text/html"),
        ("application/json", "application/ld+json"),
        ("application/x-turtle", "text/turtle"),
        ("application/xhtml+xml", "text/html"),
        ("text/html;q=0, application/xhtml+xml", "text/html"),
        ("text/turtle;q=abc", None),
        ("application/n-triples;q=0", None),
    ],
)
def test_negotiation_edge_cases(accept: str | None, expected: str | None) -> None:
    assert negotiate(accept) == expected
