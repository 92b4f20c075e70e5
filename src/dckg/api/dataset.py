"""The dataset's description (DCAT-AP 3.0.1 and VoID, SPARQL Service Description) and
its dumps.

``/.well-known/void`` (also ``/dataset``) describes the catalogue, the dataset, one
``void:subset`` per named graph, one ``dcat:Dataset`` per graph that describes itself
(with its licence and attribution), the linksets and the distributions. ``/dumps/{file}``
serves the whole store, written once per state of the store:

=================  ==============================================================
``dckg.nq.gz``     every quad, graphs kept (N-Quads, gzip)
``dckg.trig``      every quad, graphs kept (TriG)
``dckg.nt.gz``     the union of the graphs as triples (N-Triples, gzip)
``dckg.ttl``       the union of the graphs as triples (Turtle)
=================  ==============================================================

A triple stated in two graphs appears twice in the triple dumps (N-Triples and Turtle
readers keep it once).
"""

from __future__ import annotations

import atexit
import gzip
import hashlib
import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from typing import Any, BinaryIO

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response
from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    RdfFormat,
    Triple,
    serialize,
)
from starlette.concurrency import run_in_threadpool

from dckg import __version__
from dckg.api.errors import NotAcceptable
from dckg.bootstrap import META_GRAPH
from dckg.errors import NotFound
from dckg.namespaces import (
    DCAT,
    DCKG,
    DCT,
    FOAF,
    GRAPH,
    ID,
    PREFIXES,
    PROV,
    RDF,
    RDFS,
    SKOS,
    VOID,
    XSD,
)
from dckg.sparql import formats
from dckg.store.base import Store
from dckg.store.state import state_digest

log = logging.getLogger("dckg.api")
router = APIRouter(tags=["dataset"])

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
IANA = "http://www.iana.org/assignments/media-types/"
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU_LICENCE = "http://publications.europa.eu/resource/authority/licence/"
EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"

DATASET = NamedNode(ID + "dataset/dckg")
CATALOG = NamedNode(ID + "catalog/dckg")
PUBLISHER = NamedNode(ID + "agent/dckg-maintainers")
LICENCE = NamedNode(EU_LICENCE + "EUPL_1_2")

#: The kinds of ``/id/{kind}/…`` IRIs the description mints (dereferenced from it).
MINTED_KINDS = frozenset(
    ("agent", "catalog", "contact", "dataset", "distribution", "linkset", "period", "service")
)

DESCRIPTION_PREFIXES = {**PREFIXES, "sd": SD, "formats": FORMATS_NS}


@dataclass(frozen=True)
class Dump:
    """A downloadable file of the whole store."""

    name: str
    title: str
    rdf_format: RdfFormat
    media_type: str
    file_type: str
    gzip: bool
    union: bool

    @property
    def description(self) -> str:
        held = "the union of the graphs, as triples" if self.union else "every quad, graphs kept"
        packed = ", gzip-compressed" if self.gzip else ""
        return f"A dump of the whole store: {held}{packed}."


DUMPS: dict[str, Dump] = {
    d.name: d
    for d in (
        Dump(
            "dckg.nq.gz",
            "All graphs (N-Quads, gzip)",
            RdfFormat.N_QUADS,
            "application/n-quads",
            "RDF_N_QUADS",
            True,
            False,
        ),
        Dump(
            "dckg.trig",
            "All graphs (TriG)",
            RdfFormat.TRIG,
            "application/trig",
            "RDF_TRIG",
            False,
            False,
        ),
        Dump(
            "dckg.nt.gz",
            "Union of the graphs (N-Triples, gzip)",
            RdfFormat.N_TRIPLES,
            "application/n-triples",
            "RDF_N_TRIPLES",
            True,
            True,
        ),
        Dump(
            "dckg.ttl",
            "Union of the graphs (Turtle)",
            RdfFormat.TURTLE,
            "text/turtle",
            "RDF_TURTLE",
            False,
            True,
        ),
    )
}


# -- what the store holds (cached until the next write) ----------------------------------

#: Where the description's values come from in the EU vocabularies (the "authority tables").
EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
EU_THEME = EU_AUTHORITY + "data-theme/"
SPDX = "http://spdx.org/rdf/terms#"
#: The algorithm IRI as the DCAT-AP 3.0.1 vocabulary shape requires it (``^https://spdx.org``).
SHA256 = NamedNode("https://spdx.org/rdf/terms#checksumAlgorithm_sha256")
VCARD = "http://www.w3.org/2006/vcard/ns#"

#: Licences the sources use, as the EU licence table names them.
EU_LICENCES = {
    "https://creativecommons.org/licenses/by/4.0/": "CC_BY_4_0",
    "https://creativecommons.org/licenses/by-sa/4.0/": "CC_BYSA_4_0",
    "https://creativecommons.org/publicdomain/zero/1.0/": "CC0",
    "https://joinup.ec.europa.eu/collection/eupl/eupl-text-eupl-12": "EUPL_1_2",
    "http://spdx.org/licenses/EUPL-1.2": "EUPL_1_2",
    "http://spdx.org/licenses/CC-BY-4.0": "CC_BY_4_0",
    "http://spdx.org/licenses/CC-BY-SA-4.0": "CC_BYSA_4_0",
    "http://spdx.org/licenses/CC0-1.0": "CC0",
}

