"""The remote store's HTTP path against SPARQLWrapper's, same Oxigraph server, same run.

The remote store sends every request through one httpx client that keeps its connection
alive; it used to send queries through SPARQLWrapper (urllib, a new connection per request)
and parse the body with pyoxigraph. This times, on the same queries, SPARQLWrapper's request,
the same request through an httpx client, and the store's whole query path (form check,
default prefixes, dataset clauses, the request, parsing): medians of repeated runs after a
warm-up, interleaved so that a busy machine slows them alike; ratios are SPARQLWrapper's
time over each. Run on purpose, not by the tests:

    python bench/remote_http_bench.py [--runs 200] [--rows 1000]

Needs the test dependencies (``oxigraph``, ``SPARQLWrapper``). docs/remote.md quotes it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pyoxigraph
from pyoxigraph import Literal, NamedNode, Quad, QueryResultsFormat
from SPARQLWrapper import POST, SELECT, URLENCODED, SPARQLWrapper

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import OxigraphServer  # noqa: E402

from dckg.store.remote import RemoteStore  # noqa: E402

EX = "https://example.org/bench/"
ACCEPT = "application/sparql-results+json"


def medians_ms(calls: list[Callable[[], int]], runs: int) -> list[float]:
    """The median time of each call, the calls interleaved run by run so that a busy
    machine slows them alike."""
    times: list[list[float]] = [[] for _ in calls]
    for call in calls:
        call()  # warm up
    for _ in range(runs):
        for spent, call in zip(times, calls, strict=True):
            started = time.perf_counter()
            call()
            spent.append(time.perf_counter() - started)
    return [statistics.median(spent) * 1000 for spent in times]


def wrapper_rows(url: str, query: str) -> int:
    """What the store did before: SPARQLWrapper's POST, then pyoxigraph's parser."""
    client = SPARQLWrapper(url)
    client.setMethod(POST)
    client.setRequestMethod(URLENCODED)
    client.setOnlyConneg(True)
    client.queryString = query
    client.queryType = SELECT
    client.addCustomHttpHeader("Accept", ACCEPT)
    with client.query().response as response:
        body = response.read()
    result = pyoxigraph.parse_query_results(body, QueryResultsFormat.JSON)
    return 1 if isinstance(result, pyoxigraph.QueryBoolean) else sum(1 for _ in result)


def httpx_rows(client: httpx.Client, url: str, query: str) -> int:
    """The same request through an httpx client (kept-alive connection), same parser."""
    response = client.post(url, data={"query": query}, headers={"Accept": ACCEPT})
    response.raise_for_status()
    result = pyoxigraph.parse_query_results(response.content, QueryResultsFormat.JSON)
    return 1 if isinstance(result, pyoxigraph.QueryBoolean) else sum(1 for _ in result)


def store_rows(store: RemoteStore, query: str) -> int:
    if query.startswith("ASK"):
        return int(store.ask(query))
    return sum(1 for _ in store.select(query))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--rows", type=int, default=1000)
    args = parser.parse_args()
    graph = NamedNode(EX + "graph")
    name = NamedNode(EX + "name")
    quads = [Quad(NamedNode(f"{EX}{i}"), name, Literal(f"n{i}"), graph) for i in range(args.rows)]
    queries = {
        "ASK {} (round trip only)": "ASK {}",
        "one row (bound IRI)": f"SELECT ?n WHERE {{ <{EX}7> <{EX}name> ?n }}",
        f"{args.rows:,} rows": f"SELECT ?s ?n WHERE {{ ?s <{EX}name> ?n }}",
    }
    with tempfile.TemporaryDirectory() as folder:
        server = OxigraphServer(Path(folder) / "server").start()
        store = server.store()
        try:
            store.add_quads(quads)
            client = httpx.Client()
            url = server.query_url
            print(
                f"{'query':<26} | {'SPARQLWrapper':>13} | {'httpx':>9} | {'ratio':>5} "
                f"| {'RemoteStore':>11} | {'ratio':>5}"
            )
            print(f"{'-' * 26}-+-{'-' * 13}-+-{'-' * 9}-+-------+-{'-' * 11}-+------")
            for title, query in queries.items():
                rows = wrapper_rows(url, query)
                assert rows == httpx_rows(client, url, query) == store_rows(store, query)
                old, bare, full = medians_ms(
                    [
                        lambda q=query: wrapper_rows(url, q),
                        lambda q=query: httpx_rows(client, url, q),
                        lambda q=query: store_rows(store, q),
                    ],
                    args.runs,
                )
                print(
                    f"{title:<26} | {old:10.2f} ms | {bare:6.2f} ms | {old / bare:4.2f}x "
                    f"| {full:8.2f} ms | {old / full:4.2f}x"
                )
            client.close()
        finally:
            store.close()
            server.stop()


if __name__ == "__main__":
    main()
