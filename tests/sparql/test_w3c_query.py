"""The W3C SPARQL 1.1 query tests, run through dckg's query path and on plain pyoxigraph.

The suite (``tests/data/w3c/sparql11-query/``) is data: each manifest lists syntax tests (a
query that must parse, or must not) and evaluation tests (a query, the files of its
dataset, the expected answer). This module only walks the manifests. Each test runs

* through :func:`dckg.sparql.run.run`, what ``dckg sparql`` calls (the same worker, limits,
  formats and writers as ``/sparql``), on an in-memory store holding each data file in a
  named graph: the default graph is their union, unless the test has named graphs too
  (then the dataset is given as the protocol's ``default-graph-uri`` / ``named-graph-uri``
  would give it) or the query names its own with ``FROM``; the answer is written as SPARQL
  JSON (CSV for the CSV tests) or N-Triples and read back;
* on plain pyoxigraph, as its own suite does: ``qt:data`` in the default graph,
  ``qt:graphData`` in named graphs.

Answers are compared as the suite's rules say: solutions as a multiset, in order only when
the query orders them (``ORDER BY``), blank nodes up to a one-to-one renaming, IRIs
identical, literals equal by value (a canonical lexical form per numeric or boolean
datatype, language tags in any case), ``REDUCED`` answers with lax cardinality. Known
failures, each with its reason, are data (``w3c_query_known_failures.toml``); dckg must pass
every test pyoxigraph passes.
"""

from __future__ import annotations

import csv
import io
import tomllib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph
import pytest
from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
)
from rdflib import RDF, Graph, Namespace
from rdflib.collection import Collection

from dckg.errors import DckgError
from dckg.namespaces import BASE_IRI
from dckg.sparql.run import run
from dckg.store import EmbeddedStore
from dckg.store.sparqltext import dataset, operation, tokens

SUITE = Path(__file__).parents[1] / "data" / "w3c" / "sparql11-query"
KNOWN = Path(__file__).with_name("w3c_query_known_failures.toml")
#: The manifests walked: every query directory of the suite (update, entailment, service
#: and protocol tests are not query evaluation).
DIRECTORIES = (
    "aggregates",
    "bind",
    "bindings",
    "construct",
    "csv-tsv-res",
    "exists",
    "functions",
    "grouping",
    "json-res",
    "negation",
    "project-expression",
    "property-path",
    "subquery",
    "syntax-fed",
    "syntax-query",
)
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
XSD = "http://www.w3.org/2001/XMLSchema#"
INTEGERS = {
    XSD + name
    for name in (
        "integer nonPositiveInteger negativeInteger long int short byte nonNegativeInteger "
        "unsignedLong unsignedInt unsignedShort unsignedByte positiveInteger"
    ).split()
}
EVALUATION, CSV_FORMAT, POSITIVE, NEGATIVE = "eval", "csv", "positive", "negative"
KINDS = {
    MF.QueryEvaluationTest: EVALUATION,
    MF.CSVResultFormatTest: CSV_FORMAT,
    MF.PositiveSyntaxTest11: POSITIVE,
    MF.NegativeSyntaxTest11: NEGATIVE,
    MF.PositiveSyntaxTest: POSITIVE,
    MF.NegativeSyntaxTest: NEGATIVE,
}


@dataclass(frozen=True)
class Case:
    """One test of the suite."""

    id: str  # directory/name
    kind: str
    query: Path
    data: tuple[Path, ...] = ()
    graph_data: tuple[Path, ...] = ()
    result: Path | None = None
    lax: bool = False


def _manifest(directory: str) -> Iterator[Case]:
    folder = SUITE / directory
    graph = Graph().parse(folder / "manifest.ttl", format="turtle")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))

    def local(node: object) -> Path:
        return folder / str(node).rsplit("/", 1)[-1]

    for entry in Collection(graph, graph.value(manifest, MF.entries)):
        kind = next((KINDS[t] for t in graph.objects(entry, RDF.type) if t in KINDS), None)
        if kind is None:
            continue
        name = f"{directory}/{str(entry).rsplit('#', 1)[-1]}"
        action = graph.value(entry, MF.action)
        if kind in (POSITIVE, NEGATIVE):
            yield Case(name, kind, local(action))
            continue
        result = graph.value(entry, MF.result)
        yield Case(
            name,
            kind,
            local(graph.value(action, QT.query)),
            tuple(sorted(local(d) for d in graph.objects(action, QT.data))),
            tuple(sorted(local(d) for d in graph.objects(action, QT.graphData))),
            local(result) if result is not None else None,
            graph.value(entry, MF.resultCardinality) == MF.LaxCardinality,
        )


