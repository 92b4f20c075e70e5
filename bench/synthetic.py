"""A synthetic decentralised-cooperation graph of any size, for benchmarks.

``synthetic_quads(n_partnerships, seed)`` yields, in the named graph ``graph/synthetic``:
countries (real ISO codes, with EU membership and regions), cities with coordinates and
population, memberships of the real city networks, and ``n_partnerships`` partnerships
(70 % twinnings with a distance, 30 % funded projects with participations and roles,
themes, status, dates, grants through the real calls and programmes, results with
indicators, links to SDGs and to the narrative's objectives, and to Global Gateway
projects). The same seed always gives the same graph. About 18 triples per partnership:
60,000 partnerships give a graph of more than 1M triples.

    python bench/synthetic.py 60000 --out synthetic.nq
"""

from __future__ import annotations

import argparse
import math
import random
from collections.abc import Iterator
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, serialize

ID = "https://w3id.org/dckg/id/"
DCKG = "https://w3id.org/dckg/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDFS_LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
GEO = "http://www.opengis.net/ont/geosparql#"
GRAPH = NamedNode("https://w3id.org/dckg/graph/synthetic")

#: alpha-3, EU member, world regions, external-action region, (lon, lat) centre.
COUNTRIES = [
    ("FRA", True, ["europe", "western-europe"], None, (2.3, 46.6)),
    ("DEU", True, ["europe", "western-europe"], None, (10.4, 51.1)),
    ("ITA", True, ["europe", "southern-europe"], None, (12.5, 42.8)),
    ("ESP", True, ["europe", "southern-europe"], None, (-3.7, 40.4)),
    ("POL", True, ["europe", "eastern-europe"], None, (19.1, 52.0)),
    ("NLD", True, ["europe", "western-europe"], None, (5.3, 52.1)),
    ("BEL", True, ["europe", "western-europe"], None, (4.5, 50.5)),
    ("SWE", True, ["europe", "northern-europe"], None, (18.6, 60.1)),
    ("PRT", True, ["europe", "southern-europe"], None, (-8.2, 39.4)),
    ("ROU", True, ["europe", "eastern-europe"], None, (24.9, 45.9)),
    ("GBR", False, ["europe", "northern-europe"], None, (-2.0, 54.0)),
    ("UKR", False, ["europe", "eastern-europe"], "neighbourhood", (31.2, 48.4)),
    ("MAR", False, ["africa", "northern-africa"], "neighbourhood", (-7.1, 31.8)),
    ("TUN", False, ["africa", "northern-africa"], "neighbourhood", (9.5, 33.9)),
    ("SEN", False, ["africa", "sub-saharan-africa"], "sub-saharan-africa", (-14.5, 14.5)),
    ("KEN", False, ["africa", "sub-saharan-africa"], "sub-saharan-africa", (37.9, 0.0)),
    ("BFA", False, ["africa", "sub-saharan-africa"], "sub-saharan-africa", (-1.6, 12.2)),
    ("ZAF", False, ["africa", "sub-saharan-africa"], "sub-saharan-africa", (22.9, -30.6)),
    ("IND", False, ["asia"], "asia-and-the-pacific", (78.9, 20.6)),
    ("VNM", False, ["asia"], "asia-and-the-pacific", (108.3, 14.1)),
    ("CHN", False, ["asia"], "asia-and-the-pacific", (104.2, 35.9)),
    ("JPN", False, ["asia"], "asia-and-the-pacific", (138.3, 36.2)),
    (
        "BRA",
        False,
        ["americas", "latin-america-and-the-caribbean"],
        "americas-and-the-caribbean",
        (-51.9, -14.2),
    ),
    (
        "MEX",
        False,
        ["americas", "latin-america-and-the-caribbean"],
        "americas-and-the-caribbean",
        (-102.6, 23.6),
    ),
    (
        "COL",
        False,
        ["americas", "latin-america-and-the-caribbean"],
        "americas-and-the-caribbean",
        (-74.3, 4.6),
    ),
    ("USA", False, ["americas", "northern-america"], None, (-95.7, 37.1)),
]
NETWORKS = [
    "uclg",
    "cemr",
    "eurocities",
    "iclei",
    "metropolis",
    "aimf",
    "energy-cities",
    "c40",
    "gcom",
    "uclg-africa",
    "clgf",
]
THEMES = [
    "climate-adaptation",
    "climate-mitigation",
    "energy",
    "urban-mobility",
    "water-sanitation",
    "waste",
    "digital",
    "governance",
    "local-democracy",
    "local-finance",
    "migration",
    "gender-equality",
    "social-inclusion",
    "education",
    "health",
    "culture",
    "economic-development",
    "urban-planning",
    "resilience",
]
STATUSES = ["pipeline", "implementation", "finalisation", "closed"]
CALLS = ["psc-2018", "psc-2020", "psc-2021"]
PRIORITY_AREAS = ["digital", "climate-and-energy", "transport", "health", "education-and-research"]
OBJECTIVES = [
    "integrated-territorial-development",
    "local-democracy",
    "first-responders-in-fragility",
    "international-solidarity",
    "scaling-up-local-innovations",
    "enabling-cities-to-engage-with-eu-and-global-gateway",
    "demonstrate-results",
    "bring-innovation-and-solutions",
]


