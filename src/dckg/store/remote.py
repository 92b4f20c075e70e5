"""The remote backend: any SPARQL 1.1 Protocol + Update endpoint.

Oxigraph server, Apache Jena Fuseki, Virtuoso, GraphDB, QLever or Amazon Neptune hold the
graph; dckg talks to them over HTTP and hands its callers the same pyoxigraph objects as the
embedded store.

=====================  ==========================================================
queries, updates       SPARQLWrapper (SPARQL 1.1 Protocol, form-encoded POST)
graph loads, dumps     httpx, Graph Store Protocol (when ``DCKG_GSP_URL`` is set)
                       else ``INSERT DATA`` / ``CONSTRUCT`` through the endpoints
=====================  ==========================================================

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

import ast
import http.client
import re
import threading
import time
import urllib.error
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from itertools import chain, islice
from typing import BinaryIO, NoReturn, TypeVar

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
from SPARQLWrapper import BASIC, DIGEST, POST, SELECT, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    SPARQLWrapperException,
    Unauthorized,
    URITooLong,
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
        self._credentials = (user, password) if user and password else None
        self._auth = auth
        self._union_checked = False
        #: The ``Server`` header last seen: Oxigraph accepts faster, non-transactional
        #: uploads, which are safe for staging graphs (they are committed in one update).
        self._server = ""
        http_auth: httpx.Auth | None = None
        if self._credentials:
            http_auth = (
                httpx.DigestAuth(*self._credentials)
                if auth == "digest"
                else httpx.BasicAuth(*self._credentials)
            )
        self._http = httpx.Client(
            auth=http_auth, timeout=httpx.Timeout(load_timeout, connect=min(timeout, 10.0))
        )

    @classmethod
    def from_settings(
        cls, query_url: str, env: Mapping[str, str] | None = None, **overrides: object
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
        options: dict[str, object] = {
            item.name: getattr(settings, item.name) for item in fields(settings)
        }
        options.update(overrides)
        return cls(query_url, **options)  # type: ignore[arg-type]

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

    def truncation(self) -> Truncation | None:
        return getattr(self._local, "truncation", None)

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
        rows = self._select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", bound)
        return (Quad(row["s"], row["p"], row["o"], row["g"]) for row in rows)  # type: ignore[arg-type]

    def graphs(self) -> list[NamedNode]:
        rows = self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        found = [row["g"] for row in rows if isinstance(row["g"], NamedNode)]
        return sorted(found, key=lambda g: g.value)  # type: ignore[union-attr]

    def count(self, graph: NamedNode | None = None) -> int:
        bound = {"g": graph} if graph is not None else {}
        rows = list(self._select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", bound))
        return int(rows[0]["n"].value) if rows else 0  # type: ignore[union-attr]

    def dump(
        self, output: BinaryIO, rdf_format: RdfFormat, *, graph: NamedNode | None = None
    ) -> None:
        if graph is None and rdf_format not in DATASET_FORMATS:
            raise StoreError(f"{rdf_format.name} holds one graph: name the graph to export")
        prefixes = (
            self.default_prefixes() if rdf_format in (RdfFormat.TURTLE, RdfFormat.TRIG) else None
        )
        if rdf_format in DATASET_FORMATS:
            targets = [graph] if graph is not None else self.graphs()
            statements: Iterable[Quad | Triple] = (
                Quad(t.subject, t.predicate, t.object, g)
                for g in targets
                for t in self._graph_triples(g)
            )
        else:
            statements = self._graph_triples(graph)  # type: ignore[arg-type]
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
        self._run_update(text, idempotent=False)

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
        self._run_update(" ;\n".join(operations), idempotent=True)
        return len(batch)

    def drop_graph(self, graph: NamedNode) -> None:
        self._run_update(f"DROP SILENT GRAPH {graph}", idempotent=True)

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
        self._select("ASK {}")

    # -- life cycle ----------------------------------------------------------------

    def close(self) -> None:
        self._http.close()

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

    def _wrapper(self, text: str, accept: str, *, update: bool) -> SPARQLWrapper:
        wrapper = SPARQLWrapper(self.query_url, updateEndpoint=self.update_url)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.setOnlyConneg(True)
        # Set the text and its form directly: SPARQLWrapper's own guess is a regular
        # expression that a keyword inside an IRI or a literal can mislead.
        wrapper.queryString = text
        wrapper.queryType = "INSERT" if update else SELECT
        wrapper.addCustomHttpHeader("Accept", accept)
        wrapper.setTimeout(max(1, round(self.load_timeout if update else self.timeout)))
        if self._credentials:
            wrapper.setHTTPAuth(DIGEST if self._auth == "digest" else BASIC)
            wrapper.setCredentials(*self._credentials)
        return wrapper

    def _send(self, wrapper: SPARQLWrapper) -> _Answer:
        try:
            return self._send_once(wrapper)
        except _Failure as failure:
            # SPARQLWrapper leaves the failed HTTP response open.
            context = failure.__context__
            while context is not None:
                if isinstance(context, urllib.error.HTTPError):
                    context.close()
                context = context.__context__
            raise

    def _send_once(self, wrapper: SPARQLWrapper) -> _Answer:
        try:
            with wrapper.query().response as response:
                self._server = response.headers.get("Server", self._server)
                return _Answer(
                    response.read(),
                    response.headers.get("Content-Type", ""),
                    response.status,
                    {k.lower(): v for k, v in response.headers.items()},
                )
        except QueryBadFormed as error:
            raise _Failure("rejected", 400, _server_words(error)) from None
        except Unauthorized:
            raise _Failure(
                "fatal", 401, "not authorised: check DCKG_STORE_USER and DCKG_STORE_PASSWORD"
            ) from None
        except EndPointNotFound:
            raise _Failure("fatal", 404, "no SPARQL endpoint at this URL") from None
        except URITooLong:
            raise _Failure("fatal", 414, "the request is too long for the server") from None
        except EndPointInternalError as error:
            words = _server_words(error)
            kind = "timeout" if _TIMEOUT_WORDS.search(words) else "fatal"
            raise _Failure(kind, 500, words) from None
        except SPARQLWrapperException as error:  # pragma: no cover - other wrapper errors
            raise _Failure("fatal", None, str(error)) from None
        except urllib.error.HTTPError as error:
            kind = "dropped" if error.code in (502, 503, 504) else "fatal"
            with error:
                words = _clip(error.read())
            if error.code in _TIMEOUT_STATUSES and _TIMEOUT_WORDS.search(words):
                kind = "timeout"
            raise _Failure(kind, error.code, words) from None
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, TimeoutError):
                raise _Failure("timeout", None, "no answer in time") from None
            raise _Failure("refused", None, f"cannot connect ({_reason(reason)})") from None
        except TimeoutError:
            raise _Failure("timeout", None, "no answer in time") from None
        except (http.client.HTTPException, ConnectionError) as error:
            raise _Failure("dropped", None, f"the connection broke ({_reason(error)})") from None

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
        wrapper = self._wrapper(text, accept, update=False)
        for graph in graphs[0]:
            wrapper.addDefaultGraph(graph.value)
        for graph in graphs[1]:
            wrapper.addNamedGraph(graph.value)
        try:
            answer = self._retrying(lambda: self._send(wrapper), idempotent=True)
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

    def _run_update(self, text: str, *, idempotent: bool) -> None:
        wrapper = self._wrapper(text, "*/*", update=True)
        try:
            self._retrying(lambda: self._send(wrapper), idempotent=idempotent)
        except _Failure as failure:
            self._raise(failure, self.update_url, query=False)

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

    def _select(self, text: str, bindings: Mapping[str, Term] | None = None) -> QuerySolutions:
        """An internal SELECT/ASK (over explicit GRAPH patterns: no union check)."""
        body, media = self._run_query(prepare(text, bindings, {}, strict=False), _RESULTS_ACCEPT)
        return _parse_results(body, media, self.query_url)  # type: ignore[return-value]

    def _ensure_union(self) -> None:
        """Refuse an endpoint whose default graph is not the union of its named graphs."""
        if self._union_checked or not self.check_union:
            return
        probe = list(
            self._select(
                "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } "
                "FILTER(isIRI(?s) && (isIRI(?o) || isLiteral(?o))) } LIMIT 1"
            )
        )
        if not probe:
            return  # nothing to tell yet: ask again next time
        row = probe[0]
        seen = self._select(
            "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 1",
            {"s": row["s"], "p": row["p"], "o": row["o"]},  # type: ignore[dict-item]
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
            response = self._http.request(
                method, self.gsp_url, params=params, content=body, headers=headers
            )
        except (httpx.ConnectError, httpx.ConnectTimeout) as error:
            raise _Failure("refused", None, f"cannot connect ({_reason(error)})") from None
        except httpx.TimeoutException:
            raise _Failure("timeout", None, "no answer in time") from None
        except httpx.TransportError as error:
            raise _Failure("dropped", None, f"the connection broke ({_reason(error)})") from None
        self._server = response.headers.get("Server", self._server)
        if response.status_code >= 400:
            kind = "dropped" if response.status_code in (502, 503, 504) else "fatal"
            raise _Failure(kind, response.status_code, _clip(response.content))
        return response.content

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
            self._put_graph(replace[0], [q.triple for q in quads], bulk=False)
            return
        operations = [f"DROP SILENT GRAPH {g}" for g in replace]
        if quads:
            operations.append(_insert(_data_block(quads), quads))
        if not operations:
            return
        # Re-running DROP + INSERT, or an INSERT without blank nodes, changes nothing.
        idempotent = bool(replace) or not any(has_blank_node(q) for q in quads)
        self._run_update(" ;\n".join(operations), idempotent=idempotent)

    def _graph_exists(self, graph: NamedNode) -> bool:
        return self._ask("ASK { GRAPH ?g { ?s ?p ?o } }", {"g": graph})

    def _ask(self, text: str, bindings: Mapping[str, Term] | None = None) -> bool:
        """An internal ASK. Some engines (Virtuoso) answer it as a one-row table."""
        result = self._select(text, bindings)
        if isinstance(result, QueryBoolean):
            return bool(result)
        for row in result:
            value = row[0]
            return value is not None and value.value in ("1", "true")
        return False

    def _put_graph(self, graph: NamedNode, triples: list[Triple], *, bulk: bool = True) -> None:
        """Make ``graph`` hold exactly ``triples``, idempotently (so retried when safe)."""
        if self.gsp_url:
            body = pyoxigraph.serialize(triples, format=RdfFormat.N_TRIPLES)
            try:
                self._retrying(
                    lambda: self._gsp("PUT", graph, body=body, staging=bulk), idempotent=True
                )
            except _Failure as failure:
                self._raise(failure, self.gsp_url, query=False)
            return
        block = triples_block(triples)
        insert = _insert(f"GRAPH {graph} {{ {block} }}", triples)
        text = f"DROP SILENT GRAPH {graph} ;\n{insert}"
        self._run_update(text, idempotent=True)

    def _add_to_graph(self, graph: NamedNode, triples: list[Triple], *, idempotent: bool) -> None:
        """Add ``triples`` to a graph that a load created (Graph Store ``POST`` when there)."""
        if self.gsp_url:
            body = pyoxigraph.serialize(triples, format=RdfFormat.N_TRIPLES)
            try:
                self._retrying(
                    lambda: self._gsp("POST", graph, body=body, staging=True),
                    idempotent=idempotent,
                )
            except _Failure as failure:
                self._raise(failure, self.gsp_url, query=False)
            return
        text = _insert(f"GRAPH {graph} {{ {triples_block(triples)} }}", triples)
        self._run_update(text, idempotent=idempotent)


# -- helpers -------------------------------------------------------------------------


def _chunks(items: Iterator[T], size: int) -> Iterator[list[T]]:
    while chunk := list(islice(items, size)):
        yield chunk


def _data_block(quads: Iterable[Quad]) -> str:
    """Quads as the body of ``INSERT DATA`` / ``DELETE DATA``, grouped by graph."""
    by_graph: dict[NamedNode | DefaultGraph, list[Triple]] = {}
    for quad in quads:
        by_graph.setdefault(quad.graph_name, []).append(quad.triple)  # type: ignore[arg-type]
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

    def term(t: object) -> object:
        if isinstance(t, BlankNode):
            return fresh.setdefault(t.value, BlankNode())
        return t

    for t in triples:
        if isinstance(t.subject, BlankNode) or isinstance(t.object, BlankNode):
            yield Triple(term(t.subject), t.predicate, term(t.object))  # type: ignore[arg-type]
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
        return 1 if isinstance(result, QueryBoolean) else sum(1 for _ in result)  # type: ignore[union-attr]
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


def _server_words(error: SPARQLWrapperException) -> str:
    """The server's message, which SPARQLWrapper keeps only inside its own text."""
    text = str(error)
    marker = "\n\nResponse:\n"
    if marker in text:
        try:
            raw = ast.literal_eval(text.split(marker, 1)[1])
        except (ValueError, SyntaxError):
            return _clip(text.split(marker, 1)[1].encode())
        return _clip(raw if isinstance(raw, bytes) else str(raw).encode())
    return "no message"


def _clip(body: bytes, limit: int = 500) -> str:
    text = body.decode("utf-8", errors="replace").strip() or "no message"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _reason(error: object) -> str:
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    text = str(error).strip()
    return text or type(error).__name__


__all__ = ["GSP_BATCH", "INSERT_BATCH", "STAGING", "RemoteStore"]
