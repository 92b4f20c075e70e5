"""Python API benchmark: ``kg.sparql`` in the calling process beside pyoxigraph itself and
beside the command line's path (a worker process started for each query), same store, same
run.

Builds an on-disk store with the shipped data (``dckg init``), then times, one after the
other:

* ``pyoxigraph``: ``Store.read_only(path).query(…)``, rows read in Python (the peer: no
  limit, no row cap, no formats);
* ``dckg.open()``: ``kg.sparql(…)`` (one engine per knowledge graph, in this process: the time
  limit and the row cap held, answer parsed into a ``Table``);
* ``run.run``: ``dckg.sparql.run.run``, what ``dckg sparql`` does (a worker pool started,
  used once, and stopped for each query) — what the Python API did before.

for a small SELECT (10 rows) and an aggregate over the whole graph. Prints the median
milliseconds per query of each, then the ratios to pyoxigraph.

    python bench/python_api_bench.py [--repeat 20] [--store DIR]
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph

import dckg
from dckg.namespaces import PREFIXES
from dckg.sparql import run

SMALL = (
    "SELECT ?country ?label WHERE { ?country a dckg:Country ; rdfs:label ?label } "
    "ORDER BY ?label LIMIT 10"
)
AGGREGATE = "SELECT ?class (COUNT(*) AS ?n) WHERE { ?s a ?class } GROUP BY ?class"
HEAD = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items() if p in ("dckg", "rdfs"))


def median_ms(call: Callable[[], object], repeat: int) -> float:
    call()  # warm: the first call opens what later ones reuse
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--store", type=Path, help="an initialised store (default: a new one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dckg-pyapi-bench-") as folder:
        path = args.store or Path(folder) / "store"
        if args.store is None:
            print("building the store (dckg init)…", file=sys.stderr)
            subprocess.run(
                [sys.executable, "-m", "dckg", "--store", str(path), "init"],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        peer = pyoxigraph.Store.read_only(str(path))
        kg = dckg.open(path)
        print(f"{'query':10} {'pyoxigraph':>11} {'dckg.open':>10} {'run.run':>9}   ratios")
        for name, text in (("small", SMALL), ("aggregate", AGGREGATE)):
            query = HEAD + text

            def direct(query: str = query) -> object:
                return list(peer.query(query, use_default_graph_as_union=True))

            def in_process(query: str = query) -> object:
                return kg.sparql(query)

            def per_call(query: str = query) -> object:
                return run.run(kg.store, query, io.BytesIO(), "json", max_results=100_000)

            a = median_ms(direct, args.repeat)
            b = median_ms(in_process, args.repeat)
            c = median_ms(per_call, max(3, args.repeat // 4))
            print(
                f"{name:10} {a:9.2f}ms {b:8.2f}ms {c:7.1f}ms   "
                f"dckg.open/pyoxigraph {b / a:.1f}×, run.run/pyoxigraph {c / a:.1f}×, "
                f"run.run/dckg.open {c / b:.1f}×"
            )
        kg.close()


if __name__ == "__main__":
    main()