#: The data themes of the dataset (EU data-theme table): regions and cities,
#: international issues, government and public sector.
THEMES = ("REGI", "INTR", "GOVE")

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


def inventory(request: Request) -> Inventory:
    """The store's counts, graphs and dates for the current version of the data: taken
    again only after a write (blocking, a few seconds on a large store)."""
    state = request.app.state
    catalogue: Catalogue = state.catalogue
    return catalogue.inventory(getattr(state, "data_version", 0))


def take_inventory(store: Store, *, full: bool = True) -> Inventory:
    """Count the store's graphs and read its dates; with ``full``, also the graphs'
    self-descriptions, the links to other datasets, the countries and the period."""
    result = store.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    )
    graphs = [
        (row["g"], int(row["n"].value))  # type: ignore[index]
        for row in result  # type: ignore[union-attr]
        if isinstance(row["g"], NamedNode)  # type: ignore[index]
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
        sources=tuple(_sources(store, graphs)),
        linksets=tuple(_linksets(store)),
        countries=tuple(_countries(store)),
        period=_period(store),
    )


def _instant(value: str) -> str:
    """A sortable form of an ``xsd:dateTime`` (UTC offsets written as ``Z``)."""
    return value.replace("+00:00", "Z")


def _sources(store: Store, graphs: list[tuple[NamedNode, int]]) -> Iterator[Source]:
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
        rows = store.query(_LINKS, substitutions={"ns": Literal(namespace)})  # type: ignore[call-arg]
        for row in rows:  # type: ignore[union-attr]
            yield Linkset(key, title, namespace, row["p"], int(row["n"].value))  # type: ignore[index,arg-type]


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
        substitutions={  # type: ignore[call-arg]
            "countries": NamedNode(GRAPH + _GENERATED_GRAPHS[0]),
            "cities": NamedNode(GRAPH + _GENERATED_GRAPHS[1]),
            "ns": Literal(EU_AUTHORITY + "country/"),
        },
    )
    for row in rows:  # type: ignore[union-attr]
        if isinstance(row["eu"], NamedNode):  # type: ignore[index]
            yield row["eu"], row["label"].value  # type: ignore[index,union-attr]


_PERIOD = """
SELECT ?meta (MIN(?d) AS ?first) (MAX(?d) AS ?last) WHERE {
  GRAPH ?g { ?s ?p ?d } FILTER(?g != ?meta && isLiteral(?d) && DATATYPE(?d) = xsd:date)
} GROUP BY ?meta
"""


def _period(store: Store) -> tuple[str, str] | None:
    """The first and last ``xsd:date`` the data holds (load dates left aside)."""
    rows = list(store.query(_PERIOD, substitutions={"meta": META_GRAPH}))  # type: ignore[call-arg,arg-type]
    if not rows or rows[0]["first"] is None:
        return None
    return rows[0]["first"].value, rows[0]["last"].value


# -- descriptions -------------------------------------------------------------------------


def base_url(request: Request) -> str:
    """The server's own address, as the client reached it, without a trailing slash."""
    return str(request.base_url).rstrip("/")


def _t(s: NamedNode | BlankNode, p: str, o: NamedNode | BlankNode | Literal) -> Triple:
    return Triple(s, NamedNode(p), o)


def _text(value: str) -> Literal:
    return Literal(value, language="en")


def _integer(value: int) -> Literal:
    return Literal(str(value), datatype=NamedNode(XSD + "integer"))


def _date_time(value: str) -> Literal:
    return Literal(value, datatype=NamedNode(XSD + "dateTime"))


def _a(node: NamedNode | BlankNode, cls: str) -> Triple:
    return _t(node, RDF + "type", NamedNode(cls))


#: The EU authority tables the description uses, with their titles.
SCHEMES = {
    EU_AUTHORITY + "data-theme": "Data theme",
    EU_AUTHORITY + "file-type": "File type",
    EU_AUTHORITY + "language": "Language",
    EU_AUTHORITY + "country": "Country",
}

#: The English labels of the table entries the description uses, as the tables give them.
LABELS = {
    EU_THEME + "REGI": "Regions and cities",
    EU_THEME + "INTR": "International issues",
    EU_THEME + "GOVE": "Government and public sector",
    EU_FILE_TYPE + "RDF_N_QUADS": "RDF N-Quads",
    EU_FILE_TYPE + "RDF_N_TRIPLES": "RDF N-Triples",
    EU_FILE_TYPE + "RDF_TRIG": "RDF TriG",
    EU_FILE_TYPE + "RDF_TURTLE": "RDF Turtle",
    EU_LANGUAGE + "ENG": "English",
}


