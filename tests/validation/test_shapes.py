"""Each shape: a valid example gives no result, an invalid one exactly the expected ones.

Every example is also run through pySHACL, the reference SHACL implementation, which must
give the same results as the default engine, pyshacl-turbo.
"""

from __future__ import annotations

from importlib.resources import files

import pytest
import rdflib
from pyoxigraph import NamedNode

from dckg.namespaces import DCKG, GEO, RDFS, SKOS
from dckg.store import Store
from dckg.validation import load_shapes
from dckg.validation.engines import run_shapes

from .conftest import check_turtle

ID = "https://w3id.org/dckg/id/"
X = ID + "example/"
P = ID + "partnership/"
ORG = "http://www.w3.org/ns/org#"


def d(local: str) -> str:
    return DCKG + local


V, W = "Violation", "Warning"

#: shape -> (valid Turtle, invalid Turtle, expected (focus, path, severity) of the invalid)
CASES: dict[str, tuple[str, str, set[tuple[str, str | None, str]]]] = {
    "ActorShape": (
        'x:ngo a dckg:CivilSocietyOrganisation ; rdfs:label "Friends of Lyon" ;'
        " dckg:country country:FRA ; foaf:homepage <https://example.org/> .",
        'x:ngo a dckg:CivilSocietyOrganisation ; foaf:homepage "example.org" ;'
        " dckg:memberOf country:FRA .",
        {
            (X + "ngo", RDFS + "label", V),
            (X + "ngo", "http://xmlns.com/foaf/0.1/homepage", V),
            (X + "ngo", d("memberOf"), V),
        },
    ),
    "LocalRegionalGovernmentShape": (
        'x:r a dckg:Region ; rdfs:label "Region" ; dckg:country country:FRA .',
        'x:r a dckg:Region ; rdfs:label "Region" .',
        {(X + "r", d("country"), W)},
    ),
    "CityShape": (
        'x:c a dckg:City ; rdfs:label "C" ; dckg:country country:FRA ; geo:hasGeometry x:g .'
        ' x:g a geo:Geometry ; geo:asWKT "POINT(2.35 48.85)"^^geo:wktLiteral .',
        'x:c a dckg:City ; rdfs:label "C" ; dckg:country country:FRA .',
        {(X + "c", GEO + "hasGeometry", W)},
    ),
    "PointShape": (
        'x:c a dckg:City ; rdfs:label "C" ; dckg:country country:FRA ; geo:hasGeometry x:g .'
        ' x:g a geo:Geometry ; geo:asWKT "POINT(1e-05 -3)"^^geo:wktLiteral .',
        'x:c a dckg:City ; rdfs:label "C" ; dckg:country country:FRA ; geo:hasGeometry x:g .'
        ' x:g a geo:Geometry ; geo:asWKT "POINT(east north)"^^geo:wktLiteral .',
        {(X + "c", GEO + "hasGeometry", V)},
    ),
    "GeometryShape": (
        'x:g a geo:Geometry ; geo:asWKT "POINT(1 2)"^^geo:wktLiteral .',
        'x:g a geo:Geometry ; geo:asWKT "POINT(1 2)" .',
        {(X + "g", GEO + "asWKT", V)},
    ),
    "CityNetworkShape": (
        'x:n a dckg:CityNetwork ; rdfs:label "N" ; dckg:memberOf network:uclg .',
        'x:n a dckg:CityNetwork ; rdfs:label "N" ; dckg:memberOf x:n .',
        {(X + "n", None, V)},
    ),
    "NationalGovernmentShape": (
        'x:g a dckg:NationalGovernment ; rdfs:label "Government of France" ;'
        " dckg:country country:FRA .",
        'x:g a dckg:NationalGovernment ; rdfs:label "Government" .',
        {(X + "g", d("country"), V)},
    ),
    "CountryShape": (
        'x:k a dckg:Country ; rdfs:label "K" ; dckg:alpha2 "KX" ; dckg:alpha3 "KXX" .',
        'x:k a dckg:Country ; rdfs:label "K" ; dckg:alpha2 "kx" ; dckg:alpha3 "KXX", "KXY" .',
        {(X + "k", d("alpha2"), V), (X + "k", d("alpha3"), V)},
    ),
    "PartnershipShape": (
        'p:x a dckg:Partnership ; rdfs:label "X" ; dckg:partner city:geonames-2996944 ,'
        " city:geonames-2253354 ; dckg:status status:implementation ; dckg:theme theme:energy ;"
        ' dckg:startDate "2020"^^xsd:gYear ; dckg:advances sdg:11 .',
        'p:x a dckg:Partnership ; rdfs:label "X" ; dckg:partner country:FRA ;'
        ' dckg:startDate "2020-13-01"^^xsd:date .',
        {(P + "x", d("partner"), V), (P + "x", d("partner"), W), (P + "x", d("startDate"), V)},
    ),
    "PartnershipShape (same country)": (
        'p:x a dckg:Partnership ; rdfs:label "X" ; dckg:partner city:geonames-2996944 ,'
        " city:geonames-2253354 .",
        'p:x a dckg:Partnership ; rdfs:label "X" ; dckg:partner city:geonames-2996944 ,'
        " city:geonames-2988507 .",
        {(P + "x", None, W)},
    ),
    "DatedShape": (
        'p:x a dckg:Partnership ; rdfs:label "X" ; dckg:partner city:geonames-2996944 ,'
        ' city:geonames-2253354 ; dckg:startDate "2020-05-01"^^xsd:date ;'
        ' dckg:endDate "2020"^^xsd:gYear .',
        'p:x a dckg:Partnership ; rdfs:label "X" ; dckg:partner city:geonames-2996944 ,'
        ' city:geonames-2253354 ; dckg:startDate "2021"^^xsd:gYear ;'
        ' dckg:endDate "2020-12-31"^^xsd:date .',
        {(P + "x", d("endDate"), V)},
    ),
    "TwinningShape": (
        'p:x a dckg:Twinning ; rdfs:label "X" ; dckg:partner city:geonames-2996944 ,'
        " city:geonames-2253354 ; dckg:distanceKm 4173.2 .",
        'p:x a dckg:Twinning ; rdfs:label "X" ; dckg:partner city:geonames-2996944 ,'
        ' city:geonames-2253354 , city:geonames-184745 ; dckg:distanceKm "far" .',
        {(P + "x", d("partner"), W), (P + "x", d("distanceKm"), V)},
    ),
    "ProjectShape": (
        'p:x a dckg:Project ; rdfs:label "X" ; dckg:partner city:geonames-2996944 ,'
        ' city:geonames-2253354 ; dckg:startDate "2019"^^xsd:gYear .',
        'p:x a dckg:Project ; rdfs:label "X" ; dckg:partner city:geonames-2996944 ,'
        " city:geonames-2253354 .",
        {(P + "x", d("startDate"), W)},
    ),
    "ParticipationShape": (
        'p:x a dckg:Partnership ; rdfs:label "X" ; dckg:partner city:geonames-2996944 ,'
        " city:geonames-2253354 ; dckg:participation x:part ."
        " x:part a dckg:Participation ; dckg:agent city:geonames-2996944 ; dckg:role role:lead .",
        'x:part a dckg:Participation ; dckg:role "lead" .',
        {
            (X + "part", d("agent"), V),
            (X + "part", d("role"), V),
            (X + "part", d("participation"), V),
        },
    ),
    "MembershipShape": (
        "x:m a dckg:Membership ; <http://www.w3.org/ns/org#member> city:geonames-2996944 ;"
        " <http://www.w3.org/ns/org#organization> network:eurocities ;"
        ' dckg:startDate "1990-01-01"^^xsd:date ; <http://purl.org/dc/terms/source>'
        " <https://eurocities.eu/> .",
        "x:m a dckg:Membership ; <http://www.w3.org/ns/org#organization> city:geonames-2996944 ;"
        ' dckg:startDate "soon" .',
        {
            (X + "m", ORG + "member", V),
            (X + "m", ORG + "organization", V),
            (X + "m", d("startDate"), V),
            (X + "m", "http://purl.org/dc/terms/source", V),
        },
    ),
    "PledgeShape": (
        "x:p a dckg:Pledge ; dckg:pledgedBy city:geonames-2996944 ; dckg:objective sdg:13 ;"
        ' dckg:startDate "2016-03-01"^^xsd:date . city:geonames-2996944 dckg:advances sdg:13 .',
        "x:p a dckg:Pledge ; dckg:pledgedBy city:geonames-2996944 ; dckg:objective theme:energy .",
        {(X + "p", d("objective"), V), (X + "p", None, V)},
    ),
    "SignatoryGroupShape": (
        'x:g a dckg:SignatoryGroup ; rdfs:label "G" ;'
        " <http://www.w3.org/ns/org#hasMember> city:geonames-2996944 .",
        'x:g a dckg:SignatoryGroup ; rdfs:label "G" ;'
        " <http://www.w3.org/ns/org#hasMember> network:eurocities .",
        {(X + "g", ORG + "hasMember", V)},
    ),
    "ResultShape": (
        'p:x a dckg:Partnership ; rdfs:label "X" ; dckg:partner city:geonames-2996944 ,'
        ' city:geonames-2253354 ; dckg:result x:res . x:res a dckg:Result ; rdfs:label "R" ;'
        " dckg:advances sdg:6 .",
        "x:res a dckg:Result ; dckg:advances theme:energy .",
        {
            (X + "res", RDFS + "label", V),
            (X + "res", d("result"), W),
            (X + "res", d("advances"), V),
        },
    ),
    "IndicatorShape": (
        'x:i a dckg:Indicator ; rdfs:label "People reached" ; dckg:value 1200 ;'
        ' dckg:unit "people" .',
        'x:i a dckg:Indicator ; rdfs:label "People reached" ; dckg:value "many" .',
        {(X + "i", d("value"), V), (X + "i", d("unit"), W)},
    ),
    "FundingShape": (
        'p:x a dckg:Partnership ; rdfs:label "X" ; dckg:partner city:geonames-2996944 ,'
        " city:geonames-2253354 ; dckg:funding x:f . x:f a dckg:Funding ; dckg:amount 1000.50 ;"
        ' dckg:currency "EUR" ; dckg:instrument instrument:ndici-global-europe .',
        'x:f a dckg:Funding ; dckg:amount -5 ; dckg:currency "euro" ;'
        " dckg:programme instrument:ndici-global-europe .",
        {
            (X + "f", d("amount"), V),
            (X + "f", d("currency"), V),
            (X + "f", d("programme"), V),
            (X + "f", d("funding"), W),
        },
    ),
    "FundedActionShape": (
        'x:a a dckg:FundedAction ; rdfs:label "A" ; dckg:funding x:f ; dckg:country country:SEN ;'
        ' dckg:adoptionDate "2016-12-15"^^xsd:date . x:f a dckg:Funding ; dckg:amount 10 ;'
        ' dckg:currency "EUR" .',
        "x:a a dckg:FundedAction ; dckg:country theme:energy ;"
        ' dckg:adoptionDate "2016"^^xsd:gYear .',
        {
            (X + "a", RDFS + "label", V),
            (X + "a", d("funding"), V),
            (X + "a", d("country"), V),
            (X + "a", d("adoptionDate"), V),
        },
    ),
    "CountryAllocationShape": (
        'x:a a dckg:FundedAction ; rdfs:label "A" ; dckg:funding x:f ; dckg:allocation x:c .'
        ' x:f a dckg:Funding ; dckg:amount 10 ; dckg:currency "EUR" .'
        " x:c a dckg:CountryAllocation ; dckg:country country:SEN ; dckg:share 12.5 .",
        "x:c a dckg:CountryAllocation ; dckg:share 120 .",
        {(X + "c", d("country"), V), (X + "c", d("share"), V), (X + "c", d("allocation"), V)},
    ),
    "LotShape": (
        'x:call a dckg:CallForProposals ; rdfs:label "C" ; dckg:programme programme:csos-las ;'
        ' dckg:lot x:l . x:l a dckg:Lot ; rdfs:label "Lot 1" .',
        "x:l a dckg:Lot .",
        {(X + "l", RDFS + "label", V), (X + "l", d("lot"), V)},
    ),
    "ReportedFigureShape": (
        'x:r a dckg:ReportedFigure ; dckg:about programme:csos-las ; dckg:attribute "budget" ;'
        ' dckg:reportedText "~40" ; dckg:reportedValue 40 ;'
        " <http://purl.org/dc/terms/source> <https://example.org/page> .",
        'x:r a dckg:ReportedFigure ; dckg:about "PSC" ; dckg:reportedValue "forty" .',
        {
            (X + "r", d("about"), V),
            (X + "r", d("attribute"), V),
            (X + "r", d("reportedText"), V),
            (X + "r", d("reportedValue"), V),
            (X + "r", "http://purl.org/dc/terms/source", V),
        },
    ),
    "FundingInstrumentShape": (
        'x:fi a dckg:FundingInstrument ; rdfs:label "Fund" .',
        "x:fi a dckg:FundingInstrument ; dckg:managedBy country:FRA .",
        {(X + "fi", RDFS + "label", V), (X + "fi", d("managedBy"), V)},
    ),
    "ProgrammeShape": (
        'x:pr a dckg:Programme ; rdfs:label "P" ; dckg:instrument instrument:ndici-global-europe .',
        'x:pr a dckg:Programme ; rdfs:label "P" ;'
        " dckg:instrument programme:partnerships-for-sustainable-cities .",
        {(X + "pr", d("instrument"), V)},
    ),
    "CallForProposalsShape": (
        'x:call a dckg:CallForProposals ; rdfs:label "Call" ;'
        ' dckg:programme programme:csos-las ; dckg:callYear "2020"^^xsd:gYear .',
        'x:call a dckg:CallForProposals ; rdfs:label "Call" ;'
        ' dckg:callYear "2020-01-01"^^xsd:date .',
        {(X + "call", d("callYear"), V), (X + "call", d("programme"), W)},
    ),
    "BudgetShape": (
        'x:pr a dckg:Programme ; rdfs:label "P" ; dckg:budget 100 ; dckg:euContribution 80 .',
        'x:pr a dckg:Programme ; rdfs:label "P" ; dckg:budget 100 ; dckg:euContribution 120 .',
        {(X + "pr", None, W)},
    ),
    "TeamEuropeInitiativeShape": (
        'x:t a dckg:TeamEuropeInitiative ; rdfs:label "TEI" ; dckg:country country:SEN .',
        "x:t a dckg:TeamEuropeInitiative ; dckg:country theme:energy .",
        {(X + "t", RDFS + "label", V), (X + "t", d("country"), V)},
    ),
    "GlobalGatewayProjectShape": (
        'x:gg a dckg:GlobalGatewayProject ; rdfs:label "Bridge" ; dckg:country country:SEN ;'
        ' dckg:flagshipYear "2023"^^xsd:gYear .',
        'x:gg a dckg:GlobalGatewayProject ; rdfs:label "Bridge" ; dckg:flagshipYear "2023" .',
        {(X + "gg", d("country"), W), (X + "gg", d("flagshipYear"), V)},
    ),
    "PolicyFrameworkShape": (
        'x:pf a dckg:PolicyFramework ; rdfs:label "Framework" ;'
        ' dckg:adoptionDate "2015-09"^^xsd:gYearMonth .',
        'x:pf a dckg:PolicyFramework ; dckg:adoptionDate "September 2015" .',
        {(X + "pf", RDFS + "label", V), (X + "pf", d("adoptionDate"), V)},
    ),
    "PolicyObjectiveShape": (
        'x:o a dckg:Commitment ; rdfs:label "O" ; dckg:framework framework:2030-agenda .',
        'x:o a dckg:Commitment ; rdfs:label "O" .',
        {(X + "o", d("framework"), V)},
    ),
    "SustainableDevelopmentGoalShape": (
        'sdg:17 a dckg:SustainableDevelopmentGoal ; rdfs:label "Goal 17" ;'
        " dckg:framework framework:2030-agenda .",
        '<http://metadata.un.org/sdg/18> a dckg:SustainableDevelopmentGoal ; rdfs:label "18" ;'
        " dckg:framework framework:2030-agenda .",
        {("http://metadata.un.org/sdg/18", None, V)},
    ),
    "SDGTargetShape": (
        'x:t11 a dckg:Commitment ; rdfs:label "T" ; dckg:framework framework:2030-agenda .'
        " <http://metadata.un.org/sdg/11.3> a dckg:SDGTarget , skos:Concept ;"
        ' rdfs:label "11.3"@en ; skos:prefLabel "11.3"@en ; skos:broader sdg:11 ;'
        " skos:inScheme <http://metadata.un.org/sdg> ; dckg:framework framework:2030-agenda .",
        '<http://metadata.un.org/sdg/11.x3> a dckg:SDGTarget , skos:Concept ; rdfs:label "x"@en ;'
        ' skos:prefLabel "x"@en ; skos:inScheme <http://metadata.un.org/sdg> ;'
        " dckg:framework framework:2030-agenda ; skos:broader <http://metadata.un.org/sdg/11.3> .",
        {
            ("http://metadata.un.org/sdg/11.x3", None, V),
            ("http://metadata.un.org/sdg/11.x3", SKOS + "broader", V),
        },
    ),
    "SDGIndicatorShape": (
        "<http://metadata.un.org/sdg/C110301> a dckg:SDGIndicator , skos:Concept ;"
        ' skos:prefLabel "11.3.1"@en ; skos:inScheme <http://metadata.un.org/sdg> ;'
        " skos:broader <http://metadata.un.org/sdg/11.3> .",
        'x:i a dckg:SDGIndicator , skos:Concept ; skos:prefLabel "i"@en ;'
        " skos:inScheme <http://metadata.un.org/sdg> ; skos:broader sdg:11 .",
        {(X + "i", SKOS + "broader", V)},
    ),
    "ConceptShape": (
        'x:k a skos:Concept ; skos:prefLabel "K" ; skos:inScheme scheme:themes .',
        'x:k a skos:Concept ; skos:prefLabel "K" ; skos:inScheme x:nowhere .',
        {(X + "k", SKOS + "inScheme", V)},
    ),
    "ConceptSchemeShape": (
        'x:s a skos:ConceptScheme ; skos:prefLabel "S" .',
        'x:s a skos:ConceptScheme ; rdfs:label "S" .',
        {(X + "s", SKOS + "prefLabel", V)},
    ),
    "ContributionShape": (
        "<https://w3id.org/dckg/graph/contribution/t> a dckg:Contribution ;"
        " prov:wasAttributedTo x:someone ;"
        ' prov:generatedAtTime "2026-01-02T03:04:05Z"^^xsd:dateTime ;'
        ' dckg:checksum "sha256:' + "a" * 64 + '" ; dckg:shapesVersion "0.1.0" .'
        " x:someone a prov:Agent .",
        "<https://w3id.org/dckg/graph/contribution/t> a dckg:Contribution ;"
        ' prov:wasAttributedTo x:someone ; prov:generatedAtTime "2026-01-02"^^xsd:date ;'
        ' dckg:checksum "md5:abc" ; dckg:shapesVersion "0.1.0" .'
        " x:someone a prov:Agent .",
        {
            (
                "https://w3id.org/dckg/graph/contribution/t",
                "http://www.w3.org/ns/prov#generatedAtTime",
                V,
            ),
            ("https://w3id.org/dckg/graph/contribution/t", d("checksum"), V),
        },
    ),
}


