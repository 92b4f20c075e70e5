"""Shared links opened in a browser: a page, not a download.

``/queries/{name}?…``, ``/sparql?query=…`` and ``/search?q=…`` answer by content
negotiation. A browser — its ``Accept`` names ``text/html`` and ranks it above every other
format the route offers — gets the web page: the query filled in and run (the named query's
form with its parameters, or the SPARQL editor), or the search results as a list. A named
query's link with a parameter missing or wrong gives a browser the same page, answered 400:
the form filled in with what the link gave and the error beside it, to fix. Any other
client gets what it got before: SPARQL JSON, XML, CSV, TSV or RDF by ``Accept``, JSON for
the search, and the route's default when ``Accept`` is missing or ``*/*``. A ``format=``
parameter always asks for the data, never for the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from dckg.sparql import formats


def wants_page(request: Request, offered: Sequence[formats.Format] = formats.REGISTRY) -> bool:
    """Whether the client names HTML and prefers it to every format in ``offered``.

    >>> from starlette.requests import Request as R
    >>> def req(accept, query=b""):
    ...     headers = [(b"accept", accept.encode())] if accept is not None else []
    ...     return R({"type": "http", "headers": headers, "query_string": query})
    >>> browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    >>> wants_page(req(browser)), wants_page(req(browser, b"format=csv"))
    (True, False)
    >>> wants_page(req(None)), wants_page(req("*/*")), wants_page(req("application/json"))
    (False, False, False)
    >>> wants_page(req("application/sparql-results+json, text/html;q=0.5"))
    False
    """
    if "format" in request.query_params:
        return False
    ranges = formats.parse_accept(request.headers.getlist("accept"))
    named = any(r.media in formats.HTML.all_media_types and r.q > 0 for r in ranges)
    return named and formats.negotiate(ranges, (formats.HTML, *offered)) is formats.HTML


def sparql_page(
    request: Request, query: str, default_graphs: list[str], named_graphs: list[str]
) -> HTMLResponse:
    """The SPARQL editor with ``query`` in a new tab, run on this server's endpoint."""
    from dckg.api.web import editor_page

    shared = {
        "kind": "sparql",
        "query": query,
        "defaultGraphs": default_graphs,
        "namedGraphs": named_graphs,
    }
    return editor_page(request, shared)


def named_page(request: Request, name: str, *, error: str | None = None) -> HTMLResponse:
    """The front page with the form of the named query ``name`` filled in and run; with
    ``error``, filled in but not run, the error shown beside it, and status 400.

    Every parameter of the link goes to the form; those it has no input for (``limit``,
    ``offset``) are sent as they are.
    """
    from dckg.api.web import editor_page

    params = [[k, v] for k, v in request.query_params.multi_items() if k != "format"]
    page: dict[str, object] = {"kind": "named", "name": name, "params": params}
    if error is None:
        return editor_page(request, page)
    return editor_page(request, page | {"error": error}, status_code=400)


def search_page(request: Request, q: str, results: list[dict[str, Any]]) -> HTMLResponse:
    """The entity search's results as a page: each entity linked to its page here."""
    from dckg.api.pages import render
    from dckg.api.web import _CSP

    root = str(request.scope.get("root_path", "")).rstrip("/")
    body = render("search.html", root=root, q=q, results=results)
    return HTMLResponse(body, headers={"Content-Security-Policy": _CSP, "Vary": "Accept"})


__all__ = ["named_page", "search_page", "sparql_page", "wants_page"]
