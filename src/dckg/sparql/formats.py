"""Every format dckg reads or writes, and one ``Accept`` negotiator.

The table of formats is :mod:`dckg.formats` (reading files uses it too); its names are
importable from here as well.

A :class:`Format` has a short name (what ``--format`` and ``format=`` take), the media
type pyoxigraph gives it, the kinds of result it can carry, and the other names and media
types people use for it. The same name can mean two formats, one per kind: ``json`` is
SPARQL JSON for a table and JSON-LD for a graph, ``xml`` SPARQL XML or RDF/XML.

>>> by_name("json", SOLUTIONS).media_type, by_name("json", GRAPH).media_type
('application/sparql-results+json', 'application/ld+json')
>>> by_name("ttl").rdf_format
<RdfFormat Turtle>
>>> negotiate("text/csv;q=0.5, application/sparql-results+xml", offers(SOLUTIONS)).name
'xml'
>>> negotiate("text/*", offers(GRAPH)).name
'turtle'
>>> negotiate("image/png", offers(SOLUTIONS)) is None
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dckg.formats import (
    BOOLEAN,
    CSV,
    DATASET,
    GRAPH,
    HTML,
    JSON,
    JSONLD,
    NQUADS,
    NTRIPLES,
    RDFXML,
    REGISTRY,
    SOLUTIONS,
    TRIG,
    TSV,
    TURTLE,
    XML,
    Format,
    by_name,
    names,
    offers,
    rdf_by_name,
)

# -- Accept ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MediaRange:
    """One media range of an ``Accept`` header."""

    media: str
    q: float
    order: int

    @property
    def specificity(self) -> int:
        return 0 if self.media in ("*/*", "*") else 1 if self.media.endswith("/*") else 2


def parse_accept(header: str | Sequence[str] | None) -> list[MediaRange]:
    """The media ranges of an ``Accept`` header (or of several), most preferred first.

    A range with q=0 is kept: it refuses what it names. A missing or empty header accepts
    anything.

    >>> [r.media for r in parse_accept("text/csv;q=0.5, application/json, */*;q=0.1")]
    ['application/json', 'text/csv', '*/*']
    """
    headers = [header] if isinstance(header, str) else list(header or [])
    parts = [part for value in headers for part in value.split(",")]
    ranges: list[MediaRange] = []
    for order, item in enumerate(parts):
        media, *params = (p.strip() for p in item.split(";"))
        if not media:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(media.lower(), q, order))
    if not ranges:
        return [MediaRange("*/*", 1.0, 0)]
    return sorted(ranges, key=lambda r: (-r.q, r.order))


def negotiate(
    accept: str | Sequence[str] | Sequence[MediaRange] | None, candidates: Sequence[Format]
) -> Format | None:
    """The candidate the client accepts best, or ``None``.

    A candidate's quality is the q of the most specific range that matches it: its media
    type or one of its other media types exactly, else ``type/*`` or ``*/*`` on its media
    type. The highest quality wins; a tie goes to the range the client listed first, then
    to the candidate listed first (the server's preference).
    """
    items = [accept] if isinstance(accept, str) else list(accept or [])
    ranges = [r for r in items if isinstance(r, MediaRange)]
    if not items or len(ranges) < len(items):
        ranges = parse_accept([r for r in items if isinstance(r, str)])
    best: tuple[float, int, int, Format] | None = None
    for index, fmt in enumerate(candidates):
        major = fmt.media_type.split("/")[0]
        matching = [
            r
            for r in ranges
            if r.media in fmt.all_media_types or r.media in ("*/*", "*", f"{major}/*")
        ]
        if not matching:
            continue
        chosen = max(matching, key=lambda r: (r.specificity, r.q, -r.order))
        if chosen.q <= 0:
            continue
        rank = (-chosen.q, chosen.order, index, fmt)
        if best is None or rank[:3] < best[:3]:
            best = rank
    return best[3] if best else None


def choose(
    accept: str | Sequence[str] | None, kind: str, format_name: str | None = None
) -> Format | None:
    """The format for a result of ``kind``: the one ``format_name`` names (a short name or
    a media type), else the one the ``Accept`` header prefers; ``None`` if none fits.

    A ``format_name`` that names nothing of ``kind`` is left to the ``Accept`` header, as
    clients send all sorts of values in that parameter.

    >>> choose("text/csv", SOLUTIONS).name, choose("application/json", GRAPH).name
    ('csv', 'jsonld')
    >>> choose("text/*", GRAPH).name, choose("image/png", SOLUTIONS) is None
    ('turtle', True)
    >>> choose("text/csv", SOLUTIONS, "tsv").name, choose("text/csv", SOLUTIONS, "nonsense").name
    ('tsv', 'csv')
    >>> choose(["text/csv;q=0.5", "application/sparql-results+xml"], SOLUTIONS).name
    'xml'
    """
    if format_name:
        known = by_name(format_name, kind)
        if known is not None:
            return known
    return negotiate(accept, offers(kind))


def acceptable(accept: str | Sequence[str] | None, format_name: str | None = None) -> bool:
    """Whether some kind of query result (a table or a graph) could be given in a format
    the client accepts.

    >>> acceptable("text/turtle"), acceptable("image/png"), acceptable("image/png", "csv")
    (True, False, True)
    """
    return any(choose(accept, kind, format_name) is not None for kind in (SOLUTIONS, GRAPH))


__all__ = [
    "BOOLEAN",
    "CSV",
    "DATASET",
    "GRAPH",
    "HTML",
    "JSON",
    "JSONLD",
    "NQUADS",
    "NTRIPLES",
    "RDFXML",
    "REGISTRY",
    "SOLUTIONS",
    "TRIG",
    "TSV",
    "TURTLE",
    "XML",
    "Format",
    "MediaRange",
    "acceptable",
    "by_name",
    "choose",
    "names",
    "negotiate",
    "offers",
    "parse_accept",
    "rdf_by_name",
]
