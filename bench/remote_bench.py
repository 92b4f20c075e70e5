"""Embedded Oxigraph against an Oxigraph server through the remote backend, same graph.

Generates >= 1M triples of synthetic partnerships between the reference cities, loads them
into both backends, and times a few representative queries (median of repeated runs). The
difference per query is the cost of the network hop (HTTP, SPARQL JSON, parsing back into
pyoxigraph terms). Run on purpose, not by the tests:

    python bench/remote_bench.py [--partnerships 150000] [--runs 20]

Prints one table; docs/remote.md quotes it.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, QueryBoolean, RdfFormat, serialize

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import OxigraphServer  # noqa: E402

from dckg.namespaces import DCKG, GRAPH, ID, RDF, RDFS, XSD  # noqa: E402
from dckg.reference import GENERATED  # noqa: E402
from dckg.store import EmbeddedStore, Store  # noqa: E402

BENCH_GRAPH = NamedNode(GRAPH + "bench/partnerships")

QUERIES: dict[str, tuple[str, dict[str, object]]] = {
    "ASK {} (round trip only)": ("ASK {}", {}),
    "partnerships of one city (bound IRI)": (
        "SELECT ?city ?p ?label WHERE { ?p dckg:partner ?city ; rdfs:label ?label } ORDER BY ?p",
        {"city": None},  # filled with a city that has partners
    ),
    "city label lookup (bound literal)": (
        "SELECT ?name ?city WHERE { ?city rdfs:label ?name }",
        {"name": None},
    ),
    "partnerships per country pair (join, 1M)": (
        """SELECT ?c1 ?c2 (COUNT(?p) AS ?n) WHERE {
             ?p a dckg:Partnership ; dckg:partner ?a , ?b .
             ?a dckg:country ?c1 . ?b dckg:country ?c2 . FILTER(STR(?c1) < STR(?c2))
           } GROUP BY ?c1 ?c2 ORDER BY DESC(?n) LIMIT 10""",
        {},
    ),
    "partnerships started in 2021 (filter, 1000 rows)": (
        """SELECT ?p ?start WHERE { ?p dckg:startDate ?start
             FILTER(?start >= "2021-01-01"^^xsd:date && ?start < "2022-01-01"^^xsd:date) }
           LIMIT 1000""",
        {},
    ),
}


def cities() -> list[NamedNode]:
    found = {
        t.subject
        for t in GENERATED["reference/cities"]()
        if t.predicate.value == RDF + "type" and t.object.value == DCKG + "City"
    }
    return sorted(found, key=lambda n: n.value)  # type: ignore[union-attr]


def partnerships(n: int, places: list[NamedNode]) -> Iterator[Quad]:
    """Seven triples per partnership: type, two partners, label, start date, theme, status."""
    rnd = random.Random(7)
    kind = NamedNode(RDF + "type")
    partnership = NamedNode(DCKG + "Partnership")
    partner = NamedNode(DCKG + "partner")
    label = NamedNode(RDFS + "label")
    start = NamedNode(DCKG + "startDate")
    theme = NamedNode(DCKG + "theme")
    status = NamedNode(DCKG + "status")
    date = NamedNode(XSD + "date")
    themes = [NamedNode(f"{ID}theme/t{i}") for i in range(12)]
    states = [NamedNode(f"{ID}status/s{i}") for i in range(4)]
    for i in range(n):
        p = NamedNode(f"{ID}partnership/bench-{i}")
        a, b = rnd.sample(places, 2)
        day = f"{rnd.randint(1990, 2024)}-{rnd.randint(1, 12):02}-{rnd.randint(1, 28):02}"
        for pred, obj in (
            (kind, partnership),
            (partner, a),
            (partner, b),
            (label, Literal(f"Partnership {i}", language="en")),
            (start, Literal(day, datatype=date)),
            (theme, rnd.choice(themes)),
            (status, rnd.choice(states)),
        ):
            yield Quad(p, pred, obj, BENCH_GRAPH)


def timed(fn: Callable[[], object]) -> tuple[object, float]:
    started = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - started


def latency(store: Store, query: str, bindings: dict[str, object], runs: int) -> float:
    def once() -> int:
        result = store.query(query, substitutions=bindings or None)  # type: ignore[arg-type]
        return 1 if isinstance(result, QueryBoolean) else sum(1 for _ in result)  # type: ignore[attr-defined]

    once()  # warm up
    return statistics.median(timed(once)[1] for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--partnerships", type=int, default=150_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    from dckg.bootstrap import initialise

    places = cities()
    data = serialize(
        (q.triple for q in partnerships(args.partnerships, places)), format=RdfFormat.N_TRIPLES
    )
    triples = args.partnerships * 7
    rows: list[tuple[str, str, str, str]] = []

    with tempfile.TemporaryDirectory() as folder:
        embedded = EmbeddedStore(Path(folder) / "embedded")
        server = OxigraphServer(Path(folder) / "server").start()
        remote = server.store(timeout=600)
        try:
            _, e_init = timed(lambda: initialise(embedded))
            _, r_init = timed(lambda: initialise(remote))
            rows.append(
                (
                    "init (reference data)",
                    f"{embedded.count():,} quads",
                    f"{e_init:.1f} s",
                    f"{r_init:.1f} s",
                )
            )
            load = {"rdf_format": RdfFormat.N_TRIPLES, "graph": BENCH_GRAPH}
            _, e_load = timed(lambda: embedded.load(data, **load))  # type: ignore[arg-type]
            _, r_load = timed(lambda: remote.load(data, **load))  # type: ignore[arg-type]
            rows.append(
                (
                    "load partnerships (new graph)",
                    f"{triples:,} triples",
                    f"{e_load:.1f} s ({triples / e_load:,.0f}/s)",
                    f"{r_load:.1f} s ({triples / r_load:,.0f}/s)",
                )
            )
            assert embedded.count(BENCH_GRAPH) == remote.count(BENCH_GRAPH) == triples

            busy = next(
                iter(
                    embedded.query(
                        "SELECT ?c WHERE { ?p dckg:partner ?c } "
                        "GROUP BY ?c ORDER BY DESC(COUNT(*)) LIMIT 1"
                    )
                )
            )["c"]  # type: ignore[index]
            name = next(embedded.quads(busy, NamedNode(RDFS + "label"), None, None)).object
            for title, (query, bindings) in QUERIES.items():
                bound = {k: busy if k == "city" else name for k in bindings}
                runs = 3 if "join" in title else args.runs  # seconds per run at 1M
                e = latency(embedded, query, bound, runs)
                r = latency(remote, query, bound, runs)
                rows.append(
                    (
                        title,
                        f"+{(r - e) * 1000:.1f} ms hop",
                        f"{e * 1000:.1f} ms",
                        f"{r * 1000:.1f} ms",
                    )
                )

            small = [q for q, _ in zip(partnerships(2_000, places), range(14_000), strict=False)]
            replaced = NamedNode(GRAPH + "bench/replaced")
            embedded.replace_graph(replaced, small)
            remote.replace_graph(replaced, small)
            _, e_rep = timed(lambda: embedded.replace_graph(replaced, small))
            _, r_rep = timed(lambda: remote.replace_graph(replaced, small))
            rows.append(
                (
                    "replace an existing graph",
                    f"{len(small):,} triples",
                    f"{e_rep:.2f} s",
                    f"{r_rep:.2f} s",
                )
            )
        finally:
            remote.close()
            server.stop()
            embedded.close()

    header = ("measure", "size / extra", "embedded", "Oxigraph server (remote)")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
