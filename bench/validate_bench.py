"""Validation benchmark: a 1,000-row partnership CSV against the shipped store and a store of
more than a million triples, and pySHACL run over the whole graph for comparison.

Run on purpose, not by the tests:

    python bench/validate_bench.py [--rows 1000] [--extra 70000] [--repeat 3] [--cap 300]

``--extra`` synthetic twinnings (about 11 triples each) are added to the shipped data to make
the large store; ``--cap`` stops each pySHACL run after that many seconds (the table then
says so). It prints one table; docs/validation.md quotes it.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat

from dckg.bootstrap import initialise
from dckg.namespaces import DCKG, RDF, RDFS, XSD, graph
from dckg.store import EmbeddedStore, Store
from dckg.validation import open_input, validate


def cities(store: Store) -> list[str]:
    query = "SELECT ?c WHERE { ?c a dckg:City ; dckg:country ?k } ORDER BY ?c"
    return [row["c"].value for row in store.query(query)]


def contribution_csv(path: Path, rows: int, pool: list[str], seed: int = 7) -> Path:
    """A partnership CSV: two partners by IRI with roles, dates, a status, themes, SDGs."""
    rnd = random.Random(seed)
    lines = [
        "id,type,label,partner_1,partner_1_role,partner_2,partner_2_role,start_date,end_date,"
        "status,themes,advances"
    ]
    for i in range(rows):
        a, b = rnd.sample(pool, 2)
        start = rnd.randint(1990, 2022)
        lines.append(
            f"bench-{i},project,Benchmark partnership {i},{a},lead,{b},co-applicant,{start},"
            f"{start + rnd.randint(1, 5)},implementation,energy;urban-mobility,11;13"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def synthetic(pool: list[str], count: int, seed: int = 11) -> list[Quad]:
    """``count`` twinnings between random cities, in their own graph."""
    rnd = random.Random(seed)
    g = graph("bench/synthetic")
    t, partner, label = (
        NamedNode(RDF + "type"),
        NamedNode(DCKG + "partner"),
        NamedNode(RDFS + "label"),
    )
    start, distance = NamedNode(DCKG + "startDate"), NamedNode(DCKG + "distanceKm")
    participation, agent = NamedNode(DCKG + "participation"), NamedNode(DCKG + "agent")
    quads = []
    for i in range(count):
        p = NamedNode(f"https://w3id.org/dckg/id/partnership/synthetic-{i}")
        a, b = (NamedNode(x) for x in rnd.sample(pool, 2))
        part = NamedNode(p.value + "#participation-1")
        quads += [
            Quad(p, t, NamedNode(DCKG + "Twinning"), g),
            Quad(p, label, Literal(f"Synthetic twinning {i}"), g),
            Quad(p, partner, a, g),
            Quad(p, partner, b, g),
            Quad(
                p,
                start,
                Literal(str(rnd.randint(1950, 2020)), datatype=NamedNode(XSD + "gYear")),
                g,
            ),
            Quad(
                p,
                distance,
                Literal(f"{rnd.uniform(10, 9000):.1f}", datatype=NamedNode(XSD + "decimal")),
                g,
            ),
            Quad(p, participation, part, g),
            Quad(part, t, NamedNode(DCKG + "Participation"), g),
            Quad(part, agent, a, g),
            Quad(
                part, NamedNode(DCKG + "role"), NamedNode("https://w3id.org/dckg/id/role/lead"), g
            ),
            Quad(
                p, NamedNode(DCKG + "theme"), NamedNode("https://w3id.org/dckg/id/theme/culture"), g
            ),
        ]
    return quads


def time_validate(store: Store, path: Path, repeat: int) -> tuple[float, float, object]:
    times, report = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        report = validate(store, [open_input(path)])
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), report


def _pyshacl_whole(dump: str, contribution: str, queue: multiprocessing.Queue) -> None:
    import pyshacl
    import rdflib

    from dckg.validation.shapes import load_shapes

    start = time.perf_counter()
    data = rdflib.Graph()
    dataset = rdflib.Dataset()
    dataset.parse(dump, format="nquads")
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        data.add((s, p, o))
    data.parse(contribution, format="nt")
    loaded = time.perf_counter() - start
    queue.put(("loaded", loaded, len(data)))
    start = time.perf_counter()
    conforms, _, _ = pyshacl.validate(data, shacl_graph=load_shapes(), allow_warnings=True)
    queue.put(("validated", time.perf_counter() - start, conforms))


def pyshacl_whole_graph(store: Store, path: Path, cap: float, folder: Path) -> str:
    """pySHACL over the store plus the contribution, in a child process stopped at ``cap``."""
    from dckg.validation import read_contribution

    dump = folder / "store.nq"
    with open(dump, "wb") as out:
        store.dump(out, RdfFormat.N_QUADS)
    contribution = folder / "contribution.nt"
    parsed = read_contribution(open_input(path), store=store)
    contribution.write_text(
        "".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in parsed.triples)
    )
    queue: multiprocessing.Queue = multiprocessing.Queue()
    child = multiprocessing.Process(
        target=_pyshacl_whole, args=(str(dump), str(contribution), queue)
    )
    started = time.perf_counter()
    child.start()
    child.join(cap)
    messages = []
    while not queue.empty():
        messages.append(queue.get())
    if child.is_alive():
        child.terminate()
        child.join()
        loaded = next((m for m in messages if m[0] == "loaded"), None)
        where = f"(rdflib load {loaded[1]:.0f} s, then SHACL)" if loaded else "(still loading)"
        return f"> {cap:.0f} s: stopped at the cap {where}"
    total = time.perf_counter() - started
    validated = next(m for m in messages if m[0] == "validated")
    loaded = next(m for m in messages if m[0] == "loaded")
    detail = f"load {loaded[1]:.1f} s + SHACL {validated[1]:.1f} s, {loaded[2]:,} triples"
    return f"{total:.1f} s ({detail})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--extra", type=int, default=70_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cap", type=float, default=300.0)
    parser.add_argument("--no-pyshacl", action="store_true")
    args = parser.parse_args()

    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shipped = EmbeddedStore()
        initialise(shipped)
        pool = cities(shipped)
        csv = contribution_csv(folder / "partnerships.csv", args.rows, pool)

        median, best, report = time_validate(shipped, csv, args.repeat)
        rows.append(
            (
                f"dckg validate, {args.rows:,} rows",
                f"shipped store, {shipped.count():,} quads",
                f"{median:.2f} s (best {best:.2f} s); {report.summary()}",
            )
        )

        large = EmbeddedStore()
        large.add_quads(shipped.quads())
        large.add_quads(synthetic(pool, args.extra))
        median, best, report = time_validate(large, csv, args.repeat)
        rows.append(
            (
                f"dckg validate, {args.rows:,} rows",
                f"large store, {large.count():,} quads",
                f"{median:.2f} s (best {best:.2f} s); {report.summary()}",
            )
        )

        if not args.no_pyshacl:
            rows.append(
                (
                    f"pySHACL, whole graph + {args.rows:,} rows",
                    f"shipped store, {shipped.count():,} quads",
                    pyshacl_whole_graph(shipped, csv, args.cap, folder),
                )
            )
            rows.append(
                (
                    f"pySHACL, whole graph + {args.rows:,} rows",
                    f"large store, {large.count():,} quads",
                    pyshacl_whole_graph(large, csv, args.cap, folder),
                )
            )

    load = os.getloadavg()[0]
    print(
        f"machine: {os.cpu_count()} CPUs, load average {load:.1f}; python {sys.version.split()[0]}"
    )
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    header = ("what", "against", "time")
    widths = [max(w, len(h)) for w, h in zip(widths, header, strict=True)]
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
