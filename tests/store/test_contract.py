"""The Store interface holds on every backend: embedded Oxigraph and an Oxigraph server.

Each test runs once per backend (``any_store``); the tests at the end run the same
operations on both at once and compare what comes back.
"""

from __future__ import annotations

import io

import pytest
from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
)

from dckg.errors import InputError, QueryError, StoreError, UsageError
from dckg.store import EmbeddedStore, Store
from dckg.store.remote import RemoteStore

EX = "https://example.org/"
G1 = NamedNode(EX + "g1")
G2 = NamedNode(EX + "g2")
NAME = NamedNode(EX + "name")
TTL = b"""@prefix ex: <https://example.org/> .
ex:lyon ex:twin ex:birmingham ; ex:name "Lyon" .
"""


def test_load_and_query_the_union(any_store: Store) -> None:
    assert any_store.load(TTL, rdf_format=RdfFormat.TURTLE, graph=G1) == 2
    any_store.add_quads([Quad(NamedNode(EX + "birmingham"), NAME, Literal("B"), G2)])
    rows = any_store.query("SELECT ?n WHERE { ?s <https://example.org/name> ?n } ORDER BY ?n")
    assert isinstance(rows, QuerySolutions)
    assert [r["n"].value for r in rows] == ["B", "Lyon"]
    assert any_store.graphs() == [G1, G2]
    assert (any_store.count(), any_store.count(G1), any_store.count(G2)) == (3, 2, 1)


def test_default_graph_restricts_the_union(any_store: Store) -> None:
    any_store.load(TTL, rdf_format=RdfFormat.TURTLE, graph=G1)
    any_store.add_quads([Quad(NamedNode(EX + "x"), NAME, Literal("X"), G2)])
    rows = any_store.query(
        "SELECT ?s ?n WHERE { ?s <https://example.org/name> ?n }", default_graph=[G2]
    )
    assert [r["n"].value for r in rows] == ["X"]


def test_substitutions_bind_terms_not_text(any_store: Store) -> None:
    any_store.load(TTL, rdf_format=RdfFormat.TURTLE, graph=G1)
    query = "SELECT ?s ?name WHERE { ?s <https://example.org/name> ?name }"
    hit = any_store.query(query, substitutions={"name": Literal("Lyon")})
    assert [(r["s"].value, r["name"].value) for r in hit] == [(EX + "lyon", "Lyon")]
    hostile = Literal('Lyon" } UNION { ?s ?p ?o } #')
    assert list(any_store.query(query, substitutions={"name": hostile})) == []
    with pytest.raises(QueryError, match="projection"):
        any_store.query("SELECT ?s WHERE { ?s ?p ?name }", substitutions={"name": Literal("x")})


def test_default_prefixes_need_no_declaration(any_store: Store) -> None:
    label = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    any_store.add_quads([Quad(NamedNode(EX + "a"), label, Literal("a"), G1)])
    assert [r["l"].value for r in any_store.query("SELECT ?l WHERE { ?s rdfs:label ?l }")] == ["a"]


def test_ask_and_construct_give_pyoxigraph_results(any_store: Store) -> None:
    any_store.load(TTL, rdf_format=RdfFormat.TURTLE, graph=G1)
    yes = any_store.query("ASK { ?s <https://example.org/twin> ?o }")
    assert isinstance(yes, QueryBoolean) and bool(yes)
    graph = any_store.query(
        "CONSTRUCT { ?o <https://example.org/twinOf> ?s } "
        "WHERE { ?s <https://example.org/twin> ?o }"
    )
    assert isinstance(graph, QueryTriples)
    assert [(t.subject.value, t.object.value) for t in graph] == [(EX + "birmingham", EX + "lyon")]


def test_typed_select_ask_construct(any_store: Store) -> None:
    any_store.load(TTL, rdf_format=RdfFormat.TURTLE, graph=G1)
    rows = any_store.select(
        "SELECT ?s ?n WHERE { ?s <https://example.org/name> ?n }",
        substitutions={"s": NamedNode(EX + "lyon")},
    )
    assert isinstance(rows, QuerySolutions)
    assert [r["n"].value for r in rows] == ["Lyon"]
    twin = "ASK { ?s <https://example.org/twin> ?o }"
    assert any_store.ask(twin) is True
    assert any_store.ask(twin, substitutions={"s": NamedNode(EX + "birmingham")}) is False
    assert any_store.ask(twin, default_graph=[G2]) is False
    triples = any_store.construct("DESCRIBE <https://example.org/lyon>")
    assert isinstance(triples, QueryTriples)
    assert {t.predicate.value for t in triples} == {EX + "twin", EX + "name"}
    graph = any_store.construct(
        "PREFIX e: <https://example.org/> CONSTRUCT { ?o e:twinOf ?s } WHERE { ?s e:twin ?o }"
    )
    assert [(t.subject.value, t.object.value) for t in graph] == [(EX + "birmingham", EX + "lyon")]


