"""The embedded backend: Oxigraph in this process, on disk or in memory."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from pathlib import Path
from typing import BinaryIO

import pyoxigraph
from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    NamedNode,
    Quad,
    QuerySolutions,
    RdfFormat,
    Variable,
)

from dckg.errors import QueryError, StoreError
from dckg.namespaces import BASE_IRI
from dckg.rdfio import DATASET_FORMATS
from dckg.store.base import Progress, QueryResult, Store, Term
from dckg.store.sparqltext import dataset_clauses, tokens

#: Quads written per transaction when progress is reported.
BATCH = 50_000


class EmbeddedStore(Store):
    """Oxigraph in this process.

    >>> store = EmbeddedStore()
    >>> from pyoxigraph import Literal
    >>> g = NamedNode("https://example.org/g")
    >>> store.add_quads([Quad(NamedNode("https://example.org/a"), NamedNode("https://example.org/p"),
    ...                       Literal("x"), g)])
    1
    >>> [s["o"].value for s in store.query("SELECT ?o WHERE { ?s ?p ?o }")]
    ['x']
    """

    kind = "embedded"

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only and path is not None
        if path is None:
            self._store = pyoxigraph.Store()
            return
        _check_store_dir(path)
        if self.read_only:
            # No lock is taken: any number of readers may open the store beside the one
            # process that writes it (``dckg serve``, ``dckg load``). Each reader sees
            # the store as it was when opened.
            try:
                self._store = pyoxigraph.Store.read_only(str(path))
            except OSError as error:
                raise StoreError(f"{path}: cannot open the store read-only: {error}") from None
            return
        try:
            self._store = pyoxigraph.Store(str(path))
        except OSError as error:
            raise StoreError(f"{path}: cannot open the store: {_locked(path, error)}") from None

    def __repr__(self) -> str:
        mode = " (read-only)" if self.read_only else ""
        return f"<EmbeddedStore {self.path or 'memory'}{mode}>"

    # -- reading -----------------------------------------------------------------

    def query(
        self,
        query: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graph: Sequence[NamedNode] | None = None,
        named_graphs: Sequence[NamedNode] | None = None,
    ) -> QueryResult:
        graphs: list[NamedNode | BlankNode | DefaultGraph] | None = None
        if default_graph is not None:
            graphs = [*default_graph]
        named: list[NamedNode | BlankNode] | None = None
        if named_graphs is not None:
            named = [*named_graphs]
        bound = {Variable(k): v for k, v in substitutions.items()} if substitutions else None
        # The union only when the query names no dataset: FROM / FROM NAMED hold.
        union = default_graph is None and not dataset_clauses(tokens(query))
        try:
            return self._store.query(
                query,
                prefixes=self.default_prefixes(),
                base_iri=BASE_IRI,
                use_default_graph_as_union=union,
                default_graph=graphs,
                named_graphs=named,
                substitutions=bound,
            )
        except SyntaxError as error:
            raise QueryError(f"malformed query: {error}") from None
        except OSError as error:
            raise StoreError(f"cannot read the store: {error}") from None
        except (ValueError, RuntimeError) as error:
            raise QueryError(str(error)) from None

    def quads(
        self,
        subject: NamedNode | BlankNode | None = None,
        predicate: NamedNode | None = None,
        object: Term | None = None,
        graph: NamedNode | None = None,
    ) -> Iterator[Quad]:
        return iter(self._store.quads_for_pattern(subject, predicate, object, graph))

    def graphs(self) -> list[NamedNode]:
        return sorted(
            (g for g in self._store.named_graphs() if isinstance(g, NamedNode)),
            key=lambda g: g.value,
        )

    def count(self, graph: NamedNode | None = None) -> int:
        if graph is None:
            return len(self._store)
        # A substituted variable must be projected (SEP-0007), hence the GROUP BY.
        result = self._store.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
            substitutions={Variable("g"): graph},
        )
        if not isinstance(result, QuerySolutions):  # pragma: no cover - a SELECT query
            raise StoreError("a count query did not answer with solutions")
        return sum(int(row["n"].value) for row in result)

    def dump(
        self, output: BinaryIO, rdf_format: RdfFormat, *, graph: NamedNode | None = None
    ) -> None:
        if graph is None and rdf_format not in DATASET_FORMATS:
            raise StoreError(f"{rdf_format.name} holds one graph: name the graph to export")
        turtle = rdf_format in (RdfFormat.TURTLE, RdfFormat.TRIG)
        self._store.dump(
            output,
            rdf_format,
            from_graph=graph,
            prefixes=self.default_prefixes() if turtle else None,
        )

    # -- writing -----------------------------------------------------------------

    def update(self, update: str) -> None:
        try:
            self._store.update(update, prefixes=self.default_prefixes(), base_iri=BASE_IRI)
        except SyntaxError as error:
            raise QueryError(f"malformed update: {error}") from None
        except OSError as error:
            raise StoreError(f"cannot write the store: {error}") from None

    def add_quads(self, quads: Iterable[Quad], *, progress: Progress | None = None) -> int:
        # One transaction: either every quad is written or none is.
        batch = list(quads)
        try:
            self._store.extend(batch)
        except OSError as error:
            raise StoreError(f"cannot write the store: {error}") from None
        if progress:
            progress(len(batch))
        return len(batch)

    def remove_quads(self, quads: Iterable[Quad]) -> int:
        batch = list(quads)
        if not batch:
            return 0
        try:
            for quad in batch:
                self._store.remove(quad)
        except OSError as error:
            raise StoreError(f"cannot write the store: {error}") from None
        return len(batch)

    def drop_graph(self, graph: NamedNode) -> None:
        try:
            if self._store.contains_named_graph(graph):
                self._store.remove_graph(graph)
        except OSError as error:
            raise StoreError(f"cannot write the store: {error}") from None

    def replace_graph(
        self,
        graph: NamedNode,
        triples: Iterable[Quad | pyoxigraph.Triple],
        *,
        progress: Progress | None = None,
    ) -> int:
        quads = [Quad(t.subject, t.predicate, t.object, graph) for t in triples]
        self.drop_graph(graph)
        return self._bulk(iter(quads), progress)

    def _write_loaded(self, quads: Iterator[Quad], progress: Progress | None) -> int:
        # The input has parsed once already, so the bulk loader cannot stop half-way
        # on a syntax error; only an I/O failure could.
        return self._bulk(quads, progress)

    def _bulk(self, quads: Iterator[Quad], progress: Progress | None) -> int:
        total = 0
        try:
            while chunk := list(islice(quads, BATCH)):
                self._store.bulk_extend(chunk)
                total += len(chunk)
                if progress:
                    progress(total)
        except OSError as error:
            raise StoreError(f"cannot write the store: {error}") from None
        return total

    def flush(self) -> None:
        """Make sure everything written is on disk."""
        self._store.flush()

    def close(self) -> None:
        if self.path is not None and not self.read_only:
            with contextlib.suppress(OSError):
                self._store.flush()
        # pyoxigraph closes the database when the object is collected.
        del self._store


def _check_store_dir(path: Path) -> None:
    """Refuse a path that exists and is not an Oxigraph store."""
    if path.exists() and not path.is_dir():
        raise StoreError(f"{path}: not a store (it is a file, a store is a directory)")
    if path.is_dir() and any(path.iterdir()) and not (path / "CURRENT").exists():
        raise StoreError(
            f"{path}: not a store (a non-empty directory without an Oxigraph database)"
        )


def _locked(path: Path, error: OSError) -> str:
    """The reason a store cannot be opened for writing, naming the process holding it."""
    if "lock" not in str(error).lower():
        return str(error)
    holder = lock_holder(path / "LOCK")
    who = f"process {holder[0]} ({holder[1]})" if holder else "another process"
    return (
        f"it is open for writing by {who}. Commands that only read (sparql, query, "
        "stats, export, validate, contributions) work beside it; to write, stop that "
        "process first, or contribute through the running server (POST /contributions)"
    )


def lock_holder(lock_file: Path) -> tuple[int, str] | None:
    """The id and command line of the process holding a lock on ``lock_file`` (Linux)."""
    try:
        info = lock_file.stat()
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        # "1: POSIX  ADVISORY  WRITE 1234 08:01:5678 0 EOF"
        fields = line.split()
        if len(fields) < 6 or "->" in fields:
            continue
        pid, where = fields[4], fields[5]
        inode = where.rsplit(":", 1)[-1]
        if pid.isdigit() and inode.isdigit() and int(inode) == info.st_ino:
            try:
                raw = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                raw = b""
            command = " ".join(part.decode(errors="replace") for part in raw.split(b"\0") if part)
            command = command or "unknown command"
            return int(pid), command if len(command) <= 80 else command[:79] + "…"
    return None
