"""Validation benchmark: what a steward waits for, and the two SHACL engines side by side.

Run on purpose, not by the tests:

    python bench/validate_bench.py [--rows 1000] [--extra 70000] [--repeat 3] [--cap 600]

It measures, in one run:

1. ``dckg validate templates/partnerships.csv`` (two rows, one partner given by name) as a
   steward runs it: a new process on an initialised on-disk store, wall time and peak
   memory, the first time (the reconciliation index is built and persisted) and after;
2. a 1,000-row partnership CSV against the shipped store and against a store of more
   than a million quads (``--extra`` synthetic twinnings added), with the default engine;
3. the SHACL engines on the same contribution and neighbourhood: pyshacl-turbo (the
   default) and pySHACL (the reference, stopped after ``--cap`` seconds), with the ratio;
4. both engines on the W3C SHACL test suite (tests passed of 120).

It prints one table; the README and docs/validation.md quote it.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, Triple

from dckg.bootstrap import initialise
from dckg.namespaces import DCKG, RDF, RDFS, XSD, graph
from dckg.store import EmbeddedStore, Store
from dckg.validation import open_input, read_contribution, validate
from dckg.validation.neighbourhood import neighbourhood

ROOT = Path(__file__).resolve().parents[1]


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
    """``count`` twinnings between random cities (11 quads each), in their own graph."""
    rnd = random.Random(seed)
    g = graph("bench/synthetic")
    t, partner, label = (
        NamedNode(RDF + "type"),
        NamedNode(DCKG + "partner"),
        NamedNode(RDFS + "label"),
    )
    start, distance = NamedNode(DCKG + "startDate"), NamedNode(DCKG + "distanceKm")
    participation, agent = NamedNode(DCKG + "participation"), NamedNode(DCKG + "agent")
    role, theme = NamedNode(DCKG + "role"), NamedNode(DCKG + "theme")
    lead = NamedNode("https://w3id.org/dckg/id/role/lead")
    culture = NamedNode("https://w3id.org/dckg/id/theme/culture")
    quads = []
    for i in range(count):
        p = NamedNode(f"https://w3id.org/dckg/id/partnership/synthetic-{i}")
        a, b = (NamedNode(x) for x in rnd.sample(pool, 2))
        part = NamedNode(p.value + "#participation-1")
        year = Literal(str(rnd.randint(1950, 2020)), datatype=NamedNode(XSD + "gYear"))
        km = Literal(f"{rnd.uniform(10, 9000):.1f}", datatype=NamedNode(XSD + "decimal"))
        quads += [
            Quad(p, t, NamedNode(DCKG + "Twinning"), g),
            Quad(p, label, Literal(f"Synthetic twinning {i}"), g),
            Quad(p, partner, a, g),
            Quad(p, partner, b, g),
            Quad(p, start, year, g),
            Quad(p, distance, km, g),
            Quad(p, participation, part, g),
            Quad(part, t, NamedNode(DCKG + "Participation"), g),
            Quad(part, agent, a, g),
            Quad(part, role, lead, g),
            Quad(p, theme, culture, g),
        ]
    return quads


def time_validate(store: Store, path: Path, repeat: int) -> tuple[float, float, object]:
    times, report = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        report = validate(store, [open_input(path)])
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), report


def steward_run(store_dir: Path, csv: Path) -> tuple[float, float]:
    """``dckg validate`` in a new process: (wall seconds, peak RSS in MB of that process)."""
    script = (
        "import resource, sys, time\n"
        "start = time.perf_counter()\n"
        "from dckg.cli import main\n"
        "try:\n"
        f"    main(['--store', {str(store_dir)!r}, 'validate', {str(csv)!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(f'BENCH {time.perf_counter() - start:.3f} {peak:.0f}', file=sys.stderr)\n"
    )
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - start
    line = next(x for x in done.stderr.splitlines() if x.startswith("BENCH "))
    return wall, float(line.split()[2])


def _engine_child(engine: str, path: str, subjects: str, queue: multiprocessing.Queue) -> None:
    from pyoxigraph import RdfFormat, parse

    from dckg.validation.engines import run_shapes

    parsed = parse(path=path, format=RdfFormat.N_TRIPLES)
    triples = [Triple(q.subject, q.predicate, q.object) for q in parsed]
    focus = {NamedNode(x) for x in Path(subjects).read_text().split()}
    start = time.perf_counter()
    results = run_shapes(triples, focus, engine=engine)
    queue.put((time.perf_counter() - start, len(results)))


def engine_time(engine: str, data: list[Triple], focus: set, cap: float, folder: Path) -> str:
    """One engine on the contribution + neighbourhood, in a child process stopped at ``cap``."""
    from pyoxigraph import RdfFormat, serialize

    path, subjects = folder / "data.nt", folder / "focus.txt"
    path.write_bytes(serialize(data, format=RdfFormat.N_TRIPLES))
    subjects.write_text("\n".join(n.value for n in focus if isinstance(n, NamedNode)))
    queue: multiprocessing.Queue = multiprocessing.Queue()
    child = multiprocessing.Process(
        target=_engine_child, args=(engine, str(path), str(subjects), queue)
    )
    child.start()
    child.join(cap)
    if child.is_alive():
        child.terminate()
        child.join()
        return f"> {cap:.0f}"
    seconds, _ = queue.get()
    return f"{seconds:.2f}"


def w3c_scores() -> dict[str, str]:
    from dckg.validation.conformance import run_suite
    from dckg.validation.engines import ENGINES

    suite = ROOT / "tests" / "validation" / "w3c" / "shacl-test-suite" / "manifest.ttl"
    scores = {}
    for engine in ENGINES:
        outcomes = run_suite(suite, engine=engine)
        failed = [o.case.name for o in outcomes if not o.passed]
        scores[engine] = f"{len(outcomes) - len(failed)}/{len(outcomes)}" + (
            f" (fails {', '.join(failed)})" if failed else ""
        )
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--extra", type=int, default=70_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cap", type=float, default=600.0)
    parser.add_argument("--no-pyshacl", action="store_true")
    args = parser.parse_args()

    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store_dir = folder / "store"
        # As a steward does it: ``dckg init`` in a process of its own, then ``dckg validate``.
        subprocess.run(
            [sys.executable, "-m", "dckg", "--store", str(store_dir), "init"],
            capture_output=True,
            check=True,
        )
        with EmbeddedStore(store_dir, read_only=True) as on_disk:
            quads = on_disk.count()
        template = ROOT / "templates" / "partnerships.csv"
        for when in ("first run", "second run"):
            wall, peak = steward_run(store_dir, template)
            rows.append(
                (
                    f"dckg validate templates/partnerships.csv ({when})",
                    f"on-disk store, {quads:,} quads",
                    f"{wall:.2f} s, peak {peak:.0f} MB",
                )
            )

        shipped = EmbeddedStore()
        initialise(shipped)
        pool = cities(shipped)
        csv = contribution_csv(folder / "partnerships.csv", args.rows, pool)
        median, best, report = time_validate(shipped, csv, args.repeat)
        rows.append(
            (
                f"validate {args.rows:,} rows",
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
                f"validate {args.rows:,} rows",
                f"large store, {large.count():,} quads",
                f"{median:.2f} s (best {best:.2f} s); {report.summary()}",
            )
        )

        parsed = read_contribution(open_input(csv), store=large)
        context = neighbourhood(large, parsed.triples)
        data = [*parsed.triples, *context]
        focus = {t.subject for t in parsed.triples}
        turbo = engine_time("pyshacl-turbo", data, focus, args.cap, folder)
        reference = "not run"
        if not args.no_pyshacl:
            reference = engine_time("pyshacl", data, focus, args.cap, folder)
        ratio = ""
        if not reference.startswith((">", "not")):
            ratio = f"; pySHACL / pyshacl-turbo = {float(reference) / float(turbo):.0f}×"
        elif reference.startswith(">"):
            ratio = f"; pySHACL / pyshacl-turbo > {args.cap / float(turbo):.0f}×"
        rows.append(
            (
                f"SHACL only, {args.rows:,} rows + neighbourhood",
                f"{len(data):,} triples, {len(focus):,} focus nodes",
                f"pyshacl-turbo {turbo} s, pySHACL {reference} s{ratio}",
            )
        )
        for engine, score in w3c_scores().items():
            rows.append((f"W3C SHACL suite, {engine}", "core + sparql", score))

    load = os.getloadavg()[0]
    print(
        f"machine: {os.cpu_count()} CPUs, load average {load:.1f}; python {sys.version.split()[0]}"
    )
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    header = ("what", "against", "result")
    widths = [max(w, len(h)) for w, h in zip(widths, header, strict=True)]
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
