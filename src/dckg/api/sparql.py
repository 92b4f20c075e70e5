"""``/sparql``: the SPARQL 1.1 Protocol query operation, read-only.

* ``GET /sparql?query=…``, ``POST`` form-encoded (``query=…``), ``POST`` with
  ``Content-Type: application/sparql-query``; ``default-graph-uri`` and
  ``named-graph-uri`` name the dataset (otherwise: the query's ``FROM`` / ``FROM NAMED``,
  and without those the union of all graphs).
* Results by ``Accept`` (or ``format=``): SPARQL JSON, XML, CSV, TSV for SELECT and ASK;
  Turtle, N-Triples, JSON-LD, RDF/XML for CONSTRUCT and DESCRIBE; 406 otherwise.
* ``GET /sparql`` without a query: the SPARQL Service Description (Turtle).
* An answer is never cut silently: without a row cap, it is sent whole within the time limit
  and the byte cap (``DCKG_MAX_RESULT_BYTES``), or refused with **507** when larger. With
  ``truncate=true`` (in the URL or the form) the client accepts a cut answer instead: at most
  ``DCKG_MAX_RESULTS`` rows and the byte cap, marked by ``Dckg-Truncated`` (the web page's
  editor asks so).
* An update (``update=`` or ``application/sparql-update``) is refused with 400: this is
  a read-only query service (SPARQL 1.1 Protocol §2.2 is not offered here).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from pyoxigraph import NamedNode
from starlette.concurrency import run_in_threadpool

from dckg.api import shared
from dckg.api.answers import respond
from dckg.api.dataset import base_url, inventory, rdf_response, service_description
from dckg.api.deps import get_engine, get_settings
from dckg.api.errors import NotAcceptable, PayloadTooLarge, UnsupportedMediaType
from dckg.errors import QueryError, UsageError
from dckg.sparql import formats
from dckg.sparql.engine import Engine
from dckg.sparql.settings import Settings
from dckg.sparql.worker import READ_ONLY

router = APIRouter(tags=["sparql"])

_TRUNCATE = (
    "true: accept an answer cut at DCKG_MAX_RESULTS rows or DCKG_MAX_RESULT_BYTES bytes, "
    "marked by the Dckg-Truncated header; false (the default): the whole answer, or 507 "
    "when it is larger than DCKG_MAX_RESULT_BYTES"
)

_DOC = {
    "description": "SPARQL query results, by content negotiation.",
    "content": {
        media: {}
        for media in [
            "application/sparql-results+json",
            "application/sparql-results+xml",
            "text/csv",
            "text/tab-separated-values",
            "text/turtle",
            "application/n-triples",
            "application/ld+json",
            "application/rdf+xml",
        ]
    },
}


@router.get(
    "/sparql", summary="SPARQL query (GET), or the service description", responses={200: _DOC}
)
async def sparql_get(
    request: Request,
    engine: Annotated[Engine, Depends(get_engine)],
    settings: Annotated[Settings, Depends(get_settings)],
    query: Annotated[str | None, Query(description="The SPARQL query.")] = None,
    default_graph_uri: Annotated[list[str] | None, Query(alias="default-graph-uri")] = None,
    named_graph_uri: Annotated[list[str] | None, Query(alias="named-graph-uri")] = None,
    truncate: Annotated[str | None, Query(description=_TRUNCATE)] = None,
) -> Response:
    """Run a query given in the URL; without one, describe the service (Turtle)."""
    queries = request.query_params.getlist("query")
    if request.query_params.getlist("update"):
        raise UsageError(READ_ONLY)
    allow_cut = _truncate(request.query_params.getlist("truncate"))
    if not queries:
        if _wants_page(request):
            root = str(request.scope.get("root_path", "")).rstrip("/")
            return RedirectResponse(f"{root}/#yasgui", status_code=303)
        inv = await run_in_threadpool(inventory, request)
        triples = service_description(
            inv, base_url(request), federated=bool(settings.service_allowlist)
        )
        return rdf_response(request, triples)
    if len(queries) > 1:
        raise UsageError("give exactly one 'query' parameter")
    if shared.wants_page(request):
        return shared.sparql_page(
            request, queries[0], default_graph_uri or [], named_graph_uri or []
        )
    return await answer(
        request,
        engine,
        settings,
        queries[0],
        default_graph_uri or [],
        named_graph_uri or [],
        truncate=allow_cut,
    )


@router.post(
    "/sparql",
    summary="SPARQL query (POST form or application/sparql-query)",
    responses={200: _DOC},
    openapi_extra={
        "requestBody": {
            "content": {
                "application/sparql-query": {"schema": {"type": "string"}},
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "query": {"type": "string"},
                            "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                            "named-graph-uri": {"type": "array", "items": {"type": "string"}},
                            "truncate": {
                                "type": "string",
                                "enum": ["true", "false"],
                                "description": _TRUNCATE,
                            },
                        },
                        "required": ["query"],
                    }
                },
            }
        }
    },
)
async def sparql_post(
    request: Request,
    engine: Annotated[Engine, Depends(get_engine)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> Response:
    """Run a query sent in the body."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if media == "application/sparql-update":
        raise UsageError(READ_ONLY)
    if media == "application/sparql-query":
        text = _decode(body, "the query")
        params = request.query_params
        return await answer(
            request,
            engine,
            settings,
            text,
            params.getlist("default-graph-uri"),
            params.getlist("named-graph-uri"),
            truncate=_truncate(params.getlist("truncate")),
        )
    if media == "application/x-www-form-urlencoded":
        form = parse_qs(_decode(body, "the form"), keep_blank_values=True)
        if "update" in form:
            raise UsageError(READ_ONLY)
        queries = form.get("query", [])
        if len(queries) != 1:
            raise UsageError("give exactly one 'query' field in the form")
        return await answer(
            request,
            engine,
            settings,
            queries[0],
            form.get("default-graph-uri", []),
            form.get("named-graph-uri", []),
            truncate=_truncate(request.query_params.getlist("truncate") + form.get("truncate", [])),
        )
    raise UnsupportedMediaType(
        f"cannot read a {media or 'body without Content-Type'}: send "
        "application/sparql-query or application/x-www-form-urlencoded"
    )