def _concept(iri: NamedNode, scheme: str, label: str | None = None) -> list[Triple]:
    """A value from an EU authority table, stated as the table states it."""
    scheme_node = NamedNode(scheme)
    return [
        _a(iri, SKOS + "Concept"),
        _t(iri, SKOS + "prefLabel", _text(label or LABELS[iri.value])),
        _t(iri, SKOS + "inScheme", scheme_node),
        _a(scheme_node, SKOS + "ConceptScheme"),
        _t(scheme_node, DCT + "title", _text(SCHEMES[scheme])),
    ]


def eu_licence(licence: NamedNode) -> NamedNode:
    """The EU licence table's IRI of a licence, or the licence itself when not listed.

    >>> eu_licence(NamedNode("https://creativecommons.org/licenses/by/4.0/")).value
    'http://publications.europa.eu/resource/authority/licence/CC_BY_4_0'
    """
    code = EU_LICENCES.get(licence.value)
    return NamedNode(EU_LICENCE + code) if code else licence


def _licence(licence: NamedNode, original: NamedNode | None = None) -> list[Triple]:
    triples = [_a(licence, DCT + "LicenseDocument")]
    if original is not None and original != licence:
        triples.append(_t(licence, SKOS + "exactMatch", original))
    return triples


def void_description(
    inv: Inventory, base: str, files: dict[str, DumpFile] | None = None
) -> list[Triple]:
    """VoID and DCAT-AP 3.0.1 triples describing the catalogue, the dataset, one dataset
    per self-described source graph, the linksets and the distributions."""
    endpoint = NamedNode(base + "/sparql")
    home = NamedNode(base + "/")
    contact = NamedNode(ID + "contact/dckg-maintainers")
    language = NamedNode(EU_LANGUAGE + "ENG")
    triples = [
        _a(CATALOG, DCAT + "Catalog"),
        _t(CATALOG, DCT + "title", _text("dckg catalogue")),
        _t(CATALOG, DCT + "description", _text("The datasets published by this dckg server.")),
        _t(CATALOG, DCT + "publisher", PUBLISHER),
        _t(CATALOG, DCT + "license", LICENCE),
        _t(CATALOG, DCT + "language", language),
        _t(CATALOG, FOAF + "homepage", home),
        _t(CATALOG, DCAT + "themeTaxonomy", NamedNode(EU_AUTHORITY + "data-theme")),
        _t(CATALOG, DCAT + "dataset", DATASET),
        _t(CATALOG, DCAT + "service", NamedNode(ID + "service/dckg-sparql")),
        _a(home, FOAF + "Document"),
        _a(PUBLISHER, FOAF + "Agent"),
        _t(PUBLISHER, FOAF + "name", _text("the dckg maintainers")),
        _a(contact, VCARD + "Kind"),
        _a(contact, VCARD + "Organization"),
        _t(contact, VCARD + "fn", _text("the dckg maintainers")),
        _t(contact, VCARD + "hasURL", home),
        _a(DATASET, DCAT + "Dataset"),
        _a(DATASET, VOID + "Dataset"),
        _t(DATASET, DCT + "title", _text("Decentralised cooperation knowledge graph")),
        _t(
            DATASET,
            DCT + "description",
            _text(
                "City-to-city and region-to-region partnerships, the local and regional "
                "governments and networks behind them, the EU instruments that fund them, "
                "the Global Gateway projects they help localise and the policy objectives "
                "they advance."
            ),
        ),
        _t(DATASET, DCT + "publisher", PUBLISHER),
        _t(DATASET, DCAT + "contactPoint", contact),
        _t(DATASET, DCT + "license", LICENCE),
        _t(DATASET, DCT + "language", language),
        *[_t(DATASET, DCAT + "keyword", _text(word)) for word in KEYWORDS],
        _t(DATASET, DCAT + "landingPage", home),
        _t(DATASET, DCAT + "version", Literal(__version__)),
        _t(DATASET, VOID + "sparqlEndpoint", endpoint),
        _t(DATASET, VOID + "triples", _integer(inv.total)),
        _t(DATASET, VOID + "uriSpace", Literal(ID)),
        _t(DATASET, VOID + "vocabulary", NamedNode(DCKG.rstrip("#"))),
        _t(DATASET, VOID + "feature", NamedNode(FORMATS_NS + "N-Quads")),
        _t(DATASET, VOID + "feature", NamedNode(FORMATS_NS + "Turtle")),
    ]
    triples += _licence(LICENCE)
    triples += _concept(language, EU_AUTHORITY + "language")
    triples.append(_a(language, DCT + "LinguisticSystem"))
    for code in THEMES:
        theme = NamedNode(EU_THEME + code)
        triples += [_t(DATASET, DCAT + "theme", theme), *_concept(theme, EU_THEME.rstrip("/"))]
    triples += _about(NamedNode(ID + "service/dckg-sparql"), contact)
    for country, label in inv.countries:
        triples += [
            _t(DATASET, DCT + "spatial", country),
            _a(country, DCT + "Location"),
            *_concept(country, EU_AUTHORITY + "country", label),
        ]
    if inv.period:
        period = NamedNode(ID + "period/dckg")
        triples += [
            _t(DATASET, DCT + "temporal", period),
            _a(period, DCT + "PeriodOfTime"),
            _t(
                period, DCAT + "startDate", Literal(inv.period[0], datatype=NamedNode(XSD + "date"))
            ),
            _t(period, DCAT + "endDate", Literal(inv.period[1], datatype=NamedNode(XSD + "date"))),
        ]
    for node in (CATALOG, DATASET):
        if inv.issued:
            triples.append(_t(node, DCT + "issued", _date_time(inv.issued)))
        if inv.modified:
            triples.append(_t(node, DCT + "modified", _date_time(inv.modified)))
    for graph_iri, count in inv.graphs:
        triples += [
            _t(DATASET, VOID + "subset", graph_iri),
            _a(graph_iri, VOID + "Dataset"),
            _t(graph_iri, VOID + "triples", _integer(count)),
            _t(graph_iri, VOID + "sparqlEndpoint", endpoint),
        ]
    for source in inv.sources:
        triples += _source(source, language)
        triples += _about(source.graph, contact)
    for linkset in inv.linksets:
        node = NamedNode(ID + f"linkset/{linkset.key}/{_local(linkset.predicate)}")
        target = NamedNode(ID + f"dataset/{linkset.key}")
        triples += [
            _t(DATASET, VOID + "subset", node),
            _a(node, VOID + "Linkset"),
            _t(node, DCT + "title", _text(f"Links to {linkset.title}")),
            _t(node, VOID + "subjectsTarget", DATASET),
            _t(node, VOID + "objectsTarget", target),
            _t(node, VOID + "linkPredicate", linkset.predicate),
            _t(node, VOID + "triples", _integer(linkset.triples)),
            _a(target, VOID + "Dataset"),
            _t(target, DCT + "title", _text(linkset.title)),
            _t(target, VOID + "uriSpace", Literal(linkset.namespace)),
        ]
    triples += _distributions(base, endpoint, files or {})
    return triples


