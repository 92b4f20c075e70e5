"""Loading the library, typing and binding parameters, and refusing bad ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, QuerySolutions

from dckg.errors import InputError, NotFound, UsageError
from dckg.namespaces import XSD
from dckg.queries import TYPES, Param, load_library, parse_query
from dckg.store import EmbeddedStore

HERE = Path(__file__).resolve().parent.parent / "data" / "queries"
HOSTILE = [
    '"} UNION { ?entity ?p ?label } #',
    "x' . } SELECT * WHERE { ?s ?p ?o",
    "}}}{{{",
    "line one\nline two # comment",
    '\\u0022 \\" <http://evil.example/> .',
]


def test_library_has_at_least_twenty_documented_queries() -> None:
    library = load_library()
    assert len(library) >= 20
    for query in library.values():
        assert query.summary and query.description and query.tags, query.name
        for param in query.params:
            assert param.type in TYPES and param.description, (query.name, param.name)
            assert param.example is not None, (query.name, param.name)


def test_every_query_runs_with_and_without_its_examples() -> None:
    with EmbeddedStore() as store:
        for query in load_library().values():
            examples = {p.name: p.example for p in query.params if p.example is not None}
            required = {p.name: examples[p.name] for p in query.params if p.required}
            for raw in (required, examples):
                result = query.run(store, raw)
                assert isinstance(result, QuerySolutions), query.name
                if query.name == "coverage":  # lists every kind, with 0 where nothing is held
                    assert {s["count"].value for s in result} == {"0"}, query.name
                else:
                    assert list(result) == [], query.name


def test_unknown_query_is_not_found() -> None:
    with pytest.raises(NotFound, match="no-such"):
        load_library()["no-such"]


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        ("iri", "country/FRA", NamedNode("https://w3id.org/dckg/id/country/FRA")),
        ("iri", "dckg:City", NamedNode("https://w3id.org/dckg/ontology#City")),
        ("iri", "http://metadata.un.org/sdg/11", NamedNode("http://metadata.un.org/sdg/11")),
        ("string", ' a "b" ', Literal(' a "b" ')),
        ("integer", "+42", Literal("42", datatype=NamedNode(XSD + "integer"))),
        ("decimal", "2.5", Literal("2.5", datatype=NamedNode(XSD + "decimal"))),
        ("decimal", "7", Literal("7", datatype=NamedNode(XSD + "decimal"))),
        ("date", "2021-03-01", Literal("2021-03-01", datatype=NamedNode(XSD + "date"))),
        ("year", "1990", Literal("1990", datatype=NamedNode(XSD + "gYear"))),
        ("boolean", "TRUE", Literal("true", datatype=NamedNode(XSD + "boolean"))),
        ("boolean", "0", Literal("false", datatype=NamedNode(XSD + "boolean"))),
    ],
)
def test_values_become_typed_terms(kind: str, raw: str, expected: object) -> None:
    assert Param("x", kind).to_term(raw) == expected


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        ("iri", "not an iri"),
        ("iri", "country/FRA> } UNION { ?s ?p ?o"),
        ("iri", "http://x/{a}"),
        ("iri", 'http://x/"'),
        ("iri", "FRA"),
        ("integer", "1.5"),
        ("integer", "1 } UNION {"),
        ("decimal", "1e3"),
        ("date", "2021-02-30"),
        ("date", "2021"),
        ("year", "90"),
        ("boolean", "maybe"),
    ],
)
def test_ill_typed_values_are_refused(kind: str, raw: str) -> None:
    with pytest.raises(UsageError, match="parameter 'x': expected"):
        Param("x", kind).to_term(raw)


def test_bind_applies_defaults_and_leaves_optional_parameters_unbound() -> None:
    query = load_library()["most-connected-cities"]
    assert query.bind({}) == {"min_partners": Literal("1", datatype=NamedNode(XSD + "integer"))}
    assert set(query.bind({"country": "country/DEU"})) == {"country", "min_partners"}


def test_missing_unknown_and_ill_typed_parameters_are_usage_errors() -> None:
    query = load_library()["network-members"]
    with pytest.raises(UsageError, match="'network' is required"):
        query.bind({})
    with pytest.raises(UsageError, match="has no parameter 'colour'"):
        query.bind({"network": "network/uclg", "colour": "red"})
    with pytest.raises(UsageError, match="parameter 'network': expected an IRI"):
        query.bind({"network": "} UNION {"})


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_strings_stay_one_literal(value: str) -> None:
    query = load_library()["find-entity"]
    assert query.bind({"name": value})["name"] == Literal(value)
    with EmbeddedStore() as store:
        store.load(HERE / "partnerships.ttl", graph=NamedNode("https://example.org/g"))
        rows = list(query.run(store, {"name": value}))
        assert rows == []  # the same as any text no name contains
        benign = list(query.run(store, {"name": "no such name"}))
        assert rows == benign
        echo = [s["name"] for s in query.run(store, {"name": "Lyon"})]
        assert echo == [Literal("Lyon")]


def test_a_hostile_name_finds_exactly_the_entity_that_bears_it() -> None:
    name = "O'Hare \"} UNION { ?entity ?p ?label } # town\nnext line"
    query = load_library()["find-entity"]
    with EmbeddedStore() as store:
        store.load(HERE / "hostile.ttl", graph=NamedNode("https://example.org/g"))
        rows = [(s["entity"].value, s["name"]) for s in query.run(store, {"name": name})]
    assert rows == [("https://w3id.org/dckg/id/city/odd", Literal(name))]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "no '#\\+' header"),
        ("#+ summary: a: b\nSELECT ?x WHERE {}", "not valid YAML"),
        ("#+ description: x\nSELECT ?x WHERE {}", "summary"),
        ("#+ summary: s\n#+ colour: red\nSELECT ?x WHERE {}", "unknown header keys"),
        ("#+ summary: s\n#+ params: [{name: y, type: iri}]\nSELECT ?x WHERE {}", "not a variable"),
        ("#+ summary: s\n#+ params: [{name: x, type: colour}]\nSELECT ?x WHERE {}", "type must"),
        (
            "#+ summary: s\n#+ params: [{name: x, type: integer, default: ten}]\nSELECT ?x {}",
            "expected an integer",
        ),
        ("#+ summary: s\n#+ no_source_data: [x]\nSELECT ?x WHERE {}", "must be text"),
    ],
)
def test_bad_headers_name_the_file_and_the_problem(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        parse_query(text, name="bad", path=Path("queries/bad.rq"))
    assert "queries/bad.rq" in str(caught.value)


def test_no_source_data_says_why_a_query_is_empty() -> None:
    query = parse_query(
        "#+ summary: s\n#+ no_source_data: |\n#+   No source   lists them.\nSELECT ?x {}", name="q"
    )
    assert query.no_source_data == "No source   lists them."
    assert parse_query("#+ summary: s\nSELECT ?x {}", name="q").no_source_data == ""


def test_a_folder_of_queries_can_be_loaded(tmp_path: Path) -> None:
    (tmp_path / "count-all.rq").write_text(
        "#+ summary: Count\n#+ tags: [x]\nSELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }\n"
    )
    (tmp_path / "README.md").write_text("not a query")
    library = load_library(tmp_path)
    assert list(library) == ["count-all"]
    with EmbeddedStore() as store:
        assert [s["n"].value for s in library["count-all"].run(store, {})] == ["0"]
