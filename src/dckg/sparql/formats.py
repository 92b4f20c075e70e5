"""Every format dckg reads or writes, in one table built on pyoxigraph's, and one ``Accept``
negotiator.

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
from dataclasses import dataclass, field

from pyoxigraph import QueryResultsFormat, RdfFormat

#: Kinds of content: a table of solutions, a boolean, a graph (triples), a dataset (quads).
SOLUTIONS = "solutions"
BOOLEAN = "boolean"
GRAPH = "graph"
DATASET = "dataset"
#: Not RDF: a web page.
HTML_KIND = "html"


@dataclass(frozen=True)
class Format:
    """A representation: short name, media type, what it carries, its other names."""

    name: str
    media_type: str
    kinds: frozenset[str]
    extension: str
    names: tuple[str, ...] = ()
    media_types: tuple[str, ...] = ()
    results_format: QueryResultsFormat | None = field(default=None, compare=False)
    rdf_format: RdfFormat | None = field(default=None, compare=False)

    def __repr__(self) -> str:
        return f"<Format {self.name} {self.media_type}>"

    @property
    def all_names(self) -> tuple[str, ...]:
        return (self.name, self.extension, *self.names)

    @property
    def all_media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.media_types)


def _results(fmt: QueryResultsFormat, name: str, **extra: tuple[str, ...]) -> Format:
    return Format(
        name=name,
        media_type=fmt.media_type.split(";")[0],
        kinds=frozenset({SOLUTIONS, BOOLEAN}),
        extension=fmt.file_extension,
        results_format=fmt,
        **extra,  # type: ignore[arg-type]
    )


def _rdf(fmt: RdfFormat, name: str, **extra: tuple[str, ...]) -> Format:
    kinds = {DATASET} if fmt.supports_datasets else set()
    if fmt not in (RdfFormat.N_QUADS, RdfFormat.TRIG):
        kinds.add(GRAPH)
    return Format(
        name=name,
        media_type=fmt.media_type,
        kinds=frozenset(kinds),
        extension=fmt.file_extension,
        rdf_format=fmt,
        **extra,  # type: ignore[arg-type]
    )


JSON = _results(QueryResultsFormat.JSON, "json", media_types=("application/json",))
XML = _results(QueryResultsFormat.XML, "xml", media_types=("application/xml", "text/xml"))
CSV = _results(QueryResultsFormat.CSV, "csv")
TSV = _results(QueryResultsFormat.TSV, "tsv")
TURTLE = _rdf(
    RdfFormat.TURTLE,
    "turtle",
    names=("n3",),
    media_types=("application/x-turtle", "application/turtle"),
)
NTRIPLES = _rdf(
    RdfFormat.N_TRIPLES, "nt", names=("ntriples", "n-triples"), media_types=("text/plain",)
)
JSONLD = _rdf(
    RdfFormat.JSON_LD, "jsonld", names=("json-ld", "json"), media_types=("application/json",)
)
RDFXML = _rdf(
    RdfFormat.RDF_XML,
    "rdfxml",
    names=("rdf", "owl", "xml", "rdf-xml", "rdf+xml"),
    media_types=("application/xml", "text/xml"),
)
NQUADS = _rdf(RdfFormat.N_QUADS, "nq", names=("nquads", "n-quads"))
TRIG = _rdf(RdfFormat.TRIG, "trig")
HTML = Format("html", "text/html", frozenset({HTML_KIND}), "html", (), ("application/xhtml+xml",))

#: Every format, in the server's order of preference within each kind.
REGISTRY: tuple[Format, ...] = (JSON, XML, CSV, TSV, TURTLE, NTRIPLES, JSONLD, RDFXML, NQUADS, TRIG)


def offers(kind: str) -> tuple[Format, ...]:
    """The formats that carry ``kind``, preferred first."""
    return tuple(f for f in REGISTRY if kind in f.kinds)


def by_name(name: str, kind: str | None = None) -> Format | None:
    """The format a short name, an extension or a media type stands for (per kind)."""
    key = name.strip().lower().lstrip(".")
    for fmt in REGISTRY if kind is None else offers(kind):
        if key in fmt.all_names or key in fmt.all_media_types:
            return fmt
    return None


def rdf_by_name(name: str) -> Format | None:
    """The RDF format a name or extension stands for (``json`` is JSON-LD here).

    >>> rdf_by_name("json").name, rdf_by_name(".owl").name, rdf_by_name("csv")
    ('jsonld', 'rdfxml', None)
    """
    key = name.strip().lower().lstrip(".")
    for fmt in REGISTRY:
        if fmt.rdf_format is not None and (key in fmt.all_names or key in fmt.all_media_types):
            return fmt
    return None


def names(kind: str | None = None) -> list[str]:
    """Every name a format of ``kind`` may be given by (for messages and choices)."""
    found = {n for f in (REGISTRY if kind is None else offers(kind)) for n in f.all_names}
    return sorted(found)


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
