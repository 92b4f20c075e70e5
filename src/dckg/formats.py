"""Every format dckg reads or writes, in one table built on pyoxigraph's.

A :class:`Format` has a short name (what ``--format`` and ``format=`` take), the media
type pyoxigraph gives it, the kinds of result it can carry, and the other names and media
types people use for it. The same name can mean two formats, one per kind: ``json`` is
SPARQL JSON for a table and JSON-LD for a graph, ``xml`` SPARQL XML or RDF/XML.

Reading files (:mod:`dckg.rdfio`) and the query core (:mod:`dckg.sparql.formats`, which
adds the ``Accept`` negotiator) both take their formats from here.

>>> by_name("json", SOLUTIONS).media_type, by_name("json", GRAPH).media_type
('application/sparql-results+json', 'application/ld+json')
>>> by_name("ttl").rdf_format
<RdfFormat Turtle>
"""

from __future__ import annotations

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


__all__ = [
    "BOOLEAN",
    "CSV",
    "DATASET",
    "GRAPH",
    "HTML",
    "HTML_KIND",
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
    "by_name",
    "names",
    "offers",
    "rdf_by_name",
]
