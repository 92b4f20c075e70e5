"""Answers of the query endpoints (``/sparql``, ``/queries/{name}``): a header on every
answer a cap cut, validators from the store's state, conditional requests, the result cache.

==========================  ===============================================================
``Dckg-Truncated``          on a cut answer only: ``rows=N; by=CAUSE``: N rows (or triples)
                            were sent and more exist; CAUSE is ``max-results`` (the row
                            cap), ``max-result-bytes`` (the size cap) or ``remote-store``
                            (the remote engine sent part of its answer)
``ETag``, ``Last-Modified`` from the store's state, which every load, contribution and
                            withdrawal changes; ``If-None-Match`` / ``If-Modified-Since``
                            get ``304 Not Modified``
``Link: <…>; rel="next"``   the next page of a named query (see :mod:`dckg.api.queries`)
==========================  ===============================================================
"""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import Request
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from dckg.api.errors import HTTPProblem
from dckg.api.streaming import Spool
from dckg.sparql.cache import Answer, ResultCache, etag, fingerprint, matches, request_key
from dckg.sparql.engine import Engine, Run
from dckg.sparql.worker import Job

#: The header that says an answer was cut.
TRUNCATED = "Dckg-Truncated"
#: Causes of a cut, as the header names them.
CAUSES = {"rows": "max-results", "bytes": "max-result-bytes", "remote": "remote-store"}


def truncation_header(rows: int, cause: str | None) -> dict[str, str]:
    """The ``Dckg-Truncated`` header of an answer (none if it is whole).

    >>> truncation_header(10, "rows")
    {'Dckg-Truncated': 'rows=10; by=max-results'}
    >>> truncation_header(3, None)
    {}
    """
    if not cause:
        return {}
    return {TRUNCATED: f"rows={rows}; by={CAUSES.get(cause, cause)}"}


def store_state(request: Request) -> tuple[str, datetime.datetime] | None:
    """The state of the store (a digest) and when it last changed; ``None`` for a remote
    store, which others may change at any time (blocking)."""
    return store_state_of(request.app)


def store_state_of(app: object) -> tuple[str, datetime.datetime] | None:
    """:func:`store_state` of an application."""
    state = app.state  # type: ignore[attr-defined]
    if getattr(state.store, "kind", "") == "remote":
        return None
    # The state counted at the start (or later): with the number of writes through this
    # server since, it tells every state apart without counting the store again.
    found = state.catalogue.inventory(0)
    version = getattr(state, "data_version", 0)
    digest = fingerprint([version, found.state])
    changed = getattr(state, "data_changed_at", None) if version else None
    if changed is None and found.modified:
        try:
            changed = datetime.datetime.fromisoformat(found.modified)
        except ValueError:
            changed = None
    if changed is None:
        changed = state.started_at
    if changed.tzinfo is None:
        changed = changed.replace(tzinfo=datetime.UTC)
    return digest, changed.replace(microsecond=0)


def _not_modified_since(header: str | None, changed: datetime.datetime) -> bool:
    if not header:
        return False
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=datetime.UTC)
    return changed <= since