def _wants_page(request: Request) -> bool:
    """Whether a browser asks (HTML preferred to every RDF format): it gets the editor."""
    return shared.wants_page(request, formats.offers(formats.GRAPH))


def _truncate(values: list[str]) -> bool:
    """Whether the client accepts a cut answer (``truncate=true``); by default it does not.

    >>> _truncate([]), _truncate(["true"]), _truncate(["false", "false"])
    (False, True, False)
    """
    wanted = {value.strip().lower() for value in values}
    if not wanted <= {"true", "false"} or len(wanted) > 1:
        raise UsageError(f"truncate: give true or false, not {', '.join(sorted(values))!r}")
    return wanted == {"true"}


def _decode(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UsageError(f"{what} is not UTF-8 (byte {error.start})") from None


def _graphs(values: list[str], parameter: str) -> list[NamedNode]:
    graphs = []
    for value in values:
        try:
            graphs.append(NamedNode(value))
        except ValueError:
            raise UsageError(f"{parameter}: not an IRI: {value!r}") from None
    return graphs


async def answer(
    request: Request,
    engine: Engine,
    settings: Settings,
    query: str,
    default_graphs: list[str],
    named_graphs: list[str],
    *,
    truncate: bool = False,
) -> Response:
    """Check a query, run it on the engine and send its results (see the module's text for
    ``truncate``).

    Nothing here reads the query text beyond its length: the ``SERVICE`` check, parsing and
    running all happen in a query worker, under the time limit.
    """
    if len(query) > settings.max_query_bytes or len(query.encode()) > settings.max_query_bytes:
        raise PayloadTooLarge(
            f"the query is longer than the limit of {settings.max_query_bytes} bytes "
            "(DCKG_MAX_QUERY_BYTES)"
        )
    if not query.strip():
        raise UsageError("the query is empty")
    accept = request.headers.getlist("accept")
    format_name = request.query_params.get("format")
    if not formats.acceptable(accept, format_name):
        raise NotAcceptable(
            f"no result format matches {format_name or request.headers.get('accept')!r}; "
            "available: application/sparql-results+json, application/sparql-results+xml, "
            "text/csv, text/tab-separated-values, text/turtle, application/n-triples, "
            "application/ld+json, application/rdf+xml"
        )
    default = _graphs(default_graphs, "default-graph-uri")
    named = _graphs(named_graphs, "named-graph-uri")
    job = engine.job(
        query,
        default_graph=default if (default or named) else None,
        named_graphs=named or None,
        accept=accept,
        fmt=format_name,
        max_results=settings.max_results if truncate else 0,
        max_result_bytes=settings.max_result_bytes,
        check_services=True,
        hold=True,
    )
    timeout = settings.query_timeout
    return await respond(request, engine, job, timeout, client_of(request), truncate=truncate)


def client_of(request: Request) -> str:
    """Who asks, for sharing the workers: the client's address (as the server sees it)."""
    return request.client.host if request.client else ""


__all__ = ["QueryError", "answer", "router"]