def _iri(kind: str, key: str) -> NamedNode:
    return NamedNode(f"{ID}{kind}/{key}")


def _d(local: str) -> NamedNode:
    return NamedNode(DCKG + local)


def _lit(value: object, datatype: str) -> Literal:
    return Literal(str(value), datatype=NamedNode(XSD + datatype))


def _q(s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> Quad:
    return Quad(s, p, o, GRAPH)


def _distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


def _countries() -> Iterator[Quad]:
    for code, eu, regions, area, _centre in COUNTRIES:
        c = _iri("country", code)
        yield _q(c, RDF_TYPE, _d("Country"))
        yield _q(c, _d("euMember"), _lit(str(eu).lower(), "boolean"))
        for region in regions:
            yield _q(c, _d("region"), _iri("region", region))
        if area:
            yield _q(c, _d("externalActionRegion"), _iri("ea-region", area))


def _cities(rng: random.Random, n: int, places: list[tuple[float, float]]) -> Iterator[Quad]:
    for i in range(n):
        code, _eu, _r, _a, (lon0, lat0) = COUNTRIES[i % len(COUNTRIES)]
        lon, lat = lon0 + rng.uniform(-4, 4), max(-80.0, min(80.0, lat0 + rng.uniform(-4, 4)))
        places.append((lon, lat))
        city = _iri("city", f"synthetic-{i}")
        geometry = NamedNode(city.value + "#geometry")
        yield _q(city, RDF_TYPE, _d("City"))
        yield _q(city, RDFS_LABEL, Literal(f"Synthetic city {i}"))
        yield _q(city, _d("country"), _iri("country", code))
        yield _q(city, _d("population"), _lit(int(rng.lognormvariate(11, 1.2)), "integer"))
        yield _q(city, NamedNode(GEO + "hasGeometry"), geometry)
        yield _q(
            geometry,
            NamedNode(GEO + "asWKT"),
            Literal(f"POINT({lon:.4f} {lat:.4f})", datatype=NamedNode(GEO + "wktLiteral")),
        )
        for network in rng.sample(NETWORKS, k=rng.choice((0, 0, 1, 1, 2, 3))):
            yield _q(city, _d("memberOf"), _iri("network", network))


def _gateway_projects(rng: random.Random, n: int) -> Iterator[Quad]:
    for i in range(n):
        project = _iri("gg-project", f"synthetic-{i}")
        code = COUNTRIES[12 + i % (len(COUNTRIES) - 12)][0]
        yield _q(project, RDF_TYPE, _d("GlobalGatewayProject"))
        yield _q(project, RDFS_LABEL, Literal(f"Synthetic Global Gateway project {i}"))
        yield _q(project, _d("priorityArea"), _iri("priority-area", rng.choice(PRIORITY_AREAS)))
        yield _q(project, _d("country"), _iri("country", code))
        yield _q(project, _d("flagshipYear"), _lit(rng.choice((2023, 2024, 2025)), "gYear"))
        yield _q(project, _d("budget"), _lit(rng.randrange(10, 900) * 1_000_000, "decimal"))


def _twinning(rng: random.Random, i: int, cities: list[tuple[float, float]]) -> Iterator[Quad]:
    p = _iri("partnership", f"synthetic-{i}")
    a, b = rng.sample(range(len(cities)), 2)
    yield _q(p, RDF_TYPE, _d("Partnership"))
    yield _q(p, RDF_TYPE, _d("Twinning"))
    yield _q(p, RDFS_LABEL, Literal(f"Twinning {a}-{b}"))
    yield _q(p, _d("partner"), _iri("city", f"synthetic-{a}"))
    yield _q(p, _d("partner"), _iri("city", f"synthetic-{b}"))
    if rng.random() < 0.9:
        yield _q(p, _d("startDate"), _lit(rng.randrange(1950, 2025), "gYear"))
    yield _q(p, _d("distanceKm"), _lit(f"{_distance(cities[a], cities[b]):.1f}", "decimal"))
    if rng.random() < 0.3:
        yield _q(p, _d("theme"), _iri("theme", rng.choice(THEMES)))


def _project(rng: random.Random, i: int, n_cities: int, n_gg: int) -> Iterator[Quad]:
    p = _iri("partnership", f"synthetic-{i}")
    yield _q(p, RDF_TYPE, _d("Partnership"))
    yield _q(p, RDF_TYPE, _d("Project"))
    yield _q(p, RDFS_LABEL, Literal(f"Synthetic project {i}"))
    year = rng.randrange(2015, 2025)
    yield _q(p, _d("startDate"), _lit(f"{year}-{rng.randrange(1, 13):02d}-01", "date"))
    yield _q(p, _d("endDate"), _lit(f"{year + rng.randrange(2, 5)}-12-31", "date"))
    yield _q(p, _d("status"), _iri("status", rng.choice(STATUSES)))
    for theme in rng.sample(THEMES, k=rng.choice((1, 2))):
        yield _q(p, _d("theme"), _iri("theme", theme))
    for k, c in enumerate(rng.sample(range(n_cities), rng.choice((2, 3, 4)))):
        city = _iri("city", f"synthetic-{c}")
        part = NamedNode(f"{p.value}#participation-{k}")
        yield _q(p, _d("partner"), city)
        yield _q(p, _d("participation"), part)
        yield _q(part, RDF_TYPE, _d("Participation"))
        yield _q(part, _d("agent"), city)
        yield _q(part, _d("role"), _iri("role", "lead" if k == 0 else "co-applicant"))
    funding = NamedNode(p.value + "#funding")
    yield _q(p, _d("funding"), funding)
    yield _q(funding, RDF_TYPE, _d("Funding"))
    yield _q(funding, _d("amount"), _lit(rng.randrange(200, 4000) * 1000, "decimal"))
    yield _q(funding, _d("currency"), Literal("EUR"))
    yield _q(funding, _d("call"), _iri("call", rng.choice(CALLS)))
    yield _q(p, _d("advances"), NamedNode(f"http://metadata.un.org/sdg/{rng.randrange(1, 18)}"))
    if rng.random() < 0.6:
        result = NamedNode(p.value + "#result")
        indicator = NamedNode(p.value + "#indicator")
        yield _q(p, _d("result"), result)
        yield _q(result, RDF_TYPE, _d("Result"))
        yield _q(result, RDFS_LABEL, Literal(f"Result of project {i}"))
        yield _q(result, _d("advances"), _iri("objective", rng.choice(OBJECTIVES)))
        yield _q(result, _d("indicator"), indicator)
        yield _q(indicator, RDF_TYPE, _d("Indicator"))
        yield _q(indicator, _d("value"), _lit(rng.randrange(1, 10_000), "decimal"))
    if rng.random() < 0.2:
        yield _q(p, _d("localises"), _iri("gg-project", f"synthetic-{rng.randrange(n_gg)}"))


def synthetic_quads(n_partnerships: int, seed: int = 0) -> Iterator[Quad]:
    """The quads of a synthetic graph with ``n_partnerships`` partnerships (deterministic)."""
    rng = random.Random(seed)
    n_cities = max(200, n_partnerships // 4)
    n_gg = max(10, n_partnerships // 500)
    places: list[tuple[float, float]] = []
    yield from _countries()
    yield from _cities(rng, n_cities, places)
    yield from _gateway_projects(rng, n_gg)
    for i in range(n_partnerships):
        if rng.random() < 0.7:
            yield from _twinning(rng, i, places)
        else:
            yield from _project(rng, i, n_cities, n_gg)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("partnerships", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="an N-Quads file")
    args = parser.parse_args()
    serialize(synthetic_quads(args.partnerships, args.seed), str(args.out), RdfFormat.N_QUADS)


if __name__ == "__main__":
    main()
