"""The dataset's description and dumps of one store, rebuilt in a background thread after
a write while the previous version is served."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, replace

from pyoxigraph import Quad

from dckg.catalog.description import void_description
from dckg.catalog.dumps import DUMPS, DumpFile, DumpFiles
from dckg.catalog.inventory import Inventory, graph_sources, take_inventory
from dckg.store.base import Store

log = logging.getLogger("dckg.catalog")


@dataclass(frozen=True)
class Described:
    """One version of the description: the inventory it states and the dumps it lists.

    ``complete`` once the linksets, countries, period and every dump are in; before that,
    a description of the counts and sources only (the first one after a start).
    """

    version: int
    inventory: Inventory
    files: dict[str, DumpFile]
    complete: bool


class Catalogue:
    """The dataset's description and dumps of one store.

    A write (``data_version`` going up) makes the description stale; the next request
    that reads it starts a rebuild in a thread of its own and is answered at once with
    the description it had, so that neither it nor any other request waits for the
    rebuild (about two minutes on a million triples, most of it writing the dumps). The
    new description replaces the old one once its dumps are written, so that the
    description and the dumps served always match. Only the first build after a start
    publishes its inventory before its dumps.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.dumps = DumpFiles()
        self._lock = threading.Condition()
        self._counting = threading.Lock()
        self._counted: tuple[int, Inventory] | None = None
        self._described: Described | None = None
        self._wanted = 0
        self._builder: threading.Thread | None = None
        self._closed = False

    def inventory(self, version: int) -> Inventory:
        """Counts, graphs and dates for ``version`` (blocking, taken once per version)."""
        with self._counting:
            counted = self._counted
            if counted is not None and counted[0] >= version:
                return counted[1]
            found = take_inventory(self.store, full=False)
            self._counted = (version, found)
            return found

    def described(self, version: int) -> Described:
        """The latest description; a rebuild starts when it is older than ``version``.

        Before the first build ends: the counts and the sources, without the dumps.
        """
        with self._lock:
            found = self._described
            self._want(version)
        if found is not None:
            return found
        counted = self.inventory(version)
        first = Described(
            version,
            replace(counted, sources=tuple(graph_sources(self.store, counted.graphs))),
            self.dumps.existing(counted.state),
            complete=False,
        )
        with self._lock:
            if self._described is None:
                self._described = first
            return self._described

    def building(self) -> bool:
        """Whether a rebuild is running."""
        with self._lock:
            return self._builder is not None

    def wait(self, version: int, timeout: float) -> Described | None:
        """The complete description of ``version`` or later, waiting for it at most
        ``timeout`` seconds (starting the build if needed); ``None`` if it is not ready."""
        deadline = time.monotonic() + timeout
        with self._lock:
            self._want(version)
            while not self._ready(version):
                left = deadline - time.monotonic()
                if left <= 0 or self._builder is None:
                    return None
                self._lock.wait(left)
            return self._described

    def close(self, timeout: float = 5.0) -> None:
        """Stop rebuilding (the build that runs stops at its next step)."""
        with self._lock:
            self._closed = True
            builder = self._builder
        if builder is not None:
            builder.join(timeout)

    def _ready(self, version: int) -> bool:
        found = self._described
        return found is not None and found.complete and found.version >= version

    def _want(self, version: int) -> None:
        """Ask for ``version`` (the lock held): start the builder if it is not running."""
        self._wanted = max(self._wanted, version)
        if self._ready(self._wanted) or self._builder is not None or self._closed:
            return
        self._builder = threading.Thread(target=self._build, name="dckg-describe", daemon=True)
        self._builder.start()

    def _build(self) -> None:
        try:
            while True:
                with self._lock:
                    version = self._wanted
                    if self._closed or self._ready(version):
                        return
                self._build_version(version)
        except Exception:
            if not self._closed:  # a store closed under a stopping build is no fault
                log.exception("the dataset description could not be rebuilt")
        finally:
            with self._lock:
                self._builder = None
                self._lock.notify_all()

    def _build_version(self, version: int) -> None:
        found = take_inventory(self.store, full=True)
        with self._counting:
            if self._counted is None or self._counted[0] <= version:
                self._counted = (version, found)
        with self._lock:
            first = self._described is None or not self._described.complete
        if first:  # until the first build ends: the counts and sources at least
            self._publish(Described(version, found, self.dumps.existing(found.state), False))
        files = {}
        for dump in DUMPS.values():
            if self._closed:
                return
            files[dump.name] = self.dumps.file(self.store, found, dump)
        self._publish(Described(version, found, files, complete=True))

    def _publish(self, described: Described) -> None:
        with self._lock:
            current = self._described
            if current is None or current.version <= described.version:
                self._described = described
            self._lock.notify_all()


def description_store(described: Described, base: str) -> Store:
    """A description as a small in-memory store, so that every IRI it mints (catalogue,
    datasets, distributions, linksets, …) can be looked up like the graph's own."""
    from dckg.store import EmbeddedStore

    triples = void_description(described.inventory, base, described.files)
    held = EmbeddedStore()
    held.add_quads(Quad(t.subject, t.predicate, t.object) for t in triples)
    return held


__all__ = ["Catalogue", "Described", "description_store"]
