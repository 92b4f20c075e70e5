"""The knowledge graph as researchers use it from Python: open a store, run named queries
and SPARQL, get tables that become pandas DataFrames.

Queries on an embedded store run in this process (:mod:`dckg.kg.inprocess`, one engine per
knowledge graph), so a plain script needs no ``if __name__ == "__main__":`` guard: abandoned
at the time limit, cut at the row cap. On a remote store the remote engine does the work,
bounded by the store's HTTP time limit.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Mapping
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph
from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat

from dckg.errors import DckgError, IncompleteResult, QueryError, StoreError, UsageError
from dckg.kg.inprocess import InProcessEngine
from dckg.kg.table import Table
from dckg.kg.terms import param_text, term, variable_name
from dckg.namespaces import PREFIXES
from dckg.queries import Library, NamedQuery, load_library
from dckg.store import EmbeddedStore, Store, open_store, store_spec
from dckg.store.base import Term
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
        self._engine: InProcessEngine | None = None

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
        if isinstance(self.store, EmbeddedStore):
            answer, truncated = self._run_embedded(text, substitutions, graph, cap, seconds)
        else:
            answer, truncated = self._run_remote(text, substitutions, cap, timeout)
        if truncated:
            self._incomplete(answer, cap, strict)
        return answer

    def _run_embedded(
        self,
        text: str,
        substitutions: Mapping[str, Term],
        graph: bool,
        cap: int,
        seconds: float,
    ) -> tuple[Table | rdflib.Graph | bool, bool]:
        from dckg.sparql import formats
        from dckg.sparql.settings import Settings
        from dckg.sparql.worker import Job

        # The SERVICE allowlist is the server's setting (DCKG_SERVICE_ALLOWLIST).
        settings = Settings.from_env(store="memory", query_workers=1, query_timeout=seconds)
        job = Job(
            query=text,
            substitutions=dict(substitutions) if substitutions else None,
            accept=(formats.JSON.media_type, formats.NTRIPLES.media_type),
            format_name="nt" if graph else "json",
            max_results=cap if cap > 0 else sys.maxsize,
            check_services=True,
            service_allowlist=settings.service_allowlist,
        )
        if self._engine is None:
            self._engine = InProcessEngine(self.store)
        started = self._engine.start(job, seconds)
        try:
            body = started.first + b"".join(started.chunks())
        finally:
            started.close()
        truncated = started.truncated
        if graph:
            return _rdflib_graph(body), truncated
        try:
            result = pyoxigraph.parse_query_results(body, QueryResultsFormat.JSON)
        except SyntaxError:  # a graph query the form was not recognised in: JSON-LD
            return _rdflib_graph(body, "json-ld"), truncated
        if isinstance(result, QueryBoolean):
            return bool(result), False
        variables = [v.value for v in result.variables]
        rows = [tuple(solution[v] for v in variables) for solution in result]
        return Table(variables, rows, truncated=truncated), truncated

    def _run_remote(
        self, text: str, substitutions: Mapping[str, Term], cap: int, seconds: float | None
    ) -> tuple[Table | rdflib.Graph | bool, bool]:
        """The remote engine runs the query, bounded by the store's time limit
        (``DCKG_STORE_TIMEOUT``, or ``timeout`` given to :func:`open` or to this query)."""
        store = self.store
        before = getattr(store, "timeout", None) if seconds is not None else None
        if before is not None:
            store.timeout = _timeout(seconds)  # type: ignore[attr-defined]
        try:
            result = store.query(text, substitutions=substitutions or None)
            if isinstance(result, QueryBoolean):
                return bool(result), False
            limit = cap + 1 if cap > 0 else None
            items = list(islice(result, limit))
        finally:
            if before is not None:
                store.timeout = before  # type: ignore[attr-defined]
        truncated = cap > 0 and len(items) > cap
        items = items[:cap] if truncated else items
        truncated = truncated or store.truncation() is not None
        if isinstance(result, QuerySolutions):
            variables = [v.value for v in result.variables]
            rows = [tuple(solution[v] for v in variables) for solution in items]
            return Table(variables, rows, truncated=truncated), truncated
        body = pyoxigraph.serialize(items, format=RdfFormat.N_TRIPLES) or b""
        return _rdflib_graph(body), truncated

    def _incomplete(self, answer: object, cap: int, strict: bool) -> None:
        size = len(answer)  # type: ignore[arg-type]
        unit = "rows" if isinstance(answer, Table) else "triples"
        cut = self.store.truncation()
        if cut is not None:
            message = f"the store sent part of the answer ({cut.rows:,} rows): {cut.reason}"
        else:
            message = (
                f"only the first {size:,} {unit} are returned, more exist (max_results={cap}); "
                "pass max_results=0 for all, or page with LIMIT/OFFSET"
            )
        if strict:
            raise IncompleteResult(f"the result is incomplete: {message}")
        warnings.warn(f"incomplete result: {message}", IncompleteResultWarning, stacklevel=4)


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

        overrides = {"timeout": _timeout(timeout)} if timeout is not None else {}
        remote = RemoteStore.from_settings(spec, **overrides)
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
    from dckg.cli.limits import timeout

    if value is not None and (not isinstance(value, int | float) or value <= 0):
        raise UsageError(f"timeout must be a positive number of seconds, not {value!r}")
    return float(timeout(value))


def _max_results(value: int | None) -> int:
    from dckg.cli.limits import max_results

    if value is not None and (not isinstance(value, int) or value < 0):
        raise UsageError(f"max_results must be 0 (everything) or a positive int, not {value!r}")
    return int(max_results(value))


def _rdflib_graph(body: bytes, rdf_format: str = "nt") -> rdflib.Graph:
    import rdflib

    graph = rdflib.Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    if body.strip():
        graph.parse(data=body, format=rdf_format)
    return graph
