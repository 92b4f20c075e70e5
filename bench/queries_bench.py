"""Named-query benchmark: median latency of every query through dckg and directly on pyoxigraph.

For each query of the library, on two in-memory stores (the shipped data as ``dckg init``
loads it, and the shipped data plus a synthetic graph of more than 1M triples), the
median wall time of

* dckg: ``NamedQuery.run(store, raw)`` (parse and type-check the raw parameter values,
  bind them, run through the store interface) and reading every row, and
* pyoxigraph: ``pyoxigraph.Store.query`` on the same text with the same terms already
  bound, reading every row,

and dckg's overhead in per cent of the direct time. Run on purpose, not by the tests:

    python bench/queries_bench.py [--partnerships 60000] [--repeat 5] [--write]

``--write`` also writes the table to docs/queries-benchmark.md, which the catalogue
(docs/queries.md) includes; regenerate the catalogue afterwards.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from pyoxigraph import Variable

sys.path.insert(0, str(Path(__file__).parent))

from dckg.bootstrap import initialise
from dckg.queries import NamedQuery, load_library
from dckg.queries.catalogue import example_params
from dckg.store import EmbeddedStore
from synthetic import synthetic_quads

ROOT = Path(__file__).resolve().parent.parent


def median_seconds(run: Callable[[], object], repeat: int, budget: float) -> float:
    """The median of up to ``repeat`` timed runs (fewer when one run exceeds ``budget``)."""
    times: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
        if times[-1] > budget:
            break
    return statistics.median(times)


def measure(
    query: NamedQuery, store: EmbeddedStore, raw: dict[str, str], repeat: int
) -> tuple[float, float, int]:
    """(dckg seconds, direct seconds, rows) for one query on one store."""
    native = store._store  # the pyoxigraph.Store behind the embedded backend
    bound = {Variable(k): v for k, v in query.bind(raw).items()}
    prefixes = store.default_prefixes()

    def direct() -> int:
        result = native.query(
            query.text, substitutions=bound, use_default_graph_as_union=True, prefixes=prefixes
        )
        return len(list(result))  # type: ignore[arg-type]

    def through_dckg() -> int:
        return len(list(query.run(store, raw)))  # type: ignore[arg-type]

    start = time.perf_counter()
    rows = direct()  # warm up both paths once
    through_dckg()
    if time.perf_counter() - start < 0.1:
        repeat = max(repeat, 31)  # fast queries: more runs against timer noise
    # Interleave the two so that load on the machine hits both alike.
    dckg_times, direct_times = [], []
    for _ in range(repeat):
        dckg_times.append(median_seconds(through_dckg, 1, 0))
        direct_times.append(median_seconds(direct, 1, 0))
        if direct_times[-1] > 20:
            break
    return statistics.median(dckg_times), statistics.median(direct_times), rows


def build_stores(n: int) -> tuple[EmbeddedStore, EmbeddedStore, int]:
    shipped = EmbeddedStore()
    initialise(shipped)
    big = EmbeddedStore()
    initialise(big)
    synthetic = big.add_quads(synthetic_quads(n, seed=1))
    return shipped, big, synthetic


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--partnerships", type=int, default=60_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", nargs="*", help="Only these queries.")
    parser.add_argument("--write", action="store_true", help="Write docs/queries-benchmark.md.")
    args = parser.parse_args()

    shipped, big, synthetic = build_stores(args.partnerships)
    library = load_library()
    names = args.only or list(library)
    header = (
        "| query | shipped: rows | dckg ms | pyoxigraph ms | overhead "
        "| 1M+: rows | dckg ms | pyoxigraph ms | overhead |"
    )
    lines = [header, "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    print(
        f"shipped data: {shipped.count():,} quads; synthetic graph: {synthetic:,} triples "
        f"({args.partnerships:,} partnerships) + shipped data = {big.count():,} quads",
        flush=True,
    )
    print(header, flush=True)
    print(lines[1], flush=True)
    overheads = []
    for name in names:
        query = library[name]
        raw = example_params(query)
        cells = [name]
        for store in (shipped, big):
            via_dckg, direct, rows = measure(query, store, raw, args.repeat)
            overhead = 100 * (via_dckg - direct) / direct if direct > 0 else 0.0
            overheads.append(overhead)
            cells += [
                f"{rows:,}",
                f"{via_dckg * 1000:.1f}",
                f"{direct * 1000:.1f}",
                f"{overhead:+.0f}%",
            ]
        line = "| " + " | ".join(cells) + " |"
        lines.append(line)
        print(line, flush=True)
    summary = (
        f"\nMedian overhead over all measurements: {statistics.median(overheads):+.1f}% "
        f"(target <= 20%). Stores in memory; shipped data {shipped.count():,} quads, large "
        f"graph {big.count():,} quads (shipped data + {synthetic:,} synthetic triples from "
        f"bench/synthetic.py, {args.partnerships:,} partnerships, seed 1); median of "
        f"{args.repeat} runs (31 for queries under 0.1 s); parameters: the example of each "
        f"required parameter; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
        "at the end (the machine was shared)."
    )
    print(summary)
    if args.write:
        out = ROOT / "docs" / "queries-benchmark.md"
        command = "python bench/queries_bench.py --write"
        out.write_text(
            f"Measured with `{command}`.\n\n" + "\n".join(lines) + "\n" + summary + "\n",
            encoding="utf-8",
        )
        print(f"wrote {out}")


if __name__ == "__main__":
    main()
