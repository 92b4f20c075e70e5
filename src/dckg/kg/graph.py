"""The knowledge graph as researchers use it from Python: open a store, run named queries
and SPARQL, get tables that become pandas DataFrames.

Queries run as everywhere in dckg, through an engine (``Engine.run`` of
:mod:`dckg.sparql.engine`, one per knowledge graph): in threads of this process, so a plain
script needs no ``if __name__ == "__main__":`` guard; abandoned at the time limit, cut at
the row cap. On a remote store the remote engine does the work, bounded by the store's HTTP
time limit.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph
from pyoxigraph import QueryBoolean, QueryResultsFormat

from dckg.config import QueryLimits
from dckg.errors import DckgError, IncompleteResult, QueryError, StoreError, UsageError
from dckg.kg.table import Table
from dckg.kg.terms import param_text, term, variable_name
from dckg.namespaces import PREFIXES
from dckg.queries import Library, NamedQuery, load_library
from dckg.sparql import formats
from dckg.sparql.engine import InlineEngine
from dckg.store import Store, open_store, store_spec
from dckg.store.base import Term, Truncation
from dckg.store.sparqltext import QUERY_FORMS, operation, tokens

if TYPE_CHECKING:  # pragma: no cover
    import rdflib


class IncompleteResultWarning(UserWarning):
    """A result was cut by the row cap or by the store; ``strict=True`` makes it an error."""


class KnowledgeGraph:
    """A dckg store opened for reading. Use :func:`open` to get one."""

    def __init__(
        self,
        store: Store,
        *,
        timeout: float | None = None,
        max_results: int | None = None,
        owned: bool = True,
    ) -> None:
        self.store = store
        self.timeout = _timeout(timeout)
        self.max_results = _max_results(max_results)
        self._owned = owned
        self._closed = False
        self._library: Library | None = None
        self._engine: InlineEngine | None = None

    def __repr__(self) -> str:
        return f"<KnowledgeGraph {self.store!r}>"

    # -- named queries -------------------------------------------------------------------

    def queries(self, tag: str | None = None) -> list[NamedQuery]:
        """The named queries (those of ``dckg queries``), each with its ``name``,
        ``summary``, ``description``, ``tags`` and typed ``params``."""
        return [q for q in self._named().values() if tag is None or tag in q.tags]

    def query(
        self,
        name: str,
        params: Mapping[str, object] | None = None,
        /,
        *,
        timeout: float | None = None,
        max_results: int | None = None,
        strict: bool = False,
        **kwargs: object,
    ) -> Table | rdflib.Graph | bool:
        """Run the named query ``name`` with its parameters (``params`` and/or keywords).

        Values are checked and converted as ``dckg query -p NAME=VALUE`` does (a country
        as ``FR``, ``FRA`` or ``country/FRA``); Python numbers, dates, booleans and
        ``NamedNode`` are accepted too. ``None`` leaves a parameter unset.
        """
        named = self._named()[name]
        values = {**(params or {}), **kwargs}
        raw = {key: param_text(key, value) for key, value in values.items()}
        substitutions = named.bind(raw)
        return self._run(named.text, substitutions, timeout, max_results, strict)

    # -- SPARQL --------------------------------------------------------------------------

    def sparql(
        self,
        query: str,
        bindings: Mapping[str, object] | None = None,
        /,
        *,
        timeout: float | None = None,
        max_results: int | None = None,
        strict: bool = False,
        **kwargs: object,
    ) -> Table | rdflib.Graph | bool:
        """Run a SPARQL 1.1 query over the union of all graphs (or its ``FROM`` graphs).

        ``bindings`` (a mapping and/or keywords) bind variables to values before the query
        runs: each becomes an RDF term (see :func:`dckg.kg.terms.term`), never query text.
        The usual prefixes (dckg, rdf, rdfs, xsd, skos, dct, …) need not be declared.
        Returns a :class:`Table` for ``SELECT``, an rdflib ``Graph`` for ``CONSTRUCT`` and
        ``DESCRIBE``, a ``bool`` for ``ASK``.
        """
        values = {**(bindings or {}), **kwargs}
        substitutions = {variable_name(k): term(k, v) for k, v in values.items()}
        return self._run(query, substitutions, timeout, max_results, strict)

    # -- life cycle ----------------------------------------------------------------------

    def close(self) -> None:
        """Release the store (a store passed to :func:`open` as an object stays open)."""
        if not self._closed:
            self._closed = True
            if self._owned:
                self.store.close()

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- running -------------------------------------------------------------------------

    def _named(self) -> Library:
        if self._library is None:
            self._library = load_library()
        return self._library

    def _run(
        self,
        text: str,
        substitutions: Mapping[str, Term],
        timeout: float | None,
        max_results: int | None,
        strict: bool,
    ) -> Table | rdflib.Graph | bool:
        if self._closed:
            raise StoreError("this knowledge graph is closed")
        if not isinstance(text, str):
            raise UsageError(f"a query is text, not a {type(text).__name__}")
        form = operation(tokens(text))
        if form and form not in QUERY_FORMS:
            raise QueryError(
                f"only queries run here, not a SPARQL Update ({form}): the store is opened "
                "for reading (write with 'dckg load' or 'dckg contribute')"
            )
        seconds = self.timeout if timeout is None else _timeout(timeout)
        cap = self.max_results if max_results is None else _max_results(max_results)
        graph = form in ("CONSTRUCT", "DESCRIBE")
        if self._engine is None:
            # Queries run in threads of this process (no worker processes to start, so a
            # plain script needs no __main__ guard); on a remote store the remote engine
            # does the work, and only this process's own SERVICE rules stay unchecked.
            self._engine = InlineEngine(
                self.store,
                check_services=self.store.kind != "remote",
                service_allowlist=QueryLimits.from_env().service_allowlist,
            )
        started = self._engine.run(
            text,
            accept=(formats.JSON.media_type, formats.NTRIPLES.media_type),
            fmt="nt" if graph else "json",
            substitutions=substitutions,
            max_results=cap,
            timeout=seconds,
        )
        try:
            body = started.first + b"".join(started.chunks())
        finally:
            started.close()
        answer = _answer(body, graph, started.truncated)
        if started.truncated and not isinstance(answer, bool):
            self._incomplete(answer, cap, started.partial, strict)
        return answer

    def _incomplete(
        self, answer: Table | rdflib.Graph, cap: int, partial: Truncation | None, strict: bool
    ) -> None:
        size = len(answer)
        unit = "rows" if isinstance(answer, Table) else "triples"
        if partial is not None:
            message = f"the store sent part of the answer ({partial.rows:,} rows): {partial.reason}"
        else:
            message = (
                f"only the first {size:,} {unit} are returned, more exist (max_results={cap}); "
                "pass max_results=0 for all, or page with LIMIT/OFFSET"
            )
        if strict:
            raise IncompleteResult(f"the result is incomplete: {message}")
        warnings.warn(f"incomplete result: {message}", IncompleteResultWarning, stacklevel=4)


def _answer(body: bytes, graph: bool, truncated: bool) -> Table | rdflib.Graph | bool:
    """The answer of a query, from its SPARQL JSON or N-Triples."""
    if graph:
        return _rdflib_graph(body)
    try:
        result = pyoxigraph.parse_query_results(body, QueryResultsFormat.JSON)
    except SyntaxError:  # a graph query the form was not recognised in: JSON-LD
        return _rdflib_graph(body, "json-ld")
    if isinstance(result, QueryBoolean):
        return bool(result)
    variables = [v.value for v in result.variables]
    rows = [tuple(solution[v] for v in variables) for solution in result]
    return Table(variables, rows, truncated=truncated)


def open(
    store: str | os.PathLike[str] | Store | None = None,
    *,
    timeout: float | None = None,
    max_results: int | None = None,
) -> KnowledgeGraph:
    """Open a dckg store for reading.

    ``store`` is what ``--store`` / ``DCKG_STORE`` take: a directory holding a store made
    by ``dckg init`` (opened read-only, so it works beside a running ``dckg serve``),
    ``"memory"`` (an empty store in memory), or the URL of a SPARQL endpoint (configured by
    the same ``DCKG_*`` variables as the command line). Without it: ``DCKG_STORE``, else
    the default store in the user data directory. A :class:`~dckg.store.Store` object is
    used as it is (and left open by :meth:`KnowledgeGraph.close`).

    ``timeout`` (seconds a query may run) and ``max_results`` (rows at most, 0 for all)
    default to ``DCKG_QUERY_TIMEOUT`` and ``DCKG_MAX_RESULTS``, else 30 s and 100,000, as
    on the command line; each query may override them.
    """
    if isinstance(store, Store):
        return KnowledgeGraph(store, timeout=timeout, max_results=max_results, owned=False)
    if store is not None and not isinstance(store, str | os.PathLike):
        raise UsageError(f"a store is a path, 'memory' or a URL, not a {type(store).__name__}")
    spec = store_spec(os.fspath(store) if store is not None else None)
    if spec.startswith(("http://", "https://")):
        from dckg.store.remote import RemoteStore

        remote = (
            RemoteStore.from_settings(spec)
            if timeout is None
            else RemoteStore.from_settings(spec, timeout=_timeout(timeout))
        )
        try:
            remote.ping()
        except DckgError:
            remote.close()
            raise
        return KnowledgeGraph(remote, timeout=timeout, max_results=max_results)
    if spec != "memory" and "://" not in spec:
        path = Path(spec).expanduser()
        if not (path / "CURRENT").is_file():
            raise StoreError(
                f"no dckg store at {path}: create one with 'dckg --store {path} init', "
                "or name another with dckg.open(PATH) or DCKG_STORE"
            )
    opened = open_store(spec, read_only=True)
    return KnowledgeGraph(opened, timeout=timeout, max_results=max_results)


def _timeout(value: float | None) -> float:
    return QueryLimits.timeout(value)


def _max_results(value: int | None) -> int:
    return QueryLimits.row_cap(value)


def _rdflib_graph(body: bytes, rdf_format: str = "nt") -> rdflib.Graph:
    import rdflib

    graph = rdflib.Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    if body.strip():
        graph.parse(data=body, format=rdf_format)
    return graph