KEYWORDS = ("decentralised cooperation", "city-to-city partnerships", "Global Gateway")


def _about(node: NamedNode, contact: NamedNode) -> list[Triple]:
    """Publisher, contact point, keywords and themes, shared by the dataset's parts."""
    triples = [
        _t(node, DCT + "publisher", PUBLISHER),
        _t(node, DCAT + "contactPoint", contact),
    ]
    triples += [_t(node, DCAT + "keyword", _text(word)) for word in KEYWORDS]
    triples += [_t(node, DCAT + "theme", NamedNode(EU_THEME + code)) for code in THEMES]
    return triples


def _local(iri: NamedNode) -> str:
    """The local name of a predicate, for a linkset's IRI."""
    value = iri.value
    return "".join(c if c.isalnum() else "-" for c in value.rsplit("/", 1)[-1].rsplit("#", 1)[-1])


def _source(source: Source, language: NamedNode) -> list[Triple]:
    """One catalogue dataset per self-described graph, with its licence and attribution."""
    g = source.graph
    title = source.title or g.value
    description = source.description or f"The named graph {g.value}."
    triples = [
        _t(CATALOG, DCAT + "dataset", g),
        _t(DATASET, DCT + "hasPart", g),
        _a(g, DCAT + "Dataset"),
        _t(g, DCT + "title", _text(title)),
        _t(g, DCT + "description", _text(description)),
        _t(g, DCT + "language", language),
        _t(g, DCT + "isPartOf", DATASET),
    ]
    if source.licence is not None:
        licence = eu_licence(source.licence)
        triples += [_t(g, DCT + "license", licence), *_licence(licence, source.licence)]
    for page in source.sources:
        triples += [
            _t(g, FOAF + "page", page),
            _a(page, FOAF + "Document"),
            _t(g, PROV + "wasDerivedFrom", page),
        ]
    if source.citation is not None:
        triples.append(_t(g, DCT + "bibliographicCitation", source.citation))
    return triples