def _triples(report) -> set[tuple[str, str | None, str]]:
    return {
        (i.focus.value, i.path.value if i.path else None, i.severity)
        for i in report.issues
        if i.focus is not None
    }


@pytest.mark.parametrize("name", sorted(CASES))
def test_valid_example_gives_no_result(reference_store: Store, name: str) -> None:
    valid, _, _ = CASES[name]
    report = check_turtle(reference_store, valid)
    assert report.issues == [], report.to_text()


@pytest.mark.parametrize("name", sorted(CASES))
def test_invalid_example_gives_the_expected_results(reference_store: Store, name: str) -> None:
    _, invalid, expected = CASES[name]
    report = check_turtle(reference_store, invalid)
    assert _triples(report) == expected, report.to_text()
    assert report.conforms == all(severity != V for _, _, severity in expected)


@pytest.mark.parametrize("name", sorted(CASES))
def test_pyshacl_agrees(reference_store: Store, name: str) -> None:
    valid, invalid, _ = CASES[name]
    for text in (valid, invalid):
        ours = check_turtle(reference_store, text)
        reference = check_turtle(reference_store, text, engine="pyshacl")

        def key(report):
            return sorted(
                (str(i.focus), str(i.path), i.inverse_path, i.severity, str(i.component),
                 str(i.value), i.message)
                for i in report.issues
            )  # fmt: skip

        assert key(ours) == key(reference)


