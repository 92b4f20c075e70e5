"""``/contribute``: the web form for data stewards.

One page to check a contribution file against the shapes and the graph (``POST
/validate``, no token), merge it (``POST /contributions``, with the write token), list what
was merged and withdraw a contribution (``GET`` and ``DELETE /contributions``, with the
token). The page's script (``static/dckg-contribute.js``) sends the file as it is, with the
media type of its extension, and the token only in the ``Authorization`` header.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from dckg.api.pages import allow_head, render
from dckg.api.web import _CSP

router = APIRouter(tags=["web page"])

#: The media type of a contribution file, by its extension (the page sends it).
EXTENSIONS = {
    ".csv": "text/csv",
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".jsonld": "application/ld+json",
    ".json": "application/ld+json",
    ".rdf": "application/rdf+xml",
    ".owl": "application/rdf+xml",
    ".xml": "application/rdf+xml",
}


@router.get("/contribute", response_class=HTMLResponse, summary="The form for data stewards")
def contribute_page(request: Request) -> HTMLResponse:
    """Validate a file, contribute it with the write token, list and withdraw contributions."""
    root = str(request.scope.get("root_path", "")).rstrip("/")
    settings = request.app.state.settings
    page = render(
        "contribute.html",
        root=root,
        config={"root": root, "extensions": EXTENSIONS},
        writable=settings.write_token is not None,
        accept=",".join(EXTENSIONS),
    )
    return HTMLResponse(page, headers={"Content-Security-Policy": _CSP})


allow_head(router)
