"""The wording a data steward reads: row and column, plain words, what to write instead."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from dckg.store import Store
from dckg.validation import Report, bytes_input, validate

PARTNERSHIPS = (
    "id,type,label,partner_1,partner_1_country,partner_1_role,partner_2,partner_2_country,"
    "start_date,end_date,status,themes\n"
)
LYON, DAKAR = "city:geonames-2996944", "city:geonames-2253354"


def csv(store: Store | None, rows: str, header: str = PARTNERSHIPS) -> Report:
    return validate(store, [bytes_input((header + rows).encode(), name="p.csv", fmt="csv")])


def lines(report: Report) -> list[str]:
    return report.to_text().splitlines()[:-1]


def test_a_missing_name_is_one_message_in_its_column(reference_store: Store) -> None:
    report = csv(reference_store, f"x1,twinning,,{LYON},,,{DAKAR},,2020,,,\n")
    assert lines(report) == [
        "p.csv, row 2, column label: Violation: "
        "The column label is empty: write the name of the partnership."
    ]


def test_an_end_before_the_start_is_a_violation_of_end_date(reference_store: Store) -> None:
    report = csv(reference_store, f"x1,twinning,X,{LYON},,,{DAKAR},,2020-01-15,2019-05-01,,\n")
    assert lines(report) == [
        "p.csv, row 2, column end_date: Violation: "
        "The end date (2019-05-01) is before the start date."
    ]
    assert not report.conforms


def test_no_raw_rdf_in_any_message(reference_store: Store) -> None:
    """Dates, numbers and keys are shown as written, never as RDF terms."""
    rows = (
        f"x1,twinning,X,{LYON},,,{DAKAR},,2020-01-15,2019-05-01,implementaton,\n"
        f"x2,twinning,,{LYON},,leed,{DAKAR},,2021,2020,,urban-mobilty\n"
    )
    text = csv(reference_store, rows).to_text()
    assert "^^" not in text and "<http" not in text and "w3id.org" not in text
    assert "2019-05-01" in text


def test_every_message_names_row_and_column(reference_store: Store) -> None:
    rows = (
        f"x1,twinning,,Xyzzyville-sur-Mer,FR,,{DAKAR},,someday,2019,implementaton,\n"
        f"x2,twinning,X,{LYON},,leed,city:geonames-1,,2021,2020,,urban-mobilty\n"
        f"x3,partnership,Y,{LYON},,,,,,,,\n"
    )
    report = csv(reference_store, rows)
    assert len(report.issues) >= 7
    for issue in report.issues:
        assert re.fullmatch(r"row \d+", issue.location), issue
        assert issue.field is not None, issue
    for line in lines(report):
        assert re.match(r"p\.csv, row \d+, column [a-z0-9_]+: (Violation|Warning|Info): ", line)


def test_an_unresolved_partner_has_no_contradicting_follow_ons(reference_store: Store) -> None:
    """Not "needs at least one partner" and "only one is given" beside the name not found."""
    report = csv(reference_store, "x1,twinning,X,Xyzzyville-sur-Mer,FR,,,,2020,,,\n")
    assert lines(report) == [
        "p.csv, row 2, column partner_1: Violation: No place called 'Xyzzyville-sur-Mer' in FR "
        "is known. Write its key in partner_1 (e.g. city:geonames-2988507 for Paris), or its "
        "coordinates in partner_1_lat and partner_1_lon."
    ]
    second = csv(reference_store, f"x1,twinning,X,{LYON},,,Xyzzyville-sur-Mer,FR,2020,,,\n")
    assert [i.field for i in second.issues] == ["partner_2"]


def test_a_misspelt_place_gets_did_you_mean(reference_store: Store) -> None:
    report = csv(reference_store, f"x1,twinning,X,Ouagadougu,BF,,{LYON},,2020,,,\n")
    assert lines(report) == [
        "p.csv, row 2, column partner_1: Violation: No place called 'Ouagadougu' in BF is "
        "known. Did you mean Ouagadougou (BF, pop. 2.4 M), key city:geonames-2357048? Write its "
        "key in partner_1 (e.g. city:geonames-2988507 for Paris), or its coordinates in "
        "partner_1_lat and partner_1_lon."
    ]


def test_an_ambiguous_place_lists_the_places_with_their_keys(reference_store: Store) -> None:
    (issue,) = csv(reference_store, f"x1,twinning,X,Valencia,,,{LYON},,2020,,,\n").issues
    assert issue.field == "partner_1"
    assert issue.message.startswith("'Valencia' fits several places: ")
    assert "key city:geonames-2509954" in issue.message  # València, Spain
    assert issue.message.endswith(
        "Write the key of the right one in partner_1, or give its country in "
        "partner_1_country or its coordinates in partner_1_lat and partner_1_lon."
    )


def test_a_single_partner_is_one_warning(reference_store: Store) -> None:
    report = csv(reference_store, f"x1,partnership,X,{LYON},,,,,2020,,,\n")
    assert lines(report) == [
        "p.csv, row 2, column partner_1: Warning: "
        "A partnership usually has at least two partners; only one is given."
    ]


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        (
            ",urban-mobilty",
            "themes",
            "'urban-mobilty' is not a theme key. Did you mean urban-mobility? "
            "The list of themes: dckg vocab themes",
        ),
        (
            "implementaton,",
            "status",
            "'implementaton' is not a status key. Did you mean implementation? "
            "The list of statuses: dckg vocab statuses",
        ),
    ],
)
def test_a_wrong_key_gets_the_nearest_ones(
    reference_store: Store, cells: str, column: str, message: str
) -> None:
    report = csv(reference_store, f"x1,twinning,X,{LYON},,,{DAKAR},,2020,,{cells}\n")
    assert lines(report) == [f"p.csv, row 2, column {column}: Violation: {message}"]


def test_a_wrong_role_is_reported_in_its_column(reference_store: Store) -> None:
    report = csv(reference_store, f"x1,twinning,X,{LYON},,leed,{DAKAR},,2020,,,\n")
    assert lines(report) == [
        "p.csv, row 2, column partner_1_role: Violation: 'leed' is not a role key. "
        "Did you mean lead? The list of roles: dckg vocab roles"
    ]


def test_an_unknown_key_is_said_once_in_plain_words(reference_store: Store) -> None:
    report = csv(
        reference_store,
        "m1,region,Lyon-Est,FR,uclgg\n",
        header="id,type,label,country,member_of\n",
    )
    assert lines(report) == [
        "p.csv, row 2, column member_of: Violation: There is no network 'uclgg' in the graph "
        "or in this contribution: check the spelling, or add it first."
    ]


def test_shape_messages_lose_their_rdf_vocabulary(reference_store: Store) -> None:
    """A shape's ``(rdfs:label)`` and IRIs become plain words and keys for a CSV."""
    report = csv(
        reference_store,
        "f1,example-nothing,,100,EUR\n",
        header="id,partnership,label,amount,currency\n",
    )
    text = report.to_text()
    assert "dckg:" not in text and "rdfs:" not in text
    assert (
        "p.csv, row 2, column partnership: Violation: There is no partnership 'example-nothing' "
        "in the graph or in this contribution: check the spelling, or add it first."
    ) in text