CASES = [case for directory in DIRECTORIES for case in _manifest(directory)]
KNOWN_FAILURES: dict[str, dict[str, str]] = tomllib.loads(KNOWN.read_text())


def _iri(path: Path) -> NamedNode:
    """The IRI a test file has: what a relative reference to it in a query resolves to."""
    return NamedNode(BASE_IRI + path.name)


# -- running ---------------------------------------------------------------------------


@dataclass
class Answer:
    """What an engine answered: a boolean, solutions, a graph, CSV text, or an error."""

    boolean: bool | None = None
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[object, ...]] = field(default_factory=list)
    graph: bool = False
    csv: str | None = None
    error: str | None = None
    #: The error is the query's syntax (not its evaluation, nor a refusal).
    syntax: bool = False


def _query_text(case: Case) -> str:
    return case.query.read_text(encoding="utf-8")


def _from_files(case: Case, query: str) -> list[tuple[NamedNode, Path]]:
    """The graphs a query names in FROM / FROM NAMED, with the test files they are."""
    try:
        found = dataset(query, {}, BASE_IRI)
    except DckgError:
        return []
    if found is None:
        return []
    return [
        (graph, case.query.parent / graph.value.rsplit("/", 1)[-1])
        for graph in [*found.default, *found.named]
        if (case.query.parent / graph.value.rsplit("/", 1)[-1]).is_file()
    ]


def _load(store: pyoxigraph.Store, path: Path, graph: NamedNode | DefaultGraph) -> None:
    fmt = RdfFormat.from_extension(path.suffix[1:])
    assert fmt is not None, path
    store.load(path=str(path), format=fmt, base_iri=_iri(path).value, to_graph=graph)


def run_dckg(case: Case) -> Answer:
    """The test through ``dckg.sparql.run.run``: what ``dckg sparql`` does."""
    query = _query_text(case)
    store = EmbeddedStore()
    for path in (*case.data, *case.graph_data):
        _load(store._store, path, _iri(path))
    own = _from_files(case, query)
    for graph, path in own:
        _load(store._store, path, graph)
    form = operation(tokens(query))
    fmt = (
        "csv" if case.kind == CSV_FORMAT else "nt" if form in ("CONSTRUCT", "DESCRIBE") else "json"
    )
    protocol = {}
    if case.graph_data and not own:
        # Named graphs beside a default graph: the dataset as the protocol would name it
        # (without them, the default graph is the union, as the suite's data graph is).
        protocol = {
            "default_graph": [_iri(p) for p in case.data],
            "named_graphs": [_iri(p) for p in case.graph_data],
        }
    out = io.BytesIO()
    try:
        run(store, query, out, fmt, timeout=30, **protocol)  # type: ignore[arg-type]
    except DckgError as error:
        return Answer(error=str(error), syntax=str(error).startswith("malformed query"))
    finally:
        store.close()
    return _read(out.getvalue(), fmt)


def _read(body: bytes, fmt: str) -> Answer:
    if fmt == "csv":
        return Answer(csv=body.decode())
    if fmt == "nt":
        return Answer(graph=True, rows=_triples(pyoxigraph.parse(body, RdfFormat.N_TRIPLES)))
    return _answer(pyoxigraph.parse_query_results(body, QueryResultsFormat.JSON))


def run_oxigraph(case: Case) -> Answer:
    """The test on plain pyoxigraph, loaded as its own test suite loads it."""
    query = _query_text(case)
    store = pyoxigraph.Store()
    for path in case.data:
        _load(store, path, DefaultGraph())
    for path in case.graph_data:
        _load(store, path, _iri(path))
    for graph, path in _from_files(case, query):
        _load(store, path, graph)
    try:
        result = store.query(query, base_iri=BASE_IRI)
        if case.kind == CSV_FORMAT:
            return Answer(csv=result.serialize(format=QueryResultsFormat.CSV).decode())  # type: ignore[union-attr]
        if isinstance(result, QueryBoolean | QuerySolutions):
            return _answer(result)
        return Answer(graph=True, rows=_triples(result))
    except SyntaxError as error:
        return Answer(error=str(error), syntax=True)
    except (ValueError, OSError, RuntimeError) as error:
        return Answer(error=str(error))


