"""Running SPARQL queries where they can be stopped.

Oxigraph cannot cancel a query from another thread, so queries on an embedded store run
in a pool of worker processes; a query still running at its deadline has its process
killed (the work really stops) and a fresh worker takes its place, while the other
workers go on answering other clients.

* an on-disk store: each worker opens it with ``pyoxigraph.Store.read_only`` (workers
  are started by a fork server, never forked from the threaded server process);
* a store in memory: workers are forked from the server and share its pages
  copy-on-write; after a write they are replaced, so they see the new data;
* a remote store: the query runs in a thread of the server; the remote endpoint does the
  work and the HTTP client's timeout bounds it.

Writing (a contribution over HTTP) pauses the pool: every worker is stopped before the
write and fresh ones start after it (a read-only Oxigraph handle must not be open while
another process writes).

Sharing (:class:`Admission`): at most ``per_client`` queries of one client run at once (by
default one less than the workers, so no single client ever holds them all); the others
wait, first come first served among the clients that may run, in a queue of at most
``queue_size``; a query arriving at a full queue is refused at once with ``503`` and
``Retry-After``, one that waits past its time limit likewise.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import pickle
import queue
import signal
import sys
import threading
import time
import warnings
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph

from dckg.errors import InternalError, QueryError, QueryTimeout, StoreError
from dckg.sparql import worker
from dckg.sparql.errors import Busy, MemoryExceeded, NoWorker, from_worker
from dckg.sparql.settings import Settings
from dckg.sparql.worker import Head, Job, Limits, Task
from dckg.store.base import Store, Term, Truncation
from dckg.store.embedded import EmbeddedStore

log = logging.getLogger("dckg.sparql")

#: How worker processes are started: forked from this process, or by a fork server.
Context = multiprocessing.context.ForkContext | multiprocessing.context.ForkServerContext
#: Seconds a new worker may take to open the store.
STARTUP_TIMEOUT = 120.0
#: Held while a worker process is started (see ``ProcessEngine._spawn``).
_SPAWNING = threading.Lock()
#: Put in the idle queue when a worker could not start.
_NO_WORKER: Any = object()
#: Seconds between two looks at the memory of a worker running a query.
MEMORY_WATCH = 0.1
#: A worker this close to its memory cap (bytes) has reached it: allocations fail there.
AT_CAP_MARGIN = 2 * 1024 * 1024
#: Seconds a query must have run before it may be stopped to make room for another client.
PREEMPT_AFTER = 1.0
#: Seconds a client counts as present after its last query started.
PRESENT_FOR = 10.0
#: Seconds a worker that reported an error has to answer a health check.
HEALTH_TIMEOUT = 2.0
#: Errors after which a worker is replaced rather than checked: what is left of it (its
#: memory, its state after a bug) is not worth keeping.
RECYCLE_AFTER: tuple[type[Exception], ...] = (MemoryExceeded, InternalError)


class _Ticket:
    __slots__ = ("client", "seq")

    def __init__(self, client: str, seq: int) -> None:
        self.client = client
        self.seq = seq


class Admission:
    """Who may run a query now: fair shares of the workers, a bounded queue, preemption.

    * A client alone may use every worker. While other clients are present (a query of
      theirs started within :data:`PRESENT_FOR` seconds, or is waiting), a client may hold
      at most ``per_client`` workers (default: one less than the workers), so one free
      worker is always left to the others.
    * Waiting queries go first to the client running the fewest, first come first served
      among equals; at most ``queue_size`` may wait, the next is refused at once (503,
      ``Retry-After``), and so is one that waits past its time limit.
    * A client over its share (it took the workers while alone) loses its oldest query when
      another client waits, once that query has run :data:`PREEMPT_AFTER` seconds: it is
      stopped and answered 503 with ``Retry-After``.

    ``enter`` blocks until the query may run (or raises :class:`Busy`); ``leave`` must follow
    exactly once; ``started`` registers what ``preempt`` stops.
    """

    def __init__(self, slots: int, per_client: int = 0, queue_size: int = 0) -> None:
        self.slots = slots
        self.per_client = min(per_client or max(1, slots - 1), slots)
        self.queue_size = queue_size or 4 * slots
        self._cond = threading.Condition()
        self._running: Counter[str] = Counter()
        self._active = 0
        self._waiting: list[_Ticket] = []
        self._seq = 0
        self._seen: dict[str, float] = {}
        self._runs: dict[str, list[tuple[float, Callable[[], None]]]] = {}

    def enter(self, client: str, deadline: float) -> None:
        with self._cond:
            now = time.monotonic()
            self._see(client, now)
            if len(self._waiting) >= self.queue_size:
                raise Busy(
                    f"the server is busy: {self.queue_size} queries are already waiting; "
                    "try again shortly"
                )
            self._seq += 1
            ticket = _Ticket(client, self._seq)
            self._waiting.append(ticket)
            try:
                while self._next() is not ticket:
                    victim = self._victim(ticket)
                    if victim is not None:
                        self._cond.release()
                        try:
                            victim()
                        finally:
                            self._cond.acquire()
                        continue
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise Busy(f"all {self.slots} query workers stayed busy; try again shortly")
                    self._cond.wait(min(remaining, PREEMPT_AFTER / 4))
            finally:
                self._waiting.remove(ticket)
                self._cond.notify_all()
            self._running[client] += 1
            self._active += 1

    def _see(self, client: str, now: float) -> None:
        self._seen[client] = now
        if len(self._seen) > 4096:
            self._seen = {c: t for c, t in self._seen.items() if now - t < PRESENT_FOR}

    def _limit(self, client: str) -> int:
        """How many workers ``client`` may hold now."""
        now = time.monotonic()
        for other, when in self._seen.items():
            if other != client and (now - when < PRESENT_FOR or self._running[other]):
                return self.per_client
        if any(t.client != client for t in self._waiting):
            return self.per_client
        return self.slots

    def _next(self) -> _Ticket | None:
        """The waiting query that gets the next free worker, if one is free."""
        if self._active >= self.slots:
            return None
        eligible = [t for t in self._waiting if self._running[t.client] < self._limit(t.client)]
        if not eligible:
            return None
        return min(eligible, key=lambda t: (self._running[t.client], t.seq))

    def _victim(self, ticket: _Ticket) -> Callable[[], None] | None:
        """What to stop so that ``ticket`` can run: the oldest query of a client over its share."""
        if self._active < self.slots or self._running[ticket.client] >= self.per_client:
            return None
        now = time.monotonic()
        for client, runs in self._runs.items():
            if client == ticket.client or self._running[client] <= self.per_client:
                continue
            started, stop = min(runs, key=lambda run: run[0])
            if now - started >= PREEMPT_AFTER:
                runs.remove((started, stop))
                return stop
        return None

    def started(self, client: str, stop: Callable[[], None]) -> Callable[[], None]:
        """Register a running query; returns what unregisters it."""
        entry = (time.monotonic(), stop)
        with self._cond:
            self._runs.setdefault(client, []).append(entry)

        def forget() -> None:
            with self._cond:
                runs = self._runs.get(client, [])
                if entry in runs:
                    runs.remove(entry)
                if not runs:
                    self._runs.pop(client, None)

        return forget

    def leave(self, client: str) -> None:
        with self._cond:
            self._running[client] -= 1
            if self._running[client] <= 0:
                del self._running[client]
            self._active -= 1
            self._cond.notify_all()

    def running(self, client: str) -> int:
        """Queries of ``client`` running now."""
        with self._cond:
            return self._running[client]


class Run(ABC):
    """A query under way: its head is known, its body is read chunk by chunk."""

    def __init__(self, deadline: float, timeout: float) -> None:
        self.deadline = deadline
        self.timeout = timeout
        self.done = False
        self.rows = 0
        #: What capped the result: ``"rows"``, ``"bytes"`` or ``"remote"`` (a remote store
        #: sent part of its answer); ``None`` if nothing did.
        self.truncation: str | None = None
        #: What a remote store said when it sent part of its answer (``truncation`` is then
        #: ``"remote"``).
        self.partial: Truncation | None = None
        self.head: Head | None = None
        #: The start of the body (the whole body when ``done`` after the head).
        self.first = b""

    @property
    def truncated(self) -> bool:
        """Whether the result was cut (by its rows or its bytes)."""
        return self.truncation is not None

    @abstractmethod
    def _receive(self, wait: float) -> bytes | None:
        """The next message, or ``None`` if none came within ``wait`` seconds."""

    @abstractmethod
    def _release(self) -> None:
        """The query ended normally: its worker may take another."""

    @abstractmethod
    def _abandon(self) -> None:
        """Stop the query now, whatever it is doing."""

    def _failed(self, error: Exception) -> None:
        """The query ended with an error its worker reported."""
        self._release()

    def _next(self) -> tuple[bytes, bytes]:
        remaining = self.deadline - time.monotonic()
        message = self._receive(remaining) if remaining > 0 else None
        if message is None:
            self.done = True
            self._abandon()
            raise QueryTimeout(
                f"the query ran past the time limit of {self.timeout:g} s and was stopped "
                "(make it more selective, or add a LIMIT)"
            )
        tag, body = message[:1], message[1:]
        if tag == b"X":
            self.done = True
            error = from_worker(*pickle.loads(body))
            self._failed(error)
            raise error
        return tag, body

    def read_head(self) -> Head:
        """Wait for the head (the first row is known by then)."""
        tag, body = self._next()
        if tag != b"H":
            self.done = True
            self._abandon()
            raise StoreError(f"query worker protocol error: {tag!r} before the head")
        self.head, self.first, end = pickle.loads(body)
        if end is not None:
            self.rows, self.truncation, self.partial = end
            self.done = True
            self._release()
        return self.head

    def next_chunk(self) -> bytes | None:
        """The next piece of the body, or ``None`` at its end."""
        if self.done:
            return None
        tag, body = self._next()
        if tag == b"D":
            return body
        if tag == b"E":
            self.rows, self.truncation, self.partial = pickle.loads(body)
            self.done = True
            self._release()
            return None
        self.done = True
        self._abandon()
        raise StoreError(f"query worker protocol error: unexpected {tag!r}")

    def chunks(self) -> Iterator[bytes]:
        """Every remaining chunk (blocking)."""
        while (chunk := self.next_chunk()) is not None:
            yield chunk

    def close(self) -> None:
        """Give up on the rest of the body (stops the query if it is still running)."""
        if not self.done:
            self.done = True
            self._abandon()


class Engine(ABC):
    """Runs queries: the one way the HTTP API, the command line and the Python API do.

    :meth:`run` runs a query and returns it under way (:class:`Run`: its head, then its
    body chunk by chunk); :meth:`job` says how a query is to run, for :meth:`start`.
    """

    #: Whether query workers have no network (``None``: not known yet, or not applicable).
    network_isolated: bool | None = None
    #: ``SERVICE`` endpoints a query may call (``DCKG_SERVICE_ALLOWLIST``).
    service_allowlist: tuple[str, ...] = ()
    #: Whether queries are checked against the allowlist before they run: wherever dckg
    #: runs them or serves them (not where the caller's own remote engine does the work).
    check_services: bool = True

    def job(
        self,
        query: str,
        *,
        fmt: str | None = None,
        accept: Sequence[str] = ("*/*",),
        max_results: int = 0,
        max_result_bytes: int | None = None,
        substitutions: Mapping[str, Term] | None = None,
        default_graph: Sequence[pyoxigraph.NamedNode] | None = None,
        named_graphs: Sequence[pyoxigraph.NamedNode] | None = None,
        offset: int = 0,
        hold: bool = False,
        check_services: bool | None = None,
    ) -> Job:
        """How ``query`` is to run here: its answer in the format named ``fmt`` (else the
        one ``accept`` prefers), at most ``max_results`` rows or triples (0: all) and
        ``max_result_bytes`` bytes (``None``: no limit); ``default_graph`` and
        ``named_graphs`` name the dataset as the protocol's ``default-graph-uri`` and
        ``named-graph-uri`` do (else the query's ``FROM``, else the union of all graphs).
        ``SERVICE`` clauses are checked as the engine does (``check_services`` overrides)."""
        check = self.check_services if check_services is None else check_services
        return Job(
            query=query,
            substitutions=dict(substitutions) if substitutions else None,
            default_graph=list(default_graph) if default_graph is not None else None,
            named_graphs=list(named_graphs) if named_graphs is not None else None,
            accept=accept,
            format_name=fmt,
            max_results=max_results if max_results > 0 else sys.maxsize,
            max_result_bytes=max_result_bytes,
            check_services=check,
            service_allowlist=self.service_allowlist if check else (),
            offset=offset,
            hold=hold,
        )

    def run(self, query: str, *, timeout: float, client: str = "", **options: Any) -> Run:
        """Run ``query`` (the options are those of :meth:`job`); returns once its head is
        known, having waited for a worker if need be. Stopped at ``timeout`` seconds
        (:class:`~dckg.errors.QueryTimeout`); :meth:`Run.close` gives up on the rest."""
        return self.start(self.job(query, **options), timeout, client)

    @abstractmethod
    def start(self, job: Job, timeout: float, client: str = "") -> Run:
        """Send a job to run; returns once its head is known. Blocking.

        ``client`` names who asks (an address), for sharing the workers fairly.
        """

    def warm_up(self) -> None:  # noqa: B027 - optional
        """Start what the engine needs before the first query."""

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """Stop every query while the store is written to."""
        yield

    def close(self) -> None:  # noqa: B027 - optional
        """Stop everything."""


# -- worker processes --------------------------------------------------------------------


class _Worker:
    def __init__(self, process: multiprocessing.process.BaseProcess, conn: Connection, gen: int):
        self.process = process
        self.conn = conn
        self.generation = gen
        self.isolated = False
        #: Killed by the engine (a time limit, a write, a preemption), not dead by itself.
        self.killed = False
        #: The most memory (``VmData``, bytes) the worker may map; 0: no cap.
        self.memory_limit = 0

    def at_cap(self) -> bool:
        """Whether the worker has (nearly) all the memory its cap allows."""
        if not self.memory_limit:
            return False
        try:
            with open(f"/proc/{self.process.pid}/status") as status:
                for line in status:
                    if line.startswith("VmData:"):
                        used = int(line.split()[1]) * 1024
                        return used >= self.memory_limit - AT_CAP_MARGIN
        except (OSError, ValueError, IndexError):
            pass
        return False

    def kill(self) -> None:
        self.killed = True
        with contextlib.suppress(Exception):
            self.process.kill()
        with contextlib.suppress(Exception):
            self.conn.close()
        threading.Thread(target=self.process.join, args=(5,), daemon=True).start()


class _ProcessRun(Run):
    def __init__(
        self, engine: ProcessEngine, w: _Worker, deadline: float, timeout: float, client: str
    ):
        super().__init__(deadline, timeout)
        self._engine = engine
        self._worker = w
        self._client = client
        self._left = False
        self._lock = threading.Lock()
        self.preempted = False
        self._forget = engine.admission.started(client, self.preempt)

    def _leave(self) -> None:
        with self._lock:
            if self._left:
                return
            self._left = True
        self._forget()
        self._engine.admission.leave(self._client)

    def preempt(self) -> None:
        """Stop this query to give its worker to another client."""
        self.preempted = True
        self._engine.discard(self._worker)
        self._leave()

    def _receive(self, wait: float) -> bytes | None:
        end = time.monotonic() + wait
        try:
            # In slices: between them, a worker stuck at its memory cap (allocations failing
            # and retried) is told from one merely working.
            while not self._worker.conn.poll(min(MEMORY_WATCH, max(end - time.monotonic(), 0))):
                if self._worker.at_cap():
                    self.done = True
                    self._engine.discard(self._worker)
                    self._leave()
                    raise self._engine.memory_exceeded()
                if time.monotonic() >= end:
                    return None
            return self._worker.conn.recv_bytes()
        except (EOFError, OSError):
            self.done = True
            # Why it died, before it is killed for good (which would hide its own end).
            error = None if self.preempted else self._engine.why_stopped(self._worker)
            self._engine.discard(self._worker)
            self._leave()
            if error is None:
                raise Busy(
                    "the query was stopped to share the query workers with other clients "
                    f"(it had run over {PREEMPT_AFTER:g} s while this client held more than "
                    "its share); try again shortly"
                ) from None
            raise error from None

    def _release(self) -> None:
        self._engine.release(self._worker)
        self._leave()

    def _failed(self, error: Exception) -> None:
        self._engine.after_error(self._worker, error)
        self._leave()

    def _abandon(self) -> None:
        self._engine.discard(self._worker)
        self._leave()


class ProcessEngine(Engine):
    """A pool of worker processes, each holding a read view of the store."""

    def __init__(
        self,
        context: Context,
        opener: Callable[[], Store],
        size: int,
        *,
        limits: Limits | None = None,
        per_client: int = 0,
        queue_size: int = 0,
    ) -> None:
        self._context = context
        self._opener = opener
        self.size = size
        self.limits = limits or Limits()
        self.admission = Admission(size, per_client, queue_size)
        self._warned = False
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._generation = 0
        #: Workers being started now (counted so that the pool is topped up, never over).
        self._pending = 0
        self._started = False
        self._paused = False
        self._closed = False
        self._start_error: StoreError | None = None

    def __repr__(self) -> str:
        return f"<ProcessEngine {self._context.get_start_method()} x{self.size}>"

    def _spawn(self) -> _Worker:
        # One start at a time: a worker forked while another's pipe end is still open in
        # this process would inherit it and keep that pipe open after the other worker
        # died, so that its crash would only be noticed at the query's deadline.
        with _SPAWNING:
            parent, child = self._context.Pipe()
            process = self._context.Process(
                target=worker.serve,
                args=(child, self._opener, self.limits),
                daemon=True,
                name="dckg-query",
            )
            with warnings.catch_warnings():
                # Forking a threaded process: the child only runs the worker loop.
                warnings.simplefilter("ignore", DeprecationWarning)
                process.start()
            child.close()
        w = _Worker(process, parent, self._generation)
        try:
            answer = parent.recv_bytes() if parent.poll(STARTUP_TIMEOUT) else b""
        except (EOFError, OSError):
            answer = b""
        if answer[:1] != b"R":
            w.kill()
            raise StoreError("a query worker could not open the store")
        flag, _, limit = answer[1:].partition(b" ")
        w.isolated = flag == b"1"
        w.memory_limit = int(limit or 0)
        self._note_isolation(w.isolated)
        return w

    def _note_isolation(self, isolated: bool) -> None:
        if not self.limits.isolate_network:
            self.network_isolated = False
            return
        self.network_isolated = (
            isolated if self.network_isolated is None else (self.network_isolated and isolated)
        )
        if not isolated and not self._warned:
            self._warned = True
            log.warning(
                "query workers could not be cut off from the network (no network namespace "
                "on this platform): SERVICE is refused by the query check alone"
            )

    def memory_exceeded(self) -> MemoryExceeded:
        """The error for a query that reached its worker's memory cap."""
        mib = self.limits.memory_bytes // (1024 * 1024)
        return MemoryExceeded(
            f"the query needed more memory than a query may use ({mib} MiB, "
            "DCKG_QUERY_MEMORY_MB) and was stopped; make it more selective "
            "(fewer rows to sort, group or join)"
        )

    def why_stopped(self, w: _Worker) -> Exception:
        """The error for a query whose worker died under it."""
        w.process.join(5)
        code = w.process.exitcode
        if w.killed:
            code = None
        else:
            log.warning(
                "query worker %s stopped while running a query (exit code %s); starting another",
                w.process.pid,
                code,
            )
        if code in (3, -signal.SIGABRT, -signal.SIGKILL) and self.limits.memory_bytes:
            return self.memory_exceeded()
        if code == -signal.SIGSEGV:
            return QueryError(
                "the query engine could not run this query (it is too long or too deeply "
                "nested) and it was stopped"
            )
        return StoreError(
            "the query was interrupted: its worker stopped (out of memory, or the store "
            "was being written to); try again"
        )

    def _add(self) -> None:
        try:
            w = self._spawn()
        except StoreError as error:
            with self._lock:
                self._pending -= 1
                self._start_error = error
            log.error("%s", error)
            # Wake a query waiting for a worker: with none running, it fails now.
            self._idle.put(_NO_WORKER)
            return
        with self._lock:
            self._pending -= 1
            stale = self._closed or self._paused or w.generation != self._generation
            if not stale:
                self._all.add(w)
                self._start_error = None  # a worker runs: an earlier failure no longer stands
        if stale:
            w.kill()
            self._top_up()  # started for an earlier state of the store: another takes its place
            return
        self._idle.put(w)

    def _top_up(self) -> list[threading.Thread]:
        """Start workers in the background until the pool is full again; the threads."""
        with self._lock:
            if self._closed or self._paused or not self._started:
                return []
            missing = max(self.size - len(self._all) - self._pending, 0)
            self._pending += missing
        threads = [
            threading.Thread(target=self._add, daemon=True, name="dckg-worker-start")
            for _ in range(missing)
        ]
        for thread in threads:
            thread.start()
        return threads

    def workers(self) -> int:
        """Workers running now (idle or busy), not counting those being started."""
        with self._lock:
            return len(self._all)

    def warm_up(self) -> None:
        with self._lock:
            if self._started or self._closed or self._paused:
                return
            self._started = True
        for thread in self._top_up():
            thread.join()

    def start(self, job: Job, timeout: float, client: str = "") -> Run:
        run = self.begin(job, timeout, client)
        run.read_head()
        return run

    def begin(self, job: Job | Task, timeout: float, client: str = "") -> Run:
        """Send a job to a worker; returns at once, before its head (blocking while it
        waits for a worker). The caller reads the head, or closes the run to stop it."""
        deadline = time.monotonic() + timeout
        payload = pickle.dumps(job)
        self.admission.enter(client, deadline)
        try:
            w = self._sent_to(payload, deadline)
        except BaseException:
            self.admission.leave(client)
            raise
        return _ProcessRun(self, w, deadline, timeout, client)

    def _sent_to(self, payload: bytes, deadline: float) -> _Worker:
        """A worker that took ``payload``. One that died before it could (killed while
        idle, and not yet known to be dead) is replaced and the job goes to another: it
        had not started, so nothing runs twice."""
        while True:
            w = self._acquire(deadline)
            try:
                w.conn.send_bytes(payload)
            except (OSError, ValueError):
                log.warning(
                    "query worker %s had stopped before it took a query; starting another",
                    w.process.pid,
                )
                self.discard(w)
                continue
            return w

    def _acquire(self, deadline: float) -> _Worker:
        self.warm_up()
        while True:
            remaining = deadline - time.monotonic()
            try:
                w = self._idle.get(timeout=min(remaining, 1.0)) if remaining > 0 else None
            except queue.Empty:
                # Whatever became of a worker, the pool is full again before long.
                self._top_up()
                continue
            if w is None:
                raise Busy(f"all {self.size} query workers stayed busy; try again shortly")
            if w is _NO_WORKER:
                with self._lock:
                    error, none_left = self._start_error, not self._all
                    if none_left:
                        self._started = False  # the next query tries to start them again
                if none_left and error is not None:
                    raise NoWorker(f"{error} (no query worker could start)")
                continue
            if w.generation != self._generation:
                self.discard(w, replace=False)
            elif w.process.is_alive():
                return w
            else:
                w.process.join(1)
                log.warning(
                    "query worker %s had stopped while idle (exit code %s); starting another",
                    w.process.pid,
                    w.process.exitcode,
                )
                self.discard(w)

    def release(self, w: _Worker) -> None:
        """A worker finished its query normally."""
        if w.generation == self._generation and not self._closed:
            self._idle.put(w)
        else:
            self.discard(w, replace=False)

    def after_error(self, w: _Worker, error: Exception) -> None:
        """A worker reported an error: replaced after the errors that may leave it unfit
        (:data:`RECYCLE_AFTER`), else checked (in the background) before it takes another."""
        if isinstance(error, RECYCLE_AFTER):
            log.warning(
                "query worker %s reported %s (%s); it is replaced",
                w.process.pid,
                type(error).__name__,
                str(error)[:200],
            )
            self.discard(w)
            return
        threading.Thread(
            target=self._check, args=(w,), daemon=True, name="dckg-worker-check"
        ).start()

    def _check(self, w: _Worker) -> None:
        """Back to the pool if the worker answers a health check in time, else replaced."""
        try:
            w.conn.send_bytes(worker.PING)
            healthy = w.conn.poll(HEALTH_TIMEOUT) and w.conn.recv_bytes() == worker.PING
        except (EOFError, OSError):
            healthy = False
        if healthy and w.process.is_alive() and not w.at_cap():
            self.release(w)
            return
        if w.generation == self._generation and not w.killed:
            log.warning(
                "query worker %s failed its health check after an error; it is replaced",
                w.process.pid,
            )
        self.discard(w)

    def discard(self, w: _Worker, *, replace: bool = True) -> None:
        """Kill a worker; start another in its place (in the background)."""
        with self._lock:
            known = w in self._all
            self._all.discard(w)
            current = w.generation == self._generation
        w.kill()
        if replace and known and current:
            self._top_up()

    def _stop_all(self) -> None:
        with self._lock:
            self._generation += 1
            workers, self._all = list(self._all), set()
            self._started = False
        for w in workers:
            w.kill()
        for w in workers:
            w.process.join(5)
        while True:
            try:
                self._idle.get_nowait()
            except queue.Empty:
                break

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        with self._lock:
            self._paused = True
        self._stop_all()
        try:
            yield
        finally:
            with self._lock:
                self._paused = False
            threading.Thread(target=self.warm_up, daemon=True).start()

    def close(self) -> None:
        with self._lock:
            self._closed = True
        self._stop_all()


# -- threads of this process -------------------------------------------------------------


class _ThreadRun(Run):
    """A query running in a thread; its messages pass through a small queue."""

    def __init__(self, deadline: float, timeout: float) -> None:
        super().__init__(deadline, timeout)
        self._queue: queue.Queue[bytes] = queue.Queue(maxsize=16)
        self._cancelled = threading.Event()

    def send(self, message: bytes) -> None:
        """Called by the query's thread; raises ``Stopped`` once the reader gave up."""
        while not self._cancelled.is_set():
            try:
                self._queue.put(message, timeout=0.5)
                return
            except queue.Full:
                continue
        raise worker.Stopped

    def _receive(self, wait: float) -> bytes | None:
        try:
            return self._queue.get(timeout=wait)
        except queue.Empty:
            return None

    def _release(self) -> None:
        pass

    def _abandon(self) -> None:
        self._cancelled.set()


class InlineEngine(Engine):
    """Queries run in threads of this process, through the same code as a worker
    (:func:`dckg.sparql.worker.execute`: the ``SERVICE`` check, the caps, the formats).

    * For a remote store, in the server: the remote engine does the work, bounded by the
      store's HTTP time limit; ``size`` queries at most run at once, shared as the workers
      are (:class:`Admission`). The ``SERVICE`` check still parses in a worker process
      (``checker``, over an empty store, with no network), never in the server.
    * For the Python API (``size`` 0: no admission): worker processes start by importing
      the ``__main__`` module, so a plain script (no ``if __name__ == "__main__":``
      guard) would run again in each of them.

    The time limit holds for the caller: at the deadline the query is abandoned and
    :class:`~dckg.errors.QueryTimeout` raised. Oxigraph cannot stop a query from another
    thread, so the abandoned query stops at its next row; one still computing its first row
    (an aggregate or a sort over a huge join) finishes that work in the background first.

    >>> from dckg.store import EmbeddedStore
    >>> store = EmbeddedStore()
    >>> store.update("INSERT DATA { <urn:a> <urn:p> 1, 2, 3 }")
    >>> run = InlineEngine(store).run("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o",
    ...                               fmt="csv", max_results=2, timeout=30)
    >>> run.first + b"".join(run.chunks()), run.truncated
    (b'o\\r\\n1\\r\\n2\\r\\n', True)
    """

    def __init__(
        self,
        store: Store,
        size: int = 0,
        *,
        per_client: int = 0,
        queue_size: int = 0,
        checker: ProcessEngine | None = None,
        check_services: bool = True,
        service_allowlist: tuple[str, ...] = (),
    ) -> None:
        self._store = store
        self.size = size
        self.admission = Admission(size, per_client, queue_size) if size > 0 else None
        self.checker = checker
        self.check_services = check_services
        self.service_allowlist = service_allowlist

    def __repr__(self) -> str:
        return f"<InlineEngine {self._store!r}>"

    def start(self, job: Job, timeout: float, client: str = "") -> Run:
        deadline = time.monotonic() + timeout
        if job.check_services and self.checker is not None:
            check = replace(job, check_only=True)
            self.checker.start(check, timeout, client).close()
            job = replace(job, check_services=False)
        admission = self.admission
        if admission is not None:
            admission.enter(client, deadline)
        run = _ThreadRun(deadline, timeout)

        def target() -> None:
            try:
                worker.execute(self._store, job, run.send)
            except worker.Stopped:
                pass
            finally:
                if admission is not None:
                    admission.leave(client)

        threading.Thread(target=target, daemon=True, name="dckg-query").start()
        run.read_head()
        return run

    def warm_up(self) -> None:
        if self.checker is not None:
            self.checker.warm_up()

    def close(self) -> None:
        if self.checker is not None:
            self.checker.close()


# -- choosing ----------------------------------------------------------------------------


def open_read_only(path: str) -> Store:
    """The store at ``path``, opened read-only (in a worker process)."""
    return EmbeddedStore(Path(path), read_only=True)


def default_size() -> int:
    """Workers by default: one per core, at least two (so one runaway query never blocks)."""
    return max(2, os.cpu_count() or 1)


def make_engine(
    store: Store, size: int = 0, *, settings: Settings | None = None, serving: bool = True
) -> Engine:
    """The engine that suits a store (its limits from ``settings``, if given).

    ``serving``: the engine of ``dckg serve``, where any client's query is checked against
    the ``SERVICE`` allowlist. Otherwise (the command line) a remote store's queries are
    the caller's own, sent to the remote engine as they are.
    """
    settings = settings or Settings(store="memory")
    size = size or settings.query_workers or default_size()
    limits = Limits(
        memory_bytes=settings.query_memory_mb * 1024 * 1024,
        isolate_network=not settings.service_allowlist,
    )
    per_client, queue_size = settings.queries_per_client, settings.query_queue
    engine: Engine
    if isinstance(store, EmbeddedStore) and store.path is None:
        engine = ProcessEngine(
            multiprocessing.get_context("fork"),
            lambda: store,
            size,
            limits=limits,
            per_client=per_client,
            queue_size=queue_size,
        )
    elif isinstance(store, EmbeddedStore):
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["dckg.sparql.worker", "dckg.sparql.engine"])
        opener = partial(open_read_only, str(store.path))
        engine = ProcessEngine(
            context, opener, size, limits=limits, per_client=per_client, queue_size=queue_size
        )
    elif not serving:
        return InlineEngine(store, check_services=False)
    else:
        checker = ProcessEngine(
            multiprocessing.get_context("fork"),
            EmbeddedStore,
            2,
            limits=replace(limits, isolate_network=True),
            per_client=2,
            queue_size=settings.query_queue or 8 * size,
        )
        engine = InlineEngine(
            store, size, per_client=per_client, queue_size=queue_size, checker=checker
        )
    engine.service_allowlist = settings.service_allowlist
    return engine
