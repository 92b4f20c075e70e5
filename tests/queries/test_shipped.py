"""Every named query answers on the shipped graph with its own example parameters.

Each query runs on a store holding exactly what ``dckg init`` loads and must return at
least one row, and no row twice: with the examples of its required parameters, and with
the examples of all its parameters. A query whose data comes from a data set not shipped
yet is listed in ``AWAITING`` with the data set it waits for; that list can only shrink.
A query whose examples ask about what no shipped source holds says so, in words, in its
``no_source_data`` header, and is then empty with all its examples.
"""

from __future__ import annotations

from collections import Counter

import pytest
from pyoxigraph import QuerySolutions

from dckg.coverage import coverage
from dckg.namespaces import DCKG, ORG
from dckg.queries import load_library
from dckg.store import Store

#: Queries that answer once the data set in the comment is shipped (none left).
AWAITING: set[str] = set()
LIBRARY = load_library()


def _examples(name: str, *, all_params: bool = True) -> dict[str, str]:
    return {
        p.name: p.example
        for p in LIBRARY[name].params
        if p.example is not None and (all_params or p.required)
    }


def _rows(store: Store, name: str, params: dict[str, str]) -> list[tuple[object, ...]]:
    result = LIBRARY[name].run(store, params)
    assert isinstance(result, QuerySolutions), name
    variables = result.variables
    return [tuple(solution[v] for v in variables) for solution in result]


def _repeated(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    return [row for row, n in Counter(rows).items() if n > 1]


@pytest.mark.parametrize("name", sorted(set(LIBRARY) - AWAITING))
def test_query_answers_with_its_required_examples(reference_store: Store, name: str) -> None:
    params = _examples(name, all_params=False)
    rows = _rows(reference_store, name, params)
    assert rows, f"{name} returns no row with {params}"
    assert not _repeated(rows), f"{name} repeats rows with {params}: {_repeated(rows)[:3]}"


@pytest.mark.parametrize("name", sorted(set(LIBRARY) - AWAITING))
def test_query_answers_with_all_its_examples(reference_store: Store, name: str) -> None:
    params = _examples(name)
    rows = _rows(reference_store, name, params)
    assert not _repeated(rows), f"{name} repeats rows with {params}: {_repeated(rows)[:3]}"
    if LIBRARY[name].no_source_data:
        assert not rows, f"{name} answers with {params}: its no_source_data header is untrue"
    else:
        assert rows, f"{name} returns no row with {params} (and has no no_source_data header)"


def test_awaited_queries_exist() -> None:
    assert set(LIBRARY) >= AWAITING


def test_funding_queries_sum_real_amounts(reference_store: Store) -> None:
    for name in ("funding-by-instrument", "funding-by-programme", "funding-by-region"):
        totals = [
            float(s["total"].value) for s in LIBRARY[name].run(reference_store, _examples(name))
        ]  # type: ignore[attr-defined]
        assert totals and max(totals) > 1_000_000, name
    regions = {
        s["region"].value.rsplit("/", 1)[1]: s
        for s in LIBRARY["funding-by-region"].run(reference_store, {})  # type: ignore[attr-defined]
    }
    africa = regions["africa"]
    assert 0 < float(africa["allocated"].value) <= float(africa["total"].value)
    calls = {
        s["call"].value.rsplit("/", 1)[1]: s
        for s in LIBRARY["funding-by-call"].run(reference_store, _examples("funding-by-call"))  # type: ignore[attr-defined]
    }
    assert float(calls["psc-2020"]["lotsTotal"].value) == 111_550_000


def test_sdg_coverage_counts_are_not_all_zero(reference_store: Store) -> None:
    solutions = list(LIBRARY["sdg-coverage"].run(reference_store, {}))  # type: ignore[call-overload]
    assert len(solutions) == 17
    assert sum(int(s["fundedActionsViaThemes"].value) for s in solutions) > 0
    objectives = list(
        LIBRARY["objective-coverage"].run(reference_store, {"framework": "framework/2030-agenda"})  # type: ignore[call-overload]
    )
    assert sum(1 for s in objectives if s["evidence"].value == "true") > 10


def test_coverage_lists_kinds_without_source(reference_store: Store) -> None:
    rows = coverage(reference_store)
    funded = [r for r in rows if r.kind.endswith("#FundedAction")]
    assert [r.count for r in funded] == [252]
    assert funded[0].graph == "https://w3id.org/dckg/graph/reference/eutf-africa"
    assert any(
        r.count == 0 and r.graph is None for r in rows if r.kind.endswith("#GlobalGatewayProject")
    )


def test_each_place_is_described_once(reference_store: Store) -> None:
    query = """PREFIX dckg: <https://w3id.org/dckg/ontology#>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    SELECT (COUNT(?c) AS ?n) (COUNT(DISTINCT ?c) AS ?distinct) WHERE {
      ?c a dckg:City ; rdfs:label ?label ; dckg:country ?country }"""
    (row,) = reference_store.query(query)  # type: ignore[misc]
    assert int(row["n"].value) == int(row["distinct"].value) > 40_000


def test_coverage_counts_subclasses(reference_store: Store) -> None:
    rows = coverage(reference_store)

    def total(kind: str) -> int:
        return sum(r.count for r in rows if r.kind == kind)

    def asserted(kind: str) -> int:
        (row,) = reference_store.query(
            f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a <{kind}> }}"
        )  # type: ignore[misc]
        return int(row["n"].value)

    memberships, twinnings = asserted(DCKG + "Membership"), asserted(DCKG + "Twinning")
    assert memberships > 10_000 and twinnings > 20_000
    assert total(ORG + "Membership") == memberships
    assert total(DCKG + "Partnership") == twinnings
    assert total(DCKG + "Twinning") == twinnings


def test_priority_areas_count_only_global_gateway_projects(reference_store: Store) -> None:
    rows = list(LIBRARY["global-gateway-priority-areas"].run(reference_store, {}))  # type: ignore[call-overload]
    assert len(rows) == 5
    assert [int(r["projects"].value) for r in rows] == [0] * 5


def test_twinnings_by_decade_says_why_no_start(reference_store: Store) -> None:
    rows = list(LIBRARY["twinnings-by-decade"].run(reference_store, {}))  # type: ignore[call-overload]
    assert [r["period"].value for r in rows] == ["start date not given by the sources"]
    assert int(rows[0]["twinnings"].value) > 20_000


def test_funding_queries_count_funded_actions_apart(reference_store: Store) -> None:
    for name in ("funding-by-instrument", "funding-by-programme", "funding-by-region"):
        rows = list(LIBRARY[name].run(reference_store, {}))  # type: ignore[call-overload]
        assert sum(int(r["fundedActions"].value) for r in rows) > 0, name
        assert sum(int(r["partnerships"].value) for r in rows) == 0, name
