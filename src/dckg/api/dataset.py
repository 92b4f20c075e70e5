"""The dataset's description (VoID, DCAT in the DCAT-AP style, SPARQL Service
Description) and its dumps.

``/.well-known/void`` (also ``/dataset``) describes the catalogue, the dataset, one
``void:subset`` per named graph and the distributions; ``/dumps/{file}`` streams the
whole store:

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

import gzip
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, BinaryIO

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response, StreamingResponse
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
from dckg.api import negotiation
from dckg.api.deps import get_store
from dckg.api.errors import NotAcceptable
from dckg.bootstrap import META_GRAPH
from dckg.errors import NotFound
from dckg.namespaces import DCAT, DCKG, DCT, FOAF, ID, PREFIXES, RDF, RDFS, VOID, XSD
from dckg.store.base import Store

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


@dataclass(frozen=True)
class Inventory:
    """Counts and dates of the store, computed once per version of the data."""

    total: int
    graphs: list[tuple[NamedNode, int]]
    default_graph: int
    issued: str | None
    modified: str | None


_LOCK = threading.Lock()


def inventory(request: Request) -> Inventory:
    """The store's inventory, recomputed only after a write (blocking)."""
    state = request.app.state
    version = getattr(state, "data_version", 0)
    with _LOCK:
        cached = getattr(state, "inventory", None)
        if cached is not None and cached[0] == version:
            return cached[1]
        found = _take_inventory(state.store)
        state.inventory = (version, found)
        return found


def _take_inventory(store: Store) -> Inventory:
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
    return Inventory(
        total=total,
        graphs=graphs,
        default_graph=max(total - sum(n for _g, n in graphs), 0),
        issued=dates[0] if dates else None,
        modified=dates[-1] if dates else None,
    )


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


def void_description(inv: Inventory, base: str) -> list[Triple]:
    """VoID and DCAT (DCAT-AP style) triples describing the catalogue and the dataset."""
    endpoint = NamedNode(base + "/sparql")
    triples = [
        _t(CATALOG, RDF + "type", NamedNode(DCAT + "Catalog")),
        _t(CATALOG, DCT + "title", _text("dckg catalogue")),
        _t(CATALOG, DCT + "description", _text("The datasets published by this dckg server.")),
        _t(CATALOG, DCT + "publisher", PUBLISHER),
        _t(CATALOG, DCT + "license", LICENCE),
        _t(CATALOG, FOAF + "homepage", NamedNode(base + "/")),
        _t(CATALOG, DCAT + "dataset", DATASET),
        _t(PUBLISHER, RDF + "type", NamedNode(FOAF + "Agent")),
        _t(PUBLISHER, FOAF + "name", _text("the dckg maintainers")),
        _t(DATASET, RDF + "type", NamedNode(DCAT + "Dataset")),
        _t(DATASET, RDF + "type", NamedNode(VOID + "Dataset")),
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
        _t(DATASET, DCT + "license", LICENCE),
        _t(DATASET, DCT + "language", NamedNode(EU_LANGUAGE + "ENG")),
        _t(DATASET, DCAT + "keyword", _text("decentralised cooperation")),
        _t(DATASET, DCAT + "keyword", _text("city-to-city partnerships")),
        _t(DATASET, DCAT + "keyword", _text("Global Gateway")),
        _t(DATASET, DCAT + "landingPage", NamedNode(base + "/")),
        _t(DATASET, DCT + "hasVersion", Literal(__version__)),
        _t(DATASET, VOID + "sparqlEndpoint", endpoint),
        _t(DATASET, VOID + "triples", _integer(inv.total)),
        _t(DATASET, VOID + "uriSpace", Literal(ID)),
        _t(DATASET, VOID + "vocabulary", NamedNode(DCKG.rstrip("#"))),
        _t(DATASET, VOID + "feature", NamedNode(FORMATS_NS + "N-Quads")),
        _t(DATASET, VOID + "feature", NamedNode(FORMATS_NS + "Turtle")),
    ]
    if inv.issued:
        triples.append(_t(DATASET, DCT + "issued", _date_time(inv.issued)))
    if inv.modified:
        triples.append(_t(DATASET, DCT + "modified", _date_time(inv.modified)))
    for graph_iri, count in inv.graphs:
        triples += [
            _t(DATASET, VOID + "subset", graph_iri),
            _t(graph_iri, RDF + "type", NamedNode(VOID + "Dataset")),
            _t(graph_iri, VOID + "triples", _integer(count)),
            _t(graph_iri, VOID + "sparqlEndpoint", endpoint),
        ]
    triples += _distributions(base, endpoint)
    return triples