def _answer(result: object) -> Answer:
    if isinstance(result, QueryBoolean):
        return Answer(boolean=bool(result))
    assert isinstance(result, QuerySolutions)
    variables = sorted(v.value for v in result.variables)
    rows = [tuple(solution[v] for v in variables) for solution in result]
    return Answer(variables=variables, rows=rows)


def _triples(triples: object) -> list[tuple[object, ...]]:
    return sorted({(t.subject, t.predicate, t.object) for t in triples}, key=str)  # type: ignore[attr-defined]


def expected(case: Case) -> Answer:
    """The expected answer, read from the result file."""
    assert case.result is not None
    suffix = case.result.suffix[1:]
    if case.kind == CSV_FORMAT:
        return Answer(csv=case.result.read_text(encoding="utf-8"))
    results = QueryResultsFormat.from_extension(suffix)
    if results is not None:
        return _answer(pyoxigraph.parse_query_results(path=str(case.result), format=results))
    rdf = RdfFormat.from_extension(suffix)
    assert rdf is not None, case.result
    parsed = pyoxigraph.parse(path=str(case.result), format=rdf, base_iri=_iri(case.result).value)
    return Answer(graph=True, rows=_triples(parsed))


# -- comparing -------------------------------------------------------------------------


def canonical(term: object) -> object:
    """A term as the suite compares it: literals by value, blank nodes by label (matched)."""
    if not isinstance(term, Literal):
        return term
    lexical, datatype = term.value, term.datatype.value
    try:
        if datatype in INTEGERS:
            lexical = str(int(lexical))
        elif datatype == XSD + "decimal":
            lexical = _decimal(Decimal(lexical))
        elif datatype in (XSD + "double", XSD + "float"):
            lexical = repr(float(lexical))
        elif datatype == XSD + "boolean":
            lexical = {"1": "true", "0": "false"}.get(lexical, lexical)
    except (ValueError, InvalidOperation):
        pass
    return ("literal", lexical, datatype, (term.language or "").lower())


