"""``/queries``: the named queries, one typed route each.

``GET /queries`` lists them; ``GET /queries/{name}?param=…`` runs one, with the same
content negotiation as ``/sparql``. Routes are built when the app is created, from the
query library, so each query's parameters appear typed in the OpenAPI schema. Values are
bound to the query as RDF terms, never pasted into its text.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import inspect
from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from dckg.api import shared
from dckg.api.answers import respond
from dckg.api.deps import get_engine, get_settings
from dckg.api.errors import NotAcceptable
from dckg.api.sparql import client_of
from dckg.errors import UsageError
from dckg.sparql import formats
from dckg.sparql.engine import Engine
from dckg.sparql.settings import Settings

#: Python types FastAPI checks and documents, per parameter type of the library.
PYTHON_TYPES: dict[str, Any] = {
    "iri": str,
    "string": str,
    "integer": int,
    "date": datetime.date,
    "year": str,
    "boolean": bool,
    "decimal": decimal.Decimal,
}
#: Extra JSON-schema keywords per parameter type.
SCHEMA_EXTRA: dict[str, dict[str, Any]] = {
    "iri": {"format": "iri"},
    "year": {"pattern": r"^-?[0-9]{4,}$"},
}
#: Query-string names that are not parameters of a query: the format, and paging.
RESERVED = {"format", "limit", "offset"}


def build_router(library: Mapping[str, Any]) -> APIRouter:
    """A router with the catalogue and one route per named query."""
    router = APIRouter(tags=["named queries"])
    catalogue = [_entry(q) for q in library.values()]

    @router.get("/queries", summary="The catalogue of named queries")
    async def list_queries() -> dict[str, list[dict[str, Any]]]:
        """Every named query: name, summary, description, tags and typed parameters."""
        return {"queries": catalogue}

    for named in library.values():
        router.add_api_route(
            f"/queries/{named.name}",
            _endpoint(named),
            methods=["GET"],
            summary=named.summary,
            description=named.description or named.summary,
            operation_id=f"query_{named.name.replace('-', '_')}",
            response_class=Response,
            responses={200: {"description": "Query results, by content negotiation."}},
        )
    return router


def _paging(request: Request, cap: int) -> tuple[int | None, int]:
    """``limit`` (at most the server's row cap) and ``offset`` from the query string."""
    values = []
    for name in ("limit", "offset"):
        raw = request.query_params.get(name)
        if raw is None:
            values.append(None)
            continue
        if not raw.isdigit() or (name == "limit" and int(raw) < 1):
            least = 1 if name == "limit" else 0
            raise UsageError(f"{name} must be a whole number of at least {least}, not {raw!r}")
        values.append(int(raw))
    limit, offset = values
    return (min(limit, cap) if limit is not None else None), offset or 0


def _entry(named: Any) -> dict[str, Any]:
    return {
        "name": named.name,
        "summary": named.summary,
        "description": named.description,
        "tags": list(named.tags),
        "url": f"queries/{named.name}",
        "params": [
            {
                "name": p.name,
                "type": p.type,
                "required": p.required,
                "default": p.default,
                "example": p.example,
                "description": p.description,
            }
            for p in named.params
        ],
    }


def _endpoint(named: Any) -> Callable[..., Awaitable[Response]]:
    """A handler whose signature declares the query's parameters (for FastAPI)."""

    async def run_named(request: Request, **_typed: Any) -> Response:
        engine: Engine = _typed.pop("_engine")
        settings: Settings = _typed.pop("_settings")
        if shared.wants_page(request):
            return _shared_page(named, request, settings.max_results)
        bound = _bind(named, request)
        accept = request.headers.getlist("accept")
        format_name = request.query_params.get("format")
        if not formats.acceptable(accept, format_name):
            raise NotAcceptable(
                f"no result format matches {format_name or request.headers.get('accept')!r}"
            )
        limit, offset = _paging(request, settings.max_results)
        job = engine.job(
            named.text,
            substitutions=bound,
            accept=accept,
            fmt=format_name,
            max_results=limit or settings.max_results,
            max_result_bytes=settings.max_result_bytes,
            offset=offset,
            hold=True,
            check_services=False,
        )

        def page(rows: int, more: bool) -> dict[str, str]:
            if not more:
                return {}
            query = [(k, v) for k, v in request.query_params.multi_items() if k != "offset"]
            query = [(k, v) for k, v in query if k != "limit"]
            query += [("limit", str(limit or settings.max_results)), ("offset", str(offset + rows))]
            return {"Link": f'<{request.url.path}?{urlencode(query)}>; rel="next"'}

        return await respond(
            request,
            engine,
            job,
            settings.query_timeout,
            client_of(request),
            page=page,
            asked_limit=limit is not None and limit < settings.max_results,
        )

    parameters = [
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request),
        inspect.Parameter(
            "_engine",
            inspect.Parameter.KEYWORD_ONLY,
            annotation=Annotated[Engine, Depends(get_engine)],
        ),
        inspect.Parameter(
            "_settings",
            inspect.Parameter.KEYWORD_ONLY,
            annotation=Annotated[Settings, Depends(get_settings)],
        ),
    ]
    for p in named.params:
        python_type = PYTHON_TYPES.get(p.type, str)
        annotation = Annotated[
            python_type if p.required else python_type | None,
            Query(
                alias=p.name,
                description=p.description or None,
                examples=[p.example] if p.example is not None else None,
                json_schema_extra=SCHEMA_EXTRA.get(p.type),
            ),
        ]
        parameters.append(
            inspect.Parameter(
                f"p_{p.name}",
                inspect.Parameter.KEYWORD_ONLY,
                annotation=annotation,
                default=inspect.Parameter.empty if p.required else None,
            )
        )
    run_named.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    run_named.__name__ = f"query_{named.name.replace('-', '_')}"
    # errors.install asks the route for a browser's page when FastAPI finds the link invalid
    run_named.invalid_page = functools.partial(_invalid_page, named)  # type: ignore[attr-defined]
    return run_named


def _shared_page(named: Any, request: Request, cap: int) -> Response:
    """The page of a shared link: the form filled in and run, or, when the link's
    parameters are wrong, the form filled in with them and the error, answered 400."""
    try:
        _bind(named, request)
        _paging(request, cap)
    except UsageError as error:
        return shared.named_page(request, named.name, error=str(error))
    return shared.named_page(request, named.name)


def _invalid_page(named: Any, request: Request, message: str) -> Response | None:
    """For a browser, the 400 page of a link FastAPI found invalid (a required parameter
    missing, a value not of its type), with the message of the library's own check, which
    names the query and the parameter, or else FastAPI's; ``None`` for other clients."""
    if not shared.wants_page(request):
        return None
    try:
        _bind(named, request)
    except UsageError as error:
        message = str(error)
    return shared.named_page(request, named.name, error=message)


def _bind(named: Any, request: Request) -> dict[str, Any]:
    """The query's parameters from the query string, as RDF terms; :class:`UsageError`
    for a parameter the query does not have, one given twice, or a value of the wrong
    type."""
    declared = {p.name for p in named.params}
    unknown = set(request.query_params) - declared - RESERVED
    if unknown:
        known = ", ".join(sorted(declared)) or "none"
        raise UsageError(
            f"query {named.name!r} has no parameter {', '.join(sorted(unknown))!r} "
            f"(its parameters: {known})"
        )
    for name in declared:
        if len(request.query_params.getlist(name)) > 1:
            raise UsageError(f"parameter {name!r} is given more than once")
    raw = {name: request.query_params.get(name) for name in declared}
    return dict(named.bind({k: v for k, v in raw.items() if v is not None}))
