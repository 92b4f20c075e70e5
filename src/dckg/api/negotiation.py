"""Content negotiation for query results: the registry of :mod:`dckg.sparql.formats`, seen
by kind of result.

Kept free of web-framework imports: the query workers use it too.
"""

from __future__ import annotations

from dckg.sparql import formats
from dckg.sparql.formats import (
    BOOLEAN,
    CSV,
    GRAPH,
    JSON,
    JSONLD,
    NQUADS,
    NTRIPLES,
    RDFXML,
    SOLUTIONS,
    TRIG,
    TSV,
    TURTLE,
    XML,
    Format,
)

#: Media types clients send, and the format each one gets, per kind of result.
MEDIA_TYPES: dict[str, dict[str, Format]] = {
    kind: {media: f for f in formats.offers(kind) for media in f.all_media_types}
    for kind in (SOLUTIONS, BOOLEAN, GRAPH)
}

#: ``format=`` values some clients send instead of an Accept header.
FORMAT_NAMES: dict[str, dict[str, Format]] = {
    kind: {name: f for f in reversed(formats.offers(kind)) for name in f.all_names}
    for kind in (SOLUTIONS, BOOLEAN, GRAPH)
}

DEFAULTS = {SOLUTIONS: JSON, BOOLEAN: JSON, GRAPH: TURTLE}


def parse_accept(header: str | None) -> list[str]:
    """The media ranges of an Accept header, most preferred first, each with its q.

    >>> parse_accept("text/csv;q=0.5, application/json, */*;q=0.1")
    ['application/json', 'text/csv;q=0.5', '*/*;q=0.1']
    """
    return [r.media if r.q == 1.0 else f"{r.media};q={r.q:g}" for r in formats.parse_accept(header)]


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
        known = formats.by_name(format_name, kind)
        if known is not None:
            return known
    return formats.negotiate(accept, formats.offers(kind))


def acceptable_at_all(accept: list[str], format_name: str | None = None) -> bool:
    """Whether some kind of query result could be given in a format the client accepts."""
    return any(choose(accept, kind, format_name) is not None for kind in (SOLUTIONS, GRAPH))


def choose_rdf(accept: list[str], format_name: str | None = None) -> Format | None:
    """The RDF format for a graph document (descriptions, entity data)."""
    return choose(accept, GRAPH, format_name)


__all__ = [
    "BOOLEAN",
    "CSV",
    "GRAPH",
    "JSON",
    "JSONLD",
    "NQUADS",
    "NTRIPLES",
    "RDFXML",
    "SOLUTIONS",
    "TRIG",
    "TSV",
    "TURTLE",
    "XML",
    "Format",
    "acceptable_at_all",
    "choose",
    "choose_rdf",
    "parse_accept",
]
