"""HTML for people: the templates, how terms become links, and the small maps.

Templates are Jinja2 with autoescaping on for every file, so whatever the graph holds
(labels, literals, IRIs) reaches the page as text, never as markup. Links are made only
for http(s) and mailto IRIs; anything else (``javascript:`` included) is shown as text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from fastapi import APIRouter
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from dckg.catalog.describe import Point
from dckg.catalog.vocabulary import ONTOLOGY_MODULES
from dckg.namespaces import DCKG, GRAPH, ID, XSD
from dckg.results import short

TEMPLATES = Path(__file__).parent / "templates"
_LINKABLE = ("http://", "https://", "mailto:")


def allow_head(router: APIRouter) -> None:
    """Answer HEAD wherever GET is answered (kept out of the OpenAPI schema)."""
    for route in list(router.routes):
        if isinstance(route, APIRoute) and "GET" in route.methods:
            router.add_api_route(
                route.path,
                route.endpoint,
                methods=["HEAD"],
                include_in_schema=False,
                response_class=route.response_class,
            )


@cache
def environment() -> Environment:
    """The Jinja2 environment of the package's templates (autoescaped)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def render(template: str, **context: object) -> str:
    """Render one template of the package."""
    return environment().get_template(template).render(**context)


def local_path(iri: str) -> str | None:
    """Where this server shows an IRI, or ``None`` for IRIs it does not serve.

    >>> local_path("https://w3id.org/dckg/id/city/geonames-2996944")
    '/id/city/geonames-2996944'
    >>> local_path("https://w3id.org/dckg/ontology#City")
    '/ontology#City'
    >>> local_path("https://w3id.org/dckg/ontology/core")
    '/ontology#module-core'
    >>> local_path("https://w3id.org/dckg/graph/reference/cities")
    '/graph/reference/cities'
    >>> local_path("https://sws.geonames.org/2996944/") is None
    True
    """
    if iri.startswith(ID) and len(iri) > len(ID):
        return "/id/" + iri[len(ID) :]
    if iri.startswith(GRAPH) and len(iri) > len(GRAPH):
        return "/graph/" + iri[len(GRAPH) :]
    if iri.startswith(DCKG):
        return "/ontology#" + iri[len(DCKG) :] if len(iri) > len(DCKG) else "/ontology"
    if iri.startswith(ONTOLOGY_MODULES) and "/" not in iri[len(ONTOLOGY_MODULES) :]:
        return "/ontology#module-" + iri[len(ONTOLOGY_MODULES) :]
    return None


@dataclass
class Value:
    """One RDF term as the templates show it."""

    text: str
    href: str | None = None
    external: bool = False
    iri: str | None = None
    note: str | None = None
    nested: list[Row] = field(default_factory=list)


@dataclass
class Row:
    """A property and its values."""

    property: Value
    values: list[Value]


class Linker:
    """Turns terms into Values, with labels and links relative to the app's root."""

    def __init__(self, root: str, labels: dict[str, str]) -> None:
        self.root = root.rstrip("/")
        self.labels = labels

    def iri(self, node: NamedNode) -> Value:
        """A link to an IRI: local page if this server has one, else out (http(s) only)."""
        text = self.labels.get(node.value) or short(node)
        local = local_path(node.value)
        if local is not None:
            return Value(text, href=self.root + local, iri=node.value)
        if node.value.startswith(_LINKABLE):
            return Value(text, href=node.value, external=True, iri=node.value)
        return Value(text, iri=node.value)

    def value(self, term: object, triples: list[Triple] | None = None, depth: int = 0) -> Value:
        """Any term; blank nodes show their own statements (a few levels deep)."""
        if isinstance(term, NamedNode) and not self._inside(term, triples):
            return self.iri(term)
        if isinstance(term, Literal):
            return Value(term.value, note=_literal_note(term))
        if isinstance(term, (BlankNode, NamedNode)):
            nested = []
            if triples is not None and depth < 4:
                nested = self.rows(term, triples, depth + 1)
            return Value("(blank node)" if not nested else "", nested=nested)
        return Value(str(term))

    @staticmethod
    def _inside(term: NamedNode, triples: list[Triple] | None) -> bool:
        """Whether ``term`` is a fragment of the entity whose statements are at hand."""
        return triples is not None and "#" in term.value and any(t.subject == term for t in triples)

    def rows(self, subject: object, triples: list[Triple], depth: int = 0) -> list[Row]:
        """The properties of ``subject`` in ``triples``, grouped, in a stable order."""
        grouped: dict[NamedNode, list[object]] = {}
        for t in triples:
            if t.subject == subject:
                grouped.setdefault(t.predicate, []).append(t.object)
        rows = []
        for predicate in sorted(grouped, key=lambda p: (self.iri(p).text.lower(), p.value)):
            values = sorted(grouped[predicate], key=_sort_key)
            rows.append(Row(self.iri(predicate), [self.value(v, triples, depth) for v in values]))
        return rows


def _literal_note(literal: Literal) -> str | None:
    if literal.language:
        return f"@{literal.language}"
    datatype = literal.datatype.value
    if datatype in (XSD + "string",):
        return None
    return short(literal.datatype)


def _sort_key(term: object) -> tuple[int, str]:
    if isinstance(term, NamedNode):
        return (0, term.value)
    if isinstance(term, Literal):
        return (1, (term.language or "") + term.value)
    return (2, str(term))


# -- maps --------------------------------------------------------------------------------


@dataclass
class Marker:
    """A point drawn on the map, in map units."""

    x: float
    y: float
    title: str
    href: str | None
    own: bool


@dataclass
class MapView:
    """An SVG map around some points: equirectangular, longitude scaled by cos(latitude)."""

    view_box: str
    world_x: float
    world_width: float
    radius: float
    markers: list[Marker]
    osm: str | None


def map_view(own: list[Point], near: list[Point], linker: Linker) -> MapView | None:
    """The map of an entity's points and the places around it (``None`` without points)."""
    everything = own + near
    if not everything:
        return None
    lons = [p.lon for p in everything]
    lats = [p.lat for p in everything]
    mid_lat = (max(lats) + min(lats)) / 2
    k = max(math.cos(math.radians(mid_lat)), 0.3)
    width = max((max(lons) - min(lons)) * k * 1.4 + 4, 24.0)
    height = max((max(lats) - min(lats)) * 1.4 + 2, 12.0)
    # Keep a 2:1 frame.
    width, height = max(width, height * 2), max(height, width / 2)
    cx = (max(lons) + min(lons)) / 2 * k
    cy = -mid_lat
    view_box = f"{cx - width / 2:.3f} {cy - height / 2:.3f} {width:.3f} {height:.3f}"
    markers = [_marker(p, k, linker, own=False) for p in near]
    markers += [_marker(p, k, linker, own=True) for p in own]
    osm = None
    if own:
        p = own[0]
        osm = f"https://www.openstreetmap.org/?mlat={p.lat:.5f}&mlon={p.lon:.5f}#map=10/{p.lat:.5f}/{p.lon:.5f}"
    return MapView(view_box, -180 * k, 360 * k, width / 120, markers, osm)


def _marker(point: Point, k: float, linker: Linker, *, own: bool) -> Marker:
    title = f"{point.lat:.4f}, {point.lon:.4f}"
    href = None
    if point.feature is not None:
        value = linker.iri(point.feature)
        title = f"{value.text} ({title})"
        href = value.href if not value.external else None
    return Marker(point.lon * k, -point.lat, title, href, own)
