"""dckg init / load / sparql / export / stats, and their error paths."""

from __future__ import annotations

import csv
import gzip
import io
import json
import tracemalloc
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, parse

from dckg.store import open_store

TTL = """@prefix ex: <https://example.org/> .
ex:lyon ex:twinnedWith ex:birmingham ; ex:name "Lyon"@fr .
ex:birmingham ex:name "Birmingham" .
"""

# One well-formed document per format, and one broken on a known line.
GOOD = {
    "ttl": TTL,
    "nt": '<https://example.org/a> <https://example.org/p> "1" .\n',
    "nq": '<https://example.org/a> <https://example.org/p> "1" <https://example.org/g> .\n',
    "trig": '<https://example.org/g> { <https://example.org/a> <https://example.org/p> "1" . }\n',
    "jsonld": json.dumps({"@id": "https://example.org/a", "https://example.org/p": "1"}),
    "rdf": (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:ex="https://example.org/">\n'
        '<rdf:Description rdf:about="https://example.org/a"><ex:p>1</ex:p></rdf:Description>\n'
        "</rdf:RDF>\n"
    ),
}
BAD = {
    "ttl": ("@prefix ex: <https://example.org/> .\nex:a ex:p ex:b .\nex:a ex:p .\n", 3),
    "nt": ('<https://example.org/a> <https://example.org/p> "1" .\n<https://e.org/a> "x" .\n', 2),
    "nq": ('<https://example.org/a> <https://example.org/p> "1" <g> .\n', 1),
    "trig": ("<https://example.org/g> {\n <https://example.org/a> <https://example.org/p> \n", 3),
    "jsonld": ('{"@id": "https://example.org/a",\n "https://example.org/p": }', 2),
    "rdf": (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n<rdf:Description>\n</rdf:RDF>',
        None,
    ),
}

Dckg = Callable[..., object]


@pytest.fixture
def store_path(tmp_path: Path) -> str:
    return str(tmp_path / "store")


def _quads(path: str) -> set[bytes]:
    """Every quad of the store, as N-Quads lines (the store serialises them: faster than
    making a Python object of each of its million quads)."""
    with open_store(path) as store:
        out = io.BytesIO()
        store.dump(out, RdfFormat.N_QUADS)
    return set(out.getvalue().splitlines())


def test_init_loads_reference_data_and_is_idempotent(dckg: Dckg, store_path: str) -> None:
    first = dckg("--store", store_path, "init")
    assert first.code == 0, first.err
    assert "loaded" in first.err and "reference/cities" in first.err
    # The reconciliation index is built at init and kept beside the store.
    assert "reconciliation index:" in first.err
    assert list(Path(store_path + ".reconcile").glob("places-*.json"))
    before = _quads(store_path)
    again = dckg("--store", store_path, "init")
    assert again.code == 0
    assert "loaded" not in again.err and again.err.count("unchanged") >= 3
    assert _quads(store_path) == before
    networks = dckg(
        "--store",
        store_path,
        "sparql",
        "--format",
        "csv",
        "SELECT (COUNT(*) AS ?n) WHERE { ?c a dckg:City ; geo:hasGeometry/geo:asWKT ?w }",
    )
    assert networks.code == 0
    assert int(networks.out.splitlines()[1]) > 30_000


@pytest.mark.parametrize("ext", sorted(GOOD))
def test_load_every_format(dckg: Dckg, store_path: str, tmp_path: Path, ext: str) -> None:
    source = tmp_path / f"sample.{ext}"
    source.write_text(GOOD[ext], encoding="utf-8")
    run = dckg("--store", store_path, "load", str(source), "--graph", "https://example.org/g")
    assert run.code == 0, run.err
    with open_store(store_path) as store:
        assert store.count() >= 1
        assert [g.value for g in store.graphs()] == ["https://example.org/g"]


@pytest.mark.parametrize("ext", sorted(BAD))
def test_malformed_input_names_file_and_line_and_writes_nothing(
    dckg: Dckg, store_path: str, tmp_path: Path, ext: str
) -> None:
    good = tmp_path / "good.ttl"
    good.write_text(TTL, encoding="utf-8")
    text, line = BAD[ext]
    bad = tmp_path / f"broken.{ext}"
    bad.write_text(text, encoding="utf-8")
    run = dckg("--store", store_path, "load", str(good), str(bad))
    assert run.code == 2
    message = run.err.strip()
    assert len(message.splitlines()) == 1
    assert str(bad) in message
    if line is not None:
        assert f"{bad}:{line}" in message
    assert _quads(store_path) == set()


def test_unknown_format_and_missing_file(dckg: Dckg, store_path: str, tmp_path: Path) -> None:
    odd = tmp_path / "data.xlsx"
    odd.write_bytes(b"PK")
    run = dckg("--store", store_path, "load", str(odd))
    assert run.code == 2 and "unknown RDF format 'xlsx'" in run.err and str(odd) in run.err
    missing = dckg("--store", store_path, "load", str(tmp_path / "nope.ttl"))
    assert missing.code == 2 and "nope.ttl: no such file" in missing.err


