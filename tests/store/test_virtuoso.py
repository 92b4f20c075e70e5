"""The remote backend on a second engine: OpenLink Virtuoso (opt-in).

Needs ``virtuoso-t`` and ``isql-vt`` (Debian: ``apt-get install virtuoso-opensource-7-bin``)
and ``DCKG_TEST_VIRTUOSO=1``; see docs/remote.md. The server is started on free loopback
ports in a temporary directory and stopped afterwards.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QueryResultsFormat,
    RdfFormat,
    parse_query_results,
)

from dckg.store import EmbeddedStore
from dckg.store.remote import RemoteStore
from tests.servers import free_port

pytestmark = [
    pytest.mark.virtuoso,
    pytest.mark.skipif(
        os.environ.get("DCKG_TEST_VIRTUOSO") != "1" or not shutil.which("virtuoso-t"),
        reason="opt-in: set DCKG_TEST_VIRTUOSO=1 with virtuoso-opensource-7-bin installed",
    ),
]

EX = "https://example.org/"
G1 = NamedNode(EX + "g1")
G2 = NamedNode(EX + "g2")
NAME = NamedNode(EX + "name")

INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
DirsAllowed = ., {d}
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
MaxClientConnections = 4
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = {max_time}
"""


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteStore]:
    with (
        running_virtuoso(tmp_path_factory.mktemp("virtuoso")) as url,
        RemoteStore(url, batch=200) as store,
    ):
        yield store


