"""Fixtures of the validation tests: stores holding the shipped data, and helpers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Quad

from dckg.store import EmbeddedStore, Store
from dckg.validation import Report, bytes_input, validate

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

PREFIXES = """
@prefix dckg: <https://w3id.org/dckg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix geo:  <http://www.opengis.net/ont/geosparql#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix p:    <https://w3id.org/dckg/id/partnership/> .
@prefix a:    <https://w3id.org/dckg/id/actor/> .
@prefix city: <https://w3id.org/dckg/id/city/> .
@prefix country: <https://w3id.org/dckg/id/country/> .
@prefix network: <https://w3id.org/dckg/id/network/> .
@prefix x:    <https://w3id.org/dckg/id/example/> .
@prefix status: <https://w3id.org/dckg/id/status/> .
@prefix theme: <https://w3id.org/dckg/id/theme/> .
@prefix role: <https://w3id.org/dckg/id/role/> .
@prefix instrument: <https://w3id.org/dckg/id/instrument/> .
@prefix programme: <https://w3id.org/dckg/id/programme/> .
@prefix framework: <https://w3id.org/dckg/id/framework/> .
@prefix scheme: <https://w3id.org/dckg/id/scheme/> .
@prefix sdg: <http://metadata.un.org/sdg/> .
"""


def check_turtle(store: Store | None, text: str, *, engine: str = "pyshacl-turbo") -> Report:
    """Validate a Turtle snippet (the common prefixes are prepended)."""
    data = (PREFIXES + text).encode()
    return validate(store, [bytes_input(data, name="example.ttl", fmt="ttl")], engine=engine)


def all_quads(store: Store) -> set[Quad]:
    return set(store.quads())


#: The GeoNames cities the tests name (Lyon, Dakar, Nairobi, Paris, Bordeaux, Kampala).
CITIES = ("2996944", "2253354", "184745", "2988507", "3031582", "232422")


#: Shipped graphs no validation test reads: the largest sources of content (540,000
#: quads), left out so that each remote test does not upload and read them back.
UNREAD = frozenset(
    NamedNode(f"https://w3id.org/dckg/graph/reference/{name}")
    for name in ("covenant-of-mayors", "places", "twin-towns-wikipedia")
)


@pytest.fixture(scope="session")
def small_quads(reference_store: Store) -> list[Quad]:
    """The shipped data without the 34,000 GeoNames cities, but for the few tests name, and
    without the graphs no test reads (:data:`UNREAD`)."""
    cities = NamedNode("https://w3id.org/dckg/graph/reference/cities")
    quads = [
        q for q in reference_store.quads() if q.graph_name != cities and q.graph_name not in UNREAD
    ]
    for gid in CITIES:
        for suffix in ("", "#geometry"):
            node = NamedNode(f"https://w3id.org/dckg/id/city/geonames-{gid}{suffix}")
            quads += list(reference_store.quads(node, None, None, cities))
    return quads


@pytest.fixture(params=["embedded", "remote"])
def shipped_copy(small_quads: list[Quad], request: pytest.FixtureRequest) -> Iterator[Store]:
    """A fresh writable store: the shipped data, with only the cities tests use.

    Once in memory, once on an Oxigraph server through the remote backend.
    """
    if request.param == "remote":
        remote = request.getfixturevalue("remote_store")
        remote.add_quads(small_quads)
        yield remote
        return
    with EmbeddedStore() as copy:
        copy.add_quads(small_quads)
        yield copy


@pytest.fixture(scope="module")
def disk_store(small_quads: list[Quad], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store holding the shipped data (few cities), for command-line tests."""
    path = tmp_path_factory.mktemp("store") / "dckg"
    with EmbeddedStore(path) as store:
        store.add_quads(small_quads)
    return path
