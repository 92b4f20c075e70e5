"""The remote backend: any SPARQL 1.1 Protocol + Update endpoint.

Oxigraph server, Apache Jena Fuseki, Virtuoso, GraphDB, QLever or Amazon Neptune hold the
graph; dckg talks to them over HTTP and hands its callers the same pyoxigraph objects as the
embedded store.

=====================  ==========================================================
queries, updates       SPARQL 1.1 Protocol, form-encoded ``POST``
graph loads, dumps     Graph Store Protocol (when ``DCKG_GSP_URL`` is set)
                       else ``INSERT DATA`` / ``CONSTRUCT`` through the endpoints
=====================  ==========================================================

Every request goes through one httpx client per store (one connection pool, one place
where HTTP failures become the errors below).

Writes are atomic from the user's point of view. A write small enough for one request is one
request. A larger one is staged batch by batch into temporary named graphs
(``urn:dckg:staging:…``), each upload idempotent (a Graph Store ``PUT``, or ``DROP`` +
``INSERT DATA`` in one request) and therefore retried when the connection fails; one final
update then adds the staged graphs to their targets and drops them. If anything fails before
that, the staging graphs are dropped and the targets are untouched; if the server is gone
and cannot drop them, :meth:`RemoteStore.recover` (``dckg recover``) does it later.

Errors (:mod:`dckg.errors`) name the endpoint and the HTTP status:

* a query the server rejects (HTTP 400) → :class:`~dckg.errors.QueryError`;
* a query past its deadline, ours or the server's (Virtuoso ``S1T00``, Fuseki's 503
  "Query timed out", QLever's 429, GraphDB's timeout error) → :class:`~dckg.errors.QueryTimeout`;
* a partial answer sent as if it were whole (Virtuoso's ``X-SPARQL-MaxRows`` row cap, its
  "anytime" answers flagged ``X-SQL-State: S1TAT``, any ``206 Partial Content``) →
  :class:`~dckg.errors.IncompleteResult`, unless partial answers are allowed
  (``allow_partial``, ``DCKG_STORE_ALLOW_PARTIAL=1``): then the answer is returned and
  :meth:`RemoteStore.truncation` says what cut it;
* anything else (connection refused, server gone, HTTP 401/404/5xx) → :class:`StoreError`.

Only what is safe is retried: a refused connection (nothing was sent), and idempotent
requests (queries, staging uploads, ``DROP``, ``DELETE DATA``, ``INSERT DATA`` without blank
nodes) after a dropped connection or an HTTP 502/503/504.
"""

from __future__ import annotations

import io
import re
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from typing import BinaryIO, NoReturn, TypedDict, TypeVar, Unpack

import httpx
import pyoxigraph
from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Triple,
)

from dckg.config import RemoteStoreSettings
from dckg.errors import IncompleteResult, QueryError, QueryTimeout, StoreError, UsageError
from dckg.namespaces import BASE_IRI
from dckg.rdfio import DATASET_FORMATS
from dckg.store.base import Progress, QueryResult, Store, Term, Truncation
from dckg.store.sparqltext import QUERY_FORMS, dataset, operation, prepare, tokens
from dckg.store.staging import (
    STAGING,
    StagedLoad,
    has_blank_node,
    recover,
    target_of,
    triples_block,
)

#: Quads per staging upload through the Graph Store Protocol, and per ``INSERT DATA``.
GSP_BATCH = 50_000
INSERT_BATCH = 5_000

_RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.8"
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.8, application/rdf+xml;q=0.5"
_NT = "application/n-triples"

T = TypeVar("T")

#: How engines word a query stopped at their time limit, in an error answer: Virtuoso
#: ("S1T00 Error SR171: Transaction timed out"), Fuseki ("Query timed out"), QLever
#: ("... timed out", HTTP 429), GraphDB ("Query evaluation took too long", "timeout").
_TIMEOUT_WORDS = re.compile(r"S1T00|timed out|time ?out|took too long|time limit", re.I)
#: Statuses under which engines report their own time limit.
_TIMEOUT_STATUSES = (429, 500, 503, 504)


