"""Running one query to the end, as the command line does: through an engine (the same
worker, time limit and caps as the HTTP API), the answer streamed to a file.

>>> import io
>>> from dckg.store import EmbeddedStore
>>> store = EmbeddedStore()
>>> store.update("INSERT DATA { <urn:a> <urn:p> 1, 2, 3 }")
>>> out = io.BytesIO()
>>> outcome = run(store, "SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o", out, "csv",
...               max_results=2, timeout=30)
>>> outcome.rows, outcome.truncated, out.getvalue()
(2, True, b'o\\r\\n1\\r\\n2\\r\\n')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import BinaryIO

import pyoxigraph
from pyoxigraph import NamedNode

from dckg.errors import UsageError
from dckg.results import table
from dckg.sparql import formats
from dckg.sparql.errors import NotAcceptable
from dckg.store.base import Store, Term, Truncation

#: Exit code of a command whose result was cut, under ``--strict``.
EXIT_INCOMPLETE = 3

#: What ``--format`` takes: a terminal table, or any format of a query result.
NAMES = sorted(
    {"table", "ttl", "ntriples"}
    | {f.name for f in (*formats.offers(formats.SOLUTIONS), *formats.offers(formats.GRAPH))}
)


@dataclass(frozen=True)
class Outcome:
    """What was written: rows (or triples), whether a cap cut the result, and what a
    remote store said if it sent part of its answer."""

    rows: int
    #: What cut it: ``"rows"`` or ``"bytes"`` (a cap), ``"remote"`` (a remote store sent
    #: part of its answer, described by ``partial``); ``None``: nothing did.
    truncation: str | None = None
    partial: Truncation | None = None

    @property
    def truncated(self) -> bool:
        return self.truncation is not None


def run(
    store: Store,
    query: str,
    output: BinaryIO,
    fmt: str = "table",
    *,
    substitutions: Mapping[str, Term] | None = None,
    default_graph: Sequence[NamedNode] | None = None,
    named_graphs: Sequence[NamedNode] | None = None,
    max_results: int = 0,
    timeout: float = 30.0,
) -> Outcome:
    """Run ``query`` on ``store`` and write its answer in the format named ``fmt``.

    On an embedded store the query runs in a worker process (stopped for good at its time
    limit, under the memory cap), on a remote store in a thread of this process while the
    remote engine does the work. ``default_graph`` and ``named_graphs`` name the dataset as
    the SPARQL protocol's ``default-graph-uri`` and ``named-graph-uri`` do (over the query's
    ``FROM``); without them, the query's ``FROM`` / ``FROM NAMED``, else the union of all
    graphs. ``max_results`` 0 writes every row. The query is stopped at ``timeout`` seconds
    (:class:`~dckg.errors.QueryTimeout`).
    """
    # Imported when a query runs: the command line starts faster without them.
    from dckg.sparql.engine import make_engine
    from dckg.sparql.settings import Settings

    # The server's settings (DCKG_* variables): SERVICE allowlist, size and memory caps.
    settings = Settings.from_env(store="memory", query_workers=1, query_timeout=timeout)
    if fmt != "table" and formats.by_name(fmt) is None:
        raise UsageError(f"unknown format {fmt!r}")
    table_wanted = fmt == "table"
    engine = make_engine(store, 1, settings=settings, serving=False)
    try:
        started = engine.run(
            query,
            # The table is drawn from SPARQL JSON; a graph shown as a table is Turtle.
            accept=(formats.JSON.media_type, formats.TURTLE.media_type)
            if table_wanted
            else ("*/*",),
            fmt=None if table_wanted else fmt,
            substitutions=substitutions,
            default_graph=default_graph,
            named_graphs=named_graphs,
            max_results=max_results,
            max_result_bytes=settings.max_result_bytes if max_results > 0 else None,
            timeout=timeout,
        )
        try:
            head = started.head
            assert head is not None
            if table_wanted and head.kind != formats.GRAPH:
                body = started.first + b"".join(started.chunks())
                _write_table(body, output, cut=started.truncated)
            else:
                output.write(started.first)
                for chunk in started.chunks():
                    output.write(chunk)
            output.flush()
        finally:
            started.close()
    except NotAcceptable as error:
        raise UsageError(str(error)) from None
    finally:
        engine.close()
    return Outcome(started.rows, started.truncation, started.partial)


def _write_table(body: bytes, output: BinaryIO, *, cut: bool) -> None:
    result = pyoxigraph.parse_query_results(body, pyoxigraph.QueryResultsFormat.JSON)
    if isinstance(result, pyoxigraph.QueryBoolean):
        output.write(b"true\n" if bool(result) else b"false\n")
        return
    variables = [v.value for v in result.variables]
    rows = [[solution[v] for v in variables] for solution in result]
    output.write((table(variables, rows) + "\n").encode())
    more = " of more" if cut else ""
    output.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''}{more})\n".encode())


__all__ = ["EXIT_INCOMPLETE", "NAMES", "Outcome", "run"]
