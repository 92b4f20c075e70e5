"""What runs a query and writes its results: the body of a query worker process.

Everything a query costs happens here, under the server's time limit (the process is killed
at the deadline) and memory cap (``RLIMIT_DATA``): the ``SERVICE`` check, parsing, running,
writing. Messages to the server are byte strings tagged by their first byte: ``H`` the head
(media type, kind of result), the first chunk of the body and, when the whole body fits in
that chunk, the end; ``D`` a further chunk; ``E`` the end (rows written, what capped the
result, if anything); ``X`` an error (class name, message). A small result is thus one
message. Between queries, the server may send :data:`PING` (a health check, after a query
that failed): a worker that is well answers it at once. Errors cross the process boundary
as text (:mod:`dckg.sparql.errors`): an unexpected one is logged here and reported as an
internal error; after running out of memory a worker reports it and ends. This module
imports nothing heavy, so a fresh worker starts fast.

A worker started with ``isolate_network`` first moves into a network namespace of its own
(Linux ``unshare(CLONE_NEWNET)``, or with an unprivileged user namespace where only that is
allowed): no interface but a loopback that is down, so no query it runs can reach any host,
whatever it says. It tells the server whether that worked (``R1`` or ``R0``) and the memory
it may map. A query that reaches the cap either fails an allocation (the process ends) or,
where the allocator retries, is seen stuck at the cap by the server, which stops it.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import pickle
import re
import resource
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from multiprocessing.connection import Connection

from pyoxigraph import NamedNode, QueryBoolean, QuerySolutions, QueryTriples

from dckg.errors import DckgError, InternalError, QueryError
from dckg.sparql import federation, formats, writers
from dckg.sparql.errors import MemoryExceeded, NotAcceptable, worker_name
from dckg.store.base import Store, Term, Truncation

log = logging.getLogger("dckg.sparql")

Send = Callable[[bytes], None]

#: The answer to an update sent to the query endpoint.
READ_ONLY = (
    "this endpoint is read-only: SPARQL Update is not accepted "
    "(send a query with 'query=' or Content-Type application/sparql-query)"
)
_UPDATE = re.compile(
    # A comment is skipped whole: "# … with …" must not read as a WITH update.
    # Possessive quantifiers: the time taken grows with the length, never faster.
    r"^\s*+(?:(?:PREFIX\s++[^\s<>]*+\s*+<[^>]*+>|BASE\s*+<[^>]*+>|#[^\n]*+(?:\n|$))\s*+)*+"
    r"(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b",
    re.IGNORECASE,
)
#: What capped a result: its number of rows, its size in bytes, or a remote store that sent
#: only part of its answer.
ROWS, BYTES, REMOTE = "rows", "bytes", "remote"
#: A health check: the server sends it, an idle worker that is well sends it back.
PING = b"P"


@dataclass(frozen=True)
class Job:
    """One query to run and how to answer it."""

    query: str
    substitutions: Mapping[str, Term] | None = None
    default_graph: Sequence[NamedNode] | None = None
    named_graphs: Sequence[NamedNode] | None = None
    #: The client's ``Accept`` headers (one string is one header).
    accept: Sequence[str] = ("*/*",)
    format_name: str | None = None
    max_results: int = 100_000
    #: Bytes the serialised answer may take (its body); ``None``: no limit.
    max_result_bytes: int | None = None
    #: Check ``SERVICE`` clauses against ``service_allowlist`` before running.
    check_services: bool = False
    service_allowlist: tuple[str, ...] = ()
    #: Only check (the query runs elsewhere: a remote store).
    check_only: bool = False
    #: Rows (or triples) skipped before the first one written: paging.
    offset: int = 0
    #: The caller keeps the whole answer before it responds (the HTTP API spools it, so that
    #: the response's status and headers can say whether a cap cut it). The worker streams
    #: it all the same; the flag is part of what identifies an answer.
    hold: bool = False

    def __post_init__(self) -> None:
        accept = (self.accept,) if isinstance(self.accept, str) else tuple(self.accept)
        object.__setattr__(self, "accept", accept or ("*/*",))


@dataclass(frozen=True)
class Task:
    """Other work than a query that must cost no more than one (``POST /validate``):
    ``function(store, *args)`` runs in a worker, under the same time limit and memory cap,
    and returns the media type and the body of the answer. The function travels by name
    (pickled by reference): it must be defined at the top level of a module, which the
    worker imports when the task arrives (so this module imports nothing of it)."""

    function: Callable[..., tuple[str, bytes]]
    args: tuple[object, ...] = ()


@dataclass(frozen=True)
class Head:
    """What the server needs before the response starts."""

    media_type: str
    kind: str
    format_name: str


@dataclass(frozen=True)
class Limits:
    """What confines a worker process."""

    #: Bytes a worker may allocate beyond what it holds once ready (0: no cap).
    memory_bytes: int = 0
    #: No network for the worker (its own empty network namespace).
    isolate_network: bool = False


class Stopped(Exception):
    """Raised by ``send`` when the caller gave up on the query (a time limit, a client gone)."""


def execute(store: Store, job: Job | Task, send: Send) -> None:
    """Run ``job`` on ``store`` and send its results as tagged messages."""
    calls_out = False
    try:
        if isinstance(job, Task):
            _run_task(store, job, send)
            return
        if job.check_services:
            calls_out = _check(store, job) > 0
        if job.check_only:
            send(b"H" + pickle.dumps((Head("", "", ""), b"", (0, None, None))))
            return
        _execute(store, job, send)
    except Stopped:
        raise
    except MemoryError:
        _report(
            send,
            MemoryExceeded(
                "the query needed more memory than a query may use (DCKG_QUERY_MEMORY_MB) "
                "and was stopped; make it more selective, or ask for fewer or shorter columns"
            ),
        )
        raise
    except DckgError as error:
        _report(send, error, _safe(str(error), calls_out))
    except (SyntaxError, ValueError, RuntimeError, OSError) as error:
        # the engine failed the query (an evaluation error, a SERVICE call that failed)
        _report(send, QueryError(_safe(f"query failed: {error}", calls_out)))
    except Exception as error:  # a bug: logged, reported as such, and the worker goes on
        log.exception("unexpected error while running a query")
        message = f"internal error ({type(error).__name__}): {error}"
        _report(send, InternalError(_safe(message, calls_out)))


def _run_task(store: Store, job: Task, send: Send) -> None:
    """The answer of a task, sent as a query's is."""
    media_type, body = job.function(store, *job.args)
    out = _Output(send, Head(media_type, "task", ""))
    out.writer.write(body)
    out.end(0, None)


