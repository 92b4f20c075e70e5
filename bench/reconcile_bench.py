"""Reconciliation and twinnings-import benchmark.

Run on purpose, not by the tests:

    python bench/reconcile_bench.py [TSV_FOLDER]   (default: ../shared/data/twinnings)

It prints one table: the time to build the index (GeoNames lists + shipped cities), the
rate of reconcile() calls over every distinct side of the TSV rows (name + country +
coordinates, and name + country alone), the whole import, and peak memory.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

from dckg.errors import UsageError
from dckg.importers.twinnings import collect_files, import_twinnings, read_tsv
from dckg.reconcile import Reconciler


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/data/twinnings")
    rows = []
    for path in collect_files([folder]):
        rows.extend(read_tsv(path)[0])
    sides = sorted(
        {
            (s.label, s.country, s.lat, s.lon)
            for row in rows
            for s in (row.origin, row.partner)
            if not s.label.startswith("Q")
        }
    )
    table: list[tuple[str, str]] = []

    started = time.perf_counter()
    index = Reconciler.shipped()
    table.append(
        ("build index (cities500 + shipped cities)", f"{time.perf_counter() - started:.1f} s")
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

    started = time.perf_counter()
    result = import_twinnings([folder], reconciler=index)
    table.append(
        (
            f"import {result.rows_read:,} rows (index built)",
            f"{time.perf_counter() - started:.1f} s",
        )
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    table.append(("peak memory", f"{peak:,.0f} MB"))

    width = max(len(k) for k, _ in table)
    print(f"{'measure':<{width}}  value")
    for key, value in table:
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
