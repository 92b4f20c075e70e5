"""Every named query against hand-checked results on small fixture graphs.

The cases are data (``tests/data/queries/manifest.yaml``); this test only walks them, once
on the embedded store and once on a real Oxigraph server through the remote backend: the
results must be the same.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from pyoxigraph import Literal, NamedNode, QueryResultsFormat, parse_query_results

from dckg.namespaces import XSD, graph
from dckg.queries import load_library
from dckg.store import Store

HERE = Path(__file__).resolve().parent.parent / "data" / "queries"
MANIFEST = yaml.safe_load((HERE / "manifest.yaml").read_text(encoding="utf-8"))["cases"]
NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float")}


def _case_id(case: dict) -> str:
    return f"{case['query']}:{case['expected'].removesuffix('.tsv')}"


def _comparable(term: object) -> object:
    """A term, with numbers compared by value (1750000.0 and 1750000 are equal)."""
    if isinstance(term, Literal) and term.datatype.value in NUMERIC:
        return ("number", Decimal(term.value))
    return term


def _rows(solutions: object, variables: list[str]) -> list[list[object]]:
    return [[_comparable(s[v]) for v in variables] for s in solutions]  # type: ignore[attr-defined]


def test_every_query_has_a_golden_case() -> None:
    assert set(load_library()) <= {case["query"] for case in MANIFEST}


@pytest.mark.parametrize("case", MANIFEST, ids=_case_id)
def test_golden(case: dict, any_store: Store) -> None:
    query = load_library()[case["query"]]
    for name in case["fixture"]:
        any_store.load(HERE / name, graph=store_graph(name))
    result = query.run(any_store, case.get("params") or {})
    actual_vars = [v.value for v in result.variables]  # type: ignore[union-attr]
    expected = parse_query_results(
        (HERE / "expected" / case["expected"]).read_bytes(), QueryResultsFormat.TSV
    )
    variables = [v.value for v in expected.variables]  # type: ignore[union-attr]
    assert set(variables) <= set(actual_vars), f"columns {variables} not in {actual_vars}"
    assert _rows(result, variables) == _rows(expected, variables)


def store_graph(name: str) -> NamedNode:
    return graph("test/" + name.removesuffix(".ttl"))
