"""Inputs written to hurt: XML entity expansion, JSON-LD that silently loses values,
spreadsheet formulas. Each is refused with a message naming the file, the line or row
and the key or column; nothing is written."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

from dckg.errors import InputError, UsageError
from dckg.store import EmbeddedStore, Store
from dckg.validation import bytes_input, contribute, read_contribution, validate

from .conftest import all_quads

DATA = Path(__file__).resolve().parents[1] / "data" / "inputs"
#: 789 bytes of RDF/XML whose one label expands to 3,000,000,000 characters.
BILLION_LAUGHS = DATA / "billion-laughs.rdf"

RDF_OPEN = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xmlns:s="http://www.w3.org/2000/01/rdf-schema#">\n'
)


def read(data: bytes, fmt: str, name: str = "input") -> object:
    return read_contribution(bytes_input(data, name=f"{name}.{fmt}", fmt=fmt))


def _limit_memory() -> None:  # pragma: no cover - runs in the child process
    # Should the check ever let the document through, the child fails for want of
    # memory instead of taking the machine's.
    limit = 3 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@pytest.mark.parametrize("command", [["validate"], ["load"], ["contribute", "--by", "x"]])
def test_billion_laughs_is_refused_by_every_command(command: list[str], tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "dckg", "--store", str(tmp_path / "store"), *command,
         str(BILLION_LAUGHS)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limit_memory,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert f"{BILLION_LAUGHS}:4: the entity &l1; is refused" in done.stderr
    assert "XML entity expansion" in done.stderr
    with EmbeddedStore(tmp_path / "store") as store:
        assert store.count() == 0 or all("dckg/id/x" not in q.subject.value for q in store.quads())


def test_billion_laughs_is_refused_before_any_expansion() -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(InputError, match="XML entity expansion") as caught:
        read(BILLION_LAUGHS.read_bytes(), "rdf", name="laughs")
    assert caught.value.source == "laughs.rdf" and caught.value.line == 4
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 50 * 1024


def entities(declarations: str, body: str) -> bytes:
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n{declarations}\n]>\n{RDF_OPEN}'
        f"{body}\n</rdf:RDF>\n"
    ).encode()


@pytest.mark.parametrize(
    ("declarations", "body", "pattern", "line"),
    [
        ('<!ENTITY % p "x">', "", "parameter entity %p;", 3),
        ('<!ENTITY e "<s:label>x</s:label>">', "", "&e; is refused: it refers to another", 3),
        ('<!ENTITY e "' + "x" * 2000 + '">', "", "stands for 2,000 characters", 3),
        # flat, but referenced often enough to grow 33 KB into 40 MB
        (
            '<!ENTITY e "' + "x" * 1000 + '">',
            '<rdf:Description rdf:about="http://e/a"><s:label>'
            + "&e;" * 40_000
            + "</s:label></rdf:Description>",
            "would add 39,880,000 characters",
            4,
        ),
    ],
)
def test_entities_that_can_expand_are_refused(
    declarations: str, body: str, pattern: str, line: int
) -> None:
    with pytest.raises(InputError, match=pattern) as caught:
        read(entities(declarations, body), "rdf")
    assert caught.value.line == line


def test_namespace_abbreviations_still_work() -> None:
    data = entities(
        '<!ENTITY xsd "http://www.w3.org/2001/XMLSchema#">\n<!ENTITY id "https://w3id.org/dckg/id/">',
        '<rdf:Description rdf:about="&id;city/x">'
        '<s:label rdf:datatype="&xsd;string">X &amp; Y</s:label></rdf:Description>',
    )
    parsed = read(data, "rdf")
    (triple,) = parsed.triples  # type: ignore[attr-defined]
    assert triple.subject.value == "https://w3id.org/dckg/id/city/x"
    assert triple.object.value == "X & Y"


@pytest.mark.parametrize(
    ("body", "pattern", "line"),
    [
        ("<rdf:Description>\n<s:label>x</s:comment>", "not well-formed XML: mismatched tag", 4),
        (
            '<rdf:Description rdf:about="http://e/a">\n\n<s:seeAlso rdf:resource="http://e/a b"/>'
            "</rdf:Description>",
            "Invalid IRI code point",
            5,
        ),
    ],
)
def test_rdf_xml_syntax_errors_name_the_line(body: str, pattern: str, line: int) -> None:
    data = f'<?xml version="1.0"?>\n{RDF_OPEN}{body}\n</rdf:RDF>\n'.encode()
    with pytest.raises(InputError, match=pattern) as caught:
        read(data, "rdf", name="broken")
    assert caught.value.source == "broken.rdf" and caught.value.line == line


def nested_rdfxml(levels: int) -> bytes:
    """A node in a property in a node…, ``levels`` elements deep below rdf:RDF, one a line."""
    pairs = (levels - 1) // 2
    opening = '<rdf:Description rdf:about="http://e/n">\n<s:seeAlso>\n' * pairs
    closing = "</s:seeAlso>\n</rdf:Description>\n" * pairs
    inner = '<rdf:Description rdf:about="http://e/leaf"/>\n'
    return f'<?xml version="1.0"?>\n{RDF_OPEN}{opening}{inner}{closing}</rdf:RDF>\n'.encode()


def test_rdf_xml_nested_too_deep_is_refused_naming_the_line() -> None:
    with pytest.raises(InputError, match="nested more than 256 levels deep") as caught:
        read(nested_rdfxml(5001), "rdf", name="deep")
    # rdf:RDF (depth 1) is on line 2, then one element a line: depth 257 is on line 258
    assert caught.value.source == "deep.rdf" and caught.value.line == 258


def test_rdf_xml_nested_within_the_limit_is_read() -> None:
    parsed = read(nested_rdfxml(255), "rdf")
    assert len(parsed.triples) == 127  # type: ignore[attr-defined]


# -- JSON-LD: nothing dropped silently ----------------------------------------------------

CONTEXT = """{
  "@context": {
    "dckg": "https://w3id.org/dckg/ontology#",
    "city": "https://w3id.org/dckg/id/city/",
    "label": "http://www.w3.org/2000/01/rdf-schema#label",
    "partner": {"@id": "dckg:partner", "@type": "@id"}
  },
  "@id": "https://w3id.org/dckg/id/partnership/jsonld-test",
  "@type": "dckg:Partnership",
"""
LYON = "https://w3id.org/dckg/id/city/geonames-2996944"


def jsonld(lines: str) -> bytes:
    return (CONTEXT + lines + "\n}\n").encode()


def test_a_partner_iri_with_a_space_is_an_error_naming_the_key() -> None:
    data = jsonld(
        '  "label": "Lyon-Dakar",\n'
        f'  "partner": ["{LYON}",\n'
        '              "https://w3id.org/dckg/id/city/geonames 2253354"]'
    )
    with pytest.raises(InputError) as caught:
        read(data, "jsonld", name="partners")
    error = caught.value
    assert error.source == "partners.jsonld" and error.field == "partner" and error.line == 12
    assert "not a valid absolute IRI" in error.message and "would drop it" in error.message


@pytest.mark.parametrize(
    ("lines", "key", "line", "pattern"),
    [
        ('  "lable": "Lyon-Dakar"', "lable", 10, "not mapped to an IRI"),
        ('  "partner": "geonames-2996944"', "partner", 10, "No scheme found"),
        ('  "label": null', "label", 10, "is null"),
        ('  "label": {"@value": "x", "@language": "en GB"}', "label", 10, "language tag"),
        ('  "_:p": "x"', "_:p", 10, "blank node"),
        ('  "label": {"@value": "x", "@index": "a"}', "@index", None, "@index"),
    ],
)
def test_anything_json_ld_would_drop_is_an_error(
    lines: str, key: str, line: int | None, pattern: str
) -> None:
    with pytest.raises(InputError, match=pattern) as caught:
        read(jsonld(lines), "jsonld")
    assert caught.value.field == key
    if line is not None:
        assert caught.value.line == line


@pytest.mark.parametrize(
    "document", ['[{"@id": "http://e/a", "http://e/p": 1}, "loose"]', '{"@graph": [{"@value": 1}]}']
)
def test_a_value_outside_any_node_is_an_error(document: str) -> None:
    with pytest.raises(InputError, match="outside any node"):
        read(document.encode(), "jsonld")


def test_well_formed_json_ld_is_read_whole() -> None:
    data = jsonld(
        '  "label": {"@value": "Lyon-Dakar", "@language": "fr"},\n'
        f'  "partner": ["{LYON}", "city:geonames-2253354"]'
    )
    parsed = read(data, "jsonld")
    partners = {t.object.value for t in parsed.triples if t.predicate.value.endswith("#partner")}  # type: ignore[attr-defined]
    assert partners == {LYON, "https://w3id.org/dckg/id/city/geonames-2253354"}


def test_a_dropped_partner_writes_nothing(shipped_copy: Store) -> None:
    data = jsonld(
        '  "label": "Lyon-Dakar",\n'
        f'  "partner": ["{LYON}", "https://w3id.org/dckg/id/city/geonames 2253354"]'
    )
    before = all_quads(shipped_copy)
    with pytest.raises(InputError, match="partner"):
        contribute(shipped_copy, [bytes_input(data, name="p.jsonld", fmt="jsonld")], by="x")
    assert all_quads(shipped_copy) == before


# -- spreadsheet formulas ----------------------------------------------------------------

HEADER = "id,type,label,partner_1,partner_2,start_date,budget,description\n"
PARTNERS = "city:geonames-2996944,city:geonames-2253354"


def csv_report(store: Store, rows: list[str]) -> object:
    data = (HEADER + "".join(r + "\n" for r in rows)).encode()
    return validate(store, [bytes_input(data, name="f.csv", fmt="csv")])


def test_formula_cells_are_refused_with_the_reason(reference_store: Store) -> None:
    report = csv_report(
        reference_store,
        [
            f'f1,twinning,"=HYPERLINK(""http://evil.example"",""x"")",{PARTNERS},2020,,',
            f"f2,twinning,F2,{PARTNERS},2020,,@SUM(A1:A9)",
            f"f3,twinning,+Lyon,{PARTNERS},2020,,",
            f"f4,twinning,\x01Lyon,{PARTNERS},2020,,",
        ],
    )
    found = {
        (i.location, i.field): i.message
        for i in report.issues  # type: ignore[attr-defined]
        if "formula" in i.message
    }
    assert set(found) == {
        ("row 2", "label"),
        ("row 3", "description"),
        ("row 4", "label"),
        ("row 5", "label"),
    }
    assert "starts with '='" in found[("row 2", "label")]
    assert "a signed number belongs in a number column" in found[("row 4", "label")]
    assert "starts with a control character" in found[("row 5", "label")]
    assert not report.conforms  # type: ignore[attr-defined]


def test_a_cell_starting_with_minus_is_a_formula_too(reference_store: Store) -> None:
    report = csv_report(
        reference_store,
        [
            f"m1,twinning,M1,{PARTNERS},2020,,-2+3+cmd|' /C calc'!A0",
            f"m2,twinning,-Lyon,{PARTNERS},2020,,",
        ],
    )
    found = {
        (i.location, i.field): i.message
        for i in report.issues  # type: ignore[attr-defined]
        if "formula" in i.message
    }
    assert set(found) == {("row 2", "description"), ("row 3", "label")}
    assert "starts with '-'" in found[("row 2", "description")]
    assert (
        "a signed number belongs in a number column, where - is fine" in found[("row 3", "label")]
    )
    assert not report.conforms  # type: ignore[attr-defined]


def test_negative_numbers_in_number_columns_are_fine(reference_store: Store) -> None:
    header = "id,type,label,partner_1,partner_1_lat,partner_1_lon,partner_2,start_date\n"
    row = "n1,twinning,N1,Vigo,42.2328,-8.7226,city:geonames-2253354,2020\n"
    data = (header + row).encode()
    report = validate(reference_store, [bytes_input(data, name="n.csv", fmt="csv")])
    assert not [i for i in report.issues if "formula" in i.message]  # type: ignore[attr-defined]
    assert not [i for i in report.issues if i.field and "partner_1" in i.field], report.issues  # type: ignore[attr-defined]


def test_a_signed_number_in_a_number_column_is_fine(reference_store: Store) -> None:
    report = csv_report(reference_store, [f"f5,twinning,F5,{PARTNERS},2020,+1500.5,a - b = c"])
    assert not [i for i in report.issues if "formula" in i.message]  # type: ignore[attr-defined]
    assert report.conforms  # type: ignore[attr-defined]


@pytest.mark.parametrize("url", ["https://example.org/list\n", "https://example.org/<x>"])
def test_a_bad_source_url_is_a_usage_error(url: str) -> None:
    source = bytes_input(jsonld('  "label": "x"'), name="p.jsonld", fmt="jsonld")
    with EmbeddedStore() as store, pytest.raises(UsageError, match="source_url"):
        contribute(store, [source], by="x", source_url=url)
    done = subprocess.run(
        [sys.executable, "-m", "dckg", "--store", "memory", "contribute", "--by", "x",
         "--source", url, str(BILLION_LAUGHS)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2 and "--source" in done.stderr and "Traceback" not in done.stderr
