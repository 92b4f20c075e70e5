"""The HTTP API: the graph on the web.

``create_app(settings)`` builds a FastAPI application from explicit settings; ``dckg
serve`` runs it with uvicorn. One router per resource:

=====================  ==========================================================
``sparql``             ``/sparql`` — SPARQL 1.1 Protocol, read-only
``queries``            ``/queries``, ``/queries/{name}`` — the named queries
``dataset``            ``/.well-known/void``, ``/dataset``, ``/dumps/…``
``validate``           ``/validate``, ``/contributions``
``linked``, ``web``    ``/id/…``, ``/ontology``, ``/`` (when installed)
``stewards``           ``/contribute``: the form that validates and contributes
=====================  ==========================================================

Errors become statuses in :mod:`dckg.api.errors`, nowhere else.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
from collections.abc import AsyncIterator, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dckg import __version__
from dckg.api import errors
from dckg.api.answers import store_state_of
from dckg.api.errors import PayloadTooLarge, RequestTimeout
from dckg.api.state import AppState
from dckg.sparql.engine import Engine, make_engine
from dckg.sparql.settings import Settings
from dckg.store import open_store
from dckg.store.base import Store

log = logging.getLogger("dckg.api")

#: Routers of the web area, included when present.
OPTIONAL_ROUTERS = (
    "dckg.api.linked",
    "dckg.api.web",
    "dckg.api.analytics",
    "dckg.api.reconciliation",
    "dckg.api.stewards",
)


def create_app(
    settings: Settings, *, store: Store | None = None, library: Mapping[str, Any] | None = None
) -> FastAPI:
    """The application for ``settings``.

    ``store`` (if given) is served instead of opening ``settings.store``, and is left
    open when the app stops; ``library`` replaces the shipped named queries.
    """
    owned = store is None
    store = store if store is not None else open_store(settings.store)
    engine = make_engine(store, settings=settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from starlette.concurrency import run_in_threadpool

        await run_in_threadpool(engine.warm_up)
        # The store's state (what the answers' validators derive from), known before the
        # first query so that none waits for it.
        await run_in_threadpool(store_state_of, app)
        try:
            yield
        finally:
            state.catalogue.close()
            engine.close()
            if owned:
                store.close()

    app = FastAPI(
        title="dckg",
        version=__version__,
        description="A knowledge graph of decentralised cooperation: SPARQL endpoint, "
        "named queries, dataset description and dumps, validation.",
        lifespan=lifespan,
        # /docs is served from the bundled Swagger UI below, never from a CDN.
        docs_url=None,
        redoc_url=None,
    )
    state = AppState(
        settings=settings,
        store=store,
        engine=engine,
        library=_library() if library is None else library,
    )
    app.state = state
    errors.install(app)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST", "HEAD", "OPTIONS"],
        allow_headers=["Accept", "Content-Type"],
        expose_headers=["Content-Disposition", "Dckg-Truncated", "Link", "ETag", "Last-Modified"],
    )
    app.add_middleware(
        BodyLimit,
        max_bytes=settings.max_body_bytes,
        timeout=settings.body_timeout,
        min_rate=settings.body_min_rate,
    )
    app.add_middleware(NoSniff)
    _include_routers(app, state.library)
    app.add_api_route("/docs", _docs, include_in_schema=False)
    return app


def _docs(request: Request) -> HTMLResponse:
    """The interactive API documentation: Swagger UI, bundled in ``static/swagger-ui``."""
    root = request.scope.get("root_path", "")
    return get_swagger_ui_html(
        openapi_url=root + "/openapi.json",
        title="dckg — HTTP API",
        swagger_js_url=root + "/static/swagger-ui/swagger-ui-bundle.js",
        swagger_css_url=root + "/static/swagger-ui/swagger-ui.css",
        swagger_favicon_url=root + "/static/favicon.svg",
        # No validator badge: it would be fetched from validator.swagger.io.
        swagger_ui_parameters={"validatorUrl": None},
    )


def _include_routers(app: FastAPI, library: Mapping[str, Any]) -> None:
    from dckg.api import dataset, queries, sparql, validate

    app.include_router(sparql.router)
    app.include_router(queries.build_router(library))
    app.include_router(dataset.router)
    app.include_router(validate.router)
    for name in OPTIONAL_ROUTERS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue
        app.include_router(module.router)


def _library() -> Any:
    """The named queries (none if the library is not installed)."""
    try:
        from dckg.queries import load_library
    except ModuleNotFoundError:
        return {}
    return load_library()


class BodyLimit:
    """Bounds a request body: over ``max_bytes`` it is refused with 413, declared or
    streamed; slower than the deadline it is cut with 408 and the connection closed.

    The deadline counts only the time spent waiting for the client: ``timeout`` seconds,
    plus one more for every ``min_rate`` bytes received. A body trickled byte by byte is
    cut after about ``timeout`` seconds; a large body sent at a steady rate is not. The
    wait is a coroutine's, never a query worker's or a thread's: a route reads its body
    before anything else.
    """

    def __init__(
        self, app: ASGIApp, *, max_bytes: int, timeout: float = 30.0, min_rate: int = 0
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.min_rate = min_rate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        too_large = PayloadTooLarge(
            f"the request body is larger than the limit of {self.max_bytes} bytes "
            "(DCKG_MAX_BODY_BYTES)"
        )
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _plain(send, 413, str(too_large))
            return
        received = 0
        waited = 0.0
        complete = False
        loop = asyncio.get_running_loop()

        async def limited() -> Message:
            nonlocal received, waited, complete
            if complete:  # the body is in: what follows is the wait for a disconnect
                return await receive()
            allowed = self.timeout + (received / self.min_rate if self.min_rate else 0) - waited
            started = loop.time()
            try:
                message = await asyncio.wait_for(receive(), max(allowed, 0.0))
            except TimeoutError:
                raise self._too_slow(received) from None
            finally:
                waited += loop.time() - started
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise too_large
                complete = not message.get("more_body", False)
            else:
                complete = True
            return message

        await self.app(scope, limited, send)

    def _too_slow(self, received: int) -> RequestTimeout:
        rate = f", plus 1 s per {self.min_rate:,} bytes received," if self.min_rate else ""
        log.warning("a request body was cut after %d bytes: too slow", received)
        return RequestTimeout(
            f"the request body did not arrive in time: {received:,} bytes came within "
            f"{self.timeout:g} s{rate} (DCKG_BODY_TIMEOUT, DCKG_BODY_MIN_RATE)"
        )


class NoSniff:
    """Adds ``X-Content-Type-Options: nosniff`` to every response.

    A browser then never runs a response as a script or a style sheet unless its
    ``Content-Type`` says so (a SPARQL result holding ``<script>`` stays data).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() != b"x-content-type-options"
                ]
                headers.append((b"x-content-type-options", b"nosniff"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_header)


async def _plain(send: Send, status: int, text: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")],
        }
    )
    await send({"type": "http.response.body", "body": (text + "\n").encode()})


__all__ = ["Engine", "Settings", "create_app"]
