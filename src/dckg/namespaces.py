"""IRIs shared by the whole package: vocabularies, minted things, named graphs."""

from __future__ import annotations

import re
import unicodedata

from pyoxigraph import NamedNode

DCKG = "https://w3id.org/dckg/ontology#"
ID = "https://w3id.org/dckg/id/"
GRAPH = "https://w3id.org/dckg/graph/"
#: The base IRI of queries: a relative IRI such as ``<id/city/geonames-2988507>`` in a
#: query without its own ``BASE`` resolves against it.
BASE_IRI = "https://w3id.org/dckg/"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"
PROV = "http://www.w3.org/ns/prov#"
FOAF = "http://xmlns.com/foaf/0.1/"
ORG = "http://www.w3.org/ns/org#"
GEO = "http://www.opengis.net/ont/geosparql#"
SH = "http://www.w3.org/ns/shacl#"

EU_COUNTRY = "http://publications.europa.eu/resource/authority/country/"
GEONAMES = "https://sws.geonames.org/"
WIKIDATA = "http://www.wikidata.org/entity/"
UN_SDG = "http://metadata.un.org/sdg/"

#: Prefixes every query may use without declaring them.
PREFIXES: dict[str, str] = {
    "dckg": DCKG,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dct": DCT,
    "dcat": DCAT,
    "void": VOID,
    "prov": PROV,
    "foaf": FOAF,
    "org": ORG,
    "geo": GEO,
    "sh": SH,
}


def dckg(local: str) -> NamedNode:
    """An ontology term.

    >>> dckg("City").value
    'https://w3id.org/dckg/ontology#City'
    """
    return NamedNode(DCKG + local)


def thing(kind: str, key: str) -> NamedNode:
    """The IRI of a minted thing.

    >>> thing("city", "geonames-2950159").value
    'https://w3id.org/dckg/id/city/geonames-2950159'
    """
    return NamedNode(f"{ID}{kind}/{key}")


def slug(text: str, *, empty: str = "x") -> str:
    """The key a name gives a minted IRI: the one rule of every importer and contribution.

    The text is decomposed (NFKD) and stripped to ASCII (accents dropped, and letters
    without an ASCII form, such as ``ß``), then lower-cased; each run of other characters
    than ``a-z`` and ``0-9`` becomes one ``-``, and none leads or trails. A text with
    nothing left gives ``empty``. The rule never changes: an IRI once minted stays.

    >>> slug("Diputació de València"), slug("ADENE, Agência para a Energia")
    ('diputacio-de-valencia', 'adene-agencia-para-a-energia')
    >>> slug("Agence Française de Développement"), slug("…"), slug("…", empty="anonymous")
    ('agence-francaise-de-developpement', 'x', 'anonymous')
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or empty


def graph(name: str) -> NamedNode:
    """The IRI of a named graph.

    >>> graph("ontology").value
    'https://w3id.org/dckg/graph/ontology'
    """
    return NamedNode(GRAPH + name)
