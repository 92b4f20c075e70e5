"""Content negotiation: which format answers a request, from its ``Accept`` header.

Kept free of web-framework imports: the query workers use it too.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import QueryResultsFormat, RdfFormat

SOLUTIONS = "solutions"
BOOLEAN = "boolean"
GRAPH = "graph"


@dataclass(frozen=True)
class Format:
    """A representation: its short name, its media type, what it can carry."""

    name: str
    media_type: str
    kinds: frozenset[str]

    @property
    def results_format(self) -> QueryResultsFormat:
        return _RESULTS_FORMATS[self.name]

    @property
    def rdf_format(self) -> RdfFormat:
        return _RDF_FORMATS[self.name]


_TABLES = frozenset({SOLUTIONS, BOOLEAN})
_GRAPHS = frozenset({GRAPH})

JSON = Format("json", "application/sparql-results+json", _TABLES)
XML = Format("xml", "application/sparql-results+xml", _TABLES)
CSV = Format("csv", "text/csv", _TABLES)
TSV = Format("tsv", "text/tab-separated-values", _TABLES)
TURTLE = Format("turtle", "text/turtle", _GRAPHS)
NTRIPLES = Format("nt", "application/n-triples", _GRAPHS)
JSONLD = Format("jsonld", "application/ld+json", _GRAPHS)
RDFXML = Format("rdfxml", "application/rdf+xml", _GRAPHS)
NQUADS = Format("nq", "application/n-quads", frozenset())
TRIG = Format("trig", "application/trig", frozenset())

_RESULTS_FORMATS = {
    "json": QueryResultsFormat.JSON,
    "xml": QueryResultsFormat.XML,
    "csv": QueryResultsFormat.CSV,
    "tsv": QueryResultsFormat.TSV,
}
_RDF_FORMATS = {
    "turtle": RdfFormat.TURTLE,
    "nt": RdfFormat.N_TRIPLES,
    "jsonld": RdfFormat.JSON_LD,
    "rdfxml": RdfFormat.RDF_XML,
    "nq": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
}

#: Media types clients send, and the format each one gets, per kind of result.
MEDIA_TYPES: dict[str, dict[str, Format]] = {
    SOLUTIONS: {
        "application/sparql-results+json": JSON,
        "application/json": JSON,
        "application/sparql-results+xml": XML,
        "application/xml": XML,
        "text/xml": XML,
        "text/csv": CSV,
        "text/tab-separated-values": TSV,
    },
    GRAPH: {
        "text/turtle": TURTLE,
        "application/x-turtle": TURTLE,
        "application/turtle": TURTLE,
        "application/n-triples": NTRIPLES,
        "text/plain": NTRIPLES,
        "application/ld+json": JSONLD,
        "application/json": JSONLD,
        "application/rdf+xml": RDFXML,
        "application/xml": RDFXML,
        "text/xml": RDFXML,
    },
}
MEDIA_TYPES[BOOLEAN] = MEDIA_TYPES[SOLUTIONS]

#: ``format=`` values some clients send instead of an Accept header.
FORMAT_NAMES: dict[str, dict[str, Format]] = {
    SOLUTIONS: {"json": JSON, "xml": XML, "csv": CSV, "tsv": TSV},
    GRAPH: {
        "turtle": TURTLE,
        "ttl": TURTLE,
        "nt": NTRIPLES,
        "ntriples": NTRIPLES,
        "jsonld": JSONLD,
        "json-ld": JSONLD,
        "json": JSONLD,
        "rdfxml": RDFXML,
        "rdf+xml": RDFXML,
        "rdf": RDFXML,
        "xml": RDFXML,
        "n3": TURTLE,
    },
}
FORMAT_NAMES[BOOLEAN] = FORMAT_NAMES[SOLUTIONS]

DEFAULTS = {SOLUTIONS: JSON, BOOLEAN: JSON, GRAPH: TURTLE}


def parse_accept(header: str | None) -> list[str]:
    """The media ranges of an Accept header, most preferred first (q=0 dropped).

    >>> parse_accept("text/csv;q=0.5, application/json, */*;q=0.1")
    ['application/json', 'text/csv', '*/*']
    """
    if not header:
        return ["*/*"]
    ranges: list[tuple[float, int, str]] = []
    for index, item in enumerate(header.split(",")):
        parts = [p.strip() for p in item.split(";")]
        media = parts[0].lower()
        if not media:
            continue
        quality = 1.0
        for param in parts[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranges.append((-quality, index, media))
    return [media for _q, _i, media in sorted(ranges)]


def choose(accept: list[str], kind: str, format_name: str | None = None) -> Format | None:
    """The format for a result of ``kind`` that the client accepts best, or ``None``.

    >>> choose(parse_accept("text/csv"), SOLUTIONS).name
    'csv'
    >>> choose(parse_accept("application/json"), GRAPH).name
    'jsonld'
    >>> choose(parse_accept("text/*"), GRAPH).name
    'turtle'
    >>> choose(parse_accept("image/png"), SOLUTIONS) is None
    True
    >>> choose(parse_accept("text/csv"), SOLUTIONS, "tsv").name
    'tsv'
    >>> choose(parse_accept("text/csv"), SOLUTIONS, "nonsense").name
    'csv'
    """
    if format_name:
        # A known name (or media type) wins; anything else is left to the Accept header,
        # as clients send all sorts of values in this parameter.
        name = format_name.strip().lower()
        known = FORMAT_NAMES[kind].get(name) or MEDIA_TYPES[kind].get(name)
        if known is not None:
            return known
    table = MEDIA_TYPES[kind]
    for media in accept:
        if media in table:
            return table[media]
        if media == "*/*" or media == "*":
            return DEFAULTS[kind]
        if media.endswith("/*"):
            major = media[:-1]
            preferred = DEFAULTS[kind]
            if preferred.media_type.startswith(major):
                return preferred
            for candidate, fmt in table.items():
                if candidate.startswith(major):
                    return fmt
    return None


def acceptable_at_all(accept: list[str], format_name: str | None = None) -> bool:
    """Whether some kind of query result could be given in a format the client accepts."""
    return any(choose(accept, kind, format_name) is not None for kind in (SOLUTIONS, GRAPH))


def choose_rdf(accept: list[str], format_name: str | None = None) -> Format | None:
    """The RDF format for a graph document (descriptions, entity data)."""
    return choose(accept, GRAPH, format_name)
