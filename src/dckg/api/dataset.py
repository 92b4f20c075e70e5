"""The dataset's description (DCAT-AP 3.0.1 and VoID) and its dumps, over HTTP.

``/.well-known/void`` (also ``/dataset``) serves the description :mod:`dckg.catalog`
builds, as RDF or as a page for browsers; ``/dumps/{file}`` serves the dumps it lists.
What is described, and how, lives in :mod:`dckg.catalog`; this module only reads requests
and writes responses.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from email.utils import formatdate, parsedate_to_datetime

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response
from pyoxigraph import Triple, serialize
from starlette.concurrency import run_in_threadpool

from dckg import catalog
from dckg.api.errors import NotAcceptable
from dckg.api.state import app_state
from dckg.catalog import DUMPS, Described, DumpFile, Inventory, service_description
from dckg.catalog.description import LICENCE_NAMES, eu_licence, void_description
from dckg.catalog.terms import DESCRIPTION_PREFIXES
from dckg.errors import NotFound
from dckg.sparql import formats
from dckg.store.base import Store

router = APIRouter(tags=["dataset"])


def inventory(request: Request) -> Inventory:
    """The store's counts, graphs and dates for the current version of the data: taken
    again only after a write (blocking, a few seconds on a large store)."""
    state = app_state(request)
    return state.catalogue.inventory(state.data_version)


def base_url(request: Request) -> str:
    """The server's own address, as the client reached it, without a trailing slash."""
    return str(request.base_url).rstrip("/")


def rdf_response(request: Request, triples: list[Triple]) -> Response:
    """Triples in the RDF format the client accepts (Turtle by default)."""
    accept = request.headers.getlist("accept")
    fmt = formats.choose(accept, formats.GRAPH, request.query_params.get("format"))
    if fmt is None:
        raise NotAcceptable(
            "this resource is RDF: ask for text/turtle, application/n-triples, "
            "application/ld+json or application/rdf+xml"
        )
    options = {"prefixes": DESCRIPTION_PREFIXES} if fmt.name == "turtle" else {}
    body = serialize(triples, None, fmt.rdf_format, **options)
    return Response(body, media_type=fmt.media_type, headers={"Vary": "Accept"})


# -- routes -------------------------------------------------------------------------------


def described(request: Request) -> Described:
    """The app's latest description of the dataset; never waits for a rebuild (blocking
    only for the first one, which counts the graphs)."""
    state = app_state(request)
    return state.catalogue.described(state.data_version)


@router.get("/.well-known/void", summary="VoID and DCAT description of the dataset")
async def well_known_void(request: Request) -> Response:
    """The dataset described with VoID and DCAT-AP 3.0.1; Turtle by default, an HTML page
    of the sources and their licences for a browser.

    After a write the description is rebuilt in the background; until then the previous
    one is served, each version with its own ``ETag`` (``If-None-Match`` gets ``304``).
    """
    return await run_in_threadpool(_description, request)


def _description(request: Request) -> Response:
    found = described(request)
    if _wants_html(request):
        response = _page(request, found.inventory, found.files)
    else:
        triples = void_description(found.inventory, base_url(request), found.files)
        response = rdf_response(request, triples)
    etag = f'"{hashlib.sha256(bytes(response.body)).hexdigest()[:32]}"'
    headers = {"ETag": etag, "Cache-Control": "no-cache", "Vary": "Accept"}
    if _matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    response.headers.update(headers)
    return response


def description_store(request: Request) -> Store:
    """The latest description as a small in-memory store, so that every IRI it mints
    (catalogue, datasets, distributions, linksets, …) dereferences like ``/id/…``."""
    return catalog.description_store(described(request), base_url(request))


def _matches(header: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (weakly compared, RFC 9110)."""
    if header is None:
        return False
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return "*" in tags or etag in tags


def _wants_html(request: Request) -> bool:
    """A browser's request: HTML named in ``Accept`` and preferred, no ``format``."""
    from dckg.api.negotiation import HTML, negotiate

    accept = request.headers.get("accept") or ""
    return HTML in accept and "format" not in request.query_params and negotiate(accept) == HTML


def _page(request: Request, inv: Inventory, files: dict[str, DumpFile]) -> Response:
    from dckg.api.pages import render

    sources = [
        {
            "graph": s.graph.value,
            "title": s.title or s.graph.value,
            "triples": f"{s.triples:,}",
            "page": s.source.value if s.source else None,
            "licence": s.licence.value if s.licence else None,
            "licence_name": LICENCE_NAMES.get(eu_licence(s.licence).value, s.licence.value)
            if s.licence
            else None,
            "citation": s.citation.value if s.citation else None,
        }
        for s in inv.sources
    ]
    dumps = [
        {"name": name, "title": DUMPS[name].title, "size": f"{f.size:,}", "sha256": f.sha256}
        for name, f in files.items()
    ]
    body = render(
        "dataset.html",
        root=str(request.scope.get("root_path", "")).rstrip("/"),
        total=f"{inv.total:,}",
        modified=inv.modified,
        sources=sources,
        linksets=[
            {"title": ls.title, "triples": f"{ls.triples:,}", "predicate": ls.predicate.value}
            for ls in inv.linksets
        ],
        dumps=dumps,
    )
    return Response(body, media_type="text/html", headers={"Vary": "Accept"})


@router.get("/dataset", summary="VoID and DCAT description of the dataset")
async def dataset(request: Request) -> Response:
    """The same description as ``/.well-known/void``."""
    return await well_known_void(request)


@router.get("/dumps", summary="The downloadable dumps")
async def dumps() -> dict[str, list[dict[str, str]]]:
    """The dump files, their media types and what they hold."""
    return {
        "dumps": [
            {"name": d.name, "title": d.title, "mediaType": d.media_type, "url": f"dumps/{d.name}"}
            for d in DUMPS.values()
        ]
    }


@router.get("/dumps/{name}", summary="Download a dump of the whole store")
async def download(name: str, request: Request) -> Response:
    """One dump file (see ``/dumps``), written once per state of the store and served
    with its size, ``ETag`` and ``Last-Modified``; conditional and range requests work.
    The dump is the one the description lists (the previous state's while the
    description is rebuilt after a write). Unknown names are 404."""
    dump = DUMPS.get(name)
    if dump is None:
        raise NotFound(f"no dump called {name!r}; available: {', '.join(DUMPS)}")
    found = await run_in_threadpool(described, request)
    made = found.files.get(name)
    if made is None:
        catalogue = app_state(request).catalogue
        made = await run_in_threadpool(catalogue.dumps.file, catalogue.store, found.inventory, dump)
    headers = {"ETag": made.etag, "Cache-Control": "no-cache"}
    stamp = _http_date(made.modified) or formatdate(made.path.stat().st_mtime, usegmt=True)
    headers["Last-Modified"] = stamp
    if _not_modified(request, made.etag, stamp):
        return Response(status_code=304, headers=headers)
    media_type = "application/gzip" if dump.gzip else dump.media_type
    return FileResponse(made.path, media_type=media_type, headers=headers, filename=dump.name)


def _http_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return formatdate(moment.timestamp(), usegmt=True)


def _not_modified(request: Request, etag: str, stamp: str) -> bool:
    """RFC 9110 section 13.2.2: ``If-None-Match`` first, else ``If-Modified-Since``."""
    wanted = request.headers.get("if-none-match")
    if wanted is not None:
        return _matches(wanted, etag)
    since = request.headers.get("if-modified-since")
    if since is None:
        return False
    try:
        return parsedate_to_datetime(stamp) <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False


__all__ = ["base_url", "inventory", "rdf_response", "router", "service_description"]
