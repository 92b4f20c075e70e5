"""What the store holds, as the dataset's description states it: counts per graph, dates,
the graphs that describe themselves (licence, sources, attribution), the links to other
datasets, the countries and the period of the data."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from pyoxigraph import Literal, NamedNode

from dckg.catalog.terms import EU_AUTHORITY
from dckg.namespaces import (
    DCT,
    GRAPH,
    PROV,
)
from dckg.store.base import Store
from dckg.store.state import META_GRAPH, state_digest

#: Targets of the linksets: (key, title, namespace of the target's IRIs).
LINK_TARGETS = (
    ("geonames", "GeoNames", "https://sws.geonames.org/"),
    ("eu-country", "EU country table", EU_AUTHORITY + "country/"),
    ("un-sdg", "UN Sustainable Development Goals", "http://metadata.un.org/sdg/"),
)

_GENERATED_GRAPHS = ("reference/countries", "reference/cities")


@dataclass(frozen=True)
class Source:
    """A named graph that describes itself (``<graph> dct:license …`` in the graph)."""

    graph: NamedNode
    triples: int
    title: str | None
    description: str | None
    licence: NamedNode | None
    source: NamedNode | None
    citation: Literal | None
    #: Every ``dct:source`` of the graph (``source`` is the first).
    sources: tuple[NamedNode, ...] = ()


@dataclass(frozen=True)
class Linkset:
    """Links from the dataset to one target: the predicate and how many triples use it."""

    key: str
    title: str
    namespace: str
    predicate: NamedNode
    triples: int


@dataclass(frozen=True)
class Inventory:
    """Counts and dates of the store, computed once per version of the data."""

    total: int
    graphs: list[tuple[NamedNode, int]]
    default_graph: int
    issued: str | None
    modified: str | None
    state: str = ""
    sources: tuple[Source, ...] = ()
    linksets: tuple[Linkset, ...] = ()
    countries: tuple[tuple[NamedNode, str], ...] = ()
    period: tuple[str, str] | None = None


def take_inventory(store: Store, *, full: bool = True) -> Inventory:
    """Count the store's graphs and read its dates; with ``full``, also the graphs'
    self-descriptions, the links to other datasets, the countries and the period."""
    result = store.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    )
    graphs = [
        (row["g"], int(row["n"].value))
        for row in result  # type: ignore[union-attr]
        if isinstance(row["g"], NamedNode)
    ]
    total = store.count()
    dates = sorted(
        q.object.value
        for q in store.quads(None, NamedNode(DCT + "modified"), None, META_GRAPH)
        if isinstance(q.object, Literal)
    )
    contributed = [
        q.object.value
        for q in store.quads(None, NamedNode(PROV + "generatedAtTime"), None, None)
        if isinstance(q.object, Literal)
    ]
    modified = max([*dates[-1:], *contributed], default=None, key=_instant)
    found = Inventory(
        total=total,
        graphs=graphs,
        default_graph=max(total - sum(n for _g, n in graphs), 0),
        issued=dates[0] if dates else None,
        modified=modified,
        state=state_digest(store, total, graphs),
    )
    if not full:
        return found
    return replace(
        found,
        sources=tuple(graph_sources(store, graphs)),
        linksets=tuple(_linksets(store)),
        countries=tuple(_countries(store)),
        period=_period(store),
    )


def _instant(value: str) -> str:
    """A sortable form of an ``xsd:dateTime`` (UTC offsets written as ``Z``)."""
    return value.replace("+00:00", "Z")


def graph_sources(store: Store, graphs: list[tuple[NamedNode, int]]) -> Iterator[Source]:
    """The graphs that describe themselves, read from the graph (never from a list)."""
    for graph_iri, count in graphs:

        def first(predicate: str, g: NamedNode = graph_iri) -> NamedNode | Literal | None:
            for quad in store.quads(g, NamedNode(DCT + predicate), None, g):
                return quad.object  # type: ignore[return-value]
            return None

        licence, title = first("license"), first("title")
        if licence is None and title is None:
            continue
        description, citation = first("description"), first("bibliographicCitation")
        sources = sorted(
            (q.object for q in store.quads(graph_iri, NamedNode(DCT + "source"), None, graph_iri)),
            key=str,
        )
        pages = tuple(s for s in sources if isinstance(s, NamedNode))
        yield Source(
            graph=graph_iri,
            triples=count,
            title=title.value if isinstance(title, Literal) else None,
            description=description.value if isinstance(description, Literal) else None,
            licence=licence if isinstance(licence, NamedNode) else None,
            source=pages[0] if pages else None,
            citation=citation if isinstance(citation, Literal) else None,
            sources=pages,
        )


_LINKS = """
SELECT ?ns ?p (COUNT(*) AS ?n) WHERE {
  ?s ?p ?o FILTER(isIRI(?o) && STRSTARTS(STR(?o), ?ns) && ?p != rdf:type)
} GROUP BY ?ns ?p ORDER BY ?p
"""


def _linksets(store: Store) -> Iterator[Linkset]:
    for key, title, namespace in LINK_TARGETS:
        rows = store.query(_LINKS, substitutions={"ns": Literal(namespace)})
        for row in rows:  # type: ignore[union-attr]
            yield Linkset(key, title, namespace, row["p"], int(row["n"].value))


_COUNTRIES = """
SELECT ?countries ?cities ?ns ?eu (SAMPLE(?name) AS ?label) WHERE {
  GRAPH ?g { ?x dckg:country ?c }
  ?c skos:exactMatch ?eu ; rdfs:label ?name
  FILTER(?g NOT IN (?countries, ?cities) && STRSTARTS(STR(?eu), ?ns))
} GROUP BY ?countries ?cities ?ns ?eu ORDER BY ?eu
"""


def _countries(store: Store) -> Iterator[tuple[NamedNode, str]]:
    """The countries (EU country table) of the things the data is about, outside the
    reference graphs of every country and city."""
    rows = store.query(
        _COUNTRIES,
        substitutions={
            "countries": NamedNode(GRAPH + _GENERATED_GRAPHS[0]),
            "cities": NamedNode(GRAPH + _GENERATED_GRAPHS[1]),
            "ns": Literal(EU_AUTHORITY + "country/"),
        },
    )
    for row in rows:  # type: ignore[union-attr]
        if isinstance(row["eu"], NamedNode):
            yield row["eu"], row["label"].value


_PERIOD = """
SELECT ?meta (MIN(?d) AS ?first) (MAX(?d) AS ?last) WHERE {
  GRAPH ?g { ?s ?p ?d } FILTER(?g != ?meta && isLiteral(?d) && DATATYPE(?d) = xsd:date)
} GROUP BY ?meta
"""


def _period(store: Store) -> tuple[str, str] | None:
    """The first and last ``xsd:date`` the data holds (load dates left aside)."""
    rows = list(store.query(_PERIOD, substitutions={"meta": META_GRAPH}))  # type: ignore[arg-type]
    if not rows or rows[0]["first"] is None:
        return None
    return rows[0]["first"].value, rows[0]["last"].value


__all__ = ["Inventory", "Linkset", "Source", "graph_sources", "take_inventory"]
