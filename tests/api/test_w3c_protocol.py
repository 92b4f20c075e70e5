"""The W3C SPARQL 1.1 Protocol query tests, run against ``dckg serve`` on loopback.

The manifest (``tests/data/w3c/sparql11-protocol/``) is data: each test is one or more
HTTP requests with the expected status and result format; this module only walks it.
Update tests are left out: the endpoint is read-only.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph
import pytest
from rdflib import RDF, RDFS, Graph, Namespace, URIRef
from rdflib.collection import Collection

from tests.servers import dckg_serve

SUITE = Path(__file__).parents[1] / "data" / "w3c" / "sparql11-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: frozenset[str]
    result: str | None
    boolean: bool | None


@dataclass(frozen=True)
class ProtocolTest:
    name: str
    requests: list[Request]


def _manifest() -> tuple[list[ProtocolTest], dict[str, Path]]:
    graph = Graph().parse(SUITE / "manifest.ttl", format="turtle")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    tests: list[ProtocolTest] = []
    data: dict[str, Path] = {}
    for entry in Collection(graph, graph.value(manifest, MF.entries)):
        name = str(entry).rsplit("#", 1)[-1]
        for item in graph.objects(entry, UT.graphData):
            data[str(graph.value(item, RDFS.label))] = (
                SUITE / Path(str(graph.value(item, UT.graph))).name
            )
        if not (name.startswith("query_") or name.startswith("bad_query")) and (
            name != "bad_multiple_queries"
        ):
            continue
        action = graph.value(entry, MF.action)
        requests = []
        for node in Collection(graph, graph.value(action, HT.requests)):
            headers = {}
            listed = graph.value(node, HT.headers)
            for header in Collection(graph, listed) if listed is not None else ():
                headers[str(graph.value(header, HT.fieldName))] = str(
                    graph.value(header, HT.fieldValue)
                )
            body_node = graph.value(node, HT.body)
            body = None
            if body_node is not None:
                encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(graph.value(body_node, CNT.chars)).encode(encoding)
            response = graph.value(node, HT.resp)
            boolean = graph.value(response, MF.expectedBoolean)
            result = graph.value(response, MF.expectedFormat)
            requests.append(
                Request(
                    method=str(graph.value(node, HT.methodName)),
                    path=str(graph.value(node, HT.absolutePath)),
                    headers=headers,
                    body=body,
                    statuses=frozenset(
                        str(s).rsplit("#", 1)[-1]
                        for s in graph.objects(response, MF.expectedStatus)
                        if isinstance(s, URIRef)
                    ),
                    result=str(result) if result is not None else None,
                    boolean=boolean.toPython() if boolean is not None else None,
                )
            )
        tests.append(ProtocolTest(name, requests))
    return tests, data


TESTS, DATA = _manifest()


def test_the_suite_holds_the_twenty_query_tests() -> None:
    assert len(TESTS) == 20
    assert {"query_content_type_construct", "bad_query_non_utf8"} <= {t.name for t in TESTS}


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``dckg serve`` on a store holding the suite's data, each file in its named graph."""
    store = str(tmp_path_factory.mktemp("protocol") / "store")
    for graph, path in sorted(DATA.items()):
        run = subprocess.run(
            [sys.executable, "-m", "dckg", "--store", store, "load", str(path), "--graph", graph],
            capture_output=True,
        )
        assert run.returncode == 0, run.stderr.decode()
    with dckg_serve(store, workers=2) as base:
        yield base


def _status_class(status: int) -> str:
    return f"StatusCode{status // 100}xx"


def _check_result(request: Request, response: httpx.Response) -> None:
    media = response.headers.get("content-type", "").split(";")[0].strip()
    if request.result in ("boolean", "tabular"):
        fmt = pyoxigraph.QueryResultsFormat.from_media_type(media)
        assert fmt is not None, f"not a SPARQL results format: {media}"
        result = pyoxigraph.parse_query_results(response.content, fmt)
        if request.result == "boolean":
            assert isinstance(result, pyoxigraph.QueryBoolean)
            if request.boolean is not None:
                assert bool(result) is request.boolean
        else:
            assert isinstance(result, pyoxigraph.QuerySolutions)
            list(result)
    elif request.result == "RDF":
        fmt = pyoxigraph.RdfFormat.from_media_type(media)
        assert fmt is not None, f"not an RDF format: {media}"
        list(pyoxigraph.parse(response.content, fmt))


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_protocol(endpoint: str, test: ProtocolTest) -> None:
    for request in test.requests:
        # Every path starts with /sparql/; dckg's endpoint is /sparql.
        path = "/sparql" + request.path.removeprefix("/sparql/")
        response = httpx.request(
            request.method,
            endpoint + path,
            headers=request.headers,
            content=request.body,
            timeout=30,
        )
        assert _status_class(response.status_code) in request.statuses, (
            f"{test.name}: HTTP {response.status_code}: {response.text[:300]}"
        )
        if response.status_code < 300:
            _check_result(request, response)
