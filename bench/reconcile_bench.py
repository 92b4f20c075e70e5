"""Reconciliation benchmark: index build and load, look-ups, suggestions, validation.

Run on purpose, not by the tests:

    python bench/reconcile_bench.py [--twinnings FOLDER] [--store PATH] [--no-build]

It prints one table:

- building the GeoNames index (``cities500``, into a temporary folder; ``--no-build``
  skips it) and opening the persisted one;
- the rate of ``reconcile()`` calls over every distinct side of the twinning TSV rows
  (name + country + coordinates, and name + country alone), and of ``suggest()``;
- the whole twinnings import and the peak memory of this process (look-ups, import);
- with ``--covenant FILE`` (``signatories-2024.csv``), instead of the above: the match
  rate of the Covenant of Mayors signatories (all, and individual ones), GeoNames alone
  (the peer) against GeoNames with the official lists of municipalities, the time of
  each import and the ratio, and the unmatched individual signatories of 5,000 people
  or more by the source's own column;
- with ``--store`` (an initialised store): reading the store's places, its fingerprint,
  opening the persisted places, and ``dckg validate templates/partnerships.csv`` (two
  rows, one partner named by name and coordinates) in a fresh process, time and peak
  memory, against its peer in the same run, the same file with IRIs only.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dckg.errors import UsageError
from dckg.importers.twinnings import collect_files, import_twinnings, read_tsv
from dckg.reconcile import Reconciler
from dckg.reconcile import gazetteer as gz

ROOT = Path(__file__).resolve().parent.parent
_CHILD = (
    "import atexit, sys\n"
    "from pathlib import Path\n"
    "hwm = lambda: [l for l in Path('/proc/self/status').read_text().splitlines()"
    " if l.startswith('VmHWM')][0].split()[1]\n"
    "atexit.register(lambda: print('maxrss', hwm(), file=sys.stderr))\n"
    "from dckg.cli import main\n"
    "sys.argv = ['dckg'] + sys.argv[1:]\n"
    "main()\n"
)


def timed(call):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    value = call()
    return value, time.perf_counter() - started


def dckg_run(*args: str) -> tuple[float, float]:
    """Wall time (s) and peak memory (MB) of one ``dckg`` command in a fresh process."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, *args], capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"dckg {' '.join(args)} failed: {done.stderr}")
    rss = [line for line in done.stderr.splitlines() if line.startswith("maxrss")]
    return elapsed, int(rss[-1].split()[1]) / 1024 if rss else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--twinnings", type=Path, default=Path("../shared/data/twinnings"))
    parser.add_argument("--store", type=Path)
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--covenant", type=Path)
    options = parser.parse_args()
    table: list[tuple[str, str]] = []
    if options.covenant is not None:
        print_table(covenant_figures(options.covenant))
        return

    _, elapsed = timed(gz.gazetteer)
    table.append(("open the persisted GeoNames index", f"{elapsed * 1000:.0f} ms"))
    index, elapsed = timed(Reconciler.shipped)
    table.append(("Reconciler.shipped()", f"{elapsed * 1000:.0f} ms"))

    rows = []
    for path in collect_files([options.twinnings]):
        rows.extend(read_tsv(path)[0])
    sides = sorted(
        {
            (s.label, s.country, s.lat, s.lon)
            for row in rows
            for s in (row.origin, row.partner)
            if not s.label.startswith("Q")
        }
    )
    for label, with_position in (("name + country + position", True), ("name + country", False)):
        started = time.perf_counter()
        for name, country, lat, lon in sides:
            try:
                index.reconcile(
                    name,
                    country=country,
                    lat=lat if with_position else None,
                    lon=lon if with_position else None,
                )
            except UsageError:  # a country name ISO 3166 does not know
                continue
        elapsed = time.perf_counter() - started
        table.append(
            (f"reconcile {len(sides):,} sides, {label}", f"{len(sides) / elapsed:,.0f} calls/s")
        )
    misspelt = ["Ouagadougu", "Lyonn", "Gottingen", "Bocolt", "Kampla", "Marseile"] * 5
    _, elapsed = timed(lambda: [index.suggest(n) for n in misspelt])
    table.append(("suggest(name), whole world", f"{len(misspelt) / elapsed:,.1f} calls/s"))
    _, elapsed = timed(lambda: [index.suggest(n, "FR") for n in misspelt])
    table.append(("suggest(name, country)", f"{len(misspelt) / elapsed:,.0f} calls/s"))

    result, elapsed = timed(lambda: import_twinnings([options.twinnings], reconciler=index))
    table.append((f"import {result.rows_read:,} twinning rows", f"{elapsed:.1f} s"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    table.append(("peak memory of this process (look-ups, import)", f"{peak:,.0f} MB"))

    if options.store is not None:
        table.extend(store_figures(options.store))
    if not options.no_build:
        with tempfile.TemporaryDirectory() as folder:
            path, elapsed = timed(lambda: gz.build(Path(folder) / "index.sqlite3"))
            size = path.stat().st_size / 1e6
            table.append(
                ("build the GeoNames index (cities500)", f"{elapsed:.1f} s, {size:.0f} MB")
            )

    print_table(table)


def print_table(table: list[tuple[str, str]]) -> None:
    width = max(len(k) for k, _ in table)
    print(f"{'measure':<{width}}  value")
    for key, value in table:
        print(f"{key:<{width}}  {value}")


def covenant_figures(path: Path) -> list[tuple[str, str]]:
    """Match rates of the Covenant signatories, GeoNames alone against GeoNames and the
    official lists, in the same run on the same reconciler."""
    from dckg.importers import covenant
    from dckg.reconcile.registers import official_list

    index = Reconciler.shipped()
    for country in ("ES", "RO", "UA", "MD", "IT"):
        official_list(country)  # read the lists once, outside the timings
    covenant.import_covenant(path, reconciler=index, official_lists=False)  # warm the index
    out: list[tuple[str, str]] = []
    times = {}
    for label, lists in (("GeoNames alone (peer)", False), ("with the official lists", True)):
        result, times[label] = timed(
            lambda lists=lists: covenant.import_covenant(
                path, reconciler=index, official_lists=lists
            )
        )
        people = {r.id: r.population or 0 for r in result.rows}
        for kind, members in (
            ("signatories", result.signatories()),
            ("individual", result.individual()),
        ):
            matched = sum(1 for m in members if m.matched)
            out.append(
                (
                    f"{label}: {kind} matched",
                    f"{matched:,} of {len(members):,} ({100 * matched / len(members):.2f} %)",
                )
            )
        big = sum(1 for m in result.individual() if not m.matched and people[m.key] >= 5000)
        out.append((f"{label}: individual unmatched, >= 5,000 people", f"{big:,}"))
        out.append((f"{label}: import time", f"{times[label]:.1f} s"))
    ratio = times["with the official lists"] / times["GeoNames alone (peer)"]
    out.append(("import time, with the lists / GeoNames alone", f"{ratio:.2f}×"))
    return out


def store_figures(path: Path) -> list[tuple[str, str]]:
    from dckg.reconcile.index import fingerprint, load_places, read_places
    from dckg.reconcile.matcher import _actor_classes
    from dckg.store import EmbeddedStore

    out: list[tuple[str, str]] = []
    with EmbeddedStore(path) as store:
        n = store.count()
        places, elapsed = timed(lambda: read_places(store, _actor_classes(store)))
        out.append(
            (
                f"read the places of the store ({n:,} quads)",
                f"{elapsed:.2f} s, {len(places.places):,} places",
            )
        )
        digest, elapsed = timed(lambda: fingerprint(store))
        out.append(("fingerprint of the store", f"{elapsed * 1000:.0f} ms"))
        load_places(store, lambda: _actor_classes(store), digest)  # persisted
        _, elapsed = timed(lambda: load_places(store, lambda: set(), digest))
        out.append(("open the persisted places", f"{elapsed * 1000:.0f} ms"))
    with tempfile.TemporaryDirectory() as folder:
        names = ROOT / "templates" / "partnerships.csv"
        iris = Path(folder) / "iris.csv"
        iris.write_text("\n".join(names.read_text("utf-8").splitlines()[:2]) + "\n", "utf-8")
        env_store = ["--store", str(path)]
        dckg_run(*env_store, "validate", str(names))  # warm: persisted files, page cache
        runs = {}
        for label, file in (("IRIs only (peer)", iris), ("partner by name", names)):
            times = [dckg_run(*env_store, "validate", str(file)) for _ in range(3)]
            runs[label] = min(t for t, _ in times), max(m for _, m in times)
            out.append(
                (
                    f"dckg validate, 2-row CSV, {label}",
                    f"{runs[label][0]:.2f} s, {runs[label][1]:.0f} MB",
                )
            )
        ratio = runs["partner by name"][0] / runs["IRIs only (peer)"][0]
        out.append(("… by name / IRIs only", f"{ratio:.2f}×"))
    return out


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
