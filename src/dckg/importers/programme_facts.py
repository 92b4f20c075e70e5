"""Import programme facts: figures about Partnerships for Sustainable Cities and Global Gateway.

Input: ``facts.csv`` (columns ``programme, attribute, value, unit, as_of, source_url``), one
figure a row, each read from the public page it names. Each row becomes one
``dckg:ReportedFigure``: what it is about (the programme, a call, Global Gateway), the
attribute, the source's own wording, the number where there is one, the unit, the date
and the source page. Where a row records two values from two sources (e.g. 34 or 35
partner countries) it becomes two figures, each with its own source (:data:`SPLITS`);
nothing is averaged or picked.

The 2020 call's lots become ``dckg:Lot`` nodes with their budgets and, for the geographic
lots, their EU external-action region; the calls get their deadlines. The list of the 57
partnerships is not in any source as data, and none is made up.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Triple

from dckg.datasets import dataset_triples
from dckg.errors import InputError
from dckg.importers import reports
from dckg.importers.contract import BaseImporter, Source, register
from dckg.importers.tables import Row, decimal_literal, read_csv, typed
from dckg.namespaces import DCKG, DCT, PROV, RDF, RDFS, graph, thing

DATASET = graph("reference/programme-facts")
COLUMNS = ("programme", "attribute", "value", "unit", "as_of", "source_url")
PSC = thing("programme", "partnerships-for-sustainable-cities")
GLOBAL_GATEWAY = thing("framework", "global-gateway")
ATLAS = thing("source", "cncd-atlas-cooperation-decentralisee")
CC_BY = NamedNode("https://creativecommons.org/licenses/by/4.0/")

#: programme column -> the thing its figures are about.
PROGRAMMES = {
    "Partnerships for Sustainable Cities": PSC,
    "Global Gateway": GLOBAL_GATEWAY,
    "Atlas francais de la cooperation decentralisee (CNCD)": ATLAS,
}
_KEYS = {PSC: "psc", GLOBAL_GATEWAY: "global-gateway", ATLAS: "cncd-atlas"}
#: Rows that hold two values: attribute -> [(value, unit, as_of, source URL or None: the row's)].
SPLITS: dict[str, list[tuple[str, str, str | None, str | None]]] = {
    "call_2020_budget": [
        ("111.55", "EUR million", None, None),
        (
            "115.55",
            "EUR million",
            None,
            "https://banquedesterritoires.fr/action-exterieure-lue-appelle-les-collectivites-promouvoir-des-villes-durables",
        ),
    ],
    "partner_countries": [
        (
            "35",
            "countries",
            None,
            "https://ecdpm.org/work/partnerships-sustainable-cities-2022-2024",
        ),
        ("34", "countries", None, None),
    ],
    "investment_target_2021_2027": [
        ("300", "EUR billion", "2021-12", None),
        ("400", "EUR billion", "2025-10", None),
    ],
    "flagships_2023": [("87", "projects", None, None), ("44", "projects in Africa", None, None)],
}
#: The 2020 call's lots: attribute -> (label, EU external-action region key or None).
LOTS = {
    "call_2020_lot1_sub_saharan_africa": ("Lot 1: Sub-Saharan Africa", "sub-saharan-africa"),
    "call_2020_lot2_asia_pacific": ("Lot 2: Asia and the Pacific", "asia-and-the-pacific"),
    "call_2020_lot3_latin_america_caribbean": (
        "Lot 3: Latin America and the Caribbean",
        "americas-and-the-caribbean",
    ),
    "call_2020_lot4_southern_eastern_neighbourhood": (
        "Lot 4: Southern and Eastern Neighbourhood",
        "neighbourhood",
    ),
    "call_2020_lot5_sustainable_towns": ("Lot 5: sustainable towns", None),
    "call_2020_lot6_fragile_countries": ("Lot 6: cities in fragile countries", None),
}
_CALL = re.compile(r"^call_(2018|2020|2021)_")
_NUMBER = re.compile(r"^(~|>)?\s*(\d+(?:\.\d+)?)")
_AS_OF = re.compile(r"^(\d{4})(?:-(\d{2}))?$|^c\.(\d{4})$")
_A = NamedNode(RDF + "type")
_MILLION = Decimal(1_000_000)


def _p(local: str) -> NamedNode:
    return NamedNode(DCKG + local)


@dataclass(frozen=True)
class Figure:
    """One reported figure, as one source states it."""

    key: str
    about: NamedNode
    attribute: str
    text: str
    number: Decimal | None
    approximate: bool
    unit: str
    as_of: str
    source: str
    line: int


def import_facts(path: Path) -> list[Figure]:
    """Read ``facts.csv`` (or a folder holding it) into reported figures."""
    if path.is_dir():
        path = path / "facts.csv"
    figures: list[Figure] = []
    seen: set[str] = set()
    for row in read_csv(path, COLUMNS):
        for figure in _figures(row):
            if figure.key in seen:
                raise row.error(
                    f"a second figure {figure.attribute!r} for the same thing", "attribute"
                )
            seen.add(figure.key)
            figures.append(figure)
    return figures


def _figures(row: Row) -> Iterator[Figure]:
    programme = row.text("programme")
    if programme not in PROGRAMMES:
        raise row.error(f"unknown programme {programme!r}", "programme")
    attribute = row.text("attribute")
    if not re.fullmatch(r"[a-z0-9_]+", attribute):
        raise row.error(f"an attribute is lower_snake_case, not {attribute!r}", "attribute")
    source = row.text("source_url")
    if not source.startswith(("https://", "http://")):
        raise row.error("every figure needs the URL of its source page", "source_url")
    as_of = row.text("as_of")
    if not _AS_OF.match(as_of):
        raise row.error(f"as_of is YYYY, YYYY-MM or c.YYYY, not {as_of!r}", "as_of")
    about = _about(programme, attribute)
    values = SPLITS.get(attribute) or [(row.text("value"), row.text("unit"), None, None)]
    for index, (text, unit, date, url) in enumerate(values, start=1):
        match = _NUMBER.match(text)
        numeric = unit and unit not in ("date", "list")
        number = Decimal(match.group(2)) if numeric and match and match.group(1) != ">" else None
        key = f"{about_key(programme)}-{attribute.replace('_', '-')}"
        if len(values) > 1:
            key += f"-{index}"
        yield Figure(
            key=key,
            about=about,
            attribute=attribute,
            text=row.text("value") if len(values) == 1 else text,
            number=number,
            approximate=bool(match and match.group(1) == "~"),
            unit=unit,
            as_of=date or as_of,
            source=url or source,
            line=row.line,
        )


def about_key(programme: str) -> str:
    """The short key of a programme in the IRIs of its figures.

    >>> about_key("Global Gateway")
    'global-gateway'
    """
    return _KEYS[PROGRAMMES[programme]]


def _about(programme: str, attribute: str) -> NamedNode:
    call = _CALL.match(attribute)
    if programme == "Partnerships for Sustainable Cities" and call:
        return thing("call", f"psc-{call.group(1)}")
    return PROGRAMMES[programme]


def _as_of_literal(value: str) -> Literal:
    match = _AS_OF.match(value)
    assert match is not None
    year, month, circa = match.groups()
    if circa:
        return typed(circa, "gYear")
    return typed(f"{year}-{month}", "gYearMonth") if month else typed(year, "gYear")


def figure_iri(figure: Figure) -> NamedNode:
    return thing("figure", figure.key)


def triples(figures: list[Figure]) -> Iterator[Triple]:
    """The RDF of the figures, the 2020 call's lots and the calls' deadlines."""
    yield from _dataset_triples(figures)
    yield Triple(ATLAS, _A, NamedNode(PROV + "Entity"))
    yield Triple(
        ATLAS,
        NamedNode(RDFS + "label"),
        Literal("Atlas français de la coopération décentralisée (CNCD)", language="fr"),
    )
    for figure in figures:
        f = figure_iri(figure)
        yield Triple(f, _A, _p("ReportedFigure"))
        yield Triple(f, NamedNode(RDFS + "label"), Literal(f"{figure.attribute}: {figure.text}"))
        yield Triple(f, _p("about"), figure.about)
        yield Triple(f, _p("attribute"), Literal(figure.attribute))
        yield Triple(f, _p("reportedText"), Literal(figure.text))
        if figure.number is not None:
            yield Triple(f, _p("reportedValue"), decimal_literal(figure.number))
        if figure.approximate:
            yield Triple(f, _p("approximate"), typed("true", "boolean"))
        if figure.unit:
            yield Triple(f, _p("reportedUnit"), Literal(figure.unit))
        yield Triple(f, _p("asOf"), _as_of_literal(figure.as_of))
        yield Triple(f, NamedNode(DCT + "source"), NamedNode(figure.source))
        yield from _direct(figure)


def _direct(figure: Figure) -> Iterator[Triple]:
    """Statements on the call itself where one source gives the figure (lots, deadlines)."""
    if figure.attribute in LOTS and figure.number is not None:
        label, region = LOTS[figure.attribute]
        lot = thing("lot", f"psc-2020-{figure.attribute.split('_')[2]}")
        yield Triple(figure.about, _p("lot"), lot)
        yield Triple(lot, _A, _p("Lot"))
        yield Triple(lot, NamedNode(RDFS + "label"), Literal(label, language="en"))
        yield Triple(lot, _p("budget"), decimal_literal(figure.number * _MILLION))
        yield Triple(lot, _p("currency"), Literal("EUR"))
        yield Triple(lot, NamedNode(DCT + "source"), NamedNode(figure.source))
        if region:
            yield Triple(lot, _p("externalActionRegion"), thing("ea-region", region))
    elif figure.attribute in ("call_2020_deadline", "call_2021_concept_note_deadline"):
        date = figure.text[:10]
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
            raise InputError(f"not a date: {figure.text!r}", source="facts.csv", line=figure.line)
        yield Triple(figure.about, _p("deadline"), typed(date, "date"))


def _dataset_triples(figures: list[Figure]) -> Iterator[Triple]:
    sources = sorted({f.source for f in figures})
    description = (
        f"{len(figures)} figures about the Partnerships for Sustainable Cities programme "
        f"(envelope, the calls of 2018, 2020 and 2021 with budgets, lots by region, "
        f"deadlines, projects selected and their value), Global Gateway (investment "
        f"target, priority areas, flagship projects per year) and the French atlas of "
        f"decentralised cooperation, each with the page it was read from; where sources "
        f"disagree both values are kept, each with its source. The 2020 call's lots are "
        f"also stated on the call. Figures, not lists: no individual partnership or "
        f"project is listed."
    )
    yield from dataset_triples(
        DATASET,
        title="Programme facts with their sources",
        description=description,
        sources=[NamedNode(source) for source in sources],
        licence=CC_BY,
        citation=(
            "Figures read from the public pages of the European Commission, EEAS, PLATFORMA, "
            "ECDPM, OECD, the Council of the EU and the press, each cited on its figure "
            "(dct:source)"
        ),
        publisher="dckg contributors",
    )


# -- the importer --------------------------------------------------------------------------


def report(figures: list[Figure], *, command: str, size: int) -> str:
    """The report of a programme-facts import: every figure with its source."""
    rows = [
        (
            f"`{f.about.value.removeprefix('https://w3id.org/dckg/id/')}`",
            f.attribute,
            f.text.replace("|", "/"),
            f.unit,
            f.as_of,
            f"<{f.source}>",
        )
        for f in figures
    ]
    return reports.render(
        "programme-facts",
        command=command,
        size=size,
        dataset=DATASET.value,
        figures=len(figures),
        rows=rows,
    )


class ProgrammeFactsImporter(BaseImporter):
    name = "programme-facts"
    dataset = DATASET
    stem = "programme-facts"
    help = "Import programme facts (facts.csv, or its folder): each figure with its source page."

    def read(self, source: Source) -> list[Figure]:
        return import_facts(source.path)

    def triples(self, result: list[Figure]) -> Iterator[Triple]:
        return triples(result)

    def report(self, result: list[Figure], *, command: str, size: int) -> str:
        return report(result, command=command, size=size)

    def summary(self, result: list[Figure]) -> list[str]:
        return [f"{len(result)} reported figures"]


IMPORTER = register(ProgrammeFactsImporter())


__all__ = ["DATASET", "IMPORTER", "Figure", "figure_iri", "import_facts", "report", "triples"]
