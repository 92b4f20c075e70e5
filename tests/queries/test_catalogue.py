"""docs/queries.md is generated from the query headers and must be kept in sync."""

from __future__ import annotations

from pathlib import Path

from dckg.queries import load_library
from dckg.queries.catalogue import example_call, generate
from dckg.store import Store

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_catalogue_is_up_to_date(reference_store: Store) -> None:
    expected = generate(DOCS, reference_store)
    committed = (DOCS / "queries.md").read_text(encoding="utf-8")
    assert committed == expected, (
        "docs/queries.md is out of date: regenerate it with `python -m dckg.queries.catalogue`"
    )


def test_catalogue_documents_every_query_and_parameter(reference_store: Store) -> None:
    text = generate(DOCS, reference_store)
    for query in load_library().values():
        assert f"## {query.name}\n" in text
        assert example_call(query) in text
        for param in query.params:
            assert f"| `{param.name}` | {param.type} |" in text
