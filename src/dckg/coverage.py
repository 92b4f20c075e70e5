"""What the graph covers: per kind of fact, how many and from which named graph and source.

One function, :func:`coverage`, runs the named query ``coverage`` (``queries/coverage.rq``);
the CLI prints its result as ``dckg coverage`` and after a named query that returns no
rows, and the web page can call it to say why a query answered nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from dckg.queries import load_library
from dckg.store.base import Store

#: The named query behind :func:`coverage`.
QUERY = "coverage"


@dataclass(frozen=True)
class Coverage:
    """How many things of one kind one named graph holds (0 and no graph: none at all)."""

    kind: str
    label: str
    count: int
    graph: str | None
    title: str | None
    sources: tuple[str, ...]


def coverage(store: Store, *, kind: str | None = None) -> list[Coverage]:
    """The coverage table of a store, largest first; ``kind`` keeps one class (IRI)."""
    params = {"class": kind} if kind else {}
    rows = []
    for solution in load_library()[QUERY].run(store, params):  # type: ignore[attr-defined]
        graph = solution["graph"]
        title = solution["graphTitle"]
        label = solution["kindLabel"]
        sources = solution["sources"]
        rows.append(
            Coverage(
                kind=solution["kind"].value,
                label=label.value if label is not None else solution["kind"].value,
                count=int(solution["count"].value),
                graph=graph.value if graph is not None else None,
                title=title.value if title is not None else None,
                sources=tuple(sources.value.split()) if sources is not None else (),
            )
        )
    return rows


def coverage_text(rows: list[Coverage]) -> str:
    """The coverage table as plain text, one kind and graph a line."""
    lines = []
    for row in rows:
        where = f"{row.title or ''} <{row.graph}>" if row.graph else "no source holds any"
        lines.append(f"{row.count:>9,}  {row.label:<28}  {where}")
    return "\n".join(lines) + "\n"


__all__ = ["QUERY", "Coverage", "coverage", "coverage_text"]
