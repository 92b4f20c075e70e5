"""What runs a query and writes its results: the body of a query worker process.

Messages to the server are byte strings tagged by their first byte: ``H`` the head
(media type, kind of result), the first chunk of the body and, when the whole body fits
in that chunk, the end; ``D`` a further chunk; ``E`` the end (rows written, whether the
result was capped); ``X`` an error (class name, message). A small result is thus one
message. Errors cross the process boundary as text. This module imports nothing heavy,
so a fresh worker starts fast.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

from pyoxigraph import NamedNode, QueryBoolean, QuerySolutions, QueryTriples

from dckg.api import negotiation, writers
from dckg.errors import DckgError
from dckg.store.base import Store, Term

Send = Callable[[bytes], None]


@dataclass(frozen=True)
class Job:
    """One query to run and how to answer it."""

    query: str
    substitutions: Mapping[str, Term] | None = None
    default_graph: Sequence[NamedNode] | None = None
    named_graphs: Sequence[NamedNode] | None = None
    accept: list[str] = field(default_factory=lambda: ["*/*"])
    format_name: str | None = None
    max_results: int = 100_000


@dataclass(frozen=True)
class Head:
    """What the server needs before the response starts."""

    media_type: str
    kind: str
    format_name: str


def execute(store: Store, job: Job, send: Send) -> None:
    """Run ``job`` on ``store`` and send its results as tagged messages."""
    try:
        _execute(store, job, send)
    except DckgError as error:
        send(b"X" + pickle.dumps((type(error).__name__, str(error))))
    except Exception as error:  # an engine failure must not kill the worker
        send(b"X" + pickle.dumps(("QueryError", f"query failed: {error}")))


def _execute(store: Store, job: Job, send: Send) -> None:
    result = store.query(
        job.query,
        substitutions=job.substitutions,
        default_graph=job.default_graph,
        named_graphs=job.named_graphs,
    )
    if isinstance(result, QueryBoolean):
        fmt = _format(job, negotiation.BOOLEAN)
        out = _Output(send, Head(fmt.media_type, negotiation.BOOLEAN, fmt.name))
        writers.write_boolean(result, fmt, out.writer)
        out.end(1, False)
        return
    kind = negotiation.SOLUTIONS if isinstance(result, QuerySolutions) else negotiation.GRAPH
    fmt = _format(job, kind)
    rows = iter(result)
    # The first row is computed before the response starts, so errors and time-outs met
    # while finding it still get their own status.
    first = next(rows, None)
    items = writers.prepend(first, rows) if first is not None else iter(())
    out = _Output(send, Head(fmt.media_type, kind, fmt.name))
    if isinstance(result, QueryTriples):
        n, capped = writers.write_graph(items, fmt, out.writer, job.max_results)  # type: ignore[arg-type]
    else:
        variables = [v.value for v in result.variables]
        n, capped = writers.write_solutions(variables, items, fmt, out.writer, job.max_results)
    out.end(n, capped)


class _Output:
    """Sends the head with the first chunk, and the end with the last one if it can."""

    def __init__(self, send: Send, head: Head) -> None:
        self._send = send
        self._head: Head | None = head
        self.writer = writers.ChunkWriter(self._chunk)

    def _chunk(self, data: bytes) -> None:
        if self._head is not None:
            self._send(b"H" + pickle.dumps((self._head, data, None)))
            self._head = None
        else:
            self._send(b"D" + data)

    def end(self, rows: int, capped: bool) -> None:
        rest = self.writer.take()
        if self._head is not None:
            self._send(b"H" + pickle.dumps((self._head, rest, (rows, capped))))
            self._head = None
            return
        if rest:
            self._send(b"D" + rest)
        self._send(b"E" + pickle.dumps((rows, capped)))


def _format(job: Job, kind: str) -> negotiation.Format:
    fmt = negotiation.choose(job.accept, kind, job.format_name)
    if fmt is None:
        offered = ", ".join(sorted({f.media_type for f in negotiation.MEDIA_TYPES[kind].values()}))
        wanted = job.format_name or ", ".join(job.accept)
        raise _NotAcceptable(f"cannot give a {kind} result as {wanted}; available: {offered}")
    return fmt


class _NotAcceptable(DckgError):
    """Reported as ``NotAcceptable`` (the HTTP layer's class is not imported here)."""


_NotAcceptable.__name__ = "NotAcceptable"


def serve(conn: Connection, open_store: Callable[[], Store]) -> None:
    """The loop of a worker process: read jobs, answer them, until the pipe closes."""
    store = open_store()
    conn.send_bytes(b"R")
    while True:
        try:
            message = conn.recv_bytes()
        except (EOFError, OSError):
            return
        job: Job = pickle.loads(message)
        execute(store, job, conn.send_bytes)