def _distributions(base: str, endpoint: NamedNode, files: dict[str, DumpFile]) -> list[Triple]:
    triples: list[Triple] = []
    service = NamedNode(ID + "service/dckg-sparql")
    sparql = NamedNode(ID + "distribution/sparql")
    protocol = NamedNode("https://www.w3.org/TR/sparql11-protocol/")
    triples += [
        _t(DATASET, DCAT + "distribution", sparql),
        _a(sparql, DCAT + "Distribution"),
        _t(sparql, DCT + "title", _text("SPARQL 1.1 endpoint")),
        _t(sparql, DCT + "description", _text("Every graph, queried with SPARQL 1.1.")),
        _t(sparql, DCAT + "accessURL", endpoint),
        _t(sparql, DCAT + "accessService", service),
        _t(sparql, DCT + "license", LICENCE),
        _a(service, DCAT + "DataService"),
        _t(service, DCT + "title", _text("dckg SPARQL endpoint")),
        _t(service, DCAT + "endpointURL", endpoint),
        _t(service, DCAT + "endpointDescription", endpoint),
        _t(service, DCT + "conformsTo", protocol),
        _a(protocol, DCT + "Standard"),
        _t(service, DCAT + "servesDataset", DATASET),
    ]
    for dump in DUMPS.values():
        node = NamedNode(ID + "distribution/" + dump.name)
        url = NamedNode(f"{base}/dumps/{dump.name}")
        media = NamedNode(IANA + dump.media_type)
        file_type = NamedNode(EU_FILE_TYPE + dump.file_type)
        triples += [
            _t(DATASET, DCAT + "distribution", node),
            _t(DATASET, VOID + "dataDump", url),
            _a(node, DCAT + "Distribution"),
            _t(node, DCT + "title", _text(dump.title)),
            _t(node, DCT + "description", _text(dump.description)),
            _t(node, DCAT + "accessURL", url),
            _t(node, DCAT + "downloadURL", url),
            _t(node, DCAT + "mediaType", media),
            _a(media, DCT + "MediaType"),
            _t(node, DCT + "format", file_type),
            _a(file_type, DCT + "MediaTypeOrExtent"),
            *_concept(file_type, EU_AUTHORITY + "file-type"),
            _t(node, DCT + "license", LICENCE),
        ]
        if dump.gzip:
            gz = NamedNode(IANA + "application/gzip")
            triples += [_t(node, DCAT + "compressFormat", gz), _a(gz, DCT + "MediaType")]
        made = files.get(dump.name)
        if made is not None:
            checksum = NamedNode(f"{ID}distribution/{dump.name}#sha256")
            triples += [
                _t(node, DCAT + "byteSize", _typed(made.size, "nonNegativeInteger")),
                _t(node, SPDX + "checksum", checksum),
                _a(checksum, SPDX + "Checksum"),
                _t(checksum, SPDX + "algorithm", SHA256),
                _a(SHA256, SPDX + "ChecksumAlgorithm"),
                _t(checksum, SPDX + "checksumValue", _typed(made.sha256, "hexBinary")),
            ]
            if made.modified:
                triples.append(_t(node, DCT + "modified", _date_time(made.modified)))
    return triples


def _typed(value: object, datatype: str) -> Literal:
    return Literal(str(value), datatype=NamedNode(XSD + datatype))


# -- dump files, cached on disk by the store's state ---------------------------------------


@dataclass(frozen=True)
class DumpFile:
    """A dump written to disk for one state of the store: its path, size and digest."""

    path: Path
    size: int
    sha256: str
    state: str
    modified: str | None

    @property
    def etag(self) -> str:
        return f'"{self.sha256[:32]}"'


class DumpFiles:
    """The dump files of a store, written to a private folder once per state of the store.

    Files of the two latest states are kept, so that a download of the previous state
    that has begun is never cut by a newer file.
    """

    def __init__(self) -> None:
        self._folder: Path | None = None
        self._lock = threading.Lock()
        self._writing = {name: threading.Lock() for name in DUMPS}
        self._made: dict[tuple[str, str], DumpFile] = {}
        self._states: list[str] = []

    def existing(self, state: str) -> dict[str, DumpFile]:
        """The dumps already written for ``state``."""
        with self._lock:
            return {
                name: made
                for (at, name), made in self._made.items()
                if at == state and made.path.exists()
            }

    def file(self, store: Store, inv: Inventory, dump: Dump) -> DumpFile:
        """The dump ``dump`` for the state ``inv`` describes, written once (blocking)."""
        with self._writing[dump.name]:
            found = self.existing(inv.state).get(dump.name)
            if found is not None:
                return found
            folder = self._where()
            path = folder / f"{inv.state}-{dump.name}"
            partial = folder / f".{inv.state}-{dump.name}.part"
            digest = hashlib.sha256()
            with partial.open("wb") as raw:
                _dumper(store, dump)(_Hashing(raw, digest))  # type: ignore[arg-type]
            partial.replace(path)
            made = DumpFile(path, path.stat().st_size, digest.hexdigest(), inv.state, inv.modified)
            self._keep(made)
            return made

    def _keep(self, made: DumpFile) -> None:
        with self._lock:
            self._made[(made.state, made.path.name.split("-", 1)[1])] = made
            if made.state in self._states:
                self._states.remove(made.state)
            self._states.append(made.state)
            for key, old in list(self._made.items()):
                if key[0] not in self._states[-2:]:
                    old.path.unlink(missing_ok=True)
                    del self._made[key]
            self._states = self._states[-2:]

    def _where(self) -> Path:
        with self._lock:
            if self._folder is None:
                self._folder = Path(tempfile.mkdtemp(prefix="dckg-dumps-"))
                atexit.register(shutil.rmtree, self._folder, True)
            return self._folder


