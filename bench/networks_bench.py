"""Network importers benchmark: import time per source and reconciliation rate.

Run on purpose, not by the tests:

    python bench/networks_bench.py [--data ../shared/data]

For each source (Covenant of Mayors, Eurocities, C40) it prints the time to read and
reconcile the members, to write the N-Triples, the members per second, and the number of
reconciler look-ups per second (every ``reconcile()`` call the importer makes, counted),
against its peer in the same run: the same look-ups made directly on the reconciler, one
per member with its name as written (the importer's extra forms and fallbacks cost the
difference). Validation (a full ``dckg init`` in memory plus the SHACL run) is timed once,
for the Covenant's output, as the CLI does it.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from dckg.importers import c40, covenant, eurocities
from dckg.importers.memberships import network_names
from dckg.importers.twinnings import reference_reconciler
from dckg.reconcile import Reconciler

ROOT = Path(__file__).resolve().parent.parent


class Counting:
    """A reconciler that counts its ``reconcile()`` calls (everything else passes through)."""

    def __init__(self, inner: Reconciler) -> None:
        self.inner = inner
        self.calls = 0

    def reconcile(self, *args: object, **kwargs: object) -> object:
        self.calls += 1
        return self.inner.reconcile(*args, **kwargs)  # type: ignore[arg-type]

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent.parent / "shared" / "data")
    args = parser.parse_args()
    started = time.perf_counter()
    index = reference_reconciler()
    print(f"opening the reconciler: {time.perf_counter() - started:.2f} s")
    rows = []
    for name, run, write in (
        (
            "covenant-of-mayors",
            lambda r: covenant.import_covenant(
                args.data / "covenant-of-mayors" / "signatories-2024.csv",
                reconciler=r,
                existing=network_names(),
            ),
            covenant.ntriples_of,
        ),
        (
            "eurocities",
            lambda r: eurocities.import_eurocities(
                args.data / "eurocities" / "members.json", reconciler=r
            ),
            eurocities.ntriples_of,
        ),
        ("c40", lambda r: c40.import_c40(args.data / "c40", reconciler=r), c40.ntriples_of),
    ):
        counting = Counting(index)
        t0 = time.perf_counter()
        result = run(counting)
        t1 = time.perf_counter()
        data = write(result, index)
        t2 = time.perf_counter()
        members = _members(result)
        peer = _peer(index, members)
        rows.append(
            (
                name,
                len(members),
                t1 - t0,
                t2 - t1,
                counting.calls / (t1 - t0),
                peer,
                data.count(b"\n"),
            )
        )
    print(
        "| source | members | import (s) | write (s) | look-ups/s in the import "
        "| look-ups/s, direct (peer) | ratio | triples |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, n, t_import, t_write, rate, peer, triples in rows:
        print(
            f"| {name} | {n:,} | {t_import:.1f} | {t_write:.1f} | {rate:,.0f} | {peer:,.0f} "
            f"| {rate / peer:.2f} | {triples:,} |"
        )
    _validation(args.data)


def _members(result: object) -> list:
    if isinstance(result, covenant.ImportResult):
        return result.signatories()
    return list(result.members)  # type: ignore[attr-defined]


def _peer(index: Reconciler, members: list) -> float:
    """Look-ups per second of one direct ``reconcile()`` per member, as written."""
    started = time.perf_counter()
    for member in members:
        index.reconcile(member.name, country=member.country, lat=member.lat, lon=member.lon)
    return len(members) / (time.perf_counter() - started)


def _validation(data: Path) -> None:
    from dckg.cli.import_common import validate_output

    index = reference_reconciler()
    result = covenant.import_covenant(
        data / "covenant-of-mayors" / "signatories-2024.csv",
        reconciler=index,
        existing=network_names(),
    )
    output = covenant.ntriples_of(result, index)
    lines = output.count(b"\n")
    started = time.perf_counter()
    validate_output(output, "covenant-of-mayors.nt", drop=[covenant.DATASET])
    print(
        f"validation of the Covenant output ({lines:,} triples, with dckg init "
        f"in memory): {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