@contextmanager
def running_virtuoso(
    folder: Path, *, max_rows: int = 1_000_000, max_time: int = 120
) -> Iterator[str]:
    """A Virtuoso server on free loopback ports, whose anonymous user may update; its
    SPARQL endpoint's URL. ``max_rows`` and ``max_time`` are its [SPARQL] limits."""
    sql, http = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(
        INI.format(d=folder, sql=sql, http=http, max_rows=max_rows, max_time=max_time)
    )
    process = subprocess.Popen(
        ["virtuoso-t", "+foreground", "+configfile", str(folder / "virtuoso.ini")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{http}/sparql"
    try:
        _wait(url, process, folder)
        # The anonymous SPARQL user may update: a test server only, never in production.
        subprocess.run(
            ["isql-vt", str(sql), "dba", "dba", 'exec=GRANT SPARQL_UPDATE TO "SPARQL";'],
            check=True,
            capture_output=True,
            timeout=30,
        )
        yield url
    finally:
        process.terminate()
        process.wait(30)


def _wait(url: str, process: subprocess.Popen[bytes], folder: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError((folder / "virtuoso.log").read_text()[-2000:])
        try:
            if httpx.post(url, data={"query": "ASK {}"}, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise RuntimeError("virtuoso did not answer in 60 s")


def _clear(store: RemoteStore) -> None:
    for graph in (G1, G2):
        store.drop_graph(graph)


def test_load_query_replace_dump(virtuoso: RemoteStore) -> None:
    _clear(virtuoso)
    ttl = b'@prefix ex: <https://example.org/> . ex:lyon ex:twin ex:birmingham ; ex:name "Lyon" .'
    assert virtuoso.load(ttl, rdf_format=RdfFormat.TURTLE, graph=G1) == 2
    virtuoso.add_quads([Quad(NamedNode(EX + "birmingham"), NAME, Literal("B"), G2)])
    rows = virtuoso.query("SELECT ?n WHERE { ?s <https://example.org/name> ?n } ORDER BY ?n")
    assert [r["n"].value for r in rows] == ["B", "Lyon"]
    hit = virtuoso.query(
        "SELECT ?s ?n WHERE { ?s <https://example.org/name> ?n }",
        substitutions={"n": Literal("Lyon")},
    )
    assert [r["s"].value for r in hit] == [EX + "lyon"]
    twin = "ASK { ?s <https://example.org/twin> ?o }"
    assert virtuoso.ask(twin) is True
    assert virtuoso.ask(twin, substitutions={"s": NamedNode(EX + "birmingham")}) is False
    built = virtuoso.construct(
        "CONSTRUCT { ?o <https://example.org/twinOf> ?s } "
        "WHERE { ?s <https://example.org/twin> ?o }"
    )
    assert [(t.subject.value, t.object.value) for t in built] == [(EX + "birmingham", EX + "lyon")]
    assert virtuoso.count(G1) == 2
    virtuoso.replace_graph(G1, [Quad(NamedNode(EX + "a"), NAME, Literal("new"), G1)])
    assert [q.object.value for q in virtuoso.quads(graph=G1)] == ["new"]
    out = io.BytesIO()
    virtuoso.dump(out, RdfFormat.N_TRIPLES, graph=G2)
    assert (
        out.getvalue().strip()
        == b'<https://example.org/birmingham> <https://example.org/name> "B" .'
    )


def test_staged_load_equals_the_embedded_store(virtuoso: RemoteStore) -> None:
    _clear(virtuoso)
    quads = [Quad(NamedNode(f"{EX}p{i}"), NAME, Literal(f"p {i}"), G1) for i in range(900)]
    node = BlankNode()
    quads += [Quad(NamedNode(EX + "x"), NAME, node, G1), Quad(node, NAME, Literal("n"), G1)]
    embedded = EmbeddedStore()
    embedded.add_quads(quads)
    virtuoso.add_quads(quads)  # 200 per request: staged
    virtuoso.replace_graph(G1, quads)  # an existing graph: staged, then rolled forward
    assert virtuoso.count(G1) == embedded.count() == 902
    linked = "SELECT ?n WHERE { <https://example.org/x> ?p ?b . ?b ?q ?n }"
    assert [r["n"].value for r in virtuoso.query(linked)] == ["n"]
    assert virtuoso.staging_graphs() == []


#: Golden cases (tests/data/queries/manifest.yaml) that leave optional parameters unbound,
#: on queries Virtuoso 7.2 otherwise runs as Oxigraph does.
UNBOUND_CASES = [
    "find-entity:find-li",
    "partnerships:partnerships-senegal",
    "partnerships-by-theme:by-theme",
    "partnerships-by-theme:by-theme-africa",
    "partnerships-by-status:by-status",
    "partnerships-by-status:by-status-projects",
    "partnerships-by-country:by-country-africa",
    "partnerships-by-region:by-region",
    "eu-partner-links-by-country:eu-links-by-country",
    "eu-partner-city-links:eu-links",
    "eu-partner-city-links:eu-links-senegal",
    "eu-partner-city-links:eu-links-neighbourhood",
    "network-overlaps:overlaps",
    "network-overlaps:overlaps-2",
    "objective-reach-by-region:objective-reach-by-region",
]


@pytest.mark.parametrize("case_id", UNBOUND_CASES)
def test_an_unbound_optional_parameter_filters_nothing(virtuoso: RemoteStore, case_id: str) -> None:
    from dckg.queries import load_library
    from tests.queries.test_golden import HERE, MANIFEST, _case_id, _rows, store_graph

    case = next(c for c in MANIFEST if _case_id(c) == case_id)
    query = load_library()[case["query"]]
    given = case.get("params") or {}
    assert any(not p.required and p.name not in given for p in query.params)
    graphs = [store_graph(name) for name in case["fixture"]]
    try:
        for name, graph in zip(case["fixture"], graphs, strict=True):
            virtuoso.load(HERE / name, graph=graph)
        result = query.run(virtuoso, given)
        expected = parse_query_results(
            (HERE / "expected" / case["expected"]).read_bytes(), QueryResultsFormat.TSV
        )
        variables = [v.value for v in expected.variables]  # type: ignore[union-attr]
        rows = _rows(result, variables)
        assert rows and rows == _rows(expected, variables)
    finally:
        for graph in graphs:
            virtuoso.drop_graph(graph)