class _Hashing:
    """A binary writer that hashes what goes through it."""

    def __init__(self, raw: BinaryIO, digest: Any) -> None:
        self.raw, self.digest = raw, digest

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self.digest.update(data)
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()


# -- the description, rebuilt in the background ------------------------------------------


@dataclass(frozen=True)
class Described:
    """One version of the description: the inventory it states and the dumps it lists.

    ``complete`` once the linksets, countries, period and every dump are in; before that,
    a description of the counts and sources only (the first one after a start).
    """

    version: int
    inventory: Inventory
    files: dict[str, DumpFile]
    complete: bool


class Catalogue:
    """The dataset's description and dumps of one store.

    A write (``data_version`` going up) makes the description stale; the next request
    that reads it starts a rebuild in a thread of its own and is answered at once with
    the description it had, so that neither it nor any other request waits for the
    rebuild (about two minutes on a million triples, most of it writing the dumps). The
    new description replaces the old one when its inventory is taken, and again when its
    dumps are written.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.dumps = DumpFiles()
        self._lock = threading.Condition()
        self._counting = threading.Lock()
        self._counted: tuple[int, Inventory] | None = None
        self._described: Described | None = None
        self._wanted = 0
        self._builder: threading.Thread | None = None
        self._closed = False

    def inventory(self, version: int) -> Inventory:
        """Counts, graphs and dates for ``version`` (blocking, taken once per version)."""
        with self._counting:
            counted = self._counted
            if counted is not None and counted[0] >= version:
                return counted[1]
            found = take_inventory(self.store, full=False)
            self._counted = (version, found)
            return found

    def described(self, version: int) -> Described:
        """The latest description; a rebuild starts when it is older than ``version``.

        Before the first build ends: the counts and the sources, without the dumps.
        """
        with self._lock:
            found = self._described
            self._want(version)
        if found is not None:
            return found
        counted = self.inventory(version)
        first = Described(
            version,
            replace(counted, sources=tuple(_sources(self.store, counted.graphs))),
            self.dumps.existing(counted.state),
            complete=False,
        )
        with self._lock:
            if self._described is None:
                self._described = first
            return self._described

    def building(self) -> bool:
        """Whether a rebuild is running."""
        with self._lock:
            return self._builder is not None

    def wait(self, version: int, timeout: float) -> Described | None:
        """The complete description of ``version`` or later, waiting for it at most
        ``timeout`` seconds (starting the build if needed); ``None`` if it is not ready."""
        deadline = time.monotonic() + timeout
        with self._lock:
            self._want(version)
            while not self._ready(version):
                left = deadline - time.monotonic()
                if left <= 0 or self._builder is None:
                    return None
                self._lock.wait(left)
            return self._described

    def close(self, timeout: float = 5.0) -> None:
        """Stop rebuilding (the build that runs stops at its next step)."""
        with self._lock:
            self._closed = True
            builder = self._builder
        if builder is not None:
            builder.join(timeout)

    def _ready(self, version: int) -> bool:
        found = self._described
        return found is not None and found.complete and found.version >= version

    def _want(self, version: int) -> None:
        """Ask for ``version`` (the lock held): start the builder if it is not running."""
        self._wanted = max(self._wanted, version)
        if self._ready(self._wanted) or self._builder is not None or self._closed:
            return
        self._builder = threading.Thread(target=self._build, name="dckg-describe", daemon=True)
        self._builder.start()

    def _build(self) -> None:
        try:
            while True:
                with self._lock:
                    version = self._wanted
                    if self._closed or self._ready(version):
                        return
                self._build_version(version)
        except Exception:
            log.exception("the dataset description could not be rebuilt")
        finally:
            with self._lock:
                self._builder = None
                self._lock.notify_all()

    def _build_version(self, version: int) -> None:
        found = take_inventory(self.store, full=True)
        with self._counting:
            if self._counted is None or self._counted[0] <= version:
                self._counted = (version, found)
        self._publish(Described(version, found, self.dumps.existing(found.state), False))
        files = {}
        for dump in DUMPS.values():
            if self._closed:
                return
            files[dump.name] = self.dumps.file(self.store, found, dump)
        self._publish(Described(version, found, files, complete=True))

    def _publish(self, described: Described) -> None:
        with self._lock:
            current = self._described
            if current is None or current.version <= described.version:
                self._described = described
            self._lock.notify_all()


#: Result formats the endpoint writes, as W3C format IRIs.
RESULT_FORMATS = [
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
]


def service_description(inv: Inventory, base: str, *, federated: bool) -> list[Triple]:
    """A SPARQL 1.1 Service Description of the endpoint."""
    endpoint = NamedNode(base + "/sparql")
    dataset = BlankNode()
    default = BlankNode()
    triples = [
        _t(endpoint, RDF + "type", NamedNode(SD + "Service")),
        _t(endpoint, SD + "endpoint", endpoint),
        _t(endpoint, SD + "supportedLanguage", NamedNode(SD + "SPARQL11Query")),
        _t(endpoint, SD + "feature", NamedNode(SD + "UnionDefaultGraph")),
        _t(endpoint, SD + "feature", NamedNode(SD + "BasicFederatedQuery")),
        _t(
            endpoint,
            SD + "defaultEntailmentRegime",
            NamedNode("http://www.w3.org/ns/entailment/Simple"),
        ),
        _t(endpoint, RDFS + "seeAlso", NamedNode(base + "/.well-known/void")),
        _t(endpoint, SD + "defaultDataset", dataset),
        _t(dataset, RDF + "type", NamedNode(SD + "Dataset")),
        _t(dataset, DCT + "source", DATASET),
        _t(dataset, RDFS + "seeAlso", NamedNode(base + "/.well-known/void")),
        _t(dataset, SD + "defaultGraph", default),
        _t(default, RDF + "type", NamedNode(SD + "Graph")),
        _t(default, VOID + "triples", _integer(inv.total)),
        _t(default, RDFS + "comment", _text("the union of all named graphs")),
    ]
    if not federated:
        triples.remove(_t(endpoint, SD + "feature", NamedNode(SD + "BasicFederatedQuery")))
    for name in RESULT_FORMATS:
        triples.append(_t(endpoint, SD + "resultFormat", NamedNode(FORMATS_NS + name)))
    for graph_iri, count in inv.graphs:
        named, graph_node = BlankNode(), BlankNode()
        triples += [
            _t(dataset, SD + "namedGraph", named),
            _t(named, RDF + "type", NamedNode(SD + "NamedGraph")),
            _t(named, SD + "name", graph_iri),
            _t(named, SD + "graph", graph_node),
            _t(graph_node, RDF + "type", NamedNode(SD + "Graph")),
            _t(graph_node, VOID + "triples", _integer(count)),
        ]
    return triples


def rdf_response(request: Request, triples: list[Triple]) -> Response:
    """Triples in the RDF format the client accepts (Turtle by default)."""
    accept = request.headers.getlist("accept")
    fmt = formats.choose(accept, formats.GRAPH, request.query_params.get("format"))
    if fmt is None:
        raise NotAcceptable(
            "this resource is RDF: ask for text/turtle, application/n-triples, "
            "application/ld+json or application/rdf+xml"
        )
    options = {"prefixes": DESCRIPTION_PREFIXES} if fmt.name == "turtle" else {}
    body = serialize(triples, None, fmt.rdf_format, **options)
    return Response(body, media_type=fmt.media_type, headers={"Vary": "Accept"})


# -- routes -------------------------------------------------------------------------------


def described(request: Request) -> Described:
    """The app's latest description of the dataset; never waits for a rebuild (blocking
    only for the first one, which counts the graphs)."""
    state = request.app.state
    catalogue: Catalogue = state.catalogue
    return catalogue.described(getattr(state, "data_version", 0))


@router.get("/.well-known/void", summary="VoID and DCAT description of the dataset")
async def well_known_void(request: Request) -> Response:
    """The dataset described with VoID and DCAT-AP 3.0.1; Turtle by default, an HTML page
    of the sources and their licences for a browser.

    After a write the description is rebuilt in the background; until then the previous
    one is served, each version with its own ``ETag`` (``If-None-Match`` gets ``304``).
    """
    return await run_in_threadpool(_description, request)


def _description(request: Request) -> Response:
    found = described(request)
    if _wants_html(request):
        response = _page(request, found.inventory, found.files)
    else:
        triples = void_description(found.inventory, base_url(request), found.files)
        response = rdf_response(request, triples)
    etag = f'"{hashlib.sha256(bytes(response.body)).hexdigest()[:32]}"'
    headers = {"ETag": etag, "Cache-Control": "no-cache", "Vary": "Accept"}
    if _matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    response.headers.update(headers)
    return response


def description_store(request: Request) -> Store:
    """The latest description as a small in-memory store, so that every IRI it mints
    (catalogue, datasets, distributions, linksets, …) dereferences like ``/id/…``."""
    from dckg.store import EmbeddedStore

    found = described(request)
    triples = void_description(found.inventory, base_url(request), found.files)
    held = EmbeddedStore()
    held.add_quads(Quad(t.subject, t.predicate, t.object) for t in triples)
    return held


def _matches(header: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (weakly compared, RFC 9110)."""
    if header is None:
        return False
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return "*" in tags or etag in tags


