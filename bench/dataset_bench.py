"""Dataset description benchmark: ``/dataset`` and other requests while the description is
rebuilt after a write, beside the synchronous rebuild a request used to wait for.

Builds (or reuses, ``--store``) an on-disk store with the shipped data (``dckg init``),
starts ``dckg serve`` on loopback with a write token, waits for the first description,
posts a one-city contribution and then, while the description is rebuilt in the
background, asks ``/dataset`` and a small ``/sparql`` query again and again. Prints each
request's latency (p50, max), how long the rebuild took, and the ratio of the slowest
request to the rebuild (what a request waited before: the whole rebuild).

    python bench/dataset_bench.py [--store DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from api_bench import free_port, running

TOKEN = "dataset-bench-token-0123456789"
CONTRIBUTION = (
    b"<https://w3id.org/dckg/id/city/bench-new> a <https://w3id.org/dckg/ontology#City> ;"
    b' <http://www.w3.org/2000/01/rdf-schema#label> "Bench town" .'
)
QUERY = "SELECT ?c WHERE { ?c a <https://w3id.org/dckg/ontology#Country> } LIMIT 5"


def timed(client: httpx.Client, path: str, **params: str) -> tuple[float, httpx.Response]:
    start = time.perf_counter()
    response = client.get(path, params=params)
    return time.perf_counter() - start, response


def wait_for_new(client: httpx.Client, old: str | None, limit: float) -> tuple[float, str]:
    """Seconds until the description (with its dumps) differs from ``old`` and stays."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        tag = client.get("/dataset").headers["etag"]
        dumps = client.get("/dataset").text.count("checksumValue")
        if tag != old and dumps == 4:
            return time.perf_counter() - start, tag
        time.sleep(0.5)
    raise SystemExit(f"no complete description within {limit:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="an initialised store (default: a new one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dckg-dataset-bench-") as scratch:
        store = args.store or Path(scratch) / "store"
        if args.store is None:
            print("dckg init …", flush=True)
            init = [sys.executable, "-m", "dckg", "--store", str(store), "init"]
            subprocess.run(init, check=True)
        port = free_port()
        serve = [sys.executable, "-m", "dckg", "--store", str(store), "serve", "--port", str(port)]
        os.environ["DCKG_WRITE_TOKEN"] = TOKEN
        with running(serve, port, "/sparql", "dckg serve") as endpoint:
            base = endpoint.removesuffix("/sparql")
            with httpx.Client(base_url=base, timeout=600) as client:
                first, response = timed(client, "/dataset")
                print(f"first /dataset after start: {first:.2f} s (counts and sources only)")
                built, tag = wait_for_new(client, None, 1200)
                print(f"first complete description (inventory and dumps): {built:.1f} s")
                added = client.post(
                    "/contributions",
                    params={"by": "bench"},
                    content=CONTRIBUTION,
                    headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"},
                )
                added.raise_for_status()
                start = time.perf_counter()
                dataset, sparql = [], []
                stale = 0
                rebuilt = None
                while rebuilt is None and time.perf_counter() - start < 1200:
                    seconds, response = timed(client, "/dataset")
                    dataset.append(seconds)
                    if response.headers["etag"] == tag:
                        stale += 1
                    elif "checksumValue" in response.text:
                        rebuilt = time.perf_counter() - start
                    sparql.append(timed(client, "/sparql", query=QUERY)[0])
                    time.sleep(0.2)
    if rebuilt is None:
        raise SystemExit("the description was not rebuilt within 1200 s")
    print(f"rebuild after a write: {rebuilt:.1f} s; /dataset answered {len(dataset)} times")
    print(f"  ({stale} of them with the previous ETag)")
    for name, values in (("/dataset", dataset), ("/sparql (small SELECT)", sparql)):
        p50, top = statistics.median(values), max(values)
        print(f"  {name:24} p50 {p50 * 1000:7.1f} ms   max {top * 1000:7.1f} ms")
    slowest = max(dataset + sparql)
    print(f"slowest request / rebuild (what it waited before): {slowest / rebuilt:.4f}")


if __name__ == "__main__":
    main()
