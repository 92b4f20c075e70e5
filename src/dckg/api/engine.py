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
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import queue
import threading
import time
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph

from dckg.api import worker
from dckg.api.errors import Busy, error_from_worker
from dckg.api.worker import Head, Job
from dckg.errors import QueryTimeout, StoreError
from dckg.store.base import Store
from dckg.store.embedded import EmbeddedStore

#: Seconds a new worker may take to open the store.
STARTUP_TIMEOUT = 120.0


class Run(ABC):
    """A query under way: its head is known, its body is read chunk by chunk."""

    def __init__(self, deadline: float, timeout: float) -> None:
        self.deadline = deadline
        self.timeout = timeout
        self.done = False
        self.rows = 0
        self.truncated = False
        self.head: Head | None = None
        #: The start of the body (the whole body when ``done`` after the head).
        self.first = b""

    @abstractmethod
    def _receive(self, wait: float) -> bytes | None:
        """The next message, or ``None`` if none came within ``wait`` seconds."""

    @abstractmethod
    def _release(self) -> None:
        """The query ended normally: its worker may take another."""

    @abstractmethod
    def _abandon(self) -> None:
        """Stop the query now, whatever it is doing."""

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
            self._release()
            raise error_from_worker(*pickle.loads(body))
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
            self.rows, self.truncated = end
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
            self.rows, self.truncated = pickle.loads(body)
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
    """Runs queries for the API."""

    @abstractmethod
    def start(self, job: Job, timeout: float) -> Run:
        """Send a query to run; returns once its head is known. Blocking."""

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

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        with contextlib.suppress(Exception):
            self.conn.close()
        threading.Thread(target=self.process.join, args=(5,), daemon=True).start()


class _ProcessRun(Run):
    def __init__(self, engine: ProcessEngine, w: _Worker, deadline: float, timeout: float):
        super().__init__(deadline, timeout)
        self._engine = engine
        self._worker = w

    def _receive(self, wait: float) -> bytes | None:
        try:
            if not self._worker.conn.poll(wait):
                return None
            return self._worker.conn.recv_bytes()
        except (EOFError, OSError):
            self.done = True
            self._engine.discard(self._worker)
            raise StoreError(
                "the query was interrupted: its worker stopped (out of memory, or the store "
                "was being written to); try again"
            ) from None

    def _release(self) -> None:
        self._engine.release(self._worker)

    def _abandon(self) -> None:
        self._engine.discard(self._worker)