def _wants_html(request: Request) -> bool:
    """A browser's request: HTML named in ``Accept`` and preferred, no ``format``."""
    from dckg.api.linked import HTML, negotiate

    accept = request.headers.get("accept") or ""
    return HTML in accept and "format" not in request.query_params and negotiate(accept) == HTML


#: Names of the licences the sources use, by IRI (the source's or the EU table's).
LICENCE_NAMES = {
    EU_LICENCE + "CC_BY_4_0": "CC BY 4.0",
    EU_LICENCE + "CC_BYSA_4_0": "CC BY-SA 4.0",
    EU_LICENCE + "CC0": "CC0 1.0",
    EU_LICENCE + "EUPL_1_2": "EUPL-1.2",
}


def _page(request: Request, inv: Inventory, files: dict[str, DumpFile]) -> Response:
    from dckg.api.pages import render

    sources = [
        {
            "graph": s.graph.value,
            "title": s.title or s.graph.value,
            "triples": f"{s.triples:,}",
            "page": s.source.value if s.source else None,
            "licence": s.licence.value if s.licence else None,
            "licence_name": LICENCE_NAMES.get(eu_licence(s.licence).value, s.licence.value)
            if s.licence
            else None,
            "citation": s.citation.value if s.citation else None,
        }
        for s in inv.sources
    ]
    dumps = [
        {"name": name, "title": DUMPS[name].title, "size": f"{f.size:,}", "sha256": f.sha256}
        for name, f in files.items()
    ]
    body = render(
        "dataset.html",
        root=str(request.scope.get("root_path", "")).rstrip("/"),
        total=f"{inv.total:,}",
        modified=inv.modified,
        sources=sources,
        linksets=[
            {"title": ls.title, "triples": f"{ls.triples:,}", "predicate": ls.predicate.value}
            for ls in inv.linksets
        ],
        dumps=dumps,
    )
    return Response(body, media_type="text/html", headers={"Vary": "Accept"})