async def respond(
    request: Request,
    engine: Engine,
    job: Job,
    timeout: float,
    client: str = "",
    *,
    extra: dict[str, str] | None = None,
    page: object = None,
    asked_limit: bool = False,
    truncate: bool = True,
) -> Response:
    """Answer a query: from the cache when the same was asked of the same store, else from
    the engine; ``304`` when the client holds the answer already.

    ``page`` (a callable of the rows sent and whether more exist) adds headers such as the
    next page's ``Link``; when the client asked for a page (``asked_limit``), its end is
    not a cut.

    A job marked ``hold`` has its answer kept whole (:class:`~dckg.api.streaming.Spool`: in
    memory when small, else on disk) before the response starts, so that its status and
    headers can say whether it is whole. An answer the byte cap cut is then sent with
    ``Dckg-Truncated`` when ``truncate``, and refused (**507**, :class:`AnswerTooLarge`)
    otherwise: a client that cannot read the header never gets part of an answer as whole.
    """
    state = await run_in_threadpool(store_state, request)
    headers = {"Vary": "Accept", **(extra or {})}
    key = None
    if state is not None:
        digest, changed = state
        key = request_key(
            state=digest,
            query=job.query,
            bindings=job.substitutions,
            default_graphs=job.default_graph or (),
            named_graphs=job.named_graphs or (),
            accept=job.accept,
            format_name=job.format_name,
            limits=[job.max_results, job.max_result_bytes, job.offset, job.hold],
        )
        headers["ETag"] = etag(key)
        headers["Last-Modified"] = format_datetime(changed, usegmt=True)
        if_none_match = request.headers.get("if-none-match")
        if matches(if_none_match, headers["ETag"]) or (
            not if_none_match
            and _not_modified_since(request.headers.get("if-modified-since"), changed)
        ):
            return Response(status_code=304, headers=headers)
    cache: ResultCache | None = getattr(request.app.state, "result_cache", None)
    answer = cache.get(key) if cache is not None and key is not None else None
    if answer is None:
        run = await run_in_threadpool(engine.start, job, timeout, client)
        assert run.head is not None
        media = run.head.media_type
        if not job.hold:  # streamed as it comes, never cached
            return StreamingResponse(_body(run), media_type=_charset(media), headers=headers)
        spool = await run_in_threadpool(_spool, run)
        if not truncate and run.truncation == "bytes":
            spool.close()
            raise AnswerTooLarge(_too_large(job.max_result_bytes))
        body = spool.body()
        if body is None:  # large: sent from disk, never cached
            headers.update(_headers_of(run.rows, run.truncation, asked_limit, page))
            headers["Content-Length"] = str(spool.size)
            return StreamingResponse(spool.chunks(), media_type=_charset(media), headers=headers)
        answer = Answer(media, body, run.rows, run.truncation)
        if cache is not None and key is not None:
            cache.put(key, answer)
    elif not truncate and answer.cut == "bytes":
        raise AnswerTooLarge(_too_large(job.max_result_bytes))
    headers.update(_headers_of(answer.rows, answer.cut, asked_limit, page))
    return Response(answer.body, media_type=_charset(answer.media_type), headers=headers)


def _headers_of(rows: int, cut: str | None, asked_limit: bool, page: object) -> dict[str, str]:
    """The headers that say whether an answer is whole, and where the next page is."""
    headers: dict[str, str] = {}
    if not (asked_limit and cut == "rows"):
        headers.update(truncation_header(rows, cut))
    if callable(page):
        headers.update(page(rows, cut is not None))
    return headers


class AnswerTooLarge(HTTPProblem):
    """An answer larger than the byte cap, to a request that did not allow a cut one."""

    status = 507


def _too_large(cap: int | None) -> str:
    return (
        f"the answer is larger than the limit of {cap} bytes (DCKG_MAX_RESULT_BYTES) and was "
        "not sent, rather than sent cut: ask for less (a LIMIT, with ORDER BY and OFFSET to "
        "page; fewer or shorter columns), or add truncate=true to the request to get the part "
        "that fits, marked by the Dckg-Truncated header; the whole graph is in the dumps "
        "(see /dataset)"
    )


def _spool(run: Run) -> Spool:
    """The whole answer of a run, kept (blocking); the run is closed on any error."""
    spool = Spool()
    try:
        spool.write(run.first)
        for chunk in run.chunks():
            spool.write(chunk)
    except BaseException:
        spool.close()
        run.close()
        raise
    return spool


def _charset(media: str) -> str:
    if media.startswith("text/") or media.endswith(("+xml", "+json")):
        return media + "; charset=utf-8"
    return media


async def _body(run: Run) -> AsyncIterator[bytes]:
    try:
        if run.first:
            yield run.first
        while True:
            chunk = await run_in_threadpool(run.next_chunk)
            if chunk is None:
                return
            yield chunk
    finally:
        run.close()