def test_every_class_instances_carry_has_a_shape() -> None:
    shapes = load_shapes()
    targeted = {str(o) for o in shapes.objects(None, rdflib.URIRef(SH_NS + "targetClass"))}
    for local in (
        "Actor LocalRegionalGovernment City CityNetwork NationalGovernment Country Partnership "
        "Twinning Project Participation Result Indicator Funding FundingInstrument Programme "
        "CallForProposals TeamEuropeInitiative GlobalGatewayProject PolicyFramework "
        "PolicyObjective SustainableDevelopmentGoal Contribution"
    ).split():
        assert DCKG + local in targeted, local
    assert SKOS + "Concept" in targeted and GEO + "Geometry" in targeted


SH_NS = "http://www.w3.org/ns/shacl#"


def test_every_constraint_has_a_message() -> None:
    shapes = load_shapes()
    sh = rdflib.Namespace(SH_NS)
    for prop in shapes.objects(None, sh.property):
        assert shapes.value(prop, sh.message) is not None, prop
    for constraint in shapes.objects(None, sh.sparql):
        assert shapes.value(constraint, sh.message) is not None, constraint
    for shape in shapes.subjects(rdflib.RDF.type, sh.NodeShape):
        own = [p for p in shapes.predicates(shape) if str(p) in (SH_NS + "or", SH_NS + "pattern")]
        if own:
            assert shapes.value(shape, sh.message) is not None, shape


