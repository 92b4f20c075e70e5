"""Load and join benchmark: the shipped data, a synthetic graph of >= 1M triples, and one
join query on Oxigraph against rdflib's default in-memory store.

Run on purpose, not by the tests:

    python bench/load_bench.py [--partnerships 150000] [--rdflib-partnerships 2000] [--cap 120]

It prints one table; the README quotes it.
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path

from pyoxigraph import RdfFormat, serialize

sys.path.insert(0, str(Path(__file__).parent))

from dckg.bootstrap import initialise
from dckg.store import EmbeddedStore
from synthetic import synthetic_quads

#: Partnerships between cities of two different countries, counted per country pair.
JOIN = """
PREFIX dckg: <https://w3id.org/dckg/ontology#>
SELECT ?c1 ?c2 (COUNT(DISTINCT ?p) AS ?n) WHERE {
  ?p dckg:partner ?a , ?b .
  ?a dckg:country ?c1 . ?b dckg:country ?c2 .
  FILTER(STR(?c1) < STR(?c2))
} GROUP BY ?c1 ?c2 ORDER BY DESC(?n) LIMIT 10
"""


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def bench_shipped(rows: list[tuple[str, str, str]]) -> EmbeddedStore:
    with tempfile.TemporaryDirectory() as folder:
        disk = EmbeddedStore(Path(folder) / "store")
        counts, seconds = timed(lambda: initialise(disk))
        total = sum(counts.values())
        rows.append(
            (
                "init shipped data (on disk)",
                f"{total:,} quads",
                f"{seconds:.1f} s, {total / seconds:,.0f} quads/s",
            )
        )
        _, again = timed(lambda: initialise(disk))
        rows.append(("init again (nothing changed)", "", f"{again:.2f} s"))
        disk.close()
    memory = EmbeddedStore()
    counts, seconds = timed(lambda: initialise(memory))
    total = sum(counts.values())
    rows.append(
        (
            "init shipped data (memory)",
            f"{total:,} quads",
            f"{seconds:.1f} s, {total / seconds:,.0f} quads/s",
        )
    )
    return memory


def bench_synthetic(rows: list[tuple[str, str, str]], store: EmbeddedStore, n: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "synthetic.nq"
        _, seconds = timed(
            lambda: serialize(synthetic_quads(n, seed=1), str(path), RdfFormat.N_QUADS)
        )
        size = path.stat().st_size / 1e6
        rows.append(
            ("generate synthetic graph", f"{n:,} partnerships, {size:,.0f} MB", f"{seconds:.1f} s")
        )
        before = store.count()
        added, seconds = timed(lambda: store.load(path))
        rows.append(
            (
                "load synthetic (bulk, checked)",
                f"{added:,} quads",
                f"{seconds:.1f} s, {added / seconds:,.0f} quads/s",
            )
        )
        rows.append(("store size", f"{before + added:,} quads", f"peak RSS {rss_mb():,.0f} MB"))
    result, seconds = timed(lambda: list(store.query(JOIN)))
    rows.append(
        (
            "join query, Oxigraph",
            f"{store.count():,} quads",
            f"{seconds * 1000:,.0f} ms ({len(result)} rows)",
        )
    )


def _rdflib_join(n: int, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    import rdflib

    graph = rdflib.Dataset(default_union=True)
    data = serialize(synthetic_quads(n, seed=1), format=RdfFormat.N_QUADS)
    graph.parse(data=data, format="nquads")
    start = time.perf_counter()
    rows = list(graph.query(JOIN))
    out.put((len(graph), time.perf_counter() - start, len(rows)))


def bench_rdflib(rows: list[tuple[str, str, str]], n: int, cap: float) -> None:
    small = EmbeddedStore()
    small.add_quads(synthetic_quads(n, seed=1))
    _result, seconds = timed(lambda: list(small.query(JOIN)))
    rows.append(
        ("join query, Oxigraph (small)", f"{small.count():,} quads", f"{seconds * 1000:,.1f} ms")
    )
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    worker = multiprocessing.Process(target=_rdflib_join, args=(n, queue))
    worker.start()
    worker.join(cap)
    if worker.is_alive():
        worker.kill()
        worker.join()
        rows.append(
            (
                "join query, rdflib (small)",
                f"{small.count():,} quads",
                f"> {cap:.0f} s (cap hit, stopped)",
            )
        )
    else:
        size, seconds, count = queue.get()
        rows.append(
            (
                "join query, rdflib (small)",
                f"{size:,} quads",
                f"{seconds * 1000:,.0f} ms ({count} rows)",
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--partnerships", type=int, default=60_000)
    parser.add_argument("--rdflib-partnerships", type=int, default=2_000)
    parser.add_argument("--cap", type=float, default=120.0, help="seconds allowed to rdflib")
    args = parser.parse_args()
    rows: list[tuple[str, str, str]] = []
    store = bench_shipped(rows)
    bench_synthetic(rows, store, args.partnerships)
    del store
    gc.collect()
    bench_rdflib(rows, args.rdflib_partnerships, args.cap)
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for r in [("step", "size", "time"), tuple("-" * w for w in widths), *rows]:
        print(" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))


if __name__ == "__main__":
    main()