def _report(send: Send, error: DckgError, message: str | None = None) -> None:
    """Send an error under the name of its class of :data:`~dckg.sparql.errors.WORKER_ERRORS`."""
    name = worker_name(error)
    if name == InternalError.__name__ and not isinstance(error, InternalError):
        log.error("unexpected %s while running a query: %s", type(error).__name__, error)
    text = str(error) if message is None else message
    send(b"X" + pickle.dumps((name, text)))


def _check(store: Store, job: Job) -> int:
    prefixes: dict[str, str] = store.default_prefixes()
    return federation.check_services(job.query, job.service_allowlist, prefixes)


_STATUS = re.compile(r"Error (\d{3})\b[^\n]*? returned by (\S+)")


def _safe(message: str, calls_out: bool) -> str:
    """An error message that relays nothing a remote endpoint answered.

    >>> _safe("cannot read the store: Error 404 Nope returned by http://h/x with payload:\\nhi",
    ...       True)
    'a SERVICE endpoint failed: http://h/x answered with HTTP status 404'
    """
    status = _STATUS.search(message)
    if status is not None:
        return f"a SERVICE endpoint failed: {status.group(2)} answered with HTTP status " + (
            status.group(1)
        )
    if calls_out and not message.startswith("malformed query"):
        return (
            "the query failed while it called a SERVICE endpoint "
            "(what the endpoint answered is not shown)"
        )
    return message.split(" with payload", 1)[0]


def _execute(store: Store, job: Job, send: Send) -> None:
    try:
        result = store.query(
            job.query,
            substitutions=job.substitutions,
            default_graph=job.default_graph,
            named_graphs=job.named_graphs,
        )
    except QueryError as error:
        if str(error).startswith("malformed query") and _UPDATE.match(job.query):
            raise QueryError(READ_ONLY) from None
        raise
    if isinstance(result, QueryBoolean):
        fmt = _format(job, formats.BOOLEAN)
        out = _Output(send, Head(fmt.media_type, formats.BOOLEAN, fmt.name))
        writers.write_boolean(result, fmt, out.writer)
        out.end(1, None)
        return
    kind = formats.SOLUTIONS if isinstance(result, QuerySolutions) else formats.GRAPH
    fmt = _format(job, kind)
    rows = iter(result)
    if job.offset > 0:
        for _ in islice(rows, job.offset):
            pass
    # The first row is computed before the response starts, so errors and time-outs met
    # while finding it still get their own status.
    first = next(rows, None)
    items = writers.prepend(first, rows) if first is not None else iter(())
    out = _Output(send, Head(fmt.media_type, kind, fmt.name), limit=job.max_result_bytes)
    if isinstance(result, QueryTriples):
        n, capped = writers.write_graph(items, fmt, out.writer, job.max_results)  # type: ignore[arg-type]
    else:
        variables = [v.value for v in result.variables]
        n, capped = writers.write_solutions(variables, items, fmt, out.writer, job.max_results)
    cut = BYTES if out.writer.full else ROWS if capped else None
    partial = store.truncation()
    if cut is None and partial is not None:
        cut = REMOTE
    out.end(n, cut, partial if cut == REMOTE else None)


