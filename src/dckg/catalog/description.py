"""The dataset described in DCAT-AP 3.0.1 and VoID, and the SPARQL endpoint in SPARQL 1.1
Service Description: triples built from an :class:`~dckg.catalog.inventory.Inventory`.

The description states the catalogue, the dataset, one ``void:subset`` per named graph,
one ``dcat:Dataset`` per graph that describes itself (with its licence, sources and
attribution), the linksets and the distributions.
"""

from __future__ import annotations

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from dckg import __version__
from dckg.catalog.dumps import DUMPS, DumpFile
from dckg.catalog.inventory import Inventory, Source
from dckg.catalog.terms import (
    CATALOG,
    DATASET,
    EU_AUTHORITY,
    EU_FILE_TYPE,
    EU_LANGUAGE,
    EU_LICENCE,
    EU_LICENCES,
    EU_THEME,
    FORMATS_NS,
    IANA,
    LICENCE,
    PUBLISHER,
    SD,
    SHA256,
    SPDX,
    THEMES,
    VCARD,
)
from dckg.namespaces import (
    DCAT,
    DCKG,
    DCT,
    FOAF,
    ID,
    PROV,
    RDF,
    RDFS,
    SKOS,
    VOID,
    XSD,
)


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


#: Names of the licences the sources use, by IRI (the source's or the EU table's).
LICENCE_NAMES = {
    EU_LICENCE + "CC_BY_4_0": "CC BY 4.0",
    EU_LICENCE + "CC_BYSA_4_0": "CC BY-SA 4.0",
    EU_LICENCE + "CC0": "CC0 1.0",
    EU_LICENCE + "EUPL_1_2": "EUPL-1.2",
}


__all__ = ["LICENCE_NAMES", "eu_licence", "service_description", "void_description"]
