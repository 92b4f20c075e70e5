"""The policy-link analytics page at ``/analytics``: figures drawn from named queries.

Each figure is the answer of one named query of the library (``queries/*.rq``), fetched by
the page from ``/queries/{name}`` and drawn in the browser: bar charts where a comparison
is the point, tables where the words are (the gaps). Every figure names its query and links
to it three ways: its form on the front page, its SPARQL opened in the editor, and its
answer as CSV or JSON. The page runs every query with its defaults, so the SPARQL shown in
the editor gives exactly the figure's numbers. See docs/analytics.md.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from dckg.api.pages import allow_head, render
from dckg.api.web import _CSP, get_library
from dckg.namespaces import DCKG, ID

router = APIRouter(tags=["web page"])


@dataclass(frozen=True)
class Figure:
    """One figure of the page and the named query that produces it."""

    id: str
    query: str
    #: ``bars``: one bar per row; ``bars-per``: one bar chart per value of ``group``;
    #: ``matrix``: rows by ``label`` and columns by ``group``; ``table``: the columns.
    kind: str
    title: str
    text: str
    label: str = "label"
    #: The count columns drawn, space-separated: one chart each (a matrix cell shows all).
    value: str = ""
    group: str = ""
    columns: list[str] = field(default_factory=list)


#: What each count column of the figures counts, in words (chart captions, table headers).
COLUMN_WORDS = {
    "partnerships": "twinnings and partnerships",
    "fundedActions": "funded actions",
    "signatories": "network signatories",
    "areaLabel": "priority area",
    "themes": "themes",
    "targets": "SDG targets",
    "objectives": "narrative objectives",
    "projects": "Global Gateway projects",
}

FIGURES = (
    Figure(
        "objective-partnerships",
        "objective-reach",
        "bars",
        "Twinnings and partnerships advancing each objective",
        "How many partnerships between local governments (twinnings, projects, other "
        "partnerships) work on a theme the narrative names for the objective, on a theme "
        "serving one of its SDG goals, or claim it.",
        value="partnerships",
    ),
    Figure(
        "objective-funded-actions",
        "objective-reach",
        "bars",
        "Funded actions advancing each objective",
        "How many funded actions (EU Trust Fund for Africa projects, …) work on a theme the "
        "narrative names for the objective, on a theme serving one of its SDG goals, or "
        "claim it. They are not partnerships between local governments: their implementers "
        "are agencies, NGOs and international organisations.",
        value="fundedActions",
    ),
    Figure(
        "objective-signatories",
        "objective-reach",
        "bars",
        "Network signatories advancing each objective",
        "How many city-network signatories (the Covenant of Mayors') committed to the "
        "objective, to a commitment linked to it, or to one linked to one of its SDG goals.",
        value="signatories",
    ),
    Figure(
        "objective-regions",
        "objective-reach-by-region",
        "matrix",
        "Per world region",
        "Twinnings and partnerships / funded actions / network signatories in each "
        "continent (UN M49) advancing each objective; one in two continents counts in both.",
        label="notation",
        value="partnerships fundedActions signatories",
        group="regionLabel",
    ),
    Figure(
        "objective-instruments",
        "objective-reach-by-instrument",
        "bars-per",
        "Per funding instrument",
        "For each instrument that funds partnerships or funded actions in the graph, how "
        "many of the twinnings and partnerships and how many of the funded actions it funds "
        "advance each objective.",
        label="notation",
        value="partnerships fundedActions",
        group="instrumentLabel",
    ),
    Figure(
        "priority-areas",
        "priority-area-reach",
        "bars",
        "Global Gateway priority areas",
        "Twinnings and partnerships, and funded actions, working on a theme of each priority "
        "area; the table gives the themes, the SDG targets and narrative objectives they "
        "reach, and the Global Gateway projects the graph holds.",
        label="areaLabel",
        value="partnerships fundedActions",
        columns=[
            "areaLabel",
            "themes",
            "partnerships",
            "fundedActions",
            "targets",
            "objectives",
            "projects",
        ],
    ),
    Figure(
        "gaps",
        "objective-gaps",
        "table",
        "Gaps: objectives nothing advances yet",
        "The objectives no partnership, funded action, result or signatory advances, what "
        "links them to data, and why nothing reaches them.",
        columns=["notation", "label", "goals", "themes", "relatedObjectives", "reason"],
    ),
)


@router.get(
    "/analytics",
    response_class=HTMLResponse,
    summary="Policy-link analytics: figures drawn from the named queries",
)
def analytics(request: Request) -> HTMLResponse:
    """Who advances the narrative's objectives, per region and instrument, and the gaps."""
    root = str(request.scope.get("root_path", "")).rstrip("/")
    library = get_library(request)
    figures = [f for f in FIGURES if f.query in library]
    links = {f.query: _links(root, f.query, library[f.query]) for f in figures}
    config = {
        "figures": [asdict(f) | {"answer": links[f.query]["answer"]} for f in figures],
        "local": [[ID, f"{root}/id/"], [DCKG, f"{root}/ontology#"]],
        "words": COLUMN_WORDS,
    }
    page = render("analytics.html", root=root, figures=figures, links=links, config=config)
    return HTMLResponse(page, headers={"Content-Security-Policy": _CSP})


def _links(root: str, name: str, query: object) -> dict[str, str]:
    """Where a figure's query is: its form, its SPARQL in the editor, its answer."""
    text = str(getattr(query, "text", ""))
    return {
        "form": f"{root}/#query-{name}",
        "editor": f"{root}/?" + urlencode({"query": text, "tabTitle": name}),
        "answer": f"{root}/queries/{name}",
    }


allow_head(router)