def test_store_path_that_is_not_a_store(dckg: Dckg, tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(b"\xff\xd8")
    source = tmp_path / "x.ttl"
    source.write_text(TTL)
    run = dckg("--store", str(folder), "load", str(source))
    assert run.code == 2 and "not a store" in run.err
    assert sorted(p.name for p in folder.iterdir()) == ["a.jpg"]


def test_sparql_formats(dckg: Dckg, store_path: str, tmp_path: Path) -> None:
    source = tmp_path / "cities.ttl"
    source.write_text(TTL)
    dckg("--store", store_path, "load", str(source), "--graph", "https://example.org/g")
    query = "SELECT ?name WHERE { ?s <https://example.org/name> ?name } ORDER BY ?name"
    as_json = dckg("--store", store_path, "sparql", "--format", "json", query)
    names = [b["name"]["value"] for b in json.loads(as_json.out)["results"]["bindings"]]
    assert names == ["Birmingham", "Lyon"]
    rows = list(
        csv.reader(io.StringIO(dckg("--store", store_path, "sparql", "--format", "csv", query).out))
    )
    assert rows == [["name"], ["Birmingham"], ["Lyon"]]
    tsv = dckg("--store", store_path, "sparql", "--format", "tsv", query).out.splitlines()
    assert tsv == ["?name", '"Birmingham"', '"Lyon"@fr']
    table = dckg("--store", store_path, "sparql", query).out
    assert "Birmingham" in table and "(2 rows)" in table
    query_file = tmp_path / "q.rq"
    query_file.write_text("ASK { ?s ?p ?o }")
    assert dckg("--store", store_path, "sparql", "-f", str(query_file)).out.strip() == "true"


def test_sparql_errors(dckg: Dckg, store_path: str) -> None:
    run = dckg("--store", store_path, "sparql", "SELEC ?x")
    assert run.code == 1 and "malformed query" in run.err
    neither = dckg("--store", store_path, "sparql")
    assert neither.code == 2


@pytest.mark.parametrize("fmt", ["nq", "trig"])
def test_export_then_reload_gives_the_same_quads(
    dckg: Dckg, store_path: str, tmp_path: Path, fmt: str
) -> None:
    source = tmp_path / "cities.ttl"
    source.write_text(TTL)
    other = tmp_path / "other.nq"
    other.write_text(GOOD["nq"])
    assert dckg("--store", store_path, "load", str(source), str(other)).code == 0
    out = tmp_path / f"dump.{fmt}"
    assert dckg("--store", store_path, "export", str(out)).code == 0
    copy = str(tmp_path / "copy")
    assert dckg("--store", copy, "load", str(out)).code == 0
    assert _quads(copy) == _quads(store_path)
    assert len(_quads(copy)) == 4


def test_export_one_graph_as_turtle(dckg: Dckg, store_path: str, tmp_path: Path) -> None:
    source = tmp_path / "cities.ttl"
    source.write_text(TTL)
    dckg("--store", store_path, "load", str(source), "--graph", "https://example.org/g")
    out = tmp_path / "g.ttl"
    refused = dckg("--store", store_path, "export", str(out))
    assert refused.code == 2 and "--graph" in refused.err
    done = dckg("--store", store_path, "export", str(out), "--graph", "https://example.org/g")
    assert done.code == 0
    assert len(list(parse(path=str(out), format=RdfFormat.TURTLE))) == 3


def test_stats(dckg: Dckg, store_path: str, tmp_path: Path) -> None:
    source = tmp_path / "cities.ttl"
    source.write_text(TTL + "ex:lyon a ex:City .\n")
    dckg("--store", store_path, "load", str(source), "--graph", "https://example.org/g")
    run = dckg("--store", store_path, "stats")
    assert run.code == 0
    assert "<https://example.org/g> | 4" in run.out
    assert "<https://example.org/City> | 1" in run.out


def _gzip_bomb(path: Path, *, members: int, member_bytes: int) -> None:
    """Gzip members of Turtle whitespace (valid, empty RDF): tiny on disk, large unpacked."""
    chunk = b" " * (1 << 20)
    with path.open("wb") as out:
        for _ in range(members):
            packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
            for _ in range(member_bytes // len(chunk)):
                out.write(packer.compress(chunk))
            out.write(packer.flush())


def test_a_gzip_bomb_is_refused_without_unpacking_it(
    dckg: Dckg, store_path: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DCKG_MAX_INPUT_BYTES", str(1 << 20))
    bomb = tmp_path / "bomb.ttl.gz"
    _gzip_bomb(bomb, members=4, member_bytes=64 << 20)  # 256 MiB of spaces
    assert bomb.stat().st_size < 1 << 20
    good = tmp_path / "good.ttl"
    good.write_text(TTL, encoding="utf-8")
    tracemalloc.start()
    try:
        run = dckg("--store", store_path, "load", str(good), str(bomb))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert run.code == 2
    assert f"{bomb}: decompressed, the input is larger than the limit of 1,048,576 bytes" in run.err
    assert "DCKG_MAX_INPUT_BYTES" in run.err
    assert peak < 32 << 20, f"{peak:,} bytes held to refuse a bomb"
    assert _quads(store_path) == set()


def test_load_caps_plain_files_and_reads_every_gzip_member(
    dckg: Dckg, store_path: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DCKG_MAX_INPUT_BYTES", "1000")
    big = tmp_path / "big.nt"
    big.write_text(GOOD["nt"] * 100, encoding="utf-8")
    run = dckg("--store", store_path, "load", str(big), "--graph", "https://example.org/g")
    assert run.code == 2 and f"{big}: the input is 5,400 bytes" in run.err
    # two gzip members (as `cat a.gz b.gz` makes) are one file: both are loaded
    joined = tmp_path / "joined.nt.gz"
    second = '<https://example.org/b> <https://example.org/p> "2" .\n'
    joined.write_bytes(gzip.compress(GOOD["nt"].encode()) + gzip.compress(second.encode()))
    run = dckg("--store", store_path, "load", str(joined), "--graph", "https://example.org/g")
    assert run.code == 0, run.err
    assert len(_quads(store_path)) == 2
