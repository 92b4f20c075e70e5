"""The report in its three forms names file, row or line, field or property, value."""

from __future__ import annotations

import json

from pyoxigraph import Literal, NamedNode, RdfFormat, parse

from dckg.namespaces import RDF, SH
from dckg.store import Store
from dckg.validation import bytes_input, validate

from .conftest import PREFIXES, check_turtle

CSV = (
    "id,type,label,partner_1,partner_2,start_date\n"
    "r1,twinning,R1,city:geonames-2996944,city:geonames-2253354,2020\n"
    "r2,twinning,R2,city:geonames-2996944,city:geonames-2253354,someday\n"
)


def csv_report(store: Store):
    return validate(store, [bytes_input(CSV.encode(), name="rows.csv", fmt="csv")])


def test_text_names_file_row_field_value_and_severity(reference_store: Store) -> None:
    text = csv_report(reference_store).to_text()
    line = next(x for x in text.splitlines() if "someday" in x)
    assert line == (
        "rows.csv, row 3, column start_date: Violation: "
        "'someday' is not a date: write 2021-03-15, or 2021 for a year"
    )
    assert text.splitlines()[-1].startswith("1 input(s)") and "does NOT conform" in text


def test_rdf_issues_name_the_line_of_the_subject(reference_store: Store) -> None:
    report = check_turtle(reference_store, '\n\np:q a dckg:Partnership ; rdfs:label "Q" .')
    partner = NamedNode("https://w3id.org/dckg/ontology#partner")
    (issue,) = [i for i in report.issues if i.path == partner and i.severity == "Violation"]
    assert issue.location == f"line {PREFIXES.count(chr(10)) + 3}"
    assert "subject <https://w3id.org/dckg/id/partnership/q>" in issue.to_text()


def test_json_carries_every_field(reference_store: Store) -> None:
    document = json.loads(csv_report(reference_store).to_json())
    assert document["conforms"] is False and document["violations"] == 1
    (issue,) = [r for r in document["results"] if r["field"] == "start_date"]
    assert issue["source"] == "rows.csv" and issue["location"] == "row 3"
    assert issue["value"] == "someday" and issue["severity"] == "Violation"
    assert issue["focus"] == "https://w3id.org/dckg/id/partnership/r2"
    assert issue["path"] == "https://w3id.org/dckg/ontology#startDate"
    assert issue["message"]


def test_turtle_is_a_standard_shacl_validation_report(reference_store: Store) -> None:
    report = csv_report(reference_store)
    triples = list(parse(report.to_turtle().encode(), RdfFormat.TURTLE))
    sh = lambda local: NamedNode(SH + local)  # noqa: E731
    by_predicate = {}
    for t in triples:
        by_predicate.setdefault(t.predicate, []).append(t)
    (root,) = [t.subject for t in by_predicate[NamedNode(RDF + "type")]
               if t.object == sh("ValidationReport")]  # fmt: skip
    conforms = [t.object for t in by_predicate[sh("conforms")] if t.subject == root]
    assert conforms == [
        Literal("false", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
    ]
    results = [t.object for t in by_predicate[sh("result")] if t.subject == root]
    assert len(results) == len(report.issues) > 0
    for result in results:
        about = {t.predicate for t in triples if t.subject == result}
        assert {sh("focusNode"), sh("resultSeverity"), sh("resultMessage"),
                sh("sourceConstraintComponent")} <= about  # fmt: skip


def test_a_conforming_contribution(reference_store: Store) -> None:
    report = validate(
        reference_store, [bytes_input(CSV.split("r2,")[0].encode(), name="ok.csv", fmt="csv")]
    )
    assert report.conforms and report.issues == []
    assert json.loads(report.to_json())["conforms"] is True