@router.get("/dataset", summary="VoID and DCAT description of the dataset")
async def dataset(request: Request) -> Response:
    """The same description as ``/.well-known/void``."""
    return await well_known_void(request)


@router.get("/dumps", summary="The downloadable dumps")
async def dumps() -> dict[str, list[dict[str, str]]]:
    """The dump files, their media types and what they hold."""
    return {
        "dumps": [
            {"name": d.name, "title": d.title, "mediaType": d.media_type, "url": f"dumps/{d.name}"}
            for d in DUMPS.values()
        ]
    }


@router.get("/dumps/{name}", summary="Download a dump of the whole store")
async def download(name: str, request: Request) -> Response:
    """One dump file (see ``/dumps``), written once per state of the store and served
    with its size, ``ETag`` and ``Last-Modified``; conditional and range requests work.
    The dump is the one the description lists (the previous state's while the
    description is rebuilt after a write). Unknown names are 404."""
    dump = DUMPS.get(name)
    if dump is None:
        raise NotFound(f"no dump called {name!r}; available: {', '.join(DUMPS)}")
    found = await run_in_threadpool(described, request)
    made = found.files.get(name)
    if made is None:
        catalogue: Catalogue = request.app.state.catalogue
        made = await run_in_threadpool(catalogue.dumps.file, catalogue.store, found.inventory, dump)
    headers = {"ETag": made.etag, "Cache-Control": "no-cache"}
    stamp = _http_date(made.modified) or formatdate(made.path.stat().st_mtime, usegmt=True)
    headers["Last-Modified"] = stamp
    if _not_modified(request, made.etag, stamp):
        return Response(status_code=304, headers=headers)
    media_type = "application/gzip" if dump.gzip else dump.media_type
    return FileResponse(made.path, media_type=media_type, headers=headers, filename=dump.name)


def _http_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return formatdate(moment.timestamp(), usegmt=True)


def _not_modified(request: Request, etag: str, stamp: str) -> bool:
    """RFC 9110 section 13.2.2: ``If-None-Match`` first, else ``If-Modified-Since``."""
    wanted = request.headers.get("if-none-match")
    if wanted is not None:
        return _matches(wanted, etag)
    since = request.headers.get("if-modified-since")
    if since is None:
        return False
    try:
        return parsedate_to_datetime(stamp) <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False


def _dumper(store: Store, dump: Dump) -> Callable[[BinaryIO], None]:
    def produce(output: BinaryIO) -> None:
        if dump.gzip:
            with gzip.GzipFile(fileobj=output, mode="wb", mtime=0) as zipped:
                _write_dump(store, dump, zipped)  # type: ignore[arg-type]
        else:
            _write_dump(store, dump, output)

    return produce


def _write_dump(store: Store, dump: Dump, output: BinaryIO) -> None:
    if not dump.union:
        store.dump(output, dump.rdf_format)
        return
    options = {"prefixes": DESCRIPTION_PREFIXES} if dump.rdf_format == RdfFormat.TURTLE else {}
    serialize(_as_triples(store.quads()), output, dump.rdf_format, **options)


def _as_triples(quads: Iterator[Quad]) -> Iterator[Triple]:
    for quad in quads:
        yield Triple(quad.subject, quad.predicate, quad.object)


__all__ = [
    "DUMPS",
    "Inventory",
    "router",
    "service_description",
    "take_inventory",
    "void_description",
]
