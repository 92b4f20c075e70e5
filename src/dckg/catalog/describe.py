"""What the store says about one IRI: the facts behind an entity page and its RDF.

Everything here reads the store through bound terms: quad patterns, or SPARQL with the
entity passed in ``substitutions`` (a list of IRIs goes in a VALUES block of terms that
pyoxigraph serialised). No value is ever pasted into query text. (Oxigraph substitutes
only variables that the SELECT clause projects, hence ``?entity`` in every projection.)
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice

from pyoxigraph import BlankNode, Literal, NamedNode, QuerySolutions, Triple

from dckg.namespaces import DCKG, DCT, GEO, RDF, RDFS, SKOS
from dckg.store.base import Store, Term

#: Incoming links listed on a page (and given in its RDF) at most.
MAX_INCOMING = 500
#: Blank nodes followed from the entity at most (a concise bounded description).
MAX_BLANK_NODES = 2_000
#: Related partnerships listed at most.
MAX_PARTNERSHIPS = 500
#: Points drawn on a map at most.
MAX_POINTS = 500

TYPE = NamedNode(RDF + "type")
LABELS = (NamedNode(SKOS + "prefLabel"), NamedNode(RDFS + "label"))
COMMENTS = (
    NamedNode(SKOS + "definition"),
    NamedNode(RDFS + "comment"),
    NamedNode(DCT + "description"),
)

_PREFIXES = f"""PREFIX dckg: <{DCKG}>
PREFIX geo: <{GEO}>
PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
"""

_PARTNERSHIPS = (
    _PREFIXES
    + """
SELECT DISTINCT ?entity ?partnership ?other WHERE {
  { ?partnership dckg:partner ?entity } UNION { ?partnership dckg:participation/dckg:agent ?entity }
  OPTIONAL {
    { ?partnership dckg:partner ?other } UNION { ?partnership dckg:participation/dckg:agent ?other }
    FILTER (?other != ?entity)
  }
}
LIMIT 5000
"""
)

_PARTNERSHIPS_IN_COUNTRY = (
    _PREFIXES
    + """
SELECT DISTINCT ?entity ?partnership ?other WHERE {
  ?actor dckg:country ?entity .
  { ?partnership dckg:partner ?actor } UNION { ?partnership dckg:participation/dckg:agent ?actor }
  { ?partnership dckg:partner ?other } UNION { ?partnership dckg:participation/dckg:agent ?other }
}
LIMIT 5000
"""
)

_PARTNERS = "dckg:partner|dckg:participation/dckg:agent"

#: The places around an entity: the partners of a partnership, the co-partners of an actor.
_NEAR_FEATURES = (
    _PREFIXES
    + f"""
SELECT DISTINCT ?entity ?feature WHERE {{
  {{ ?entity {_PARTNERS} ?feature }}
  UNION
  {{ ?p {_PARTNERS} ?entity . ?p {_PARTNERS} ?feature . FILTER (?feature != ?entity) }}
}}
LIMIT 5000
"""
)

#: The places in a country that have a point.
_PLACES_IN = (
    _PREFIXES
    + """