def _distributions(base: str, endpoint: NamedNode) -> list[Triple]:
    triples: list[Triple] = []
    service = NamedNode(ID + "service/dckg-sparql")
    sparql = NamedNode(ID + "distribution/sparql")
    triples += [
        _t(DATASET, DCAT + "distribution", sparql),
        _t(sparql, RDF + "type", NamedNode(DCAT + "Distribution")),
        _t(sparql, DCT + "title", _text("SPARQL 1.1 endpoint")),
        _t(sparql, DCAT + "accessURL", endpoint),
        _t(sparql, DCAT + "accessService", service),
        _t(sparql, DCT + "license", LICENCE),
        _t(service, RDF + "type", NamedNode(DCAT + "DataService")),
        _t(service, DCT + "title", _text("dckg SPARQL endpoint")),
        _t(service, DCAT + "endpointURL", endpoint),
        _t(service, DCAT + "endpointDescription", endpoint),
        _t(service, DCT + "conformsTo", NamedNode("https://www.w3.org/TR/sparql11-protocol/")),
        _t(service, DCAT + "servesDataset", DATASET),
    ]
    for dump in DUMPS.values():
        node = NamedNode(ID + "distribution/" + dump.name)
        url = NamedNode(f"{base}/dumps/{dump.name}")
        triples += [
            _t(DATASET, DCAT + "distribution", node),
            _t(DATASET, VOID + "dataDump", url),
            _t(node, RDF + "type", NamedNode(DCAT + "Distribution")),
            _t(node, DCT + "title", _text(dump.title)),
            _t(node, DCAT + "accessURL", url),
            _t(node, DCAT + "downloadURL", url),
            _t(node, DCAT + "mediaType", NamedNode(IANA + dump.media_type)),
            _t(node, DCT + "format", NamedNode(EU_FILE_TYPE + dump.file_type)),
            _t(node, DCT + "license", LICENCE),
        ]
        if dump.gzip:
            triples.append(_t(node, DCAT + "compressFormat", NamedNode(IANA + "application/gzip")))
    return triples


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
    accept = negotiation.parse_accept(request.headers.get("accept"))
    fmt = negotiation.choose_rdf(accept, request.query_params.get("format"))
    if fmt is None:
        raise NotAcceptable(
            "this resource is RDF: ask for text/turtle, application/n-triples, "
            "application/ld+json or application/rdf+xml"
        )
    options = {"prefixes": DESCRIPTION_PREFIXES} if fmt.name == "turtle" else {}
    body = serialize(triples, None, fmt.rdf_format, **options)
    return Response(body, media_type=fmt.media_type, headers={"Vary": "Accept"})


# -- routes -------------------------------------------------------------------------------


@router.get("/.well-known/void", summary="VoID and DCAT description of the dataset")
async def well_known_void(request: Request) -> Response:
    """The dataset described with VoID and DCAT (DCAT-AP style); Turtle by default."""
    inv = await run_in_threadpool(inventory, request)
    return rdf_response(request, void_description(inv, base_url(request)))


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
async def download(name: str, store: Annotated[Store, Depends(get_store)]) -> Response:
    """Stream one dump file (see ``/dumps``); unknown names are 404."""
    dump = DUMPS.get(name)
    if dump is None:
        raise NotFound(f"no dump called {name!r}; available: {', '.join(DUMPS)}")
    from dckg.api.streaming import stream_from_thread

    headers = {"Content-Disposition": f'attachment; filename="{dump.name}"'}
    media_type = "application/gzip" if dump.gzip else dump.media_type
    return StreamingResponse(
        stream_from_thread(_dumper(store, dump)), media_type=media_type, headers=headers
    )


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


__all__ = ["DUMPS", "Inventory", "router", "service_description", "void_description"]
