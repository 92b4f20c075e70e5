"""The web page at ``/``: a SPARQL editor, the named queries, and the static assets.

The editor is YASGUI (``@zazuko/yasgui`` from the npm registry, MIT), bundled into the
package by ``scripts/build-web.sh``: the page loads nothing from any other host. Its tabs
start with a named query; a menu loads any other one. Below it, every named query has a
plain HTML form, one typed input per parameter, submitting to ``/queries/{name}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from dckg.api import errors
from dckg.api.pages import allow_head, render
from dckg.namespaces import DCKG, ID

router = APIRouter(tags=["web page"])

STATIC = Path(__file__).parent / "static"
_MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
}
#: script-src 'self' only: the page's script is a file, its data a JSON block.
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self' data:; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"
)
#: How a parameter type is asked for in a form: (input type, extra attributes).
_INPUTS: dict[str, tuple[str, dict[str, str]]] = {
    "integer": ("number", {"step": "1"}),
    "decimal": ("number", {"step": "any"}),
    "year": ("number", {"step": "1", "min": "1000", "max": "9999"}),
    "date": ("date", {}),
    "boolean": ("checkbox", {}),
    # Not type=url: an IRI may be given short, relative to https://w3id.org/dckg/id/.
    "iri": ("text", {"inputmode": "url", "spellcheck": "false"}),
    "string": ("text", {}),
}


@cache
def static_files() -> dict[str, Path]:
    """The files served under ``/static/``, by their path there (nothing else is)."""
    return {
        p.relative_to(STATIC).as_posix(): p
        for p in STATIC.rglob("*")
        if p.is_file() and p.suffix in _MEDIA_TYPES
    }


@router.get("/static/{name:path}", include_in_schema=False)
def static(name: str, request: Request) -> Response:
    """One of the page's assets (an allowlist: the files shipped in the package)."""
    path = static_files().get(name)
    if path is None:
        return errors.not_found(request, f"no asset {name!r} is shipped")
    return FileResponse(
        path,
        media_type=_MEDIA_TYPES[path.suffix],
        headers={"Cache-Control": "public, max-age=86400"},
    )


@router.get("/favicon.ico", include_in_schema=False)
def favicon(request: Request) -> Response:
    """The icon browsers ask for on every page, the API's JSON included."""
    return static("favicon.svg", request)


@dataclass(frozen=True)
class Field:
    """One form input for a named-query parameter."""

    name: str
    input_type: str
    attributes: dict[str, str]
    required: bool
    value: str | None
    checked: bool
    placeholder: str | None
    type: str
    description: str


@dataclass(frozen=True)
class QueryView:
    """A named query as the page lists it."""

    name: str
    summary: str
    description: str
    tags: list[str]
    fields: list[Field]
    text: str


def field_for(param: object) -> Field:
    """The form input for a parameter (``dckg.queries.Param``)."""
    kind = str(getattr(param, "type", "string"))
    input_type, attributes = _INPUTS.get(kind, ("text", {}))
    default = getattr(param, "default", None)
    example = getattr(param, "example", None)
    is_checkbox = input_type == "checkbox"
    return Field(
        name=str(param.name),  # type: ignore[attr-defined]
        input_type=input_type,
        attributes=dict(attributes),
        required=bool(getattr(param, "required", False)) and not is_checkbox,
        value=None if is_checkbox else default,
        checked=is_checkbox and str(default).lower() in ("true", "1"),
        placeholder=None if is_checkbox or example is None else _placeholder(param, example),
        type=kind,
        description=str(getattr(param, "description", "") or ""),
    )


def _placeholder(param: object, example: object) -> str:
    if getattr(param, "is_country", False):
        return "FR, FRA or country/FRA"
    return str(example)


def query_views(library: Mapping[str, object]) -> list[QueryView]:
    """The named queries of a library, for the page."""
    views = []
    for name in sorted(library):
        query = library[name]
        views.append(
            QueryView(
                name=name,
                summary=str(getattr(query, "summary", "") or ""),
                description=str(getattr(query, "description", "") or ""),
                tags=list(getattr(query, "tags", []) or []),
                fields=[field_for(p) for p in getattr(query, "params", [])],
                text=str(getattr(query, "text", "")),
            )
        )
    return views


def get_library(request: Request) -> Mapping[str, object]:
    """The named queries: the app's own library if it keeps one, else the shipped one."""
    library = getattr(request.app.state, "library", None)
    if library is not None:
        return library
    from dckg.queries import load_library

    library = load_library()
    request.app.state.library = library
    return library


@router.get(
    "/",
    response_class=HTMLResponse,
    summary="The web page: SPARQL editor and named queries",
)
def index(request: Request) -> HTMLResponse:
    """The SPARQL editor, preloaded with the named queries, and a form per named query."""
    return editor_page(request)


def editor_page(
    request: Request, shared: Mapping[str, object] | None = None, *, status_code: int = 200
) -> HTMLResponse:
    """The front page; with ``shared`` (a query of a shared link, see :mod:`dckg.api.shared`)
    that query is filled in and run as the page opens, or, when ``shared`` has an
    ``error``, filled in and shown with the error."""
    root = str(request.scope.get("root_path", "")).rstrip("/")
    queries = query_views(get_library(request))
    if shared is not None and shared.get("kind") == "named":
        queries = [_filled(q, shared) if q.name == shared["name"] else q for q in queries]
    config = {
        "shared": dict(shared) if shared is not None else None,
        "endpoint": f"{root}/sparql",
        "examples": [{"name": q.name, "summary": q.summary, "text": q.text} for q in queries],
        # Where IRIs of the graph are shown on this server.
        "local": [[ID, f"{root}/id/"], [DCKG, f"{root}/ontology#"]],
        "world": f"{root}/static/world.svg",
        "coverage": _coverage(root, queries),
    }
    page = render("index.html", root=root, queries=queries, config=config, shared=shared)
    headers = {"Content-Security-Policy": _CSP}
    if shared is not None:
        headers["Vary"] = "Accept"
    return HTMLResponse(page, status_code=status_code, headers=headers)


def _filled(query: QueryView, shared: Mapping[str, object]) -> QueryView:
    """A named query's form with the values a shared link gives (the others empty, each
    checkbox at its default), as the page's script fills it in."""
    given = {str(k): str(v) for k, v in shared.get("params", [])}  # type: ignore[attr-defined]
    fields = []
    for f in query.fields:
        if f.name not in given:
            fields.append(replace(f, value=None) if f.input_type != "checkbox" else f)
        elif f.input_type == "checkbox":
            fields.append(replace(f, checked=given[f.name] in ("true", "1")))
        else:
            fields.append(replace(f, value=given[f.name]))
    return replace(query, fields=fields)


def _coverage(root: str, queries: list[QueryView]) -> dict[str, str]:
    """Where the page sends someone whose query found nothing: what the graph covers."""
    if any(q.name == "coverage" for q in queries):
        return {"href": "#query-coverage", "text": "the coverage table (named query coverage)"}
    return {"href": f"{root}/dataset", "text": "the dataset description"}


allow_head(router)