SELECT ?entity ?feature ?wkt WHERE {
  ?feature dckg:country ?entity ; geo:hasGeometry/geo:asWKT ?wkt
}
LIMIT 5000
"""
)

# Oxigraph evaluates the geometry path for the whole graph when it is joined with other
# patterns, so points are looked up in a second query, for the features found first.
_POINTS = _PREFIXES + (
    "SELECT ?feature ?wkt WHERE { VALUES ?feature { %s } ?feature geo:hasGeometry/geo:asWKT ?wkt }"
)

_LABELS = (
    _PREFIXES + "SELECT ?x ?label WHERE { VALUES ?x { %s } ?x rdfs:label|skos:prefLabel ?label }"
)

_POINT = re.compile(
    r"^\s*(?:<(?P<crs>[^>]*)>\s*)?POINT\s*\(\s*(?P<a>[-+0-9.eE]+)\s+(?P<b>[-+0-9.eE]+)\s*\)\s*$",
    re.IGNORECASE,
)
_LAT_LON_CRS = ("http://www.opengis.net/def/crs/EPSG/0/4326",)


@dataclass(frozen=True)
class Point:
    """A place on the map, in degrees."""

    lon: float
    lat: float
    feature: NamedNode | None = None


@dataclass
class Description:
    """What the store holds about one entity."""

    iri: NamedNode
    #: The entity's own statements and those of the blank nodes and fragments it leads to.
    triples: list[Triple] = field(default_factory=list)
    #: Statements whose object is the entity (capped at MAX_INCOMING).
    incoming: list[Triple] = field(default_factory=list)
    incoming_truncated: bool = False
    #: The named graphs the entity's own statements come from.
    graphs: list[NamedNode] = field(default_factory=list)

    @property
    def exists(self) -> bool:
        """Whether the store mentions the entity at all."""
        return bool(self.triples or self.incoming)

    def outgoing(self, subject: NamedNode | BlankNode | None = None) -> list[Triple]:
        """The statements about the entity (or one of its blank nodes)."""
        subject = subject or self.iri
        return [t for t in self.triples if t.subject == subject]

    def objects(self, predicate: NamedNode) -> list[Term]:
        """The values of one property of the entity."""
        return [t.object for t in self.outgoing() if t.predicate == predicate]

    def all_rdf(self) -> list[Triple]:
        """The triples the RDF views of the entity give: its description and incoming links."""
        return self.triples + self.incoming


def describe(store: Store, iri: NamedNode) -> Description:
    """The concise bounded description of ``iri`` plus its incoming links.

    Blank nodes and the IRIs of its fragments (``{iri}#geometry``) are part of an entity:
    their statements are followed too.
    """
    found = Description(iri)
    seen: set[Triple] = set()
    graphs: set[NamedNode] = set()
    queue: list[NamedNode | BlankNode] = [iri]
    followed: set[NamedNode | BlankNode] = set()
    fragment = iri.value + "#"
    while queue:
        subject = queue.pop(0)
        for quad in store.quads(subject=subject):
            triple = Triple(quad.subject, quad.predicate, quad.object)
            if subject == iri and isinstance(quad.graph_name, NamedNode):
                graphs.add(quad.graph_name)
            if triple in seen:
                continue
            seen.add(triple)
            found.triples.append(triple)
            obj = quad.object
            inside = isinstance(obj, BlankNode) or (
                isinstance(obj, NamedNode) and obj.value.startswith(fragment)
            )
            if inside and obj not in followed and len(followed) < MAX_BLANK_NODES:
                followed.add(obj)
                queue.append(obj)
    incoming = _distinct(store.quads(object=iri))
    found.incoming = list(islice(incoming, MAX_INCOMING))
    found.incoming_truncated = next(incoming, None) is not None
    found.graphs = sorted(graphs, key=lambda g: g.value)
    return found


def _distinct(quads: Iterable[object]) -> Iterator[Triple]:
    seen: set[Triple] = set()
    for quad in quads:
        triple = Triple(quad.subject, quad.predicate, quad.object)  # type: ignore[attr-defined]
        if triple not in seen:
            seen.add(triple)
            yield triple


def labels(store: Store, terms: Iterable[object], *, language: str = "en") -> dict[str, str]:
    """The best label of each IRI that has one, keyed by IRI string.

    A label in ``language`` wins over one without a language, which wins over any other.
    """
    iris = sorted({t for t in terms if isinstance(t, NamedNode)}, key=lambda t: t.value)
    best: dict[str, tuple[int, str]] = {}
    for chunk in _chunks(iris, 200):
        result = store.query(_LABELS % _values(chunk))
        assert isinstance(result, QuerySolutions)
        for row in result:
            label = row["label"]
            if not isinstance(label, Literal):
                continue
            rank = _language_rank(label, language)
            key = row["x"].value  # type: ignore[union-attr]
            if key not in best or rank < best[key][0]:
                best[key] = (rank, label.value)
    return {key: value for key, (_, value) in best.items()}


def _language_rank(literal: Literal, language: str) -> int:
    tag = (literal.language or "").lower()
    if tag == language or tag.startswith(language + "-"):
        return 0
    return 1 if not tag else 2


def _values(terms: Iterable[NamedNode]) -> str:
    """The inside of a VALUES block: terms serialised by pyoxigraph (N-Triples syntax)."""
    return " ".join(str(term) for term in terms)


def _chunks(items: Sequence[NamedNode], size: int) -> Iterator[Sequence[NamedNode]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def best_literal(values: Iterable[object], *, language: str = "en") -> str | None:
    """The value of the literal best fitting ``language`` among ``values``."""
    literals = [v for v in values if isinstance(v, Literal)]
    if not literals:
        return None
    return min(literals, key=lambda lit: _language_rank(lit, language)).value


@dataclass(frozen=True)
class Partnership:
    """A partnership related to an entity, with the partners other than the entity."""

    iri: NamedNode
    others: tuple[NamedNode, ...]


def partnerships(store: Store, iri: NamedNode, *, is_country: bool) -> list[Partnership]:
    """The partnerships ``iri`` is a partner of (or, for a country, that have a partner there)."""
    query = _PARTNERSHIPS_IN_COUNTRY if is_country else _PARTNERSHIPS
    result = store.query(query, substitutions={"entity": iri})
    assert isinstance(result, QuerySolutions)
    grouped: dict[NamedNode, list[NamedNode]] = {}
    for row in result:
        partnership = row["partnership"]
        if not isinstance(partnership, NamedNode):
            continue
        others = grouped.setdefault(partnership, [])
        other = row["other"]
        if isinstance(other, NamedNode) and other not in others:
            others.append(other)
        if len(grouped) > MAX_PARTNERSHIPS:
            del grouped[partnership]
            break
    return [
        Partnership(p, tuple(sorted(o, key=lambda t: t.value)))
        for p, o in sorted(grouped.items(), key=lambda item: item[0].value)
    ]


def points(store: Store, iri: NamedNode) -> tuple[list[Point], list[Point]]:
    """The entity's own points, and the points of the places around it.

    Around it: the partners of a partnership, the co-partners of an actor, the places in
    a country (at most MAX_POINTS).
    """
    own = [p for p in _points_of(store, [iri]) if p.feature == iri]
    features = _column(store.query(_NEAR_FEATURES, substitutions={"entity": iri}), "feature")
    near = _points_of(store, [f for f in features if f != iri])
    if not near:
        rows = store.query(_PLACES_IN, substitutions={"entity": iri})
        assert isinstance(rows, QuerySolutions)
        near = [p for p in (parse_point(r["wkt"], r["feature"]) for r in rows) if p]
    return own, _one_per_feature(near)[:MAX_POINTS]


def _column(result: object, name: str) -> list[NamedNode]:
    assert isinstance(result, QuerySolutions)
    return [row[name] for row in result if isinstance(row[name], NamedNode)]  # type: ignore[misc]


def _points_of(store: Store, features: Sequence[NamedNode]) -> list[Point]:
    found: list[Point] = []
    for chunk in _chunks(sorted(set(features), key=lambda f: f.value), 200):
        result = store.query(_POINTS % _values(chunk))
        assert isinstance(result, QuerySolutions)
        found += [p for p in (parse_point(r["wkt"], r["feature"]) for r in result) if p]
    return found


def _one_per_feature(found: list[Point]) -> list[Point]:
    seen: set[NamedNode | None] = set()
    unique = []
    for point in found:
        if point.feature not in seen:
            seen.add(point.feature)
            unique.append(point)
    return unique


def parse_point(wkt: object, feature: NamedNode | None = None) -> Point | None:
    """A WKT point literal as a Point (``None`` for anything else).

    >>> parse_point(Literal("POINT(4.83 45.76)"))
    Point(lon=4.83, lat=45.76, feature=None)
    >>> parse_point(Literal("<http://www.opengis.net/def/crs/EPSG/0/4326> POINT(45.76 4.83)"))
    Point(lon=4.83, lat=45.76, feature=None)
    >>> parse_point(Literal("POLYGON((0 0, 1 1, 1 0, 0 0))")) is None
    True
    """
    if not isinstance(wkt, Literal):
        return None
    match = _POINT.match(wkt.value)
    if not match:
        return None
    try:
        a, b = float(match["a"]), float(match["b"])
    except ValueError:
        return None
    lon, lat = (b, a) if match["crs"] in _LAT_LON_CRS else (a, b)
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        return None
    return Point(lon, lat, feature)
