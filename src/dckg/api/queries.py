"""``/queries``: the named queries, one typed route each.

``GET /queries`` lists them; ``GET /queries/{name}?param=…`` runs one, with the same
content negotiation as ``/sparql``. Routes are built when the app is created, from the
query library, so each query's parameters appear typed in the OpenAPI schema. Values are
bound to the query as RDF terms, never pasted into its text.
"""

from __future__ import annotations

import datetime
import decimal
import inspect
from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from dckg.api import negotiation
from dckg.api.deps import get_engine, get_settings
from dckg.api.engine import Engine
from dckg.api.errors import NotAcceptable
from dckg.api.settings import Settings
from dckg.api.sparql import client_of, stream
from dckg.api.worker import Job
from dckg.errors import UsageError

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
#: Query-string names that are not parameters of a query.
RESERVED = {"format"}


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
    declared = {p.name for p in named.params}

    async def run_named(request: Request, **_typed: Any) -> Response:
        engine: Engine = _typed.pop("_engine")
        settings: Settings = _typed.pop("_settings")
        unknown = set(request.query_params) - declared - RESERVED
        if unknown:
            known = ", ".join(sorted(declared)) or "none"
            raise UsageError(
                f"query {named.name!r} has no parameter {', '.join(sorted(unknown))!r} "
                f"(its parameters: {known})"
            )
        raw = {name: request.query_params.get(name) for name in declared}
        for name in declared:
            if len(request.query_params.getlist(name)) > 1:
                raise UsageError(f"parameter {name!r} is given more than once")
        bound = named.bind({k: v for k, v in raw.items() if v is not None})
        accept = negotiation.parse_accept(request.headers.get("accept"))
        format_name = request.query_params.get("format")
        if not negotiation.acceptable_at_all(accept, format_name):
            raise NotAcceptable(
                f"no result format matches {format_name or request.headers.get('accept')!r}"
            )
        job = Job(
            query=named.text,
            substitutions=bound,
            accept=accept,
            format_name=format_name,
            max_results=settings.max_results,
            max_result_bytes=settings.max_result_bytes,
        )
        return await stream(engine, job, settings.query_timeout, client_of(request))

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
    return run_named
