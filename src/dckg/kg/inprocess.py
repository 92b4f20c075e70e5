"""The Python API's query engine: queries run in the calling process.

Worker processes start by importing the ``__main__`` module, so a plain script (no
``if __name__ == "__main__":`` guard) would run again in each of them. The Python API
therefore runs queries in a thread of the caller's own process, through the same code as a
worker (:func:`dckg.sparql.worker.execute`: the ``SERVICE`` allowlist, the row cap, the
formats), and each :class:`~dckg.kg.KnowledgeGraph` keeps one engine for all its queries.

The time limit holds for the caller: at the deadline the query is abandoned and
:class:`~dckg.errors.QueryTimeout` raised. Oxigraph cannot stop a query from another thread,
so the abandoned query stops at its next row; one still computing its first row (an
aggregate or a sort over a huge join) finishes that work in the background first.

>>> from dckg.store import EmbeddedStore
>>> from dckg.sparql.worker import Job
>>> store = EmbeddedStore()
>>> store.update("INSERT DATA { <urn:a> <urn:p> 1, 2, 3 }")
>>> engine = InProcessEngine(store)
>>> run = engine.start(Job("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o", accept="text/csv",
...                        max_results=2), timeout=30)
>>> run.first + b"".join(run.chunks()), run.truncated
(b'o\\r\\n1\\r\\n2\\r\\n', True)
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time

from dckg.sparql import worker
from dckg.sparql.engine import Engine, Run
from dckg.sparql.worker import Job
from dckg.store.base import Store


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


class InProcessEngine(Engine):
    """Runs each query in a thread of this process (no worker processes)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def __repr__(self) -> str:
        return f"<InProcessEngine {self._store!r}>"

    def start(self, job: Job, timeout: float, client: str = "") -> Run:
        run = _ThreadRun(time.monotonic() + timeout, timeout)

        def target() -> None:
            with contextlib.suppress(worker.Stopped):
                worker.execute(self._store, job, run.send)

        threading.Thread(target=target, daemon=True, name="dckg-query").start()
        run.read_head()
        return run


__all__ = ["InProcessEngine"]