@pytest.mark.parametrize(
    ("method", "query", "expected"),
    [
        ("select", "ASK { ?s ?p ?o }", "form SELECT, got ASK"),
        ("ask", "# ASK\nSELECT * WHERE { ?s ?p ?o }", "form ASK, got SELECT"),
        ("construct", "SELECT * WHERE { ?s ?p ?o }", "form CONSTRUCT or DESCRIBE, got SELECT"),
        ("select", "INSERT DATA { <a:s> <a:p> <a:o> }", "form SELECT, got INSERT"),
    ],
)
def test_typed_queries_refuse_another_form_before_running(
    any_store: Store, method: str, query: str, expected: str
) -> None:
    with pytest.raises(QueryError, match=expected):
        getattr(any_store, method)(query)
    assert any_store.count() == 0  # the update was not run


def test_malformed_query_is_a_query_error(any_store: Store) -> None:
    with pytest.raises(QueryError):
        any_store.query("SELEC ?x WHERE { }")
    with pytest.raises(QueryError):
        any_store.query("SELECT ?x WHERE { ?x ?p }")


def test_malformed_input_writes_nothing(any_store: Store) -> None:
    any_store.load(TTL, rdf_format=RdfFormat.TURTLE, graph=G1)
    bad = TTL + b'<https://example.org/a> <https://example.org/b> "unterminated .\n'
    with pytest.raises(InputError) as caught:
        any_store.load(bad, rdf_format=RdfFormat.TURTLE, graph=G2, source_name="bad.ttl")
    assert (caught.value.source, caught.value.line) == ("bad.ttl", 3)
    assert any_store.count() == 2
    assert any_store.graphs() == [G1]


def test_triples_need_a_graph(any_store: Store) -> None:
    with pytest.raises(UsageError, match="graph IRI is needed"):
        any_store.load(TTL, rdf_format=RdfFormat.TURTLE)


def test_quad_formats_keep_their_graphs(any_store: Store) -> None:
    nq = b'<https://example.org/a> <https://example.org/p> "1" <https://example.org/g2> .\n'
    any_store.load(nq, rdf_format=RdfFormat.N_QUADS)
    assert any_store.graphs() == [G2]


def test_replace_and_drop_graph(any_store: Store) -> None:
    any_store.load(TTL, rdf_format=RdfFormat.TURTLE, graph=G1)
    triple = Quad(NamedNode(EX + "a"), NamedNode(EX + "p"), Literal("new"), G2)
    assert any_store.replace_graph(G1, [triple]) == 1
    assert [q.object.value for q in any_store.quads(graph=G1)] == ["new"]
    any_store.drop_graph(G1)
    assert any_store.count() == 0
    any_store.drop_graph(G1)  # dropping an absent graph is not an error


def test_quads_match_patterns(any_store: Store) -> None:
    any_store.load(TTL, rdf_format=RdfFormat.TURTLE, graph=G1)
    lyon = NamedNode(EX + "lyon")
    assert {q.predicate.value for q in any_store.quads(subject=lyon)} == {EX + "twin", EX + "name"}
    assert [q.graph_name for q in any_store.quads(predicate=NAME)] == [G1]
    assert list(any_store.quads(graph=G2)) == []


def test_remove_quads(any_store: Store) -> None:
    any_store.load(TTL, rdf_format=RdfFormat.TURTLE, graph=G1)
    assert any_store.remove_quads(list(any_store.quads(predicate=NAME))) == 1
    assert any_store.count() == 1


def test_dump_round_trip(any_store: Store) -> None:
    any_store.load(TTL, rdf_format=RdfFormat.TURTLE, graph=G1)
    any_store.add_quads([Quad(BlankNode(), NAME, Literal("anon"), G2)])
    buffer = io.BytesIO()
    any_store.dump(buffer, RdfFormat.N_QUADS)
    copy = EmbeddedStore()
    copy.load(buffer.getvalue(), rdf_format=RdfFormat.N_QUADS)
    assert copy.count() == 3
    assert {q for q in copy.quads() if not isinstance(q.subject, BlankNode)} == set(
        any_store.quads(graph=G1)
    )
    turtle = io.BytesIO()
    any_store.dump(turtle, RdfFormat.TURTLE, graph=G1)
    assert b"Lyon" in turtle.getvalue() and b"anon" not in turtle.getvalue()
    with pytest.raises(StoreError, match="holds one graph"):
        any_store.dump(io.BytesIO(), RdfFormat.TURTLE)


def test_blank_nodes_stay_one_node(any_store: Store) -> None:
    data = b"""@prefix ex: <https://example.org/> .
    ex:p ex:partner [ ex:name "A" ; ex:role ex:lead ] , [ ex:name "B" ; ex:role ex:associate ] .
    """
    any_store.load(data, rdf_format=RdfFormat.TURTLE, graph=G1)
    rows = any_store.query(
        "SELECT ?n ?r WHERE { ?x <https://example.org/name> ?n ; <https://example.org/role> ?r }"
        " ORDER BY ?n"
    )
    assert [(r["n"].value, r["r"].value) for r in rows] == [
        ("A", EX + "lead"),
        ("B", EX + "associate"),
    ]