def test_rdf_input_names_line_and_property(reference_store: Store) -> None:
    data = (
        b"@prefix dckg: <https://w3id.org/dckg/ontology#> .\n"
        b"@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        b"<https://w3id.org/dckg/id/partnership/q> a dckg:Twinning ;\n"
        b'  dckg:startDate "2020-01-15"^^xsd:date ; dckg:endDate "2019-01-01"^^xsd:date .\n'
    )
    report = validate(reference_store, [bytes_input(data, name="q.ttl", fmt="ttl")])
    assert (
        "q.ttl, line 3: Violation: The end date (2019-01-01) is before the start date. "
        "(property dckg:endDate; subject <https://w3id.org/dckg/id/partnership/q>)"
    ) in lines(report)


def test_vocab_lists_the_keys(dckg: Callable, tmp_path: Path, disk_store: Path) -> None:
    listed = dckg("--store", str(disk_store), "vocab", "themes")
    assert listed.code == 0
    keys = [line.split("|")[0].strip() for line in listed.out.splitlines()[2:]]
    assert "urban-mobility" in keys and "water-sanitation" in keys and len(keys) >= 20
    assert dckg("--store", str(disk_store), "vocab").out.count("\n") >= 8
    unknown = dckg("--store", str(disk_store), "vocab", "colours")
    assert unknown.code == 2 and "known are themes, statuses, roles" in unknown.err


def test_the_templates_document_lists_every_key() -> None:
    """docs/validation.md holds the keys of the coded columns, as the shipped data has them
    (regenerate with ``python -m dckg.validation.vocab``)."""
    from dckg.validation.vocab import markdown

    docs = (Path(__file__).resolve().parents[2] / "docs" / "validation.md").read_text()
    start, end = "<!-- vocab:start -->\n", "<!-- vocab:end -->"
    listed = docs[docs.index(start) + len(start) : docs.index(end)]
    assert listed == markdown()
    assert "`urban-mobility` (Urban mobility)" in listed and "`lead` (Lead partner)" in listed
