"""The remote store's HTTP path against SPARQLWrapper's, same Oxigraph server, same run.

The remote store sends every request through one httpx client that keeps its connection
alive; it used to send queries through SPARQLWrapper (urllib, a new connection per request)
and parse the body with pyoxigraph. This times both paths on the same queries (median of
repeated runs after a warm-up, the two interleaved so that a busy machine slows both alike)
and prints the ratio. Run on purpose, not by the tests:

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
            print(f"{'query':<28} | {'SPARQLWrapper':>14} | {'httpx (store)':>14} | ratio")
            print(f"{'-' * 28}-+-{'-' * 14}-+-{'-' * 14}-+------")
            for title, query in queries.items():
                assert wrapper_rows(server.query_url, query) == store_rows(store, query)
                old, new = medians_ms(
                    [
                        lambda q=query: wrapper_rows(server.query_url, q),
                        lambda q=query: store_rows(store, q),
                    ],
                    args.runs,
                )
                print(f"{title:<28} | {old:11.2f} ms | {new:11.2f} ms | {old / new:4.1f}x")
        finally:
            store.close()
            server.stop()


if __name__ == "__main__":
    main()
