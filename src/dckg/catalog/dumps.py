"""The dumps of the whole store, written to disk once per state of the store:

=================  ==============================================================
``dckg.nq.gz``     every quad, graphs kept (N-Quads, gzip)
``dckg.trig``      every quad, graphs kept (TriG)
``dckg.nt.gz``     the union of the graphs as triples (N-Triples, gzip)
``dckg.ttl``       the union of the graphs as triples (Turtle)
=================  ==============================================================

A triple stated in two graphs appears twice in the triple dumps (N-Triples and Turtle
readers keep it once).
"""

from __future__ import annotations

import atexit
import gzip
import hashlib
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from pyoxigraph import Quad, RdfFormat, Triple, serialize

from dckg.catalog.inventory import Inventory
from dckg.catalog.terms import DESCRIPTION_PREFIXES
from dckg.store.base import Store


@dataclass(frozen=True)
class Dump:
    """A downloadable file of the whole store."""

    name: str
    title: str
    rdf_format: RdfFormat
    media_type: str
    file_type: str
    gzip: bool
    union: bool

    @property
    def description(self) -> str:
        held = "the union of the graphs, as triples" if self.union else "every quad, graphs kept"
        packed = ", gzip-compressed" if self.gzip else ""
        return f"A dump of the whole store: {held}{packed}."


DUMPS: dict[str, Dump] = {
    d.name: d
    for d in (
        Dump(
            "dckg.nq.gz",
            "All graphs (N-Quads, gzip)",
            RdfFormat.N_QUADS,
            "application/n-quads",
            "RDF_N_QUADS",
            True,
            False,
        ),
        Dump(
            "dckg.trig",
            "All graphs (TriG)",
            RdfFormat.TRIG,
            "application/trig",
            "RDF_TRIG",
            False,
            False,
        ),
        Dump(
            "dckg.nt.gz",
            "Union of the graphs (N-Triples, gzip)",
            RdfFormat.N_TRIPLES,
            "application/n-triples",
            "RDF_N_TRIPLES",
            True,
            True,
        ),
        Dump(
            "dckg.ttl",
            "Union of the graphs (Turtle)",
            RdfFormat.TURTLE,
            "text/turtle",
            "RDF_TURTLE",
            False,
            True,
        ),
    )
}


@dataclass(frozen=True)
class DumpFile:
    """A dump written to disk for one state of the store: its path, size and digest."""

    path: Path
    size: int
    sha256: str
    state: str
    modified: str | None

    @property
    def etag(self) -> str:
        return f'"{self.sha256[:32]}"'


class DumpFiles:
    """The dump files of a store, written to a private folder once per state of the store.

    Files of the two latest states are kept, so that a download of the previous state
    that has begun is never cut by a newer file.
    """

    def __init__(self) -> None:
        self._folder: Path | None = None
        self._lock = threading.Lock()
        self._writing = {name: threading.Lock() for name in DUMPS}
        self._made: dict[tuple[str, str], DumpFile] = {}
        self._states: list[str] = []

    def existing(self, state: str) -> dict[str, DumpFile]:
        """The dumps already written for ``state``."""
        with self._lock:
            return {
                name: made
                for (at, name), made in self._made.items()
                if at == state and made.path.exists()
            }

    def file(self, store: Store, inv: Inventory, dump: Dump) -> DumpFile:
        """The dump ``dump`` for the state ``inv`` describes, written once (blocking)."""
        with self._writing[dump.name]:
            found = self.existing(inv.state).get(dump.name)
            if found is not None:
                return found
            folder = self._where()
            path = folder / f"{inv.state}-{dump.name}"
            partial = folder / f".{inv.state}-{dump.name}.part"
            digest = hashlib.sha256()
            with partial.open("wb") as raw:
                _dumper(store, dump)(_Hashing(raw, digest))  # type: ignore[arg-type]
            partial.replace(path)
            made = DumpFile(path, path.stat().st_size, digest.hexdigest(), inv.state, inv.modified)
            self._keep(made)
            return made

    def _keep(self, made: DumpFile) -> None:
        with self._lock:
            self._made[(made.state, made.path.name.split("-", 1)[1])] = made
            if made.state in self._states:
                self._states.remove(made.state)
            self._states.append(made.state)
            for key, old in list(self._made.items()):
                if key[0] not in self._states[-2:]:
                    old.path.unlink(missing_ok=True)
                    del self._made[key]
            self._states = self._states[-2:]

    def _where(self) -> Path:
        with self._lock:
            if self._folder is None:
                self._folder = Path(tempfile.mkdtemp(prefix="dckg-dumps-"))
                atexit.register(shutil.rmtree, self._folder, True)
            return self._folder


class _Hashing:
    """A binary writer that hashes what goes through it."""

    def __init__(self, raw: BinaryIO, digest: Any) -> None:
        self.raw, self.digest = raw, digest

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self.digest.update(data)
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()


def _dumper(store: Store, dump: Dump) -> Callable[[BinaryIO], None]:
    def produce(output: BinaryIO) -> None:
        if dump.gzip:
            with gzip.GzipFile(fileobj=output, mode="wb", mtime=0) as zipped:
                _write_dump(store, dump, zipped)  # type: ignore[arg-type]
        else:
            _write_dump(store, dump, output)

    return produce


def _write_dump(store: Store, dump: Dump, output: BinaryIO) -> None:
    if not dump.union:
        store.dump(output, dump.rdf_format)
        return
    options = {"prefixes": DESCRIPTION_PREFIXES} if dump.rdf_format == RdfFormat.TURTLE else {}
    serialize(_as_triples(store.quads()), output, dump.rdf_format, **options)


def _as_triples(quads: Iterator[Quad]) -> Iterator[Triple]:
    for quad in quads:
        yield Triple(quad.subject, quad.predicate, quad.object)


__all__ = ["DUMPS", "Dump", "DumpFile", "DumpFiles"]
