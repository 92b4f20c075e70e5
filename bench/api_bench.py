"""HTTP API benchmark: dckg's /sparql beside an Oxigraph server, same data, same run.

Builds an on-disk store with the shipped data (``dckg init``), exports it, loads the
export into a second directory for ``oxigraph serve --union-default-graph``, then measures
each server in turn (never both at once) on loopback:

* a small SELECT repeated identically (dckg may answer it from its result cache);
* small SELECTs that all differ (a FILTER on a fresh literal that keeps the same answer),
  so no cache can help;
* an aggregate over the whole graph (engine-bound), 1 client.

Prints requests/s and p50/p99 latencies per server, then the ratios dckg / Oxigraph.

    python bench/api_bench.py [--requests 600] [--clients 1,8]
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

SMALL = (
    "SELECT ?country ?label WHERE { ?country a dckg:Country ; rdfs:label ?label } "
    "ORDER BY ?label LIMIT 10"
)
PREFIXES = (
    "PREFIX dckg: <https://w3id.org/dckg/ontology#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
)
AGGREGATE = "SELECT ?class (COUNT(*) AS ?n) WHERE { ?s a ?class } GROUP BY ?class"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running(command: list[str], port: int, path: str, what: str) -> Iterator[str]:
    """The server ``what``, started by ``command`` on loopback ``port`` until the block
    ends: the URL of its query endpoint at ``path``."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}{path}"
        wait_for(url, process, what)
        yield url
    finally:
        process.terminate()
        process.wait(30)


def wait_for(url: str, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{what} stopped")
        try:
            httpx.post(url, data={"query": "ASK {}"}, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"{what} did not start")


def dckg(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "dckg", *args],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def oxigraph() -> str:
    found = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which(
        "oxigraph"
    )
    if not found:
        raise SystemExit("the oxigraph server is missing: pip install -e '.[test]'")
    return found


def load(
    url: str, make: Callable[[int], str], clients: int, total: int
) -> tuple[float, list[float]]:
    """POST ``total`` queries (``make(i)``) from ``clients`` threads; (wall s, latencies)."""
    latencies: list[float] = []
    lock = threading.Lock()
    per_client = max(total // clients, 1)

    def client() -> None:
        mine = []
        headers = {"Accept": "application/sparql-results+json"}
        with httpx.Client(headers=headers, timeout=60) as c:
            for _ in range(per_client):
                query = make(next(COUNTER))
                start = time.perf_counter()
                response = c.post(url, data={"query": query})
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


#: Numbers the "all different" queries, across every measurement of the run, so that no
#: query text is ever sent twice.
COUNTER = itertools.count()


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(p / 100 * len(ordered)), len(ordered) - 1)] * 1000


def repeated(_i: int) -> str:
    return PREFIXES + SMALL


def fresh(i: int) -> str:
    # Same answer, different text: no result cache can serve it.
    return PREFIXES + SMALL.replace("} ORDER", f'FILTER(?label != "no such label {i}") }} ORDER')


def aggregate(i: int) -> str:
    # Different each time too: this one measures the engine, not the cache.
    return AGGREGATE.replace("?class }", f"?class FILTER(?class != <urn:none:{i}>) }}")


Row = tuple[str, str, int, float, float, float]


def measure(server: str, url: str, levels: list[int], total: int) -> list[Row]:
    rows: list[Row] = []
    load(url, fresh, 2, 40)  # warm up
    for label, make, clients_list, n in (
        ("small, repeated", repeated, levels, total),
        ("small, all different", fresh, levels, total),
        ("aggregate", aggregate, [1], max(total // 30, 10)),
    ):
        for clients in clients_list:
            wall, latencies = load(url, make, clients, n)
            rate = len(latencies) / wall
            rows.append(
                (
                    server,
                    f"{label}, {clients} cl.",
                    clients,
                    rate,
                    pct(latencies, 50),
                    pct(latencies, 99),
                )
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=600, help="requests per measurement")
    parser.add_argument("--clients", default="1,8")
    args = parser.parse_args()
    levels = [int(n) for n in args.clients.split(",")]

    with tempfile.TemporaryDirectory(prefix="dckg-api-bench-") as folder:
        work = Path(folder)
        store, dump, ox_dir = work / "store", work / "data.nq", work / "oxigraph"
        print("building the store (dckg init) and its copy for Oxigraph…", file=sys.stderr)
        dckg("--store", str(store), "init")
        dckg("--store", str(store), "export", str(dump))
        subprocess.run(
            [oxigraph(), "load", "--location", str(ox_dir), "--file", str(dump)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        rows: list[Row] = []

        port = free_port()
        dckg_serve = [sys.executable, "-m", "dckg", "--store", str(store), "serve"]
        with running([*dckg_serve, "--port", str(port)], port, "/sparql", "dckg serve") as url:
            rows += measure("dckg", url, levels, args.requests)
        port = free_port()
        oxigraph_serve = [oxigraph(), "serve", "--location", str(ox_dir), "--union-default-graph"]
        bind = ["--bind", f"127.0.0.1:{port}"]
        with running([*oxigraph_serve, *bind], port, "/query", "oxigraph serve") as url:
            rows += measure("oxigraph", url, levels, args.requests)

    print(f"{'server':9} {'measurement':32} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for server, label, _clients, rate, p50, p99 in rows:
        print(f"{server:9} {label:32} {rate:>8.0f} {p50:>8.2f} {p99:>8.2f}")
    ours = {r[1]: r for r in rows if r[0] == "dckg"}
    theirs = {r[1]: r for r in rows if r[0] == "oxigraph"}
    print("\nratios dckg / Oxigraph (throughput; p99 latency):")
    for label, row in ours.items():
        other = theirs[label]
        print(f"  {label:32} {row[3] / other[3]:>5.2f}x   p99 {row[5] / other[5]:>5.2f}x")
    load1, load5, _ = os.getloadavg()
    print(f"cores: {os.cpu_count()}, load average: {load1:.1f} (1 min), {load5:.1f} (5 min)")


if __name__ == "__main__":
    main()
