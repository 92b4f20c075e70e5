"""The store interface every backend implements.

Terms, quads and results are pyoxigraph's types whatever the backend, so callers never
care where the graph lives.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Triple,
)

from dckg import rdfio
from dckg.errors import QueryError, UsageError
from dckg.namespaces import PREFIXES
from dckg.store.sparqltext import operation, tokens

Term = NamedNode | BlankNode | Literal | Triple
QueryResult = QuerySolutions | QueryBoolean | QueryTriples
#: Called with the number of quads written so far.
Progress = Callable[[int], None]


class Store(ABC):
    """A quad store that answers SPARQL over the union of its named graphs."""

    #: A short name of the backend, for messages and ``dckg stats``.
    kind: str = "store"

    # -- reading -----------------------------------------------------------------

    @abstractmethod
    def query(
        self,
        query: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graph: Sequence[NamedNode] | None = None,
        named_graphs: Sequence[NamedNode] | None = None,
    ) -> QueryResult:
        """Run a SPARQL 1.1 query.

        ``substitutions`` binds variables (named without ``?``) to RDF terms before
        evaluation; values are never pasted into the query text. ``default_graph`` and
        ``named_graphs`` (the protocol's dataset) override the query's ``FROM`` / ``FROM
        NAMED``; without either, the default graph is the union of all graphs.
        Raises :class:`~dckg.errors.QueryError` for a query that does not parse or fails.
        """

    def select(
        self,
        query: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graph: Sequence[NamedNode] | None = None,
        named_graphs: Sequence[NamedNode] | None = None,
    ) -> QuerySolutions:
        """Run a ``SELECT`` query: its solutions (:meth:`query` for the arguments).

        Raises :class:`~dckg.errors.QueryError`, before running it, for another form.
        """
        self._check_form(query, ("SELECT",))
        result = self.query(
            query,
            substitutions=substitutions,
            default_graph=default_graph,
            named_graphs=named_graphs,
        )
        if not isinstance(result, QuerySolutions):  # pragma: no cover - the form was checked
            raise QueryError("the query did not answer with solutions")
        return result

    def ask(
        self,
        query: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graph: Sequence[NamedNode] | None = None,
        named_graphs: Sequence[NamedNode] | None = None,
    ) -> bool:
        """Run an ``ASK`` query: its answer (:meth:`query` for the arguments).

        Raises :class:`~dckg.errors.QueryError`, before running it, for another form.
        """
        self._check_form(query, ("ASK",))
        result = self.query(
            query,
            substitutions=substitutions,
            default_graph=default_graph,
            named_graphs=named_graphs,
        )
        if not isinstance(result, QueryBoolean):  # pragma: no cover - the form was checked
            raise QueryError("the query did not answer yes or no")
        return bool(result)

    def construct(
        self,
        query: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graph: Sequence[NamedNode] | None = None,
        named_graphs: Sequence[NamedNode] | None = None,
    ) -> QueryTriples:
        """Run a ``CONSTRUCT`` or ``DESCRIBE`` query: its triples (:meth:`query` for the
        arguments).

        Raises :class:`~dckg.errors.QueryError`, before running it, for another form.
        """
        self._check_form(query, ("CONSTRUCT", "DESCRIBE"))
        result = self.query(
            query,
            substitutions=substitutions,
            default_graph=default_graph,
            named_graphs=named_graphs,
        )
        if not isinstance(result, QueryTriples):  # pragma: no cover - the form was checked
            raise QueryError("the query did not answer with triples")
        return result

    @staticmethod
    def _check_form(query: str, forms: tuple[str, ...]) -> None:
        """QueryError unless ``query`` is one of ``forms`` (``SELECT`` …)."""
        found = operation(tokens(query))
        if found not in forms:
            expected = " or ".join(forms)
            raise QueryError(f"expected a query of the form {expected}, got {found or 'none'}")

    @abstractmethod
    def quads(
        self,
        subject: NamedNode | BlankNode | None = None,
        predicate: NamedNode | None = None,
        object: Term | None = None,
        graph: NamedNode | None = None,
    ) -> Iterator[Quad]:
        """The quads matching a pattern (``None`` matches anything)."""

    @abstractmethod
    def graphs(self) -> list[NamedNode]:
        """The named graphs, sorted by IRI."""

    @abstractmethod
    def count(self, graph: NamedNode | None = None) -> int:
        """The number of quads in the store, or in one graph."""

    @abstractmethod
    def dump(
        self, output: BinaryIO, rdf_format: RdfFormat, *, graph: NamedNode | None = None
    ) -> None:
        """Serialise the store (a dataset format) or one graph (any format)."""

    # -- writing -----------------------------------------------------------------

    @abstractmethod
    def update(self, update: str) -> None:
        """Run a SPARQL 1.1 Update."""

    @abstractmethod
    def add_quads(self, quads: Iterable[Quad], *, progress: Progress | None = None) -> int:
        """Add quads all at once: either all are written or none is. Returns the count."""

    @abstractmethod
    def remove_quads(self, quads: Iterable[Quad]) -> int:
        """Remove quads all at once. Returns how many were asked to be removed."""

    @abstractmethod
    def drop_graph(self, graph: NamedNode) -> None:
        """Remove a named graph and all its quads (nothing happens if it is absent)."""

    def replace_graph(
        self,
        graph: NamedNode,
        triples: Iterable[Quad | Triple],
        *,
        progress: Progress | None = None,
    ) -> int:
        """Make ``graph`` hold exactly ``triples``. The default drops then adds."""
        quads = [_in_graph(t, graph) for t in triples]
        self.drop_graph(graph)
        return self.add_quads(quads, progress=progress)

    def load(
        self,
        source: Path | bytes,
        *,
        rdf_format: RdfFormat | None = None,
        graph: NamedNode | None = None,
        source_name: str | None = None,
        progress: Progress | None = None,
    ) -> int:
        """Load an RDF file or bytes into ``graph``, checking the whole input first.

        Triples go to ``graph`` (required for triple formats); quad formats keep their
        own graphs unless ``graph`` is given. Nothing is written if any part fails.
        """
        if isinstance(source, Path):
            name = source_name or str(source)
            rdf_format = rdf_format or rdfio.guess_format(source)
            data = rdfio.read_bytes(source)
        else:
            name = source_name or "<input>"
            if rdf_format is None:
                raise UsageError("the RDF format of in-memory input must be given")
            data = source
        if graph is None and rdf_format not in rdfio.DATASET_FORMATS:
            raise UsageError(f"{name}: a graph IRI is needed to load {rdf_format.name}")
        data = rdfio.checked_input(data, rdf_format, source=name)
        rdfio.check_syntax(data, rdf_format, source=name, checked=True)
        return self._load_checked(data, rdf_format, graph=graph, progress=progress)

    def _load_checked(
        self,
        data: bytes,
        rdf_format: RdfFormat,
        *,
        graph: NamedNode | None,
        progress: Progress | None,
    ) -> int:
        """Write input already known to parse, in ``graph`` when one is given."""
        quads = rdfio.parse_quads(data, rdf_format, checked=True)
        if graph is not None:
            quads = (_in_graph(q, graph) for q in quads)
        return self._write_loaded(quads, progress)

    def _write_loaded(self, quads: Iterator[Quad], progress: Progress | None) -> int:
        """Write the quads of a checked load. Backends override with a faster path."""
        return self.add_quads(quads, progress=progress)

    def truncation(self) -> Truncation | None:
        """What cut the answer to the last query this thread ran, if anything did.

        Only a store that may answer in part (a remote engine with a row cap or an
        "anytime" time limit, when partial answers are allowed) ever returns one.
        """
        return None

    # -- life cycle ----------------------------------------------------------------

    def close(self) -> None:  # noqa: B027 - optional for backends
        """Release the store's resources."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- helpers shared by backends -----------------------------------------------

    @staticmethod
    def default_prefixes() -> dict[str, str]:
        """Prefixes every query may use without declaring them."""
        return dict(PREFIXES)


@dataclass(frozen=True)
class Truncation:
    """A partial answer: ``rows`` received, ``cause`` (``rows`` or ``time``), the reason."""

    rows: int
    cause: str
    reason: str


def _in_graph(statement: Quad | Triple, graph: NamedNode) -> Quad:
    return Quad(statement.subject, statement.predicate, statement.object, graph)


__all__ = ["Progress", "QueryResult", "Store", "Term", "Truncation"]