class _Output:
    """Sends the head with the first chunk, and the end with the last one if it can."""

    def __init__(self, send: Send, head: Head, *, limit: int | None = None) -> None:
        self._send = send
        self._head: Head | None = head
        self.writer = writers.ChunkWriter(self._chunk, limit=limit)

    def _chunk(self, data: bytes) -> None:
        if self._head is not None:
            self._send(b"H" + pickle.dumps((self._head, data, None)))
            self._head = None
        else:
            self._send(b"D" + data)

    def end(self, rows: int, capped: str | None, partial: Truncation | None = None) -> None:
        """The last of the body; ``partial`` is what a remote store said of a part answer."""
        rest = self.writer.take()
        if self._head is not None:
            self._send(b"H" + pickle.dumps((self._head, rest, (rows, capped, partial))))
            self._head = None
            return
        if rest:
            self._send(b"D" + rest)
        self._send(b"E" + pickle.dumps((rows, capped, partial)))


def _format(job: Job, kind: str) -> formats.Format:
    fmt = formats.choose(job.accept, kind, job.format_name)
    if fmt is None:
        offered = ", ".join(f.media_type for f in formats.offers(kind))
        wanted = job.format_name or ", ".join(job.accept) or "*/*"
        raise NotAcceptable(f"cannot give a {kind} result as {wanted}; available: {offered}")
    return fmt


# -- confinement -------------------------------------------------------------------------

_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000


def isolate_network() -> bool:
    """Move this process into a network namespace of its own; whether that worked.

    As root (or with ``CAP_SYS_ADMIN``) a plain network namespace; otherwise a user
    namespace with it, where the kernel allows unprivileged ones (the process keeps its
    own user and group). Elsewhere (not Linux, or forbidden) nothing changes.
    """
    unshare = _unshare()
    if unshare is None:
        return False
    if unshare(_CLONE_NEWNET) == 0:
        return True
    uid, gid = os.getuid(), os.getgid()
    if unshare(_CLONE_NEWUSER | _CLONE_NEWNET) != 0:
        return False
    with contextlib.suppress(OSError):
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"{uid} {uid} 1")
        _write("/proc/self/gid_map", f"{gid} {gid} 1")
    return True


def _load_unshare() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None, use_errno=True).unshare
    except (OSError, AttributeError):
        return None


#: Looked up when this module is imported, never in a freshly forked worker (where loading a
#: library could wait forever on a lock another thread of the parent held when it forked).
_UNSHARE = _load_unshare()


def _unshare() -> Callable[[int], int] | None:
    return _UNSHARE


def _write(path: str, text: str) -> None:
    with open(path, "w") as file:
        file.write(text)


def data_size() -> int:
    """Bytes of private writable memory this process maps (``VmData``), or 0 if unknown."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def cap_memory(extra: int) -> int:
    """Let this process allocate at most ``extra`` more bytes (``RLIMIT_DATA``).

    Returns the cap (``VmData`` it may reach), or 0 if there is none.
    """
    if extra <= 0:
        return 0
    base = data_size() or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    limit = base + extra
    _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    try:
        resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    except (ValueError, OSError):
        return 0
    return limit


def serve(conn: Connection, open_store: Callable[[], Store], limits: Limits = Limits()) -> None:
    """The loop of a worker process: read jobs, answer them, until the pipe closes."""
    # A query that hits the memory cap ends the process: no backtrace in the server's log.
    os.environ["RUST_BACKTRACE"] = "0"
    # A worker that dies (memory, a parser crash) ends at once, leaving no core file.
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    isolated = isolate_network() if limits.isolate_network else False
    store = open_store()
    cap = cap_memory(limits.memory_bytes)
    conn.send_bytes((b"R1 " if isolated else b"R0 ") + str(cap).encode())
    while True:
        try:
            message = conn.recv_bytes()
        except (EOFError, OSError):
            return
        if message == PING:
            conn.send_bytes(PING)
            continue
        job: Job | Task = pickle.loads(message)
        try:
            execute(store, job, conn.send_bytes)
        except MemoryError:
            # What is left of this process's memory is not worth keeping: a fresh worker
            # takes its place.
            os._exit(3)
        except BaseException as error:
            # A Rust extension (the SHACL engine, Oxigraph) panics where an allocation fails
            # under the cap ("PyObject pointer is null"): that too is running out of memory.
            if cap and type(error).__name__ == "PanicException":
                os._exit(3)
            raise
