"""The one place where errors become HTTP statuses.

::

    dckg.errors.DckgError
    ├── UsageError, InputError, QueryError       400 Bad Request
    │   ├── QueryTimeout                         504 Gateway Timeout
    │   ├── IncompleteResult                     502 Bad Gateway (a remote store cut it)
    │   └── ServiceRefused                       403 Forbidden
    ├── ValidationFailed                         422 Unprocessable Content
    ├── NotFound                                 404 Not Found
    ├── StoreError                               503 Service Unavailable
    ├── InternalError (a bug)                    500 Internal Server Error
    ├── dckg.sparql.errors: running a query
    │   ├── MemoryExceeded (a worker's cap)      507 Insufficient Storage
    │   ├── NotAcceptable                        406 Not Acceptable
    │   └── Busy (no worker free in time)        503 Service Unavailable
    └── HTTPProblem (raised by the API only)
        ├── RequestTimeout (a body too slow)     408 Request Timeout
        ├── PayloadTooLarge                      413 Content Too Large
        ├── UnsupportedMediaType                 415 Unsupported Media Type
        ├── Unauthorized                         401 Unauthorized
        └── Forbidden                            403 Forbidden

Any other error is a bug: logged with its traceback and answered 500, never 400. So is an
error a query worker reports that is not one of its typed errors
(:func:`dckg.sparql.errors.from_worker`). The 500 is made by :class:`CatchAll`, inside the
app's other middleware, so that it carries the headers every response carries
(``X-Content-Type-Options``, CORS); Starlette's own last-resort handler would answer
outside them.

The body is the message as plain text (what SPARQL clients show their users), or a JSON
object ``{"error": class, "message": text}`` when the client prefers JSON.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dckg.errors import (
    DckgError,
    IncompleteResult,
    InputError,
    InternalError,
    NotFound,
    QueryError,
    QueryTimeout,
    StoreError,
    UsageError,
    ValidationFailed,
)
from dckg.sparql.errors import Busy, MemoryExceeded, NotAcceptable
from dckg.sparql.federation import ServiceRefused

log = logging.getLogger("dckg.api")


class HTTPProblem(DckgError):
    """An error that only exists over HTTP."""

    status = 400
    headers: dict[str, str] | None = None


class PayloadTooLarge(HTTPProblem):
    """A request body over the configured limit."""

    status = 413


class RequestTimeout(HTTPProblem):
    """A request body that did not arrive in time; the connection is closed after."""

    status = 408
    headers = {"Connection": "close"}  # noqa: RUF012


class UnsupportedMediaType(HTTPProblem):
    """A request body of a media type the route does not read."""

    status = 415


class Unauthorized(HTTPProblem):
    """Writing without the right bearer token."""

    status = 401
    headers = {"WWW-Authenticate": 'Bearer realm="dckg"'}  # noqa: RUF012


class Forbidden(HTTPProblem):
    """Something the server's settings do not allow (writing disabled, SERVICE refused)."""

    status = 403


#: The status of each error class; the first match in order wins.
STATUSES: list[tuple[type[Exception], int]] = [
    (QueryTimeout, 504),
    (IncompleteResult, 502),
    (MemoryExceeded, 507),
    (NotAcceptable, 406),
    (Busy, 503),
    (ServiceRefused, 403),
    (ValidationFailed, 422),
    (NotFound, 404),
    (StoreError, 503),
    (QueryError, 400),
    (InputError, 400),
    (UsageError, 400),
    (InternalError, 500),
    (DckgError, 500),
]


def status_of(error: Exception) -> int:
    """The HTTP status of an error.

    >>> status_of(QueryTimeout("slow")), status_of(NotFound("x")), status_of(NotAcceptable("y"))
    (504, 404, 406)
    """
    if isinstance(error, HTTPProblem):
        return error.status
    for cls, status in STATUSES:
        if isinstance(error, cls):
            return status
    return 500