class ProcessEngine(Engine):
    """A pool of worker processes, each holding a read view of the store."""

    def __init__(
        self,
        context: multiprocessing.context.BaseContext,
        opener: Callable[[], Store],
        size: int,
    ) -> None:
        self._context = context
        self._opener = opener
        self.size = size
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._generation = 0
        self._started = False
        self._paused = False
        self._closed = False

    def __repr__(self) -> str:
        return f"<ProcessEngine {self._context.get_start_method()} x{self.size}>"

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=worker.serve, args=(child, self._opener), daemon=True, name="dckg-query"
        )
        with warnings.catch_warnings():
            # Forking a threaded process: the child only runs the worker loop.
            warnings.simplefilter("ignore", DeprecationWarning)
            process.start()
        child.close()
        w = _Worker(process, parent, self._generation)
        try:
            ready = parent.poll(STARTUP_TIMEOUT) and parent.recv_bytes() == b"R"
        except (EOFError, OSError):
            ready = False
        if not ready:
            w.kill()
            raise StoreError("a query worker could not open the store")
        return w

    def _add(self) -> None:
        try:
            w = self._spawn()
        except StoreError:
            return
        with self._lock:
            if self._closed or self._paused or w.generation != self._generation:
                w.kill()
                return
            self._all.add(w)
        self._idle.put(w)

    def warm_up(self) -> None:
        with self._lock:
            if self._started or self._closed or self._paused:
                return
            self._started = True
        threads = [threading.Thread(target=self._add, daemon=True) for _ in range(self.size)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def start(self, job: Job, timeout: float) -> Run:
        deadline = time.monotonic() + timeout
        w = self._acquire(deadline)
        run = _ProcessRun(self, w, deadline, timeout)
        try:
            w.conn.send_bytes(pickle.dumps(job))
        except (OSError, ValueError):
            self.discard(w)
            raise StoreError("a query worker stopped; try again") from None
        run.read_head()
        return run

    def _acquire(self, deadline: float) -> _Worker:
        self.warm_up()
        while True:
            remaining = deadline - time.monotonic()
            try:
                w = self._idle.get(timeout=max(remaining, 0.0)) if remaining > 0 else None
            except queue.Empty:
                w = None
            if w is None:
                raise Busy(f"all {self.size} query workers stayed busy; try again shortly")
            if w.generation == self._generation and w.process.is_alive():
                return w
            self.discard(w, replace=False)

    def release(self, w: _Worker) -> None:
        """A worker finished its query normally."""
        if w.generation == self._generation and not self._closed:
            self._idle.put(w)
        else:
            self.discard(w, replace=False)

    def discard(self, w: _Worker, *, replace: bool = True) -> None:
        """Kill a worker; start another in its place (in the background)."""
        with self._lock:
            known = w in self._all
            self._all.discard(w)
            replace = replace and known and not (self._closed or self._paused)
            current = w.generation == self._generation
        w.kill()
        if replace and current:
            threading.Thread(target=self._add, daemon=True, name="dckg-respawn").start()

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


# -- in-process (remote stores) -----------------------------------------------------------


class _Cancelled(Exception):
    pass


class _ThreadRun(Run):
    def __init__(self, engine: InlineEngine, deadline: float, timeout: float) -> None:
        super().__init__(deadline, timeout)
        self._engine = engine
        self._queue: queue.Queue[bytes] = queue.Queue(maxsize=16)
        self._cancelled = threading.Event()

    def send(self, message: bytes) -> None:
        while not self._cancelled.is_set():
            try:
                self._queue.put(message, timeout=0.5)
                return
            except queue.Full:
                continue
        raise _Cancelled

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
    """Queries run in threads of the server (for remote stores, which do the work)."""

    def __init__(self, store: Store, size: int) -> None:
        self._store = store
        self._slots = threading.BoundedSemaphore(size)
        self.size = size

    def start(self, job: Job, timeout: float) -> Run:
        deadline = time.monotonic() + timeout
        if not self._slots.acquire(timeout=timeout):
            raise Busy(f"all {self.size} query slots stayed busy; try again shortly")
        run = _ThreadRun(self, deadline, timeout)

        def target() -> None:
            try:
                worker.execute(self._store, job, run.send)
            except _Cancelled:
                pass
            finally:
                self._slots.release()

        threading.Thread(target=target, daemon=True, name="dckg-query").start()
        run.read_head()
        return run


# -- choosing ----------------------------------------------------------------------------


def open_read_only(path: str) -> Store:
    """The store at ``path``, opened read-only (in a worker process)."""
    store = EmbeddedStore.__new__(EmbeddedStore)
    store.path = Path(path)
    try:
        store._store = pyoxigraph.Store.read_only(path)
    except OSError as error:
        raise StoreError(f"{path}: cannot open the store read-only: {error}") from None
    return store


def default_size() -> int:
    """Workers by default: one per core, at least two (so one runaway query never blocks)."""
    return max(2, os.cpu_count() or 1)


def make_engine(store: Store, size: int = 0) -> Engine:
    """The engine that suits a store."""
    size = size or default_size()
    if isinstance(store, EmbeddedStore) and store.path is None:
        return ProcessEngine(multiprocessing.get_context("fork"), lambda: store, size)
    if isinstance(store, EmbeddedStore):
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["dckg.api.worker", "dckg.api.engine"])
        return ProcessEngine(context, partial(open_read_only, str(store.path)), size)
    return InlineEngine(store, size)
