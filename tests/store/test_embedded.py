"""The embedded Oxigraph store: loading, querying with bound terms, graphs, atomicity."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat

from dckg.errors import InputError, QueryError, StoreError, UsageError
from dckg.store import EmbeddedStore, open_store

EX = "https://example.org/"
G1 = NamedNode(EX + "g1")
G2 = NamedNode(EX + "g2")
TTL = b"""@prefix ex: <https://example.org/> .
ex:lyon ex:twin ex:birmingham ; ex:name "Lyon" .
"""


def test_load_into_named_graph_and_query_union(store: EmbeddedStore) -> None:
    assert store.load(TTL, rdf_format=RdfFormat.TURTLE, graph=G1) == 2
    store.add_quads([Quad(NamedNode(EX + "birmingham"), NamedNode(EX + "name"), Literal("B"), G2)])
    rows = store.query("SELECT ?n WHERE { ?s <https://example.org/name> ?n } ORDER BY ?n")
    assert [r["n"].value for r in rows] == ["B", "Lyon"]
    assert store.graphs() == [G1, G2]
    assert store.count() == 3
    assert store.count(G1) == 2


def test_default_graph_restricts_the_union(store: EmbeddedStore) -> None:
    store.load(TTL, rdf_format=RdfFormat.TURTLE, graph=G1)
    store.add_quads([Quad(NamedNode(EX + "x"), NamedNode(EX + "name"), Literal("X"), G2)])
    rows = store.query("SELECT ?n WHERE { ?s <https://example.org/name> ?n }", default_graph=[G2])
    assert [r["n"].value for r in rows] == ["X"]


def test_substitutions_bind_terms_not_text(store: EmbeddedStore) -> None:
    store.load(TTL, rdf_format=RdfFormat.TURTLE, graph=G1)
    # A bound variable must be projected (SPARQL-dev SEP-0007).
    query = "SELECT ?s ?name WHERE { ?s <https://example.org/name> ?name }"
    hit = store.query(query, substitutions={"name": Literal("Lyon")})
    assert [r["s"].value for r in hit] == [EX + "lyon"]
    hostile = Literal('Lyon" } UNION { ?s ?p ?o } #')
    assert list(store.query(query, substitutions={"name": hostile})) == []


def test_default_prefixes_need_no_declaration(store: EmbeddedStore) -> None:
    store.add_quads(
        [
            Quad(
                NamedNode(EX + "a"),
                NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                Literal("a"),
                G1,
            )
        ]
    )
    assert [r["l"].value for r in store.query("SELECT ?l WHERE { ?s rdfs:label ?l }")] == ["a"]


def test_malformed_query_is_a_query_error(store: EmbeddedStore) -> None:
    with pytest.raises(QueryError, match="malformed query"):
        store.query("SELEC ?x WHERE { }")


def test_malformed_input_writes_nothing(store: EmbeddedStore) -> None:
    store.load(TTL, rdf_format=RdfFormat.TURTLE, graph=G1)
    bad = TTL + b'<https://example.org/a> <https://example.org/b> "unterminated .\n'
    with pytest.raises(InputError) as caught:
        store.load(bad, rdf_format=RdfFormat.TURTLE, graph=G2, source_name="bad.ttl")
    assert caught.value.source == "bad.ttl"
    assert caught.value.line == 3
    assert store.count() == 2
    assert store.graphs() == [G1]


def test_triples_need_a_graph(store: EmbeddedStore) -> None:
    with pytest.raises(UsageError, match="graph IRI is needed"):
        store.load(TTL, rdf_format=RdfFormat.TURTLE)


def test_quad_formats_keep_their_graphs(store: EmbeddedStore) -> None:
    nq = b'<https://example.org/a> <https://example.org/p> "1" <https://example.org/g2> .\n'
    store.load(nq, rdf_format=RdfFormat.N_QUADS)
    assert store.graphs() == [G2]


def test_replace_and_drop_graph(store: EmbeddedStore) -> None:
    store.load(TTL, rdf_format=RdfFormat.TURTLE, graph=G1)
    triple = Quad(NamedNode(EX + "a"), NamedNode(EX + "p"), Literal("new"), G2)
    assert store.replace_graph(G1, [triple]) == 1
    assert [q.object.value for q in store.quads(graph=G1)] == ["new"]
    store.drop_graph(G1)
    assert store.count() == 0
    store.drop_graph(G1)  # dropping an absent graph is not an error


def test_remove_quads(store: EmbeddedStore) -> None:
    store.load(TTL, rdf_format=RdfFormat.TURTLE, graph=G1)
    assert store.remove_quads(list(store.quads(predicate=NamedNode(EX + "name")))) == 1
    assert store.count() == 1


def test_dump_round_trip(store: EmbeddedStore) -> None:
    store.load(TTL, rdf_format=RdfFormat.TURTLE, graph=G1)
    buffer = io.BytesIO()
    store.dump(buffer, RdfFormat.N_QUADS)
    copy = EmbeddedStore()
    copy.load(buffer.getvalue(), rdf_format=RdfFormat.N_QUADS)
    assert set(copy.quads()) == set(store.quads())
    with pytest.raises(StoreError, match="holds one graph"):
        store.dump(io.BytesIO(), RdfFormat.TURTLE)


def test_on_disk_store_persists(tmp_path: Path) -> None:
    path = tmp_path / "store"
    with open_store(str(path)) as first:
        first.load(TTL, rdf_format=RdfFormat.TURTLE, graph=G1)
    with open_store(str(path)) as again:
        assert again.count() == 2


def test_a_file_is_not_a_store(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(StoreError, match="not a store"):
        open_store(str(path))


def test_a_foreign_directory_is_not_a_store(tmp_path: Path) -> None:
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(StoreError, match="not a store"):
        open_store(str(tmp_path))
    assert [p.name for p in tmp_path.iterdir()] == ["photo.jpg"]


def test_unknown_store_scheme() -> None:
    with pytest.raises(UsageError, match="unsupported store"):
        open_store("ftp://example.org/store")