def error_response(request: Request, error: Exception, status: int | None = None) -> Response:
    """The response for an error, as text or JSON by the request's Accept header."""
    status = status or status_of(error)
    message = str(error) or type(error).__name__
    headers = dict(getattr(error, "headers", None) or {})
    expected = QueryTimeout | IncompleteResult | HTTPProblem | StoreError | MemoryExceeded | Busy
    if status >= 500 and not isinstance(error, expected):
        log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=error)
    report = getattr(error, "report", None)
    if _wants_json(request):
        body: dict[str, object] = {"error": type(error).__name__, "message": message}
        if report is not None and hasattr(report, "to_json"):
            body["report"] = report.to_json()
        return JSONResponse(body, status_code=status, headers=headers)
    return PlainTextResponse(message + "\n", status_code=status, headers=headers)


def not_found(request: Request, what: str) -> Response:
    """404 for a page or an IRI the server does not hold: an HTML page for a browser, the
    message as text for everyone else."""
    from dckg.api.negotiation import HTML, negotiate
    from dckg.api.pages import render

    message = f"404 Not Found: {what}"
    if negotiate(request.headers.get("accept")) == HTML:
        root = str(request.scope.get("root_path", "")).rstrip("/")
        page = render("not_found.html", root=root, message=message)
        return HTMLResponse(page, status_code=404, headers=PAGE_HEADERS)
    return PlainTextResponse(message + "\n", status_code=404)


def not_acceptable(offered: Iterable[str]) -> Response:
    """406 naming the media types a resource is available as."""
    listed = ", ".join(offered)
    return PlainTextResponse(
        f"406 Not Acceptable: this resource is available as {listed}\n", status_code=406
    )


#: Headers of every HTML page: ``Vary`` and the content security policy.
PAGE_HEADERS = {
    "Vary": "Accept",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
}


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "json" in accept and "sparql-results+json" not in accept


def install(app: FastAPI) -> None:
    """Register the handlers that turn errors into responses."""

    async def on_dckg_error(request: Request, error: Exception) -> Response:
        return error_response(request, error)

    async def on_validation_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError)
        problems = []
        for item in error.errors():
            where = ".".join(str(part) for part in item.get("loc", ()))
            problems.append(f"{where}: {item.get('msg')}")
        message = "bad request: " + "; ".join(problems)
        # A route may answer its own invalid requests: a named query's shared link opened
        # in a browser gets its page, with the error and the form to fix it (still 400).
        invalid_page = getattr(request.scope.get("endpoint"), "invalid_page", None)
        page = invalid_page(request, message) if invalid_page is not None else None
        if page is not None:
            return page
        return error_response(request, UsageError(message), 400)

    async def on_http_exception(request: Request, error: Exception) -> Response:
        assert isinstance(error, StarletteHTTPException)
        problem = HTTPProblem(str(error.detail))
        problem.headers = dict(error.headers or {})
        return error_response(request, problem, error.status_code)

    async def on_unexpected(request: Request, error: Exception) -> Response:
        return unexpected_response(request, error)

    app.add_exception_handler(DckgError, on_dckg_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_exception)
    # The last resort, for an error in the outer middleware; CatchAll answers the others.
    app.add_exception_handler(Exception, on_unexpected)
    app.add_middleware(CatchAll)


def unexpected_response(request: Request, error: Exception) -> Response:
    """The 500 for a bug: logged with its traceback, nothing of it told to the client."""
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=error)
    response = error_response(request, DckgError("internal error (see the server log)"), 500)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


class CatchAll:
    """Answers an unexpected error with 500 where the other middleware still sees it.

    Installed innermost, so the answer goes out through the middleware that adds the
    headers of every response. An error after the response has started is raised on:
    the server then ends the connection, as it must for a half-sent body.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as error:
            if started:
                raise
            await unexpected_response(Request(scope), error)(scope, receive, send)


__all__ = [
    "Busy",
    "CatchAll",
    "Forbidden",
    "HTTPProblem",
    "MemoryExceeded",
    "NotAcceptable",
    "PayloadTooLarge",
    "RequestTimeout",
    "Unauthorized",
    "UnsupportedMediaType",
    "error_response",
    "install",
    "not_acceptable",
    "not_found",
    "status_of",
]
