"""The entity search index (``dckg.reconcile.search``) on a small real Oxigraph store."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from dckg.errors import UsageError
from dckg.namespaces import DCKG, ID, RDF, RDFS, SKOS, XSD, graph
from dckg.reconcile.search import search_index_for, type_class
from dckg.store import Store

G = graph("test/search")


def _entity(key: str, cls: str, *names: Literal, population: int | None = None) -> list[Quad]:
    s = NamedNode(ID + key)
    quads = [Quad(s, NamedNode(RDF + "type"), NamedNode(DCKG + cls), G)]
    quads += [
        Quad(s, NamedNode(RDFS + "label" if i == 0 else SKOS + "altLabel"), n, G)
        for i, n in enumerate(names)
    ]
    if population is not None:
        pop = Literal(str(population), datatype=NamedNode(XSD + "integer"))
        quads.append(Quad(s, NamedNode(DCKG + "population"), pop, G))
    return quads


@pytest.fixture
def small(store: Store) -> Store:
    store.add_quads(
        [
            *_entity(
                "city/zurich",
                "City",
                Literal("Zürich", language="de"),
                Literal("Zurich", language="en"),
                population=421_878,
            ),
            *_entity("city/zug", "City", Literal("Zug"), population=30_934),
            *_entity("city/zuera", "City", Literal("Zuera"), population=8_000),
            *_entity("network/zn", "CityNetwork", Literal("Zürich Netzwerk", language="de")),
            *_entity("partnership/zz", "Partnership", Literal("Zug – Zuera")),
        ]
    )
    return store


def test_names_in_any_language_and_accents_ignored(small: Store) -> None:
    index = search_index_for(small)
    hits = index.search("ZURICH")
    assert [h.entity.path for h in hits][:2] == ["city/zurich", "network/zn"]
    assert hits[0].how == "exact" and hits[0].entity.label == "Zürich"  # its rdfs:label
    assert {hits[0].name, hits[0].language} in ({"Zurich", "en"}, {"Zürich", "de"})
    assert hits[1].how == "prefix"
    assert index.search("netzwerk")[0].how == "word"
    fuzzy = index.search("Zuerich")
    assert fuzzy[0].entity.path == "city/zurich" and fuzzy[0].how == "fuzzy"


def test_prefix_ranked_by_population_relations_last(small: Store) -> None:
    paths = [h.entity.path for h in search_index_for(small).search("zu", fuzzy=False)]
    assert paths == ["city/zurich", "city/zug", "city/zuera", "network/zn", "partnership/zz"]


def test_type_and_country_filters_and_limits(small: Store) -> None:
    index = search_index_for(small)
    cities = index.search("zu", classes=[type_class("city")])
    assert {h.entity.path for h in cities} == {"city/zurich", "city/zug", "city/zuera"}
    assert [h.entity.path for h in index.search("zu", limit=1)] == ["city/zurich"]
    assert type_class("city network") == type_class("dckg:CityNetwork") == "CityNetwork"
    with pytest.raises(UsageError, match="unknown type 'planet'"):
        type_class("planet", index.classes)
    with pytest.raises(UsageError, match="limit"):
        index.search("zu", limit=0)


def test_the_index_is_read_again_when_the_store_changes(small: Store) -> None:
    before = search_index_for(small)
    assert search_index_for(small) is before  # unchanged store: the same index
    assert before.search("Winterthur") == []
    small.add_quads(_entity("city/winterthur", "City", Literal("Winterthur")))
    after = search_index_for(small)
    assert after is not before
    assert [h.entity.path for h in after.search("winter")] == ["city/winterthur"]
