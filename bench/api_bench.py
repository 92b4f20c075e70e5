"""HTTP API benchmark: requests/s and latency for small queries, 1/4/16 clients.

Starts ``dckg serve`` on a free loopback port (memory store, initialised with the shipped
data), sends a bounded number of requests per level of concurrency, and compares with the
same query run on a store in this process. Prints a table.

    python bench/api_bench.py [--requests 400] [--clients 1,4,16]
"""

from __future__ import annotations

import argparse
import io
import os
import socket
import statistics
import subprocess
import sys
import threading
import time

import httpx

SMALL = (
    "SELECT ?country ?label WHERE { ?country a dckg:Country ; rdfs:label ?label } "
    "ORDER BY ?label LIMIT 10"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DCKG_STORE": "memory"}
    process = subprocess.Popen(
        [sys.executable, "-m", "dckg", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/sparql", params={"query": "ASK {}"}, timeout=2)
            return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start")


def load(url: str, params: dict[str, str], clients: int, total: int) -> tuple[float, list[float]]:
    """Send ``total`` GETs from ``clients`` threads; returns (wall seconds, latencies)."""
    latencies: list[float] = []
    lock = threading.Lock()
    per_client = max(total // clients, 1)

    def client() -> None:
        mine = []
        with httpx.Client(headers={"Accept": "application/sparql-results+json"}) as c:
            for _ in range(per_client):
                start = time.perf_counter()
                response = c.get(url, params=params)
                mine.append(time.perf_counter() - start)
                if response.status_code != 200:
                    raise SystemExit(f"{url}: {response.status_code} {response.text[:200]}")
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies


def direct(query: str, repeats: int) -> list[float]:
    """The same query on an in-process store, results written as SPARQL JSON."""
    from pyoxigraph import QueryResultsFormat

    from dckg.bootstrap import initialise
    from dckg.store import EmbeddedStore

    store = EmbeddedStore()
    initialise(store)
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = store.query(query)
        result.serialize(io.BytesIO(), QueryResultsFormat.JSON)  # type: ignore[union-attr]
        timings.append(time.perf_counter() - start)
    return timings


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(p / 100 * len(ordered)), len(ordered) - 1)] * 1000


def named_query(name: str) -> tuple[str, dict[str, str]] | None:
    """The named query to measure, with the examples of its required parameters."""
    try:
        from dckg.queries import load_library
    except ModuleNotFoundError:
        return None
    query = load_library().get(name)
    if query is None:
        return None
    return query.name, {p.name: p.example for p in query.params if p.required and p.example}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="requests per level")
    parser.add_argument("--clients", default="1,4,16")
    parser.add_argument(
        "--named", default="city-partners", help="the named query to measure (a small one)"
    )
    args = parser.parse_args()
    levels = [int(n) for n in args.clients.split(",")]

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = start_server(port)
    targets = [("/sparql small SELECT", base + "/sparql", {"query": SMALL})]
    found = named_query(args.named)
    if found:
        targets.append((f"/queries/{found[0]}", f"{base}/queries/{found[0]}", found[1]))
    else:
        print("(no named query without required parameters: named-query rows skipped)")
    rows = []
    try:
        for label, url, params in targets:
            load(url, params, 4, 40)  # warm up
            for clients in levels:
                wall, latencies = load(url, params, clients, args.requests)
                rows.append(
                    (
                        label,
                        clients,
                        len(latencies),
                        len(latencies) / wall,
                        pct(latencies, 50),
                        pct(latencies, 99),
                    )
                )
    finally:
        process.terminate()
        process.wait(30)

    here = direct(SMALL, 200)
    print(f"{'target':34} {'clients':>7} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for label, clients, n, rate, p50, p99 in rows:
        print(f"{label:34} {clients:>7} {n:>8} {rate:>8.0f} {p50:>8.2f} {p99:>8.2f}")
    direct_p50 = statistics.median(here) * 1000
    http_p50 = next(r[4] for r in rows if r[0].startswith("/sparql") and r[1] == 1)
    print(f"\nsame query on the store in-process (query + JSON): p50 {direct_p50:.2f} ms")
    print(f"HTTP overhead at 1 client (p50 over HTTP - p50 direct): {http_p50 - direct_p50:.2f} ms")
    load1, load5, _ = os.getloadavg()
    print(
        f"cores: {os.cpu_count()}, load average during the run: "
        f"{load1:.1f} (1 min), {load5:.1f} (5 min)"
    )


if __name__ == "__main__":
    main()
