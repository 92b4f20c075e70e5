"""Writing a query result in a named format, with a row cap that says when it cuts.

>>> from dckg.store import EmbeddedStore
>>> import io
>>> store = EmbeddedStore()
>>> store.update("INSERT DATA { <urn:a> <urn:p> 1, 2, 3 }")
>>> out = io.BytesIO()
>>> outcome = write(store.query("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o"), out, "csv",
...                 max_results=2)
>>> outcome.rows, outcome.truncated, out.getvalue()
(2, True, b'o\\r\\n1\\r\\n2\\r\\n')
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from itertools import islice
from typing import BinaryIO

from pyoxigraph import QueryBoolean, QuerySolutions, QueryTriples

from dckg.errors import UsageError
from dckg.results import table
from dckg.sparql import formats, writers

#: Exit code of a command whose result was cut, under ``--strict``.
EXIT_INCOMPLETE = 3

#: What ``--format`` takes: a terminal table, or any format of a query result.
NAMES = sorted(
    {"table", "ttl", "ntriples"}
    | {f.name for f in (*formats.offers(formats.SOLUTIONS), *formats.offers(formats.GRAPH))}
)


@dataclass(frozen=True)
class Outcome:
    """What was written: rows (or triples), and whether a cap cut the result."""

    rows: int
    truncated: bool
    max_results: int


def write(result: object, output: BinaryIO, fmt: str, *, max_results: int = 0) -> Outcome:
    """Write ``result`` in the named format, at most ``max_results`` rows (0: all)."""
    cap = max_results if max_results > 0 else sys.maxsize
    if isinstance(result, QueryBoolean):
        if fmt == "table":
            output.write(b"true\n" if bool(result) else b"false\n")
        else:
            result.serialize(output, _format(fmt, formats.BOOLEAN, "an ASK").results_format)
        return Outcome(1, False, max_results)
    sink = writers.ChunkWriter(output.write, size=1 << 16, age=float("inf"))
    try:
        if isinstance(result, QuerySolutions):
            variables = [v.value for v in result.variables]
            if fmt == "table":
                return _table(variables, iter(result), output, cap, max_results)
            chosen = _format(fmt, formats.SOLUTIONS, "SELECT")
            n, cut = writers.write_solutions(variables, result, chosen, sink, cap)
            return Outcome(n, cut, max_results)
        if isinstance(result, QueryTriples):
            chosen = _format("turtle" if fmt == "table" else fmt, formats.GRAPH, "graph")
            n, cut = writers.write_graph(result, chosen, sink, cap)
            return Outcome(n, cut, max_results)
    finally:
        sink.send_buffered()
    raise TypeError(f"not a query result: {type(result).__name__}")


def _format(name: str, kind: str, what: str) -> formats.Format:
    found = formats.by_name(name, kind)
    if found is None:
        known = ", ".join(["table", *(f.name for f in formats.offers(kind))])
        raise UsageError(f"{what} results cannot be written as {name!r}: use {known}")
    return found


def _table(
    variables: list[str], rows: object, output: BinaryIO, cap: int, max_results: int
) -> Outcome:
    iterator = iter(rows)  # type: ignore[call-overload]
    shown = [[solution[v] for v in variables] for solution in islice(iterator, cap)]
    cut = len(shown) == cap and next(iterator, None) is not None
    output.write((table(variables, shown) + "\n").encode())
    more = " of more" if cut else ""
    output.write(f"({len(shown)} row{'s' if len(shown) != 1 else ''}{more})\n".encode())
    return Outcome(len(shown), cut, max_results)


__all__ = ["EXIT_INCOMPLETE", "NAMES", "Outcome", "write"]
