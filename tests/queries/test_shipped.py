"""Every named query answers on the shipped graph with its own example parameters.

Each query runs on a store holding exactly what ``dckg init`` loads and must return at
least one row: with the examples of its required parameters, and, for the queries whose
examples are meant together (``COMBINED``), with the examples of all its parameters. A
query whose data comes from a data set not shipped yet is listed in ``AWAITING`` with the
data set it waits for; that list can only shrink.
"""

from __future__ import annotations

import pytest

from dckg.coverage import coverage
from dckg.queries import load_library
from dckg.store import Store

#: Queries that answer once the data set in the comment is shipped (none left).
AWAITING: set[str] = set()
#: Queries whose parameter examples make one question together.
COMBINED = {
    "funding-by-call",
    "funding-by-instrument",
    "funding-by-programme",
    "funding-by-region",
    "global-gateway-localisation",
    "global-gateway-priority-areas",
    "sdg-coverage",
    "objective-coverage",
    "coverage",
    "reported-figures",
}
LIBRARY = load_library()


def _examples(name: str, *, all_params: bool = True) -> dict[str, str]:
    return {
        p.name: p.example
        for p in LIBRARY[name].params
        if p.example is not None and (all_params or p.required)
    }


@pytest.mark.parametrize("name", sorted(set(LIBRARY) - AWAITING))
def test_query_answers_with_its_required_examples(reference_store: Store, name: str) -> None:
    params = _examples(name, all_params=False)
    rows = list(LIBRARY[name].run(reference_store, params))  # type: ignore[call-overload]
    assert rows, f"{name} returns no row with {params}"


@pytest.mark.parametrize("name", sorted(COMBINED))
def test_query_answers_with_all_its_examples(reference_store: Store, name: str) -> None:
    rows = list(LIBRARY[name].run(reference_store, _examples(name)))  # type: ignore[call-overload]
    assert rows, f"{name} returns no row with {_examples(name)}"


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
    assert sum(int(s["viaThemes"].value) for s in solutions) > 0
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
