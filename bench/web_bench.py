"""Latency and throughput of the web pages: entity pages (HTML and RDF), the ontology page,
the front page and its biggest asset, on a real server over loopback.

Run on purpose, not by the tests:

    python bench/web_bench.py [--requests 200] [--clients 1 4]

The store holds the ontology and all shipped reference data (about 345,000 quads). It
prints one table; docs/web.md quotes it.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import uvicorn
from fastapi import FastAPI
from pyoxigraph import NamedNode

from dckg.api import create_app, describe
from dckg.bootstrap import initialise
from dckg.sparql.settings import Settings
from dckg.store import EmbeddedStore, Store

PAGES = [
    ("city page (HTML)", "/id/city/geonames-2996944", "text/html"),
    ("city (Turtle)", "/id/city/geonames-2996944", "text/turtle"),
    ("country page, 500 links (HTML)", "/id/country/FRA", "text/html"),
    ("network page (HTML)", "/id/network/uclg", "text/html"),
    ("ontology page (HTML)", "/ontology", "text/html"),
    ("ontology term (Turtle)", "/ontology/partner", "text/turtle"),
    ("unknown IRI (404)", "/id/city/geonames-0", "text/html"),
    ("front page (HTML)", "/", "text/html"),
    ("yasgui.min.js (1 MB)", "/static/yasgui/yasgui.min.js", "*/*"),
]


def make_app(store: Store) -> FastAPI:
    """The whole application over ``store``."""
    return create_app(Settings(store="memory"), store=store)


def serve(app: FastAPI) -> tuple[str, uvicorn.Server, threading.Thread]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    return f"http://127.0.0.1:{port}", server, thread


def measure(base: str, path: str, accept: str, requests: int, clients: int) -> tuple[float, ...]:
    """(requests per second, p50 ms, p99 ms) for ``requests`` GETs from ``clients`` threads."""
    latencies: list[float] = []
    lock = threading.Lock()

    def worker(count: int) -> None:
        with httpx.Client(base_url=base, headers={"Accept": accept}, timeout=60) as client:
            client.get(path)  # warm the connection
            for _ in range(count):
                start = time.perf_counter()
                response = client.get(path)
                elapsed = time.perf_counter() - start
                assert response.status_code in (200, 404), response.status_code
                with lock:
                    latencies.append(elapsed)

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        for future in [pool.submit(worker, requests // clients) for _ in range(clients)]:
            future.result()
    wall = time.perf_counter() - started
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return len(latencies) / wall, statistics.median(latencies) * 1000, p99 * 1000


def direct(store: Store, iri: NamedNode, runs: int = 50) -> float:
    """Median ms to gather an entity page's facts on the store itself (no HTTP, no HTML)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        description = describe.describe(store, iri)
        describe.partnerships(store, iri, is_country=False)
        describe.points(store, iri)
        describe.labels(store, [t.object for t in description.triples])
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4])
    args = parser.parse_args()
    store = EmbeddedStore()
    initialise(store)
    base, server, thread = serve(make_app(store))
    try:
        print(f"{'page':34} {'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
        print("-" * 69)
        for label, path, accept in PAGES:
            for clients in args.clients:
                rate, p50, p99 = measure(base, path, accept, args.requests, clients)
                print(f"{label:34} {clients:>7} {rate:>8.0f} {p50:>8.1f} {p99:>8.1f}")
        lyon = NamedNode("https://w3id.org/dckg/id/city/geonames-2996944")
        print(f"\ncity page facts gathered on the store directly: {direct(store, lyon):.1f} ms")
    finally:
        server.should_exit = True
        thread.join(10)
        store.close()


if __name__ == "__main__":
    main()
