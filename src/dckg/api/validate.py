"""``/validate`` and ``/contributions``: SHACL validation over HTTP, and writing.

``POST /validate`` reads a contribution (Turtle, JSON-LD, N-Triples, RDF/XML or CSV, by
``Content-Type``) and answers with the SHACL report (JSON, or Turtle by ``Accept``); it
writes nothing. ``POST /contributions`` validates and merges, ``GET /contributions`` lists
what was merged and ``DELETE /contributions/{id}`` withdraws one whole; these three need
``Authorization: Bearer <DCKG_WRITE_TOKEN>``, and with no token configured they are
disabled (403). A query-string field a route does not take is refused (400, naming it).
"""

from __future__ import annotations

import datetime
import hmac
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from dckg.api.deps import get_engine, get_settings, get_store
from dckg.api.errors import Forbidden, HTTPProblem, Unauthorized, UnsupportedMediaType
from dckg.errors import UsageError, ValidationFailed
from dckg.sparql import formats
from dckg.sparql.engine import Engine
from dckg.sparql.settings import Settings
from dckg.store.base import Store

router = APIRouter(tags=["validation"])

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
    chosen = formats.negotiate(request.headers.get("accept"), (_JSON_REPORT, formats.TURTLE))
    if chosen is formats.TURTLE:
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


@router.post("/validate", summary="Validate a contribution (writes nothing)", openapi_extra=_BODY)
async def validate(
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    name: Annotated[str, Query(description="A name for the input, used in messages.")] = "body",
) -> Response:
    """The SHACL report of a contribution checked against the shapes and the graph."""
    refuse_unknown(request, "name")
    body, fmt = await _read(request)
    run_validation = _validation().validate

    def check() -> Any:
        return run_validation(store, _sources(body, fmt, name))

    report = await run_in_threadpool(check)
    return _report_response(request, report)


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
