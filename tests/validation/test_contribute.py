"""Contributing: all or nothing, with provenance; listing; withdrawing; graph checks."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode

from dckg.errors import InputError, NotFound, ValidationFailed
from dckg.namespaces import DCKG, DCT, PROV, RDFS, XSD
from dckg.store import Store
from dckg.validation import (
    CONTRIBUTIONS_GRAPH,
    bytes_input,
    contribute,
    contributions,
    open_input,
    shapes_version,
    validate,
    withdraw,
)
from dckg.validation.neighbourhood import neighbourhood
from dckg.validation.report import DUPLICATE, MISSING_REFERENCE, UNKNOWN_CODE

from .conftest import all_quads

HEADER = "id,type,label,partner_1,partner_1_role,partner_2,start_date,end_date,themes,advances\n"
LYON, DAKAR, NAIROBI, PARIS = (
    "city:geonames-2996944",
    "city:geonames-2253354",
    "city:geonames-184745",
    "city:geonames-2988507",
)


def csv(tmp_path: Path, rows: list[str], name: str = "partnerships.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_contribute_merges_into_a_new_graph_with_provenance(
    shipped_copy: Store, tmp_path: Path
) -> None:
    path = csv(tmp_path, [f"t-one,project,One,{LYON},lead,{DAKAR},2020,2023,energy,7"])
    record = contribute(
        shipped_copy,
        [open_input(path)],
        by="Ana María López",
        source_url="https://example.org/list",
        note="first batch",
    )
    assert re.fullmatch(r"\d{8}T\d{6}-[0-9a-f]{8}", record.id)
    graph = NamedNode("https://w3id.org/dckg/graph/contribution/" + record.id)
    assert record.graph == graph
    partnership = NamedNode("https://w3id.org/dckg/id/partnership/t-one")
    stored = {(q.predicate.value, q.object) for q in shipped_copy.quads(partnership, graph=graph)}
    assert (RDFS + "label", Literal("One")) in stored
    assert (DCKG + "partner", NamedNode("https://w3id.org/dckg/id/city/geonames-2996944")) in stored
    assert (DCKG + "startDate", Literal("2020", datatype=NamedNode(XSD + "gYear"))) in stored
    assert shipped_copy.count(graph) == record.triples == 12

    meta = {
        (q.predicate.value, q.object)
        for q in shipped_copy.quads(graph, None, None, CONTRIBUTIONS_GRAPH)
    }
    digest = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    assert (DCKG + "checksum", Literal(digest)) in meta
    assert (DCKG + "shapesVersion", Literal(shapes_version())) in meta
    assert (DCT + "source", NamedNode("https://example.org/list")) in meta
    assert (RDFS + "comment", Literal("first batch")) in meta
    assert (DCKG + "sourceFormat", Literal("text/csv")) in meta
    when = [o for p, o in meta if p == PROV + "generatedAtTime"]
    assert len(when) == 1 and when[0].datatype == NamedNode(XSD + "dateTime")
    agent = next(o for p, o in meta if p == PROV + "wasAttributedTo")
    assert agent == NamedNode("https://w3id.org/dckg/id/contributor/ana-maria-lopez")
    assert Literal("Ana María López") in {
        q.object for q in shipped_copy.quads(agent, NamedNode(RDFS + "label"))
    }

    listed = contributions(shipped_copy)
    assert [(c.id, c.by, c.triples, c.note) for c in listed] == [
        (record.id, "Ana María López", 12, "first batch")
    ]
    assert listed[0].checksums == (digest,) and listed[0].files == (str(path),)

    # the provenance itself conforms to the contribution shape
    provenance = [q for q in shipped_copy.quads(graph=CONTRIBUTIONS_GRAPH)]
    report = validate(
        shipped_copy,
        [bytes_input(_ntriples(provenance), name="provenance.nt", fmt="nt")],
    )
    assert report.count("Violation") == 0, report.to_text()


def _ntriples(quads: list) -> bytes:
    return "".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in quads).encode()


def test_a_failing_contribution_writes_nothing(shipped_copy: Store, tmp_path: Path) -> None:
    before = all_quads(shipped_copy)
    good = csv(tmp_path, [f"t-good,project,Good,{LYON},lead,{DAKAR},2020,,,"], "good.csv")
    bad = csv(tmp_path, [f"t-bad,project,Bad,{LYON},lead,city:geonames-1,2020,,,"], "bad.csv")
    with pytest.raises(ValidationFailed) as caught:
        contribute(shipped_copy, [open_input(good), open_input(bad)], by="Ana")
    report = caught.value.report
    assert report is not None and not report.conforms
    assert all_quads(shipped_copy) == before

    broken = tmp_path / "broken.ttl"
    broken.write_text("<https://w3id.org/dckg/id/x> a .")
    with pytest.raises(InputError):
        contribute(shipped_copy, [open_input(good), open_input(broken)], by="Ana")
    assert all_quads(shipped_copy) == before
    assert contributions(shipped_copy) == []


def test_withdraw_removes_the_contribution_whole(shipped_copy: Store, tmp_path: Path) -> None:
    before = all_quads(shipped_copy)
    first = contribute(
        shipped_copy,
        [open_input(csv(tmp_path, [f"t-a,twinning,A,{LYON},,{DAKAR},,,,"], "a.csv"))],
        by="Ana",
    )
    after_first = all_quads(shipped_copy)
    second = contribute(
        shipped_copy,
        [open_input(csv(tmp_path, [f"t-b,twinning,B,{NAIROBI},,{DAKAR},,,,"], "b.csv"))],
        by="Ana",  # the same contributor: withdrawing one keeps their description
    )
    assert [c.id for c in contributions(shipped_copy)] == [first.id, second.id]
    withdraw(shipped_copy, second.id)
    assert all_quads(shipped_copy) == after_first
    withdraw(shipped_copy, first.id)
    assert all_quads(shipped_copy) == before
    assert contributions(shipped_copy) == []
    with pytest.raises(NotFound):
        withdraw(shipped_copy, first.id)


def test_duplicates_in_the_store_and_in_the_file(shipped_copy: Store, tmp_path: Path) -> None:
    contribute(
        shipped_copy,
        [open_input(csv(tmp_path, [f"t-d,twinning,D,{LYON},,{DAKAR},2001,,,"], "d.csv"))],
        by="Ana",
    )
    again = csv(
        tmp_path,
        [
            f"t-d2,twinning,D again,{DAKAR},,{LYON},2001,,,",  # same partners, same start
            f"t-d3,twinning,D later,{DAKAR},,{LYON},2002,,,",  # another start: not a duplicate
            f"t-e,twinning,E,{NAIROBI},,{PARIS},,,,",
            f"t-e2,twinning,E again,{PARIS},,{NAIROBI},,,,",  # neither has a start
        ],
        "again.csv",
    )
    report = validate(shipped_copy, [open_input(again)])
    duplicates = {
        (i.focus.value.rsplit("/", 1)[-1], i.value.value.rsplit("/", 1)[-1], i.location)
        for i in report.issues
        if i.component == DUPLICATE
    }
    assert duplicates == {("t-d2", "t-d", "row 2"), ("t-e2", "t-e", "row 5")}
    assert not report.conforms


def test_references_must_exist_in_the_store_or_the_contribution(
    reference_store: Store, tmp_path: Path
) -> None:
    path = csv(
        tmp_path,
        [
            f"t-m,project,M,{LYON},lead,city:geonames-1,2020,,,",
            f"t-n,project,N,{LYON},chief,{DAKAR},2020,,,",
        ],
    )
    report = validate(reference_store, [open_input(path)])
    missing = {
        (i.location, i.field, i.value.value.rsplit("/", 1)[-1])
        for i in report.issues
        if i.component == MISSING_REFERENCE
    }
    assert missing == {("row 2", "partner_2", "geonames-1")}
    codes = {(i.location, i.field) for i in report.issues if i.component == UNKNOWN_CODE}
    assert codes == {("row 3", "partner_1_role")}


def test_the_neighbourhood_is_what_the_contribution_touches(reference_store: Store) -> None:
    """The store holds 300k+ quads; a one-partnership contribution fetches a few dozen."""
    data = (
        b"@prefix dckg: <https://w3id.org/dckg/ontology#> .\n"
        b"<https://w3id.org/dckg/id/partnership/z> a dckg:Partnership ;\n"
        b"  dckg:partner <https://w3id.org/dckg/id/city/geonames-2996944> ,\n"
        b"               <https://w3id.org/dckg/id/city/geonames-2253354> .\n"
    )
    from dckg.validation import read_contribution

    parsed = read_contribution(bytes_input(data, fmt="ttl"))
    context = neighbourhood(reference_store, parsed.triples)
    subjects = {t.subject.value.split("#")[0] for t in context}
    assert subjects == {
        "https://w3id.org/dckg/id/city/geonames-2996944",
        "https://w3id.org/dckg/id/city/geonames-2253354",
    }
    assert 10 < len(context) < 60
    assert reference_store.count() > 300_000


def test_warnings_do_not_stop_a_contribution(shipped_copy: Store, tmp_path: Path) -> None:
    path = csv(tmp_path, [f"t-fr,partnership,France only,{LYON},,{PARIS},2020,2021,,"])
    record = contribute(shipped_copy, [open_input(path)], by="Ana")
    assert record.report is not None and record.report.conforms
    (warning,) = record.report.issues
    assert warning.severity == "Warning"
    assert warning.message.startswith("All partners of this partnership are in the same country")
    # an end before the start is a violation: nothing is written
    late = csv(tmp_path, [f"t-fr2,partnership,Late,{LYON},,{DAKAR},2021,2020,,"])
    with pytest.raises(ValidationFailed) as failed:
        contribute(shipped_copy, [open_input(late)], by="Ana")
    (issue,) = failed.value.report.issues
    assert (issue.field, issue.severity) == ("end_date", "Violation")


def test_the_store_supplies_backward_links(shipped_copy: Store, tmp_path: Path) -> None:
    """A result already linked from a partnership in the store gets an indicator later."""
    first = csv(tmp_path, [f"t-r,project,R,{LYON},lead,{DAKAR},2020,,,"])
    results = tmp_path / "results.csv"
    results.write_text("id,partnership,label\nr-1,t-r,Bus lanes opened\n")
    contribute(shipped_copy, [open_input(first), open_input(results)], by="Ana")
    later = (
        "@prefix dckg: <https://w3id.org/dckg/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix r: <https://w3id.org/dckg/id/result/> .\n"
        "r:r-1 dckg:indicator <https://w3id.org/dckg/id/result/r-1#km> .\n"
        '<https://w3id.org/dckg/id/result/r-1#km> a dckg:Indicator ; rdfs:label "km" ;\n'
        '  dckg:value 12 ; dckg:unit "km" .\n'
    )  # fmt: skip
    report = validate(shipped_copy, [bytes_input(later.encode(), name="later.ttl", fmt="ttl")])
    assert report.issues == [], report.to_text()
    # without the store, the result the file adds to is unknown
    alone = validate(None, [bytes_input(later.encode(), name="later.ttl", fmt="ttl")])
    assert [(i.value.value.rsplit("/", 1)[-1], i.location) for i in alone.issues] == [
        ("r-1", "line 4")
    ]
    unlinked = later + '<https://w3id.org/dckg/id/result/r-2> a dckg:Result ; rdfs:label "x" .\n'
    report = validate(shipped_copy, [bytes_input(unlinked.encode(), name="u.ttl", fmt="ttl")])
    assert [
        (i.focus.value.rsplit("/", 1)[-1], i.severity, i.inverse_path) for i in report.issues
    ] == [("r-2", "Warning", True)]