class RemoteOptions(TypedDict, total=False):
    """The keyword arguments of :class:`RemoteStore`, for :meth:`RemoteStore.from_settings`."""

    update_url: str | None
    gsp_url: str | None
    user: str | None
    password: str | None
    auth: str
    timeout: float
    load_timeout: float
    retries: int
    backoff: float
    batch: int | None
    check_union: bool
    allow_partial: bool


@dataclass
class _Answer:
    body: bytes
    media: str
    status: int
    headers: Mapping[str, str]


@dataclass
class _Failure(Exception):
    """A request that failed: how (for the retry policy), the HTTP status, the server's words.

    ``kind`` is ``refused`` (nothing was sent), ``dropped`` (the connection broke or the
    server answered 502/503/504), ``timeout``, ``rejected`` (HTTP 400) or ``fatal``.
    """

    kind: str
    status: int | None
    message: str

    def __str__(self) -> str:
        status = f"HTTP {self.status}: " if self.status else ""
        return f"{status}{self.message}"


class RemoteStore(Store):
    """A SPARQL 1.1 endpoint, seen through the store interface.

    ``query_url`` is the query endpoint; ``update_url`` defaults to it; ``gsp_url`` is the
    Graph Store Protocol endpoint, used for loads and dumps when given. The endpoint must
    answer queries over the union of its named graphs (see ``docs/remote.md``).
    """

    kind = "remote"

    def __init__(
        self,
        query_url: str,
        *,
        update_url: str | None = None,
        gsp_url: str | None = None,
        user: str | None = None,
        password: str | None = None,
        auth: str = "basic",
        timeout: float = 30.0,
        load_timeout: float = 300.0,
        retries: int = 2,
        backoff: float = 0.25,
        batch: int | None = None,
        check_union: bool = True,
        allow_partial: bool = False,
    ) -> None:
        for name, url in (("query", query_url), ("update", update_url), ("GSP", gsp_url)):
            if url is not None and not url.startswith(("http://", "https://")):
                raise UsageError(f"the SPARQL {name} endpoint must be an http(s) URL: {url!r}")
        if auth not in ("basic", "digest"):
            raise UsageError(f"unknown HTTP authentication {auth!r}: use basic or digest")
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.gsp_url = gsp_url
        self.timeout = timeout
        self.load_timeout = load_timeout
        self.retries = retries
        self.backoff = backoff
        self.batch = batch or (GSP_BATCH if gsp_url else INSERT_BATCH)
        self.check_union = check_union
        self.allow_partial = allow_partial
        self._local = threading.local()
        self._union_checked = False
        #: The ``Server`` header last seen: Oxigraph accepts faster, non-transactional
        #: uploads, which are safe for staging graphs (they are committed in one update).
        self._server = ""
        http_auth: httpx.Auth | None = None
        if user and password:
            digest = auth == "digest"
            http_auth = (
                httpx.DigestAuth(user, password) if digest else httpx.BasicAuth(user, password)
            )
        #: Every request of this store; each sets its own time limit.
        self._http = httpx.Client(auth=http_auth)
        # A store dropped without close() still closes its kept-alive connections.
        self._closer = weakref.finalize(self, self._http.close)

    @classmethod
    def from_settings(
        cls,
        query_url: str,
        env: Mapping[str, str] | None = None,
        **overrides: Unpack[RemoteOptions],
    ) -> RemoteStore:
        """A store for ``query_url`` configured from ``DCKG_*`` variables.

        ``DCKG_UPDATE_URL``, ``DCKG_GSP_URL``, ``DCKG_STORE_USER``, ``DCKG_STORE_PASSWORD``,
        ``DCKG_STORE_AUTH`` (basic|digest), ``DCKG_STORE_TIMEOUT`` (seconds per query),
        ``DCKG_STORE_LOAD_TIMEOUT`` (seconds per upload), ``DCKG_STORE_RETRIES``,
        ``DCKG_STORE_ALLOW_PARTIAL`` (1: return a partial answer flagged, not an error).

        >>> RemoteStore.from_settings("http://127.0.0.1:7878/query",
        ...                           {"DCKG_UPDATE_URL": "http://127.0.0.1:7878/update"})
        <RemoteStore http://127.0.0.1:7878/query>
        """
        settings = RemoteStoreSettings.from_env(env)
        options: RemoteOptions = {
            "update_url": settings.update_url,
            "gsp_url": settings.gsp_url,
            "user": settings.user,
            "password": settings.password,
            "auth": settings.auth,
            "timeout": settings.timeout,
            "load_timeout": settings.load_timeout,
            "retries": settings.retries,
            "allow_partial": settings.allow_partial,
        }
        options.update(overrides)
        return cls(query_url, **options)

    def __repr__(self) -> str:
        return f"<RemoteStore {self.query_url}>"

    # -- reading -----------------------------------------------------------------

    def query(
        self,
        query: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graph: Sequence[NamedNode] | None = None,
        named_graphs: Sequence[NamedNode] | None = None,
    ) -> QueryResult:
        self._local.truncation = None
        toks = tokens(query)
        form = operation(toks)
        if form not in QUERY_FORMS:
            raise QueryError("malformed query: expected SELECT, CONSTRUCT, ASK or DESCRIBE")
        text = prepare(query, substitutions, self.default_prefixes())
        graphs = (list(default_graph or ()), list(named_graphs or ()))
        if default_graph is None and named_graphs is None:
            # A dataset the query names (FROM / FROM NAMED) is sent as the protocol's
            # parameters too: an endpoint whose default graph is the union ignores it.
            own = dataset(query, self.default_prefixes(), BASE_IRI, toks)
            if own is None:
                self._ensure_union()
            else:
                graphs = (own.default, own.named)
        elif default_graph is None:
            self._ensure_union()
        partial = self.allow_partial
        if form in ("SELECT", "ASK"):
            body, media = self._run_query(text, _RESULTS_ACCEPT, graphs, partial=partial)
            return _parse_results(body, media, self.query_url)
        body, media = self._run_query(text, _GRAPH_ACCEPT, graphs, partial=partial)
        return _as_query_triples(body, media, self.query_url)

    def ask(
        self,
        query: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graph: Sequence[NamedNode] | None = None,
        named_graphs: Sequence[NamedNode] | None = None,
    ) -> bool:
        """Run an ASK query. Some engines (Virtuoso) answer it as a one-row table."""
        self._check_form(query, ("ASK",))
        result = self.query(
            query,
            substitutions=substitutions,
            default_graph=default_graph,
            named_graphs=named_graphs,
        )
        return _boolean(result, self.query_url)

    def truncation(self) -> Truncation | None:
        found: Truncation | None = getattr(self._local, "truncation", None)
        return found

    def quads(
        self,
        subject: NamedNode | BlankNode | None = None,
        predicate: NamedNode | None = None,
        object: Term | None = None,
        graph: NamedNode | None = None,
    ) -> Iterator[Quad]:
        bound = {
            name: term
            for name, term in (("s", subject), ("p", predicate), ("o", object), ("g", graph))
            if term is not None
        }
        rows = self.select_as_written("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", bound)
        return (Quad(row["s"], row["p"], row["o"], row["g"]) for row in rows)

    def graphs(self) -> list[NamedNode]:
        rows = self.select_as_written("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        found = [row["g"] for row in rows if isinstance(row["g"], NamedNode)]
        return sorted(found, key=lambda g: g.value)

    def count(self, graph: NamedNode | None = None) -> int:
        bound = {"g": graph} if graph is not None else {}
        rows = list(
            self.select_as_written("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", bound)
        )
        return int(rows[0]["n"].value) if rows else 0

    def dump(
        self, output: BinaryIO, rdf_format: RdfFormat, *, graph: NamedNode | None = None
    ) -> None:
        if graph is None and rdf_format not in DATASET_FORMATS:
            raise StoreError(f"{rdf_format.name} holds one graph: name the graph to export")
        prefixes = (
            self.default_prefixes() if rdf_format in (RdfFormat.TURTLE, RdfFormat.TRIG) else None
        )
        statements: Iterable[Quad] | Iterable[Triple]
        if graph is None or rdf_format in DATASET_FORMATS:
            targets = [graph] if graph is not None else self.graphs()
            statements = (
                Quad(t.subject, t.predicate, t.object, g)
                for g in targets
                for t in self._graph_triples(g)
            )
        else:
            statements = self._graph_triples(graph)
        try:
            pyoxigraph.serialize(statements, output, rdf_format, prefixes=prefixes)
        except OSError as error:
            raise StoreError(f"cannot write the export: {error}") from None

    # -- writing -----------------------------------------------------------------

    def update(self, update: str) -> None:
        toks = tokens(update)
        if operation(toks) in QUERY_FORMS:
            raise QueryError("malformed update: a query was given, not an update")
        text = prepare(update, None, self.default_prefixes())
        self.update_as_written(text, idempotent=False)

    def add_quads(self, quads: Iterable[Quad], *, progress: Progress | None = None) -> int:
        return self._write(iter(quads), replace=(), progress=progress)

    def replace_graph(
        self,
        graph: NamedNode,
        triples: Iterable[Quad | Triple],
        *,
        progress: Progress | None = None,
    ) -> int:
        quads = (Quad(t.subject, t.predicate, t.object, graph) for t in triples)
        return self._write(quads, replace=(graph,), progress=progress)

    def remove_quads(self, quads: Iterable[Quad]) -> int:
        batch = list(quads)
        if not batch:
            return 0
        if any(has_blank_node(q) for q in batch):
            raise StoreError(
                f"{self.update_url}: a quad with a blank node cannot be removed through "
                "SPARQL (DELETE DATA does not accept blank nodes); drop its graph instead"
            )
        operations = [
            f"DELETE DATA {{ {_data_block(chunk)} }}"
            for chunk in _chunks(iter(batch), INSERT_BATCH)
        ]
        self.update_as_written(" ;\n".join(operations), idempotent=True)
        return len(batch)

    def drop_graph(self, graph: NamedNode) -> None:
        self.update_as_written(f"DROP SILENT GRAPH {graph}", idempotent=True)

    # -- what staged loads use (see dckg.store.staging) -----------------------------

    def select_as_written(
        self, text: str, bindings: Mapping[str, Term] | None = None
    ) -> QuerySolutions:
        """A SELECT over explicit ``GRAPH`` patterns, sent as written: ``bindings`` joined
        in, no default prefixes, no check of the union default graph."""
        body, media = self._run_query(prepare(text, bindings, {}, strict=False), _RESULTS_ACCEPT)
        result = _parse_results(body, media, self.query_url)
        if not isinstance(result, QuerySolutions):
            raise StoreError(f"{self.query_url}: a yes/no answer to a SELECT query")
        return result

    def update_as_written(self, text: str, *, idempotent: bool) -> None:
        """Send an update as written (no default prefixes); ``idempotent`` allows a retry
        after a dropped connection (see the module docs)."""
        try:
            self._retrying(
                lambda: self._post(self.update_url, {"update": text}, "*/*", self.load_timeout),
                idempotent=idempotent,
            )
        except _Failure as failure:
            self._raise(failure, self.update_url, query=False)

    def graph_exists(self, graph: NamedNode) -> bool:
        """Whether ``graph`` holds any triple."""
        text = prepare("ASK { GRAPH ?g { ?s ?p ?o } }", {"g": graph}, {}, strict=False)
        body, media = self._run_query(text, _RESULTS_ACCEPT)
        return _boolean(_parse_results(body, media, self.query_url), self.query_url)

    def put_graph(self, graph: NamedNode, triples: list[Triple], *, bulk: bool = True) -> None:
        """Make ``graph`` hold exactly ``triples``, idempotently (so retried when safe).

        ``bulk`` allows Oxigraph's non-transactional upload (for a staging graph)."""
        if self.gsp_url:
            body = _ntriples(triples)
            self._gsp_write("PUT", graph, body, bulk=bulk, idempotent=True)
            return
        block = triples_block(triples)
        insert = _insert(f"GRAPH {graph} {{ {block} }}", triples)
        self.update_as_written(f"DROP SILENT GRAPH {graph} ;\n{insert}", idempotent=True)

    def add_to_graph(self, graph: NamedNode, triples: list[Triple], *, idempotent: bool) -> None:
        """Add ``triples`` to a graph that a load created (Graph Store ``POST`` when there)."""
        if self.gsp_url:
            body = _ntriples(triples)
            self._gsp_write("POST", graph, body, bulk=True, idempotent=idempotent)
            return
        text = _insert(f"GRAPH {graph} {{ {triples_block(triples)} }}", triples)
        self.update_as_written(text, idempotent=idempotent)

    # -- recovery ------------------------------------------------------------------

    def staging_graphs(self) -> list[NamedNode]:
        """Graphs of loads in progress, or left by an interrupted one."""
        return [g for g in self.graphs() if g.value.startswith(STAGING)]

    def recover(self) -> list[str]:
        """Finish the committed loads an interruption left, undo the others.

        Returns one line per load. Run it only when no load is in progress.
        """
        return recover(self)

    def ping(self) -> None:
        """Check that the query endpoint answers; StoreError naming it otherwise."""
        body, media = self._run_query("ASK {}", _RESULTS_ACCEPT)
        _parse_results(body, media, self.query_url)

    # -- life cycle ----------------------------------------------------------------

    def close(self) -> None:
        self._closer()

    # -- requests ------------------------------------------------------------------

    def _retrying(self, call: Callable[[], T], *, idempotent: bool) -> T:
        """Run ``call``, again after a failure where that is safe (see the module docs)."""
        for attempt in range(self.retries + 1):
            try:
                return call()
            except _Failure as failure:
                safe = failure.kind == "refused" or (idempotent and failure.kind == "dropped")
                if not safe or attempt == self.retries:
                    raise
                time.sleep(self.backoff * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def _post(
        self, url: str, form: Mapping[str, str | list[str]], accept: str, timeout: float
    ) -> _Answer:
        """A SPARQL 1.1 Protocol request: a form-encoded ``POST``."""
        return self._send("POST", url, timeout, data=form, headers={"Accept": accept})

    def _send(
        self,
        method: str,
        url: str,
        timeout: float,
        *,
        headers: Mapping[str, str],
        data: Mapping[str, str | list[str]] | None = None,
        params: Mapping[str, str] | None = None,
        content: bytes | None = None,
    ) -> _Answer:
        """One HTTP request; a :class:`_Failure` saying how it failed, else the answer."""
        try:
            response = self._http.request(
                method,
                url,
                data=data,
                params=params,
                content=content,
                headers=headers,
                timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            )
        except (httpx.ConnectError, httpx.ConnectTimeout) as error:
            raise _Failure("refused", None, f"cannot connect ({_reason(error)})") from None
        except httpx.TimeoutException:
            raise _Failure("timeout", None, "no answer in time") from None
        except httpx.TransportError as error:
            raise _Failure("dropped", None, f"the connection broke ({_reason(error)})") from None
        self._server = response.headers.get("Server", self._server)
        if response.status_code >= 400:
            raise _failure(response.status_code, response.content)
        return _Answer(
            response.content,
            response.headers.get("Content-Type", ""),
            response.status_code,
            {k.lower(): v for k, v in response.headers.items()},
        )

    def _run_query(
        self,
        text: str,
        accept: str,
        graphs: tuple[list[NamedNode], list[NamedNode]] = ([], []),
        *,
        partial: bool = False,
    ) -> tuple[bytes, str]:
        """The body and content type of a query's answer, known to be whole unless
        ``partial`` allows a flagged partial one (see :meth:`truncation`)."""
        form: dict[str, str | list[str]] = {"query": text}
        if graphs[0]:
            form["default-graph-uri"] = [g.value for g in graphs[0]]
        if graphs[1]:
            form["named-graph-uri"] = [g.value for g in graphs[1]]
        try:
            answer = self._retrying(
                lambda: self._post(self.query_url, form, accept, self.timeout), idempotent=True
            )
        except _Failure as failure:
            self._raise(failure, self.query_url, query=True)
        cut = _truncation(answer, self.query_url)
        if cut is not None:
            if not partial:
                raise IncompleteResult(
                    f"{self.query_url}: the server sent part of the answer ({cut.rows} rows) "
                    f"as if it were whole: {cut.reason}. Ask for less (LIMIT/OFFSET under "
                    "the cap, a more selective query), raise the server's limit, or allow "
                    "partial answers (DCKG_STORE_ALLOW_PARTIAL=1)",
                    cause=cut.cause,
                )
            self._local.truncation = cut
        return answer.body, answer.media

    def _raise(self, failure: _Failure, url: str, *, query: bool) -> NoReturn:
        what = "query" if query else "update"
        if failure.kind == "rejected":
            raise QueryError(f"{url}: the server rejected the {what}: {failure.message}")
        if failure.kind == "timeout" and query and failure.status is not None:
            raise QueryTimeout(
                f"{url}: the server stopped the query at its own time limit ({failure})"
            )
        if failure.kind == "timeout" and query:
            raise QueryTimeout(f"{url}: the query did not finish within {self.timeout:g} s")
        if failure.kind == "timeout":
            raise StoreError(f"{url}: no answer within {self.load_timeout:g} s")
        if failure.kind == "refused":
            raise StoreError(f"{url}: {failure.message}: is the SPARQL server running?")
        raise StoreError(f"{url}: {failure}")

    def _ensure_union(self) -> None:
        """Refuse an endpoint whose default graph is not the union of its named graphs."""
        if self._union_checked or not self.check_union:
            return
        probe = list(
            self.select_as_written(
                "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } "
                "FILTER(isIRI(?s) && (isIRI(?o) || isLiteral(?o))) } LIMIT 1"
            )
        )
        if not probe:
            return  # nothing to tell yet: ask again next time
        row = probe[0]
        seen = self.select_as_written(
            "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 1",
            {"s": row["s"], "p": row["p"], "o": row["o"]},
        )
        if not list(seen):
            raise StoreError(
                f"{self.query_url}: the endpoint's default graph is not the union of its "
                "named graphs, so queries would see nothing; configure it (Oxigraph: "
                "--union-default-graph; Fuseki: tdb2:unionDefaultGraph true; see docs/remote.md)"
            )
        self._union_checked = True

    def _gsp(
        self, method: str, graph: NamedNode, *, body: bytes | None = None, staging: bool = False
    ) -> bytes:
        """One Graph Store Protocol request on ``graph``; the response body."""
        assert self.gsp_url is not None
        headers = {"Accept": _NT}
        params = {"graph": graph.value}
        if body is not None:
            headers["Content-Type"] = _NT
        if staging and self._server.lower().startswith("oxigraph"):
            params["no_transaction"] = ""  # Oxigraph's bulk path
        try:
            answer = self._send(
                method,
                self.gsp_url,
                self.load_timeout,
                headers=headers,
                params=params,
                content=body,
            )
        except _Failure as failure:
            if failure.kind == "rejected":  # a Graph Store request holds no query to blame
                raise _Failure("fatal", failure.status, failure.message) from None
            raise
        return answer.body

    def _gsp_write(
        self, method: str, graph: NamedNode, body: bytes, *, bulk: bool, idempotent: bool
    ) -> None:
        assert self.gsp_url is not None
        try:
            self._retrying(
                lambda: self._gsp(method, graph, body=body, staging=bulk), idempotent=idempotent
            )
        except _Failure as failure:
            self._raise(failure, self.gsp_url, query=False)

    def _graph_triples(self, graph: NamedNode) -> Iterator[Triple]:
        """The triples of one graph, blank nodes made fresh for this response."""
        if self.gsp_url:
            try:
                body = self._retrying(lambda: self._gsp("GET", graph), idempotent=True)
            except _Failure as failure:
                if failure.status == 404:
                    return iter(())
                self._raise(failure, self.gsp_url, query=False)
            media = _NT
        else:
            text = prepare(
                "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
                {"g": graph},
                {},
                strict=False,
            )
            body, media = self._run_query(text, _GRAPH_ACCEPT)
        return _fresh_blank_nodes(_parse_graph(body, media, self.gsp_url or self.query_url))

    # -- writes ------------------------------------------------------------------------

    def _write(
        self, quads: Iterator[Quad], *, replace: Sequence[NamedNode], progress: Progress | None
    ) -> int:
        first = list(islice(quads, self.batch))
        more = list(islice(quads, 1))
        if not more:
            self._write_at_once(first, replace)
            if progress and first:
                progress(len(first))
            return len(first)
        batches = chain([first], _chunks(chain(more, quads), self.batch))
        return StagedLoad(self, replace).run(batches, progress)

    def _write_at_once(self, quads: list[Quad], replace: Sequence[NamedNode]) -> None:
        """One request: atomic on the server."""
        if self.gsp_url and len(replace) == 1 and all(q.graph_name == replace[0] for q in quads):
            self.put_graph(replace[0], [q.triple for q in quads], bulk=False)
            return
        operations = [f"DROP SILENT GRAPH {g}" for g in replace]
        if quads:
            operations.append(_insert(_data_block(quads), quads))
        if not operations:
            return
        # Re-running DROP + INSERT, or an INSERT without blank nodes, changes nothing.
        idempotent = bool(replace) or not any(has_blank_node(q) for q in quads)
        self.update_as_written(" ;\n".join(operations), idempotent=idempotent)


# -- helpers -------------------------------------------------------------------------


def _ntriples(triples: Iterable[Triple]) -> bytes:
    """N-Triples for a Graph Store upload."""
    out = io.BytesIO()
    pyoxigraph.serialize(triples, out, RdfFormat.N_TRIPLES)
    return out.getvalue()


def _chunks(items: Iterator[T], size: int) -> Iterator[list[T]]:
    while chunk := list(islice(items, size)):
        yield chunk


def _data_block(quads: Iterable[Quad]) -> str:
    """Quads as the body of ``INSERT DATA`` / ``DELETE DATA``, grouped by graph."""
    by_graph: dict[NamedNode | DefaultGraph, list[Triple]] = {}
    for quad in quads:
        by_graph.setdefault(target_of(quad), []).append(quad.triple)
    parts = []
    for graph, triples in by_graph.items():
        block = triples_block(triples)
        parts.append(block if isinstance(graph, DefaultGraph) else f"GRAPH {graph} {{ {block} }}")
    return " ".join(parts)


def _insert(block: str, statements: Sequence[Quad] | Sequence[Triple]) -> str:
    """``INSERT DATA``, or ``INSERT … WHERE {}`` for data with blank nodes.

    Both are SPARQL 1.1 and mean the same here (one solution, so each blank-node label is
    one new node); Virtuoso refuses blank nodes in ``INSERT DATA``.
    """
    if any(has_blank_node(s) for s in statements):
        return f"INSERT {{ {block} }} WHERE {{}}"
    return f"INSERT DATA {{ {block} }}"


def _fresh_blank_nodes(triples: Iterable[Triple]) -> Iterator[Triple]:
    """The triples with every blank node renamed to a new one (labels are per response)."""
    fresh: dict[str, BlankNode] = {}

    def renamed(node: BlankNode) -> BlankNode:
        return fresh.setdefault(node.value, BlankNode())

    for t in triples:
        subject, object_ = t.subject, t.object
        if isinstance(subject, BlankNode) or isinstance(object_, BlankNode):
            yield Triple(
                renamed(subject) if isinstance(subject, BlankNode) else subject,
                t.predicate,
                renamed(object_) if isinstance(object_, BlankNode) else object_,
            )
        else:
            yield t


def _truncation(answer: _Answer, url: str) -> Truncation | None:
    """What cut an answer that came back as a success, if its headers say so."""
    state = answer.headers.get("x-sql-state", "").strip()
    if answer.status == 206 or state == "S1TAT":
        said = answer.headers.get("x-sql-message", "").strip()
        said = said.split(" Activity:")[0].strip()
        reason = (
            f"the server stopped the query at its time limit and sent what it had found "
            f"so far (HTTP {answer.status}, X-SQL-State: {state or 'none'}"
            + (f", {said}" if said else "")
            + ")"
        )
        return Truncation(_count(answer, url), "time", reason)
    cap = answer.headers.get("x-sparql-maxrows", "").strip()
    if cap.isdigit():
        rows = _count(answer, url)
        if rows >= int(cap):
            reason = (
                f"the server sends at most {cap} rows per answer (X-SPARQL-MaxRows: {cap}, "
                "Virtuoso's ResultSetMaxRows)"
            )
            return Truncation(rows, "rows", reason)
    return None


def _count(answer: _Answer, url: str) -> int:
    """Rows (or triples) in an answer."""
    media = _media(answer.media)
    if media and QueryResultsFormat.from_media_type(media) is not None:
        result = _parse_results(answer.body, answer.media, url)
        return 1 if isinstance(result, QueryBoolean) else sum(1 for _ in result)
    return sum(1 for _ in _parse_graph(answer.body, answer.media, url))


def _media(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def _parse_results(body: bytes, content_type: str, url: str) -> QueryResult:
    media = _media(content_type)
    results_format = QueryResultsFormat.from_media_type(media) if media else None
    if results_format is None:
        raise StoreError(f"{url}: unexpected answer to a query ({media or 'no content type'})")
    try:
        return pyoxigraph.parse_query_results(body, results_format)
    except (SyntaxError, ValueError) as error:
        raise StoreError(f"{url}: unreadable query results: {error}") from None


def _parse_graph(body: bytes, content_type: str, url: str) -> Iterator[Triple]:
    media = _media(content_type)
    rdf_format = RdfFormat.N_TRIPLES if media == "text/plain" else None
    rdf_format = rdf_format or (RdfFormat.from_media_type(media) if media else None)
    if rdf_format is None:
        raise StoreError(f"{url}: unexpected answer to a query ({media or 'no content type'})")
    try:
        return iter([q.triple for q in pyoxigraph.parse(body, rdf_format)])
    except (SyntaxError, ValueError) as error:
        raise StoreError(f"{url}: unreadable RDF in the answer: {error}") from None


def _as_query_triples(body: bytes, content_type: str, url: str) -> QueryResult:
    """A CONSTRUCT/DESCRIBE answer as pyoxigraph's own QueryTriples.

    pyoxigraph builds QueryTriples only from a query, so the triples go through a small
    in-memory store and come back from ``CONSTRUCT WHERE { ?s ?p ?o }``.
    """
    scratch = pyoxigraph.Store()
    scratch.extend(
        Quad(t.subject, t.predicate, t.object) for t in _parse_graph(body, content_type, url)
    )
    return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")


def _failure(status: int, body: bytes) -> _Failure:
    """An HTTP error answer as a failure: the retry policy's kind, the server's words."""
    words = _clip(body)
    if status == 400:
        return _Failure("rejected", status, words)
    if status == 401:
        return _Failure(
            "fatal", status, "not authorised: check DCKG_STORE_USER and DCKG_STORE_PASSWORD"
        )
    if status == 404:
        return _Failure("fatal", status, "no SPARQL endpoint at this URL")
    if status == 414:
        return _Failure("fatal", status, "the request is too long for the server")
    if status in _TIMEOUT_STATUSES and _TIMEOUT_WORDS.search(words):
        return _Failure("timeout", status, words)
    return _Failure("dropped" if status in (502, 503, 504) else "fatal", status, words)


def _boolean(result: QueryResult, url: str) -> bool:
    """The answer to an ASK query; some engines (Virtuoso) send it as a one-row table."""
    if isinstance(result, QueryBoolean):
        return bool(result)
    if isinstance(result, QuerySolutions):
        for row in result:
            value = row[0]
            return value is not None and value.value in ("1", "true")
        return False
    raise StoreError(f"{url}: triples in answer to an ASK query")


def _clip(body: bytes, limit: int = 500) -> str:
    text = body.decode("utf-8", errors="replace").strip() or "no message"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _reason(error: BaseException) -> str:
    """Why a connection failed, in a few words."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        cause = cause.__cause__ or cause.__context__
    text = str(error).strip()
    return text or type(error).__name__


__all__ = ["GSP_BATCH", "INSERT_BATCH", "STAGING", "RemoteOptions", "RemoteStore"]