def test_the_shapes_graph_conforms_to_shacl_shacl() -> None:
    import pyshacl

    meta = rdflib.Graph().parse(
        str(files("pyshacl") / "assets" / "shacl-shacl.ttl"), format="turtle"
    )
    conforms, _, text = pyshacl.validate(load_shapes(), shacl_graph=meta)
    assert conforms, text


def test_shacl_shacl_catches_a_broken_shapes_graph() -> None:
    import pyshacl

    meta = rdflib.Graph().parse(
        str(files("pyshacl") / "assets" / "shacl-shacl.ttl"), format="turtle"
    )
    broken = rdflib.Graph().parse(
        data="@prefix sh: <http://www.w3.org/ns/shacl#> . <http://e/s> a sh:NodeShape ;"
        ' sh:property [ sh:path <http://e/p> ; sh:minCount "one" ] .',
        format="turtle",
    )
    conforms, _, _ = pyshacl.validate(broken, shacl_graph=meta)
    assert not conforms


def test_the_shipped_data_conforms(reference_store: Store) -> None:
    """The whole initialised store, every subject a focus node: no Violation."""
    from pyoxigraph import Triple

    from dckg.validation.shapes import class_hierarchy

    triples = [Triple(q.subject, q.predicate, q.object) for q in reference_store.quads()]
    triples += [
        Triple(NamedNode(a), NamedNode(RDFS + "subClassOf"), NamedNode(b))
        for a, b in class_hierarchy()
    ]
    results = run_shapes(triples, {t.subject for t in triples})
    violations = [r for r in results if r.severity == "Violation"]
    assert violations == []
    # the shapes did look at the data: cities without a country are reported as warnings
    assert any(r.path == NamedNode(DCKG + "country") for r in results)


def test_every_shape_with_targets_has_examples() -> None:
    shapes = load_shapes()
    targets = [rdflib.URIRef(SH_NS + t) for t in ("targetClass", "targetNode", "targetSubjectsOf")]
    targeted = {s for t in targets for s in shapes.subjects(t, None)}
    targeted |= set(shapes.subjects(rdflib.RDF.type, rdflib.RDFS.Class)) & set(
        shapes.subjects(rdflib.RDF.type, rdflib.URIRef(SH_NS + "NodeShape"))
    )
    roots = {str(shape).rsplit("#", 1)[-1] for shape in targeted}
    covered = {name.split(" ")[0] for name in CASES}
    assert roots <= covered, roots - covered
    assert len(roots) >= 25
