"""The streaming result writers agree with pyoxigraph's own parsers on awkward values."""

from __future__ import annotations

import io

import pytest
from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QueryResultsFormat,
    Store,
    parse_query_results,
)

from dckg.sparql import formats
from dckg.sparql.writers import ChunkWriter, write_solutions

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture
def solutions_store() -> Store:
    store = Store()
    s = NamedNode("https://example.org/a?x=1&y=2")
    p = NamedNode("https://example.org/p")
    for value in [
        Literal('quotes " and \\ backslash'),
        Literal("tab\there, newline\nthere, comma, <tag> & amp"),
        Literal("élan ✓ 𝄞", language="fr"),
        Literal("42", datatype=NamedNode(XSD + "integer")),
        Literal("1.5e0", datatype=NamedNode(XSD + "double")),
        BlankNode("b0"),
        NamedNode("https://example.org/ü"),
    ]:
        store.add(Quad(s, p, value))
    return store


QUERY = "SELECT ?s ?o ?missing WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?missing } } ORDER BY ?o"


def _written(store: Store, name: str, cap: int = 1000) -> tuple[bytes, int, bool]:
    chunks: list[bytes] = []
    out = ChunkWriter(chunks.append, size=10)
    result = store.query(QUERY)
    variables = [v.value for v in result.variables]  # type: ignore[union-attr]
    fmt = formats.by_name(name, formats.SOLUTIONS)
    assert fmt is not None
    n, capped = write_solutions(variables, result, fmt, out, cap)  # type: ignore[arg-type]
    out.send_buffered()
    return b"".join(chunks), n, capped


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("json", QueryResultsFormat.JSON),
        ("xml", QueryResultsFormat.XML),
        ("tsv", QueryResultsFormat.TSV),
    ],
)
def test_round_trip(solutions_store: Store, name: str, fmt: QueryResultsFormat) -> None:
    body, n, capped = _written(solutions_store, name)
    assert (n, capped) == (7, False)
    expected = [
        [row[v] for v in ("s", "o", "missing")]  # type: ignore[index]
        for row in solutions_store.query(QUERY)  # type: ignore[union-attr]
    ]
    parsed = parse_query_results(io.BytesIO(body), fmt)
    got = [[row[v] for v in ("s", "o", "missing")] for row in parsed]  # type: ignore[index,union-attr]

    # blank node labels may be renamed by a parser; everything else must be identical
    def key(rows: list[list[object]]) -> list[list[object]]:
        return [["_:" if isinstance(t, BlankNode) else t for t in r] for r in rows]

    assert key(got) == key(expected)


def test_csv_follows_rfc4180(solutions_store: Store) -> None:
    import csv

    body, _n, _capped = _written(solutions_store, "csv")
    assert body.endswith(b"\r\n")
    rows = list(csv.reader(io.StringIO(body.decode(), newline="")))
    assert rows[0] == ["s", "o", "missing"]
    values = {r[1] for r in rows[1:]}
    assert "tab\there, newline\nthere, comma, <tag> & amp" in values
    assert 'quotes " and \\ backslash' in values


def test_cap(solutions_store: Store) -> None:
    body, n, capped = _written(solutions_store, "json", cap=3)
    assert (n, capped) == (3, True)
    assert len(list(parse_query_results(io.BytesIO(body), QueryResultsFormat.JSON))) == 3