# -- both backends side by side ----------------------------------------------------------

#: Queries whose bound variable sits in different places: subquery, OPTIONAL, FILTER,
#: aggregation, MINUS, NOT EXISTS, an inner group, CONSTRUCT, ASK.
BOUND_QUERIES = [
    "SELECT ?x ?o WHERE { { SELECT ?o WHERE { ?x ?p ?o } } }",
    "SELECT ?x ?s ?o WHERE { ?s ?p ?o OPTIONAL { ?o ?p ?z FILTER(?z = ?x) } }",
    "SELECT ?x ?s (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(?s = ?x) } GROUP BY ?s ?x",
    "SELECT ?x ?s WHERE { ?s ?p ?o MINUS { ?s ?p ?x } }",
    "SELECT ?x ?s ?o WHERE { ?s ?p ?o { FILTER(?s = ?x) } }",
    "SELECT ?x ?o WHERE { ?s ?p ?o FILTER NOT EXISTS { ?x ?p ?o } }",
    "SELECT ?x ?o WHERE { ?x ?p ?o } ORDER BY ?o LIMIT 1",
    "SELECT * WHERE { ?x ?p ?o }",
    "SELECT ?x ?y WHERE { VALUES ?y { 1 2 } }",
    # a sub-select that projects the bound variable sees its value, one that does not, not
    "SELECT ?x ?o WHERE { { SELECT DISTINCT ?x ?o WHERE { ?x ?p ?o } } }",
    "SELECT ?x ?o WHERE { # a comment with { braces\n ?x <https://example.org/p> ?o }",
    'SELECT ?x WHERE { ?x ?p "}" }',
    "ASK { ?x ?p ?o }",
    "CONSTRUCT { ?x <https://example.org/seen> ?o } WHERE { ?x ?p ?o }",
    "CONSTRUCT WHERE { ?x ?p ?o }",
    "DESCRIBE ?x",
]


def _rows(result: object) -> object:
    if isinstance(result, QueryBoolean):
        return bool(result)
    if isinstance(result, QuerySolutions):
        names = [v.value for v in result.variables]
        return names, sorted(tuple(str(s[n]) for n in names) for s in result)
    return sorted(str(t) for t in result)  # type: ignore[attr-defined]


@pytest.fixture
def both(store: EmbeddedStore, remote_store: RemoteStore) -> list[Store]:
    """The two backends holding the same small graph."""
    a, b, c, p = (NamedNode(EX + n) for n in ("a", "b", "c", "p"))
    quads = [Quad(a, p, b, G1), Quad(b, p, c, G1), Quad(a, p, Literal("x"), G2)]
    for s in (store, remote_store):
        s.add_quads(quads)
    return [store, remote_store]


@pytest.mark.parametrize("query", BOUND_QUERIES)
def test_bound_queries_answer_alike(both: list[Store], query: str) -> None:
    bound = {"x": NamedNode(EX + "a")}
    answers = [_rows(s.query(query, substitutions=bound)) for s in both]
    assert answers[0] == answers[1]
    assert answers[0] not in ([], ([], []))  # every query here finds something


def test_large_writes_equal_small_ones(
    store: EmbeddedStore, remote_store: RemoteStore, oxigraph_server: object
) -> None:
    """Batched (staged) writes give the same graph as one transaction, with and without GSP."""
    from tests.servers import OxigraphServer

    assert isinstance(oxigraph_server, OxigraphServer)
    quads = [
        Quad(NamedNode(f"{EX}p{i}"), NAME, Literal(f"partnership {i}"), G1 if i % 3 else G2)
        for i in range(700)
    ]
    node = BlankNode()
    quads += [Quad(NamedNode(EX + "x"), NAME, node, G1), Quad(node, NAME, Literal("n"), G1)]
    store.add_quads(quads)
    store.replace_graph(G2, [q for q in quads if q.graph_name == G1][:50])
    for gsp in (True, False):
        remote_store.update("DROP SILENT ALL")
        with oxigraph_server.store(gsp=gsp, batch=100) as remote:
            remote.add_quads(quads)
            remote.replace_graph(G2, [q for q in quads if q.graph_name == G1][:50])
            assert remote.count() == store.count() == 518
            named = "SELECT ?s ?n { ?s ?p ?n FILTER(!isBlank(?n) && !isBlank(?s)) }"
            assert _rows(remote.query(named)) == _rows(store.query(named))
            linked = "SELECT ?n WHERE { <https://example.org/x> ?p ?b . ?b ?q ?n }"
            assert _rows(remote.query(linked)) == (["n"], [('"n"',)])
            assert remote.staging_graphs() == []
