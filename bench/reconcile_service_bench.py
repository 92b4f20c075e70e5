"""Reconciliation service benchmark: 500 real names through ``/reconcile`` over HTTP.

Run on purpose, not by the tests:

    python bench/reconcile_service_bench.py --store PATH [--n 500] [--seed 12]

``PATH`` is an initialised store (``dckg init``). The names are Covenant of Mayors
signatories (``../shared/data/covenant-of-mayors/signatories-2024.csv``, individual
signatories), drawn at random with a fixed seed. The truth for each is what the shipped
import records (``data/covenant-of-mayors.nt.gz``): membership
``id/membership/covenant-of-mayors-{organisation_id}`` has as ``org:member`` either a
GeoNames city (``id/city/geonames-{id}``: the place the signatory is) or an actor of its
own (no place: the name matched none).

The app is served by uvicorn on loopback; the names go in batches of 10 (OpenRefine's
batch size), ``queries`` form-encoded as OpenRefine sends them, type ``City``, with the
properties ``country`` and ``coordinates``, then with ``country`` alone. It prints, per
mode, the precision and recall of ``match: true`` against the truth and the throughput,
and, as the peer in the same run, the same names through the reconciler in-process.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import re
import socket
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from dckg.api.settings import Settings

from dckg.api import create_app
from dckg.reconcile import reconciler_for
from dckg.store import EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent
#: The source data beside the checkout (``../shared/data``).
SHARED = ROOT.parent / "shared"
CSV = SHARED / "data" / "covenant-of-mayors" / "signatories-2024.csv"
SHIPPED = ROOT / "data" / "covenant-of-mayors.nt.gz"
MEMBER = re.compile(
    r"^<https://w3id\.org/dckg/id/membership/covenant-of-mayors-(\d+)> "
    r"<http://www\.w3\.org/ns/org#member> <https://w3id\.org/dckg/id/([^>]+)> \.$"
)
BATCH = 10


def truth() -> dict[str, str | None]:
    """organisation_id -> the entity path the shipped import gives (None: no place)."""
    out: dict[str, str | None] = {}
    with gzip.open(SHIPPED, "rt", encoding="utf-8") as lines:
        for line in lines:
            m = MEMBER.match(line.strip())
            if m:
                path = m.group(2)
                out[m.group(1)] = path if path.startswith("city/geonames-") else None
    return out


def sample(path: Path, n: int, seed: int) -> list[dict[str, str]]:
    known = truth()
    rows = []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["organisation_id"] not in known or "group" in row["adhesion_type"].lower():
                continue
            try:
                float(row["organisation_latitude"]), float(row["organisation_longitude"])
            except ValueError:
                continue
            row["truth"] = known[row["organisation_id"]]  # type: ignore[assignment]
            rows.append(row)
    rows.sort(key=lambda r: int(r["organisation_id"]))
    return random.Random(seed).sample(rows, n)


def query(row: dict[str, str], with_point: bool) -> dict[str, object]:
    props: list[dict[str, str]] = [{"pid": "country", "v": row["country_code"].upper()}]
    if with_point:
        point = f"{row['organisation_latitude']},{row['organisation_longitude']}"
        props.append({"pid": "coordinates", "v": point})
    return {"query": row["organisation_name"], "type": "City", "properties": props}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def score(rows: list[dict[str, str]], found: list[str | None]) -> tuple[float, float, int, int]:
    """Precision and recall of the matches against the truth; matches, right ones."""
    matches = [(r, f) for r, f in zip(rows, found, strict=True) if f is not None]
    right = sum(1 for r, f in matches if f == r["truth"])
    with_truth = sum(1 for r in rows if r["truth"] is not None)
    precision = right / len(matches) if matches else 0.0
    recall = right / with_truth if with_truth else 0.0
    return precision, recall, len(matches), right


def over_http(url: str, rows: list[dict[str, str]], with_point: bool) -> tuple[list, float]:
    found: list[str | None] = []
    start = time.perf_counter()
    with httpx.Client(timeout=300) as client:
        for i in range(0, len(rows), BATCH):
            chunk = rows[i : i + BATCH]
            batch = {f"q{j}": query(r, with_point) for j, r in enumerate(chunk)}
            response = client.post(url, data={"queries": json.dumps(batch)})
            response.raise_for_status()
            answer = response.json()
            for j in range(len(chunk)):
                hits = [c["id"] for c in answer[f"q{j}"]["result"] if c["match"]]
                found.append(hits[0] if hits else None)
    return found, time.perf_counter() - start


def in_process(store, rows: list[dict[str, str]], with_point: bool) -> tuple[list, float]:
    index = reconciler_for(store)
    found: list[str | None] = []
    start = time.perf_counter()
    for r in rows:
        lat = float(r["organisation_latitude"]) if with_point else None
        lon = float(r["organisation_longitude"]) if with_point else None
        m = index.reconcile(
            r["organisation_name"], country=r["country_code"], lat=lat, lon=lon, kind="city"
        )
        found.append(m.iri.value.removeprefix("https://w3id.org/dckg/id/") if m.matched else None)
    return found, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--csv", type=Path, default=CSV)
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    rows = sample(args.csv, args.n, args.seed)
    with_truth = sum(1 for r in rows if r["truth"] is not None)
    print(f"{len(rows)} Covenant signatories, {with_truth} with a GeoNames place in the import")
    with EmbeddedStore(args.store) as store:
        app = create_app(Settings(store="memory", query_workers=1), store=store)
        port = free_port()
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        url = f"http://127.0.0.1:{port}/reconcile"
        try:
            start = time.perf_counter()
            httpx.post(url, data={"queries": json.dumps({"q": query(rows[0], True)})}, timeout=600)
            print(f"first request (reads the indexes once): {time.perf_counter() - start:.1f} s")
            print(
                "| mode | matches | right | precision | recall | names/s over HTTP "
                "| names/s in-process | same matches |"
            )
            print("|---|---|---|---|---|---|---|---|")
            for with_point, mode in (
                (True, "name + country + coordinates"),
                (False, "name + country"),
            ):
                found, took = over_http(url, rows, with_point)
                peer, peer_took = in_process(store, rows, with_point)
                p, r, n, right = score(rows, found)
                same = sum(1 for a, b in zip(found, peer, strict=True) if a == b)
                print(
                    f"| {mode} | {n} | {right} | {100 * p:.1f} % | {100 * r:.1f} % "
                    f"| {len(rows) / took:.0f} | {len(rows) / peer_took:.0f} "
                    f"| {same}/{len(rows)} |"
                )
                wrong = [
                    (row["organisation_name"], row["country_code"], f, row["truth"])
                    for row, f in zip(rows, found, strict=True)
                    if f is not None and f != row["truth"]
                ]
                for name, cc, got, want in wrong[:10]:
                    print(f"  wrong: {name} ({cc}): {got}, import: {want}")
        finally:
            server.should_exit = True
            thread.join(30)


if __name__ == "__main__":
    main()