def _decimal(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if "." in text else text + ".0"


def _key(row: Sequence[object]) -> tuple[object, ...]:
    return tuple("_:" if isinstance(t, BlankNode) else canonical(t) for t in row)


def _unify(
    actual: Sequence[object], wanted: Sequence[object], mapping: dict[str, str]
) -> dict[str, str] | None:
    """``mapping`` (actual blank node → expected one) extended so the rows match, or None."""
    extended = dict(mapping)
    used = set(extended.values())
    for a, e in zip(actual, wanted, strict=True):
        if isinstance(a, BlankNode) and isinstance(e, BlankNode):
            if a.value in extended:
                if extended[a.value] != e.value:
                    return None
            elif e.value in used:
                return None
            else:
                extended[a.value] = e.value
                used.add(e.value)
        elif isinstance(a, BlankNode) or isinstance(e, BlankNode) or canonical(a) != canonical(e):
            return None
    return extended


def same_rows(
    actual: list[tuple[object, ...]],
    wanted: list[tuple[object, ...]],
    *,
    ordered: bool = False,
    lax: bool = False,
) -> bool:
    """Whether two lists of rows are equal up to a renaming of blank nodes."""
    if lax:
        have, want = Counter(map(_key, actual)), Counter(map(_key, wanted))
        return set(have) == set(want) and all(have[k] <= want[k] for k in have)
    if len(actual) != len(wanted) or Counter(map(_key, actual)) != Counter(map(_key, wanted)):
        return False
    if ordered:
        mapping: dict[str, str] | None = {}
        for a, e in zip(actual, wanted, strict=True):
            mapping = _unify(a, e, mapping or {})
            if mapping is None:
                return False
        return True
    return _search(list(actual), list(wanted), {})


def _search(
    actual: list[tuple[object, ...]], wanted: list[tuple[object, ...]], mapping: dict[str, str]
) -> bool:
    if not actual:
        return True
    row, rest = actual[0], actual[1:]
    key = _key(row)
    for i, candidate in enumerate(wanted):
        if _key(candidate) != key:
            continue
        extended = _unify(row, candidate, mapping)
        if extended is not None and _search(rest, wanted[:i] + wanted[i + 1 :], extended):
            return True
    return False


def _ordered(query: str) -> bool:
    """Whether the outermost query orders its solutions (``ORDER BY`` outside any group)."""
    depth = 0
    toks = tokens(query)
    for i, tok in enumerate(toks):
        depth += tok.text == "{"
        depth -= tok.text == "}"
        if depth == 0 and tok.keyword == "ORDER" and i + 1 < len(toks):
            return toks[i + 1].keyword == "BY"
    return False


def _csv_rows(text: str) -> tuple[list[str], list[tuple[object, ...]]]:
    """The columns of a CSV result (sorted: ``SELECT *`` leaves their order open), its rows."""
    table = list(csv.reader(io.StringIO(text)))
    head = table[0] if table else []
    order = sorted(range(len(head)), key=head.__getitem__)
    rows = [
        tuple(BlankNode(row[i][2:]) if row[i].startswith("_:") else row[i] for i in order)
        for row in table[1:]
    ]
    return sorted(head), rows


def passes(case: Case, answer: Answer) -> bool:
    """Whether an engine's answer passes the test."""
    if case.kind in (POSITIVE, NEGATIVE):
        return answer.syntax is (case.kind == NEGATIVE)
    if answer.error is not None:
        return False
    want = expected(case)
    ordered = _ordered(_query_text(case))
    if case.kind == CSV_FORMAT:
        (head, rows), (want_head, want_rows) = (
            _csv_rows(answer.csv or ""),
            _csv_rows(want.csv or ""),
        )
        return head == want_head and same_rows(rows, want_rows, ordered=ordered)
    if want.boolean is not None or answer.boolean is not None:
        return want.boolean == answer.boolean
    if want.graph != answer.graph:
        return False
    if not want.graph and answer.variables != want.variables:
        return False
    return same_rows(answer.rows, want.rows, ordered=ordered and not want.graph, lax=case.lax)


# -- the tests -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def outcomes() -> dict[str, dict[str, bool]]:
    """Whether each engine passes each test, every test run once per engine."""
    return {
        "dckg": {case.id: passes(case, run_dckg(case)) for case in CASES},
        "oxigraph": {case.id: passes(case, run_oxigraph(case)) for case in CASES},
    }


def test_the_suite_is_walked_whole() -> None:
    kinds = Counter(case.kind for case in CASES)
    assert len({case.id for case in CASES}) == len(CASES)
    assert (kinds[EVALUATION], kinds[POSITIVE], kinds[NEGATIVE]) == (180, 63, 35)
    assert kinds[CSV_FORMAT] == 3
    listed = {name for engine in KNOWN_FAILURES.values() for name in engine}
    assert listed <= {case.id for case in CASES}, "a known failure names no test"


@pytest.mark.parametrize("engine", ["dckg", "oxigraph"])
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_w3c_query(outcomes: dict[str, dict[str, bool]], engine: str, case: Case) -> None:
    """Each test passes, or fails as listed (a listed test that passes must be unlisted)."""
    known = KNOWN_FAILURES.get(engine, {})
    if engine == "dckg":
        known = {**KNOWN_FAILURES.get("oxigraph", {}), **known}
    assert outcomes[engine][case.id] is (case.id not in known), known.get(case.id, "not listed")


def test_dckg_passes_every_test_pyoxigraph_passes(
    outcomes: dict[str, dict[str, bool]],
) -> None:
    dckg = {name for name, ok in outcomes["dckg"].items() if ok}
    oxigraph = {name for name, ok in outcomes["oxigraph"].items() if ok}
    assert oxigraph - dckg == set()
    assert len(dckg) >= len(oxigraph)
    print(
        f"W3C SPARQL 1.1 query tests: dckg {len(dckg)}/{len(CASES)}, "
        f"pyoxigraph {len(oxigraph)}/{len(CASES)}"
    )


def test_the_comparison_can_fail() -> None:
    """The comparison tells answers apart: a value, a renamed blank node, an order."""
    one = Literal("1", datatype=NamedNode(XSD + "integer"))
    also_one = Literal("01", datatype=NamedNode(XSD + "integer"))
    two = Literal("2", datatype=NamedNode(XSD + "integer"))
    a, b = BlankNode("a"), BlankNode("b")
    assert same_rows([(one,), (two,)], [(two,), (also_one,)])
    assert not same_rows([(one,), (two,)], [(two,), (one,)], ordered=True)
    assert not same_rows([(one,)], [(two,)])
    assert same_rows([(a, one), (b, two)], [(b, one), (a, two)])
    assert not same_rows([(a, one), (a, two)], [(a, one), (b, two)])
    assert not same_rows([(one,), (one,)], [(one,)])
    assert same_rows([(one,)], [(one,), (one,)], lax=True)
