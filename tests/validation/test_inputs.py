"""Bad input is refused with a clear error naming the place, and parsers stay local."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest

from dckg.errors import InputError
from dckg.store import Store
from dckg.validation import bytes_input, open_input, read_contribution, validate
from tests.servers import recording_server

HEADER = "id,type,label,partner_1,partner_2,start_date\n"
ROW = "p1,twinning,Lyon–Dakar,city:geonames-2996944,city:geonames-2253354,2020\n"


def read(data: bytes, fmt: str, name: str = "input") -> object:
    return read_contribution(bytes_input(data, name=f"{name}.{fmt}", fmt=fmt))


@pytest.mark.parametrize(
    ("data", "fmt", "pattern", "line"),
    [
        (b"", "ttl", "empty", None),
        (b"  \n\n", "csv", "empty", None),
        (b"@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:d ex:e .\n", "ttl", "Parser error", 3),
        (b'<http://e/a> <http://e/b> "c" .\n<http://e/a> <http://e/b> .\n', "nt", "error", 2),
        (b'{"@id": "http://e/a", "http://e/b": [}', "jsonld", "not valid JSON", 1),
        (
            b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#' xmlns:e='http://e/'>"
            b"\n<rdf:Description rdf:about='http://e/a'>\n<e:p>1</e:q>\n</rdf:Description></rdf:RDF>",
            "rdfxml",
            "not well-formed XML: mismatched tag",
            3,
        ),
        (b'@prefix ex: <http://e/> .\nex:a ex:b "caf\xe9" .\n', "ttl", "UTF-8", 2),
        (b"# nothing but a comment\n", "ttl", "no triples", None),
    ],
)
def test_malformed_rdf_is_refused(data: bytes, fmt: str, pattern: str, line: int | None) -> None:
    with pytest.raises(InputError, match=pattern) as caught:
        read(data, fmt)
    assert caught.value.source == f"input.{fmt}"
    if line is not None:
        assert caught.value.line == line


@pytest.mark.parametrize(
    ("text", "pattern", "line"),
    [
        (HEADER + ROW + "p2,twinning,x,city:geonames-2996944,city:geonames-2253354,2020,extra\n",
         "row 3 has 7 fields but the header has 6", 3),
        (HEADER + ROW + "p2,twinning,x\n", "row 3 has 3 fields", 3),
        (HEADER + ROW + '"p2,twinning,x,a,b,2020\n', "malformed CSV|fields", None),
        (HEADER, "no data rows", None),
        ("id,label,colour\np1,x,red\n", "does not fit any CSV template", 1),
        ("id,type,label,label\n", "twice", 1),
        ("id,,label\n", "column 2 of the header has no name", 1),
        (HEADER + ROW + "p2,twinning,\x00x,a,b,2020\n", "NUL", 3),
    ],
)  # fmt: skip
def test_malformed_csv_is_refused(text: str, pattern: str, line: int | None) -> None:
    with pytest.raises(InputError, match=pattern) as caught:
        read(text.encode(), "csv")
    if line is not None:
        assert caught.value.line == line


def test_csv_in_another_encoding_names_the_line() -> None:
    row = "p1,twinning,Lyon,city:geonames-2996944,city:geonames-2253354,2020\n"
    data = (HEADER + row + "p2,twinning,Malmö-Köln,a,b,2020\n").encode("latin-1")
    with pytest.raises(InputError, match="not UTF-8") as caught:
        read(data, "csv")
    assert caught.value.line == 3


def test_csv_with_a_byte_order_mark_and_semicolons_is_read() -> None:
    text = (HEADER + ROW).replace(",", ";")
    parsed = read(("\ufeff" + text).encode(), "csv")
    assert len(parsed.triples) > 0  # type: ignore[attr-defined]


def test_oversized_input_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.csv"
    path.write_text(HEADER + ROW * 50)
    monkeypatch.setenv("DCKG_MAX_INPUT_BYTES", "1000")
    with pytest.raises(InputError, match="more than the limit of 1,000 bytes"):
        open_input(path)
    with pytest.raises(InputError, match="limit"):
        bytes_input(path.read_bytes(), fmt="csv")
    # a compressed file is measured after decompression
    packed = tmp_path / "big.csv.gz"
    packed.write_bytes(gzip.compress(path.read_bytes()))
    assert packed.stat().st_size < 1000
    with pytest.raises(InputError, match="limit"):
        open_input(packed)


def test_a_bad_cap_setting_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from dckg.errors import UsageError

    monkeypatch.setenv("DCKG_MAX_INPUT_BYTES", "lots")
    with pytest.raises(UsageError, match="DCKG_MAX_INPUT_BYTES"):
        bytes_input(b"x", fmt="ttl")


def test_unknown_extension_and_missing_file(tmp_path: Path) -> None:
    (tmp_path / "data.xlsx").write_bytes(b"PK")
    with pytest.raises(InputError, match="unknown or unsupported format"):
        open_input(tmp_path / "data.xlsx")
    with pytest.raises(InputError, match="no such file"):
        open_input(tmp_path / "absent.ttl")


# -- parsers never reach out -------------------------------------------------------------


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server that records every request it gets."""
    body = b'{"@context": {"name": "http://xmlns.com/foaf/0.1/name"}}'
    with recording_server(body, "application/ld+json") as found:
        yield found


def test_server_fixture_does_see_requests(server: tuple[str, list[str]]) -> None:
    import urllib.request

    url, requests = server
    with urllib.request.urlopen(url + "/probe") as response:
        response.read()
    assert requests == ["/probe"]


def test_json_ld_never_fetches_a_remote_context(server: tuple[str, list[str]]) -> None:
    url, requests = server
    document = (
        '{"@context": "' + url + '/context.jsonld", "@id": "https://w3id.org/dckg/id/x", '
        '"name": "X"}'
    ).encode()
    with pytest.raises(InputError):
        read(document, "jsonld")
    assert requests == []


def test_rdf_xml_never_resolves_external_entities(
    tmp_path: Path, server: tuple[str, list[str]]
) -> None:
    url, requests = server
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-TOKEN")
    for target in (secret.as_uri(), url + "/entity"):
        document = f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY leak SYSTEM "{target}"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">
  <rdf:Description rdf:about="https://w3id.org/dckg/id/x">
    <rdfs:label>&leak;</rdfs:label>
  </rdf:Description>
</rdf:RDF>""".encode()
        try:
            parsed = read(document, "rdfxml")
        except InputError:
            continue
        text = " ".join(str(t) for t in parsed.triples)  # type: ignore[attr-defined]
        assert "TOP-SECRET-TOKEN" not in text
    assert requests == []


def test_validate_reads_every_file_before_reporting(reference_store: Store, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(HEADER + ROW)
    bad = tmp_path / "bad.ttl"
    bad.write_text("<http://e/a> <http://e/b> .")
    with pytest.raises(InputError, match=r"bad\.ttl"):
        validate(reference_store, [open_input(good), open_input(bad)])
