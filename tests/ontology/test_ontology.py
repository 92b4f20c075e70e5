"""The ontology modules: they parse, document every term, and hold the required terms."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from pyoxigraph import RdfFormat, parse
from rdflib.namespace import OWL, RDF, RDFS

from dckg.namespaces import DCKG
from dckg.resources import resource_dir

MODULES = sorted(resource_dir("ontology").glob("*.ttl"))

REQUIRED_CLASSES = """Actor LocalRegionalGovernment City Region CityNetwork EUInstitution
NationalGovernment Country Partnership Twinning FundingInstrument Programme CallForProposals
Funding GlobalGatewayProject PolicyFramework PolicyObjective Result""".split()
REQUIRED_PROPERTIES = """partner theme startDate endDate status country memberOf fundedBy
localises priorityArea advances population amount""".split()
TERM_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property}


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in MODULES:
        graph.parse(path, format="turtle")
    return graph


def test_there_are_modules() -> None:
    assert len(MODULES) >= 5


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_parses_with_both_parsers_and_describes_itself(path: Path) -> None:
    graph = rdflib.Graph().parse(path, format="turtle")
    assert len(list(parse(path=str(path), format=RdfFormat.TURTLE))) == len(graph)
    ontologies = list(graph.subjects(RDF.type, OWL.Ontology))
    assert len(ontologies) == 1, f"{path.name} must declare exactly one owl:Ontology"
    (onto,) = ontologies
    for prop in (OWL.versionIRI, RDFS.label, RDFS.comment):
        assert graph.value(onto, prop) is not None, f"{path.name}: ontology lacks {prop}"


def _terms(graph: rdflib.Graph) -> set[rdflib.URIRef]:
    return {
        s
        for t in TERM_TYPES
        for s in graph.subjects(RDF.type, t)
        if isinstance(s, rdflib.URIRef) and str(s).startswith(DCKG)
    }


def test_every_term_has_english_label_and_comment(ontology: rdflib.Graph) -> None:
    terms = _terms(ontology)
    assert len(terms) > 40
    missing = []
    for term in sorted(terms):
        labels = [o for o in ontology.objects(term, RDFS.label) if o.language == "en"]
        comments = [o for o in ontology.objects(term, RDFS.comment) if o.language == "en"]
        if not labels or not comments:
            missing.append(term)
    assert missing == []


@pytest.mark.parametrize("name", REQUIRED_CLASSES)
def test_required_class(ontology: rdflib.Graph, name: str) -> None:
    assert (rdflib.URIRef(DCKG + name), RDF.type, OWL.Class) in ontology


@pytest.mark.parametrize("name", REQUIRED_PROPERTIES)
def test_required_property(ontology: rdflib.Graph, name: str) -> None:
    iri = rdflib.URIRef(DCKG + name)
    kinds = set(ontology.objects(iri, RDF.type))
    assert kinds & {OWL.ObjectProperty, OWL.DatatypeProperty}, f"dckg:{name} is not declared"


def test_twinning_is_a_partnership(ontology: rdflib.Graph) -> None:
    assert (
        rdflib.URIRef(DCKG + "Twinning"),
        RDFS.subClassOf,
        rdflib.URIRef(DCKG + "Partnership"),
    ) in ontology


def test_alignment_to_w3c_vocabularies(ontology: rdflib.Graph) -> None:
    targets = {
        str(o)
        for prop in (RDFS.subClassOf, RDFS.subPropertyOf)
        for s, o in ontology.subject_objects(prop)
        if str(s).startswith(DCKG) and not str(o).startswith(DCKG)
    }
    for namespace in (
        "http://www.w3.org/ns/org#",
        "http://xmlns.com/foaf/0.1/",
        "http://www.w3.org/ns/prov#",
        "http://www.opengis.net/ont/geosparql#",
    ):
        assert any(t.startswith(namespace) for t in targets), namespace


def test_every_dckg_term_used_in_data_is_declared(ontology: rdflib.Graph, reference_store) -> None:
    declared = {str(t) for t in _terms(ontology)}
    used = reference_store.query(
        "SELECT DISTINCT ?t WHERE { { ?s ?t ?o } UNION { ?s a ?t } "
        "FILTER(STRSTARTS(STR(?t), STR(dckg:))) }"
    )
    undeclared = sorted(row["t"].value for row in used if row["t"].value not in declared)
    assert undeclared == []
