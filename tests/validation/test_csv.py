"""CSV templates: the examples round-trip into the store; bad cells are reported in place."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode

from dckg.namespaces import DCKG, GEO, RDF, RDFS, XSD
from dckg.store import Store
from dckg.validation import TEMPLATES, bytes_input, contribute, open_input, validate
from dckg.validation.csvmap import resolve_country, resolve_ref
from dckg.validation.report import CELL_VALUE, RECONCILIATION

from .conftest import TEMPLATES as TEMPLATE_DIR

ID = "https://w3id.org/dckg/id/"


def test_every_template_has_an_example_with_every_column() -> None:
    for name, template in TEMPLATES.items():
        with open(TEMPLATE_DIR / f"{name}.csv", encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        assert header == [c.name for c in template.columns], name


def test_the_examples_round_trip_through_the_store(shipped_copy: Store) -> None:
    files = [open_input(TEMPLATE_DIR / f"{name}.csv") for name in TEMPLATES]
    report = validate(shipped_copy, files)
    assert report.count("Violation") == 0, report.to_text()
    record = contribute(shipped_copy, files, by="Template examples")
    g = record.graph

    def objects(subject: str, predicate: str) -> set:
        node = NamedNode(subject if subject.startswith("http") else ID + subject)
        return {q.object for q in shipped_copy.quads(node, NamedNode(predicate), None, g)}

    # partnerships.csv, row 2: every column back from the store
    p = "partnership/example-lyon-dakar-mobility"
    assert objects(p, RDF + "type") == {NamedNode(DCKG + "Project")}
    assert objects(p, RDFS + "label") == {Literal("Example: Lyon–Dakar sustainable mobility")}
    assert objects(p, DCKG + "partner") == {
        NamedNode(ID + "city/geonames-2996944"),
        NamedNode(ID + "city/geonames-2253354"),
        NamedNode(ID + "network/uclg-africa"),
    }
    assert objects(p, DCKG + "startDate") == {
        Literal("2021-02-01", datatype=NamedNode(XSD + "date"))
    }
    assert objects(p, DCKG + "theme") == {
        NamedNode(ID + "theme/urban-mobility"),
        NamedNode(ID + "theme/climate-mitigation"),
    }
    assert objects(p, DCKG + "advances") == {
        NamedNode("http://metadata.un.org/sdg/11"),
        NamedNode("http://metadata.un.org/sdg/13"),
    }
    assert objects(p, DCKG + "budget") == {Literal("1250000", datatype=NamedNode(XSD + "decimal"))}
    roles = {
        (next(iter(objects(part.value, DCKG + "agent"))).value.rsplit("/", 1)[-1],
         next(iter(objects(part.value, DCKG + "role"))).value.rsplit("/", 1)[-1])
        for part in objects(p, DCKG + "participation")
    }  # fmt: skip
    assert roles == {
        ("geonames-2996944", "lead"),
        ("geonames-2253354", "co-applicant"),
        ("uclg-africa", "associate"),
    }
    # partnerships.csv, row 3: Kampala given by name and coordinates was resolved
    assert objects("partnership/example-bordeaux-kampala", DCKG + "partner") == {
        NamedNode(ID + "city/geonames-3031582"),
        NamedNode(ID + "city/geonames-232422"),
    }
    # actors.csv: a region with its point and its network
    region = "actor/example-region-of-north"
    assert objects(region, RDF + "type") == {NamedNode(DCKG + "Region")}
    assert objects(region, DCKG + "country") == {NamedNode(ID + "country/FRA")}
    assert objects(region, DCKG + "memberOf") == {NamedNode(ID + "network/cemr")}
    geometry = next(iter(objects(region, GEO + "hasGeometry")))
    assert objects(geometry.value, GEO + "asWKT") == {
        Literal("POINT(2.79 50.48)", datatype=NamedNode(GEO + "wktLiteral"))
    }
    # memberships.csv: Lyon (by IRI) and Dakar (by name)
    assert objects("city/geonames-2996944", DCKG + "memberOf") == {
        NamedNode(ID + "network/eurocities")
    }
    assert objects("city/geonames-2253354", DCKG + "memberOf") == {
        NamedNode(ID + "network/uclg-africa")
    }
    # funding.csv and results.csv hang off the partnership
    assert objects(p, DCKG + "funding") == {NamedNode(ID + "funding/example-lyon-dakar-grant")}
    assert objects(p, DCKG + "fundedBy") == {NamedNode(ID + "funding/example-lyon-dakar-grant")}
    grant = "funding/example-lyon-dakar-grant"
    assert objects(grant, DCKG + "amount") == {
        Literal("1000000", datatype=NamedNode(XSD + "decimal"))
    }
    assert objects(grant, DCKG + "call") == {NamedNode(ID + "call/psc-2020")}
    result = "result/example-lyon-dakar-bus-lanes"
    assert objects(p, DCKG + "result") == {NamedNode(ID + result)}
    indicator = next(iter(objects(result, DCKG + "indicator")))
    assert objects(indicator.value, DCKG + "value") == {
        Literal("12.5", datatype=NamedNode(XSD + "decimal"))
    }
    assert objects(indicator.value, DCKG + "unit") == {Literal("km")}


HEADER = "id,type,label,partner_1,partner_1_country,partner_1_lat,partner_1_lon,partner_2,start_date,advances,budget\n"  # noqa: E501


def check(store: Store | None, rows: str):
    return validate(store, [bytes_input((HEADER + rows).encode(), name="p.csv", fmt="csv")])


@pytest.mark.parametrize(
    ("row", "field", "value", "words"),
    [
        ("x1,twinning,X,city:geonames-2996944,,,,city:geonames-2253354,2020-02-30,,", "start_date",
         "2020-02-30", "not a real date"),
        ("x1,twinning,X,city:geonames-2996944,,,,city:geonames-2253354,15/03/2021,,", "start_date",
         "15/03/2021", "not a date"),
        ("x1,twinning,X,city:geonames-2996944,,,,city:geonames-2253354,,18,", "advances", "18",
         "17 Sustainable Development Goals"),
        ("x1,twinning,X,city:geonames-2996944,,,,city:geonames-2253354,,,1,5", None, None, None),
        ("x1,twinning,X,city:geonames-2996944,,,,city:geonames-2253354,,,\"1,5\"", "budget", "1,5",
         "decimal mark"),
        ("x1,alliance,X,city:geonames-2996944,,,,city:geonames-2253354,,,", "type", "alliance",
         "unknown type"),
        ("x1,twinning,,city:geonames-2996944,,,,city:geonames-2253354,,,", "label", None,
         "The column label is empty"),
        ("x1,twinning,X,Lyon,FR,95,4.8,city:geonames-2253354,,,", "partner_1", "Lyon",
         "out of range"),
        ("x y,twinning,X,city:geonames-2996944,,,,city:geonames-2253354,,,", "id", "x y",
         "is not a key: write letters a-z, digits and - only"),
    ],
)  # fmt: skip
def test_bad_cells_are_reported_with_row_and_field(
    row: str, field: str | None, value: str | None, words: str | None
) -> None:
    if field is None:  # an unquoted comma makes one field too many: unreadable
        from dckg.errors import InputError

        with pytest.raises(InputError, match="row 2 has 12 fields"):
            check(None, row + "\n")
        return
    report = check(None, row + "\n")
    cells = [i for i in report.issues if i.component == CELL_VALUE]
    assert len(cells) == 1, report.to_text()
    issue = cells[0]
    assert (issue.location, issue.field, issue.severity) == ("row 2", field, "Violation")
    assert (issue.value.value if issue.value else None) == value
    assert words in issue.message
    assert not report.conforms


def test_an_id_used_twice_is_reported() -> None:
    row = "x1,twinning,X,city:geonames-2996944,,,,city:geonames-2253354,,,\n"
    report = check(None, row + row)
    assert [(i.location, i.field) for i in report.issues if "already used" in i.message] == [
        ("row 3", "id")
    ]


def test_references_and_countries() -> None:
    assert resolve_ref("https://w3id.org/dckg/id/network/uclg", "actor").value.endswith("/uclg")
    assert resolve_country("SEN").value == ID + "country/SEN"
    assert resolve_country("Senegal").value == ID + "country/SEN"


# -- partners given by name ----------------------------------------------------------------


def partner_issue(store: Store, name: str, country: str, lat: str = "", lon: str = ""):
    row = f"x1,twinning,X,{name},{country},{lat},{lon},city:geonames-2253354,,,\n"
    report = check(store, row)
    return report, [i for i in report.issues if i.component == RECONCILIATION]


@pytest.mark.parametrize(
    ("name", "country", "lat", "lon", "gid"),
    [
        ("Bordeaux", "France", "", "", "3031582"),
        ("Lyon", "FR", "", "", "2996944"),
        ("Kampala", "UGA", "0.31628", "32.58219", "232422"),
    ],
)
def test_partner_by_exact_name_resolves_to_the_right_city(
    reference_store: Store, name: str, country: str, lat: str, lon: str, gid: str
) -> None:
    from dckg.validation import read_contribution

    row = HEADER + f"x1,twinning,X,{name},{country},{lat},{lon},city:geonames-2253354,,,\n"
    parsed = read_contribution(
        bytes_input(row.encode(), name="p.csv", fmt="csv"), store=reference_store
    )
    assert parsed.issues == []
    partners = {t.object.value for t in parsed.triples if t.predicate.value == DCKG + "partner"}
    assert partners == {ID + f"city/geonames-{gid}", ID + "city/geonames-2253354"}


def test_an_ambiguous_name_lists_candidates(reference_store: Store) -> None:
    report, issues = partner_issue(reference_store, "Valencia", "")
    assert len(issues) == 1 and not report.conforms
    issue = issues[0]
    assert (issue.location, issue.field, issue.value) == ("row 2", "partner_1", Literal("Valencia"))
    assert issue.message.startswith("'Valencia' fits several places: ")
    assert "geonames-2509954" in issue.message  # València, Spain, is among the candidates


def test_an_unknown_name_is_an_error_not_a_guess(reference_store: Store) -> None:
    report, issues = partner_issue(reference_store, "Xyzzyville-sur-Mer", "FR")
    assert len(issues) == 1 and not report.conforms
    assert issues[0].message.startswith("No place called 'Xyzzyville-sur-Mer' in FR is known.")
    assert issues[0].field == "partner_1"


def test_bad_coordinates_are_a_cell_error(reference_store: Store) -> None:
    report = check(reference_store, "x1,twinning,X,Lyon,FR,45.7,,city:geonames-2253354,,,\n")
    messages = [i.message for i in report.issues if i.field == "partner_1"]
    assert messages == ["Give both partner_1_lat and partner_1_lon (decimal degrees), or neither."]


def test_template_files_are_utf8_csv() -> None:
    for path in sorted(Path(TEMPLATE_DIR).glob("*.csv")):
        path.read_bytes().decode("utf-8")
