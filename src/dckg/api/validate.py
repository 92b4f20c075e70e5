"""``/validate`` and ``/contributions``: SHACL validation over HTTP, and writing.

``POST /validate`` reads a contribution (Turtle, JSON-LD, N-Triples, RDF/XML or CSV, by
``Content-Type``) and answers with the SHACL report (JSON, or Turtle by ``Accept``); it
writes nothing. ``POST /contributions`` validates and merges, ``GET /contributions`` lists
what was merged and ``DELETE /contributions/{id}`` withdraws one whole; these three need
``Authorization: Bearer <DCKG_WRITE_TOKEN>``, and with no token configured they are
disabled (403). A query-string field a route does not take is refused (400, naming it).

A validation costs what a query may cost, and no more: it runs in a query worker (taking
its turn among the queries, see :class:`~dckg.sparql.engine.Admission`), under the query
time limit (``DCKG_QUERY_TIMEOUT``, then **504**) and the worker's memory cap
(``DCKG_QUERY_MEMORY_MB``, then **507**), and it is stopped (its worker killed and replaced)
as soon as the client leaves. Over a remote store, whose data the workers cannot reach, it
runs in a thread of the server; the client gets **504** at the time limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import hmac
import json
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from dckg.api.deps import get_engine, get_settings, get_store
from dckg.api.errors import Forbidden, HTTPProblem, Unauthorized, UnsupportedMediaType
from dckg.api.sparql import client_of
from dckg.errors import QueryTimeout, UsageError, ValidationFailed
from dckg.sparql import formats
from dckg.sparql.engine import Engine, ProcessEngine, Run
from dckg.sparql.errors import MemoryExceeded
from dckg.sparql.settings import Settings
from dckg.sparql.worker import Task
from dckg.store.base import Store

router = APIRouter(tags=["validation"])
log = logging.getLogger("dckg.api")

#: Seconds between two looks at whether the client of a validation is still there.
DISCONNECT_POLL = 0.25

#: Contribution formats by request media type (names as ``bytes_input`` takes them), from
#: the one format registry.
FORMATS = {
    **{media: "turtle" for media in formats.TURTLE.all_media_types},
    **{media: "jsonld" for media in formats.JSONLD.all_media_types},
    formats.NTRIPLES.media_type: "ntriples",
    formats.RDFXML.media_type: "rdfxml",
    formats.CSV.media_type: "csv",
}

#: The JSON report (dckg's own shape), preferred over the Turtle SHACL report.
_JSON_REPORT = formats.Format("json", "application/json", frozenset(), "json")

_BODY = {
    "requestBody": {
        "required": True,
        "content": {media: {"schema": {"type": "string"}} for media in FORMATS},
    }
}


async def _read(request: Request) -> tuple[bytes, str]:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    fmt = FORMATS.get(media)
    if fmt is None:
        raise UnsupportedMediaType(
            f"cannot validate {media or 'a body without Content-Type'}: send one of "
            + ", ".join(FORMATS)
        )
    return await request.body(), fmt


class NotInstalled(HTTPProblem):
    """A part of dckg that this installation lacks."""

    status = 501


def _validation() -> Any:
    try:
        import dckg.validation as module
    except ModuleNotFoundError as error:
        if error.name != "dckg.validation":
            raise
        raise NotInstalled("SHACL validation is not available in this installation") from None
    return module


def _sources(body: bytes, fmt: str, name: str) -> list[Any]:
    return [_validation().bytes_input(body, fmt=fmt, name=name)]


def _report_response(request: Request, report: Any) -> Response:
    if _wants_turtle(request):
        return Response(report.to_turtle(), media_type="text/turtle")
    body = report.to_json()
    if isinstance(body, str):
        body = json.loads(body)
    return JSONResponse(body)


def refuse_unknown(request: Request, *fields: str) -> None:
    """A field the route does not take is an error, never silently ignored."""
    unknown = sorted(set(request.query_params) - set(fields))
    if unknown:
        raise UsageError(
            f"unknown field{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))} "
            f"for {request.method} {request.url.path}: it takes "
            + (", ".join(fields) or "no query-string fields")
        )


class ClientClosed(HTTPProblem):
    """The client left before its answer was ready (nothing is sent)."""

    status = 499


@router.post("/validate", summary="Validate a contribution (writes nothing)", openapi_extra=_BODY)
async def validate(
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    engine: Annotated[Engine, Depends(get_engine)],
    settings: Annotated[Settings, Depends(get_settings)],
    name: Annotated[str, Query(description="A name for the input, used in messages.")] = "body",
) -> Response:
    """The SHACL report of a contribution checked against the shapes and the graph."""
    refuse_unknown(request, "name")
    body, fmt = await _read(request)
    run_validation = _validation().validate
    timeout = settings.query_timeout
    if not isinstance(engine, ProcessEngine):  # a remote store: its data is out of reach

        def check() -> Any:
            return run_validation(store, _sources(body, fmt, name))

        try:
            report = await asyncio.wait_for(run_in_threadpool(check), timeout)
        except TimeoutError:
            raise QueryTimeout(_too_long(timeout)) from None
        return _report_response(request, report)
    turtle = _wants_turtle(request)
    job = Task(_validation().report_of, (body, fmt, name, turtle))
    run = await run_in_threadpool(engine.begin, job, timeout, client_of(request))
    try:
        answer = await _unless_gone(request, run)
    except QueryTimeout:
        raise QueryTimeout(_too_long(timeout)) from None
    except MemoryExceeded:
        mib = settings.query_memory_mb
        raise MemoryExceeded(
            f"the validation needed more memory than a query may use ({mib} MiB, "
            "DCKG_QUERY_MEMORY_MB) and was stopped; split the contribution into smaller files"
        ) from None
    finally:
        run.close()
    assert run.head is not None
    return Response(answer, media_type=run.head.media_type)


def _too_long(timeout: float) -> str:
    return (
        f"the validation ran past the time limit of {timeout:g} s (DCKG_QUERY_TIMEOUT) and "
        "was stopped; split the contribution into smaller files"
    )


def _wants_turtle(request: Request) -> bool:
    chosen = formats.negotiate(request.headers.get("accept"), (_JSON_REPORT, formats.TURTLE))
    return chosen is formats.TURTLE


def _collect(run: Run) -> bytes:
    """The whole answer of a run (blocking)."""
    run.read_head()
    return run.first + b"".join(run.chunks())


async def _unless_gone(request: Request, run: Run) -> bytes:
    """The answer of ``run``; the run is stopped as soon as the client leaves."""
    task = asyncio.ensure_future(run_in_threadpool(_collect, run))
    while True:
        done, _ = await asyncio.wait({task}, timeout=DISCONNECT_POLL)
        if done:
            return task.result()
        if await request.is_disconnected():
            log.warning("a validation was stopped: its client left (%s)", client_of(request))
            run.close()
            with contextlib.suppress(Exception):
                await task
            raise ClientClosed("the client left before the report was ready")


def check_token(request: Request, settings: Settings) -> None:
    """Allow a write only with the configured bearer token."""
    if settings.write_token is None:
        raise Forbidden("writing over HTTP is disabled on this server (DCKG_WRITE_TOKEN is unset)")
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        token.strip().encode(), settings.write_token.encode()
    ):
        raise Unauthorized("a valid 'Authorization: Bearer <token>' header is required to write")


#: The query-string fields of ``POST /contributions``.
_CONTRIBUTE_FIELDS = ("by", "name", "source_url", "source", "note")


@router.post(
    "/contributions",
    summary="Validate and merge a contribution (needs the write token)",
    status_code=201,
    openapi_extra=_BODY,
)
async def contribute(
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    engine: Annotated[Engine, Depends(get_engine)],
    settings: Annotated[Settings, Depends(get_settings)],
    by: Annotated[str, Query(description="Who contributes (name or IRI).", min_length=1)],
    name: Annotated[str, Query(description="A name for the input.")] = "body",
    source_url: Annotated[str | None, Query(description="Where the data comes from.")] = None,
    source: Annotated[
        str | None, Query(description="The same as source_url (as `dckg contribute --source`).")
    ] = None,
    note: Annotated[str | None, Query(description="A note kept with the provenance.")] = None,
) -> Response:
    """Merge a contribution into its own named graph, with provenance; all or nothing."""
    check_token(request, settings)
    refuse_unknown(request, *_CONTRIBUTE_FIELDS)
    if source is not None and source_url is not None and source != source_url:
        raise UsageError("source and source_url name the same thing: give one of them")
    source_url = source_url if source_url is not None else source
    body, fmt = await _read(request)
    merge = _validation().contribute

    sources = await run_in_threadpool(_sources, body, fmt, name)

    def write() -> Any:
        with engine.paused():
            record = merge(store, sources, by=by, source_url=source_url, note=note)
            _changed(request)
            return record

    try:
        record = await run_in_threadpool(write)
    except ValidationFailed as error:
        # The report itself, as JSON (not a string of JSON): what to fix, row by row.
        report = error.report.to_dict() if error.report is not None else None
        return JSONResponse(
            {"error": "ValidationFailed", "message": str(error), "report": report},
            status_code=422,
        )
    return JSONResponse(
        {"id": record.id, "graph": record.graph.value},
        status_code=201,
    )


@router.get("/contributions", summary="The contributions merged so far (needs the write token)")
async def list_contributions(
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> JSONResponse:
    """Every contribution, oldest first, as ``dckg contributions --format json`` lists it."""
    check_token(request, settings)
    refuse_unknown(request)
    found = await run_in_threadpool(_validation().contributions, store)
    return JSONResponse({"contributions": [c.to_dict() for c in found]})


@router.delete(
    "/contributions/{contribution_id}",
    summary="Withdraw a contribution whole (needs the write token)",
)
async def withdraw(
    request: Request,
    contribution_id: str,
    store: Annotated[Store, Depends(get_store)],
    engine: Annotated[Engine, Depends(get_engine)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> JSONResponse:
    """Remove one contribution: its graph and its provenance, as ``dckg withdraw`` does."""
    check_token(request, settings)
    refuse_unknown(request)
    remove = _validation().withdraw

    def write() -> int:
        with engine.paused():
            removed = remove(store, contribution_id)
            _changed(request)
            return removed

    removed = await run_in_threadpool(write)
    return JSONResponse({"id": contribution_id, "removed": removed})


def _changed(request: Request) -> None:
    """The data changed: answers cached or validated before are stale."""
    request.app.state.data_version = getattr(request.app.state, "data_version", 0) + 1
    request.app.state.data_changed_at = datetime.datetime.now(datetime.UTC)
